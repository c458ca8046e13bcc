package record

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
)

// The binary encoding of a record (Marshal/Unmarshal), used by the broker
// for its log and raft entries:
//
//	version byte (codecVersion)
//	varints: position, sourceRecordPosition, key, timestamp, partitionId
//	strings: recordType, valueType, intent, rejectionType, rejectionReason
//	uvarint: requestId
//	value: the value struct's fields in declaration order (see the
//	       encodeTo/decodeFrom methods); variables are JSON text.
//
// Strings are a uvarint length and the bytes. A new field is appended at the
// end of a value and the version is raised; a decoder for version n reads
// every older version.
const codecVersion = 1

// ErrCorrupt is returned by Unmarshal for bytes that are not a record.
var ErrCorrupt = errors.New("record: corrupt encoding")

// binaryValue is implemented by every value struct of this package.
type binaryValue interface {
	encodeTo(e *Encoder)
	decodeFrom(d *Decoder)
}

// Marshal encodes r compactly (see the format above).
func Marshal(r Record) ([]byte, error) {
	e := Encoder{B: make([]byte, 0, 256)}
	if err := AppendRecord(&e, &r); err != nil {
		return nil, err
	}
	return e.B, nil
}

// AppendRecord encodes r onto e (Marshal without the allocation).
func AppendRecord(e *Encoder, r *Record) error {
	e.B = append(e.B, codecVersion)
	e.Int(r.Position)
	e.Int(r.SourceRecordPosition)
	e.Int(r.Key)
	e.Int(r.Timestamp)
	e.Int(int64(r.PartitionID))
	e.String(string(r.RecordType))
	e.String(string(r.ValueType))
	e.String(string(r.Intent))
	e.String(string(r.RejectionType))
	e.String(r.RejectionReason)
	e.Uint(r.RequestID)
	if r.Value == nil {
		e.Bool(false)
		return nil
	}
	bv, ok := r.Value.(binaryValue)
	if !ok {
		return fmt.Errorf("record: marshal: value %T has no binary encoding", r.Value)
	}
	if r.Value.ValueType() != r.ValueType {
		return fmt.Errorf("record: marshal: value %T does not match value type %s", r.Value, r.ValueType)
	}
	e.Bool(true)
	bv.encodeTo(e)
	return e.Err
}

// Unmarshal decodes a record written by Marshal.
func Unmarshal(b []byte) (Record, error) {
	var r Record
	if len(b) == 0 || b[0] != codecVersion {
		return r, fmt.Errorf("%w: unknown version", ErrCorrupt)
	}
	d := Decoder{B: b[1:]}
	r.Position = d.Int()
	r.SourceRecordPosition = d.Int()
	r.Key = d.Int()
	r.Timestamp = d.Int()
	r.PartitionID = int32(d.Int())
	r.RecordType = RecordType(d.Name())
	r.ValueType = ValueType(d.Name())
	r.Intent = Intent(d.Name())
	r.RejectionType = RejectionType(d.Name())
	r.RejectionReason = d.String()
	r.RequestID = d.Uint()
	if d.Bool() {
		v := NewValue(r.ValueType)
		if v == nil {
			return r, fmt.Errorf("%w: unknown value type %q", ErrCorrupt, r.ValueType)
		}
		v.(binaryValue).decodeFrom(&d)
		r.Value = v
	}
	if d.Err != nil {
		return r, d.Err
	}
	if len(d.B) != 0 {
		return r, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(d.B))
	}
	return r, nil
}

// MarshalValue encodes a value alone (the engine's state stores values so).
func MarshalValue(e *Encoder, v Value) {
	v.(binaryValue).encodeTo(e)
}

// UnmarshalValue decodes into v a value written by MarshalValue.
func UnmarshalValue(d *Decoder, v Value) {
	v.(binaryValue).decodeFrom(d)
}

// Encoder appends primitive values to B. An error (a variable that is not
// JSON) is kept in Err; later writes still happen.
type Encoder struct {
	B   []byte
	Err error
}

// Int appends a signed varint.
func (e *Encoder) Int(v int64) { e.B = binary.AppendVarint(e.B, v) }

// Uint appends an unsigned varint.
func (e *Encoder) Uint(v uint64) { e.B = binary.AppendUvarint(e.B, v) }

// Bool appends one byte.
func (e *Encoder) Bool(v bool) {
	if v {
		e.B = append(e.B, 1)
	} else {
		e.B = append(e.B, 0)
	}
}

// String appends a length-prefixed string.
func (e *Encoder) String(s string) {
	e.Uint(uint64(len(s)))
	e.B = append(e.B, s...)
}

// Bytes appends length-prefixed bytes.
func (e *Encoder) Bytes(b []byte) {
	e.Uint(uint64(len(b)))
	e.B = append(e.B, b...)
}

// Strings appends a list of strings.
func (e *Encoder) Strings(s []string) {
	e.Uint(uint64(len(s)))
	for _, v := range s {
		e.String(v)
	}
}

// StringMap appends a map in sorted key order (deterministic bytes).
func (e *Encoder) StringMap(m map[string]string) {
	e.Uint(uint64(len(m)))
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.String(k)
		e.String(m[k])
	}
}

// Doc appends a variables document as JSON text (nil and empty are both an
// empty string; encoding/json sorts map keys, so the bytes are
// deterministic).
func (e *Encoder) Doc(m map[string]any) {
	if len(m) == 0 {
		e.Uint(0)
		return
	}
	b, err := json.Marshal(m)
	if err != nil && e.Err == nil {
		e.Err = fmt.Errorf("record: variables are not JSON: %w", err)
	}
	e.Bytes(b)
}

// Decoder reads what Encoder wrote. The first error sticks in Err; reads
// after it return zero values.
type Decoder struct {
	B   []byte
	Err error
	// Intern, when set, gives short strings that were read before back
	// without an allocation (element ids, process ids, job types). It must
	// not be shared between goroutines.
	Intern map[string]string
}

func (d *Decoder) fail() {
	if d.Err == nil {
		d.Err = ErrCorrupt
	}
	d.B = nil
}

// Int reads a signed varint.
func (d *Decoder) Int() int64 {
	v, n := binary.Varint(d.B)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.B = d.B[n:]
	return v
}

// Uint reads an unsigned varint.
func (d *Decoder) Uint() uint64 {
	v, n := binary.Uvarint(d.B)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.B = d.B[n:]
	return v
}

// Int32 reads a signed varint that must fit 32 bits.
func (d *Decoder) Int32() int32 {
	v := d.Int()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int32(v)
}

// Bool reads one byte.
func (d *Decoder) Bool() bool {
	if len(d.B) == 0 {
		d.fail()
		return false
	}
	v := d.B[0]
	d.B = d.B[1:]
	return v == 1
}

func (d *Decoder) raw() []byte {
	n := d.Uint()
	if d.Err != nil || n > uint64(len(d.B)) {
		d.fail()
		return nil
	}
	b := d.B[:n:n]
	d.B = d.B[n:]
	return b
}

// Skip passes over a length-prefixed string or byte slice.
func (d *Decoder) Skip() { d.raw() }

// String reads a length-prefixed string.
func (d *Decoder) String() string {
	b := d.raw()
	if d.Intern == nil || len(b) > maxInterned {
		return string(b)
	}
	if s, ok := d.Intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.Intern) < maxInternCount {
		d.Intern[s] = s
	}
	return s
}

// Interning bounds: ids and types are short and few.
const (
	maxInterned    = 64
	maxInternCount = 4096
)

// Name reads a string that is usually one of the package's constants; those
// come back without an allocation.
func (d *Decoder) Name() string {
	b := d.raw()
	if s, ok := names[string(b)]; ok {
		return s
	}
	return string(b)
}

// Bytes reads length-prefixed bytes (a copy; nil when empty).
func (d *Decoder) Bytes() []byte {
	b := d.raw()
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// Strings reads a list of strings (nil when empty).
func (d *Decoder) Strings() []string {
	n := d.Uint()
	if n == 0 || n > uint64(len(d.B)) {
		if n != 0 {
			d.fail()
		}
		return nil
	}
	s := make([]string, n)
	for i := range s {
		s[i] = d.String()
	}
	return s
}

// StringMap reads a map written by Encoder.StringMap (nil when empty).
func (d *Decoder) StringMap() map[string]string {
	n := d.Uint()
	if n == 0 || n > uint64(len(d.B)) {
		if n != 0 {
			d.fail()
		}
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.String()
		m[k] = d.String()
	}
	return m
}

// Doc reads a variables document (nil when empty).
func (d *Decoder) Doc() map[string]any {
	b := d.raw()
	if len(b) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		d.fail()
		return nil
	}
	return m
}

// names interns the constant strings of records.
var names = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		string(Command), string(Event), string(CommandRejection),
		string(NullVal), string(InvalidArgument), string(NotFound), string(AlreadyExists),
		string(InvalidState), string(ProcessingError), string(ExceededBatchSize),
		string(Deployment), string(Process), string(ProcessInstance), string(ProcessInstanceCreation),
		string(ProcessInstanceResult), string(Job), string(JobBatch), string(Variable),
		string(VariableDocument), string(Incident), string(Error), string(Timer), string(Message),
		string(MessageSubscription), string(ProcessMessageSub), string(Signal), string(CommandDistribution),
		string(Create), string(Created), string(Update), string(Updated), string(Distribute),
		string(Distributed), string(FullyDistributed), string(Cancel), string(ActivateElement),
		string(CompleteElement), string(TerminateElement), string(SequenceFlowTaken),
		string(ElementActivating), string(ElementActivated), string(ElementCompleting),
		string(ElementCompleted), string(ElementTerminating), string(ElementTerminated),
		string(CreateWithAwaitingResult), string(Complete), string(Completed), string(TimeOut),
		string(TimedOut), string(Fail), string(Failed), string(UpdateRetries), string(RetriesUpdated),
		string(Canceled), string(ThrowError), string(ErrorThrown), string(RecurAfterBackoff),
		string(RecurredAfterBackoff), string(Yield), string(Yielded), string(UpdateTimeout),
		string(TimeoutUpdated), string(Activate), string(Activated), string(Resolve), string(Resolved),
		string(Started), string(Distributing), string(Acknowledge), string(Acknowledged), string(Finished),
		DefaultTenant, SemanticsLocal, SemanticsPropagate,
		"PROCESS", "SUB_PROCESS", "START_EVENT", "END_EVENT", "SERVICE_TASK", "USER_TASK",
		"SCRIPT_TASK", "EXCLUSIVE_GATEWAY", "PARALLEL_GATEWAY", "INCLUSIVE_GATEWAY",
		"SEQUENCE_FLOW", "UNSPECIFIED", "TERMINATE", "TASK", "MANUAL_TASK",
	} {
		m[s] = s
	}
	return m
}()

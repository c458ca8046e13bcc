package proc

import (
	"fmt"
	"log/slog"
	"sort"

	"github.com/shoalbpm/shoal/engine/applier"
	"github.com/shoalbpm/shoal/engine/graph"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Response answers a waiting request.
type Response struct {
	RequestID uint64
	Record    record.Record
}

// EvalFunc evaluates a compiled expression (bpmn.Expression.Compiled)
// against variables, with now (ms) as the clock of now() and today(). The
// engine supplies engine/expr's evaluator.
type EvalFunc func(compiled any, vars Vars, now int64) (any, error)

// Vars looks variables up by name (engine/expr's Vars).
type Vars interface {
	Get(name string) (any, bool)
}

// Context is what a processor works with while it processes one command.
type Context struct {
	State  *state.State
	Graphs *graph.Cache
	Eval   EvalFunc
	Log    *slog.Logger
	// Cmd is the command being processed; Now is its timestamp, the only
	// clock the engine knows.
	Cmd *record.Record
	Now int64

	cur       record.Record // the current command (Cmd points here)
	partition int32
	// partitionCount is the number of partitions (1 unless set).
	partitionCount int32
	outbound       []Outbound // commands for other partitions (Send)
	nextKey        int64      // the counter of the last key handed out
	nextPos        int64      // the position of the last record written
	env            applier.Env
	records        []record.Record
	queue          []int // indexes into records of commands; queue[head:] are still to process
	head           int
	responses      []Response
	jobTypes       map[string]struct{}
	external       bool                           // the current command came from Append (a client or the leader)
	piArena        []record.ProcessInstanceRecord // see PI
	rejected       bool
	offers         []PushOffer // this call's push offers (see push.go)
	pushed         []PushedJob
	quiet          bool // EventQuiet: no job type announced
}

// NewContext prepares a context for one Process call, continuing from the
// counters stored in st.
func NewContext(st *state.State, graphs *graph.Cache, eval EvalFunc, log *slog.Logger, partition int32, sizeHint int) (*Context, error) {
	c := &Context{State: st, Graphs: graphs, Eval: eval, Log: log, partition: partition}
	c.env = applier.Env{State: st, Graphs: graphs, JobActivatable: c.noteJobType}
	return c, c.Reset(sizeHint)
}

// Reset prepares the context for another Process call over the same
// State (whose KV may have changed): the counters are read again and
// everything written before is forgotten.
func (c *Context) Reset(sizeHint int) error {
	k, err := c.State.Counter(state.CounterKey)
	if err != nil {
		return err
	}
	p, err := c.State.Counter(state.CounterPosition)
	if err != nil {
		return err
	}
	c.nextKey, c.nextPos = k, p
	c.State.SetFreshKeys(record.NewKey(c.partition, k), record.NewKey(c.partition+1, 0))
	c.records = make([]record.Record, 0, sizeHint) // handed to the caller: never reused
	c.queue, c.head = c.queue[:0], 0
	c.responses = nil
	c.outbound = nil
	c.offers, c.pushed, c.quiet = c.offers[:0], nil, false
	clear(c.jobTypes)
	c.piArena = nil
	c.Cmd, c.cur, c.Now, c.rejected, c.external = nil, record.Record{}, 0, false, false
	return nil
}

func (c *Context) noteJobType(t string) {
	if c.quiet {
		return
	}
	if c.jobTypes == nil {
		c.jobTypes = map[string]struct{}{}
	}
	c.jobTypes[t] = struct{}{}
}

// PI returns a copy of v that a record can point to. Copies come from
// chunks, so that the many PROCESS_INSTANCE records of a call cost a few
// allocations instead of one each.
func (c *Context) PI(v record.ProcessInstanceRecord) *record.ProcessInstanceRecord {
	if len(c.piArena) == cap(c.piArena) {
		c.piArena = make([]record.ProcessInstanceRecord, 0, min(4+2*cap(c.piArena), 32))
	}
	c.piArena = append(c.piArena, v)
	return &c.piArena[len(c.piArena)-1]
}

// NextKey returns a new key of this partition.
func (c *Context) NextKey() int64 {
	c.nextKey++
	return record.NewKey(c.partition, c.nextKey)
}

// Partition is the partition this context writes for.
func (c *Context) Partition() int32 { return c.partition }

// PartitionCount is the number of partitions of the cluster.
func (c *Context) PartitionCount() int32 { return c.partitionCount }

// SetPartitionCount tells the context how many partitions the cluster has.
func (c *Context) SetPartitionCount(n int32) { c.partitionCount = n }

// Outbound is a command for another partition.
type Outbound struct {
	Partition int32
	Record    record.Record
}

// Send queues cmd for partition to, to be sent by the broker once this call
// is committed (see engine/distribution). It is stamped with the current
// command's timestamp.
func (c *Context) Send(to int32, cmd record.Record) {
	cmd.RecordType = record.Command
	cmd.Timestamp = c.Cmd.Timestamp
	cmd.PartitionID = to
	c.outbound = append(c.outbound, Outbound{Partition: to, Record: cmd})
}

// Sent returns the commands queued by Send in this call.
func (c *Context) Sent() []Outbound { return c.outbound }

func (c *Context) append(r record.Record) int {
	c.nextPos++
	r.Position = c.nextPos
	r.PartitionID = c.partition
	c.records = append(c.records, r)
	return len(c.records) - 1
}

// Append writes a client command to the log and queues it for processing.
func (c *Context) Append(cmd record.Record) {
	cmd.RecordType = record.Command
	cmd.SourceRecordPosition = -1
	if cmd.Key == 0 {
		cmd.Key = -1
	}
	c.queue = append(c.queue, c.append(cmd))
}

// Next pops the next command to process (nil when none is left) and makes
// it current.
func (c *Context) Next() *record.Record {
	if c.head == len(c.queue) {
		return nil
	}
	i := c.queue[c.head]
	c.head++
	c.cur = c.records[i]
	c.Cmd = &c.cur
	c.external = c.cur.SourceRecordPosition < 0
	c.Now = c.cur.Timestamp
	c.rejected = false
	return c.Cmd
}

func (c *Context) derived(rt record.RecordType, key int64, intent record.Intent, v record.Value) record.Record {
	r := record.Record{
		SourceRecordPosition: c.Cmd.Position,
		Key:                  key,
		Timestamp:            c.Cmd.Timestamp,
		RecordType:           rt,
		ValueType:            c.Cmd.ValueType,
		Intent:               intent,
		Value:                v,
	}
	if v != nil {
		r.ValueType = v.ValueType()
	}
	return r
}

// Event writes an event and applies it to the state. It returns the
// written record (valid until the next write).
func (c *Context) Event(key int64, intent record.Intent, v record.Value) (*record.Record, error) {
	return c.EventFor(0, key, intent, v)
}

// EventFor is Event with a request id kept on the record (see the
// PROCESS_INSTANCE_CREATION CREATED applier).
func (c *Context) EventFor(requestID uint64, key int64, intent record.Intent, v record.Value) (*record.Record, error) {
	r := c.derived(record.Event, key, intent, v)
	r.RequestID = requestID
	i := c.append(r)
	if err := applier.Apply(&c.env, &c.records[i]); err != nil {
		return nil, err
	}
	return &c.records[i], nil
}

// Command writes a follow-up command, processed after the ones already
// queued.
func (c *Context) Command(key int64, intent record.Intent, v record.Value) {
	c.CommandFor(0, key, intent, v)
}

// CommandFor is Command for a follow-up that answers a waiting request
// when it is processed (cancel answers with ELEMENT_TERMINATING).
func (c *Context) CommandFor(requestID uint64, key int64, intent record.Intent, v record.Value) {
	r := c.derived(record.Command, key, intent, v)
	r.RequestID = requestID
	c.queue = append(c.queue, c.append(r))
}

// Reject writes a rejection of the current command and answers its
// request. It returns nil so that processors can `return c.Reject(...)`.
func (c *Context) Reject(t record.RejectionType, format string, args ...any) error {
	r := c.derived(record.CommandRejection, c.Cmd.Key, c.Cmd.Intent, nil)
	if c.Cmd.Value != nil && c.Cmd.Value.ValueType() == c.Cmd.ValueType {
		r.Value = c.Cmd.Value
	}
	r.RejectionType = t
	r.RejectionReason = fmt.Sprintf(format, args...)
	i := c.append(r)
	c.rejected = true
	c.Respond(&c.records[i])
	return nil
}

// External reports whether the current command was appended from outside
// (a client, or the leader's time-driven commands), not written as a
// follow-up by the engine.
func (c *Context) External() bool { return c.external }

// Rejected reports whether the current command was rejected.
func (c *Context) Rejected() bool { return c.rejected }

// Respond answers the current command's request (if any) with r.
func (c *Context) Respond(r *record.Record) {
	c.RespondTo(c.Cmd.RequestID, r)
}

// RespondTo answers a request with r.
func (c *Context) RespondTo(requestID uint64, r *record.Record) {
	if requestID == 0 {
		return
	}
	resp := *r
	resp.RequestID = requestID
	c.responses = append(c.responses, Response{RequestID: requestID, Record: resp})
}

// Finish writes the cached state and the counters and returns what was
// written.
func (c *Context) Finish() ([]record.Record, []Response, []string, error) {
	if err := c.State.Flush(); err != nil {
		return nil, nil, nil, err
	}
	if err := c.State.PutCounter(state.CounterKey, c.nextKey); err != nil {
		return nil, nil, nil, err
	}
	if err := c.State.PutCounter(state.CounterPosition, c.nextPos); err != nil {
		return nil, nil, nil, err
	}
	var types []string
	for t := range c.jobTypes {
		types = append(types, t)
	}
	sort.Strings(types) // map order must not leak
	return c.records, c.responses, types, nil
}

// ApplyReplayed applies an event read back from a log and advances the
// counters past its key and position.
func ApplyReplayed(env *applier.Env, r *record.Record, partition int32, nextKey, nextPos *int64) error {
	if r.Position > *nextPos {
		*nextPos = r.Position
	}
	if r.Key > 0 && record.PartitionOf(r.Key) == partition {
		if n := r.Key &^ (int64(partition) << 51); n > *nextKey {
			*nextKey = n
		}
	}
	if r.RecordType != record.Event {
		return nil
	}
	return applier.Apply(env, r)
}

package recordlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/engine/record"
)

// ErrOutOfOrder is returned by Append for records whose positions do not
// increase.
var ErrOutOfOrder = errors.New("broker: record positions out of order")

// Log is the record log of one partition under a key prefix of a pebble DB.
//
// It keeps its newest committed records in memory as well (the tail), so
// that exporters, which read just behind the writer, get them without a
// pebble iterator and a decode each: the apply loop calls Committed after
// each commit of appended records, Discard when a batch is dropped, and
// Reset when the log was replaced under it (a snapshot installed). The tail
// is a ring allocated once, the record of position p in slot p mod its
// size; readers copy records out of it under the lock, so that the ring can
// be overwritten (a tail that was a fresh array each time it filled cost 3
// % of a three-node cluster's CPU, mostly faulting in new memory).
type Log struct {
	db     *pebble.DB
	prefix []byte

	mu      sync.Mutex
	pending []record.Record // appended to a batch not committed yet
	// tail holds the tailLen records from position tailFirst on, the
	// record of position p at p mod tailMax (allocated at the first commit).
	tail      []record.Record
	tailFirst int64
	tailLen   int
	tailMax   int
	subs      []chan<- struct{} // told of each commit (see Subscribe)
	// last is the position of the newest committed record, once known
	// (lastKnown): from Committed, or read from pebble by Last. Metrics
	// read it on every scrape; an iterator over a log trimmed every second
	// steps over range tombstones each time.
	last      int64
	lastKnown bool

	// chunkBuf and enc are Append's buffers (one writer: the apply loop).
	chunkBuf []byte
	enc      record.Encoder
}

// Subscribe makes Committed send to ch (without blocking: give it a buffer
// of one) whenever records were committed, so a reader can sleep until
// there is something to read.
func (l *Log) Subscribe(ch chan<- struct{}) {
	l.mu.Lock()
	l.subs = append(l.subs, ch)
	l.mu.Unlock()
}

// DefaultTail is how many records a Log keeps in memory.
const DefaultTail = 16384

// New returns the record log kept under prefix in db.
func New(db *pebble.DB, prefix []byte) *Log {
	return &Log{db: db, prefix: append([]byte(nil), prefix...), tailMax: DefaultTail}
}

// Committed tells the log that the records appended since the last call
// are committed: they join the in-memory tail.
func (l *Log) Committed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pending) == 0 {
		return
	}
	l.addToTail(l.pending)
	l.last, l.lastKnown = l.pending[len(l.pending)-1].Position, true
	clear(l.pending)
	l.pending = l.pending[:0]
	for _, ch := range l.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// addToTail puts committed records into the ring, overwriting the oldest.
func (l *Log) addToTail(recs []record.Record) {
	if l.tail == nil {
		l.tail = make([]record.Record, l.tailMax)
	}
	if l.tailLen > 0 && l.tailFirst+int64(l.tailLen) != recs[0].Position {
		l.tailLen = 0 // not dense: start again
	}
	if len(recs) > l.tailMax {
		recs = recs[len(recs)-l.tailMax:]
	}
	if l.tailLen == 0 {
		l.tailFirst = recs[0].Position
	}
	for i := range recs {
		l.tail[l.slot(recs[i].Position)] = recs[i]
	}
	l.tailLen = min(l.tailLen+len(recs), l.tailMax)
	l.tailFirst = recs[len(recs)-1].Position - int64(l.tailLen) + 1
}

func (l *Log) slot(position int64) int { return int(position % int64(l.tailMax)) }

// Discard forgets the records appended since the last Committed: their
// batch was dropped.
func (l *Log) Discard() {
	l.mu.Lock()
	clear(l.pending)
	l.pending = l.pending[:0]
	l.mu.Unlock()
}

// Reset empties the in-memory tail (the log in pebble was replaced).
func (l *Log) Reset() {
	l.mu.Lock()
	clear(l.tail) // drop the references to the replaced records
	l.tailLen = 0
	l.lastKnown = false
	clear(l.pending)
	l.pending = l.pending[:0]
	l.mu.Unlock()
}

// fromTail copies committed records from position from on into buf, as
// many as fit; last is the newest committed position. ok is false if the
// tail does not hold position from (nor is from the next position to come):
// pebble must be read.
func (l *Log) fromTail(from int64, buf []record.Record) (n int, last int64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := l.tailFirst + int64(l.tailLen)
	if l.tailLen == 0 || from < l.tailFirst || from > next {
		return 0, 0, false
	}
	n = int(min(int64(len(buf)), next-from))
	for i := range n {
		buf[i] = l.tail[l.slot(from+int64(i))]
	}
	return n, next - 1, true
}

// readBufs are the buffers Read copies tail records into.
var readBufs = sync.Pool{New: func() any { b := make([]record.Record, 256); return &b }}

// Append stages recs in batch b, which the caller commits with the state
// (and then calls Committed). Positions must be strictly increasing and
// above positions already written. The records are stored as one chunk
// (chunk.go).
func (l *Log) Append(b *pebble.Batch, recs []record.Record) error {
	if len(recs) == 0 {
		return nil
	}
	var prev int64 = -1
	for i := range recs {
		r := &recs[i]
		if r.Position <= prev || r.Position < 0 {
			return fmt.Errorf("%w: %d after %d", ErrOutOfOrder, r.Position, prev)
		}
		prev = r.Position
	}
	v, err := l.appendChunk(recs)
	if err != nil {
		return err
	}
	if err := b.Set(l.key(recs[0].Position), v, nil); err != nil {
		return fmt.Errorf("recordlog: positions %d-%d: %w", recs[0].Position, prev, err)
	}
	l.mu.Lock()
	l.pending = append(l.pending, recs...)
	l.mu.Unlock()
	return nil
}

// Read calls fn with each committed record at or after position from, in
// order, until fn returns false or the log ends. Records from the tail are
// shared with other readers: fn must not modify their values.
func (l *Log) Read(from int64, fn func(record.Record) bool) error {
	from = max(from, 0)
	bp := readBufs.Get().(*[]record.Record)
	buf := *bp
	defer func() { clear(buf); readBufs.Put(bp) }()
	end := int64(-1) // the newest position when the read started
	for {
		n, last, ok := l.fromTail(from, buf)
		if !ok {
			break // rolled out of the tail (or never in it): read pebble
		}
		if end < 0 {
			end = last
		}
		for i := range n {
			if buf[i].Position > end || !fn(buf[i]) {
				return nil
			}
		}
		from += int64(n)
		if n == 0 || from > end {
			return nil
		}
	}
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: l.key(0), UpperBound: l.end()})
	if err != nil {
		return fmt.Errorf("recordlog: read: %w", err)
	}
	// start at the chunk holding from: the last one that starts at or below it
	valid := it.SeekLT(l.key(from + 1))
	if !valid {
		valid = it.First()
	}
	for ; valid; valid = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return fmt.Errorf("recordlog: read: %w", err)
		}
		more, err := eachRecord(l.position(it.Key()), v, from, fn)
		if err != nil {
			it.Close()
			return err
		}
		if !more {
			break
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("recordlog: read: %w", err)
	}
	return nil
}

// Bounds returns the first and last position in the log; ok is false when
// the log is empty.
func (l *Log) Bounds() (first, last int64, ok bool, err error) {
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: l.key(0), UpperBound: l.end()})
	if err != nil {
		return 0, 0, false, fmt.Errorf("recordlog: bounds: %w", err)
	}
	defer it.Close()
	if !it.First() {
		return 0, 0, false, it.Error()
	}
	first = l.position(it.Key())
	if !it.Last() {
		return 0, 0, false, it.Error()
	}
	h, err := l.header(it)
	if err != nil {
		return 0, 0, false, err
	}
	return first, h.last, true, nil
}

// header reads the header of the value under the iterator.
func (l *Log) header(it *pebble.Iterator) (chunkHeader, error) {
	v, err := it.ValueAndErr()
	if err != nil {
		return chunkHeader{}, fmt.Errorf("recordlog: %w", err)
	}
	return readHeader(l.position(it.Key()), v)
}

// Last returns the position of the newest record committed to the log,
// whether or not it was trimmed since; ok is false when no record was ever
// written. It reads pebble only the first time (and after Reset).
func (l *Log) Last() (last int64, ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lastKnown {
		return l.last, true, nil
	}
	_, last, ok, err = l.Bounds()
	if err != nil || !ok {
		return 0, false, err
	}
	l.last, l.lastKnown = last, true
	return last, true, nil
}

// Trim deletes the records below position upTo, except those stored in the
// same chunk as records at or above it (one Append's records go together).
func (l *Log) Trim(upTo int64) error {
	if upTo <= 0 {
		return nil
	}
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: l.key(0), UpperBound: l.key(upTo)})
	if err != nil {
		return fmt.Errorf("recordlog: trim below %d: %w", upTo, err)
	}
	end := upTo
	if it.Last() { // the chunk holding upTo - 1: keep it whole if it reaches upTo
		h, err := l.header(it)
		if err != nil {
			it.Close()
			return err
		}
		if h.last >= upTo {
			end = h.first
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("recordlog: trim below %d: %w", upTo, err)
	}
	if end <= 0 {
		return nil
	}
	if err := l.db.DeleteRange(l.key(0), l.key(end), pebble.NoSync); err != nil {
		return fmt.Errorf("recordlog: trim below %d: %w", upTo, err)
	}
	return nil
}

func (l *Log) key(position int64) []byte {
	k := make([]byte, 0, len(l.prefix)+8)
	return binary.BigEndian.AppendUint64(append(k, l.prefix...), uint64(position))
}

// end is the upper bound of the log's keys.
func (l *Log) end() []byte {
	return l.key(-1) // 0xffff...: above every valid position
}

func (l *Log) position(key []byte) int64 {
	return int64(binary.BigEndian.Uint64(key[len(l.prefix):]))
}

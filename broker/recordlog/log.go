package recordlog

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/engine/record"
)

// ErrOutOfOrder is returned by Append for records whose positions do not
// increase.
var ErrOutOfOrder = errors.New("broker: record positions out of order")

// Log is the record log of one partition under a key prefix of a pebble DB.
type Log struct {
	db     *pebble.DB
	prefix []byte
}

// New returns the record log kept under prefix in db.
func New(db *pebble.DB, prefix []byte) *Log {
	return &Log{db: db, prefix: append([]byte(nil), prefix...)}
}

// Append stages recs in batch b, which the caller commits with the state.
// Positions must be strictly increasing and above positions already written.
func (l *Log) Append(b *pebble.Batch, recs []record.Record) error {
	var prev int64 = -1
	for i := range recs {
		r := &recs[i]
		if r.Position <= prev || r.Position < 0 {
			return fmt.Errorf("%w: %d after %d", ErrOutOfOrder, r.Position, prev)
		}
		prev = r.Position
		v, err := record.Marshal(*r)
		if err != nil {
			return fmt.Errorf("recordlog: position %d: %w", r.Position, err)
		}
		if err := b.Set(l.key(r.Position), v, nil); err != nil {
			return fmt.Errorf("recordlog: position %d: %w", r.Position, err)
		}
	}
	return nil
}

// Read calls fn with each committed record at or after position from, in
// order, until fn returns false or the log ends.
func (l *Log) Read(from int64, fn func(record.Record) bool) error {
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: l.key(max(from, 0)), UpperBound: l.end()})
	if err != nil {
		return fmt.Errorf("recordlog: read: %w", err)
	}
	for valid := it.First(); valid; valid = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return fmt.Errorf("recordlog: read: %w", err)
		}
		r, err := record.Unmarshal(v)
		if err != nil {
			it.Close()
			return fmt.Errorf("recordlog: position %d: %w", l.position(it.Key()), err)
		}
		if !fn(r) {
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
	if it.First() {
		first, ok = l.position(it.Key()), true
	}
	if it.Last() {
		last = l.position(it.Key())
	}
	if err := it.Close(); err != nil {
		return 0, 0, false, fmt.Errorf("recordlog: bounds: %w", err)
	}
	return first, last, ok, nil
}

// Trim deletes the records below position upTo.
func (l *Log) Trim(upTo int64) error {
	if upTo <= 0 {
		return nil
	}
	if err := l.db.DeleteRange(l.key(0), l.key(upTo), pebble.NoSync); err != nil {
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

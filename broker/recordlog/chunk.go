package recordlog

import (
	"encoding/binary"
	"fmt"

	"github.com/shoalbpm/shoal/engine/record"
)

// The records of one Append (the records of one raft entry: often hundreds)
// are stored as one pebble value, a chunk, under the position of its first
// record. A key per record cost a memtable insert, a WAL entry header and
// a range-tombstone step per record; records are most of the bytes a
// partition writes, and they live only until the exporters have them.
//
//	chunk: chunkTag | uvarint count | uvarint last-first | count × (uvarint length | record.Marshal)
//
// A value that does not start with chunkTag is one record (record.Marshal),
// the layout before chunks: logs written by older versions read as before.
const chunkTag = 0xc7

// chunkHeader is what a stored value says about the records it holds.
type chunkHeader struct {
	count       int
	first, last int64
	body        []byte // the records; nil for a single record
}

func (l *Log) appendChunk(recs []record.Record) ([]byte, error) {
	first, last := recs[0].Position, recs[len(recs)-1].Position
	buf := l.chunkBuf[:0]
	buf = append(buf, chunkTag)
	buf = binary.AppendUvarint(buf, uint64(len(recs)))
	buf = binary.AppendUvarint(buf, uint64(last-first))
	for i := range recs {
		l.enc.B = l.enc.B[:0]
		l.enc.Err = nil
		if err := record.AppendRecord(&l.enc, &recs[i]); err != nil {
			return nil, fmt.Errorf("recordlog: position %d: %w", recs[i].Position, err)
		}
		if l.enc.Err != nil {
			return nil, fmt.Errorf("recordlog: position %d: %w", recs[i].Position, l.enc.Err)
		}
		buf = binary.AppendUvarint(buf, uint64(len(l.enc.B)))
		buf = append(buf, l.enc.B...)
	}
	l.chunkBuf = buf
	return buf, nil
}

// readHeader reads the header of the value stored under position first.
func readHeader(first int64, v []byte) (chunkHeader, error) {
	if len(v) == 0 || v[0] != chunkTag {
		return chunkHeader{count: 1, first: first, last: first}, nil
	}
	count, n := binary.Uvarint(v[1:])
	if n <= 0 {
		return chunkHeader{}, fmt.Errorf("recordlog: chunk at %d: %w", first, record.ErrCorrupt)
	}
	span, m := binary.Uvarint(v[1+n:])
	if m <= 0 {
		return chunkHeader{}, fmt.Errorf("recordlog: chunk at %d: %w", first, record.ErrCorrupt)
	}
	return chunkHeader{count: int(count), first: first, last: first + int64(span), body: v[1+n+m:]}, nil
}

// eachRecord decodes the records of the value stored under position first
// and calls fn with each at or after position from until fn returns false
// (more is then false).
func eachRecord(first int64, v []byte, from int64, fn func(record.Record) bool) (more bool, err error) {
	h, err := readHeader(first, v)
	if err != nil {
		return false, err
	}
	if h.body == nil {
		r, err := record.Unmarshal(v)
		if err != nil {
			return false, fmt.Errorf("recordlog: position %d: %w", first, err)
		}
		return r.Position < from || fn(r), nil
	}
	b := h.body
	for i := 0; i < h.count; i++ {
		size, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < size {
			return false, fmt.Errorf("recordlog: chunk at %d, record %d: %w", first, i, record.ErrCorrupt)
		}
		rb := b[n : n+int(size)]
		b = b[n+int(size):]
		r, err := record.Unmarshal(rb)
		if err != nil {
			return false, fmt.Errorf("recordlog: chunk at %d, record %d: %w", first, i, err)
		}
		if r.Position >= from && !fn(r) {
			return false, nil
		}
	}
	return true, nil
}

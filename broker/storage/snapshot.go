package storage

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/cockroachdb/pebble/v2"
)

// ErrBadSnapshot is returned by Restore for a stream that is not a snapshot
// of this partition.
var ErrBadSnapshot = errors.New("broker: bad partition snapshot")

// Snapshot stream format:
//
//	magic "SHOALSN1" | partition id u32 | { len(key) uvarint | key | len(value) uvarint | value }* | 0 | count u64
//
// Keys are relative to the partition's data prefix (never empty), so a zero
// key length ends the stream. Integrity is the snapshot store's job (raft's
// FileSnapshotStore checks a CRC64 on open).
const snapshotMagic = "SHOALSN1"

// Snapshot is a point-in-time view of a partition's data: taking it is cheap
// (a pebble snapshot), the I/O happens in WriteTo.
type Snapshot struct {
	p    *Partition
	snap *pebble.Snapshot
}

// Snapshot captures the partition's committed data as of now.
func (p *Partition) Snapshot() *Snapshot {
	return &Snapshot{p: p, snap: p.db.pebble.NewSnapshot()}
}

// Applied is the raft index the snapshot's data reflects.
func (s *Snapshot) Applied() (uint64, error) {
	return readApplied(s.snap, s.p.sub(subApplied))
}

// WriteTo streams the snapshot to w.
func (s *Snapshot) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := &countWriter{w: bw}
	cw.Write([]byte(snapshotMagic))
	cw.Write(binary.BigEndian.AppendUint32(nil, uint32(s.p.id)))
	it, err := s.snap.NewIter(&pebble.IterOptions{LowerBound: s.p.prefix, UpperBound: prefixEnd(s.p.prefix)})
	if err != nil {
		return cw.n, fmt.Errorf("storage: snapshot iterator: %w", err)
	}
	var count uint64
	var hdr []byte
	for valid := it.First(); valid && cw.err == nil; valid = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return cw.n, fmt.Errorf("storage: snapshot read: %w", err)
		}
		k := it.Key()[len(s.p.prefix):]
		hdr = binary.AppendUvarint(hdr[:0], uint64(len(k)))
		cw.Write(hdr)
		cw.Write(k)
		hdr = binary.AppendUvarint(hdr[:0], uint64(len(v)))
		cw.Write(hdr)
		cw.Write(v)
		count++
	}
	if err := it.Close(); err != nil {
		return cw.n, fmt.Errorf("storage: snapshot read: %w", err)
	}
	cw.Write([]byte{0})
	cw.Write(binary.BigEndian.AppendUint64(nil, count))
	if cw.err != nil {
		return cw.n, fmt.Errorf("storage: snapshot write: %w", cw.err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("storage: snapshot write: %w", err)
	}
	return cw.n, nil
}

// Close releases the snapshot.
func (s *Snapshot) Close() { _ = s.snap.Close() }

// Restore replaces all of the partition's data with the snapshot read from r,
// in one synced pebble batch: a crash during Restore leaves the old data.
// The batch holds the whole snapshot in memory.
func (p *Partition) Restore(r io.Reader) error {
	br := bufio.NewReaderSize(r, 256<<10)
	head := make([]byte, len(snapshotMagic)+4)
	if _, err := io.ReadFull(br, head); err != nil {
		return fmt.Errorf("%w: header: %v", ErrBadSnapshot, err)
	}
	if string(head[:len(snapshotMagic)]) != snapshotMagic {
		return fmt.Errorf("%w: magic %q", ErrBadSnapshot, head[:len(snapshotMagic)])
	}
	if id := int32(binary.BigEndian.Uint32(head[len(snapshotMagic):])); id != p.id {
		return fmt.Errorf("%w: snapshot of partition %d, restoring %d", ErrBadSnapshot, id, p.id)
	}
	p.cache.clear() // before and after: its rows are the replaced state's
	defer p.cache.clear()
	b := p.db.pebble.NewBatch()
	defer b.Close()
	if err := b.DeleteRange(p.prefix, prefixEnd(p.prefix), nil); err != nil {
		return fmt.Errorf("storage: restore: %w", err)
	}
	var count uint64
	for {
		k, err := readChunk(br, p.prefix)
		if err != nil {
			return err
		}
		if len(k) == len(p.prefix) {
			break // end marker
		}
		v, err := readChunk(br, nil)
		if err != nil {
			return err
		}
		if err := b.Set(k, v, nil); err != nil {
			return fmt.Errorf("storage: restore: %w", err)
		}
		count++
	}
	var tail [8]byte
	if _, err := io.ReadFull(br, tail[:]); err != nil {
		return fmt.Errorf("%w: trailer: %v", ErrBadSnapshot, err)
	}
	if n := binary.BigEndian.Uint64(tail[:]); n != count {
		return fmt.Errorf("%w: %d entries, trailer says %d", ErrBadSnapshot, count, n)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("storage: restore commit: %w", err)
	}
	return nil
}

// readChunk reads a length-prefixed byte string and returns it appended to a
// copy of prefix.
func readChunk(r *bufio.Reader, prefix []byte) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("%w: length: %v", ErrBadSnapshot, err)
	}
	if n > 1<<30 {
		return nil, fmt.Errorf("%w: chunk of %d bytes", ErrBadSnapshot, n)
	}
	out := make([]byte, len(prefix)+int(n))
	copy(out, prefix)
	if _, err := io.ReadFull(r, out[len(prefix):]); err != nil {
		return nil, fmt.Errorf("%w: chunk: %v", ErrBadSnapshot, err)
	}
	return out, nil
}

// countWriter counts bytes and keeps the first error, so that WriteTo can
// check once at the end.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

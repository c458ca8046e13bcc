package storage

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/engine/state"
)

// Partition is one partition's data in the node's database.
type Partition struct {
	db     *DB
	id     int32
	prefix []byte // dataPrefix(id)
	cache  *rowCache
}

// Partition returns the data of partition id.
func (d *DB) Partition(id int32) *Partition {
	return &Partition{db: d, id: id, prefix: dataPrefix(id), cache: d.rowCache(id)}
}

// ID is the partition id.
func (p *Partition) ID() int32 { return p.id }

// DB is the node's database this partition lives in.
func (p *Partition) DB() *DB { return p.db }

// RecordPrefix is the key prefix of the partition's record log.
func (p *Partition) RecordPrefix() []byte { return p.sub(subRecords) }

// ExporterPrefix is the key prefix of the partition's exporter positions.
func (p *Partition) ExporterPrefix() []byte { return p.sub(subExporter) }

func (p *Partition) sub(kind byte) []byte {
	return append(append([]byte(nil), p.prefix...), kind)
}

// Applied returns the raft index of the last apply committed to the
// partition's data, 0 if none.
func (p *Partition) Applied() (uint64, error) {
	return readApplied(p.db.pebble, p.sub(subApplied))
}

func readApplied(r pebble.Reader, key []byte) (uint64, error) {
	v, ok, err := getCopy(r, key)
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("storage: applied index holds %d bytes, want 8", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// Batch is the unit of one apply: the engine state changes, the records and
// the applied index, committed together with pebble.Sync.
type Batch struct {
	p         *Partition
	batch     *pebble.Batch
	kv        kv
	committed bool
}

// NewBatch starts an apply. Reads through KV see the batch's own writes.
// The caller must Close it, committed or not.
func (p *Partition) NewBatch() *Batch {
	b := p.db.pebble.NewIndexedBatch()
	return &Batch{p: p, batch: b, kv: kv{r: b, w: b, prefix: p.sub(subState), cache: p.cache}}
}

// KV is the engine's view of the partition state inside this batch.
func (b *Batch) KV() state.KV { return &b.kv }

// Pebble is the underlying batch, for the record log and exporter positions.
func (b *Batch) Pebble() *pebble.Batch { return b.batch }

// SetApplied records that this batch applies raft entries up to index.
func (b *Batch) SetApplied(index uint64) error {
	return b.batch.Set(b.p.sub(subApplied), binary.BigEndian.AppendUint64(nil, index), nil)
}

// Commit writes the batch durably (pebble.Sync).
func (b *Batch) Commit() error { return b.commit(pebble.Sync) }

// CommitNoSync writes the batch to pebble's WAL without waiting for fsync:
// it survives the process being killed, and becomes durable against power
// loss with the next synced write of the node (every raft StoreLogs syncs
// the same WAL) or Partition.Sync.
func (b *Batch) CommitNoSync() error { return b.commit(pebble.NoSync) }

func (b *Batch) commit(opts *pebble.WriteOptions) error {
	if err := b.kv.closeIter(); err != nil {
		return fmt.Errorf("storage: commit partition %d: %w", b.p.id, err)
	}
	if err := b.batch.Commit(opts); err != nil {
		return fmt.Errorf("storage: commit partition %d: %w", b.p.id, err)
	}
	b.committed = true
	return nil
}

// Sync makes every write committed so far durable (it syncs the WAL that all
// partitions of the node share).
func (p *Partition) Sync() error {
	if err := p.db.pebble.LogData(nil, pebble.Sync); err != nil {
		return fmt.Errorf("storage: sync: %w", err)
	}
	return nil
}

// Close releases the batch; uncommitted changes are dropped (and with them
// the row cache, which saw them).
func (b *Batch) Close() {
	if b.kv.wrote && !b.committed {
		b.p.cache.clear()
	}
	_ = b.kv.closeIter()
	_ = b.batch.Close()
}

// kv is state.KV over a pebble reader and writer, under a key prefix. A
// batch's kv reads and writes through the partition's row cache; a View's
// (a pebble snapshot, an older state) has none.
type kv struct {
	r      pebble.Reader
	w      pebble.Writer
	prefix []byte
	buf    []byte
	cache  *rowCache
	wrote  bool
	// it is a batch's iterator, kept from scan to scan: creating one opens
	// an iterator on every level of the LSM tree, and a scan per element
	// instance made that a large part of an apply. SetOptions moves it to
	// new bounds and refreshes its view of the batch's writes.
	it *pebble.Iterator
}

func (k *kv) closeIter() error {
	if k.it == nil {
		return nil
	}
	err := k.it.Close()
	k.it = nil
	return err
}

func (k *kv) key(key []byte) []byte {
	// A fresh slice each time: pebble batches copy keys on Set, but Get's
	// key must not be overwritten while an iterator may still hold it.
	return append(append(make([]byte, 0, len(k.prefix)+len(key)), k.prefix...), key...)
}

func (k *kv) Get(key []byte) ([]byte, bool, error) {
	if k.cache != nil {
		if row, ok := k.cache.get(key); ok {
			return row.value, row.found, nil
		}
	}
	v, ok, err := getCopy(k.r, k.key(key))
	if err != nil {
		return nil, false, fmt.Errorf("storage: get: %w", err)
	}
	if k.cache != nil {
		k.cache.put(key, cachedRow{value: v, found: ok})
	}
	return v, ok, nil
}

func (k *kv) Set(key, value []byte) error {
	if k.w == nil {
		return errReadOnly
	}
	k.buf = append(append(k.buf[:0], k.prefix...), key...)
	k.wrote = true
	if err := k.w.Set(k.buf, value, nil); err != nil {
		return fmt.Errorf("storage: set: %w", err)
	}
	if k.cache != nil {
		k.cache.put(key, cachedRow{value: append([]byte(nil), value...), found: true})
	}
	return nil
}

func (k *kv) Delete(key []byte) error {
	if k.w == nil {
		return errReadOnly
	}
	k.buf = append(append(k.buf[:0], k.prefix...), key...)
	k.wrote = true
	if err := k.w.Delete(k.buf, nil); err != nil {
		return fmt.Errorf("storage: delete: %w", err)
	}
	if k.cache != nil {
		k.cache.put(key, cachedRow{})
	}
	return nil
}

func (k *kv) Iterate(prefix []byte, fn func(key, value []byte) bool) error {
	lo := k.key(prefix)
	return k.scan(lo, prefixEnd(lo), fn)
}

func (k *kv) Scan(start, end []byte, fn func(key, value []byte) bool) error {
	return k.scan(k.key(start), k.key(end), fn)
}

// scan visits the keys in [lo, hi) (with the partition prefix).
func (k *kv) scan(lo, hi []byte, fn func(key, value []byte) bool) error {
	opts := &pebble.IterOptions{LowerBound: lo, UpperBound: hi}
	it := k.it
	switch {
	case it != nil:
		it.SetOptions(opts)
	case k.w != nil: // a batch's: kept
		var err error
		if it, err = k.r.NewIter(opts); err != nil {
			return fmt.Errorf("storage: iterate: %w", err)
		}
		k.it = it
	default: // a view's: one per scan
		var err error
		if it, err = k.r.NewIter(opts); err != nil {
			return fmt.Errorf("storage: iterate: %w", err)
		}
		defer it.Close()
	}
	for valid := it.First(); valid; valid = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return fmt.Errorf("storage: iterate: %w", err)
		}
		if !fn(it.Key()[len(k.prefix):], v) {
			break
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("storage: iterate: %w", err)
	}
	return nil
}

// errReadOnly is returned by writes through a View.
var errReadOnly = errors.New("broker: read-only partition view")

// View returns a read-only state.KV over the partition's committed state as
// of now (a pebble snapshot), for readers beside the apply loop. Call release
// when done.
func (p *Partition) View() (view state.KV, release func()) {
	snap := p.db.pebble.NewSnapshot()
	return &kv{r: snap, prefix: p.sub(subState)}, func() { _ = snap.Close() }
}

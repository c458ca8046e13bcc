package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
)

// Key kinds: the first byte of every key.
const (
	kindRaft = 0x01
	kindData = 0x02
)

// Sub-kinds under a partition's data prefix.
const (
	subState    = 's'
	subApplied  = 'a'
	subRecords  = 'r'
	subExporter = 'x'
)

// Options tune the pebble database.
type Options struct {
	// MemTableSize in bytes; below 64 MiB the raft log and the state fight
	// for flushes (RAFT-NOTES trap 10). Zero means 64 MiB.
	MemTableSize uint64
	// CacheSize is the block cache in bytes; zero means 128 MiB. The
	// engine reads its state by point lookups that go down every level of
	// the LSM tree: with pebble's 8 MiB default the index blocks of the
	// raft log and record log push the state's out, and every lookup reads
	// from the file system.
	CacheSize int64
	// RowCacheSize bounds each partition's cache of state values (see
	// rowCache) in bytes, counted per generation: up to twice this is
	// held. Zero means 4 MiB: about a second of a busy partition's writes
	// per generation, longer than most instances wait between two steps;
	// a larger map costs more per lookup than it saves (16 MiB: 26 us of
	// CPU per one-task instance in the cache's puts, 4 MiB: 16 us, and no
	// more reads reaching pebble).
	RowCacheSize int
	// Logger receives pebble's messages: its info lines at Debug. Nil
	// discards them.
	Logger *slog.Logger
}

// DB is a node's pebble database.
type DB struct {
	pebble *pebble.DB

	cachesMu      sync.Mutex
	caches        map[int32]*rowCache // partition id => its state's row cache
	rowCacheBytes int
}

// rowCache returns the row cache of a partition's state (one per partition
// and database, shared by every Partition value of that id).
func (d *DB) rowCache(id int32) *rowCache {
	d.cachesMu.Lock()
	defer d.cachesMu.Unlock()
	c := d.caches[id]
	if c == nil {
		c = newRowCache(d.rowCacheBytes)
		d.caches[id] = c
	}
	return c
}

// Open opens (or creates) the database in dir.
func Open(dir string, opts Options) (*DB, error) {
	if opts.MemTableSize == 0 {
		opts.MemTableSize = 64 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = 128 << 20
	}
	cache := pebble.NewCache(opts.CacheSize)
	defer cache.Unref() // the DB holds its own reference
	po := &pebble.Options{MemTableSize: opts.MemTableSize, Logger: pebbleLogger{opts.Logger}, Cache: cache}
	for i := range po.Levels {
		// Bloom filters let a lookup of a missing key (most variable and
		// token lookups) skip a table without reading its blocks.
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	p, err := pebble.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", dir, err)
	}
	if opts.RowCacheSize == 0 {
		opts.RowCacheSize = 4 << 20
	}
	return &DB{pebble: p, caches: map[int32]*rowCache{}, rowCacheBytes: opts.RowCacheSize}, nil
}

// Pebble returns the underlying database (for raftstore and metrics).
func (d *DB) Pebble() *pebble.DB { return d.pebble }

// Close closes the database. Every partition must be stopped first.
func (d *DB) Close() error {
	if err := d.pebble.Close(); err != nil {
		return fmt.Errorf("storage: close: %w", err)
	}
	return nil
}

// RaftPrefix is the key prefix of a partition's raft log and stable store.
func RaftPrefix(partitionID int32) []byte {
	return binary.BigEndian.AppendUint32([]byte{kindRaft}, uint32(partitionID))
}

// dataPrefix is the key prefix of everything a partition's snapshot holds.
func dataPrefix(partitionID int32) []byte {
	return binary.BigEndian.AppendUint32([]byte{kindData}, uint32(partitionID))
}

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil // p is all 0xff: no upper bound
}

// pebbleLogger writes pebble's log lines through slog.
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.Debug("pebble", "msg", fmt.Sprintf(format, args...))
}

func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error("pebble", "msg", fmt.Sprintf(format, args...))
}

// Fatalf must not return (pebble's contract): pebble found its files
// unusable, and going on would risk the data.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	p.l.Error("pebble fatal error", "msg", fmt.Sprintf(format, args...))
	os.Exit(70)
}

// getCopy reads key from r and returns a copy of its value.
func getCopy(r pebble.Reader, key []byte) ([]byte, bool, error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer closer.Close()
	return append([]byte(nil), v...), true, nil
}

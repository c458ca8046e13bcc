package raftstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/hashicorp/raft"
)

// errNotFound is what raft expects from a StableStore for a missing key: it
// compares the error text with "not found" (RAFT-NOTES trap 8).
var errNotFound = errors.New("not found")

// ErrCorruptLog is returned when a stored log entry cannot be decoded.
var ErrCorruptLog = errors.New("broker: corrupt raft log entry")

const (
	kindLog    = 'l'
	kindStable = 's'
)

// Store is a raft log store and stable store under one key prefix of a pebble
// DB. It is safe for concurrent use, as raft requires.
type Store struct {
	db     *pebble.DB
	prefix []byte

	mu          sync.RWMutex // guards first and last
	first, last uint64       // 0, 0 when the log is empty
}

var (
	_ raft.LogStore          = (*Store)(nil)
	_ raft.MonotonicLogStore = (*Store)(nil)
	_ raft.StableStore       = (*Store)(nil)
)

// Open returns the store kept under prefix in db, reading its first and last
// log index. The caller keeps ownership of db.
func Open(db *pebble.DB, prefix []byte) (*Store, error) {
	s := &Store{db: db, prefix: append([]byte(nil), prefix...)}
	lo, hi := s.logKey(0), s.logKey(^uint64(0))
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, fmt.Errorf("raftstore: open iterator: %w", err)
	}
	if it.First() {
		s.first = s.indexOf(it.Key())
	}
	if it.Last() {
		s.last = s.indexOf(it.Key())
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("raftstore: scan log: %w", err)
	}
	return s, nil
}

// IsMonotonic tells raft that log indexes only grow, so it restores from a
// snapshot by deleting the whole log rather than keeping a suffix.
func (s *Store) IsMonotonic() bool { return true }

// FirstIndex returns the first index written, 0 for an empty log.
func (s *Store) FirstIndex() (uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.first, nil
}

// LastIndex returns the last index written, 0 for an empty log.
func (s *Store) LastIndex() (uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.last, nil
}

// GetLog reads the entry at index into l, or returns raft.ErrLogNotFound.
func (s *Store) GetLog(index uint64, l *raft.Log) error {
	v, closer, err := s.db.Get(s.logKey(index))
	if errors.Is(err, pebble.ErrNotFound) {
		return raft.ErrLogNotFound
	}
	if err != nil {
		return fmt.Errorf("raftstore: get log %d: %w", index, err)
	}
	defer closer.Close()
	// decodeLog copies: v is only valid until closer.Close.
	if err := decodeLog(v, l); err != nil {
		return fmt.Errorf("raftstore: log %d: %w", index, err)
	}
	l.Index = index
	return nil
}

// StoreLog stores one entry.
func (s *Store) StoreLog(l *raft.Log) error { return s.StoreLogs([]*raft.Log{l}) }

// StoreLogs stores entries durably (pebble.Sync) before returning.
func (s *Store) StoreLogs(logs []*raft.Log) error {
	if len(logs) == 0 {
		return nil
	}
	b := s.db.NewBatch()
	defer b.Close()
	var buf []byte
	for _, l := range logs {
		buf = encodeLog(buf[:0], l)
		if err := b.Set(s.logKey(l.Index), buf, nil); err != nil {
			return fmt.Errorf("raftstore: stage log %d: %w", l.Index, err)
		}
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("raftstore: store logs %d-%d: %w", logs[0].Index, logs[len(logs)-1].Index, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first == 0 || logs[0].Index < s.first {
		s.first = logs[0].Index
	}
	if last := logs[len(logs)-1].Index; last > s.last {
		s.last = last
	}
	return nil
}

// DeleteRange deletes the entries min..max, both included.
func (s *Store) DeleteRange(min, max uint64) error {
	if min > max {
		return nil
	}
	end := s.logKey(max + 1)
	if max == ^uint64(0) {
		end = s.logKey(max)
	}
	if err := s.db.DeleteRange(s.logKey(min), end, pebble.Sync); err != nil {
		return fmt.Errorf("raftstore: delete logs %d-%d: %w", min, max, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case min <= s.first && max >= s.last:
		s.first, s.last = 0, 0
	case min <= s.first && max >= s.first:
		s.first = max + 1
	case max >= s.last && min <= s.last:
		s.last = min - 1
	}
	return nil
}

// Set stores a stable-store value.
func (s *Store) Set(key, val []byte) error {
	if err := s.db.Set(s.stableKey(key), val, pebble.Sync); err != nil {
		return fmt.Errorf("raftstore: set %q: %w", key, err)
	}
	return nil
}

// Get returns a stable-store value, or an error whose text is "not found".
func (s *Store) Get(key []byte) ([]byte, error) {
	v, closer, err := s.db.Get(s.stableKey(key))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("raftstore: get %q: %w", key, err)
	}
	defer closer.Close()
	return append([]byte(nil), v...), nil
}

// SetUint64 stores a stable-store number.
func (s *Store) SetUint64(key []byte, val uint64) error {
	return s.Set(key, binary.BigEndian.AppendUint64(nil, val))
}

// GetUint64 returns a stable-store number, or an error "not found".
func (s *Store) GetUint64(key []byte) (uint64, error) {
	v, err := s.Get(key)
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("raftstore: %q holds %d bytes, want 8", key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

func (s *Store) logKey(index uint64) []byte {
	k := make([]byte, 0, len(s.prefix)+9)
	k = append(append(k, s.prefix...), kindLog)
	return binary.BigEndian.AppendUint64(k, index)
}

func (s *Store) indexOf(key []byte) uint64 {
	return binary.BigEndian.Uint64(key[len(s.prefix)+1:])
}

func (s *Store) stableKey(key []byte) []byte {
	k := make([]byte, 0, len(s.prefix)+1+len(key))
	return append(append(append(k, s.prefix...), kindStable), key...)
}

// Entry encoding (the index is in the key):
//
//	term u64 | type u8 | appendedAt unix ns i64 | len(data) uvarint | data | len(ext) uvarint | ext
func encodeLog(buf []byte, l *raft.Log) []byte {
	buf = binary.BigEndian.AppendUint64(buf, l.Term)
	buf = append(buf, byte(l.Type))
	var at int64
	if !l.AppendedAt.IsZero() {
		at = l.AppendedAt.UnixNano()
	}
	buf = binary.BigEndian.AppendUint64(buf, uint64(at))
	buf = binary.AppendUvarint(buf, uint64(len(l.Data)))
	buf = append(buf, l.Data...)
	buf = binary.AppendUvarint(buf, uint64(len(l.Extensions)))
	return append(buf, l.Extensions...)
}

func decodeLog(v []byte, l *raft.Log) error {
	if len(v) < 17 {
		return ErrCorruptLog
	}
	l.Term = binary.BigEndian.Uint64(v)
	l.Type = raft.LogType(v[8])
	l.AppendedAt = time.Time{}
	if at := int64(binary.BigEndian.Uint64(v[9:])); at != 0 {
		l.AppendedAt = time.Unix(0, at)
	}
	rest := v[17:]
	var err error
	if l.Data, rest, err = readBytes(rest); err != nil {
		return err
	}
	if l.Extensions, rest, err = readBytes(rest); err != nil {
		return err
	}
	if len(rest) != 0 {
		return ErrCorruptLog
	}
	return nil
}

// readBytes reads a length-prefixed byte string and returns a copy of it (nil
// when empty, as raft stores it).
func readBytes(v []byte) (b, rest []byte, err error) {
	n, w := binary.Uvarint(v)
	if w <= 0 || uint64(len(v)-w) < n {
		return nil, nil, ErrCorruptLog
	}
	if n > 0 {
		b = append([]byte(nil), v[w:w+int(n)]...)
	}
	return b, v[w+int(n):], nil
}

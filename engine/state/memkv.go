package state

import (
	"strings"

	"github.com/RaduBerinde/btreemap"
)

// MemKV is an ordered in-memory KV (a B-tree). It is for tests, benchmarks
// and tools, never for production: it keeps nothing on disk. The broker
// provides the pebble-backed KV.
type MemKV struct {
	t *btreemap.BTreeMap[string, []byte]
}

// NewMemKV returns an empty in-memory KV.
func NewMemKV() *MemKV {
	return &MemKV{t: btreemap.New[string, []byte](32, strings.Compare)}
}

// Get returns a copy of the value stored under key.
func (m *MemKV) Get(key []byte) ([]byte, bool, error) {
	_, v, ok := m.t.Get(string(key))
	if !ok {
		return nil, false, nil
	}
	return append([]byte(nil), v...), true, nil
}

// Set stores a copy of value under key.
func (m *MemKV) Set(key, value []byte) error {
	m.t.ReplaceOrInsert(string(key), append([]byte(nil), value...))
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (m *MemKV) Delete(key []byte) error {
	m.t.Delete(string(key))
	return nil
}

// Iterate visits the keys with the given prefix in ascending order.
func (m *MemKV) Iterate(prefix []byte, fn func(key, value []byte) bool) error {
	p := string(prefix)
	m.t.AscendFunc(btreemap.GE(p), btreemap.Max[string](), func(k string, v []byte) bool {
		if !strings.HasPrefix(k, p) {
			return false
		}
		return fn([]byte(k), v)
	})
	return nil
}

// Len returns the number of keys.
func (m *MemKV) Len() int { return m.t.Len() }

// All returns every pair in key order (for tests comparing states).
func (m *MemKV) All() [][2][]byte {
	var out [][2][]byte
	m.t.AscendFunc(btreemap.Min[string](), btreemap.Max[string](), func(k string, v []byte) bool {
		out = append(out, [2][]byte{[]byte(k), append([]byte(nil), v...)})
		return true
	})
	return out
}

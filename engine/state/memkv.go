package state

import (
	"strings"
	"unsafe"

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

// view is key as a string without a copy, for lookups that do not keep it.
func view(key []byte) string {
	return unsafe.String(unsafe.SliceData(key), len(key))
}

// Get returns the value stored under key. Stored values are never changed
// in place (Set stores a fresh copy), so the caller may keep the result;
// it must not modify it.
func (m *MemKV) Get(key []byte) ([]byte, bool, error) {
	_, v, ok := m.t.Get(view(key))
	if !ok {
		return nil, false, nil
	}
	return v[:len(v):len(v)], true, nil
}

// Set stores a copy of key and value (one allocation for both).
func (m *MemKV) Set(key, value []byte) error {
	buf := make([]byte, len(key)+len(value))
	copy(buf, key)
	copy(buf[len(key):], value)
	m.t.ReplaceOrInsert(view(buf[:len(key)]), buf[len(key):])
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (m *MemKV) Delete(key []byte) error {
	m.t.Delete(view(key))
	return nil
}

// Iterate visits the keys with the given prefix in ascending order.
func (m *MemKV) Iterate(prefix []byte, fn func(key, value []byte) bool) error {
	p := view(prefix)
	m.t.AscendFunc(btreemap.GE(p), btreemap.Max[string](), func(k string, v []byte) bool {
		if !strings.HasPrefix(k, p) {
			return false
		}
		// the key's bytes are not changed by fn (KV contract)
		return fn(unsafe.Slice(unsafe.StringData(k), len(k)), v)
	})
	return nil
}

// Scan visits the keys in [start, end) in ascending order.
func (m *MemKV) Scan(start, end []byte, fn func(key, value []byte) bool) error {
	m.t.AscendFunc(btreemap.GE(view(start)), btreemap.LT(view(end)), func(k string, v []byte) bool {
		return fn(unsafe.Slice(unsafe.StringData(k), len(k)), v)
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

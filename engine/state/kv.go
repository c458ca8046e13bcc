// Package state holds the engine's state as column families over an ordered
// key-value store.
//
// The engine reads and writes state only through KV. In production the broker
// backs it with an indexed pebble batch (reads see the batch's own writes), so
// the state changes of one apply commit atomically with the records and the
// applied raft index. Unit tests of the engine use an in-memory KV.
package state

// KV is the ordered key-value store the engine's state lives in.
//
// Contract:
//   - Reads see every earlier write made through the same KV (read-your-writes).
//   - Get returns a value the caller may keep: implementations copy it.
//   - Iterate visits the keys that start with prefix in ascending byte order;
//     the key and value passed to fn are only valid during the call. fn returns
//     false to stop early. Writes during iteration are not allowed.
//   - Errors are I/O failures of the backing store, never "not found".
type KV interface {
	Get(key []byte) (value []byte, found bool, err error)
	Set(key, value []byte) error
	Delete(key []byte) error
	Iterate(prefix []byte, fn func(key, value []byte) bool) error
}

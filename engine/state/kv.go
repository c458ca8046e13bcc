package state

// KV is the ordered key-value store the engine's state lives in.
//
// Contract:
//   - Reads see every earlier write made through the same KV (read-your-writes).
//   - Get returns a value the caller may keep: implementations copy it.
//   - Set copies key and value: the engine reuses its key buffers.
//   - Iterate visits the keys that start with prefix in ascending byte order;
//     the key and value passed to fn are only valid during the call. fn returns
//     false to stop early. Writes during iteration are not allowed.
//   - Scan visits the keys k with start <= k < end in ascending byte order,
//     with the same rules as Iterate. It lets a reader skip the part of a
//     family it does not need: in an LSM store deleted keys still cost a
//     step each until compacted away.
//   - Errors are I/O failures of the backing store, never "not found".
type KV interface {
	Get(key []byte) (value []byte, found bool, err error)
	Set(key, value []byte) error
	Delete(key []byte) error
	Iterate(prefix []byte, fn func(key, value []byte) bool) error
	Scan(start, end []byte, fn func(key, value []byte) bool) error
}

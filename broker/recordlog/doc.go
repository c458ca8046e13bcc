// Package recordlog is a partition's record log: every record the engine
// wrote, by position, in the node's pebble database beside the state.
//
// Records are appended inside the apply's pebble batch (with the state and
// the applied raft index), read in position order by exporters, and trimmed
// below the lowest position every reader is done with.
//
//	key: prefix | position of the chunk's first record (8 bytes, big endian)
//	value: the records of one Append (a chunk, see chunk.go)
package recordlog

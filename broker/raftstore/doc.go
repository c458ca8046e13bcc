// Package raftstore keeps a partition's raft log and raft stable store in the
// node's pebble database: it implements raft.LogStore, raft.MonotonicLogStore
// and raft.StableStore for hashicorp/raft.
//
// All partitions of a node share one pebble DB (so their fsyncs share one WAL,
// RAFT-NOTES trap 3); each Store works under its own key prefix:
//
//	prefix 'l' index(8 bytes, big endian) -> encoded raft.Log
//	prefix 's' key                          -> stable store value
//
// StoreLogs commits with pebble.Sync: raft counts an entry as persisted as soon
// as StoreLogs returns. First and last index are kept in memory (pebble would
// need a seek for each) and fixed by DeleteRange. Wrap a Store in
// raft.NewLogCache, or the leader reads every entry back from pebble once per
// follower (RAFT-NOTES trap 9).
package raftstore

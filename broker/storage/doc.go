// Package storage is the node's one pebble database and its key layout.
//
// A node keeps everything in one pebble DB, so that the raft logs and the
// states of all its partitions share one WAL and its fsyncs (RAFT-NOTES trap
// 3). Keys start with a kind byte and the partition id:
//
//	0x01 pid(4)          raft log and stable store (package raftstore)
//	0x02 pid(4) 's' ...  engine state, the state.KV the engine sees
//	0x02 pid(4) 'a'      applied raft index
//	0x02 pid(4) 'r' pos  record log (package recordlog)
//	0x02 pid(4) 'x' ...  exporter positions
//
// Everything under 0x02 pid is the partition's data: it is changed only by
// one Batch per raft apply (state, records and applied index together, so a
// restart neither loses nor repeats an apply), it is what a snapshot streams
// and what Restore replaces.
package storage

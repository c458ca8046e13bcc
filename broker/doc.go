// Package broker runs Shoal's partitions on a node and joins nodes into a
// cluster. Node implements Cluster (api.go), which is all the gateway sees.
//
// A node keeps one pebble database (package storage) with the raft log
// (raftstore), the state and the record log (recordlog) of every partition
// replica it hosts (partition), and one internal TCP port (cluster) for all
// raft groups and for requests between nodes.
//
//	gateway ── Submit(partition, command) ──► Node
//	                                           │ local replica leads?
//	                     yes ◄─────────────────┴──────────────► no
//	                      │                                      │ forward over the
//	                      ▼                                      │ internal port to the
//	             partition.Submit                                │ leader (cluster.Client)
//	  queue ─► raft entry ─► quorum ─► FSM: engine.Process       ▼
//	  ─► pebble batch (state, records, applied index), Sync    leader node's Node.serve
//	  ─► pending[requestID] answered ─► Submit returns          └─► partition.Submit
//
// Partitions are placed round-robin (cluster.Members); the first member of a
// partition bootstraps its raft group when it has no raft state. While a
// partition elects a leader, Submit retries for a while (nothing was written
// yet). A command appended by a leader that then lost leadership is settled
// by that replica, which stays a follower: once its commit index passes the
// entry, its own log tells whether the next leader kept the entry (the
// callers get their answer from the apply) or replaced it (ErrNotLeader:
// nothing was written, so the node retries on the new leader). Only when
// that cannot be told is the answer ErrOutcomeUnknown, which is not retried;
// so is a command in flight when its partition closes (the node shuts down)
// or when the node it was forwarded to dies before answering.
//
// Every node knows the whole topology: its own replicas live, its peers' as
// they answered a poll over the internal port at most a second ago.
//
// Record logs are trimmed every 10 s below the exported position
// (SetExportedPosition, from the exporter runner) minus a retention, and
// not at all while no exporter is known; snapshots carry the untrimmed rest.
//
// Partitions send each other commands (outbound.go): the engine writes
// them into its result and keeps them in an outbox in its state until the
// receiver acknowledges (engine/distribution); the sending partition's
// leader submits them to the receiving partition like Submit does, retrying
// with backoff, and a new leader sends its whole outbox again. Deployments
// are submitted to partition 1 and distributed this way to every other
// partition with their keys and versions; instances go to any partition.
//
// Job push (push.go, pushremote.go, broker/jobpush): the gateway registers
// its push streams with its node (AddJobStream). The leader of a partition
// reserves credits of the streams it knows for each raft entry and
// replicates them with the commands, so every replica's engine activates
// the jobs the entry creates for them in the same step; after the apply the
// leader pushes them. Streams of other nodes are known from the
// advertisements the nodes send each other every 100 ms, and their jobs
// travel over the internal port; a job no stream can take is yielded.
package broker

// Package jobstream hands jobs to workers, in the two ways the gateway
// offers: activation by long polling (POST /v2/jobs/activation parks until a
// job of the type exists or the timeout passes) and the push stream (POST
// /v2/jobs/stream), where the gateway pushes each job the moment it becomes
// activatable to an open stream with free capacity.
//
// When the cluster pushes from the engine's step (broker.JobStreamer, which
// broker.Node is), a stream is registered with it: each partition this node
// leads reserves credits of the stream's free capacity for the raft entry it
// builds, and the jobs the entry creates are activated in the same step and
// pushed to the stream after the commit (see broker/jobpush) — one raft
// commit fewer per job than activation, and no round trip. Capacity is kept
// in one place, the stream: held jobs plus credits promised to entries in
// flight (or to an activation under way) never exceed it.
//
// Jobs that are not pushed — created while the stream was full, on a
// partition led by another node, or activatable again after a failure, a
// timeout or a yield — are activated as before. Both activate with JOB_BATCH
// ACTIVATE commands, asking every partition in
// turn (starting from a rotating one so that no partition is favoured), and
// wait without polling: broker.Cluster.WatchJobs wakes them when jobs of the
// type may have become activatable. They subscribe before they activate, so
// a job created between an empty activation and the wait is not missed.
// As a safety net they also ask again every few seconds (recheckInterval):
// WatchJobs sees only the partitions replicated on this node.
//
// A stream holds at most its capacity of jobs. A held job is released (its
// credit comes back) when the gateway sees it completed, failed or errored
// through any route (Hub.Release), or when its deadline passes (the engine
// times it out and it is no longer this worker's). When a stream closes
// (the worker disconnected, or the gateway shuts down) every job it still
// holds is handed back with JOB YIELD, so it is activatable again at once
// rather than after its timeout.
//
// Hub methods are safe for concurrent use; a Stream is used by the one
// goroutine that serves it, except Release, which any goroutine may call.
package jobstream

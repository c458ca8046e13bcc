// Package partition is one replica of a Shoal partition: a hashicorp/raft
// group whose log, stable store and state live in the node's pebble DB, and
// whose FSM runs the engine.
//
//	Submit ──► queue (bounded: full → ErrQueueFull at once)
//	             │ proposer: at most MaxInFlight entries uncommitted; the
//	             │ commands that pile up meanwhile form the next entry
//	             ▼
//	      stamp Timestamp, reserve push credits (Config.Streams)
//	        ─► entry [type|version|commands|offers] ─► raft.Apply
//	                                                            │ quorum commit
//	                                                            ▼
//	FSM.ApplyBatch (every replica): skip index ≤ applied ─► engine.Process
//	   ─► one pebble batch: state + record log + applied index ─► Commit
//	                                                            │
//	afterApply: push streams       ◄─ Result.Pushed (the entry's builder;
//	                                  a leader yields jobs it cannot push)
//	            pending[requestID] ◄─ Result.Responses  (Submit returns)
//	            job watchers     ◄─ Result.JobsAvailable
//	            scheduler kick   ─► DueCommands ─► raft.Apply (leader only)
//
// Contracts:
//   - A caller is answered only after its command is committed by a quorum
//     (synced in the raft log of a majority) and applied to pebble. The
//     apply's batch is not fsynced itself: after a power loss, the entries
//     above the durable applied index are applied again from the raft log,
//     deterministically. Snapshots sync first, so raft never compacts the
//     log past durable state; on open, data older than the newest snapshot
//     is restored from it.
//   - The applied raft index is stored in the same batch as the state, and
//     raft runs with NoSnapshotRestoreOnStart: a restart neither re-applies
//     nor loses anything (etcd's consistent index).
//   - Engine time is the leader's stamp on the command, never raft's
//     Log.AppendedAt nor a clock read during apply.
//   - A committed entry that cannot be decoded or processed stops this
//     replica's apply (unhealthy); skipping it would diverge silently.
//   - Snapshots are pebble snapshots streamed by Persist; Restore replaces
//     the partition's data in one synced batch and starts a fresh engine.
//   - Request ids start at a random point per process, so an answer applied
//     on a replica that lost leadership still reaches its caller, and never
//     a stranger.
//
// The engine is used by one goroutine at a time: the FSM goroutine, or the
// scheduler, under the FSM's engine lock.
package partition

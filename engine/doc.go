// Package engine is Shoal's process engine: a deterministic state machine
// that turns commands into records (events, rejections, follow-up commands),
// as Zeebe's engine does.
//
// The broker runs one Engine per partition inside raft's apply: Process for
// committed client commands, Replay to rebuild state from a log, and
// DueCommands/NextDueTime for the leader's time-driven commands (job
// timeouts, ends of retry backoffs). The engine reads no clock (the command's
// Timestamp is its only time), starts no goroutine, draws no random number
// and never lets map order reach a record or the state: the same state and
// commands give byte-identical records on every replica
// (determinism_test.go checks both the code and the output).
//
// # Layout
//
// Zeebe's layout in small packages (STYLE.md "What to absorb"):
//
//	engine/record     the protocol: records, value types, intents, codec, JSON
//	engine/state      column families over state.KV; MemKV for tests
//	engine/graph      compiled process graphs by definition key (a cache)
//	engine/applier    event appliers, the only code that changes state
//	engine/proc       the kernel: Context (writers), Router, Failure
//	engine/behavior   shared BPMN behaviours: variables, jobs, incidents, flow
//	engine/element    one processor per BPMN element kind + the dispatcher
//	engine/distribution  the inter-partition channel (COMMAND_DISTRIBUTION)
//	engine/{deployment,instance,job,incident,variable}
//	                  command processors
//	engine/enginetest the in-memory harness for scenario tests
//
// One deviation: the graph cache is its own package (STYLE puts it in
// proc) because appliers need graphs (a joining gateway consumes the tokens
// of its incoming flows) and proc imports the appliers.
//
// # Contracts the broker relies on
//
//   - Keys and positions come from counters in kv (state.CounterKey and
//     state.CounterPosition); Process writes them at the end of each call.
//     If Process returns an error, kv may hold partial writes: discard them.
//   - Replay takes the whole log in order: events are applied, commands and
//     rejections only advance the counters.
//   - Record.RequestID is kept on two kinds of written records: the
//     PROCESS_INSTANCE_CREATION CREATED event of a creation that awaits the
//     result (its applier remembers the request with the instance, so that
//     the answer survives a restart: after a leader change the new leader
//     answers a request id it never saw, which it must ignore), and the
//     TERMINATE_ELEMENT follow-up of a CANCEL (answered with the process
//     instance's ELEMENT_TERMINATING event).
//   - The answer to a creation awaiting the result is a PROCESS_INSTANCE_RESULT
//     COMPLETED record built for the response only, as in Zeebe; it is not in
//     Records. A canceled instance answers such a creation with its
//     ELEMENT_TERMINATED event.
//   - Outbound lists commands for other partitions (engine/distribution):
//     the leader sends them after the call is committed, and after a
//     restart or leader change sends PendingOutbound (the outbox kept in
//     state) again, until each receiver acknowledges with a command of its
//     own. Receivers apply a distributed command at most once, so a command
//     may be sent any number of times.
//   - JobsAvailable lists job types that became activatable in the call:
//     created, failed with retries and no backoff, timed out, recurred after
//     a backoff, yielded, or given back by a resolved incident.
//   - Job push (Zeebe's JobStreamer): ProcessWithOffers takes the push
//     streams the leader attached to the raft entry, each with credits. A
//     job created for an offered type is activated in the same step (JOB
//     CREATED, then JOB_BATCH ACTIVATED with that one job, its variables
//     left out of the record) and listed in Result.Pushed with its
//     variables, without being announced in JobsAvailable; the leader
//     pushes it after the commit, or yields it (JOB YIELD) if the stream is
//     gone. Only creation pushes; jobs activatable again later (failed,
//     timed out, yielded) go the JobsAvailable way.
//
// # Behaviour worth knowing
//
//   - A deployment is all or nothing; a process whose resource is unchanged
//     keeps its version and key (see engine/deployment for distribution).
//   - Elements of later issues deploy, but an instance reaching one stops at
//     an incident of type UNKNOWN saying it is not supported yet (see
//     engine/element).
//   - A terminate end event puts its flow scope in ELEMENT_COMPLETING at once,
//     terminates the other children, and completes the scope when they are
//     gone. Activations still on their way into that scope are rejected
//     (INVALID_STATE).
//   - An inclusive joining gateway activates when some incoming flow has a
//     token and no token of its scope can still reach the others. An
//     activation of a joining gateway found not ready when processed (its
//     tokens were taken by an earlier one) is rejected with INVALID_STATE.
package engine

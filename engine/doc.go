// Package engine is Shoal's process engine: a deterministic state machine
// that turns commands into records (events, rejections, follow-up commands),
// as Zeebe's engine does.
//
// The broker runs one Engine per partition inside raft's apply: Process for
// committed client commands, Replay to rebuild state from a log, and
// DueCommands/NextDueTime for the leader's time-driven commands (job
// timeouts, backoffs). The engine reads no clock, starts no goroutine and
// draws no random number: the same state and commands give byte-identical
// records on every replica.
//
// Inside, the engine is the Zeebe layout in small packages:
//
//	engine/record     the protocol: records, value types, intents, codec
//	engine/state      column families over state.KV; MemKV for tests
//	engine/applier    event appliers, the only code that changes state
//	engine/proc       the kernel: Context, writers, router, process graphs
//	engine/behavior   shared BPMN behaviours: variables, jobs, incidents, flow
//	engine/element    one processor per BPMN element kind + the dispatcher
//	engine/{deployment,instance,job,incident,variable}
//	                  command processors, one file per command
//	engine/enginetest the in-memory harness for scenario tests
package engine

// Package proc is the engine's kernel: the processing Context a command
// processor works with, the writers behind it, and the Router that finds the
// processor for a command (Zeebe's stream-platform RecordProcessor,
// Writers and TypedRecordProcessors).
//
// A processor reads state and writes records through the Context: Event
// appends an event and applies it at once (so the processor, and the next
// command, see its effect), Command appends a follow-up command that the
// kernel processes after the current one (FIFO, in the same Process call),
// Reject answers the command with a rejection. Nothing else changes state.
package proc

// Package state holds the engine's state as column families over an ordered
// key-value store.
//
// The engine reads and writes state only through KV. In production the broker
// backs it with an indexed pebble batch (reads see the batch's own writes), so
// the state changes of one apply commit atomically with the records and the
// applied raft index. Unit tests of the engine use MemKV.
//
// State is the typed view: element instances and their children, tokens on
// sequence flows, variables by scope, jobs with their activatable, deadline
// and backoff indexes, incidents, deployed processes. families.go lists the
// column families and their key layouts. Values are the record codec's
// encoding behind a version byte.
//
// Zeebe splits read-only and mutable state interfaces; Shoal keeps one type
// with the rule written on it (processors read, appliers write), because the
// replay test catches a processor that writes: its change would be missing
// from replayed state.
package state

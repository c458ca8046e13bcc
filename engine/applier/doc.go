// Package applier holds the event appliers: the only code that changes the
// engine's state. A processor writes an event and the kernel applies it at
// once through this table; Replay applies the same events through the same
// table, so replayed state equals live state (Zeebe's EventAppliers).
//
// One file per value type; table.go maps (value type, intent) to an
// applier (a switch, for speed). An event without an applier changes no
// state (Zeebe registers NOOP appliers for those; here absence means the
// same) — the list of such events is in table.go.
package applier

// Package graph caches the compiled execution graphs of deployed processes
// by process definition key (Zeebe's deployed-process cache).
//
// A graph is compiled from the resource stored with the process in state,
// the first time it is needed; after a restart the cache fills again on
// demand, so it never needs to be persisted. Event appliers and processors
// share the cache. This is its own package (STYLE puts the cache in
// engine/proc) because appliers need graphs too and proc depends on the
// appliers.
package graph

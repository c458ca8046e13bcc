package main

import (
	"log/slog"
	"os"
	"runtime"
)

// A node runs latency-critical goroutines (HTTP handlers, raft's leader
// loop, the FSM that applies entries) beside CPU-bound background work
// (pebble's flushes and compactions, the garbage collector's mark workers),
// and the background work holds a P for up to Go's 10 ms time slice. With
// as many Ps as cores, a compaction and a GC worker can hold both Ps of a
// two-core machine while a committed entry waits to be applied and an
// answer waits to be written. One P more than the cores lets the kernel
// share the cores between three threads, and it favours the thread that just
// woke, which is the latency-critical one. Measured on two cores at 1,500
// one-task instances/s (docs/benchmarks.md): the node's scheduling latency
// p99 7-15 ms fell to about 4 ms, and the instances' p99 from a median of
// 58 ms to 41 ms over 22 runs each, at 2-4 % more CPU per instance and the
// same maximum throughput on one node and on three.
const extraProcs = 1

// goMaxProcs is the GOMAXPROCS a node runs with: setting when positive;
// otherwise the Go runtime's default (the CPUs the process may use) plus
// extraProcs, unless the GOMAXPROCS environment variable chose it already.
func goMaxProcs(setting int, envSet bool, runtimeDefault int) int {
	switch {
	case setting > 0:
		return setting
	case envSet:
		return runtimeDefault
	}
	return runtimeDefault + extraProcs
}

// applyGoMaxProcs sets GOMAXPROCS for a node (see goMaxProcs) and logs it.
// Setting it stops the runtime from following later changes of the
// container's CPU limit (Go 1.25 does so only while GOMAXPROCS was never
// set); a node started after such a change reads the new limit.
func applyGoMaxProcs(setting int, logger *slog.Logger) {
	_, envSet := os.LookupEnv("GOMAXPROCS")
	current := runtime.GOMAXPROCS(0)
	n := goMaxProcs(setting, envSet, current)
	if n != current {
		runtime.GOMAXPROCS(n)
	}
	logger.Info("go scheduler", "gomaxprocs", n, "cpus", runtime.NumCPU())
}

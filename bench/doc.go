// Package bench is Shoal's load generator: it deploys a workload (a BPMN
// file), starts process instances and works on their jobs against a running
// Shoal over the public HTTP API, through gateway/client — the same client
// users use — and reports throughput, latency, errors, back-pressure and
// the server's CPU time and memory. `shoal bench` is its command line.
//
// It imports only the standard library and gateway/client, so that it
// measures what users get, not an internal shortcut.
//
// How a run goes (Run):
//
//  1. read the server's idle memory (before anything is deployed);
//  2. deploy the workload and start Workers job workers per job type (push
//     stream, or long polling with Poll);
//  3. start instances with awaitCompletion (CreateInstanceWithResult): an
//     answer means the instance has completed, so latency is start to
//     completion as the server saw it, measured by the client. Closed loop
//     (InFlight instances always in flight) or open loop (Rate starts per
//     second on a fixed schedule; latency counts from the scheduled time, so
//     a slow server cannot hide queueing: no coordinated omission);
//  4. discard a warm-up, measure for Duration, then stop starting and wait
//     for the instances in flight (Drain);
//  5. report a Result (one JSON line with --json).
//
// Back-pressure is counted on the wire (a RoundTripper sees every 503 and
// 429, including those the client retries by itself); errors are calls that
// failed after the client's retries, and job completions that failed (the
// worker logs them at warn level; a slog handler counts them).
//
// Server figures come from /proc/<pid> when the server's pid is known (an
// embedded node, or --server-pid), otherwise from the /metrics of every
// gateway used (process_cpu_seconds_total, process_resident_memory_bytes),
// added up over the nodes of a cluster; memory is sampled every 250 ms for
// the peak.
//
// Embedded (StartEmbedded) runs the real `shoal start` binary as a child
// process on a temporary data directory and free ports, so that its CPU and
// memory are its own, not the load generator's.
package bench

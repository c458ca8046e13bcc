package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/shoalbpm/shoal/bench"
)

// benchFlags are the flags of `shoal bench`.
type benchFlags struct {
	address, cluster, workloads, dir, rates string
	cpuProfile                              string
	duration, warmup, drain                 time.Duration
	inFlight, workers, maxJobs, payload     int
	partitions, serverPID, park             int
	stream, poll, embedded, json            bool
}

func newBenchCmd() *cobra.Command {
	f := &benchFlags{}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure a Shoal node or cluster end to end over HTTP",
		Long: `bench deploys a workload (a BPMN file), starts process instances and works
on their jobs over the public HTTP API, with the Go client, and reports
instances started and completed per second, jobs per second, latency from
start to completion (p50/p90/p99/max), errors, back-pressure answers, and the
server's CPU time and memory where it can read them.

Closed loop (default): --in-flight instances always in flight, to find the
most the server does. Open loop: --rate starts per second on a fixed
schedule, latency counted from the scheduled time; the result says when the
run did not keep up. Several comma-separated --rate values (and workloads)
run one after another, one result each.

--embedded starts a temporary single node (this binary's 'start', fsync on,
on a temp data dir and free ports) and stops it afterwards; otherwise bench
uses --address or --cluster. Workloads are testdata/bench/NAME.bpmn (run from
the repository root) or any .bpmn path whose service tasks have static job
types. Run it on a quiet machine: the load generator shares its cores.

--park N measures waiting instances instead: it starts N instances of each
workload with no job worker, so that every one waits at its first task, and
reports the server's memory before, at the peak and after they settle, and
with --embedded the size of the data directory and the memory after the node
is restarted with all of them still waiting (the search API must then count
N active instances).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBench(cmd, f) },
	}
	fs := cmd.Flags()
	addr := os.Getenv("SHOAL_ADDRESS")
	if addr == "" {
		addr = defaultAddress
	}
	fs.StringVar(&f.address, "address", addr, "the gateway of the node to measure (env SHOAL_ADDRESS)")
	fs.StringVar(&f.cluster, "cluster", "", "gateways of a cluster, ADDR,ADDR,...: load is spread over them (overrides --address)")
	fs.BoolVar(&f.embedded, "embedded", false, "start a temporary single node and measure it")
	fs.IntVar(&f.partitions, "partitions", 1, "partitions of the --embedded node")
	fs.IntVar(&f.serverPID, "server-pid", 0, "pid of a local server to read CPU and memory from /proc (default: every gateway's /metrics, added up)")
	fs.StringVar(&f.workloads, "workload", "one_task", "workloads, comma-separated: one_task, ten_tasks, parallel, gateway, or .bpmn paths")
	fs.StringVar(&f.dir, "workloads-dir", "testdata/bench", "where workloads given by name are")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "how long each measured window lasts")
	fs.DurationVar(&f.warmup, "warmup", 2*time.Second, "load before the window, not counted")
	fs.DurationVar(&f.drain, "drain", 10*time.Second, "how long to wait for the instances in flight after the window")
	fs.StringVar(&f.rates, "rate", "0", "open loop: starts per second, comma-separated for several runs; 0: closed loop")
	fs.IntVar(&f.inFlight, "in-flight", 0, "instances in flight: the closed loop's load, the open loop's cap (default 64; open loop: 2 s of the rate, at least 64)")
	fs.IntVar(&f.workers, "workers", 2, "job workers per job type")
	fs.IntVar(&f.maxJobs, "max-jobs", 64, "jobs each worker holds at once (stream capacity, long-poll batch)")
	fs.BoolVar(&f.stream, "stream", true, "workers take jobs from the push stream")
	fs.BoolVar(&f.poll, "poll", false, "workers long-poll for jobs instead of the push stream")
	fs.IntVar(&f.payload, "payload-bytes", 512, "size of each instance's JSON variables")
	fs.BoolVar(&f.json, "json", false, "print one JSON line per result")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the load generator itself (all runs) to this file, for go tool pprof")
	fs.IntVar(&f.park, "park", 0, "start this many instances with no worker and measure the memory of the waiting instances (see above)")
	return cmd
}

func runBench(cmd *cobra.Command, f *benchFlags) error {
	if cmd.Flags().Changed("stream") && f.stream && f.poll {
		return fail(cmd, errors.New("--stream and --poll: choose one"))
	}
	poll := f.poll || !f.stream
	rates, err := parseRates(f.rates)
	if err != nil {
		return fail(cmd, err)
	}
	var workloads []*bench.Workload
	for _, name := range strings.Split(f.workloads, ",") {
		w, err := bench.LoadWorkload(f.dir, strings.TrimSpace(name))
		if err != nil {
			return fail(cmd, err)
		}
		workloads = append(workloads, w)
	}
	if f.cpuProfile != "" {
		stop, err := startCPUProfile(f.cpuProfile)
		if err != nil {
			return fail(cmd, err)
		}
		defer stop()
	}
	ctx, cancel := signalContext()
	defer cancel()
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))

	cfg := bench.Config{
		Addresses: []string{f.address}, Duration: f.duration, Warmup: f.warmup, Drain: f.drain,
		Workers: f.workers, MaxJobs: f.maxJobs, Poll: poll, PayloadBytes: f.payload,
		ServerPID: f.serverPID, Logger: log,
	}
	if f.cluster != "" {
		cfg.Addresses = strings.Split(f.cluster, ",")
	}
	var node *bench.Embedded
	if f.embedded {
		exe, err := os.Executable()
		if err != nil {
			return fail(cmd, fmt.Errorf("--embedded: %w", err))
		}
		node, err = bench.StartEmbedded(ctx, bench.EmbeddedOptions{Binary: exe, Partitions: f.partitions})
		if err != nil {
			return fail(cmd, err)
		}
		defer func() {
			if err := node.Close(); err != nil {
				log.Warn("stopping the embedded node", "err", err)
			}
		}()
		cfg.Addresses, cfg.ServerPID = []string{node.Address}, node.PID
	}
	if cfg.ServerPID == 0 {
		for _, a := range cfg.Addresses {
			cfg.MetricsURLs = append(cfg.MetricsURLs, strings.TrimRight(withScheme(a), "/")+"/metrics")
		}
	}

	if f.park > 0 {
		return runPark(cmd, ctx, f, cfg, workloads, node)
	}
	failed := false
	for _, w := range workloads {
		for _, rate := range rates {
			c := cfg
			c.Workload, c.Rate, c.InFlight = w, rate, inFlightFor(f.inFlight, rate)
			res, err := bench.Run(ctx, c)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "shoal bench: %s: %v\n", w.Name, err)
				if ctx.Err() != nil {
					return exitError{1}
				}
				failed = true
				continue
			}
			if err := printResult(cmd.OutOrStdout(), res, f.json); err != nil {
				return fail(cmd, err)
			}
		}
	}
	if failed {
		return exitError{1}
	}
	return nil
}

// runPark runs a parking run per workload (see --park).
func runPark(cmd *cobra.Command, ctx context.Context, f *benchFlags, cfg bench.Config, workloads []*bench.Workload, node *bench.Embedded) error {
	for _, w := range workloads {
		res, err := bench.Park(ctx, bench.ParkConfig{
			Addresses: cfg.Addresses, Workload: w, Instances: f.park, InFlight: inFlightFor(f.inFlight, 0),
			PayloadBytes: f.payload, Settle: 5 * time.Second, ServerPID: cfg.ServerPID, MetricsURLs: cfg.MetricsURLs,
			Node: node, Logger: cfg.Logger,
		})
		if err != nil {
			return fail(cmd, err)
		}
		if f.json {
			b, err := json.Marshal(res)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
			continue
		}
		out := cmd.OutOrStdout()
		fmt.Fprintf(out, "%s: %d instances parked (%d created at %.0f/s, %d errors), %d active per the search API\n",
			w.Name, res.Instances, res.Created, res.CreatePerSec, res.Errors, res.Active)
		fmt.Fprintf(out, "  server rss idle %.0f MB, peak %.0f MB, settled %.0f MB\n", mb(res.IdleRSS), mb(res.PeakRSS), mb(res.SettledRSS))
		if res.RestartSeconds > 0 {
			fmt.Fprintf(out, "  data on disk %.0f MB; restarted in %.1f s: rss %.0f MB\n", mb(res.DataBytes), res.RestartSeconds, mb(res.RestartedRSS))
		}
	}
	return nil
}

// startCPUProfile profiles this process into path until the returned
// function is called.
func startCPUProfile(path string) (stop func(), err error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, fmt.Errorf("--cpuprofile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := out.Close(); err != nil {
			slog.Warn("closing the CPU profile", "file", path, "err", err)
		}
	}, nil
}

func parseRates(s string) ([]float64, error) {
	var rates []float64
	for _, part := range strings.Split(s, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || r < 0 {
			return nil, fmt.Errorf("--rate %q: want numbers >= 0, comma-separated", s)
		}
		rates = append(rates, r)
	}
	return rates, nil
}

// inFlightFor is the in-flight count of a run: the flag, else 64 for the
// closed loop, else two seconds of the rate (at least 64) for the open one.
func inFlightFor(flag int, rate float64) int {
	if flag > 0 {
		return flag
	}
	return max(64, int(2*rate))
}

func withScheme(a string) string {
	if strings.Contains(a, "://") {
		return a
	}
	return "http://" + a
}

// printResult prints a result as one JSON line, or as a few lines of text.
func printResult(w io.Writer, r *bench.Result, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	load := fmt.Sprintf("closed loop, %d in flight", r.InFlight)
	if r.Mode == "open" {
		load = fmt.Sprintf("open loop, %.0f/s offered (cap %d in flight)", r.OfferedRate, r.InFlight)
	}
	fmt.Fprintf(w, "%s: %s, %s workers x%d, payload %d B, %.0fs\n", r.Workload, load, r.Acquisition, r.Workers, r.PayloadBytes, r.Seconds)
	fmt.Fprintf(w, "  instances  started %.0f/s, completed %.0f/s   jobs %.0f/s\n", r.StartedPerSec, r.CompletedPerSec, r.JobsPerSec)
	l := r.Latency
	fmt.Fprintf(w, "  latency    p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms  (%d samples)\n", l.P50, l.P90, l.P99, l.Max, l.Count)
	if g := r.StartLag; g != nil {
		fmt.Fprintf(w, "  start lag  p50 %.1f ms  p99 %.1f ms  max %.1f ms  (this generator's own lateness, part of the latency)\n", g.P50, g.P99, g.Max)
	}
	fmt.Fprintf(w, "  errors %d, timeouts %d, unfinished %d, worker errors %d, back-pressure answers %d\n", r.Errors, r.Timeouts, r.Unfinished, r.WorkerErrors, r.BackPressure)
	if r.ErrorSample != "" {
		fmt.Fprintf(w, "  first error: %s\n", r.ErrorSample)
	}
	if r.KeptUp != nil && !*r.KeptUp {
		fmt.Fprintf(w, "  DID NOT KEEP UP: %s\n", r.NotKeptUpBecause)
	}
	if s := r.Server; s.Source != "" {
		fmt.Fprintf(w, "  server (%s)  cpu %.1f s (%.2f cores)  rss idle %.0f MB, peak %.0f MB\n", s.Source, s.CPUSeconds, s.CPUCores, mb(s.IdleRSS), mb(s.PeakRSS))
	}
	_, err := fmt.Fprintf(w, "  machine    %d CPUs, load average %.2f; bench itself used %.1f s of CPU\n", r.CPUs, r.LoadAverage, r.ClientCPUSeconds)
	return err
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

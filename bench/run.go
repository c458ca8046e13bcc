package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoalbpm/shoal/gateway/client"
)

// awaitTimeout is the requestTimeout of each awaited creation: an instance
// not complete by then counts as a timeout.
const awaitTimeout = 30 * time.Second

// run is the state of one benchmark run.
type run struct {
	cfg     Config
	clients []*client.Client
	counts  wireCounts
	log     *slog.Logger

	seq       atomic.Int64 // instance numbers
	inFlight  atomic.Int64
	windowLo  time.Time // the measured window [windowLo, windowHi)
	windowHi  time.Time
	lat       latencies
	startLag  latencies    // open loop: how late each start was sent
	started   atomic.Int64 // in the window
	completed atomic.Int64 // in the window
	errors    atomic.Int64
	timeouts  atomic.Int64
	skipped   atomic.Int64
	errSample atomic.Value // string: the first error
	pending   sync.WaitGroup
}

// Run runs one benchmark against running gateways and reports it.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	r := &run{cfg: cfg, log: cfg.Logger}
	conns := cfg.InFlight + cfg.Workers*len(cfg.Workload.JobTypes)*(cfg.MaxJobs+1) + 16
	for _, a := range cfg.Addresses {
		r.clients = append(r.clients, client.New(a, client.WithHTTPClient(newHTTPClient(&r.counts, conns))))
	}
	probe := newProbe(cfg.ServerPID, cfg.MetricsURLs)
	res := &Result{
		Workload: cfg.Workload.Name, Mode: "closed", Acquisition: "stream", InFlight: cfg.InFlight,
		Workers: cfg.Workers, PayloadBytes: cfg.PayloadBytes, Gateways: len(cfg.Addresses),
		Seconds: cfg.Duration.Seconds(), CPUs: runtime.NumCPU(),
	}
	if cfg.Rate > 0 {
		res.Mode, res.OfferedRate = "open", cfg.Rate
	}
	if cfg.Poll {
		res.Acquisition = "poll"
	}
	if probe != nil {
		res.Server.Source = probe.source()
		if _, rss, err := probe.read(ctx); err == nil {
			res.Server.IdleRSS = rss
		} else {
			r.log.Warn("cannot read the server's memory", "source", probe.source(), "err", err)
		}
	}

	if _, err := r.clients[0].Deploy(ctx, client.Resource{Name: cfg.Workload.Name + ".bpmn", Content: cfg.Workload.BPMN}); err != nil {
		return nil, fmt.Errorf("bench: deploy %s: %w", cfg.Workload.File, err)
	}
	workers, workerErrors := r.startWorkers()
	var sampler *rssSampler
	if probe != nil {
		sampler = startRSSSampler(ctx, probe, 250*time.Millisecond)
	}

	begin := time.Now()
	r.windowLo = begin.Add(cfg.Warmup)
	r.windowHi = r.windowLo.Add(cfg.Duration)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Figures at the window's edges, read by a goroutine that sleeps until
	// each edge (the starter is busy).
	var jobsLo, jobsHi int64
	var cpuLo, cpuHi, selfLo, selfHi float64
	self := procProbe{pid: os.Getpid()}
	edges := make(chan struct{})
	go func() {
		defer close(edges)
		sleepUntil(runCtx, r.windowLo)
		if runCtx.Err() != nil {
			return
		}
		jobsLo = handled(workers)
		cpuLo, selfLo = readCPU(runCtx, probe), readCPU(runCtx, self)
		sleepUntil(runCtx, r.windowHi)
		jobsHi = handled(workers)
		cpuHi, selfHi = readCPU(runCtx, probe), readCPU(runCtx, self)
	}()

	if cfg.Rate > 0 {
		r.openLoop(runCtx)
	} else {
		r.closedLoop(runCtx)
	}
	<-edges
	unfinished := r.drain()
	cancel()
	for _, w := range workers {
		w.Close()
	}
	if sampler != nil {
		res.Server.PeakRSS = sampler.finish()
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("bench: %w", ctx.Err())
	}

	secs := cfg.Duration.Seconds()
	res.Started, res.Completed = r.started.Load(), r.completed.Load()
	res.StartedPerSec, res.CompletedPerSec = float64(res.Started)/secs, float64(res.Completed)/secs
	res.JobsCompleted = jobsHi - jobsLo
	res.JobsPerSec = float64(res.JobsCompleted) / secs
	res.Latency = r.lat.summary()
	if r.cfg.Rate > 0 {
		lag := r.startLag.summary()
		res.StartLag = &lag
	}
	res.Errors, res.Timeouts, res.Unfinished = r.errors.Load(), r.timeouts.Load(), unfinished
	if s, ok := r.errSample.Load().(string); ok {
		res.ErrorSample = s
	}
	res.BackPressure = r.counts.backPressure.Load()
	res.WorkerErrors = workerErrors.Load()
	if probe != nil && cpuHi > 0 {
		res.Server.CPUSeconds = cpuHi - cpuLo
		res.Server.CPUCores = res.Server.CPUSeconds / secs
	}
	res.ClientCPUSeconds = selfHi - selfLo
	if cfg.Rate > 0 {
		r.judge(res)
	}
	res.LoadAverage = loadAverage()
	return res, nil
}

// newProbe picks how to read the server: /proc of serverPID, the
// /metrics of every URL added up, or not at all (nil).
func newProbe(serverPID int, metricsURLs []string) serverProbe {
	switch {
	case serverPID > 0:
		return procProbe{pid: serverPID}
	case len(metricsURLs) > 0:
		var sum sumProbe
		for _, u := range metricsURLs {
			sum = append(sum, metricsProbe{url: u, http: newHTTPClient(&wireCounts{}, 2)})
		}
		return sum
	}
	return nil
}

// startWorkers starts Workers job workers per job type, spread over the
// gateways. The handler completes each job at once, with no variables.
func (r *run) startWorkers() ([]*client.JobWorker, *atomic.Int64) {
	warns := &atomic.Int64{}
	logger := slog.New(warnCounter{next: r.log.Handler(), count: warns})
	var workers []*client.JobWorker
	for _, typ := range r.cfg.Workload.JobTypes {
		for i := 0; i < r.cfg.Workers; i++ {
			c := r.clients[(len(workers))%len(r.clients)]
			workers = append(workers, c.NewJobWorker(typ, func(context.Context, client.Job) (any, error) {
				return nil, nil
			}, client.WorkerOptions{
				Name: "bench-" + strconv.Itoa(len(workers)), MaxActiveJobs: r.cfg.MaxJobs,
				Timeout: time.Minute, PollOnly: r.cfg.Poll, Logger: logger,
			}))
		}
	}
	return workers, warns
}

func handled(workers []*client.JobWorker) int64 {
	var n int64
	for _, w := range workers {
		n += w.Handled()
	}
	return n
}

// closedLoop keeps InFlight instances in flight until the window ends.
func (r *run) closedLoop(ctx context.Context) {
	var wg sync.WaitGroup
	for i := 0; i < r.cfg.InFlight; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				now := time.Now()
				if !now.Before(r.windowHi) {
					return
				}
				r.pending.Add(1)
				r.inFlight.Add(1)
				r.instance(ctx, now)
			}
		}()
	}
	wg.Wait()
}

// openLoop starts Rate instances per second on a fixed schedule until the
// window ends; a start due while InFlight instances are in flight is
// skipped.
func (r *run) openLoop(ctx context.Context) {
	begin := time.Now()
	interval := time.Duration(float64(time.Second) / r.cfg.Rate)
	var issued int64
	for ctx.Err() == nil {
		// Starts 0..due-1 are scheduled at or before now; start i is
		// scheduled at begin + i*interval.
		due := int64(time.Since(begin)/interval) + 1
		for ; issued < due; issued++ {
			at := begin.Add(time.Duration(issued) * interval)
			if !at.Before(r.windowHi) {
				return
			}
			if r.inFlight.Load() >= int64(r.cfg.InFlight) {
				if r.inWindow(at) {
					r.skipped.Add(1)
				}
				continue
			}
			r.pending.Add(1)
			r.inFlight.Add(1)
			go r.instance(ctx, at)
		}
		sleepUntil(ctx, begin.Add(time.Duration(issued)*interval)) // after now: no spinning
	}
}

// instance starts one instance, scheduled at at, and waits for its
// completion. The caller has counted it in pending and inFlight.
func (r *run) instance(ctx context.Context, at time.Time) {
	defer r.pending.Done()
	defer r.inFlight.Add(-1)
	n := r.seq.Add(1)
	c := r.clients[int(n)%len(r.clients)]
	counted := r.inWindow(at)
	if counted {
		r.started.Add(1)
		if r.cfg.Rate > 0 {
			r.startLag.add(time.Since(at))
		}
	}
	pi, err := c.CreateInstanceWithResult(ctx, client.CreateInstance{
		ProcessDefinitionID: r.cfg.Workload.ProcessID, Variables: Payload(n, r.cfg.PayloadBytes),
	}, []string{"n"}, awaitTimeout)
	done := time.Now()
	if err == nil {
		err = checkAnswer(pi, n)
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return // the run ended first: counted as unfinished by drain
	case client.StatusOf(err) == 504:
		r.timeouts.Add(1)
		return
	default:
		r.errors.Add(1)
		r.errSample.CompareAndSwap(nil, err.Error())
		return
	}
	if r.inWindow(done) {
		r.completed.Add(1)
	}
	if counted {
		r.lat.add(done.Sub(at))
	}
}

// checkAnswer checks that the answer is about the instance started: its
// variable n is the one sent.
func checkAnswer(pi *client.ProcessInstance, n int64) error {
	var vars struct {
		N *int64 `json:"n"`
	}
	if err := json.Unmarshal(pi.Variables, &vars); err != nil {
		return fmt.Errorf("instance %s: result variables: %w", pi.ProcessInstanceKey, err)
	}
	if vars.N == nil || *vars.N != n {
		return fmt.Errorf("instance %s: result variable n = %v, want %d", pi.ProcessInstanceKey, vars.N, n)
	}
	return nil
}

func (r *run) inWindow(t time.Time) bool { return !t.Before(r.windowLo) && t.Before(r.windowHi) }

// drain waits up to Drain for the instances in flight; it returns how many
// did not finish.
func (r *run) drain() int64 {
	done := make(chan struct{})
	go func() { r.pending.Wait(); close(done) }()
	select {
	case <-done:
		return 0
	case <-time.After(r.cfg.Drain):
		n := r.inFlight.Load()
		r.log.Warn("instances still in flight after the drain", "count", n, "drain", r.cfg.Drain)
		return n
	}
}

// judge says whether an open-loop run kept up with its rate.
func (r *run) judge(res *Result) {
	var why []string
	if res.Skipped = r.skipped.Load(); res.Skipped > 0 {
		why = append(why, fmt.Sprintf("%d starts skipped with %d instances in flight", res.Skipped, r.cfg.InFlight))
	}
	if res.CompletedPerSec < 0.95*r.cfg.Rate {
		why = append(why, fmt.Sprintf("completed %.0f/s of %.0f/s offered", res.CompletedPerSec, r.cfg.Rate))
	}
	kept := len(why) == 0
	res.KeptUp = &kept
	res.NotKeptUpBecause = strings.Join(why, "; ")
}

func readCPU(ctx context.Context, p serverProbe) float64 {
	if p == nil {
		return 0
	}
	cpu, _, err := p.read(ctx)
	if err != nil {
		return 0
	}
	return cpu
}

func sleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-ctx.Done():
	}
}

// loadAverage is the one-minute load average, or 0.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

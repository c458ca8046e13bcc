package bench_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shoalbpm/shoal/bench"
	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/gateway"
)

// startNode runs a real node (pebble, raft, engine) behind the real
// gateway on a loopback HTTP server, with /metrics as `shoal start` serves it.
func startNode(tb testing.TB) string {
	tb.Helper()
	node, err := broker.NewNode(broker.Config{
		DataDir: tb.TempDir(), InternalBind: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond, LeaderLeaseTimeout: 100 * time.Millisecond,
	})
	if err != nil {
		tb.Fatal(err)
	}
	gw := gateway.New(node, gateway.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mux := http.NewServeMux()
	mux.Handle("/v2/", gw.Handler())
	mux.Handle("GET /metrics", promhttp.HandlerFor(node.Registry(), promhttp.HandlerOpts{}))
	srv := httptest.NewServer(mux)
	tb.Cleanup(func() {
		gw.Close()
		srv.Close()
		node.Close()
	})
	for deadline := time.Now().Add(20 * time.Second); !node.Ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatal("node not ready")
		}
	}
	return srv.URL
}

// TestRunAgainstARealNode runs the parallel workload for two seconds with
// long-polling workers, reading the server from /metrics: instances
// complete, nothing fails, the result encodes to JSON. Correctness only.
func TestRunAgainstARealNode(t *testing.T) {
	addr := startNode(t)
	w, err := bench.LoadWorkload("../testdata/bench", "parallel")
	if err != nil {
		t.Fatal(err)
	}
	// The node's gateway twice, as if it were two nodes of a cluster: load
	// and workers are spread over two clients, figures added up.
	res, err := bench.Run(t.Context(), bench.Config{
		Addresses: []string{addr, addr}, Workload: w, Duration: 2 * time.Second, Warmup: 200 * time.Millisecond,
		InFlight: 4, Workers: 2, MaxJobs: 8, Poll: true, PayloadBytes: 512,
		MetricsURLs: []string{addr + "/metrics", addr + "/metrics"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Completed == 0 || res.Latency.Count == 0 || res.JobsCompleted == 0 {
		t.Errorf("nothing measured: %+v", res)
	}
	if res.Errors+res.Timeouts+res.Unfinished+res.WorkerErrors != 0 {
		t.Errorf("errors %d (%s), timeouts %d, unfinished %d, worker errors %d",
			res.Errors, res.ErrorSample, res.Timeouts, res.Unfinished, res.WorkerErrors)
	}
	if res.StartLag != nil {
		t.Errorf("closed loop reports a start lag %+v: starts have no schedule there", *res.StartLag)
	}
	if res.Mode != "closed" || res.Acquisition != "poll" || res.Workload != "parallel" || res.Gateways != 2 {
		t.Errorf("mode %q, jobs %q, workload %q, gateways %d", res.Mode, res.Acquisition, res.Workload, res.Gateways)
	}
	// The test process is the server here: its figures are read, whatever they are.
	if res.Server.Source != "metrics" || res.Server.IdleRSS <= 0 || res.Server.PeakRSS <= 0 {
		t.Errorf("server figures %+v: want read from /metrics", res.Server)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil || back["completed_per_sec"] == nil || back["latency"] == nil {
		t.Errorf("result JSON %s: %v", b, err)
	}
}

func TestOpenLoopReportsHowLateEachStartWasSent(t *testing.T) {
	addr := startNode(t)
	w, err := bench.LoadWorkload("../testdata/bench", "one_task")
	if err != nil {
		t.Fatal(err)
	}
	res, err := bench.Run(t.Context(), bench.Config{
		Addresses: []string{addr}, Workload: w, Duration: time.Second, Warmup: 200 * time.Millisecond,
		Rate: 100, InFlight: 200, Workers: 1, MaxJobs: 8, PayloadBytes: 64,
		MetricsURLs: []string{addr + "/metrics"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != "open" || res.Started == 0 {
		t.Fatalf("mode %q, started %d: want an open loop that started instances", res.Mode, res.Started)
	}
	lag := res.StartLag
	if lag == nil {
		t.Fatal("open loop: no start lag reported")
	}
	if int64(lag.Count) != res.Started || lag.P50 < 0 || lag.P50 > lag.P99 || lag.P99 > lag.Max {
		t.Errorf("start lag %+v for %d starts: want one sample per start, ordered percentiles", *lag, res.Started)
	}
	if lag.Max > res.Latency.Max {
		t.Errorf("start lag max %.3f ms above the latency max %.3f ms, which includes it", lag.Max, res.Latency.Max)
	}
}

func TestRunRejectsABadConfig(t *testing.T) {
	_, err := bench.Run(t.Context(), bench.Config{Addresses: []string{"http://127.0.0.1:1"}})
	if err == nil {
		t.Fatal("a config without workload, duration, in-flight or workers was accepted")
	}
}

// BenchmarkOneTaskEndToEnd is one closed-loop run of one_task (push-stream
// workers, 64 instances in flight) against an in-process node, so that
// `go test -cpuprofile` profiles server and load generator together
// (`shoal start` serves no /debug/pprof). Each iteration is a 3-second run;
// it reports instances/s and latency percentiles.
func BenchmarkOneTaskEndToEnd(b *testing.B) {
	addr := startNode(b)
	w, err := bench.LoadWorkload("../testdata/bench", "one_task")
	if err != nil {
		b.Fatal(err)
	}
	var last *bench.Result
	for b.Loop() {
		res, err := bench.Run(b.Context(), bench.Config{
			Addresses: []string{addr}, Workload: w, Duration: 3 * time.Second, Warmup: time.Second,
			InFlight: 64, Workers: 2, MaxJobs: 64, PayloadBytes: 512,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			b.Fatal(err)
		}
		if res.Errors+res.Timeouts+res.Unfinished+res.WorkerErrors > 0 {
			b.Fatalf("errors in the run: %+v", res)
		}
		last = res
	}
	b.ReportMetric(last.CompletedPerSec, "instances/s")
	b.ReportMetric(last.Latency.P50, "p50-ms")
	b.ReportMetric(last.Latency.P99, "p99-ms")
}

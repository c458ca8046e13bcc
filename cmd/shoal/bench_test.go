package main

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets this test binary act as shoal itself when
// SHOAL_TEST_AS_SHOAL=1, so that `bench --embedded` (which runs its own
// executable's `start`) starts a real node from within a test.
func TestMain(m *testing.M) {
	if os.Getenv("SHOAL_TEST_AS_SHOAL") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// benchLine is the part of a bench result the test checks.
type benchLine struct {
	Workload      string `json:"workload"`
	Mode          string `json:"mode"`
	Started       int64  `json:"started"`
	Completed     int64  `json:"completed"`
	JobsCompleted int64  `json:"jobs_completed"`
	Errors        int64  `json:"errors"`
	ErrorSample   string `json:"error_sample"`
	Timeouts      int64  `json:"timeouts"`
	Unfinished    int64  `json:"unfinished"`
	WorkerErrors  int64  `json:"worker_errors"`
	KeptUp        *bool  `json:"kept_up"`
	Latency       struct {
		Count int     `json:"count"`
		P50   float64 `json:"p50_ms"`
		Max   float64 `json:"max_ms"`
	} `json:"latency"`
	Server struct {
		Source     string  `json:"source"`
		CPUSeconds float64 `json:"cpu_seconds"`
		IdleRSS    int64   `json:"idle_rss_bytes"`
		PeakRSS    int64   `json:"peak_rss_bytes"`
	} `json:"server"`
}

// TestBenchEmbedded runs `shoal bench --embedded` for two seconds per
// workload: a real node in a child process, real HTTP, the Go client. It
// checks correctness only (instances completed, no errors, well-formed
// JSON, server figures read from /proc), never speed.
func TestBenchEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node and runs load for a few seconds")
	}
	t.Setenv("SHOAL_TEST_AS_SHOAL", "1") // for the child only: TestMain has run
	run := func(args ...string) []benchLine {
		t.Helper()
		base := []string{"bench", "--embedded", "--json", "--workloads-dir", "../../testdata/bench",
			"--duration", "2s", "--warmup", "300ms", "--in-flight", "8", "--workers", "1", "--max-jobs", "16"}
		out, errOut, code := runShoal(t, append(base, args...)...)
		if code != 0 {
			t.Fatalf("bench %v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
		}
		var lines []benchLine
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var b benchLine
			if err := json.Unmarshal([]byte(l), &b); err != nil {
				t.Fatalf("bench printed a line that is not a JSON result: %q: %v", l, err)
			}
			lines = append(lines, b)
		}
		return lines
	}
	check := func(b benchLine, workload string, jobsPerInstance int64) {
		t.Helper()
		if b.Workload != workload {
			t.Errorf("workload = %q, want %q", b.Workload, workload)
		}
		if b.Completed == 0 || b.Started == 0 || b.Latency.Count == 0 {
			t.Errorf("%s: started %d, completed %d, latency samples %d: want some", workload, b.Started, b.Completed, b.Latency.Count)
		}
		if b.Errors+b.Timeouts+b.Unfinished+b.WorkerErrors != 0 {
			t.Errorf("%s: errors %d (%s), timeouts %d, unfinished %d, worker errors %d: want none",
				workload, b.Errors, b.ErrorSample, b.Timeouts, b.Unfinished, b.WorkerErrors)
		}
		// Jobs and instances are counted in the same window, but the jobs
		// of an instance in flight at an edge fall on either side: allow
		// the 8 in flight (--in-flight) and a couple more for the moment
		// between an edge and its reading.
		slack := 10 * jobsPerInstance
		if want := b.Completed * jobsPerInstance; b.JobsCompleted < want-slack || b.JobsCompleted > want+slack {
			t.Errorf("%s: %d jobs for %d instances of %d jobs each", workload, b.JobsCompleted, b.Completed, jobsPerInstance)
		}
		if b.Latency.P50 <= 0 || b.Latency.Max < b.Latency.P50 {
			t.Errorf("%s: latency p50 %v max %v", workload, b.Latency.P50, b.Latency.Max)
		}
		if b.Server.Source != "proc" || b.Server.CPUSeconds <= 0 || b.Server.IdleRSS <= 0 || b.Server.PeakRSS < b.Server.IdleRSS {
			t.Errorf("%s: server figures %+v: want read from /proc, CPU > 0, peak >= idle", workload, b.Server)
		}
	}

	profile := filepath.Join(t.TempDir(), "bench.prof")
	closed := run("--workload", "one_task,ten_tasks", "--cpuprofile", profile)
	if len(closed) != 2 {
		t.Fatalf("got %d results, want one per workload", len(closed))
	}
	checkProfile(t, profile)
	check(closed[0], "one_task", 1)
	check(closed[1], "ten_tasks", 10)
	for _, b := range closed {
		if b.Mode != "closed" || b.KeptUp != nil {
			t.Errorf("closed loop result: mode %q, kept_up %v", b.Mode, b.KeptUp)
		}
	}

	open := run("--workload", "gateway", "--rate", "40", "--poll")
	if len(open) != 1 {
		t.Fatalf("got %d results, want 1", len(open))
	}
	check(open[0], "gateway", 10)
	if open[0].Mode != "open" || open[0].KeptUp == nil {
		t.Errorf("open loop result: mode %q, kept_up %v: want open with a verdict", open[0].Mode, open[0].KeptUp)
	}
}

// checkProfile checks that path holds a CPU profile: pprof's format is a
// gzipped protocol buffer.
func checkProfile(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("--cpuprofile: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("--cpuprofile wrote %s, which is not gzipped: %v", path, err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil || n == 0 {
		t.Fatalf("--cpuprofile wrote %s: %d bytes of profile, %v", path, n, err)
	}
}

// TestBenchPark parks 200 instances on an embedded node: every one is
// created, counted active by the search API after the node restarted, and
// the memory and disk figures are read.
func TestBenchPark(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and restarts a node")
	}
	t.Setenv("SHOAL_TEST_AS_SHOAL", "1")
	out, errOut, code := runShoal(t, "bench", "--embedded", "--json", "--workloads-dir", "../../testdata/bench",
		"--park", "200", "--in-flight", "8")
	if code != 0 {
		t.Fatalf("bench --park: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var r struct {
		Mode         string `json:"mode"`
		Created      int64  `json:"created"`
		Errors       int64  `json:"errors"`
		Active       int64  `json:"active"`
		SettledRSS   int64  `json:"settled_rss_bytes"`
		DataBytes    int64  `json:"data_bytes"`
		RestartedRSS int64  `json:"restarted_rss_bytes"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &r); err != nil {
		t.Fatalf("bench --park printed %q: %v", out, err)
	}
	if r.Mode != "park" || r.Created != 200 || r.Errors != 0 || r.Active != 200 {
		t.Errorf("mode %q, created %d, errors %d, active after restart %d: want park, 200, 0, 200", r.Mode, r.Created, r.Errors, r.Active)
	}
	if r.SettledRSS <= 0 || r.DataBytes <= 0 || r.RestartedRSS <= 0 {
		t.Errorf("figures not read: %+v", r)
	}
}

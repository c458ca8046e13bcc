package bench

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestWorkloads(t *testing.T) {
	cases := []struct{ name, process string }{
		{"one_task", "bench_one_task"}, {"ten_tasks", "bench_ten_tasks"},
		{"parallel", "bench_parallel"}, {"gateway", "bench_gateway"},
	}
	for _, c := range cases {
		w, err := LoadWorkload("../testdata/bench", c.name)
		if err != nil {
			t.Fatal(err)
		}
		if w.Name != c.name || w.ProcessID != c.process || len(w.JobTypes) != 1 || w.JobTypes[0] != "bench-task" {
			t.Errorf("%s: name %q process %q job types %v", c.name, w.Name, w.ProcessID, w.JobTypes)
		}
	}
	if _, err := LoadWorkload("../testdata/bench", "no_such_workload"); err == nil || !strings.Contains(err.Error(), "no_such_workload") {
		t.Errorf("missing workload: err = %v, want one naming it", err)
	}
	if _, err := parseWorkload([]byte(`<definitions><process id="p" isExecutable="true"><serviceTask id="t"><extensionElements><taskDefinition type="=x" /></extensionElements></serviceTask></process></definitions>`)); err == nil {
		t.Error("a job type expression was accepted")
	}
}

func TestPayloadSize(t *testing.T) {
	for _, size := range []int{256, 512, 4096} {
		b, err := json.Marshal(Payload(12345, size))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < size-16 || len(b) > size+16 {
			t.Errorf("payload of %d bytes is %d bytes: %s", size, len(b), b)
		}
	}
	if p := Payload(1, 0); p["payload"] != nil || p["n"] != int64(1) {
		t.Errorf("payload 0 = %v, want n and route only", p)
	}
	if Payload(2, 0)["route"] == Payload(3, 0)["route"] {
		t.Error("route does not alternate")
	}
}

func TestLatencySummary(t *testing.T) {
	var l latencies
	for i := 100; i >= 1; i-- {
		l.add(time.Duration(i) * time.Millisecond)
	}
	s := l.summary()
	if s.Count != 100 || s.P50 != 50 || s.P90 != 90 || s.P99 != 99 || s.Max != 100 || s.Mean != 50.5 {
		t.Errorf("summary = %+v", s)
	}
	if (&latencies{}).summary() != (Latency{}) {
		t.Error("an empty summary is not zero")
	}
}

func TestParseProcessMetrics(t *testing.T) {
	text := `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
go_goroutines 40
process_resident_memory_bytes 4.2e+07
`
	cpu, rss, err := parseProcessMetrics(strings.NewReader(text))
	if err != nil || cpu != 12.5 || rss != 42_000_000 {
		t.Errorf("got %v %v %v", cpu, rss, err)
	}
	if _, _, err := parseProcessMetrics(strings.NewReader("go_goroutines 1\n")); err == nil {
		t.Error("metrics without process figures were accepted")
	}
}

func TestProcProbeReadsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	cpu, rss, err := procProbe{pid: os.Getpid()}.read(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if cpu < 0 || rss < 1<<20 {
		t.Errorf("cpu %v s, rss %d bytes: want a live process's figures", cpu, rss)
	}
}

type fixedProbe struct {
	cpu float64
	rss int64
	err error
}

func (f fixedProbe) source() string { return "metrics" }
func (f fixedProbe) read(context.Context) (float64, int64, error) {
	return f.cpu, f.rss, f.err
}

func TestSumProbeAddsUpNodes(t *testing.T) {
	s := sumProbe{fixedProbe{cpu: 1.5, rss: 10}, fixedProbe{cpu: 2, rss: 32}}
	cpu, rss, err := s.read(t.Context())
	if err != nil || cpu != 3.5 || rss != 42 {
		t.Errorf("got %v %v %v, want 3.5 42", cpu, rss, err)
	}
	s = append(s, fixedProbe{err: errors.New("node down")})
	if _, _, err := s.read(t.Context()); err == nil {
		t.Error("a node that cannot be read was left out silently")
	}
}

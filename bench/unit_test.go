package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	var p map[string]any
	if err := json.Unmarshal(Payload(1, 0), &p); err != nil || p["payload"] != nil || p["n"] != 1.0 || len(p) != 2 {
		t.Errorf("payload 0 = %v (%v), want n and route only", p, err)
	}
	var a, b struct{ Route string }
	if json.Unmarshal(Payload(2, 0), &a) != nil || json.Unmarshal(Payload(3, 0), &b) != nil || a.Route == b.Route {
		t.Error("route does not alternate")
	}
}

// payloadMap is the document Payload writes, built as a map and left to
// encoding/json (as Payload did before it wrote the bytes itself).
func payloadMap(n int64, size int) map[string]any {
	vars := map[string]any{"n": n, "route": "b"}
	if n%2 == 0 {
		vars["route"] = "a"
	}
	doc := map[string]any{
		"orderId":    fmt.Sprintf("order-%08d", n),
		"customerId": "customer-4711",
		"currency":   "EUR",
		"total":      129.95,
		"items":      []any{map[string]any{"sku": "SKU-1", "qty": 2}, map[string]any{"sku": "SKU-2", "qty": 1}},
	}
	b, _ := json.Marshal(vars)
	d, _ := json.Marshal(doc)
	used := len(b) + len(d) + len(`,"payload":`) + len(`,"note":""`)
	if pad := size - used; pad > 0 {
		doc["note"] = strings.Repeat("x", pad)
	} else if size < used-len(d) {
		return vars
	}
	vars["payload"] = doc
	return vars
}

func TestPayloadIsTheDocumentEncodingJSONWrites(t *testing.T) {
	for _, n := range []int64{1, 2, 12345, 123456789} {
		for _, size := range []int{0, 30, 150, 170, 256, 512, 4096} {
			want, _ := json.Marshal(payloadMap(n, size))
			if got := Payload(n, size); string(got) != string(want) {
				t.Errorf("Payload(%d, %d):\n got %s\nwant %s", n, size, got, want)
			}
		}
	}
}

func BenchmarkPayload(b *testing.B) {
	b.Run("map+encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for i := int64(0); b.Loop(); i++ {
			if _, err := json.Marshal(payloadMap(i, 512)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("written", func(b *testing.B) {
		b.ReportAllocs()
		for i := int64(0); b.Loop(); i++ {
			Payload(i, 512)
		}
	})
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

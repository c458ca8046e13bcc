package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ServerStats is what the load generator could read about the server.
type ServerStats struct {
	Source string `json:"source"` // "proc" (/proc/<pid>), "metrics" (/metrics) or "" (none)
	// CPUSeconds is the server's CPU time (user + system) during the
	// measured window.
	CPUSeconds float64 `json:"cpu_seconds"`
	// CPUCores is CPUSeconds per second of the window.
	CPUCores float64 `json:"cpu_cores"`
	// IdleRSS is the resident memory before the workload was deployed.
	IdleRSS int64 `json:"idle_rss_bytes"`
	// PeakRSS is the highest resident memory sampled during the run.
	PeakRSS int64 `json:"peak_rss_bytes"`
}

// serverProbe reads a server's CPU time and resident memory.
type serverProbe interface {
	read(ctx context.Context) (cpuSeconds float64, rssBytes int64, err error)
	source() string
}

// procProbe reads /proc/<pid> (Linux).
type procProbe struct{ pid int }

func (p procProbe) source() string { return "proc" }

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux architecture Go supports.
const clockTicks = 100

func (p procProbe) read(context.Context) (float64, int64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name (field 2) may hold spaces: count fields after ')'.
	s := string(stat)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: unexpected format", p.pid)
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 22 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %d fields", p.pid, len(f))
	}
	// f[0] is field 3 (state): utime is field 14, stime 15, rss (pages) 24.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	pages, err3 := strconv.ParseInt(f[21], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %w", p.pid, err)
	}
	return float64(utime+stime) / clockTicks, pages * int64(os.Getpagesize()), nil
}

// metricsProbe reads Prometheus text from a node's /metrics.
type metricsProbe struct {
	url  string
	http *http.Client
}

func (m metricsProbe) source() string { return "metrics" }

func (m metricsProbe) read(ctx context.Context) (float64, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.url, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := m.http.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET %s: %s", m.url, resp.Status)
	}
	return parseProcessMetrics(resp.Body)
}

// parseProcessMetrics finds process_cpu_seconds_total and
// process_resident_memory_bytes in Prometheus text.
func parseProcessMetrics(r io.Reader) (float64, int64, error) {
	var cpu, rss float64
	var haveCPU, haveRSS bool
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_cpu_seconds_total":
			cpu, haveCPU = v, true
		case "process_resident_memory_bytes":
			rss, haveRSS = v, true
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if !haveCPU || !haveRSS {
		return 0, 0, errors.New("/metrics has no process_cpu_seconds_total or process_resident_memory_bytes")
	}
	return cpu, int64(rss), nil
}

// sumProbe adds up the figures of several servers (the nodes of a
// cluster); it fails if any of them cannot be read.
type sumProbe []serverProbe

func (s sumProbe) source() string { return s[0].source() }

func (s sumProbe) read(ctx context.Context) (float64, int64, error) {
	var cpu float64
	var rss int64
	for _, p := range s {
		c, r, err := p.read(ctx)
		if err != nil {
			return 0, 0, err
		}
		cpu, rss = cpu+c, rss+r
	}
	return cpu, rss, nil
}

// rssSampler samples a probe's memory until stopped, keeping the peak.
type rssSampler struct {
	probe serverProbe
	stop  chan struct{}
	done  chan struct{}
	mu    sync.Mutex
	peak  int64
}

func startRSSSampler(ctx context.Context, p serverProbe, every time.Duration) *rssSampler {
	s := &rssSampler{probe: p, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if _, rss, err := p.read(ctx); err == nil {
				s.mu.Lock()
				s.peak = max(s.peak, rss)
				s.mu.Unlock()
			}
			select {
			case <-t.C:
			case <-s.stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return s
}

// finish stops sampling and returns the peak.
func (s *rssSampler) finish() int64 {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

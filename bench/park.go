package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoalbpm/shoal/gateway/client"
)

// ParkConfig is a parking run: start Instances instances of a workload and
// leave them waiting (no job worker), to measure what waiting instances
// cost the server in memory and on disk.
type ParkConfig struct {
	Addresses    []string
	Workload     *Workload
	Instances    int
	InFlight     int // creations in flight at once
	PayloadBytes int
	// Settle is how long to wait after the last creation before the
	// memory is read (exporters catch up, the Go heap settles).
	Settle time.Duration
	// ServerPID / MetricsURLs: see Config.
	ServerPID   int
	MetricsURLs []string
	// Node, if set, is the embedded node parked on: its data directory is
	// measured, and it is restarted to show that the instances live on
	// disk, not in memory.
	Node   *Embedded
	Logger *slog.Logger
}

// ParkResult is what a parking run measured.
type ParkResult struct {
	Workload      string  `json:"workload"`
	Mode          string  `json:"mode"` // "park"
	Instances     int     `json:"instances"`
	PayloadBytes  int     `json:"payload_bytes"`
	Created       int64   `json:"created"`
	Errors        int64   `json:"errors"`
	ErrorSample   string  `json:"error_sample,omitempty"`
	BackPressure  int64   `json:"back_pressure"`
	CreateSeconds float64 `json:"create_seconds"`
	CreatePerSec  float64 `json:"created_per_sec"`
	// Active is the number of active instances of the workload's process
	// the server's search API reports after the run (after the restart
	// with a Node).
	Active int64 `json:"active"`

	IdleRSS    int64 `json:"idle_rss_bytes"`
	PeakRSS    int64 `json:"peak_rss_bytes"`
	SettledRSS int64 `json:"settled_rss_bytes"`
	// DataBytes is the size of the node's data directory (Node only).
	DataBytes int64 `json:"data_bytes,omitempty"`
	// RestartedRSS is the node's memory once restarted with every instance
	// still waiting, and RestartSeconds how long it took to be ready (Node
	// only).
	RestartedRSS   int64   `json:"restarted_rss_bytes,omitempty"`
	RestartSeconds float64 `json:"restart_seconds,omitempty"`

	LoadAverage float64 `json:"load_average"`
	CPUs        int     `json:"cpus"`
}

// Park runs a parking run.
func Park(ctx context.Context, cfg ParkConfig) (*ParkResult, error) {
	if len(cfg.Addresses) == 0 || cfg.Workload == nil || cfg.Instances <= 0 || cfg.InFlight <= 0 {
		return nil, errors.New("bench: park needs a gateway, a workload, instances > 0 and in-flight > 0")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	var counts wireCounts
	var clients []*client.Client
	for _, a := range cfg.Addresses {
		clients = append(clients, client.New(a, client.WithHTTPClient(newHTTPClient(&counts, cfg.InFlight+4))))
	}
	res := &ParkResult{Workload: cfg.Workload.Name, Mode: "park", Instances: cfg.Instances, PayloadBytes: cfg.PayloadBytes, CPUs: runtime.NumCPU()}
	probe := newProbe(cfg.ServerPID, cfg.MetricsURLs)
	if probe == nil {
		return nil, errors.New("bench: park needs the server's memory: give --server-pid or gateways with /metrics")
	}
	if _, rss, err := probe.read(ctx); err == nil {
		res.IdleRSS = rss
	}
	if _, err := clients[0].Deploy(ctx, client.Resource{Name: cfg.Workload.Name + ".bpmn", Content: cfg.Workload.BPMN}); err != nil {
		return nil, fmt.Errorf("bench: deploy %s: %w", cfg.Workload.File, err)
	}
	sampler := startRSSSampler(ctx, probe, 250*time.Millisecond)
	begin := time.Now()
	created, errs, sample := createParked(ctx, clients, cfg)
	res.CreateSeconds = time.Since(begin).Seconds()
	res.Created, res.Errors, res.ErrorSample = created, errs, sample
	res.CreatePerSec = float64(created) / res.CreateSeconds
	res.BackPressure = counts.backPressure.Load()
	sleepUntil(ctx, time.Now().Add(cfg.Settle))
	res.PeakRSS = sampler.finish()
	if _, rss, err := probe.read(ctx); err == nil {
		res.SettledRSS = rss
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("bench: %w", ctx.Err())
	}
	if cfg.Node != nil {
		res.DataBytes = dirSize(cfg.Node.dataDir)
		start := time.Now()
		if err := cfg.Node.Restart(ctx); err != nil {
			return nil, fmt.Errorf("bench: park: %w", err)
		}
		res.RestartSeconds = time.Since(start).Seconds()
		sleepUntil(ctx, time.Now().Add(cfg.Settle))
		if _, rss, err := (procProbe{pid: cfg.Node.PID}).read(ctx); err == nil {
			res.RestartedRSS = rss
		}
		clients[0] = client.New(cfg.Node.Address)
	}
	active, err := countActive(ctx, cfg.Addresses[0], cfg.Node, cfg.Workload.ProcessID, created)
	if err != nil {
		return nil, fmt.Errorf("bench: park: %w", err)
	}
	res.Active = active
	res.LoadAverage = loadAverage()
	return res, nil
}

// createParked creates the instances, InFlight at a time.
func createParked(ctx context.Context, clients []*client.Client, cfg ParkConfig) (created, errs int64, sample string) {
	var next, ok, failed atomic.Int64
	var first sync.Once
	var wg sync.WaitGroup
	for w := range cfg.InFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clients[w%len(clients)]
			for ctx.Err() == nil {
				n := next.Add(1)
				if n > int64(cfg.Instances) {
					return
				}
				_, err := c.CreateInstance(ctx, client.CreateInstance{
					ProcessDefinitionID: cfg.Workload.ProcessID, Variables: Payload(n, cfg.PayloadBytes),
				})
				if err != nil {
					failed.Add(1)
					first.Do(func() { sample = err.Error() })
					continue
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	return ok.Load(), failed.Load(), sample
}

// countActive asks the search API how many instances of the process are
// active, waiting (up to a minute) for the read model to count want of
// them: it is filled by an exporter, a little behind the engine.
func countActive(ctx context.Context, address string, node *Embedded, processID string, want int64) (int64, error) {
	if node != nil {
		address = node.Address
	}
	body, _ := json.Marshal(map[string]any{
		"filter": map[string]any{"processDefinitionId": processID, "state": "ACTIVE"},
		"page":   map[string]any{"limit": 1},
	})
	deadline := time.Now().Add(time.Minute)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, withSlash(address)+"v2/process-instances/search", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, fmt.Errorf("search active instances: %w", err)
		}
		var page struct {
			Page struct {
				TotalItems int64 `json:"totalItems"`
			} `json:"page"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return 0, fmt.Errorf("search active instances: %s: %w", resp.Status, err)
		}
		if page.Page.TotalItems >= want || time.Now().After(deadline) {
			return page.Page.TotalItems, nil
		}
		sleepUntil(ctx, time.Now().Add(500*time.Millisecond))
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
}

func withSlash(a string) string {
	if len(a) > 0 && a[len(a)-1] == '/' {
		return a
	}
	return a + "/"
}

// dirSize adds up the sizes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

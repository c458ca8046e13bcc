package bench

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config is one benchmark run.
type Config struct {
	// Addresses are the gateways to use ("http://host:8080"); instances and
	// workers are spread over them round-robin.
	Addresses []string
	Workload  *Workload
	// Duration is how long the measured window lasts; Warmup runs before it
	// and is not counted.
	Duration time.Duration
	Warmup   time.Duration
	// Rate > 0 is the open loop: starts per second on a fixed schedule,
	// with at most InFlight instances in flight (a start due while InFlight
	// are in flight is skipped and counted: the run did not keep up).
	// Rate == 0 is the closed loop: InFlight instances always in flight.
	Rate     float64
	InFlight int
	// Workers is how many JobWorkers work on each job type; each holds
	// MaxJobs jobs at once.
	Workers int
	MaxJobs int
	// Poll makes the workers long-poll instead of using the push stream.
	Poll bool
	// PayloadBytes is the size of the JSON variables of each instance.
	PayloadBytes int
	// Drain bounds the wait for the instances in flight after the window.
	Drain time.Duration
	// ServerPID, if > 0, is read from /proc; otherwise MetricsURLs (if
	// any) are read, and their figures added up (the nodes of a cluster).
	// Neither: no server figures.
	ServerPID   int
	MetricsURLs []string
	// Logger receives progress and the workers' logs; default slog.Default().
	Logger *slog.Logger
}

func (c *Config) check() error {
	var errs []error
	if len(c.Addresses) == 0 {
		errs = append(errs, errors.New("no gateway address"))
	}
	if c.Workload == nil {
		errs = append(errs, errors.New("no workload"))
	}
	if c.Duration <= 0 {
		errs = append(errs, fmt.Errorf("duration %v: want > 0", c.Duration))
	}
	if c.Rate < 0 {
		errs = append(errs, fmt.Errorf("rate %v: want >= 0 (0: closed loop)", c.Rate))
	}
	if c.InFlight <= 0 {
		errs = append(errs, fmt.Errorf("in-flight %d: want > 0", c.InFlight))
	}
	if c.Workers <= 0 || c.MaxJobs <= 0 {
		errs = append(errs, fmt.Errorf("workers %d with max jobs %d: want both > 0", c.Workers, c.MaxJobs))
	}
	if c.PayloadBytes < 0 {
		errs = append(errs, fmt.Errorf("payload bytes %d: want >= 0", c.PayloadBytes))
	}
	if c.Drain <= 0 {
		c.Drain = 10 * time.Second
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return errors.Join(errs...)
}

// Result is what one run measured. Rates are per second of the measured
// window.
type Result struct {
	Workload     string  `json:"workload"`
	Mode         string  `json:"mode"` // "closed" or "open"
	Acquisition  string  `json:"jobs"` // "stream" or "poll"
	OfferedRate  float64 `json:"offered_rate,omitempty"`
	InFlight     int     `json:"in_flight"`
	Workers      int     `json:"workers_per_type"`
	PayloadBytes int     `json:"payload_bytes"`
	Gateways     int     `json:"gateways"`
	Seconds      float64 `json:"seconds"`

	Started         int64   `json:"started"`
	Completed       int64   `json:"completed"`
	StartedPerSec   float64 `json:"started_per_sec"`
	CompletedPerSec float64 `json:"completed_per_sec"`
	JobsCompleted   int64   `json:"jobs_completed"`
	JobsPerSec      float64 `json:"jobs_per_sec"`
	Latency         Latency `json:"latency"`
	// StartLag (open loop only) is how late the load generator sent each
	// start after its scheduled time. It is part of every latency above
	// (counted from the schedule, so a slow generator cannot hide a slow
	// server); on a machine the server shares, it is mostly the generator
	// waiting for a core.
	StartLag     *Latency `json:"start_lag,omitempty"`
	Errors       int64    `json:"errors"`
	ErrorSample  string   `json:"error_sample,omitempty"`
	Timeouts     int64    `json:"timeouts"`
	Unfinished   int64    `json:"unfinished"`
	BackPressure int64    `json:"back_pressure"`
	WorkerErrors int64    `json:"worker_errors"`
	Skipped      int64    `json:"skipped_starts,omitempty"`
	// KeptUp (open loop only) says whether the run kept up with its rate.
	KeptUp           *bool  `json:"kept_up,omitempty"`
	NotKeptUpBecause string `json:"not_kept_up_because,omitempty"`

	Server ServerStats `json:"server"`
	// ClientCPUSeconds is the load generator's own CPU time in the window
	// (it shares the machine with the server when both run here).
	ClientCPUSeconds float64 `json:"client_cpu_seconds"`
	// LoadAverage is the one-minute load average of this machine at the
	// end of the run (from /proc/loadavg; 0 where unknown): a figure
	// measured on a busy machine is a lower bound.
	LoadAverage float64 `json:"load_average"`
	CPUs        int     `json:"cpus"`
}

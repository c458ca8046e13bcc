package jobstream

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/command"
)

// Request describes the jobs a worker wants and how it takes them.
type Request struct {
	Type   string
	Worker string
	// Timeout is how long an activated job stays with the worker.
	Timeout time.Duration
	// FetchVariables names the variables to fetch; empty means all.
	FetchVariables []string
	TenantIDs      []string
}

// Job is one activated job.
type Job struct {
	Key int64
	record.JobRecord
}

// submitTimeout bounds one activation or yield command. Activation commands
// are not tied to the HTTP request's context: a client that goes away while
// its command is in flight must not leave activated jobs behind unseen.
const submitTimeout = 10 * time.Second

// recheckInterval is how often a parked activation or an idle stream asks
// the partitions again without being woken. WatchJobs sees only the
// partitions replicated on this node and a notification can be missed
// across a leader change; this bounds how late such a job is pushed. It is
// a safety net, not the mechanism: it costs one command per partition every
// few seconds per waiting worker.
const recheckInterval = 5 * time.Second

// Hub activates jobs for long polls and streams, and tracks which stream
// holds which job.
type Hub struct {
	cluster broker.Cluster
	log     *slog.Logger
	rr      atomic.Uint32
	recheck time.Duration

	mu      sync.Mutex
	holders map[int64]*Stream // job key -> the stream holding it
	streams map[*Stream]struct{}
	closed  chan struct{}
	once    sync.Once
}

// NewHub returns a hub activating jobs on cluster.
func NewHub(cluster broker.Cluster, log *slog.Logger) *Hub {
	return &Hub{
		cluster: cluster,
		log:     log.With("component", "jobstream"),
		holders: make(map[int64]*Stream),
		streams: make(map[*Stream]struct{}),
		closed:  make(chan struct{}),
		recheck: recheckInterval,
	}
}

// Close wakes every parked activation and stream; streams then yield the
// jobs they hold as their servers close them.
func (h *Hub) Close() { h.once.Do(func() { close(h.closed) }) }

// Release gives back the credit of jobKey to the stream holding it, if any.
// The gateway calls it when a job is completed, failed or errored, or when
// the engine says the job no longer exists.
func (h *Hub) Release(jobKey int64) {
	h.mu.Lock()
	s := h.holders[jobKey]
	delete(h.holders, jobKey)
	h.mu.Unlock()
	if s != nil {
		s.release(jobKey)
	}
}

// Extend moves the deadline of a held job (its timeout was updated).
func (h *Hub) Extend(jobKey int64, deadline time.Time) {
	h.mu.Lock()
	s := h.holders[jobKey]
	h.mu.Unlock()
	if s == nil {
		return
	}
	s.mu.Lock()
	if _, ok := s.held[jobKey]; ok {
		s.held[jobKey] = deadline
	}
	s.mu.Unlock()
}

// forget removes s as the holder of keys. (Stream and hub locks are never
// held together.)
func (h *Hub) forget(s *Stream, keys []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, key := range keys {
		if h.holders[key] == s {
			delete(h.holders, key)
		}
	}
}

// Streams returns the number of open streams (for metrics and tests).
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.streams)
}

// activateOnce asks the partitions for up to max jobs, each partition in
// turn until max is reached. It fails only when every partition failed.
func (h *Hub) activateOnce(req Request, max int) ([]Job, error) {
	count := h.cluster.Topology().PartitionsCount
	if count <= 0 {
		count = 1
	}
	start := h.rr.Add(1)
	var (
		jobs     []Job
		firstErr error
		failed   int32
	)
	for i := int32(0); i < count && len(jobs) < max; i++ {
		p := int32((start+uint32(i))%uint32(count)) + 1
		got, err := h.activateOn(p, req, max-len(jobs))
		if err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
			h.log.Debug("activate jobs", "partition", p, "type", req.Type, "error", err)
			continue
		}
		jobs = append(jobs, got...)
	}
	if len(jobs) == 0 && failed == count {
		return nil, firstErr
	}
	return jobs, nil
}

// activateOn sends one JOB_BATCH ACTIVATE to partition p.
func (h *Hub) activateOn(p int32, req Request, max int) ([]Job, error) {
	ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
	defer cancel()
	batch := &record.JobBatchRecord{
		Type:              req.Type,
		Worker:            req.Worker,
		Timeout:           req.Timeout.Milliseconds(),
		MaxJobsToActivate: int32(max),
		Variables:         req.FetchVariables,
		TenantIDs:         req.TenantIDs,
	}
	answer, err := command.Submit(ctx, h.cluster, p, record.JobBatch, record.Activate, -1, batch)
	if err != nil {
		return nil, err
	}
	got, ok := answer.Value.(*record.JobBatchRecord)
	if !ok {
		return nil, errors.New("jobstream: JOB_BATCH answer without a job batch value")
	}
	jobs := make([]Job, 0, len(got.Jobs))
	for i, j := range got.Jobs {
		if i >= len(got.JobKeys) {
			break
		}
		jobs = append(jobs, Job{Key: got.JobKeys[i], JobRecord: j})
	}
	return jobs, nil
}

// Yield hands jobs back: they are activatable again at once.
func (h *Hub) Yield(jobs []int64) {
	for _, key := range jobs {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		_, err := command.Submit(ctx, h.cluster, record.PartitionOf(key), record.Job, record.Yield, key, &record.JobRecord{})
		cancel()
		var rej *command.Rejection
		if err != nil && !errors.As(err, &rej) {
			// Not lost: the job times out and is activatable again then.
			h.log.Warn("yield job", "key", key, "error", err)
		}
	}
}

// Activate is one long-polling activation: it returns as soon as at least
// one job was activated, or with none once wait has passed (wait <= 0:
// answer at once). If ctx ends after jobs were activated, they are yielded
// back rather than lost.
func (h *Hub) Activate(ctx context.Context, req Request, max int, wait time.Duration) ([]Job, error) {
	var (
		watch   <-chan struct{}
		timer   <-chan time.Time
		recheck <-chan time.Time
	)
	if wait > 0 {
		w, stop := h.cluster.WatchJobs(req.Type)
		defer stop()
		watch = w
		t := time.NewTimer(wait)
		defer t.Stop()
		timer = t.C
		tick := time.NewTicker(h.recheck)
		defer tick.Stop()
		recheck = tick.C
	}
	for {
		jobs, err := h.activateOnce(req, max)
		if err != nil {
			return nil, err
		}
		if len(jobs) > 0 {
			if ctx.Err() != nil {
				h.Yield(keysOf(jobs))
				return nil, ctx.Err()
			}
			return jobs, nil
		}
		if wait <= 0 {
			return nil, nil
		}
		select {
		case <-watch:
		case <-recheck:
		case <-timer:
			return nil, nil
		case <-h.closed:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func keysOf(jobs []Job) []int64 {
	keys := make([]int64, len(jobs))
	for i, j := range jobs {
		keys[i] = j.Key
	}
	return keys
}

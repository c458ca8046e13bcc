package exporter

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoalbpm/shoal/broker/recordlog"
	"github.com/shoalbpm/shoal/engine/record"
)

// Exporter receives the records of a node's partitions. Position and Export
// are called from one goroutine per partition; calls for different
// partitions may run concurrently.
type Exporter interface {
	// Position returns the position of the last record of partition that
	// the exporter has durably exported, or -1 if none.
	Position(partitionID int32) (int64, error)
	// Export takes the next records of partition, in position order. When
	// it returns nil the records are durable and Position reports the last
	// one; on an error none of them counts as exported.
	Export(partitionID int32, recs []record.Record) error
}

// Source is one partition's record log.
type Source struct {
	PartitionID int32
	Log         *recordlog.Log
}

// Config tunes a Runner. Zero values take the defaults in brackets.
type Config struct {
	BatchSize    int           // records per Export call [1024]
	PollInterval time.Duration // how long to wait for more records after reading some [5ms]
	IdleInterval time.Duration // how often a log with nothing new is checked when no commit wakes the runner [1s]
	MaxBackoff   time.Duration // longest wait between retries of a failed Export [5s]
	Logger       *slog.Logger  // [discard]
}

func (c *Config) setDefaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 1024
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 5 * time.Millisecond
	}
	if c.IdleInterval <= 0 {
		c.IdleInterval = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Runner feeds one exporter from the record logs of a node's partitions.
type Runner struct {
	cfg      Config
	exp      Exporter
	parts    map[int32]*runPartition
	cancel   context.CancelFunc
	done     sync.WaitGroup
	stopOnce sync.Once
}

type runPartition struct {
	src      Source
	exported atomic.Int64
	wake     chan struct{} // Notify
	commits  chan struct{} // the log committed records (recordlog.Log.Subscribe)
}

// Start reads each source's exporter position and starts one goroutine per
// partition. Stop ends them.
func Start(exp Exporter, sources []Source, cfg Config) (*Runner, error) {
	cfg.setDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{cfg: cfg, exp: exp, parts: make(map[int32]*runPartition), cancel: cancel}
	for _, s := range sources {
		pos, err := exp.Position(s.PartitionID)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("exporter: position of partition %d: %w", s.PartitionID, err)
		}
		p := &runPartition{src: s, wake: make(chan struct{}, 1), commits: make(chan struct{}, 1)}
		if s.Log != nil {
			s.Log.Subscribe(p.commits)
		}
		p.exported.Store(pos)
		r.parts[s.PartitionID] = p
	}
	for _, p := range r.parts {
		r.done.Add(1)
		go r.run(ctx, p)
	}
	return r, nil
}

// Notify wakes the partition's goroutine at once (e.g. after an apply),
// instead of at its next poll.
func (r *Runner) Notify(partitionID int32) {
	if p := r.parts[partitionID]; p != nil {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// Exported returns the position of the last record of partition that the
// exporter has durably exported (-1: none); ok is false for a partition
// the runner does not run.
func (r *Runner) Exported(partitionID int32) (pos int64, ok bool) {
	p := r.parts[partitionID]
	if p == nil {
		return 0, false
	}
	return p.exported.Load(), true
}

// Stop ends the goroutines and waits for them; an Export in progress
// finishes first.
func (r *Runner) Stop() {
	r.stopOnce.Do(func() {
		r.cancel()
		r.done.Wait()
	})
}

func (r *Runner) run(ctx context.Context, p *runPartition) {
	defer r.done.Done()
	logger := r.cfg.Logger.With("partition", p.src.PartitionID)
	backoff := time.Duration(0)
	batch := make([]record.Record, 0, r.cfg.BatchSize)
	for {
		batch = batch[:0]
		from := p.exported.Load() + 1
		err := p.src.Log.Read(from, func(rec record.Record) bool {
			batch = append(batch, rec)
			return len(batch) < r.cfg.BatchSize
		})
		if err == nil && len(batch) > 0 {
			if first := batch[0].Position; first > max(from, 1) {
				// Positions are dense from 1: the records in between were
				// trimmed (or replaced by a snapshot of a trimmed log)
				// before this exporter saw them. Nothing can bring them back.
				logger.Warn("records trimmed before they were exported", "from", from, "first", first)
			}
			if batch[0].Position < from {
				err = fmt.Errorf("exporter: log returned position %d below %d", batch[0].Position, from)
			} else {
				err = r.exp.Export(p.src.PartitionID, batch)
			}
		}
		if err != nil {
			backoff = min(max(2*backoff, 10*time.Millisecond), r.cfg.MaxBackoff)
			logger.Error("export failed; retrying", "position", from, "retryIn", backoff, "err", err)
			if !sleep(ctx, backoff, nil, nil) {
				return
			}
			continue
		}
		backoff = 0
		if n := len(batch); n > 0 {
			p.exported.Store(batch[n-1].Position)
			if n == r.cfg.BatchSize {
				if ctx.Err() != nil {
					return
				}
				continue // a backlog: read on at once
			}
		}
		// After records, wait a little for more (larger batches; the log's
		// commits are not awaited then). With nothing new, sleep until the
		// log commits something (Subscribe) or Notify is called.
		wait, commits := r.cfg.PollInterval, (<-chan struct{})(nil)
		if len(batch) == 0 {
			wait, commits = r.cfg.IdleInterval, p.commits
		}
		if !sleep(ctx, wait, p.wake, commits) {
			return
		}
	}
}

// sleep waits for d, a value on either channel (nil: never) or the end of
// ctx; false means ctx ended.
func sleep(ctx context.Context, d time.Duration, wake, also <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-wake:
		return true
	case <-also:
		return true
	case <-ctx.Done():
		return false
	}
}

package partition

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/broker/recordlog"
	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Engine is what a partition needs from the engine; *engine.Engine
// implements it. It is used by one goroutine at a time: the FSM holds
// engineMu around every call.
type Engine interface {
	// ProcessWithOffers runs the commands of one entry with the push
	// offers the leader attached to it (nil for most entries).
	ProcessWithOffers(kv state.KV, cmds []record.Record, offers []engine.PushOffer) (engine.Result, error)
	DueCommands(kv state.KV, now int64, limit int) ([]record.Record, error)
	NextDueTime(kv state.KV) (at int64, ok bool, err error)
	PendingOutbound(kv state.KV) ([]engine.Outbound, error)
}

// ErrStopped is returned for entries reaching a partition whose apply has
// stopped after a failure; the partition is unhealthy until restarted.
var ErrStopped = errors.New("broker: partition apply stopped")

// applied is what one ApplyBatch produced, for the leader's side effects.
type applied struct {
	index         uint64
	responses     []engine.Response
	jobsAvailable []string
	outbound      []engine.Outbound // commands for other partitions
	pushes        []entryPushes     // jobs activated for push offers, by entry
	nextDue       int64             // earliest due time scheduled (ms, 0: none)
	records       int
	events        map[eventKind]int // for the events_total metric
	took          time.Duration
}

// eventKind labels the events_total metric.
type eventKind struct {
	valueType record.ValueType
	intent    record.Intent
}

// fsm is the partition's raft state machine. raft calls Apply, ApplyBatch,
// Snapshot and Restore from its FSM goroutine, one at a time; Persist runs
// concurrently with later applies (it reads a pebble snapshot).
type fsm struct {
	data      *storage.Partition
	log       *recordlog.Log
	newEngine func() (Engine, error)
	logger    *slog.Logger
	// onApplied runs on the FSM goroutine after each committed batch.
	onApplied func(applied)

	engineMu sync.Mutex // guards engine (the scheduler uses it too)
	engine   Engine

	appliedIndex uint64 // last raft index in pebble; FSM goroutine only
	restores     atomic.Int64
	failed       error // set once apply fails: nothing more is applied
	failedMu     sync.Mutex
}

var (
	_ raft.FSM         = (*fsm)(nil)
	_ raft.BatchingFSM = (*fsm)(nil)
)

func newFSM(data *storage.Partition, newEngine func() (Engine, error), logger *slog.Logger, onApplied func(applied)) (*fsm, error) {
	eng, err := newEngine()
	if err != nil {
		return nil, fmt.Errorf("new engine: %w", err)
	}
	idx, err := data.Applied()
	if err != nil {
		return nil, err
	}
	return &fsm{
		data: data, log: recordlog.New(data.DB().Pebble(), data.RecordPrefix()),
		newEngine: newEngine, logger: logger, onApplied: onApplied,
		engine: eng, appliedIndex: idx,
	}, nil
}

// Apply applies one entry (raft uses ApplyBatch; this is for completeness).
func (f *fsm) Apply(l *raft.Log) interface{} { return f.ApplyBatch([]*raft.Log{l})[0] }

// ApplyBatch runs the engine on the commands of the entries above the applied
// index and commits records, state and the new applied index in one pebble
// batch. An entry that cannot be decoded or processed stops the
// partition's apply: skipping it would make this replica diverge.
func (f *fsm) ApplyBatch(logs []*raft.Log) []interface{} {
	resps := make([]interface{}, len(logs))
	if err := f.stopped(); err != nil {
		for i := range resps {
			resps[i] = err
		}
		return resps
	}
	start := time.Now()
	out, err := f.applyLogs(logs)
	if err != nil {
		return f.stop(resps, err)
	}
	if out.index != 0 {
		out.took = time.Since(start)
		f.onApplied(out) // after the engine lock is released
	}
	return resps
}

// applyLogs processes the entries and commits them; out.index is 0 when
// there was nothing new to apply.
func (f *fsm) applyLogs(logs []*raft.Log) (applied, error) {
	f.engineMu.Lock()
	defer f.engineMu.Unlock()
	b := f.data.NewBatch()
	defer b.Close()
	defer f.log.Discard() // the records of a batch not committed (after Committed: none)
	out := applied{index: f.appliedIndex, events: map[eventKind]int{}}
	for _, l := range logs {
		if l.Index <= f.appliedIndex {
			continue // already in pebble before a restart (etcd consistent index)
		}
		out.index = l.Index
		if l.Type != raft.LogCommand {
			continue
		}
		if err := f.applyEntry(b, l, &out); err != nil {
			return applied{}, fmt.Errorf("apply entry %d: %w", l.Index, err)
		}
	}
	if out.index == f.appliedIndex {
		return applied{}, nil
	}
	if err := b.SetApplied(out.index); err != nil {
		return applied{}, err
	}
	// No fsync here: the entries are synced in the raft log, and after a
	// power loss the entries above the durable applied index are applied
	// again from it (deterministically, to the same state). Snapshot syncs
	// first, so the log is never compacted past durable state.
	if err := b.CommitNoSync(); err != nil {
		return applied{}, err
	}
	f.log.Committed()
	f.appliedIndex = out.index
	return out, nil
}

func (f *fsm) applyEntry(b *storage.Batch, l *raft.Log, out *applied) error {
	e, skip, err := readEntry(l.Data)
	if err != nil || skip {
		return err
	}
	res, err := f.engine.ProcessWithOffers(b.KV(), e.cmds, e.offers)
	if err != nil {
		return err
	}
	if len(e.offers) > 0 {
		out.pushes = append(out.pushes, entryPushes{ref: e.ref, jobs: res.Pushed})
	}
	if err := f.log.Append(b.Pebble(), res.Records); err != nil {
		return err
	}
	out.responses = append(out.responses, res.Responses...)
	out.jobsAvailable = append(out.jobsAvailable, res.JobsAvailable...)
	out.outbound = append(out.outbound, res.Outbound...)
	if res.NextDue > 0 && (out.nextDue == 0 || res.NextDue < out.nextDue) {
		out.nextDue = res.NextDue
	}
	out.records += len(res.Records)
	for i := range res.Records {
		if r := &res.Records[i]; r.RecordType == record.Event {
			out.events[eventKind{r.ValueType, r.Intent}]++
		}
	}
	return nil
}

// stop marks the apply as failed, logs why, and answers every entry of the
// batch with the error. Nothing of the batch was committed.
func (f *fsm) stop(resps []interface{}, err error) []interface{} {
	f.failedMu.Lock()
	f.failed = fmt.Errorf("%w: %v", ErrStopped, err)
	f.failedMu.Unlock()
	f.logger.Error("partition apply stopped", "appliedIndex", f.appliedIndex, "err", err)
	for i := range resps {
		resps[i] = f.failed
	}
	return resps
}

// stopped returns the failure that stopped the apply, or nil.
func (f *fsm) stopped() error {
	f.failedMu.Lock()
	defer f.failedMu.Unlock()
	return f.failed
}

// Snapshot captures a pebble snapshot of the partition's data; Persist does
// the I/O (raft fsm.go: "Snapshot should only capture a pointer").
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	if err := f.stopped(); err != nil {
		// The data lags the index raft would record: never let raft
		// compact the log on the strength of it.
		return nil, err
	}
	// Make the applied state durable before raft may compact the log on the
	// strength of this snapshot.
	if err := f.data.Sync(); err != nil {
		return nil, err
	}
	return &fsmSnapshot{snap: f.data.Snapshot(), logger: f.logger, index: f.appliedIndex}, nil
}

// Restore replaces the partition's data with a snapshot (a lagging or new
// replica catching up) and starts a fresh engine over it, since the old
// one's caches describe the replaced state.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	f.engineMu.Lock()
	defer f.engineMu.Unlock()
	f.log.Reset()
	if err := f.data.Restore(rc); err != nil {
		return err
	}
	idx, err := f.data.Applied()
	if err != nil {
		return err
	}
	eng, err := f.newEngine()
	if err != nil {
		return fmt.Errorf("new engine after restore: %w", err)
	}
	f.engine, f.appliedIndex = eng, idx
	f.failedMu.Lock()
	f.failed = nil
	f.failedMu.Unlock()
	f.restores.Add(1)
	f.logger.Info("partition restored from snapshot", "appliedIndex", idx)
	return nil
}

// withEngine runs fn with the engine and a read-only view of the committed
// state, holding the engine lock (for the leader's scheduler).
func (f *fsm) withEngine(fn func(Engine, state.KV) error) error {
	f.engineMu.Lock()
	defer f.engineMu.Unlock()
	view, release := f.data.View()
	defer release()
	return fn(f.engine, view)
}

// fsmSnapshot streams a pebble snapshot to raft's snapshot store.
type fsmSnapshot struct {
	snap   *storage.Snapshot
	logger *slog.Logger
	index  uint64
}

func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	start := time.Now()
	n, err := s.snap.WriteTo(sink)
	if err != nil {
		_ = sink.Cancel()
		s.logger.Warn("partition snapshot failed", "appliedIndex", s.index, "err", err)
		return err
	}
	if err := sink.Close(); err != nil {
		return err
	}
	s.logger.Info("partition snapshot taken", "appliedIndex", s.index, "bytes", n, "took", time.Since(start))
	return nil
}

func (s *fsmSnapshot) Release() { s.snap.Close() }

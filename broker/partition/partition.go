package partition

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/broker/raftstore"
	"github.com/shoalbpm/shoal/broker/recordlog"
	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine/record"
)

// Errors of Submit. The node maps them onto the broker's API sentinels.
var (
	ErrNotLeader = errors.New("broker: not the partition leader")
	ErrQueueFull = errors.New("broker: partition queue full")
	ErrClosed    = errors.New("broker: partition closed")
	// ErrClosedInFlight: the partition closed after the command was queued
	// or appended; it may or may not be applied. Do not retry blindly.
	ErrClosedInFlight = errors.New("broker: partition closed with the command in flight; it may or may not be applied")
	// ErrLeadershipLost: the command was appended but leadership moved
	// before it committed, and this replica could not find out whether it
	// committed under the next leader (settleLost). Do not retry blindly.
	ErrLeadershipLost = errors.New("broker: leadership lost; the command may or may not be applied")
)

// Partition is one replica of a partition: its raft group, its FSM, and on
// the leader the command batching, the pending answers and the scheduler.
type Partition struct {
	cfg    Config
	raft   *raft.Raft
	fsm    *fsm
	store  *raftstore.Store
	snaps  raft.SnapshotStore
	queue  chan queued // commands waiting for a raft entry
	slots  chan struct{}
	wait   *pending
	reqIDs atomic.Uint64

	leader atomic.Bool
	kick   chan struct{} // wakes the scheduler (after applies, leader change)
	// resend asks the scheduler to send the engine's outbox (set when
	// this replica becomes leader).
	resend atomic.Bool
	// rescan asks the scheduler to look for due commands now (set when
	// this replica becomes leader); dueHint is the earliest due time
	// applies scheduled since the scheduler last looked (ms, 0: none).
	rescan   atomic.Bool
	dueHint  atomic.Int64
	watchers *watchers
	metrics  *Metrics
	pushes   reservations // push credits of entries in flight

	closeOnce sync.Once
	closed    chan struct{}
	raftDown  chan struct{} // closed once raft has shut down
	done      sync.WaitGroup
}

// queued is a command waiting to be put into a raft entry.
type queued struct {
	cmd record.Record
}

// Open starts the replica: it opens the raft log in the node's pebble, the
// snapshot store under cfg.Dir, and the raft group, bootstrapping it when
// cfg.Bootstrap is set and the node has no raft state.
func Open(cfg Config) (*Partition, error) {
	cfg.setDefaults()
	cfg.Logger = cfg.Logger.With("partition", cfg.ID)
	p := &Partition{
		cfg:      cfg,
		queue:    make(chan queued, cfg.QueueSize),
		slots:    make(chan struct{}, cfg.MaxInFlight),
		wait:     newPending(),
		kick:     make(chan struct{}, 1),
		watchers: newWatchers(),
		metrics:  newMetrics(cfg.NodeID, cfg.ID),
		closed:   make(chan struct{}),
		raftDown: make(chan struct{}),
	}
	// Request ids start at a random point so that ids of this process never
	// meet ids of an earlier run or another node in a pending table.
	p.reqIDs.Store(randomStart())
	p.pushes.init()
	data := cfg.Data.Partition(cfg.ID)
	var err error
	if p.fsm, err = newFSM(data, cfg.NewEngine, cfg.Logger, p.afterApply); err != nil {
		return nil, fmt.Errorf("partition %d: %w", cfg.ID, err)
	}
	if err := p.openRaft(); err != nil {
		return nil, fmt.Errorf("partition %d: %w", cfg.ID, err)
	}
	p.done.Add(3)
	go p.watchLeadership()
	go p.propose()
	go p.schedule()
	return p, nil
}

func (p *Partition) openRaft() error {
	var err error
	if p.store, err = raftstore.Open(p.cfg.Data.Pebble(), storage.RaftPrefix(p.cfg.ID)); err != nil {
		return err
	}
	logs, err := raft.NewLogCache(1024, p.store)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.cfg.Dir, 0o755); err != nil {
		return err
	}
	p.snaps, err = raft.NewFileSnapshotStoreWithLogger(filepath.Join(p.cfg.Dir), 2, RaftLogger(p.cfg.Logger))
	if err != nil {
		return err
	}
	if err := p.catchUpWithSnapshot(); err != nil {
		return err
	}
	notify := make(chan bool, 8)
	p.raft, err = raft.NewRaft(p.cfg.raftConfig(notify), p.fsm, logs, p.store, p.snaps, p.cfg.Trans)
	if err != nil {
		return err
	}
	go func() { // forward leadership changes; raft blocks on NotifyCh
		for {
			select {
			case isLeader := <-notify:
				p.setLeader(isLeader)
			case <-p.raftDown: // raft sends no more; until then, drain
				return
			}
		}
	}()
	if !p.cfg.Bootstrap {
		return nil
	}
	has, err := raft.HasExistingState(logs, p.store, p.snaps)
	if err != nil {
		_ = p.raft.Shutdown().Error()
		close(p.raftDown)
		return err
	}
	if has {
		return nil
	}
	p.cfg.Logger.Info("bootstrapping partition", "voters", len(p.cfg.Peers))
	if err := p.raft.BootstrapCluster(raft.Configuration{Servers: p.cfg.Peers}).Error(); err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
		_ = p.raft.Shutdown().Error()
		close(p.raftDown)
		return fmt.Errorf("bootstrap: %w", err)
	}
	return nil
}

// catchUpWithSnapshot restores the newest snapshot if the partition's data is
// older than it. raft skips the log up to its newest snapshot on start, and
// NoSnapshotRestoreOnStart keeps it from restoring: our data must already be
// at least there. It is, since the FSM syncs before every snapshot; this
// guards against a data directory where that did not hold.
func (p *Partition) catchUpWithSnapshot() error {
	metas, err := p.snaps.List()
	if err != nil || len(metas) == 0 || metas[0].Index <= p.fsm.appliedIndex {
		return err
	}
	p.cfg.Logger.Warn("partition data older than its snapshot; restoring it",
		"appliedIndex", p.fsm.appliedIndex, "snapshotIndex", metas[0].Index)
	_, rc, err := p.snaps.Open(metas[0].ID)
	if err != nil {
		return err
	}
	return p.fsm.Restore(rc)
}

// Submit appends cmd, waits until it is committed and applied, and returns
// the record answering it (see broker.Cluster.Submit). It fails with
// ErrNotLeader when this replica does not lead, or stepped down and the next
// leader replaced the entry with the command (nothing was written), and at
// once with ErrQueueFull when the queue is full.
func (p *Partition) Submit(ctx context.Context, cmd record.Record) (record.Record, error) {
	select {
	case <-p.closed:
		return record.Record{}, ErrClosed
	default:
	}
	if !p.leader.Load() {
		return record.Record{}, ErrNotLeader
	}
	if err := p.fsm.stopped(); err != nil {
		return record.Record{}, err
	}
	id := p.reqIDs.Add(1)
	cmd.RequestID = id
	cmd.PartitionID = p.cfg.ID
	ch := p.wait.register(id)
	select {
	case p.queue <- queued{cmd: cmd}:
	default:
		p.wait.cancel(id)
		p.metrics.backPressure.Inc()
		return record.Record{}, fmt.Errorf("%w: partition %d has %d commands queued", ErrQueueFull, p.cfg.ID, cap(p.queue))
	}
	select {
	case r := <-ch:
		return r.rec, r.err
	case <-ctx.Done():
		p.wait.cancel(id)
		return record.Record{}, ctx.Err()
	case <-p.closed:
		return record.Record{}, ErrClosedInFlight
	}
}

// propose is the leader's batching loop: it takes the queued commands,
// stamps them, and appends them as one raft entry, with at most MaxInFlight
// entries uncommitted. Commands arriving meanwhile wait in the queue and go
// out together in the next entry, so batches grow with load and a lone
// command waits for nothing.
func (p *Partition) propose() {
	defer p.done.Done()
	batch := make([]record.Record, 0, p.cfg.MaxBatch)
	for {
		var first queued
		select {
		case first = <-p.queue:
		case <-p.closed:
			return
		}
		select {
		case p.slots <- struct{}{}:
		case <-p.closed:
			return
		}
		batch = append(batch[:0], first.cmd)
	drain:
		for len(batch) < p.cfg.MaxBatch {
			select {
			case q := <-p.queue:
				batch = append(batch, q.cmd)
			default:
				break drain
			}
		}
		p.appendEntry(batch)
	}
}

// appendEntry stamps and appends one batch; a goroutine waits for the entry
// to be applied, frees its slot, and fails the batch's waiters if raft did
// not commit it.
func (p *Partition) appendEntry(batch []record.Record) {
	now := time.Now().UnixMilli()
	ids := make([]uint64, len(batch))
	for i := range batch {
		batch[i].Timestamp = now
		ids[i] = batch[i].RequestID
	}
	ref, data, err := p.encodeWithOffers(batch)
	if err != nil {
		<-p.slots
		p.pushes.release(ref)
		p.failRequests(ids, err)
		return
	}
	p.metrics.entrySize.Observe(float64(len(batch)))
	p.metrics.commands.Add(float64(len(batch)))
	p.metrics.queueDepth.Set(float64(len(p.queue)))
	start := time.Now()
	f := p.raft.Apply(data, 10*time.Second)
	p.done.Add(1) // Close waits for it: settleLost reads the raft log
	go func() {
		defer p.done.Done()
		err := f.Error()
		<-p.slots
		if err == nil {
			p.metrics.commitLatency.Observe(time.Since(start).Seconds())
			if rerr, ok := f.Response().(error); ok {
				err = rerr
			}
		}
		if errors.Is(err, raft.ErrLeadershipLost) {
			p.settleLost(f.Index(), data, ids, ref)
			return
		}
		if errors.Is(err, raft.ErrRaftShutdown) && f.Index() != 0 {
			err = ErrClosedInFlight // appended: it may have committed
		}
		if err != nil {
			p.pushes.release(ref) // not applied here (yet): no push from this node
			p.failRequests(ids, applyError(err))
		}
	}()
}

// applyError maps raft's failures to the partition's sentinels.
func applyError(err error) error {
	switch {
	case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return fmt.Errorf("%w: %v", ErrNotLeader, err)
	case errors.Is(err, raft.ErrLeadershipLost):
		return ErrLeadershipLost
	case errors.Is(err, raft.ErrRaftShutdown):
		return ErrClosed
	}
	return err
}

func (p *Partition) failRequests(ids []uint64, err error) {
	for _, id := range ids {
		p.wait.trigger(id, result{err: err})
	}
}

// afterApply runs on the FSM goroutine after a batch is committed to pebble:
// it answers waiting callers (on any replica: ids are unique, so a former
// leader still answers its callers), wakes job watchers and the scheduler.
func (p *Partition) afterApply(a applied) {
	p.deliverPushes(a.pushes) // first: a caller answered may look for its job
	for _, r := range a.responses {
		p.wait.trigger(r.RequestID, result{rec: r.Record})
	}
	for _, jobType := range a.jobsAvailable {
		p.watchers.notify(jobType)
	}
	if p.cfg.Send != nil && p.leader.Load() {
		for _, o := range a.outbound {
			p.cfg.Send(o)
		}
	}
	p.metrics.records.Add(float64(a.records))
	p.metrics.processing.Observe(a.took.Seconds())
	p.metrics.addEvents(a.events)
	p.metrics.appliedIndex.Set(float64(a.index))
	if a.nextDue > 0 {
		p.noteDue(a.nextDue)
	}
}

// randomStart is a random starting point for ids counted up from it.
func randomStart() uint64 { return rand.Uint64() >> 2 }

func (p *Partition) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

func (p *Partition) setLeader(isLeader bool) {
	if p.leader.Swap(isLeader) != isLeader {
		p.cfg.Logger.Info("partition role changed", "leader", isLeader)
		p.metrics.leaderChanges.Inc()
		if isLeader {
			p.resend.Store(true)
			p.rescan.Store(true)
			p.metrics.role.Set(1)
		} else {
			p.metrics.role.Set(0)
		}
	}
	p.wake()
}

// watchLeadership keeps the leader flag right even if a NotifyCh value was
// coalesced: raft's State is the truth.
func (p *Partition) watchLeadership() {
	defer p.done.Done()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.setLeader(p.raft.State() == raft.Leader)
		case <-p.closed:
			return
		}
	}
}

// ID is the partition id.
func (p *Partition) ID() int32 { return p.cfg.ID }

// IsLeader reports whether this replica leads the partition.
func (p *Partition) IsLeader() bool { return p.leader.Load() }

// Leader returns the raft id and address of the current leader, if known.
func (p *Partition) Leader() (id string, addr string) {
	a, i := p.raft.LeaderWithID()
	return string(i), string(a)
}

// Healthy is false once the apply stopped after a failure.
func (p *Partition) Healthy() bool { return p.fsm.stopped() == nil }

// Ready reports whether the partition has a leader and this replica has
// applied everything it knows to be committed.
func (p *Partition) Ready() bool {
	addr, _ := p.raft.LeaderWithID()
	return addr != "" && p.Healthy() && p.raft.AppliedIndex() >= p.raft.CommitIndex()
}

// Restores counts the snapshots installed on this replica since it opened.
func (p *Partition) Restores() int64 { return p.fsm.restores.Load() }

// AppliedIndex is the last raft index applied to the partition's state.
func (p *Partition) AppliedIndex() uint64 { return p.raft.AppliedIndex() }

// Raft exposes the raft group (for cluster membership and tests).
func (p *Partition) Raft() *raft.Raft { return p.raft }

// Records returns the partition's record log.
func (p *Partition) Records() *recordlog.Log { return p.fsm.log }

// WatchJobs returns a channel that receives a value when jobs of jobType may
// have become activatable, and a function that ends the watch.
func (p *Partition) WatchJobs(jobType string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	return ch, p.watchers.add(jobType, ch)
}

// WatchJobsOn is WatchJobs with the caller's channel, so one channel can
// watch several partitions. ch must have a buffer; sends never block.
func (p *Partition) WatchJobsOn(jobType string, ch chan struct{}) (stop func()) {
	return p.watchers.add(jobType, ch)
}

// Metrics returns the partition's prometheus collectors.
func (p *Partition) Metrics() *Metrics { return p.metrics }

// Close stops the replica: raft shuts down (nothing acknowledged is lost: it
// is all in pebble), waiting callers get ErrClosedInFlight.
func (p *Partition) Close() error {
	var err error
	p.closeOnce.Do(func() {
		close(p.closed)
		err = p.raft.Shutdown().Error()
		close(p.raftDown)
		p.done.Wait()
		p.wait.failAll(ErrClosedInFlight)
	})
	return err
}

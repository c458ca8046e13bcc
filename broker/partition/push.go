package partition

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoalbpm/shoal/broker/jobpush"
	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// Job push, the partition's part (see broker/jobpush): the leader reserves
// credits of the node's push streams for each raft entry it builds and
// writes them into the entry as offers, under a ref that names the
// reservation on this node. Every replica's engine activates jobs for the
// offers alike; after the apply, the node that holds the ref — the one
// that built the entry, leader or not by then (settleLost keeps the ref of
// an entry that may still commit after leadership was lost) — pushes them,
// yields those its streams refuse, and gives the unspent credits back.
// Other replicas do nothing: if the builder is gone (or restarted, which
// forgets its refs), its pushed jobs are activatable again when they time
// out, as in Zeebe when a push is lost. Yielding them from the new leader
// instead could hand a job out twice while the builder still delivers.

// entryPushes are the jobs one entry activated for its offers.
type entryPushes struct {
	ref  uint64
	jobs []engine.PushedJob
}

// yieldTimeout bounds the submission of one JOB YIELD without Config.Send.
const yieldTimeout = 10 * time.Second

// reservations holds the push reservations of the entries this node built
// and has not applied yet, by ref.
type reservations struct {
	next atomic.Uint64
	mu   sync.Mutex
	m    map[uint64]*jobpush.Reservation
}

func (r *reservations) init() {
	r.m = make(map[uint64]*jobpush.Reservation)
	// Refs start at a random point, like request ids: a ref written by
	// an earlier run of this node never names a reservation of this one.
	r.next.Store(randomStart())
}

func (r *reservations) put(res *jobpush.Reservation) uint64 {
	ref := r.next.Add(1)
	r.mu.Lock()
	r.m[ref] = res
	r.mu.Unlock()
	return ref
}

// take removes and returns the reservation of ref (nil if unknown).
func (r *reservations) take(ref uint64) *jobpush.Reservation {
	if ref == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.m[ref]
	delete(r.m, ref)
	return res
}

// release gives back the credits of an entry this node will not push for.
func (r *reservations) release(ref uint64) { r.take(ref).Release() }

// encodeWithOffers encodes a batch with the push credits reserved for it:
// up to one per command that may create a job, for every job type with open
// streams (a command creates about one job of a type; jobs beyond the
// credits are activatable as usual). ref is 0 when the entry carries no
// offers.
func (p *Partition) encodeWithOffers(batch []record.Record) (ref uint64, data []byte, err error) {
	res := p.cfg.Streams.Reserve(mayCreateJobs(batch))
	if res == nil {
		data, err = encodeCommands(batch)
		return 0, data, err
	}
	ref = p.pushes.put(res)
	data, err = encodeEntry(batch, ref, res.Offers)
	return ref, data, err
}

// deliverPushes runs after an apply: jobs of entries this node built go to
// their streams, and those a stream refuses are yielded.
func (p *Partition) deliverPushes(pushes []entryPushes) {
	var yield []int64
	for _, e := range pushes {
		res := p.pushes.take(e.ref)
		if res == nil {
			continue // built elsewhere: its builder delivers
		}
		failed := res.Deliver(e.jobs)
		p.metrics.pushed.Add(float64(len(e.jobs) - len(failed)))
		yield = append(yield, failed...)
	}
	if len(yield) > 0 {
		p.metrics.pushYielded.Add(float64(len(yield)))
		p.yieldJobs(yield)
	}
}

// yieldJobs hands jobs back with JOB YIELD (they become activatable at
// once), through Config.Send when set (retried until answered, from any
// node), else submitted here in the background.
func (p *Partition) yieldJobs(keys []int64) {
	cmds := make([]record.Record, len(keys))
	for i, key := range keys {
		cmds[i] = record.Record{Key: key, PartitionID: p.cfg.ID, RecordType: record.Command,
			ValueType: record.Job, Intent: record.Yield, SourceRecordPosition: -1, Value: &record.JobRecord{}}
	}
	if p.cfg.Send != nil {
		for _, cmd := range cmds {
			p.cfg.Send(engine.Outbound{Partition: p.cfg.ID, Record: cmd})
		}
		return
	}
	go func() {
		for _, cmd := range cmds {
			ctx, cancel := context.WithTimeout(context.Background(), yieldTimeout)
			if _, err := p.Submit(ctx, cmd); err != nil {
				p.cfg.Logger.Warn("yielding a job that could not be pushed failed; it times out instead", "key", cmd.Key, "err", err)
			}
			cancel()
		}
	}()
}

// mayCreateJobs counts the commands of a batch that may create a job. Job
// activations never do, nor the job commands that only change the job they
// are about (fail, yield, updates, timeouts): credits reserved for them
// would only keep the stream's capacity from other entries while in
// flight. COMPLETE and THROW_ERROR move the instance on and may.
func mayCreateJobs(batch []record.Record) int {
	n := 0
	for i := range batch {
		c := &batch[i]
		if c.ValueType == record.JobBatch {
			continue
		}
		if c.ValueType == record.Job {
			switch c.Intent {
			case record.Fail, record.Yield, record.UpdateRetries, record.UpdateTimeout, record.TimeOut, record.RecurAfterBackoff:
				continue
			}
		}
		n++
	}
	return n
}

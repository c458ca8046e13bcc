package jobstream

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/jobpush"
	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// ErrClosed is returned by Stream.Next once the hub is closed.
var ErrClosed = errors.New("jobstream: closed")

// Stream is one worker's open push stream. It implements jobpush.Stream:
// when the cluster pushes from the engine's step (broker.JobStreamer),
// partitions led by this node reserve its free capacity for the raft
// entries they build and push the jobs those entries create; Next hands
// them out. Jobs that were not pushed (created while the stream was full,
// on a partition led elsewhere, or activatable again after a failure or a
// timeout) Next activates with JOB_BATCH ACTIVATE when woken.
type Stream struct {
	hub      *Hub
	req      Request
	capacity int
	pushed   chan Job // pushed jobs not handed out yet (also in held)
	watch    <-chan struct{}
	stop     func() // ends the watch and the registration for pushes
	poll     bool   // activation may find jobs (serving goroutine only)
	pushing  bool   // registered for pushes from the engine step

	mu       sync.Mutex
	held     map[int64]time.Time // job key -> deadline
	reserved int                 // credits promised to entries in flight, or to an activation
	closed   bool
	credit   chan struct{} // a value when capacity came back
}

var _ jobpush.Stream = (*Stream)(nil)

// Open registers a stream that holds at most capacity jobs at once.
func (h *Hub) Open(req Request, capacity int) *Stream {
	if capacity < 1 {
		capacity = 1
	}
	s := &Stream{
		hub:      h,
		req:      req,
		capacity: capacity,
		pushed:   make(chan Job, capacity),
		poll:     true, // jobs may be waiting already
		held:     make(map[int64]time.Time),
		credit:   make(chan struct{}, 1),
	}
	// Watch before the first activation, so that a job created in between
	// is not missed.
	watch, stopWatch := h.cluster.WatchJobs(req.Type)
	s.watch = watch
	remove := func() {}
	if js, ok := h.cluster.(broker.JobStreamer); ok {
		remove = js.AddJobStream(s)
		s.pushing = true
	}
	s.stop = func() { remove(); stopWatch() }
	h.mu.Lock()
	h.streams[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Offer implements jobpush.Stream.
func (s *Stream) Offer() engine.PushOffer {
	return engine.PushOffer{
		Type: s.req.Type, Worker: s.req.Worker, Timeout: s.req.Timeout.Milliseconds(),
		FetchVariables: s.req.FetchVariables, TenantIDs: s.req.TenantIDs,
	}
}

// Reserve implements jobpush.Stream: it promises up to n jobs of the free
// capacity to a raft entry.
func (s *Stream) Reserve(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0
	}
	n = min(n, s.capacity-len(s.held)-s.reserved)
	if n <= 0 {
		return 0
	}
	s.reserved += n
	return n
}

// Unreserve implements jobpush.Stream.
func (s *Stream) Unreserve(n int) {
	s.mu.Lock()
	s.reserved = max(s.reserved-n, 0)
	s.mu.Unlock()
	s.signal()
}

// Push implements jobpush.Stream: the stream holds the job from now on and
// Next hands it out. It fails once the stream is closed.
func (s *Stream) Push(key int64, job record.JobRecord) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	s.reserved = max(s.reserved-1, 0)
	s.held[key] = s.deadline(job.Deadline)
	s.mu.Unlock()
	if !s.handOut(key, job) {
		s.mu.Lock()
		s.reserved++ // not spent: the partition gives the credit back
		s.mu.Unlock()
		return false
	}
	return true
}

// TryPush implements jobpush.Stream: a job pushed by another node's
// partition is taken only while the stream has room beyond its
// reservations.
func (s *Stream) TryPush(key int64, job record.JobRecord) bool {
	s.mu.Lock()
	if s.closed || s.capacity-len(s.held)-s.reserved <= 0 {
		s.mu.Unlock()
		return false
	}
	s.held[key] = s.deadline(job.Deadline)
	s.mu.Unlock()
	return s.handOut(key, job)
}

// Free implements jobpush.Stream.
func (s *Stream) Free() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0
	}
	return max(s.capacity-len(s.held)-s.reserved, 0)
}

// handOut queues a job the stream now holds for Next.
func (s *Stream) handOut(key int64, job record.JobRecord) bool {
	s.hub.mu.Lock()
	s.hub.holders[key] = s
	s.hub.mu.Unlock()
	select {
	case s.pushed <- Job{Key: key, JobRecord: job}:
		return true
	default: // more pushed than the capacity: never when credits are kept
		s.mu.Lock()
		delete(s.held, key)
		s.mu.Unlock()
		s.hub.forget(s, []int64{key})
		return false
	}
}

func (s *Stream) deadline(ms int64) time.Time {
	if ms <= 0 {
		return time.Now().Add(s.req.Timeout)
	}
	return time.UnixMilli(ms)
}

func (s *Stream) signal() {
	select {
	case s.credit <- struct{}{}:
	default:
	}
}

// Next waits until jobs are pushed to the stream, or until it has free
// capacity and jobs of its type are activatable, which it then activates up
// to the free capacity; it returns those jobs, which the stream now holds.
// It returns ctx's error or ErrClosed when the stream should end; an
// activation error (back-pressure, no leader) is retried after a short
// pause rather than ending the stream.
func (s *Stream) Next(ctx context.Context) ([]Job, error) {
	retry := stoppedTimer()
	defer retry.Stop()
	expiry := stoppedTimer()
	defer expiry.Stop()
	recheck := time.NewTicker(s.hub.recheck)
	defer recheck.Stop()
	for {
		if jobs := s.takePushed(nil); len(jobs) > 0 {
			return jobs, nil
		}
		if s.poll {
			if jobs, err := s.activate(); err != nil {
				s.hub.log.Debug("stream activation failed; retrying", "type", s.req.Type, "error", err)
				retry.Reset(200 * time.Millisecond)
			} else if len(jobs) > 0 {
				return jobs, nil
			}
		}
		if _, nextDeadline := s.free(time.Now()); !nextDeadline.IsZero() {
			expiry.Reset(time.Until(nextDeadline))
		}
		select {
		case j := <-s.pushed:
			return s.takePushed([]Job{j}), nil
		case <-s.watch:
			s.poll = true
		case <-s.credit:
		case <-retry.C:
			s.poll = true
		case <-expiry.C:
		case <-recheck.C:
			s.poll = true
		case <-s.hub.closed:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// TakeReady returns the jobs pushed to the stream and not handed out yet,
// without waiting (none: nil). The stream holds them, as those Next returns.
func (s *Stream) TakeReady() []Job { return s.takePushed(nil) }

// takePushed appends the pushed jobs waiting to jobs.
func (s *Stream) takePushed(jobs []Job) []Job {
	for {
		select {
		case j := <-s.pushed:
			jobs = append(jobs, j)
		default:
			return jobs
		}
	}
}

// activate asks the partitions for as many jobs as the stream has room
// for; with pushes from the engine step, for half of it (at least one), so
// that jobs created meanwhile are still pushed: the room asked for is
// reserved until the answer comes, a commit later, and a stream that
// reserved all of it would leave the new jobs to the next activation, over
// and over. poll stays set while there is no room, or when the answer
// filled what was asked (more may be waiting).
func (s *Stream) activate() ([]Job, error) {
	free, _ := s.free(time.Now())
	if free <= 0 {
		return nil, nil
	}
	if s.pushing {
		free = (free + 1) / 2
	}
	s.mu.Lock()
	s.reserved += free
	s.mu.Unlock()
	s.poll = false
	jobs, err := s.hub.activateOnce(s.req, free)
	s.hold(jobs)
	s.Unreserve(free)
	if err != nil {
		s.poll = true
		return nil, err
	}
	s.poll = len(jobs) == free
	return jobs, nil
}

// stoppedTimer returns a timer that does not fire until Reset.
func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// free returns how many more jobs the stream may take (neither held nor
// promised), after forgetting the jobs whose deadline has passed, and the
// earliest deadline still held.
func (s *Stream) free(now time.Time) (int, time.Time) {
	s.mu.Lock()
	var (
		earliest time.Time
		expired  []int64
	)
	for key, deadline := range s.held {
		if !deadline.After(now) {
			delete(s.held, key)
			expired = append(expired, key)
			continue
		}
		if earliest.IsZero() || deadline.Before(earliest) {
			earliest = deadline
		}
	}
	free := s.capacity - len(s.held) - s.reserved
	s.mu.Unlock()
	if len(expired) > 0 {
		s.hub.forget(s, expired)
	}
	return free, earliest
}

// hold records jobs as held by this stream.
func (s *Stream) hold(jobs []Job) {
	if len(jobs) == 0 {
		return
	}
	s.hub.mu.Lock()
	for _, j := range jobs {
		s.hub.holders[j.Key] = s
	}
	s.hub.mu.Unlock()
	s.mu.Lock()
	for _, j := range jobs {
		s.held[j.Key] = s.deadline(j.Deadline)
	}
	s.mu.Unlock()
}

// release forgets a held job and signals the free credit.
func (s *Stream) release(jobKey int64) {
	s.mu.Lock()
	_, ok := s.held[jobKey]
	delete(s.held, jobKey)
	s.mu.Unlock()
	if ok {
		s.signal()
	}
}

// Held returns the number of jobs the stream holds now.
func (s *Stream) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// Close unregisters the stream and yields every job it still holds
// (handed out or pushed and not yet handed out), so that another worker
// gets them at once. Jobs pushed after this fail to push, and their
// partition yields them.
func (s *Stream) Close() {
	s.stop()
	s.mu.Lock()
	s.closed = true
	s.reserved = 0
	keys := make([]int64, 0, len(s.held))
	for key := range s.held {
		keys = append(keys, key)
	}
	s.held = map[int64]time.Time{}
	s.mu.Unlock()

	s.hub.mu.Lock()
	delete(s.hub.streams, s)
	s.hub.mu.Unlock()
	s.hub.forget(s, keys)
	if len(keys) > 0 {
		s.hub.log.Debug("stream closed; yielding its jobs", "type", s.req.Type, "jobs", len(keys))
		s.hub.Yield(keys)
	}
}

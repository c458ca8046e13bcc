package jobstream

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrClosed is returned by Stream.Next once the hub is closed.
var ErrClosed = errors.New("jobstream: closed")

// Stream is one worker's open push stream.
type Stream struct {
	hub      *Hub
	req      Request
	capacity int

	mu     sync.Mutex
	held   map[int64]time.Time // job key -> deadline
	credit chan struct{}       // a value when a held job was released
}

// Open registers a stream that holds at most capacity jobs at once.
func (h *Hub) Open(req Request, capacity int) *Stream {
	if capacity < 1 {
		capacity = 1
	}
	s := &Stream{
		hub:      h,
		req:      req,
		capacity: capacity,
		held:     make(map[int64]time.Time),
		credit:   make(chan struct{}, 1),
	}
	h.mu.Lock()
	h.streams[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Next waits until the stream has free capacity and jobs of its type are
// activatable, activates up to the free capacity and returns those jobs,
// which the stream now holds. It returns ctx's error or ErrClosed when the
// stream should end; an activation error (back-pressure, no leader) is
// retried after a short pause rather than ending the stream.
func (s *Stream) Next(ctx context.Context) ([]Job, error) {
	watch, stop := s.hub.cluster.WatchJobs(s.req.Type)
	defer stop()
	retry := stoppedTimer()
	defer retry.Stop()
	expiry := stoppedTimer()
	defer expiry.Stop()
	recheck := time.NewTicker(s.hub.recheck)
	defer recheck.Stop()
	for {
		free, nextDeadline := s.free(time.Now())
		if free > 0 {
			jobs, err := s.hub.activateOnce(s.req, free)
			switch {
			case err != nil:
				s.hub.log.Debug("stream activation failed; retrying", "type", s.req.Type, "error", err)
				retry.Reset(200 * time.Millisecond)
			case len(jobs) > 0:
				s.hold(jobs)
				return jobs, nil
			}
		}
		if !nextDeadline.IsZero() {
			expiry.Reset(time.Until(nextDeadline))
		}
		select {
		case <-watch:
		case <-s.credit:
		case <-retry.C:
		case <-expiry.C:
		case <-recheck.C:
		case <-s.hub.closed:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// stoppedTimer returns a timer that does not fire until Reset.
func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// free returns how many more jobs the stream may hold, after forgetting the
// jobs whose deadline has passed, and the earliest deadline still held.
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
	free := s.capacity - len(s.held)
	s.mu.Unlock()
	if len(expired) > 0 {
		s.hub.forget(s, expired)
	}
	return free, earliest
}

// hold records jobs as held by this stream.
func (s *Stream) hold(jobs []Job) {
	s.hub.mu.Lock()
	for _, j := range jobs {
		s.hub.holders[j.Key] = s
	}
	s.hub.mu.Unlock()
	s.mu.Lock()
	for _, j := range jobs {
		deadline := time.UnixMilli(j.Deadline)
		if j.Deadline <= 0 {
			deadline = time.Now().Add(s.req.Timeout)
		}
		s.held[j.Key] = deadline
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
		select {
		case s.credit <- struct{}{}:
		default:
		}
	}
}

// Held returns the number of jobs the stream holds now.
func (s *Stream) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// Close unregisters the stream and yields every job it still holds, so
// that another worker gets them at once.
func (s *Stream) Close() {
	s.mu.Lock()
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

package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// pushStream is a push stream as the gateway keeps one: held jobs plus
// credits reserved never exceed its capacity; pushed jobs come out of jobs.
type pushStream struct {
	t        *testing.T
	capacity int
	jobs     chan pushedJob

	mu       sync.Mutex
	reserved int
	held     map[int64]bool
	closed   bool
}

type pushedJob struct {
	key int64
	job record.JobRecord
}

func newPushStream(t *testing.T, capacity int) *pushStream {
	return &pushStream{t: t, capacity: capacity, jobs: make(chan pushedJob, capacity), held: map[int64]bool{}}
}

func (s *pushStream) Offer() engine.PushOffer {
	return engine.PushOffer{Type: "work", Worker: "pusher", Timeout: 60_000, TenantIDs: []string{record.DefaultTenant}}
}

func (s *pushStream) Reserve(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0
	}
	n = max(min(n, s.capacity-len(s.held)-s.reserved), 0)
	s.reserved += n
	return n
}

func (s *pushStream) Unreserve(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reserved -= n
}

func (s *pushStream) Push(key int64, job record.JobRecord) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.reserved--
	if s.reserved < 0 || len(s.held) >= s.capacity {
		s.t.Errorf("job %d pushed beyond the stream's credits (reserved %d, held %d)", key, s.reserved, len(s.held))
	}
	s.held[key] = true
	s.jobs <- pushedJob{key, job}
	return true
}

// done frees the capacity of a completed job.
func (s *pushStream) done(key int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.held, key)
}

func (s *pushStream) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
}

func (s *pushStream) credits() (reserved, held int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reserved, len(s.held)
}

func recordsOf(t *testing.T, n *Node, partitionID int32) []record.Record {
	t.Helper()
	var out []record.Record
	if err := n.Partition(partitionID).Records().Read(0, func(r record.Record) bool {
		out = append(out, r)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPushedJobReachesTheStreamInTheStepThatCreatedIt(t *testing.T) {
	n := startNode(t, fastConfig(t.TempDir()))
	waitReady(t, n)
	deploy(t, n, 1)
	stream := newPushStream(t, 4)
	remove := n.AddJobStream(stream)
	defer remove()

	submit(t, n, 1, record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1, Variables: map[string]any{"x": 1.0}})
	var got pushedJob
	select {
	case got = <-stream.jobs:
	case <-time.After(10 * time.Second):
		t.Fatal("the created job was not pushed")
	}
	if got.job.Worker != "pusher" || got.job.Deadline <= 0 || jsonString(got.job.Variables) != `{"x":1}` {
		t.Fatalf("pushed job = %+v", got.job)
	}
	// The creation's step wrote JOB CREATED and JOB_BATCH ACTIVATED with
	// the same source; no JOB_BATCH ACTIVATE command was written.
	var created, activated *record.Record
	rs := recordsOf(t, n, 1)
	for i := range rs {
		r := &rs[i]
		switch {
		case r.ValueType == record.JobBatch && r.RecordType == record.Command:
			t.Fatalf("a JOB_BATCH command was written: %s", r.Intent)
		case r.ValueType == record.Job && r.Intent == record.Created:
			created = r
		case r.ValueType == record.JobBatch && r.Intent == record.Activated:
			activated = r
		}
	}
	if created == nil || activated == nil || created.Key != got.key || activated.Position != created.Position+1 ||
		activated.SourceRecordPosition != created.SourceRecordPosition {
		t.Fatalf("records: created %+v, activated %+v", created, activated)
	}
	if b := activated.Value.(*record.JobBatchRecord); len(b.JobKeys) != 1 || b.JobKeys[0] != got.key || b.Worker != "pusher" {
		t.Fatalf("JOB_BATCH ACTIVATED = %+v", b)
	}
	completeJob(t, n, got.key)
	stream.done(got.key)
	if reserved, held := stream.credits(); reserved != 0 || held != 0 {
		t.Fatalf("stream left with %d credits reserved, %d held", reserved, held)
	}
}

func TestJobOfAStreamClosedBeforeDeliveryIsYieldedAndPolledLater(t *testing.T) {
	n := startNode(t, fastConfig(t.TempDir()))
	waitReady(t, n)
	deploy(t, n, 1)
	// A stream open when the leader reserves its credits, gone when the
	// job is pushed.
	open := newPushStream(t, 4)
	remove := n.AddJobStream(&closingStream{pushStream: open})
	defer remove()

	createInstance(t, n, 1)
	checkFor(t, 10*time.Second, func() error {
		for _, r := range recordsOf(t, n, 1) {
			if r.ValueType == record.Job && r.Intent == record.Yielded {
				return nil
			}
		}
		return fmt.Errorf("no JOB YIELDED")
	})
	keys := activate(t, n, 1, 10)
	if len(keys) != 1 {
		t.Fatalf("a poll activated %d jobs after the yield, want 1", len(keys))
	}
	completeJob(t, n, keys[0])
}

// closingStream takes credits, then closes before the push arrives.
type closingStream struct{ *pushStream }

func (s *closingStream) Reserve(n int) int {
	got := s.pushStream.Reserve(n)
	if got > 0 {
		s.close()
	}
	return got
}

func jsonString(m map[string]any) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestNoPushedJobIsLostOrDeliveredTwice(t *testing.T) {
	const instances = 1000
	cfg := fastConfig(t.TempDir())
	n := startNode(t, cfg)
	waitReady(t, n)
	deploy(t, n, 1)

	var (
		mu        sync.Mutex
		delivered = map[int64]string{} // job key -> who got it
		completed int
		failures  = make(chan error, 16)
	)
	take := func(key int64, who string) {
		mu.Lock()
		defer mu.Unlock()
		if prev, dup := delivered[key]; dup {
			failures <- fmt.Errorf("job %d delivered to %s and to %s", key, prev, who)
		}
		delivered[key] = who
	}
	complete := func(key int64) error {
		c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		r, err := n.Submit(c, 1, record.Record{Key: key, SourceRecordPosition: -1, RecordType: record.Command,
			ValueType: record.Job, Intent: record.Complete, Value: &record.JobRecord{}})
		if err == nil && r.RecordType == record.CommandRejection {
			err = fmt.Errorf("complete job %d rejected: %s", key, r.RejectionReason)
		}
		if err == nil {
			mu.Lock()
			completed++
			mu.Unlock()
		}
		return err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Two streams; the second one goes away midway, with jobs pushed to it
	// in flight: those are yielded and a poller takes them.
	work := func(name string, s *pushStream) {
		defer wg.Done()
		for {
			select {
			case j := <-s.jobs:
				take(j.key, name)
				if err := complete(j.key); err != nil {
					failures <- err
					return
				}
				s.done(j.key)
			case <-stop:
				return
			}
		}
	}
	a, b := newPushStream(t, 16), newPushStream(t, 16)
	n.AddJobStream(a)
	removeB := n.AddJobStream(b)
	wg.Add(3)
	go work("a", a)
	go work("b", b)
	go func() { // the poller
		defer wg.Done()
		watch, stopWatch := n.WatchJobs("work")
		defer stopWatch()
		for {
			c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			r, err := n.Submit(c, 1, record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command,
				ValueType: record.JobBatch, Intent: record.Activate,
				Value: &record.JobBatchRecord{Type: "work", Worker: "poller", Timeout: 60_000, MaxJobsToActivate: 32}})
			cancel()
			if err != nil {
				failures <- err
				return
			}
			for _, key := range r.Value.(*record.JobBatchRecord).JobKeys {
				take(key, "poller")
				if err := complete(key); err != nil {
					failures <- err
					return
				}
			}
			select {
			case <-watch:
			case <-time.After(100 * time.Millisecond):
			case <-stop:
				return
			}
		}
	}()

	var created sync.WaitGroup
	var closeB sync.Once
	for g := range 8 {
		created.Add(1)
		go func() {
			defer created.Done()
			for i := g; i < instances; i += 8 {
				if i >= instances/2 {
					closeB.Do(func() {
						b.close() // pushes to it fail from now on
						removeB()
					})
				}
				c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				_, err := n.Submit(c, 1, record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command,
					ValueType: record.ProcessInstanceCreation, Intent: record.Create,
					Value: &record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1}})
				cancel()
				if err != nil {
					failures <- err
					return
				}
			}
		}()
	}
	created.Wait()
	checkFor(t, 60*time.Second, func() error {
		select {
		case err := <-failures:
			t.Fatal(err)
		default:
		}
		mu.Lock()
		defer mu.Unlock()
		if completed < instances {
			return fmt.Errorf("%d of %d jobs completed", completed, instances)
		}
		return nil
	})
	close(stop)
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Fatal(err)
	}
	pushed, polled := 0, 0
	for _, who := range delivered {
		if who == "poller" {
			polled++
		} else {
			pushed++
		}
	}
	if len(delivered) != instances || pushed == 0 {
		t.Fatalf("%d jobs delivered (%d pushed, %d polled), want %d with pushes", len(delivered), pushed, polled, instances)
	}
	done := 0
	for _, r := range recordsOf(t, n, 1) {
		if r.ValueType == record.ProcessInstance && r.Intent == record.ElementCompleted &&
			r.Key == r.Value.(*record.ProcessInstanceRecord).ProcessInstanceKey {
			done++
		}
	}
	if done != instances {
		t.Fatalf("%d instances completed, want %d", done, instances)
	}
	t.Logf("%d jobs pushed, %d polled", pushed, polled)
}

func (s *pushStream) Free() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.capacity - len(s.held) - s.reserved
}

func (s *pushStream) TryPush(key int64, job record.JobRecord) bool {
	s.mu.Lock()
	room := !s.closed && s.capacity-len(s.held)-s.reserved > 0
	if room {
		s.reserved++ // Push spends it
	}
	s.mu.Unlock()
	return room && s.Push(key, job)
}

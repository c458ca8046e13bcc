package partition

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker/jobpush"
	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// fakeStream is a push stream with a capacity; it fails the test if it is
// ever asked to hold more than that (held + reserved).
type fakeStream struct {
	t        *testing.T
	capacity int

	mu       sync.Mutex
	reserved int
	held     []int64
	closed   bool
	peak     int
}

func (s *fakeStream) Offer() engine.PushOffer {
	return engine.PushOffer{Type: "work", Worker: "w", Timeout: 1000}
}

func (s *fakeStream) Reserve(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n = min(n, s.capacity-s.reserved-len(s.held))
	if n < 0 {
		n = 0
	}
	s.reserved += n
	s.peak = max(s.peak, s.reserved+len(s.held))
	return n
}

func (s *fakeStream) Unreserve(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reserved -= n
	if s.reserved < 0 {
		s.t.Errorf("unreserved more than reserved: %d", s.reserved)
	}
}

func (s *fakeStream) Push(key int64, job record.JobRecord) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.reserved--
	if s.reserved < 0 {
		s.t.Errorf("pushed without a reserved credit")
	}
	s.held = append(s.held, key)
	return true
}

// complete frees the capacity of every held job.
func (s *fakeStream) complete() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.held)
	s.held = nil
	return n
}

func (s *fakeStream) state() (reserved, held int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reserved, len(s.held)
}

func TestEntryRoundTripsPushOffers(t *testing.T) {
	offers := []engine.PushOffer{
		{Type: "work", Worker: "w1", Timeout: 30_000, FetchVariables: []string{"a", "b"}, TenantIDs: []string{record.DefaultTenant}, Credits: 7},
		{Type: "other", Worker: "", Timeout: 1, Credits: 1},
	}
	data, err := encodeEntry([]record.Record{jobCreate()}, 42, offers)
	if err != nil {
		t.Fatal(err)
	}
	if entryType(data[0]) != entryCommandsPush {
		t.Fatalf("entry type %d, want %d", data[0], entryCommandsPush)
	}
	e, skip, err := readEntry(data)
	if err != nil || skip || len(e.cmds) != 1 || e.ref != 42 {
		t.Fatalf("decode = %+v, %v, %v", e, skip, err)
	}
	if fmt.Sprint(e.offers) != fmt.Sprint(offers) {
		t.Fatalf("offers = %+v, want %+v", e.offers, offers)
	}
	for cut := 1; cut < len(data)-1; cut++ {
		if _, _, err := readEntry(data[:cut]); !errors.Is(err, ErrCorruptEntry) {
			t.Fatalf("entry cut at %d: err %v, want ErrCorruptEntry", cut, err)
		}
	}
	// Without offers the entry is the one older binaries read.
	plain, _ := encodeEntry([]record.Record{jobCreate()}, 42, nil)
	if entryType(plain[0]) != entryCommands {
		t.Fatalf("entry without offers has type %d", plain[0])
	}
}

func TestCreatedJobIsPushedAndUnspentCreditsComeBack(t *testing.T) {
	reg := &jobpush.Registry{}
	stream := &fakeStream{t: t, capacity: 2}
	reg.Add(stream)
	s := openSingle(t, t.TempDir(), &testEngine{}, func(c *Config) { c.Streams = reg })
	jobs, stop := s.p.WatchJobs("work")
	defer stop()

	for range 3 {
		if _, err := s.p.Submit(context.Background(), jobCreate()); err != nil {
			t.Fatal(err)
		}
	}
	// Two jobs fill the stream; the third is left to pollers.
	reserved, held := stream.state()
	if held != 2 || reserved != 0 {
		t.Fatalf("stream holds %d jobs with %d credits reserved, want 2 and 0", held, reserved)
	}
	select {
	case <-jobs:
	case <-time.After(5 * time.Second):
		t.Fatal("the job beyond the stream's capacity was not announced")
	}
	if stream.peak > stream.capacity {
		t.Fatalf("stream promised %d jobs, capacity %d", stream.peak, stream.capacity)
	}
}

func TestPipelinedEntriesNeverPromiseMoreThanTheCapacity(t *testing.T) {
	reg := &jobpush.Registry{}
	stream := &fakeStream{t: t, capacity: 5}
	reg.Add(stream)
	eng := &testEngine{gate: make(chan struct{})}
	s := openSingle(t, t.TempDir(), eng, func(c *Config) { c.Streams = reg; c.MaxInFlight = 4; c.MaxBatch = 3 })
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.p.Submit(context.Background(), jobCreate())
			errs <- err
		}()
	}
	// Let entries through slowly while the worker completes what it holds.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	pushed := 0
	for running := true; running; {
		select {
		case eng.gate <- struct{}{}:
		case <-done:
			running = false
		}
		pushed += stream.complete()
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	pushed += stream.complete()
	if stream.peak > stream.capacity {
		t.Fatalf("entries in flight promised %d jobs, capacity %d", stream.peak, stream.capacity)
	}
	if reserved, _ := stream.state(); reserved != 0 {
		t.Fatalf("%d credits still reserved after every entry was applied", reserved)
	}
	if pushed == 0 {
		t.Fatal("no job was pushed")
	}
}

func TestJobOfAClosedStreamIsYielded(t *testing.T) {
	reg := &jobpush.Registry{}
	stream := &fakeStream{t: t, capacity: 10, closed: true}
	reg.Add(stream)
	sent := make(chan engine.Outbound, 10)
	s := openSingle(t, t.TempDir(), &testEngine{}, func(c *Config) {
		c.Streams = reg
		c.Send = func(o engine.Outbound) { sent <- o }
	})
	if _, err := s.p.Submit(context.Background(), jobCreate()); err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-sent:
		if o.Partition != 1 || o.Record.ValueType != record.Job || o.Record.Intent != record.Yield || o.Record.Key <= 0 {
			t.Fatalf("sent %+v, want a JOB YIELD of the pushed job", o)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the job the stream could not take was not yielded")
	}
}

func TestOnlyTheReplicaHoldingTheReservationActsOnPushedJobs(t *testing.T) {
	sent := make(chan engine.Outbound, 10)
	s := openSingle(t, t.TempDir(), &testEngine{}, func(c *Config) {
		c.Send = func(o engine.Outbound) { sent <- o }
	})
	// An entry built by another node (or by this one before a restart):
	// its ref names no reservation here, so its builder delivers (or the
	// jobs time out); the leader neither pushes nor yields them, which
	// could hand a job out twice.
	data, err := encodeEntry([]record.Record{jobCreate()}, 12345, []engine.PushOffer{{Type: "work", Timeout: 1000, Credits: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.p.raft.Apply(data, 5*time.Second).Error(); err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-sent:
		t.Fatalf("sent %+v for a job pushed under another node's reservation", o)
	case <-time.After(200 * time.Millisecond):
	}
}

func (s *fakeStream) Free() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.capacity - len(s.held) - s.reserved
}

func (s *fakeStream) TryPush(key int64, job record.JobRecord) bool {
	s.mu.Lock()
	room := !s.closed && s.capacity-len(s.held)-s.reserved > 0
	if room {
		s.reserved++ // Push spends it
	}
	s.mu.Unlock()
	return room && s.Push(key, job)
}

func TestOnlyCommandsThatMayCreateJobsReserveCredits(t *testing.T) {
	cmd := func(vt record.ValueType, in record.Intent) record.Record {
		return record.Record{RecordType: record.Command, ValueType: vt, Intent: in}
	}
	batch := []record.Record{
		cmd(record.ProcessInstanceCreation, record.Create),
		cmd(record.Job, record.Complete),
		cmd(record.Job, record.ThrowError),
		cmd(record.JobBatch, record.Activate),
		cmd(record.Job, record.Fail),
		cmd(record.Job, record.Yield),
		cmd(record.Job, record.TimeOut),
	}
	if n := mayCreateJobs(batch); n != 3 {
		t.Fatalf("mayCreateJobs = %d, want 3 (create, complete, throw error)", n)
	}
}

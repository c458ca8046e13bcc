package jobstream

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/jobpush"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

func newHub(t *testing.T, partitions int32) (*Hub, *fakecluster.Cluster) {
	t.Helper()
	fc := fakecluster.New(partitions)
	h := NewHub(fc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(h.Close)
	return h, fc
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

var req = Request{Type: "pay", Worker: "w", Timeout: time.Minute}

func TestActivateSkipsAPartitionWithoutLeader(t *testing.T) {
	h, fc := newHub(t, 3)
	fc.Handle(record.JobBatch, record.Activate, func(p int32, cmd record.Record) (record.Record, error) {
		if p == 2 {
			return record.Record{}, broker.ErrNoLeader
		}
		v := cmd.Value.(*record.JobBatchRecord)
		return fakecluster.Answer(cmd, record.Event, record.Activated, &record.JobBatchRecord{
			Type: v.Type, JobKeys: []int64{record.NewKey(p, 1)}, Jobs: []record.JobRecord{{Type: v.Type}}}), nil
	})
	jobs, err := h.Activate(context.Background(), req, 10, 0)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("jobs = %v, err = %v; want one job from each of partitions 1 and 3", jobs, err)
	}
}

func TestActivateFailsOnlyWhenEveryPartitionFails(t *testing.T) {
	h, fc := newHub(t, 2)
	fc.FailWith(broker.ErrResourceExhausted)
	if _, err := h.Activate(context.Background(), req, 1, time.Minute); !errors.Is(err, broker.ErrResourceExhausted) {
		t.Fatalf("err = %v, want ErrResourceExhausted", err)
	}
}

func TestActivateStopsAtMax(t *testing.T) {
	h, fc := newHub(t, 2)
	for i := 0; i < 5; i++ {
		fc.AddJob(int32(i%2)+1, "pay", nil)
	}
	jobs, err := h.Activate(context.Background(), req, 3, 0)
	if err != nil || len(jobs) != 3 {
		t.Fatalf("got %d jobs (err %v), want 3", len(jobs), err)
	}
}

func TestActivationWhoseClientLeftYieldsItsJobs(t *testing.T) {
	h, fc := newHub(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var key int64
	fc.Handle(record.JobBatch, record.Activate, func(p int32, cmd record.Record) (record.Record, error) {
		cancel() // the client goes away while the activation is in flight
		fc.Handle(record.JobBatch, record.Activate, nil)
		key = fc.AddJob(1, "pay", nil)
		return fc.Submit(context.Background(), p, cmd)
	})
	if _, err := h.Activate(ctx, req, 1, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s := fc.JobState(key); s != "activatable" {
		t.Fatalf("job is %s, want yielded back to activatable", s)
	}
}

func TestStreamCreditComesBackWhenAHeldJobsDeadlinePasses(t *testing.T) {
	h, fc := newHub(t, 1)
	short := req
	short.Timeout = 30 * time.Millisecond
	s := h.Open(short, 1)
	defer s.Close()
	fc.AddJob(1, "pay", nil)
	first, err := s.Next(context.Background())
	if err != nil || len(first) != 1 {
		t.Fatalf("first = %v, %v", first, err)
	}
	second := fc.AddJob(1, "pay", nil)
	// The stream is full; once the first job's deadline passes (the engine
	// would time it out), the stream may hold the second one.
	got, err := s.Next(context.Background())
	if err != nil || len(got) != 1 || got[0].Key != second {
		t.Fatalf("got %v, %v; want job %d", got, err, second)
	}
}

func TestHubCloseEndsStreamsAndParkedActivations(t *testing.T) {
	h, fc := newHub(t, 1)
	s := h.Open(req, 1)
	streamDone := make(chan error, 1)
	go func() {
		_, err := s.Next(context.Background())
		streamDone <- err
	}()
	pollDone := make(chan error, 1)
	go func() {
		_, err := h.Activate(context.Background(), req, 1, time.Hour)
		pollDone <- err
	}()
	eventually(t, "both to wait", func() bool { return fc.Watchers("pay") == 2 })
	h.Close()
	if err := <-streamDone; !errors.Is(err, ErrClosed) {
		t.Fatalf("stream err = %v, want ErrClosed", err)
	}
	if err := <-pollDone; err != nil {
		t.Fatalf("poll err = %v, want an empty answer", err)
	}
	s.Close()
	if h.Streams() != 0 {
		t.Fatal("stream still registered")
	}
}

func TestReleaseFromAnyGoroutineWakesTheStream(t *testing.T) {
	h, fc := newHub(t, 1)
	s := h.Open(req, 1)
	defer s.Close()
	fc.AddJob(1, "pay", nil)
	held, _ := s.Next(context.Background())
	next := fc.AddJob(1, "pay", nil)
	got := make(chan []Job, 1)
	go func() {
		jobs, _ := s.Next(context.Background())
		got <- jobs
	}()
	eventually(t, "the stream to wait", func() bool { return fc.Watchers("pay") == 1 })
	h.Release(held[0].Key)
	jobs := <-got
	if len(jobs) != 1 || jobs[0].Key != next || s.Held() != 1 {
		t.Fatalf("jobs = %v held = %d", jobs, s.Held())
	}
}

func TestParkedActivationFindsAJobItWasNotToldAbout(t *testing.T) {
	h, fc := newHub(t, 1)
	h.recheck = 20 * time.Millisecond
	fc.Handle(record.JobBatch, record.Activate, func(p int32, cmd record.Record) (record.Record, error) {
		v := cmd.Value.(*record.JobBatchRecord)
		out := &record.JobBatchRecord{Type: v.Type}
		if fc.Watchers("pay") > 0 && len(fc.Submitted()) > 3 { // a job appears without a notification
			out.JobKeys, out.Jobs = []int64{record.NewKey(1, 9)}, []record.JobRecord{{Type: v.Type}}
		}
		return fakecluster.Answer(cmd, record.Event, record.Activated, out), nil
	})
	jobs, err := h.Activate(context.Background(), req, 1, time.Minute)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs = %v, err = %v", jobs, err)
	}
}

func TestExpiredAndClosedStreamsLeaveNoHolders(t *testing.T) {
	h, fc := newHub(t, 1)
	short := req
	short.Timeout = 10 * time.Millisecond
	s := h.Open(short, 1)
	fc.AddJob(1, "pay", nil)
	if _, err := s.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	fc.AddJob(1, "pay", nil)
	if _, err := s.Next(context.Background()); err != nil { // after the first job's deadline
		t.Fatal(err)
	}
	s.Close()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.holders) != 0 {
		t.Fatalf("holders = %v, want none", h.holders)
	}
}

func TestExtendKeepsAHeldJobPastItsFirstDeadline(t *testing.T) {
	h, fc := newHub(t, 1)
	short := req
	short.Timeout = 20 * time.Millisecond
	s := h.Open(short, 1)
	defer s.Close()
	fc.AddJob(1, "pay", nil)
	held, _ := s.Next(context.Background())
	h.Extend(held[0].Key, time.Now().Add(time.Hour))
	// A minute on: past the first deadline, long before the new one.
	if free, _ := s.free(time.Now().Add(time.Minute)); free != 0 || s.Held() != 1 {
		t.Fatalf("free = %d, held = %d; want the extended job still held", free, s.Held())
	}
}

func TestPushedJobsShareTheCapacityWithActivation(t *testing.T) {
	h, fc := newHub(t, 1)
	s := h.Open(req, 3)
	if got := s.Reserve(2); got != 2 {
		t.Fatalf("reserved %d of 2", got)
	}
	// Two credits promised to entries in flight: activation takes one job.
	fc.AddJob(1, "pay", nil)
	fc.AddJob(1, "pay", nil)
	got, err := s.Next(context.Background())
	if err != nil || len(got) != 1 {
		t.Fatalf("activated %v, %v; want 1 job beside 2 reserved credits", got, err)
	}
	if n := s.Reserve(5); n != 0 {
		t.Fatalf("reserved %d credits of a full stream", n)
	}
	// One credit is spent on a push, the other comes back.
	pushed := record.NewKey(1, 100)
	if !s.Push(pushed, record.JobRecord{Type: "pay", Deadline: time.Now().Add(time.Minute).UnixMilli()}) {
		t.Fatal("push to an open stream failed")
	}
	s.Unreserve(1)
	got, err = s.Next(context.Background())
	if err != nil || len(got) != 1 || got[0].Key != pushed {
		t.Fatalf("next = %v, %v; want the pushed job", got, err)
	}
	if s.Held() != 2 {
		t.Fatalf("held %d, want 2", s.Held())
	}
	if n := s.Reserve(5); n != 1 {
		t.Fatalf("reserved %d, want the 1 credit given back", n)
	}
	// Completing the pushed job gives its credit back.
	h.Release(pushed)
	if n := s.Reserve(5); n != 1 {
		t.Fatalf("reserved %d after a release, want 1", n)
	}
}

func TestClosedStreamRefusesPushesAndYieldsWhatItHolds(t *testing.T) {
	h, fc := newHub(t, 1)
	s := h.Open(req, 2)
	s.Reserve(2)
	key := fc.AddJob(1, "pay", nil) // activated by the engine for this stream
	fc.Handle(record.JobBatch, record.Activate, func(p int32, cmd record.Record) (record.Record, error) {
		return fakecluster.Answer(cmd, record.Event, record.Activated, &record.JobBatchRecord{Type: "pay"}), nil
	})
	if !s.Push(key, record.JobRecord{Type: "pay"}) {
		t.Fatal("push failed")
	}
	s.Close() // before Next handed the pushed job out
	if s.Push(record.NewKey(1, 99), record.JobRecord{Type: "pay"}) {
		t.Fatal("a closed stream took a push")
	}
	if n := s.Reserve(1); n != 0 {
		t.Fatalf("a closed stream gave %d credits", n)
	}
	var yielded bool
	for _, cmd := range fc.Submitted() {
		if cmd.ValueType == record.Job && cmd.Intent == record.Yield && cmd.Key == key {
			yielded = true
		}
	}
	if !yielded {
		t.Fatal("the pushed job the stream held was not yielded")
	}
}

// pushingCluster is a fake cluster that pushes from the engine step.
type pushingCluster struct {
	*fakecluster.Cluster
	added int
}

func (c *pushingCluster) AddJobStream(jobpush.Stream) func() {
	c.added++
	return func() {}
}

func TestStreamWithPushesActivatesForHalfItsRoom(t *testing.T) {
	fc := &pushingCluster{Cluster: fakecluster.New(1)}
	h := NewHub(fc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(h.Close)
	s := h.Open(req, 4)
	defer s.Close()
	if fc.added != 1 {
		t.Fatal("the stream did not register for pushes")
	}
	for range 3 {
		fc.AddJob(1, "pay", nil)
	}
	got, err := s.Next(context.Background())
	if err != nil || len(got) != 2 {
		t.Fatalf("activated %d jobs (%v), want 2: half the room of 4", len(got), err)
	}
	var asked []int32
	for _, cmd := range fc.Submitted() {
		if b, ok := cmd.Value.(*record.JobBatchRecord); ok {
			asked = append(asked, b.MaxJobsToActivate)
		}
	}
	if len(asked) != 1 || asked[0] != 2 {
		t.Fatalf("activations asked for %v, want [2]", asked)
	}
}

func TestTakeReadyHandsOutPushedJobsWithoutWaiting(t *testing.T) {
	fc := &pushingCluster{Cluster: fakecluster.New(1)}
	h := NewHub(fc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(h.Close)
	s := h.Open(req, 4)
	defer s.Close()
	if got := s.TakeReady(); len(got) != 0 {
		t.Fatalf("TakeReady on an empty stream = %v, want none", got)
	}
	s.Reserve(3)
	deadline := time.Now().Add(time.Minute).UnixMilli()
	var want []int64
	for i := range 3 {
		key := record.NewKey(1, int64(100+i))
		if !s.Push(key, record.JobRecord{Type: "pay", Deadline: deadline}) {
			t.Fatal("push failed")
		}
		want = append(want, key)
	}
	got := s.TakeReady()
	if len(got) != 3 || got[0].Key != want[0] || got[2].Key != want[2] {
		t.Fatalf("TakeReady = %v, want the 3 pushed jobs %v in order", got, want)
	}
	if s.Held() != 3 {
		t.Fatalf("held %d, want the 3 jobs handed out", s.Held())
	}
	if again := s.TakeReady(); len(again) != 0 {
		t.Fatalf("TakeReady handed out %d jobs twice", len(again))
	}
}

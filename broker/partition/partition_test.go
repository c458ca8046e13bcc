package partition

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine/record"
)

func TestSubmitAnswersWithTheEventAfterApply(t *testing.T) {
	s := openSingle(t, t.TempDir(), &testEngine{}, nil)
	rec, err := s.p.Submit(context.Background(), jobCreate())
	if err != nil {
		t.Fatal(err)
	}
	if rec.RecordType != record.Event || rec.Intent != "CREATED" || rec.PartitionID != 1 || rec.Timestamp == 0 {
		t.Fatalf("answer = %+v", rec)
	}
	// The answer comes after the records are durably in the log.
	if got := readAll(t, s.p); len(got) != 2 || got[1].Position != rec.Position {
		t.Fatalf("record log = %+v", got)
	}
}

func TestConcurrentSubmitsAreAllAnsweredOnceInOrder(t *testing.T) {
	s := openSingle(t, t.TempDir(), &testEngine{}, func(c *Config) { c.MaxBatch = 16 })
	const workers, each = 32, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	seen := sync.Map{}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				rec, err := s.p.Submit(context.Background(), jobCreate())
				if err != nil {
					errs <- err
					return
				}
				if _, dup := seen.LoadOrStore(rec.Position, true); dup {
					errs <- fmt.Errorf("position %d answered twice", rec.Position)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := processed(t, s.p); n != workers*each {
		t.Fatalf("processed %d commands, want %d", n, workers*each)
	}
	recs := readAll(t, s.p)
	for i, r := range recs {
		if r.Position != int64(i+1) {
			t.Fatalf("record %d has position %d", i, r.Position)
		}
	}
}

func TestRestartNeitherLosesNorReappliesCommands(t *testing.T) {
	s := openSingle(t, t.TempDir(), &testEngine{}, nil)
	for range 10 {
		if _, err := s.p.Submit(context.Background(), jobCreate()); err != nil {
			t.Fatal(err)
		}
	}
	s.restart()
	checkFor(t, 5*time.Second, func() error {
		if !s.p.Ready() {
			return errNotYet("ready")
		}
		return nil
	})
	rec, err := s.p.Submit(context.Background(), jobCreate())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Position != 22 {
		t.Fatalf("first answer after restart at position %d, want 22", rec.Position)
	}
	if n := processed(t, s.p); n != 11 {
		t.Fatalf("processed %d commands after restart, want 11 (none applied twice)", n)
	}
}

func TestFullQueueRefusesAtOnceAndWritesNothing(t *testing.T) {
	eng := &testEngine{gate: make(chan struct{}), entered: make(chan struct{}, 10)}
	s := openSingle(t, t.TempDir(), eng, func(c *Config) { c.QueueSize = 1; c.MaxInFlight = 1 })
	answers := make(chan error, 3)
	submit := func() {
		go func() {
			_, err := s.p.Submit(context.Background(), jobCreate())
			answers <- err
		}()
	}
	submit()
	<-eng.entered // the first entry is being applied; its slot is taken
	submit()      // the proposer takes this one and waits for a slot
	checkFor(t, 5*time.Second, func() error {
		if s.p.wait.len() != 2 || len(s.p.queue) != 0 {
			return errNotYet("second command taken by the proposer")
		}
		return nil
	})
	submit() // this one fills the queue
	checkFor(t, 5*time.Second, func() error {
		if len(s.p.queue) != 1 {
			return errNotYet("queue full")
		}
		return nil
	})
	if _, err := s.p.Submit(context.Background(), jobCreate()); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("Submit on a full queue = %v, want ErrQueueFull", err)
	}
	close(eng.gate)
	for range 3 {
		if err := <-answers; err != nil {
			t.Fatal(err)
		}
	}
	if n := processed(t, s.p); n != 3 {
		t.Fatalf("processed %d, want 3: the refused command must not be written", n)
	}
}

func TestSubmitGivesUpWhenTheContextEnds(t *testing.T) {
	eng := &testEngine{gate: make(chan struct{})}
	s := openSingle(t, t.TempDir(), eng, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.p.Submit(ctx, jobCreate()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Submit = %v, want DeadlineExceeded", err)
	}
	if n := s.p.wait.len(); n != 0 {
		t.Fatalf("%d waiters left behind", n)
	}
	close(eng.gate)
}

func TestSchedulerAppendsDueCommandsOnTheLeader(t *testing.T) {
	s := openSingle(t, t.TempDir(), &testEngine{}, nil)
	due := time.Now().Add(100 * time.Millisecond).UnixMilli()
	cmd := record.Record{RecordType: record.Command, ValueType: record.Timer, Intent: "CREATE", Key: due}
	if _, err := s.p.Submit(context.Background(), cmd); err != nil {
		t.Fatal(err)
	}
	checkFor(t, 5*time.Second, func() error {
		for _, r := range readAll(t, s.p) {
			if r.Intent == "TRIGGERD" && r.Key == due {
				if r.Timestamp < due {
					return fmt.Errorf("triggered at %d, before it was due at %d", r.Timestamp, due)
				}
				return nil
			}
		}
		return errNotYet("timer triggered")
	})
	// Triggered once only: the scheduler waits for its commands to apply
	// before it looks again. One more round trip lets a duplicate show.
	if _, err := s.p.Submit(context.Background(), jobCreate()); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range readAll(t, s.p) {
		if r.Intent == "TRIGGER" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("timer triggered %d times", n)
	}
}

func TestWatchJobsIsNotifiedWhenJobsBecomeAvailable(t *testing.T) {
	s := openSingle(t, t.TempDir(), &testEngine{}, nil)
	ch, stop := s.p.WatchJobs("work")
	defer stop()
	other, stopOther := s.p.WatchJobs("other")
	defer stopOther()
	if _, err := s.p.Submit(context.Background(), jobCreate()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification for job type work")
	}
	select {
	case <-other:
		t.Fatal("watcher of another job type notified")
	default:
	}
}

func TestDataOlderThanTheNewestSnapshotIsRestoredOnOpen(t *testing.T) {
	s := openSingle(t, t.TempDir(), &testEngine{}, nil)
	for range 5 {
		if _, err := s.p.Submit(context.Background(), jobCreate()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.p.Raft().Snapshot().Error(); err != nil {
		t.Fatal(err)
	}
	s.close()
	// Lose the partition's data (as a power loss could before the FSM
	// synced, were it not for the sync before each snapshot). The key
	// range is storage's layout: 0x02 | partition id.
	db, err := storage.Open(filepath.Join(s.dir, "db"), storage.Options{MemTableSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Pebble().DeleteRange([]byte{2, 0, 0, 0, 1}, []byte{2, 0, 0, 0, 2}, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s.open()
	if n := processed(t, s.p); n != 5 {
		t.Fatalf("processed %d after reopening over lost data, want 5 (restored from the snapshot)", n)
	}
	rec, err := s.p.Submit(context.Background(), jobCreate())
	if err != nil || rec.Position != 12 {
		t.Fatalf("next answer at position %d (%v), want 12", rec.Position, err)
	}
}

func TestACommandInFlightWhenThePartitionClosesHasAnUnknownOutcome(t *testing.T) {
	eng := &testEngine{gate: make(chan struct{}), entered: make(chan struct{}, 16)}
	s := openSingle(t, t.TempDir(), eng, nil)
	res := make(chan error, 1)
	go func() {
		_, err := s.p.Submit(context.Background(), jobCreate())
		res <- err
	}()
	<-eng.entered // committed, and being applied
	closed := make(chan struct{})
	go func() { s.close(); close(closed) }()
	select {
	case err := <-res:
		if !errors.Is(err, ErrClosedInFlight) {
			t.Errorf("Submit = %v, want ErrClosedInFlight (it may be applied: not to be retried blindly)", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("Submit did not return when the partition closed")
	}
	close(eng.gate)
	<-closed
}

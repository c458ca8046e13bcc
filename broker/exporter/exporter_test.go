package exporter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/broker/recordlog"
	"github.com/shoalbpm/shoal/engine/record"
)

// memExporter keeps what it received in memory, with a position per
// partition, and fails the calls it is told to fail.
type memExporter struct {
	mu       sync.Mutex
	pos      map[int32]int64
	got      map[int32][]int64
	calls    int
	failNext int // fail this many next calls
}

func newMemExporter() *memExporter {
	return &memExporter{pos: map[int32]int64{}, got: map[int32][]int64{}}
}

func (m *memExporter) Position(pid int32) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.pos[pid]; ok {
		return p, nil
	}
	return -1, nil
}

func (m *memExporter) Export(pid int32, recs []record.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.failNext > 0 {
		m.failNext--
		return errors.New("disk full")
	}
	for _, r := range recs {
		m.got[pid] = append(m.got[pid], r.Position)
	}
	m.pos[pid] = recs[len(recs)-1].Position
	return nil
}

func (m *memExporter) positions(pid int32) []int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]int64(nil), m.got[pid]...)
}

func newLogs(t *testing.T, n int) (*pebble.DB, []Source) {
	t.Helper()
	db, err := pebble.Open(t.TempDir(), &pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var out []Source
	for i := 1; i <= n; i++ {
		out = append(out, Source{PartitionID: int32(i), Log: recordlog.New(db, []byte{0x02, 0, 0, 0, byte(i), 'r'})})
	}
	return db, out
}

func appendRecords(t *testing.T, db *pebble.DB, l *recordlog.Log, from, to int64) {
	t.Helper()
	var rs []record.Record
	for p := from; p <= to; p++ {
		rs = append(rs, record.Record{Position: p, SourceRecordPosition: -1, Key: p, PartitionID: 1,
			RecordType: record.Event, ValueType: record.ProcessInstance, Intent: record.ElementActivated,
			Value: &record.ProcessInstanceRecord{BpmnProcessID: "p"}})
	}
	b := db.NewBatch()
	defer b.Close()
	if err := l.Append(b, rs); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func seq(from, to int64) []int64 {
	var out []int64
	for p := from; p <= to; p++ {
		out = append(out, p)
	}
	return out
}

func exportedUpTo(r *Runner, pid int32, pos int64) func() error {
	return func() error {
		if got, _ := r.Exported(pid); got != pos {
			return fmt.Errorf("partition %d exported up to %d, want %d", pid, got, pos)
		}
		return nil
	}
}

func TestRunnerExportsInOrderAndResumes(t *testing.T) {
	cases := []struct {
		name      string
		batchSize int
		failFirst int
	}{
		{"small batches", 7, 0},
		{"one batch", 1000, 0},
		{"failures are retried, nothing skipped", 10, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, srcs := newLogs(t, 2)
			appendRecords(t, db, srcs[0].Log, 1, 95)
			appendRecords(t, db, srcs[1].Log, 1, 40)
			exp := newMemExporter()
			exp.failNext = c.failFirst
			r, err := Start(exp, srcs, Config{BatchSize: c.batchSize, PollInterval: time.Hour, MaxBackoff: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "first records", exportedUpTo(r, 1, 95))
			waitFor(t, "first records", exportedUpTo(r, 2, 40))
			// New records are exported at once after Notify (the poll is an hour).
			appendRecords(t, db, srcs[0].Log, 96, 120)
			r.Notify(1)
			waitFor(t, "records after Notify", exportedUpTo(r, 1, 120))
			r.Stop()
			if exp.failNext != 0 {
				t.Fatalf("%d failures left unused", exp.failNext)
			}
			if got := exp.positions(1); fmt.Sprint(got) != fmt.Sprint(seq(1, 120)) {
				t.Fatalf("partition 1 got %v", got)
			}
			if got := exp.positions(2); fmt.Sprint(got) != fmt.Sprint(seq(1, 40)) {
				t.Fatalf("partition 2 got %v", got)
			}

			// A new runner resumes after the exporter's position.
			appendRecords(t, db, srcs[1].Log, 41, 50)
			r, err = Start(exp, srcs, Config{BatchSize: c.batchSize, PollInterval: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Stop()
			waitFor(t, "records after a restart", exportedUpTo(r, 2, 50))
			if got := exp.positions(2); fmt.Sprint(got) != fmt.Sprint(seq(1, 50)) {
				t.Fatalf("partition 2 after restart got %v", got)
			}
			if _, ok := r.Exported(3); ok {
				t.Fatal("a partition the runner does not run reports a position")
			}
		})
	}
}

// TestRunnerWarnsAboutTrimmedRecords: a log that starts above the exported
// position lost records the exporter never saw; the runner says so and
// exports the rest.
func TestRunnerWarnsAboutTrimmedRecords(t *testing.T) {
	db, srcs := newLogs(t, 1)
	appendRecords(t, db, srcs[0].Log, 10, 20)
	var logs bytes.Buffer
	var mu sync.Mutex
	exp := newMemExporter()
	r, err := Start(exp, srcs, Config{PollInterval: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	waitFor(t, "the rest exported", exportedUpTo(r, 1, 20))
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "records trimmed before they were exported") || !strings.Contains(logs.String(), "first=10") {
		t.Fatalf("no warning in %q", logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestRunnerWakesWhenTheLogCommits: an idle runner (both intervals an hour)
// exports records as soon as the log says they are committed.
func TestRunnerWakesWhenTheLogCommits(t *testing.T) {
	db, srcs := newLogs(t, 1)
	exp := newMemExporter()
	r, err := Start(exp, srcs, Config{PollInterval: time.Hour, IdleInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	appendRecords(t, db, srcs[0].Log, 1, 10)
	srcs[0].Log.Committed()
	waitFor(t, "records after a commit", exportedUpTo(r, 1, 10))
}

package partition

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine/record"
)

// checkFor polls f until it returns nil or wait passes (NATS checkFor).
func checkFor(t *testing.T, wait time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after %v: %v", wait, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testLogger() *slog.Logger {
	if os.Getenv("SHOAL_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// single is a one-replica partition over real pebble and a loopback TCP
// raft transport.
type single struct {
	t    *testing.T
	dir  string
	db   *storage.DB
	p    *Partition
	eng  *testEngine
	edit func(*Config)
}

func openSingle(t *testing.T, dir string, eng *testEngine, edit func(*Config)) *single {
	t.Helper()
	s := &single{t: t, dir: dir, eng: eng, edit: edit}
	s.open()
	t.Cleanup(s.close)
	return s
}

func (s *single) open() {
	t := s.t
	t.Helper()
	db, err := storage.Open(filepath.Join(s.dir, "db"), storage.Options{MemTableSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	trans, err := raft.NewTCPTransport("127.0.0.1:0", nil, 3, time.Second, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		ID: 1, NodeID: "n0", Data: db, Dir: filepath.Join(s.dir, "snapshots", "1"), Trans: trans,
		Peers:            []raft.Server{{ID: "n0", Address: trans.LocalAddr()}},
		Bootstrap:        true,
		NewEngine:        func() (Engine, error) { return s.eng, nil },
		Logger:           testLogger(),
		HeartbeatTimeout: 100 * time.Millisecond, ElectionTimeout: 100 * time.Millisecond,
		LeaderLeaseTimeout: 50 * time.Millisecond,
	}
	if s.edit != nil {
		s.edit(&cfg)
	}
	p, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.db, s.p = db, p
	checkFor(t, 5*time.Second, func() error {
		if !p.IsLeader() {
			return errNotYet("leader")
		}
		return nil
	})
}

func (s *single) close() {
	if s.p == nil {
		return
	}
	if err := s.p.Close(); err != nil {
		s.t.Errorf("close partition: %v", err)
	}
	s.p = nil
	if err := s.db.Close(); err != nil {
		s.t.Errorf("close db: %v", err)
	}
}

func (s *single) restart() {
	s.close()
	s.open()
}

type errNotYet string

func (e errNotYet) Error() string { return "not yet: " + string(e) }

func jobCreate() record.Record {
	return record.Record{RecordType: record.Command, ValueType: record.Job, Intent: "CREATE", Key: -1, SourceRecordPosition: -1}
}

// readAll returns the partition's record log.
func readAll(t *testing.T, p *Partition) []record.Record {
	t.Helper()
	var out []record.Record
	if err := p.Records().Read(0, func(r record.Record) bool { out = append(out, r); return true }); err != nil {
		t.Fatal(err)
	}
	return out
}

func processed(t *testing.T, p *Partition) int64 {
	t.Helper()
	view, release := p.cfg.Data.Partition(p.cfg.ID).View()
	defer release()
	n, err := getInt(view, "processed")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

package partition

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine/record"
)

func newTestFSM(t *testing.T) (*fsm, *[]applied) {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "db"), storage.Options{MemTableSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var got []applied
	f, err := newFSM(db.Partition(1), func() (Engine, error) { return &testEngine{}, nil }, testLogger(),
		func(a applied) { got = append(got, a) })
	if err != nil {
		t.Fatal(err)
	}
	return f, &got
}

func commandEntry(t *testing.T, index uint64, n int) *raft.Log {
	t.Helper()
	cmds := make([]record.Record, n)
	for i := range cmds {
		cmds[i] = jobCreate()
		cmds[i].RequestID = index*100 + uint64(i) + 1
	}
	data, err := encodeCommands(cmds)
	if err != nil {
		t.Fatal(err)
	}
	return &raft.Log{Index: index, Term: 1, Type: raft.LogCommand, Data: data}
}

func TestEntryRoundTripsCommands(t *testing.T) {
	in := []record.Record{jobCreate(), jobCreate()}
	in[0].RequestID, in[1].Timestamp = 7, 1234
	data, err := encodeCommands(in)
	if err != nil {
		t.Fatal(err)
	}
	out, skip, err := decodeEntry(data)
	if err != nil || skip || len(out) != 2 || out[0].RequestID != 7 || out[1].Timestamp != 1234 {
		t.Fatalf("decode = %+v, %v, %v", out, skip, err)
	}
}

func TestDecodeEntryTellsUnknownFromIgnorableFromCorrupt(t *testing.T) {
	good, _ := encodeCommands([]record.Record{jobCreate()})
	tests := []struct {
		name    string
		data    []byte
		skip    bool
		wantErr error
	}{
		{"unknown type", []byte{9, 1}, false, errUnknownEntry},
		{"unknown type flagged ignore-unknown", []byte{byte(ignoreUnknown | 9), 1, 42}, true, nil},
		{"unknown version", []byte{byte(entryCommands), 2, 0}, false, errUnknownEntry},
		{"truncated", good[:len(good)-2], false, ErrCorruptEntry},
		{"trailing bytes", append(append([]byte(nil), good...), 0), false, ErrCorruptEntry},
		{"too short", []byte{1}, false, ErrCorruptEntry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, skip, err := decodeEntry(tt.data)
			if skip != tt.skip || !errors.Is(err, tt.wantErr) {
				t.Fatalf("decode = skip %v, %v; want skip %v, %v", skip, err, tt.skip, tt.wantErr)
			}
		})
	}
}

func TestApplySkipsEntriesAtOrBelowTheAppliedIndex(t *testing.T) {
	f, got := newTestFSM(t)
	f.ApplyBatch([]*raft.Log{commandEntry(t, 1, 2), commandEntry(t, 2, 1)})
	// raft hands the same entries again after a restart, then new ones.
	f.ApplyBatch([]*raft.Log{commandEntry(t, 2, 1), commandEntry(t, 3, 1)})
	if n, _ := f.data.Applied(); n != 3 {
		t.Fatalf("applied index %d, want 3", n)
	}
	view, release := f.data.View()
	defer release()
	if n, _ := getInt(view, "processed"); n != 4 {
		t.Fatalf("processed %d commands, want 4", n)
	}
	if len(*got) != 2 || len((*got)[0].responses) != 3 || len((*got)[1].responses) != 1 {
		t.Fatalf("onApplied calls = %+v", *got)
	}
}

func TestUndecodableEntryStopsApplyWithoutCommittingTheBatch(t *testing.T) {
	f, _ := newTestFSM(t)
	f.ApplyBatch([]*raft.Log{commandEntry(t, 1, 1)})
	bad := &raft.Log{Index: 3, Type: raft.LogCommand, Data: []byte{9, 9}}
	resps := f.ApplyBatch([]*raft.Log{commandEntry(t, 2, 1), bad})
	for i, r := range resps {
		if err, _ := r.(error); !errors.Is(err, ErrStopped) {
			t.Fatalf("response %d = %v, want ErrStopped", i, r)
		}
	}
	if n, _ := f.data.Applied(); n != 1 {
		t.Fatalf("applied index %d, want 1: nothing of the failed batch is committed", n)
	}
	if resps := f.ApplyBatch([]*raft.Log{commandEntry(t, 4, 1)}); resps[0] == nil {
		t.Fatal("a stopped FSM applied a later entry")
	}
	if _, err := f.Snapshot(); !errors.Is(err, ErrStopped) {
		t.Fatalf("Snapshot of a stopped FSM = %v; it must refuse, or raft compacts the log", err)
	}
}

// bufferSink is a raft.SnapshotSink into memory.
type bufferSink struct {
	bytes.Buffer
	closed, canceled bool
}

func (s *bufferSink) ID() string    { return "test" }
func (s *bufferSink) Close() error  { s.closed = true; return nil }
func (s *bufferSink) Cancel() error { s.canceled = true; return nil }

func TestSnapshotRestoreCarriesStateRecordsAndAppliedIndex(t *testing.T) {
	src, _ := newTestFSM(t)
	src.ApplyBatch([]*raft.Log{commandEntry(t, 1, 3), commandEntry(t, 2, 2)})
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	src.ApplyBatch([]*raft.Log{commandEntry(t, 3, 1)}) // after the snapshot
	var sink bufferSink
	if err := snap.Persist(&sink); err != nil || !sink.closed {
		t.Fatalf("Persist = %v, closed %v", err, sink.closed)
	}
	snap.Release()

	dst, _ := newTestFSM(t)
	dst.ApplyBatch([]*raft.Log{commandEntry(t, 1, 7)}) // diverging local state, replaced
	if err := dst.Restore(io.NopCloser(&sink)); err != nil {
		t.Fatal(err)
	}
	if dst.appliedIndex != 2 {
		t.Fatalf("applied index after restore %d, want 2", dst.appliedIndex)
	}
	var positions []int64
	_ = dst.log.Read(0, func(r record.Record) bool { positions = append(positions, r.Position); return true })
	if len(positions) != 10 || positions[9] != 10 {
		t.Fatalf("restored record log positions %v, want 1..10", positions)
	}
	// Entry 3 follows on from the snapshot as it did on the source.
	dst.ApplyBatch([]*raft.Log{commandEntry(t, 2, 2), commandEntry(t, 3, 1)})
	a, ra := src.data.View()
	defer ra()
	b, rb := dst.data.View()
	defer rb()
	na, _ := getInt(a, "processed")
	nb, _ := getInt(b, "processed")
	if na != 6 || nb != 6 {
		t.Fatalf("processed: source %d, restored %d; want 6, 6", na, nb)
	}
}

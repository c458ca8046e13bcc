package raftstore

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/hashicorp/raft"
)

func openDB(t *testing.T, dir string) *pebble.DB {
	t.Helper()
	db, err := pebble.Open(dir, &pebble.Options{})
	if err != nil {
		t.Fatalf("open pebble: %v", err)
	}
	return db
}

func openStore(t *testing.T, db *pebble.DB, prefix string) *Store {
	t.Helper()
	s, err := Open(db, []byte(prefix))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return s
}

func entries(from, to uint64) []*raft.Log {
	var logs []*raft.Log
	for i := from; i <= to; i++ {
		logs = append(logs, &raft.Log{
			Index: i, Term: 3, Type: raft.LogCommand,
			Data:       []byte{byte(i), 'x'},
			Extensions: []byte("ext"),
			AppendedAt: time.Unix(100, int64(i)),
		})
	}
	return logs
}

func checkIndexes(t *testing.T, s *Store, first, last uint64) {
	t.Helper()
	f, _ := s.FirstIndex()
	l, _ := s.LastIndex()
	if f != first || l != last {
		t.Fatalf("first, last = %d, %d; want %d, %d", f, l, first, last)
	}
}

func TestStoreLogsRoundTripsEveryField(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	s := openStore(t, db, "p1")
	want := entries(1, 5)
	want[2].Data, want[2].Extensions, want[2].AppendedAt = nil, nil, time.Time{}
	if err := s.StoreLogs(want); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s, 1, 5)
	for _, w := range want {
		var got raft.Log
		if err := s.GetLog(w.Index, &got); err != nil {
			t.Fatalf("GetLog(%d): %v", w.Index, err)
		}
		if got.Index != w.Index || got.Term != w.Term || got.Type != w.Type ||
			!bytes.Equal(got.Data, w.Data) || !bytes.Equal(got.Extensions, w.Extensions) ||
			!got.AppendedAt.Equal(w.AppendedAt) {
			t.Fatalf("GetLog(%d) = %+v, want %+v", w.Index, got, *w)
		}
	}
}

func TestGetLogOfMissingIndexIsErrLogNotFound(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	s := openStore(t, db, "p1")
	var l raft.Log
	if err := s.GetLog(7, &l); !errors.Is(err, raft.ErrLogNotFound) {
		t.Fatalf("GetLog on empty store: %v, want raft.ErrLogNotFound", err)
	}
}

func TestDeleteRangeMovesFirstAndLast(t *testing.T) {
	tests := []struct {
		name        string
		min, max    uint64
		first, last uint64
	}{
		{"prefix (compaction)", 1, 4, 5, 10},
		{"suffix (conflict)", 7, 10, 1, 6},
		{"everything", 1, 10, 0, 0},
		{"beyond both ends", 0, ^uint64(0), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := openDB(t, dir)
			s := openStore(t, db, "p1")
			if err := s.StoreLogs(entries(1, 10)); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteRange(tt.min, tt.max); err != nil {
				t.Fatal(err)
			}
			checkIndexes(t, s, tt.first, tt.last)
			var l raft.Log
			if err := s.GetLog(max(tt.min, 1), &l); !errors.Is(err, raft.ErrLogNotFound) {
				t.Fatalf("deleted entry %d still readable: %v", tt.min, err)
			}
			// The in-memory indexes agree with what a fresh open reads.
			db.Close()
			db = openDB(t, dir)
			defer db.Close()
			checkIndexes(t, openStore(t, db, "p1"), tt.first, tt.last)
		})
	}
}

func TestStoresUnderDifferentPrefixesDoNotSeeEachOther(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	a, b := openStore(t, db, "p1"), openStore(t, db, "p2")
	if err := a.StoreLogs(entries(1, 3)); err != nil {
		t.Fatal(err)
	}
	if err := a.SetUint64([]byte("CurrentTerm"), 9); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, openStore(t, db, "p2"), 0, 0)
	if _, err := b.GetUint64([]byte("CurrentTerm")); err == nil {
		t.Fatal("p2 sees p1's stable value")
	}
}

func TestStableStoreMissingKeyErrorTextIsNotFound(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	s := openStore(t, db, "p1")
	if _, err := s.Get([]byte("LastVoteCand")); err == nil || err.Error() != "not found" {
		t.Fatalf("Get missing = %v, want error text \"not found\"", err)
	}
	if _, err := s.GetUint64([]byte("CurrentTerm")); err == nil || err.Error() != "not found" {
		t.Fatalf("GetUint64 missing = %v, want error text \"not found\"", err)
	}
}

func TestStableStoreValuesSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	s := openStore(t, db, "p1")
	if err := s.Set([]byte("LastVoteCand"), []byte("node-2")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUint64([]byte("CurrentTerm"), 42); err != nil {
		t.Fatal(err)
	}
	v, _ := s.Get([]byte("LastVoteCand"))
	v[0] = 'X' // the caller owns the returned slice
	db.Close()

	db = openDB(t, dir)
	defer db.Close()
	s = openStore(t, db, "p1")
	if v, err := s.Get([]byte("LastVoteCand")); err != nil || string(v) != "node-2" {
		t.Fatalf("Get = %q, %v; want node-2", v, err)
	}
	if n, err := s.GetUint64([]byte("CurrentTerm")); err != nil || n != 42 {
		t.Fatalf("GetUint64 = %d, %v; want 42", n, err)
	}
}

func TestDecodeRejectsTruncatedEntries(t *testing.T) {
	full := encodeLog(nil, entries(1, 1)[0])
	for n := 0; n < len(full); n++ {
		var l raft.Log
		if err := decodeLog(full[:n], &l); !errors.Is(err, ErrCorruptLog) {
			t.Fatalf("decode of %d/%d bytes: %v, want ErrCorruptLog", n, len(full), err)
		}
	}
}

func BenchmarkStoreLogs(b *testing.B) {
	db, err := pebble.Open(b.TempDir(), &pebble.Options{MemTableSize: 64 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s, _ := Open(db, []byte("p1"))
	data := bytes.Repeat([]byte{'x'}, 2000)
	var idx uint64
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		idx++
		if err := s.StoreLogs([]*raft.Log{{Index: idx, Term: 1, Type: raft.LogCommand, Data: data}}); err != nil {
			b.Fatal(err)
		}
	}
}

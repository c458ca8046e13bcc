package storage

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func openDB(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(dir, Options{MemTableSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// collect returns the key=value pairs under prefix as one string.
func collect(t *testing.T, kv interface {
	Iterate([]byte, func(k, v []byte) bool) error
}, prefix string) string {
	t.Helper()
	var out []string
	mustNil(t, kv.Iterate([]byte(prefix), func(k, v []byte) bool {
		out = append(out, fmt.Sprintf("%s=%s", k, v))
		return true
	}))
	return fmt.Sprint(out)
}

func TestBatchKVReadsItsOwnWritesBeforeCommit(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	b := db.Partition(1).NewBatch()
	defer b.Close()
	kv := b.KV()
	mustNil(t, kv.Set([]byte("job/2"), []byte("b")))
	mustNil(t, kv.Set([]byte("job/1"), []byte("a")))
	mustNil(t, kv.Set([]byte("timer/1"), []byte("t")))
	mustNil(t, kv.Delete([]byte("job/2")))
	if v, ok, err := kv.Get([]byte("job/1")); err != nil || !ok || string(v) != "a" {
		t.Fatalf("Get job/1 = %q, %v, %v", v, ok, err)
	}
	if _, ok, _ := kv.Get([]byte("job/2")); ok {
		t.Fatal("deleted key still found")
	}
	if got := collect(t, kv, "job/"); got != "[job/1=a]" {
		t.Fatalf("Iterate job/ = %s", got)
	}
}

func TestUncommittedBatchLeavesNoTrace(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	p := db.Partition(1)
	b := p.NewBatch()
	mustNil(t, b.KV().Set([]byte("k"), []byte("v")))
	mustNil(t, b.SetApplied(9))
	b.Close()
	view, release := p.View()
	defer release()
	if _, ok, _ := view.Get([]byte("k")); ok {
		t.Fatal("uncommitted write visible")
	}
	if n, _ := p.Applied(); n != 0 {
		t.Fatalf("Applied = %d, want 0", n)
	}
}

func TestCommittedStateAndAppliedIndexSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	b := db.Partition(2).NewBatch()
	mustNil(t, b.KV().Set([]byte("k"), []byte("v")))
	mustNil(t, b.SetApplied(17))
	mustNil(t, b.Commit())
	b.Close()
	mustNil(t, db.Close())

	db = openDB(t, dir)
	defer db.Close()
	p := db.Partition(2)
	if n, err := p.Applied(); err != nil || n != 17 {
		t.Fatalf("Applied = %d, %v; want 17", n, err)
	}
	view, release := p.View()
	defer release()
	if v, ok, _ := view.Get([]byte("k")); !ok || string(v) != "v" {
		t.Fatalf("Get k = %q, %v", v, ok)
	}
	if err := view.Set([]byte("k"), nil); !errors.Is(err, errReadOnly) {
		t.Fatalf("Set on a view = %v, want errReadOnly", err)
	}
}

func TestPartitionsDoNotSeeEachOthersState(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	for _, id := range []int32{1, 2, 256} {
		b := db.Partition(id).NewBatch()
		mustNil(t, b.KV().Set([]byte("k"), fmt.Appendf(nil, "p%d", id)))
		mustNil(t, b.Commit())
		b.Close()
	}
	for _, id := range []int32{1, 2, 256} {
		view, release := db.Partition(id).View()
		if got, want := collect(t, view, ""), fmt.Sprintf("[k=p%d]", id); got != want {
			t.Errorf("partition %d state = %s, want %s", id, got, want)
		}
		release()
	}
}

func TestRestoreReplacesStateWithTheSnapshot(t *testing.T) {
	src := openDB(t, t.TempDir())
	defer src.Close()
	p := src.Partition(1)
	b := p.NewBatch()
	for i := range 1000 {
		mustNil(t, b.KV().Set(fmt.Appendf(nil, "k%04d", i), bytes.Repeat([]byte{byte(i)}, i%50)))
	}
	mustNil(t, b.SetApplied(33))
	mustNil(t, b.Commit())
	b.Close()
	snap := p.Snapshot()
	// A write after the snapshot is not in it.
	b = p.NewBatch()
	mustNil(t, b.KV().Set([]byte("late"), []byte("x")))
	mustNil(t, b.Commit())
	b.Close()
	var buf bytes.Buffer
	_, err := snap.WriteTo(&buf)
	mustNil(t, err)
	if n, _ := snap.Applied(); n != 33 {
		t.Fatalf("snapshot Applied = %d", n)
	}
	snap.Close()

	dst := openDB(t, t.TempDir())
	defer dst.Close()
	q := dst.Partition(1)
	b = q.NewBatch()
	mustNil(t, b.KV().Set([]byte("stale"), []byte("gone after restore")))
	mustNil(t, b.Commit())
	b.Close()
	mustNil(t, q.Restore(bytes.NewReader(buf.Bytes())))

	if n, _ := q.Applied(); n != 33 {
		t.Fatalf("restored Applied = %d, want 33", n)
	}
	want, _ := p.View()
	got, _ := q.View()
	wantAll := collect(t, want, "k")
	if g := collect(t, got, ""); g != wantAll {
		t.Fatalf("restored state differs: %d vs %d bytes", len(g), len(wantAll))
	}
}

func TestRestoreRejectsBrokenStreams(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	p := db.Partition(1)
	b := p.NewBatch()
	mustNil(t, b.KV().Set([]byte("k"), []byte("v")))
	mustNil(t, b.Commit())
	b.Close()
	snap := p.Snapshot()
	var buf bytes.Buffer
	_, err := snap.WriteTo(&buf)
	mustNil(t, err)
	snap.Close()
	full := buf.Bytes()

	tests := []struct {
		name   string
		stream []byte
		into   int32
	}{
		{"other partition", full, 2},
		{"truncated", full[:len(full)-3], 1},
		{"bad magic", append([]byte("XX"), full[2:]...), 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.Partition(tt.into).Restore(bytes.NewReader(tt.stream)); !errors.Is(err, ErrBadSnapshot) {
				t.Fatalf("Restore = %v, want ErrBadSnapshot", err)
			}
			view, release := p.View()
			defer release()
			if v, ok, _ := view.Get([]byte("k")); !ok || string(v) != "v" {
				t.Fatal("a failed restore changed the data")
			}
		})
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct{ in, want []byte }{
		{[]byte{1, 2}, []byte{1, 3}},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff}, nil},
	}
	for _, tt := range tests {
		if got := prefixEnd(tt.in); !bytes.Equal(got, tt.want) {
			t.Errorf("prefixEnd(%x) = %x, want %x", tt.in, got, tt.want)
		}
	}
}

func TestNoSyncCommitIsVisibleAndSyncSucceeds(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	p := db.Partition(1)
	b := p.NewBatch()
	mustNil(t, b.KV().Set([]byte("k"), []byte("v")))
	mustNil(t, b.SetApplied(5))
	mustNil(t, b.CommitNoSync())
	b.Close()
	mustNil(t, p.Sync())
	mustNil(t, db.Close())
	db = openDB(t, dir)
	defer db.Close()
	if n, _ := db.Partition(1).Applied(); n != 5 {
		t.Fatalf("Applied = %d after reopen, want 5", n)
	}
}

package storage

import (
	"bytes"
	"fmt"
	"testing"
)

// get reads key through a new batch of p (as the next apply would).
func getThroughBatch(t *testing.T, p *Partition, key string) (string, bool) {
	t.Helper()
	b := p.NewBatch()
	defer b.Close()
	v, ok, err := b.KV().Get([]byte(key))
	mustNil(t, err)
	return string(v), ok
}

func commit(t *testing.T, p *Partition, fn func(b *Batch)) {
	t.Helper()
	b := p.NewBatch()
	defer b.Close()
	fn(b)
	mustNil(t, b.Commit())
}

func TestRowCache_ReadsSeeCommittedWritesAndDeletes(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	p := db.Partition(1)
	if _, ok := getThroughBatch(t, p, "k"); ok {
		t.Fatal("found a key never written")
	}
	// the miss above is cached as absent: a write must replace it
	commit(t, p, func(b *Batch) { mustNil(t, b.KV().Set([]byte("k"), []byte("v1"))) })
	if v, ok := getThroughBatch(t, p, "k"); !ok || v != "v1" {
		t.Fatalf("after set: %q %v", v, ok)
	}
	commit(t, p, func(b *Batch) { mustNil(t, b.KV().Delete([]byte("k"))) })
	if _, ok := getThroughBatch(t, p, "k"); ok {
		t.Fatal("found after delete")
	}
	// another Partition value of the same id shares the cache
	commit(t, db.Partition(1), func(b *Batch) { mustNil(t, b.KV().Set([]byte("k"), []byte("v2"))) })
	if v, _ := getThroughBatch(t, p, "k"); v != "v2" {
		t.Fatalf("a second handle's write not seen: %q", v)
	}
}

func TestRowCache_AnUncommittedBatchIsForgotten(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	p := db.Partition(1)
	commit(t, p, func(b *Batch) { mustNil(t, b.KV().Set([]byte("k"), []byte("kept"))) })
	b := p.NewBatch()
	mustNil(t, b.KV().Set([]byte("k"), []byte("dropped")))
	mustNil(t, b.KV().Set([]byte("new"), []byte("dropped")))
	b.Close() // a failed apply: no commit
	if v, _ := getThroughBatch(t, p, "k"); v != "kept" {
		t.Fatalf("read %q after an uncommitted overwrite", v)
	}
	if _, ok := getThroughBatch(t, p, "new"); ok {
		t.Fatal("an uncommitted key is visible")
	}
}

func TestRowCache_RestoreReplacesWhatWasCached(t *testing.T) {
	src := openDB(t, t.TempDir())
	defer src.Close()
	commit(t, src.Partition(1), func(b *Batch) { mustNil(t, b.KV().Set([]byte("k"), []byte("snap"))) })
	var buf bytes.Buffer
	snap := src.Partition(1).Snapshot()
	_, err := snap.WriteTo(&buf)
	mustNil(t, err)
	snap.Close()

	db := openDB(t, t.TempDir())
	defer db.Close()
	p := db.Partition(1)
	commit(t, p, func(b *Batch) {
		mustNil(t, b.KV().Set([]byte("k"), []byte("old")))
		mustNil(t, b.KV().Set([]byte("gone"), []byte("old")))
	})
	getThroughBatch(t, p, "k")
	mustNil(t, p.Restore(&buf))
	if v, _ := getThroughBatch(t, p, "k"); v != "snap" {
		t.Fatalf("read %q after restore", v)
	}
	if _, ok := getThroughBatch(t, p, "gone"); ok {
		t.Fatal("a key the snapshot does not have is still read")
	}
}

func TestRowCache_EvictedRowsAreReadFromPebble(t *testing.T) {
	db, err := Open(t.TempDir(), Options{MemTableSize: 4 << 20, RowCacheSize: 4 << 10})
	mustNil(t, err)
	defer db.Close()
	p := db.Partition(1)
	commit(t, p, func(b *Batch) {
		for i := range 1000 {
			mustNil(t, b.KV().Set(fmt.Appendf(nil, "k%04d", i), fmt.Appendf(nil, "v%d", i)))
		}
	})
	if n := len(p.cache.cur) + len(p.cache.prev); n >= 1000 {
		t.Fatalf("a 4 KiB cache holds %d rows", n)
	}
	for i := range 1000 {
		if v, ok := getThroughBatch(t, p, fmt.Sprintf("k%04d", i)); !ok || v != fmt.Sprint("v", i) {
			t.Fatalf("k%04d = %q %v", i, v, ok)
		}
	}
}

func TestBatchKV_ScansSeeWritesMadeAfterAnEarlierScan(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	b := db.Partition(1).NewBatch()
	defer b.Close()
	kv := b.KV()
	mustNil(t, kv.Set([]byte("a/1"), []byte("x")))
	if got := collect(t, kv, "a/"); got != "[a/1=x]" {
		t.Fatalf("first scan: %s", got)
	}
	mustNil(t, kv.Set([]byte("a/2"), []byte("y")))
	mustNil(t, kv.Delete([]byte("a/1")))
	if got := collect(t, kv, "a/"); got != "[a/2=y]" {
		t.Fatalf("scan after writes: %s", got)
	}
	var got []string
	mustNil(t, kv.Scan([]byte("a/"), []byte("a/3"), func(k, _ []byte) bool { got = append(got, string(k)); return true }))
	if fmt.Sprint(got) != "[a/2]" {
		t.Fatalf("Scan: %v", got)
	}
	mustNil(t, b.Commit())
	view, release := db.Partition(1).View()
	defer release()
	if got := collect(t, view, "a/"); got != "[a/2=y]" {
		t.Fatalf("committed: %s", got)
	}
}

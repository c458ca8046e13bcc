package recordlog

import (
	"errors"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/engine/record"
)

func newLog(t *testing.T) (*pebble.DB, *Log) {
	t.Helper()
	db, err := pebble.Open(t.TempDir(), &pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, New(db, []byte{0x02, 0, 0, 0, 1, 'r'})
}

func recs(from, to int64) []record.Record {
	var out []record.Record
	for p := from; p <= to; p++ {
		out = append(out, record.Record{
			Position: p, SourceRecordPosition: -1, Key: record.NewKey(1, p), PartitionID: 1,
			RecordType: record.Event, ValueType: record.ProcessInstance, Intent: record.ElementActivated,
			Value: &record.ProcessInstanceRecord{BpmnProcessID: "order"},
		})
	}
	return out
}

func appendCommit(t *testing.T, db *pebble.DB, l *Log, rs []record.Record) {
	t.Helper()
	b := db.NewBatch()
	defer b.Close()
	if err := l.Append(b, rs); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
	l.Committed()
}

func positions(t *testing.T, l *Log, from int64, limit int) []int64 {
	t.Helper()
	var out []int64
	if err := l.Read(from, func(r record.Record) bool {
		out = append(out, r.Position)
		return len(out) < limit
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadReturnsRecordsInPositionOrderFromAPosition(t *testing.T) {
	db, l := newLog(t)
	appendCommit(t, db, l, recs(1, 3))
	appendCommit(t, db, l, recs(4, 300))
	got := positions(t, l, 250, 1000)
	if len(got) != 51 || got[0] != 250 || got[50] != 300 {
		t.Fatalf("Read(250) = %d records %v..", len(got), got[:3])
	}
	if got := positions(t, l, 1, 2); len(got) != 2 || got[1] != 2 {
		t.Fatalf("Read stops when fn returns false: %v", got)
	}
	var first record.Record
	_ = l.Read(7, func(r record.Record) bool { first = r; return false })
	if v, ok := first.Value.(*record.ProcessInstanceRecord); !ok || v.BpmnProcessID != "order" || first.Key != record.NewKey(1, 7) {
		t.Fatalf("record read back = %+v", first)
	}
}

func TestAppendRejectsPositionsThatDoNotIncrease(t *testing.T) {
	_, l := newLog(t)
	db := l.db
	b := db.NewBatch()
	defer b.Close()
	bad := append(recs(5, 6), recs(6, 6)...)
	if err := l.Append(b, bad); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("Append = %v, want ErrOutOfOrder", err)
	}
}

func TestTrimDeletesOnlyBelowThePositionKeepingChunksWhole(t *testing.T) {
	db, l := newLog(t)
	appendCommit(t, db, l, recs(1, 5))
	appendCommit(t, db, l, recs(6, 10))
	appendCommit(t, db, l, recs(11, 20))
	for _, c := range []struct {
		upTo, first int64
	}{
		{1, 1},   // nothing below
		{6, 6},   // exactly a chunk's start
		{8, 6},   // inside the chunk 6-10: kept whole
		{11, 11}, // the chunk 6-10 is all below
		{15, 11},
	} {
		if err := l.Trim(c.upTo); err != nil {
			t.Fatal(err)
		}
		first, last, ok, err := l.Bounds()
		if err != nil || !ok || first != c.first || last != 20 {
			t.Fatalf("after Trim(%d): Bounds = %d, %d, %v, %v; want %d, 20", c.upTo, first, last, ok, err, c.first)
		}
		if got := positions(t, New(db, l.prefix), 0, 100); len(got) != int(21-c.first) || got[0] != c.first {
			t.Fatalf("after Trim(%d): pebble holds %v", c.upTo, got)
		}
	}
	if err := l.Trim(100); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := l.Bounds(); ok {
		t.Fatal("log not empty after trimming everything")
	}
}

func TestReadFromInsideAChunkStartsAtThePosition(t *testing.T) {
	db, l := newLog(t)
	appendCommit(t, db, l, recs(1, 10))
	appendCommit(t, db, l, recs(11, 15))
	cold := New(db, l.prefix) // no tail: reads pebble
	for _, from := range []int64{0, 1, 4, 10, 11, 13, 15} {
		got := positions(t, cold, from, 100)
		if len(got) != int(16-max(from, 1)) || got[0] != max(from, 1) || got[len(got)-1] != 15 {
			t.Fatalf("from %d: read %v", from, got)
		}
	}
	if got := positions(t, cold, 16, 100); len(got) != 0 {
		t.Fatalf("from the end: read %v", got)
	}
	if got := positions(t, cold, 3, 2); len(got) != 2 || got[0] != 3 || got[1] != 4 {
		t.Fatalf("stopping inside a chunk: read %v", got)
	}
}

// Logs written before chunks hold one record per key; they read, bound
// and trim as before, beside chunks appended after them.
func TestRecordsStoredOnePerKeyReadBesideChunks(t *testing.T) {
	db, l := newLog(t)
	b := db.NewBatch()
	for _, r := range recs(1, 4) {
		v, err := record.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Set(l.key(r.Position), v, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
	appendCommit(t, db, l, recs(5, 8))
	cold := New(db, l.prefix)
	if got := positions(t, cold, 2, 100); len(got) != 7 || got[0] != 2 || got[6] != 8 {
		t.Fatalf("read %v", got)
	}
	if last, ok, err := cold.Last(); !ok || err != nil || last != 8 {
		t.Fatalf("Last = %d, %v, %v", last, ok, err)
	}
	if err := cold.Trim(3); err != nil {
		t.Fatal(err)
	}
	if first, last, ok, err := cold.Bounds(); !ok || err != nil || first != 3 || last != 8 {
		t.Fatalf("Bounds after Trim(3) = %d, %d, %v, %v", first, last, ok, err)
	}
}

// TestTail_ReadsTheSameRecordsAsPebble reads every range both from the
// in-memory tail and from a second Log over the same pebble (no tail).
func TestTail_ReadsTheSameRecordsAsPebble(t *testing.T) {
	db, l := newLog(t)
	l.tailMax = 8 // small: the tail rolls over many times
	for from := int64(1); from <= 100; from += 7 {
		appendCommit(t, db, l, recs(from, from+6))
	}
	cold := New(db, l.prefix)
	for _, from := range []int64{0, 1, 50, 90, 95, 105, 106, 107, 200} {
		got, want := positions(t, l, from, 1000), positions(t, cold, from, 1000)
		if len(got) != len(want) || (len(got) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
			t.Fatalf("from %d: tail gives %v, pebble %v", from, got, want)
		}
	}
	buf := make([]record.Record, 4)
	if n, last, ok := l.fromTail(105, buf); !ok || n != 1 || last != 105 || buf[0].Position != 105 {
		t.Fatalf("the newest record is not served from the tail: %d %d %v", n, last, ok)
	}
	if _, _, ok := l.fromTail(97, buf); ok {
		t.Fatal("a record older than the tail's 8 is served from it")
	}
}

// TestTail_ReadsRecordsCommittedWhileReadingUpToWhereTheReadStarted reads
// more records than one copy out of the tail holds, committing more from
// inside fn: the read ends at the newest position when it started.
func TestTail_ReadsRecordsCommittedWhileReadingUpToWhereTheReadStarted(t *testing.T) {
	db, l := newLog(t)
	l.tailMax = 1024
	appendCommit(t, db, l, recs(1, 600)) // more than readBufs hold
	var got []int64
	next := int64(601)
	if err := l.Read(1, func(r record.Record) bool {
		got = append(got, r.Position)
		if r.Position%100 == 0 { // the writer goes on meanwhile
			appendCommit(t, db, l, recs(next, next+9))
			next += 10
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 600 || got[0] != 1 || got[599] != 600 {
		t.Fatalf("read %d records %d..%d, want 1..600", len(got), got[0], got[len(got)-1])
	}
	for i := range got {
		if got[i] != int64(i+1) {
			t.Fatalf("record %d has position %d", i, got[i])
		}
	}
}

// TestTail_RecordsOverwrittenWhileReadingComeFromPebble lets the writer
// overwrite the whole ring while a read is between two copies out of it.
func TestTail_RecordsOverwrittenWhileReadingComeFromPebble(t *testing.T) {
	db, l := newLog(t)
	l.tailMax = 300 // above one copy (256), below what is written meanwhile
	appendCommit(t, db, l, recs(1, 300))
	var got []int64
	if err := l.Read(1, func(r record.Record) bool {
		got = append(got, r.Position)
		if r.Position == 10 {
			appendCommit(t, db, l, recs(301, 1000))
		}
		return r.Position < 400
	}); err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i] != int64(i+1) {
			t.Fatalf("record %d has position %d (read %d records)", i, got[i], len(got))
		}
	}
	if len(got) != 400 {
		t.Fatalf("read %d records, want 1..400", len(got))
	}
}

func TestTail_DropsWhatWasNotCommittedAndWhatWasReplaced(t *testing.T) {
	db, l := newLog(t)
	appendCommit(t, db, l, recs(1, 3))
	b := db.NewBatch()
	if err := l.Append(b, recs(4, 5)); err != nil {
		t.Fatal(err)
	}
	b.Close() // dropped
	l.Discard()
	if got := positions(t, l, 1, 10); len(got) != 3 {
		t.Fatalf("read %v after a dropped batch", got)
	}
	// the log is replaced below it (a snapshot installed)
	appendCommit(t, db, New(db, l.prefix), recs(4, 9))
	l.Reset()
	if got := positions(t, l, 1, 10); len(got) != 9 {
		t.Fatalf("read %v after a reset", got)
	}
}

func TestLast_FollowsCommitsNotDroppedBatchesAndReadsPebbleWhenUnknown(t *testing.T) {
	db, l := newLog(t)
	if _, ok, err := l.Last(); ok || err != nil {
		t.Fatalf("an empty log has a last position (%v)", err)
	}
	appendCommit(t, db, l, recs(1, 5))
	b := db.NewBatch()
	if err := l.Append(b, recs(6, 7)); err != nil {
		t.Fatal(err)
	}
	b.Close() // dropped
	l.Discard()
	want := func(l *Log, pos int64) {
		t.Helper()
		if last, ok, err := l.Last(); !ok || err != nil || last != pos {
			t.Fatalf("Last = %d, %v, %v; want %d", last, ok, err, pos)
		}
	}
	want(l, 5)
	if err := l.Trim(100); err != nil {
		t.Fatal(err)
	}
	want(l, 5) // trimmed, still the newest written
	appendCommit(t, db, l, recs(6, 8))
	want(l, 8)
	want(New(db, l.prefix), 8) // a log opened on the same pebble reads it
	// the log is replaced below it (a snapshot installed)
	appendCommit(t, db, New(db, l.prefix), recs(9, 12))
	l.Reset()
	want(l, 12)
}

func TestCorruptChunkIsAnErrorNotAPanic(t *testing.T) {
	db, l := newLog(t)
	appendCommit(t, db, l, recs(1, 3))
	v, err := l.appendChunk(recs(4, 6))
	if err != nil {
		t.Fatal(err)
	}
	for cut := 1; cut < len(v); cut += 7 {
		if err := db.Set(l.key(4), v[:cut], pebble.Sync); err != nil {
			t.Fatal(err)
		}
		err := New(db, l.prefix).Read(0, func(record.Record) bool { return true })
		if !errors.Is(err, record.ErrCorrupt) {
			t.Fatalf("a chunk cut at %d of %d bytes: %v", cut, len(v), err)
		}
	}
}

// TestTail_CommittingDoesNotAllocateOnceTheRingExists: the ring is
// allocated once; rolling over it many times allocates nothing.
func TestTail_CommittingDoesNotAllocateOnceTheRingExists(t *testing.T) {
	_, l := newLog(t)
	l.tailMax = 64
	batch := recs(1, 16)
	next := int64(1)
	commit := func() {
		for i := range batch {
			batch[i].Position = next
			next++
		}
		l.mu.Lock()
		l.pending = append(l.pending, batch...)
		l.mu.Unlock()
		l.Committed()
	}
	commit()
	if avg := testing.AllocsPerRun(100, commit); avg != 0 {
		t.Fatalf("Committed allocates %.2f times per call with the ring in place, want 0", avg)
	}
	buf := make([]record.Record, 64)
	if n, last, ok := l.fromTail(next-64, buf); !ok || n != 64 || last != next-1 || buf[0].Position != next-64 || buf[63].Position != next-1 {
		t.Fatalf("tail after rolling over = %d records to %d (%v)", n, last, ok)
	}
}

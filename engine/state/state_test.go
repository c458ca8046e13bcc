package state

import (
	"strings"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
)

func TestMemKV_IteratesAPrefixInKeyOrderAndStopsEarly(t *testing.T) {
	kv := NewMemKV()
	for _, k := range []string{"b2", "a1", "b1", "b10", "c"} {
		if err := kv.Set([]byte(k), []byte("v"+k)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := kv.Iterate([]byte("b"), func(k, v []byte) bool {
		got = append(got, string(k)+"="+string(v))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "b1=vb1,b10=vb10,b2=vb2" {
		t.Fatalf("iterated %v", got)
	}
	n := 0
	_ = kv.Iterate(nil, func(_, _ []byte) bool { n++; return n < 2 })
	if n != 2 {
		t.Fatalf("iteration did not stop early: %d", n)
	}
	if err := kv.Delete([]byte("b1")); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := kv.Get([]byte("b1")); ok {
		t.Fatal("deleted key still there")
	}
}

func TestMemKV_ValuesSurviveLaterWritesToTheirKeyAndInputs(t *testing.T) {
	kv := NewMemKV()
	key, val := []byte("k"), []byte("abc")
	_ = kv.Set(key, val)
	val[0], key[0] = 'X', 'j' // the caller reuses its buffers
	v, ok, _ := kv.Get([]byte("k"))
	if !ok || string(v) != "abc" {
		t.Fatalf("stored value changed with the caller's buffer: %s %v", v, ok)
	}
	_ = kv.Set([]byte("k"), []byte("new"))
	if string(v) != "abc" {
		t.Fatalf("a kept value changed when its key was set again: %s", v)
	}
}

func TestJobs_IndexesFollowTheJobState(t *testing.T) {
	st := New(NewMemKV())
	j := &Job{Key: 7, State: JobActivatable, Value: record.JobRecord{Type: "pay", Retries: 1, Deadline: -1, RecurringTime: -1}}
	mustNil(t, st.PutJob(nil, j))
	if keys, _ := st.ActivatableJobs("pay", 10); len(keys) != 1 || keys[0] != 7 {
		t.Fatalf("activatable = %v", keys)
	}
	if keys, _ := st.ActivatableJobs("pa", 10); len(keys) != 0 {
		t.Fatalf("type prefix matched another type: %v", keys)
	}
	act := *j
	act.State, act.Value.Deadline = JobActivated, 500
	mustNil(t, st.PutJob(j, &act))
	if keys, _ := st.ActivatableJobs("pay", 10); len(keys) != 0 {
		t.Fatal("activated job still activatable")
	}
	if due, _ := st.DueJobs(FamJobDeadline, 499, 10); len(due) != 0 {
		t.Fatal("deadline due too early")
	}
	if due, _ := st.DueJobs(FamJobDeadline, 500, 10); len(due) != 1 || due[0].JobKey != 7 {
		t.Fatalf("due = %v", due)
	}
	mustNil(t, st.DeleteJob(&act))
	if n := st.KV.(*MemKV).Len(); n != 0 {
		t.Fatalf("%d keys left after delete", n)
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestMemKV_ScanVisitsAHalfOpenRange(t *testing.T) {
	kv := NewMemKV()
	for _, k := range []string{"a", "b", "b1", "c", "d"} {
		mustNil(t, kv.Set([]byte(k), nil))
	}
	var got []string
	mustNil(t, kv.Scan([]byte("b"), []byte("d"), func(k, _ []byte) bool {
		got = append(got, string(k))
		return true
	}))
	if strings.Join(got, ",") != "b,b1,c" {
		t.Fatalf("scanned %v", got)
	}
}

// countingKV counts the keys its scans and iterations visit.
type countingKV struct {
	*MemKV
	visited int
}

func (c *countingKV) Iterate(prefix []byte, fn func(k, v []byte) bool) error {
	return c.MemKV.Iterate(prefix, func(k, v []byte) bool { c.visited++; return fn(k, v) })
}

func (c *countingKV) Scan(start, end []byte, fn func(k, v []byte) bool) error {
	return c.MemKV.Scan(start, end, func(k, v []byte) bool { c.visited++; return fn(k, v) })
}

func activatable(key int64) *Job {
	return &Job{Key: key, State: JobActivatable, Value: record.JobRecord{Type: "pay", Retries: 3, Deadline: -1, RecurringTime: -1}}
}

func TestActivatableJobs_FindAJobThatReturnsBelowTheQueuesHead(t *testing.T) {
	st := New(NewMemKV())
	for k := int64(10); k <= 12; k++ {
		mustNil(t, st.PutJob(nil, activatable(k)))
	}
	if keys, _ := st.ActivatableJobs("pay", 2); len(keys) != 2 || keys[0] != 10 {
		t.Fatalf("activatable = %v", keys)
	}
	// 10 and 11 are activated: the queue's head moves to 12.
	for k := int64(10); k <= 11; k++ {
		act := *activatable(k)
		act.State, act.Value.Deadline = JobActivated, 100
		mustNil(t, st.PutJob(activatable(k), &act))
	}
	if keys, _ := st.ActivatableJobs("pay", 10); len(keys) != 1 || keys[0] != 12 {
		t.Fatalf("activatable after activating two = %v", keys)
	}
	// 10 times out and goes back with its old key, below the head.
	act := *activatable(10)
	act.State, act.Value.Deadline = JobActivated, 100
	mustNil(t, st.PutJob(&act, activatable(10)))
	if keys, _ := st.ActivatableJobs("pay", 10); len(keys) != 2 || keys[0] != 10 || keys[1] != 12 {
		t.Fatalf("activatable after a timeout = %v", keys)
	}
}

func TestActivatableJobs_AnEmptiedQueueSeesNewJobs(t *testing.T) {
	st := New(NewMemKV())
	if keys, _ := st.ActivatableJobs("pay", 10); len(keys) != 0 {
		t.Fatalf("activatable in an empty state = %v", keys)
	}
	mustNil(t, st.PutJob(nil, activatable(5)))
	if keys, _ := st.ActivatableJobs("pay", 10); len(keys) != 1 || keys[0] != 5 {
		t.Fatalf("activatable = %v", keys)
	}
	// Written around the State (a snapshot installed): it must forget.
	other := New(st.KV)
	mustNil(t, other.PutJob(nil, activatable(3)))
	st.ForgetHints()
	if keys, _ := st.ActivatableJobs("pay", 10); len(keys) != 2 || keys[0] != 3 {
		t.Fatalf("activatable after ForgetHints = %v", keys)
	}
}

func TestActivatableJobs_StartAtTheQueuesHeadNotItsPast(t *testing.T) {
	kv := &countingKV{MemKV: NewMemKV()}
	st := New(kv)
	for k := int64(1); k <= 100; k++ {
		mustNil(t, st.PutJob(nil, activatable(k)))
	}
	if keys, _ := st.ActivatableJobs("pay", 1); len(keys) != 1 || keys[0] != 1 {
		t.Fatalf("activatable = %v", keys)
	}
	for k := int64(1); k <= 99; k++ {
		mustNil(t, st.DeleteJob(activatable(k)))
	}
	if keys, _ := st.ActivatableJobs("pay", 1); len(keys) != 1 || keys[0] != 100 {
		t.Fatalf("activatable = %v", keys)
	}
	// The MemKV has no tombstones; a store that has pays per visited key.
	// From the floor on, the one scan after the head visits two keys at
	// most (the old head's position and the live entry) – here just one.
	kv.visited = 0
	if keys, _ := st.ActivatableJobs("pay", 1); len(keys) != 1 || keys[0] != 100 || kv.visited != 1 {
		t.Fatalf("activatable = %v after visiting %d keys", keys, kv.visited)
	}
}

func TestDueJobs_StopsAtNowAndNotesTheEarliestDueTime(t *testing.T) {
	kv := &countingKV{MemKV: NewMemKV()}
	st := New(kv)
	for k := int64(1); k <= 5; k++ {
		j := activatable(k)
		act := *j
		act.State, act.Value.Deadline = JobActivated, 1000*k
		mustNil(t, st.PutJob(nil, &act))
	}
	if st.NextDue() != 1000 {
		t.Fatalf("NextDue = %d, want the earliest deadline written", st.NextDue())
	}
	st.ResetNextDue()
	if st.NextDue() != 0 {
		t.Fatal("ResetNextDue kept a due time")
	}
	kv.visited = 0
	due, err := st.DueJobs(FamJobDeadline, 2500, 10)
	mustNil(t, err)
	if len(due) != 2 || due[1].JobKey != 2 || kv.visited != 2 {
		t.Fatalf("due = %v after visiting %d keys", due, kv.visited)
	}
	if first, _ := st.DueJobs(FamJobDeadline, -1, 1); len(first) != 1 || first[0].At != 1000 {
		t.Fatalf("first due = %v", first)
	}
}

func TestElementInstances_StoredWithoutCountsAreScanned(t *testing.T) {
	st := New(NewMemKV())
	// a scope and its child in the layout before counts were kept
	for _, ei := range []ElementInstance{
		{Key: 1, State: record.ElementActivated, Value: record.ProcessInstanceRecord{FlowScopeKey: -1, ElementID: "p"}},
		{Key: 2, State: record.ElementActivated, Value: record.ProcessInstanceRecord{FlowScopeKey: 1, ElementID: "t"}},
	} {
		mustNil(t, st.put(st.keyInt(FamElementInstance, ei.Key), func(e *record.Encoder) {
			e.Int(ei.Key)
			e.String(string(ei.State))
			e.Int(ei.JobKey)
			record.MarshalValue(e, &ei.Value)
		}))
	}
	mustNil(t, st.KV.Set(st.keyIntInt(FamElementChild, 1, 2), nil))
	mustNil(t, st.PutVariable(2, "x", Variable{Key: 9, Value: []byte("1")}))
	if busy, err := st.HasChildren(1); err != nil || !busy {
		t.Fatalf("HasChildren = %v, %v; want the scan to find the child", busy, err)
	}
	child, err := st.GetElementInstance(2)
	mustNil(t, err)
	if child.Children != unknownCount || child.Variables != unknownCount {
		t.Fatalf("old value decoded with counts %+v", child)
	}
	mustNil(t, st.DeleteElementInstance(child))
	mustNil(t, st.Flush())
	if _, found, _ := st.GetVariable(2, "x"); found {
		t.Fatal("the variable of a deleted old-layout instance is left")
	}
	if busy, _ := st.HasChildren(1); busy {
		t.Fatal("the scope still has its deleted child")
	}
}

func TestFreshKeys_AreAnsweredWithoutTheKVUnlessWrittenInTheCall(t *testing.T) {
	kv := &countingKV{MemKV: NewMemKV()}
	st := New(kv)
	// stored by an earlier call under key 5 (not fresh)
	mustNil(t, st.PutVariable(5, "old", Variable{Key: 1, Value: []byte("1")}))
	st.SetFreshKeys(10, 100)
	gets := 0
	counted := &getCounter{KV: kv, gets: &gets}
	st.KV = counted
	if v, _ := st.GetElementInstance(11); v != nil {
		t.Fatal("a fresh key's element instance was found")
	}
	if _, found, _ := st.GetVariable(11, "x"); found {
		t.Fatal("a fresh scope's variable was found")
	}
	if j, _ := st.GetJob(12); j != nil {
		t.Fatal("a fresh key's job was found")
	}
	if gets != 0 {
		t.Fatalf("%d reads reached the KV for fresh keys", gets)
	}
	// written in this call: read back
	mustNil(t, st.PutVariable(11, "x", Variable{Key: 13, Value: []byte("2")}))
	if v, found, _ := st.GetVariable(11, "x"); !found || string(v.Value) != "2" {
		t.Fatalf("a variable put in this call: %v %s", found, v.Value)
	}
	before := gets
	if _, found, _ := st.GetVariable(11, "y"); found || gets != before {
		t.Fatalf("another name of the fresh scope: found %v, %d reads", found, gets-before)
	}
	n := 0
	mustNil(t, st.VisitVariables(11, func(string, Variable) bool { n++; return true }))
	if n != 1 {
		t.Fatalf("visited %d variables of the fresh scope, want 1", n)
	}
	// not fresh: asked as before
	if _, found, _ := st.GetVariable(5, "old"); !found {
		t.Fatal("an older scope's variable was not found")
	}
	// a new call forgets the variables put in the last one
	st.SetFreshKeys(100, 200)
	if _, found, _ := st.GetVariable(11, "x"); !found {
		t.Fatal("the variable is not found in the next call")
	}
}

// getCounter counts the Gets that reach a KV.
type getCounter struct {
	KV
	gets *int
}

func (g *getCounter) Get(k []byte) ([]byte, bool, error) { *g.gets++; return g.KV.Get(k) }

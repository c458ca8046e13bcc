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

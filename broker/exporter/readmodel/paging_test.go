package readmodel_test

import (
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
)

func TestPagingPageByPage(t *testing.T) {
	e := newEnv(t, readmodel.Config{})
	s := runScenario(e)
	e.caughtUp()
	m := e.model
	desc := slices.Clone(s.all)
	slices.Sort(desc)
	slices.Reverse(desc)
	byKeyDesc := []readmodel.Sort{{Field: "processInstanceKey", Desc: true}}
	page := func(p readmodel.Page, sort []readmodel.Sort) readmodel.Result[readmodel.ProcessInstance] {
		t.Helper()
		r, err := m.SearchProcessInstances(readmodel.Query{Sort: sort, Page: p})
		if err != nil {
			t.Fatal(err)
		}
		if r.TotalItems != int64(len(s.all)) {
			t.Fatalf("totalItems %d, want %d", r.TotalItems, len(s.all))
		}
		return r
	}

	// Forward with after: 3, 3, 2, then nothing.
	var got [][]int64
	var cursors []readmodel.Result[readmodel.ProcessInstance]
	r := page(readmodel.Page{Limit: 3}, byKeyDesc)
	for len(r.Items) > 0 {
		got = append(got, ids(r.Items, piKey))
		cursors = append(cursors, r)
		r = page(readmodel.Page{Limit: 3, After: r.EndCursor}, byKeyDesc)
	}
	want := [][]int64{desc[0:3], desc[3:6], desc[6:8]}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("pages by after: %v, want %v", got, want)
	}
	// The same pages by offset.
	for i, w := range want {
		if p := ids(page(readmodel.Page{Limit: 3, From: 3 * i}, byKeyDesc).Items, piKey); !slices.Equal(p, w) {
			t.Fatalf("page from %d: %v, want %v", 3*i, p, w)
		}
	}
	// Backward with before from the last page.
	if p := ids(page(readmodel.Page{Limit: 3, Before: cursors[2].StartCursor}, byKeyDesc).Items, piKey); !slices.Equal(p, desc[3:6]) {
		t.Fatalf("page before the last: %v, want %v", p, desc[3:6])
	}
	if p := ids(page(readmodel.Page{Limit: 3, Before: cursors[1].StartCursor}, byKeyDesc).Items, piKey); !slices.Equal(p, desc[0:3]) {
		t.Fatalf("first page by before: %v, want %v", p, desc[0:3])
	}
	if p := page(readmodel.Page{Limit: 3, Before: cursors[0].StartCursor}, byKeyDesc); len(p.Items) != 0 {
		t.Fatalf("before the first item: %v", ids(p.Items, piKey))
	}

	// Two sort keys: state ascending, then key descending.
	two := []readmodel.Sort{{Field: "state"}, {Field: "processInstanceKey", Desc: true}}
	var all []readmodel.ProcessInstance
	r = page(readmodel.Page{Limit: 2}, two)
	for len(r.Items) > 0 {
		all = append(all, r.Items...)
		r = page(readmodel.Page{Limit: 2, After: r.EndCursor}, two)
	}
	if len(all) != len(s.all) {
		t.Fatalf("paged %d of %d", len(all), len(s.all))
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.State > b.State || a.State == b.State && a.ProcessInstanceKey < b.ProcessInstanceKey {
			t.Fatalf("out of order at %d: %+v before %+v", i, a, b)
		}
	}

	bad := []readmodel.Query{
		{Page: readmodel.Page{After: "not-a-cursor"}},
		{Sort: []readmodel.Sort{{Field: "nope"}}},
		{Filter: []readmodel.Condition{{Field: "nope", Op: "$eq", Value: "x"}}},
		{Filter: []readmodel.Condition{{Field: "state", Op: "$between", Value: "x"}}},
		{Filter: []readmodel.Condition{{Field: "startDate", Op: "$gt", Value: "yesterday"}}},
		{Filter: []readmodel.Condition{{Field: "processInstanceKey", Op: "$eq", Value: "abc"}}},
	}
	for _, q := range bad {
		if _, err := m.SearchProcessInstances(q); !errors.Is(err, readmodel.ErrInvalidQuery) {
			t.Errorf("query %+v: error %v, want ErrInvalidQuery", q, err)
		}
	}
}

// snapshot is everything the searches return, to compare across restarts.
func snapshot(t *testing.T, m *readmodel.Model, defs [2]int64) string {
	t.Helper()
	all := readmodel.Query{Page: readmodel.Page{Limit: 10_000}}
	var out []any
	out = append(out, must[readmodel.Result[readmodel.ProcessInstance]](t)(m.SearchProcessInstances(all)).Items)
	out = append(out, must[readmodel.Result[readmodel.ElementInstance]](t)(m.SearchElementInstances(all)).Items)
	out = append(out, must[readmodel.Result[readmodel.Variable]](t)(m.SearchVariables(all)).Items)
	out = append(out, must[readmodel.Result[readmodel.Incident]](t)(m.SearchIncidents(all)).Items)
	out = append(out, must[readmodel.Result[readmodel.Job]](t)(m.SearchJobs(all)).Items)
	for _, d := range defs {
		out = append(out, must[[]readmodel.ElementStatistics](t)(m.DefinitionStatistics(d)))
	}
	return sprintJSON(t, out)
}

// TestRestartsKeepEveryInstanceOnce: the read model resumes from its
// stored position after its own restart and after the node's, counts
// nothing twice (also when the runner offers records again), and holds
// every process instance of the record log.
func TestRestartsKeepEveryInstanceOnce(t *testing.T) {
	e := newEnv(t, readmodel.Config{})
	s := runScenario(e)
	e.caughtUp()
	before := snapshot(t, e.model, s.defs)

	e.stopModel()
	e.startModel()
	e.caughtUp()
	if after := snapshot(t, e.model, s.defs); after != before {
		t.Fatalf("after a restart of the read model:\n%s\nbefore:\n%s", after, before)
	}

	// Records offered again (a crash between Export and its position being
	// seen) change nothing.
	var recs []record.Record
	if err := e.node.Partition(1).Records().Read(0, func(r record.Record) bool { recs = append(recs, r); return true }); err != nil {
		t.Fatal(err)
	}
	if err := e.model.Export(1, recs); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, e.model, s.defs); after != before {
		t.Fatalf("after records offered again:\n%s\nbefore:\n%s", after, before)
	}

	// The node restarts too, and work goes on.
	e.restartNode()
	e.submit(record.PartitionOf(s.active[0]), record.Job, record.Complete, e.jobOf(s.active[0]), &record.JobRecord{})
	e.caughtUp()
	pi := must[readmodel.ProcessInstance](t)(e.model.ProcessInstance(s.active[0]))
	if pi.State != readmodel.StateCompleted {
		t.Fatalf("instance completed after the restart: %+v", pi)
	}
	for id := int32(1); id <= 2; id++ {
		var inLog []int64
		err := e.node.Partition(id).Records().Read(0, func(r record.Record) bool {
			if v, ok := r.Value.(*record.ProcessInstanceRecord); ok && r.RecordType == record.Event &&
				r.Intent == record.ElementActivating && v.BpmnElementType == "PROCESS" {
				inLog = append(inLog, r.Key)
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		r := must[readmodel.Result[readmodel.ProcessInstance]](t)(e.model.SearchProcessInstances(readmodel.Query{
			Filter: []readmodel.Condition{{Field: "processInstanceKey", Op: "$in", Value: toAny(inLog)}},
			Page:   readmodel.Page{Limit: 1000}}))
		if len(inLog) == 0 || r.TotalItems != int64(len(inLog)) {
			t.Fatalf("partition %d: %d instances in the log, %d in the read model", id, len(inLog), r.TotalItems)
		}
	}
}

func toAny(keys []int64) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = keyStr(k)
	}
	return out
}

func TestRetentionRemovesFinishedInstances(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixMilli())
	e := newEnv(t, readmodel.Config{Retention: 24 * time.Hour, RetentionInterval: time.Hour,
		Now: func() time.Time { return time.UnixMilli(now.Load()) }})
	s := runScenario(e)
	e.caughtUp()
	m := e.model
	if n := must[int](t)(m.RemoveExpired()); n != 0 {
		t.Fatalf("removed %d instances before their time", n)
	}
	now.Add((25 * time.Hour).Milliseconds())
	finished := sorted(append(slices.Clone(s.completed), s.canceled...)...)
	if n := must[int](t)(m.RemoveExpired()); n != len(finished) {
		t.Fatalf("removed %d instances, want %d", n, len(finished))
	}
	left := must[readmodel.Result[readmodel.ProcessInstance]](t)(m.SearchProcessInstances(readmodel.Query{}))
	if want := sorted(append(slices.Clone(s.incident), s.active...)...); !slices.Equal(sorted(ids(left.Items, piKey)...), want) {
		t.Fatalf("left %v, want %v", ids(left.Items, piKey), want)
	}
	for _, pik := range finished {
		f := eq("processInstanceKey", keyStr(pik))
		if n := must[readmodel.Result[readmodel.ElementInstance]](t)(m.SearchElementInstances(readmodel.Query{Filter: f})).TotalItems +
			must[readmodel.Result[readmodel.Variable]](t)(m.SearchVariables(readmodel.Query{Filter: f})).TotalItems +
			must[readmodel.Result[readmodel.Job]](t)(m.SearchJobs(readmodel.Query{Filter: f})).TotalItems; n != 0 {
			t.Fatalf("instance %d left %d entities", pik, n)
		}
	}
	// Full scans agree with the per-instance index.
	if n := must[readmodel.Result[readmodel.Job]](t)(m.SearchJobs(readmodel.Query{})).TotalItems; n != 4 {
		t.Fatalf("%d jobs left, want 4", n)
	}
	var task readmodel.ElementStatistics
	for _, d := range s.defs {
		for _, st := range must[[]readmodel.ElementStatistics](t)(m.DefinitionStatistics(d)) {
			if st.ElementID == "task" {
				task.Active += st.Active
				task.Completed += st.Completed
				task.Canceled += st.Canceled
				task.Incidents += st.Incidents
			}
		}
	}
	if task != (readmodel.ElementStatistics{Active: 3, Incidents: 1}) {
		t.Fatalf("task statistics after retention: %+v", task)
	}
}

func TestFeedsDeliverChangesOfAnInstanceAndADefinition(t *testing.T) {
	e := newEnv(t, readmodel.Config{})
	s := runScenario(e)
	e.caughtUp()
	pik := s.active[0]
	inst := e.model.WatchProcessInstance(pik)
	defer inst.Close()
	def := e.model.WatchProcessDefinition(s.defs[record.PartitionOf(pik)-1])
	defer def.Close()
	other := e.model.WatchProcessInstance(s.active[1])
	defer other.Close()

	e.submit(record.PartitionOf(pik), record.Job, record.Complete, e.jobOf(pik), &record.JobRecord{})
	defKey := s.defs[record.PartitionOf(pik)-1]
	waitCompleted := func(sub *readmodel.Subscription, belongs func(readmodel.Change) bool) []string {
		t.Helper()
		var kinds []string
		timeout := time.After(10 * time.Second)
		for {
			select {
			case c, ok := <-sub.C:
				if !ok {
					t.Fatalf("feed closed (lagged %v)", sub.Lagged())
				}
				if !belongs(c) {
					t.Fatalf("change not for this feed: %+v", c)
				}
				kinds = append(kinds, c.Kind)
				if p, ok := c.Item.(readmodel.ProcessInstance); ok && p.ProcessInstanceKey == readmodel.Key(pik) && p.State == readmodel.StateCompleted {
					return kinds
				}
			case <-timeout:
				t.Fatalf("no completion; got %v", kinds)
			}
		}
	}
	kinds := waitCompleted(inst, func(c readmodel.Change) bool { return c.ProcessInstanceKey == pik })
	for _, k := range []string{readmodel.KindJob, readmodel.KindElementInstance, readmodel.KindProcessInstance} {
		if !slices.Contains(kinds, k) {
			t.Fatalf("instance feed %v lacks %s", kinds, k)
		}
	}
	waitCompleted(def, func(c readmodel.Change) bool { return c.ProcessDefinitionKey == defKey })
	// A reader that queries after a change sees it.
	if pi := must[readmodel.ProcessInstance](t)(e.model.ProcessInstance(pik)); pi.State != readmodel.StateCompleted {
		t.Fatalf("after the feed: %+v", pi)
	}
	select {
	case c := <-other.C:
		t.Fatalf("feed of another instance got %+v", c)
	default:
	}
}

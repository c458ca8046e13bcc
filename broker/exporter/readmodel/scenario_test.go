package readmodel_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
)

// scenario is what happened on the node, to compare searches against.
type scenario struct {
	defs                                  [2]int64 // by partition
	completed, canceled, incident, active []int64
	incidentJob                           int64
	all                                   []int64
}

// runScenario deploys the process on both partitions and runs eight
// instances: two complete, two are canceled, one fails without retries
// (an incident), three stay active (one with a big variable).
func runScenario(e *env) scenario {
	var s scenario
	s.defs[0], s.defs[1] = e.deploy(1), e.deploy(2)
	for i := range 8 {
		vars := map[string]any{"orderId": i, "customer": fmt.Sprintf("c%d", i%3)}
		if i == 7 {
			vars["big"] = strings.Repeat("x", 100)
		}
		pik := e.create(int32(i%2)+1, vars)
		s.all = append(s.all, pik)
		switch {
		case i < 2:
			e.submit(record.PartitionOf(pik), record.Job, record.Complete, e.jobOf(pik), &record.JobRecord{})
			s.completed = append(s.completed, pik)
		case i < 4:
			e.submit(record.PartitionOf(pik), record.ProcessInstance, record.Cancel, pik, &record.ProcessInstanceRecord{})
			s.canceled = append(s.canceled, pik)
		case i == 4:
			s.incidentJob = e.jobOf(pik)
			e.submit(record.PartitionOf(pik), record.Job, record.Fail, s.incidentJob,
				&record.JobRecord{Retries: 0, ErrorMessage: "out of stock"})
			s.incident = append(s.incident, pik)
		default:
			s.active = append(s.active, pik)
		}
	}
	return s
}

func TestSearchesReturnExactlyWhatHappened(t *testing.T) {
	e := newEnv(t, readmodel.Config{VariablePreview: 50})
	s := runScenario(e)
	e.caughtUp()
	m := e.model
	search := func(filter []readmodel.Condition) []int64 {
		t.Helper()
		r := must[readmodel.Result[readmodel.ProcessInstance]](t)(m.SearchProcessInstances(readmodel.Query{Filter: filter}))
		if int(r.TotalItems) != len(r.Items) {
			t.Fatalf("totalItems %d, items %d", r.TotalItems, len(r.Items))
		}
		return sorted(ids(r.Items, piKey)...)
	}
	cases := []struct {
		name   string
		filter []readmodel.Condition
		want   []int64
	}{
		{"all", nil, sorted(s.all...)},
		{"completed", eq("state", "COMPLETED"), sorted(s.completed...)},
		{"terminated", eq("state", "TERMINATED"), sorted(s.canceled...)},
		{"active", eq("state", "ACTIVE"), sorted(append(slices.Clone(s.incident), s.active...)...)},
		{"with incident", eq("hasIncident", true), s.incident},
		{"active without incident", eq("state", "ACTIVE", "hasIncident", false), sorted(s.active...)},
		{"by definition key", eq("processDefinitionKey", keyStr(s.defs[1])), partitionKeys(s.all, 2)},
		{"by definition id", eq("processDefinitionId", "one-task"), sorted(s.all...)},
		{"by key", eq("processInstanceKey", keyStr(s.all[3])), []int64{s.all[3]}},
		{"state $in", []readmodel.Condition{{Field: "state", Op: "$in", Value: []any{"COMPLETED", "TERMINATED"}}},
			sorted(append(slices.Clone(s.completed), s.canceled...)...)},
		{"state $neq", []readmodel.Condition{{Field: "state", Op: "$neq", Value: "ACTIVE"}},
			sorted(append(slices.Clone(s.completed), s.canceled...)...)},
		{"ended", []readmodel.Condition{{Field: "endDate", Op: "$exists", Value: true}},
			sorted(append(slices.Clone(s.completed), s.canceled...)...)},
		{"started in range", []readmodel.Condition{
			{Field: "startDate", Op: "$gte", Value: time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)},
			{Field: "startDate", Op: "$lt", Value: time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}}, sorted(s.all...)},
		{"started in the future", []readmodel.Condition{
			{Field: "startDate", Op: "$gt", Value: time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}}, nil},
		{"id $like", []readmodel.Condition{{Field: "processDefinitionId", Op: "$like", Value: "one-*"}}, sorted(s.all...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := search(c.filter); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}

	t.Run("instance fields", func(t *testing.T) {
		pi := must[readmodel.ProcessInstance](t)(m.ProcessInstance(s.completed[0]))
		if pi.State != "COMPLETED" || pi.EndDate < pi.StartDate || pi.StartDate == 0 || pi.ProcessDefinitionVersion != 1 ||
			pi.ProcessDefinitionName == nil || *pi.ProcessDefinitionName != "One task" || pi.HasIncident {
			t.Fatalf("completed instance: %+v", pi)
		}
		if _, err := m.ProcessInstance(12345); err == nil {
			t.Fatal("an unknown key was found")
		}
	})

	t.Run("element instances", func(t *testing.T) {
		check := func(pik int64, want map[string]string) {
			t.Helper()
			r := must[readmodel.Result[readmodel.ElementInstance]](t)(m.SearchElementInstances(readmodel.Query{
				Filter: eq("processInstanceKey", keyStr(pik)), Sort: []readmodel.Sort{{Field: "startDate"}}}))
			got := map[string]string{}
			for _, ei := range r.Items {
				got[ei.ElementID] = ei.State
				if ei.HasIncident {
					got[ei.ElementID] += "+incident"
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("instance %d: got %v, want %v", pik, got, want)
			}
		}
		check(s.completed[0], map[string]string{"start": "COMPLETED", "task": "COMPLETED", "end": "COMPLETED"})
		check(s.canceled[0], map[string]string{"start": "COMPLETED", "task": "TERMINATED"})
		check(s.incident[0], map[string]string{"start": "COMPLETED", "task": "ACTIVE+incident"})
		check(s.active[0], map[string]string{"start": "COMPLETED", "task": "ACTIVE"})
		r := must[readmodel.Result[readmodel.ElementInstance]](t)(m.SearchElementInstances(readmodel.Query{
			Filter: eq("elementId", "task", "state", "TERMINATED")}))
		if r.TotalItems != 2 || r.Items[0].Type != "SERVICE_TASK" || r.Items[0].EndDate == 0 || r.Items[0].ElementName != "Reserve stock" {
			t.Fatalf("terminated tasks: %+v", r)
		}
		tl := must[[]readmodel.ElementInstance](t)(m.Timeline(s.completed[1]))
		if len(tl) != 3 || tl[0].ElementID != "start" || tl[0].ElementName != "start" || tl[2].ElementID != "end" {
			t.Fatalf("timeline: %+v", tl)
		}
		one := must[readmodel.ElementInstance](t)(m.ElementInstance(int64(tl[1].ElementInstanceKey)))
		if one != tl[1] {
			t.Fatalf("get %+v, timeline %+v", one, tl[1])
		}
	})

	t.Run("incidents", func(t *testing.T) {
		r := must[readmodel.Result[readmodel.Incident]](t)(m.SearchIncidents(readmodel.Query{Filter: eq("errorType", "JOB_NO_RETRIES")}))
		if r.TotalItems != 1 {
			t.Fatalf("incidents: %+v", r)
		}
		inc := r.Items[0]
		if int64(inc.ProcessInstanceKey) != s.incident[0] || int64(inc.JobKey) != s.incidentJob || inc.State != "ACTIVE" ||
			inc.ErrorMessage != "out of stock" || inc.ElementID != "task" {
			t.Fatalf("incident: %+v", inc)
		}
		if got := must[readmodel.Incident](t)(m.Incident(int64(inc.IncidentKey))); got != inc {
			t.Fatalf("get %+v", got)
		}
	})

	t.Run("jobs", func(t *testing.T) {
		count := map[string]int{}
		r := must[readmodel.Result[readmodel.Job]](t)(m.SearchJobs(readmodel.Query{Filter: eq("type", "work")}))
		for _, j := range r.Items {
			count[j.State]++
		}
		want := map[string]int{"COMPLETED": 2, "CANCELED": 2, "FAILED": 1, "CREATED": 3}
		if fmt.Sprint(count) != fmt.Sprint(want) {
			t.Fatalf("job states %v, want %v", count, want)
		}
		f := must[readmodel.Result[readmodel.Job]](t)(m.SearchJobs(readmodel.Query{Filter: eq("jobKey", keyStr(s.incidentJob))}))
		if f.TotalItems != 1 || f.Items[0].Worker != "w1" || f.Items[0].Retries != 0 || f.Items[0].ErrorMessage != "out of stock" ||
			f.Items[0].HasFailedWithRetriesLeft {
			t.Fatalf("failed job: %+v", f.Items)
		}
	})

	t.Run("variables", func(t *testing.T) {
		r := must[readmodel.Result[readmodel.Variable]](t)(m.SearchVariables(readmodel.Query{
			Filter: eq("name", "customer", "value", `"c1"`), Sort: []readmodel.Sort{{Field: "processInstanceKey"}}}))
		// orderIds 1, 4, 7 have customer c1.
		if want := sorted(s.all[1], s.all[4], s.all[7]); !slices.Equal(ids(r.Items, func(v readmodel.Variable) readmodel.Key { return v.ProcessInstanceKey }), want) {
			t.Fatalf("customer c1: %+v, want instances %v", r.Items, want)
		}
		big := must[readmodel.Result[readmodel.Variable]](t)(m.SearchVariables(readmodel.Query{Filter: eq("name", "big")}))
		if big.TotalItems != 1 || !big.Items[0].IsTruncated || len(big.Items[0].Value) != 50 {
			t.Fatalf("big variable preview: %+v", big.Items)
		}
		full := must[readmodel.Variable](t)(m.Variable(int64(big.Items[0].VariableKey)))
		if full.IsTruncated || full.Value != `"`+strings.Repeat("x", 100)+`"` {
			t.Fatalf("big variable: %+v", full)
		}
	})

	t.Run("definitions", func(t *testing.T) {
		r := must[readmodel.Result[readmodel.ProcessDefinition]](t)(m.SearchProcessDefinitions(readmodel.Query{
			Filter: eq("processDefinitionId", "one-task"), Sort: []readmodel.Sort{{Field: "processDefinitionKey", Desc: true}}}))
		if r.TotalItems != 2 || int64(r.Items[0].ProcessDefinitionKey) != s.defs[1] || r.Items[0].ResourceName != "one-task.bpmn" {
			t.Fatalf("definitions: %+v", r)
		}
		xml := must[[]byte](t)(m.ProcessDefinitionXML(s.defs[0]))
		if string(xml) != oneTask {
			t.Fatalf("xml: %.80s", xml)
		}
	})

	t.Run("statistics", func(t *testing.T) {
		all := map[string]readmodel.ElementStatistics{}
		for _, d := range s.defs {
			for _, st := range must[[]readmodel.ElementStatistics](t)(m.DefinitionStatistics(d)) {
				a := all[st.ElementID]
				a.ElementID = st.ElementID
				a.Active += st.Active
				a.Completed += st.Completed
				a.Canceled += st.Canceled
				a.Incidents += st.Incidents
				all[st.ElementID] = a
			}
		}
		want := map[string]readmodel.ElementStatistics{
			"start": {ElementID: "start", Completed: 8},
			"task":  {ElementID: "task", Active: 3, Completed: 2, Canceled: 2, Incidents: 1},
			"end":   {ElementID: "end", Completed: 2},
		}
		if fmt.Sprint(all) != fmt.Sprint(want) {
			t.Fatalf("statistics %v, want %v", all, want)
		}
		inst := must[[]readmodel.ElementStatistics](t)(m.InstanceStatistics(s.incident[0]))
		if fmt.Sprint(inst) != fmt.Sprint([]readmodel.ElementStatistics{{ElementID: "start", Completed: 1}, {ElementID: "task", Incidents: 1}}) {
			t.Fatalf("instance statistics %v", inst)
		}
	})
}

// partitionKeys are the keys of partition p, sorted.
func partitionKeys(keys []int64, p int32) []int64 {
	var out []int64
	for _, k := range keys {
		if record.PartitionOf(k) == p {
			out = append(out, k)
		}
	}
	return sorted(out...)
}

package gateway

import (
	"net/http"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
)

type activation struct {
	Jobs []struct {
		JobKey             string            `json:"jobKey"`
		Type               string            `json:"type"`
		ProcessInstanceKey string            `json:"processInstanceKey"`
		ElementInstanceKey string            `json:"elementInstanceKey"`
		ElementID          string            `json:"elementId"`
		CustomHeaders      map[string]string `json:"customHeaders"`
		Worker             string            `json:"worker"`
		Retries            int32             `json:"retries"`
		Deadline           int64             `json:"deadline"`
		Variables          map[string]any    `json:"variables"`
		TenantID           string            `json:"tenantId"`
	} `json:"jobs"`
}

func TestActivationWithNegativeRequestTimeoutAnswersAtOnceWithEmptyJobs(t *testing.T) {
	g := newTestGateway(t, 2, Config{LongPollTimeout: time.Hour})
	a := g.do(http.MethodPost, "/v2/jobs/activation", `{"type":"pay","worker":"w","timeout":1000,"maxJobsToActivate":5,"requestTimeout":-1}`)
	a.wantStatus(t, http.StatusOK)
	if string(a.body) != "{\"jobs\":[]}\n" {
		t.Fatalf("body = %q, want an empty jobs list", a.body)
	}
}

func TestActivationCollectsJobsFromEveryPartition(t *testing.T) {
	g := newTestGateway(t, 3, Config{})
	k1 := g.cluster.AddJob(1, "pay", map[string]any{"amount": 10.5})
	k3 := g.cluster.AddJob(3, "pay", nil)
	g.cluster.AddJob(2, "ship", nil)
	a := g.do(http.MethodPost, "/v2/jobs/activation", `{"type":"pay","worker":"w1","timeout":60000,"maxJobsToActivate":10,"tenantIds":["<default>"]}`)
	a.wantStatus(t, http.StatusOK)
	var act activation
	a.decode(t, &act)
	if len(act.Jobs) != 2 {
		t.Fatalf("jobs = %+v, want 2", act.Jobs)
	}
	got := map[string]bool{act.Jobs[0].JobKey: true, act.Jobs[1].JobKey: true}
	if !got[itoa(k1)] || !got[itoa(k3)] {
		t.Fatalf("job keys = %v, want %d and %d", got, k1, k3)
	}
	for _, j := range act.Jobs {
		if j.Type != "pay" || j.Worker != "w1" || j.Retries != 3 || j.Deadline == 0 || j.TenantID != "<default>" ||
			j.CustomHeaders == nil || j.Variables == nil || j.ElementID != "task" || j.ProcessInstanceKey == "" {
			t.Fatalf("job = %+v", j)
		}
	}
	if g.cluster.JobState(k1) != "activated" {
		t.Fatal("job 1 not activated")
	}
}

func TestActivationParksUntilAJobExists(t *testing.T) {
	g := newTestGateway(t, 2, Config{})
	done := make(chan answer, 1)
	go func() {
		done <- g.do(http.MethodPost, "/v2/jobs/activation", `{"type":"late","timeout":1000,"maxJobsToActivate":1,"requestTimeout":30000}`)
	}()
	eventually(t, "the activation to park", func() bool { return g.cluster.Watchers("late") == 1 })
	select {
	case a := <-done:
		t.Fatalf("activation answered before any job existed: %s", a.body)
	default:
	}
	key := g.cluster.AddJob(2, "late", nil)
	a := <-done
	a.wantStatus(t, http.StatusOK)
	var act activation
	a.decode(t, &act)
	if len(act.Jobs) != 1 || act.Jobs[0].JobKey != itoa(key) {
		t.Fatalf("jobs = %+v, want job %d", act.Jobs, key)
	}
}

func TestActivationWithoutRequestTimeoutUsesTheDefaultLongPoll(t *testing.T) {
	g := newTestGateway(t, 1, Config{LongPollTimeout: 100 * time.Millisecond})
	done := make(chan answer, 1)
	go func() {
		done <- g.do(http.MethodPost, "/v2/jobs/activation", `{"type":"none","timeout":1000,"maxJobsToActivate":1}`)
	}()
	eventually(t, "the activation to park", func() bool { return g.cluster.Watchers("none") == 1 })
	a := <-done
	a.wantStatus(t, http.StatusOK)
	if string(a.body) != "{\"jobs\":[]}\n" {
		t.Fatalf("body = %q", a.body)
	}
}

func TestActivationProblems(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	tests := []struct{ body, field string }{
		{`{"timeout":1000,"maxJobsToActivate":1}`, "type"},
		{`{"type":"x","timeout":1000}`, "maxJobsToActivate"},
		{`{"type":"x","maxJobsToActivate":1}`, "timeout"},
		{`{"type":"x","timeout":1,"maxJobsToActivate":1,"tenantIds":["other"]}`, "tenantIds"},
		{`{"type":"x","timeout":"soon","maxJobsToActivate":1}`, "timeout"},
		{``, "body"},
	}
	for _, tt := range tests {
		g.do(http.MethodPost, "/v2/jobs/activation", tt.body).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", tt.field)
	}
}

func TestJobCommandsReachTheJobsPartition(t *testing.T) {
	g := newTestGateway(t, 2, Config{})
	k := g.cluster.AddJob(2, "pay", nil)
	g.do(http.MethodPost, "/v2/jobs/activation", `{"type":"pay","timeout":1000,"maxJobsToActivate":1}`).wantStatus(t, http.StatusOK)

	g.do(http.MethodPatch, "/v2/jobs/"+itoa(k), `{"changeset":{"retries":5,"timeout":30000}}`).wantStatus(t, http.StatusNoContent)
	g.do(http.MethodPost, "/v2/jobs/"+itoa(k)+"/failure", `{"retries":2,"errorMessage":"boom","retryBackOff":100,"variables":{"a":1}}`).wantStatus(t, http.StatusNoContent)
	g.do(http.MethodPost, "/v2/jobs/"+itoa(k)+"/completion", `{"variables":{"done":true}}`).wantStatus(t, http.StatusNoContent)
	g.do(http.MethodPost, "/v2/jobs/"+itoa(k)+"/completion", ``).wantProblem(t, http.StatusNotFound, "NOT_FOUND", "Command 'COMPLETE' rejected with code 'NOT_FOUND'")

	var intents []record.Intent
	for _, cmd := range g.cluster.Submitted() {
		if cmd.ValueType != record.Job {
			continue
		}
		if cmd.PartitionID != 2 || cmd.Key != k {
			t.Fatalf("job command %s went to partition %d with key %d", cmd.Intent, cmd.PartitionID, cmd.Key)
		}
		v := cmd.Value.(*record.JobRecord)
		switch cmd.Intent {
		case record.UpdateRetries:
			if v.Retries != 5 {
				t.Fatalf("retries = %d", v.Retries)
			}
		case record.UpdateTimeout:
			if v.Timeout != 30000 {
				t.Fatalf("timeout = %d", v.Timeout)
			}
		case record.Fail:
			if v.Retries != 2 || v.ErrorMessage != "boom" || v.RetryBackoff != 100 || v.Variables["a"] != 1.0 {
				t.Fatalf("fail = %+v", v)
			}
		case record.Complete:
			if v.Variables != nil && v.Variables["done"] != true { // the second completion sends no body
				t.Fatalf("complete = %+v", v)
			}
		}
		intents = append(intents, cmd.Intent)
	}
	want := []record.Intent{record.UpdateRetries, record.UpdateTimeout, record.Fail, record.Complete, record.Complete}
	if len(intents) != len(want) {
		t.Fatalf("intents = %v, want %v", intents, want)
	}
	for i := range want {
		if intents[i] != want[i] {
			t.Fatalf("intents = %v, want %v", intents, want)
		}
	}
}

func TestThrowErrorAndItsProblems(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	k := g.cluster.AddJob(1, "pay", nil)
	g.do(http.MethodPost, "/v2/jobs/"+itoa(k)+"/error", `{"errorMessage":"x"}`).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", "errorCode")
	g.do(http.MethodPost, "/v2/jobs/"+itoa(k)+"/error", `{"errorCode":"NO_STOCK","errorMessage":"none left","variables":{"n":0}}`).wantStatus(t, http.StatusNoContent)
	cmds := g.cluster.Submitted()
	v := cmds[len(cmds)-1].Value.(*record.JobRecord)
	if v.ErrorCode != "NO_STOCK" || v.ErrorMessage != "none left" || v.Variables["n"] != 0.0 {
		t.Fatalf("throw error = %+v", v)
	}
	g.do(http.MethodPost, "/v2/jobs/"+itoa(k)+"/error", `{"errorCode":"NO_STOCK"}`).wantProblem(t, http.StatusNotFound, "NOT_FOUND")
}

func TestJobRequestProblems(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	k := itoa(g.cluster.AddJob(1, "pay", nil))
	tests := []struct{ method, path, body, field string }{
		{http.MethodPatch, "/v2/jobs/" + k, `{}`, "changeset"},
		{http.MethodPatch, "/v2/jobs/" + k, `{"changeset":{}}`, "changeset"},
		{http.MethodPatch, "/v2/jobs/" + k, `{"changeset":{"retries":0}}`, "changeset.retries"},
		{http.MethodPatch, "/v2/jobs/" + k, `{"changeset":{"timeout":-5}}`, "changeset.timeout"},
		{http.MethodPost, "/v2/jobs/" + k + "/failure", `{"retries":-1}`, "retries"},
		{http.MethodPost, "/v2/jobs/" + k + "/failure", `{"retryBackOff":-1}`, "retryBackOff"},
		{http.MethodPost, "/v2/jobs/" + k + "/completion", `{"variables":"x"}`, "variables"},
	}
	for _, tt := range tests {
		g.do(tt.method, tt.path, tt.body).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", tt.field)
	}
}

func TestJobInWrongStateIsConflict(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	k := g.cluster.AddJob(1, "pay", nil)
	g.cluster.Handle(record.Job, record.Complete, func(p int32, cmd record.Record) (record.Record, error) {
		return fakeReject(cmd, record.InvalidState, "Expected to complete job with key, but it is in state 'FAILED'"), nil
	})
	g.do(http.MethodPost, "/v2/jobs/"+itoa(k)+"/completion", "").wantProblem(t, http.StatusConflict, "INVALID_STATE", "FAILED")
}

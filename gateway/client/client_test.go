package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func serve(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return New(srv.URL, WithRetries(4, time.Millisecond))
}

func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
}

func TestRetriesBackPressureThenSucceeds(t *testing.T) {
	var calls atomic.Int32
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			problem(w, http.StatusServiceUnavailable, "RESOURCE_EXHAUSTED", "queue full")
			return
		}
		body, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(body), `"processDefinitionId":"p"`) {
			t.Errorf("retried body = %s", body)
		}
		w.Write([]byte(`{"processInstanceKey":"2251799813685251","processDefinitionId":"p"}`))
	})
	pi, err := c.CreateInstance(context.Background(), CreateInstance{ProcessDefinitionID: "p"})
	if err != nil || pi.ProcessInstanceKey != "2251799813685251" || calls.Load() != 3 {
		t.Fatalf("pi = %+v, err = %v, calls = %d", pi, err, calls.Load())
	}
}

func TestGivesUpOnBackPressureAfterTheLastAttempt(t *testing.T) {
	var calls atomic.Int32
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		problem(w, http.StatusServiceUnavailable, "RESOURCE_EXHAUSTED", "queue full")
	})
	err := c.CompleteJob(context.Background(), "1", nil)
	var p *Problem
	if !errors.As(err, &p) || p.Title != "RESOURCE_EXHAUSTED" || p.Status != 503 || calls.Load() != 4 {
		t.Fatalf("err = %v, calls = %d; want a RESOURCE_EXHAUSTED problem after 4 calls", err, calls.Load())
	}
}

func TestErrorAnswersBecomeProblems(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/cancellation") {
			problem(w, http.StatusNotFound, "NOT_FOUND", "no such instance")
			return
		}
		http.Error(w, "proxy says no", http.StatusBadGateway)
	})
	err := c.CancelInstance(context.Background(), "42")
	if !IsNotFound(err) || !strings.Contains(err.Error(), "no such instance") {
		t.Fatalf("err = %v", err)
	}
	err = c.ResolveIncident(context.Background(), "42")
	if StatusOf(err) != http.StatusBadGateway || !strings.Contains(err.Error(), "proxy says no") {
		t.Fatalf("err = %v", err)
	}
}

func TestRetriesAConnectionThatCannotBeMade(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c := New(addr, WithRetries(3, time.Millisecond))
	_, err = c.Topology(context.Background())
	if !isDialError(err) {
		t.Fatalf("err = %v, want the dial error after retrying", err)
	}
}

func TestDeploySendsMultipartResources(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Errorf("parse: %v", err)
		}
		files := r.MultipartForm.File["resources"]
		if len(files) != 2 || files[0].Filename != "a.bpmn" || files[1].Filename != "b.bpmn" {
			t.Errorf("files = %+v", files)
		}
		w.Write([]byte(`{"deploymentKey":"7","tenantId":"<default>","deployments":[{"processDefinition":{"processDefinitionId":"a","processDefinitionVersion":1,"processDefinitionKey":"9","resourceName":"a.bpmn"}}]}`))
	})
	d, err := c.Deploy(context.Background(), Resource{"a.bpmn", []byte("<a/>")}, Resource{"b.bpmn", []byte("<b/>")})
	if err != nil || d.DeploymentKey != "7" || d.Deployments[0].ProcessDefinition.ProcessDefinitionKey != "9" {
		t.Fatalf("d = %+v, err = %v", d, err)
	}
}

func TestJobCallsSendCamundaBodies(t *testing.T) {
	got := map[string]string{}
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got[r.Method+" "+r.URL.Path] = string(b)
		if r.URL.Path == "/v2/jobs/activation" {
			w.Write([]byte(`{"jobs":[{"jobKey":"5","type":"pay","retries":3,"variables":{"x":1}}]}`))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	ctx := context.Background()
	jobs, err := c.ActivateJobs(ctx, ActivateJobs{Type: "pay", Worker: "w", Timeout: time.Second, MaxJobs: 2, RequestTimeout: -1})
	if err != nil || len(jobs) != 1 || jobs[0].Key != "5" {
		t.Fatalf("jobs = %+v, err = %v", jobs, err)
	}
	var vars struct{ X int }
	if err := jobs[0].DecodeVariables(&vars); err != nil || vars.X != 1 {
		t.Fatalf("vars = %+v, %v", vars, err)
	}
	retries := int32(4)
	timeout := 2 * time.Second
	for _, err := range []error{
		c.CompleteJob(ctx, "5", map[string]int{"y": 2}),
		c.FailJob(ctx, "5", FailJob{Retries: 2, ErrorMessage: "boom", RetryBackoff: time.Second}),
		c.ThrowError(ctx, "5", "E1", "bad", nil),
		c.UpdateJob(ctx, "5", &retries, &timeout),
		c.SetVariables(ctx, "8", map[string]bool{"ok": true}, true),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{
		"POST /v2/jobs/activation":              `{"type":"pay","worker":"w","timeout":1000,"maxJobsToActivate":2,"requestTimeout":-1}`,
		"POST /v2/jobs/5/completion":            `{"variables":{"y":2}}`,
		"POST /v2/jobs/5/failure":               `{"retries":2,"errorMessage":"boom","retryBackOff":1000}`,
		"POST /v2/jobs/5/error":                 `{"errorCode":"E1","errorMessage":"bad"}`,
		"PATCH /v2/jobs/5":                      `{"changeset":{"retries":4,"timeout":2000}}`,
		"PUT /v2/element-instances/8/variables": `{"variables":{"ok":true},"local":true}`,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s sent %s, want %s", k, got[k], v)
		}
	}
}

func TestStreamJobsReportsAGatewayWithoutStream(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "NOT_FOUND", "No such endpoint")
	})
	err := c.StreamJobs(context.Background(), StreamJobs{Type: "x", Timeout: time.Second, Capacity: 1}, func(Job) {})
	if !errors.Is(err, ErrStreamUnsupported) {
		t.Fatalf("err = %v", err)
	}
}

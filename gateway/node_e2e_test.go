package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway"
	"github.com/shoalbpm/shoal/gateway/client"
)

// threeTasks is a process with three service tasks in a row.
const threeTasks = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://shoal.dev/test">
  <bpmn:process id="three-tasks" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="reserve"><bpmn:extensionElements><zeebe:taskDefinition type="e2e-reserve" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="charge"><bpmn:extensionElements><zeebe:taskDefinition type="e2e-charge" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="ship"><bpmn:extensionElements><zeebe:taskDefinition type="e2e-ship" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reserve" />
    <bpmn:sequenceFlow id="f2" sourceRef="reserve" targetRef="charge" />
    <bpmn:sequenceFlow id="f3" sourceRef="charge" targetRef="ship" />
    <bpmn:sequenceFlow id="f4" sourceRef="ship" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`

var taskTypes = []string{"e2e-reserve", "e2e-charge", "e2e-ship"}

// realNode is a broker.Node (real pebble, real raft) behind a real gateway.
type realNode struct {
	node *broker.Node
	url  string
	c    *client.Client
}

func startRealNode(t *testing.T, partitions int32) *realNode {
	t.Helper()
	rn := startNode(t, partitions)
	if _, err := rn.c.Deploy(context.Background(), client.Resource{Name: "three-tasks.bpmn", Content: []byte(threeTasks)}); err != nil {
		t.Fatal(err)
	}
	// The deployment is made on partition 1 and distributed to the others.
	for id := int32(1); id <= partitions; id++ {
		waitFor(t, fmt.Sprintf("the deployment on partition %d", id), func() bool {
			found := false
			if err := rn.node.Partition(id).Records().Read(0, func(r record.Record) bool {
				found = r.RecordType == record.Event && r.ValueType == record.Deployment && r.Intent == record.Created
				return !found
			}); err != nil {
				t.Fatal(err)
			}
			return found
		})
	}
	return rn
}

// startRealNodeWithoutDeployment starts one node with one partition.
func startRealNodeWithoutDeployment(t *testing.T) *realNode {
	t.Helper()
	return startNode(t, 1)
}

func startNode(t testing.TB, partitions int32) *realNode {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n, err := broker.NewNode(broker.Config{
		DataDir: t.TempDir(), PartitionsCount: partitions, InternalBind: "127.0.0.1:0", Logger: quiet,
		HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond, LeaderLeaseTimeout: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.New(n, gateway.Config{Logger: quiet, Version: "e2e"})
	srv := httptest.NewUnstartedServer(gw.Handler())
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() {
		gw.Close()
		srv.Close()
		n.Close()
	})
	waitFor(t, "the node to be ready", n.Ready)
	return &realNode{node: n, url: srv.URL, c: client.New(srv.URL)}
}

// startWorkers runs one worker per task type; each adds a variable.
func startWorkers(t *testing.T, c *client.Client, pollOnly bool) []*client.JobWorker {
	t.Helper()
	var ws []*client.JobWorker
	for _, typ := range taskTypes {
		typ := typ
		w := c.NewJobWorker(typ, func(ctx context.Context, j client.Job) (any, error) {
			return map[string]any{strings.TrimPrefix(typ, "e2e-") + "d": true}, nil
		}, client.WorkerOptions{MaxActiveJobs: 32, PollOnly: pollOnly, Timeout: time.Minute, Logger: quiet})
		ws = append(ws, w)
	}
	t.Cleanup(func() {
		for _, w := range ws {
			w.Close()
		}
	})
	return ws
}

func TestRealNodeWorkersCompleteManyInstances(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	for _, pollOnly := range []bool{false, true} {
		name := map[bool]string{false: "push stream", true: "long polling"}[pollOnly]
		t.Run(name, func(t *testing.T) {
			// The push stream on three partitions (the deployment is
			// distributed to every partition, new instances go
			// round-robin over them); long polling on one, to keep the
			// test's time in bounds on two cores.
			partitions := map[bool]int32{false: 3, true: 1}[pollOnly]
			rn := startRealNode(t, partitions)
			workers := startWorkers(t, rn.c, pollOnly)
			ctx := context.Background()

			// One instance awaited: its result carries every task's variable.
			pi, err := rn.c.CreateInstanceWithResult(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks",
				Variables: map[string]any{"order": "A-1", "amount": 12.5}}, nil, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			var vars map[string]any
			json.Unmarshal(pi.Variables, &vars)
			if vars["reserved"] != true || vars["charged"] != true || vars["shipd"] != true || vars["order"] != "A-1" || vars["amount"] != 12.5 {
				t.Fatalf("result variables = %s", pi.Variables)
			}

			var created atomic.Int64
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for created.Load() < int64(n) {
						if created.Add(1) > int64(n) {
							return
						}
						if _, err := rn.c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks"}); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			waitFor(t, fmt.Sprintf("%d instances to pass all three tasks", n), func() bool {
				return workers[2].Handled() >= int64(n+1)
			})
			total := 0
			for id := int32(1); id <= partitions; id++ { // every partition ran instances
				c := 0
				if err := rn.node.Partition(id).Records().Read(0, func(r record.Record) bool {
					if r.RecordType == record.Event && r.ValueType == record.ProcessInstanceCreation && r.Intent == record.Created {
						c++
					}
					return true
				}); err != nil {
					t.Fatal(err)
				}
				if c == 0 {
					t.Fatalf("partition %d created no instance", id)
				}
				total += c
			}
			if total != n+1 {
				t.Fatalf("%d instances created over the partitions, want %d", total, n+1)
			}
			for i, w := range workers {
				if w.Polling() != pollOnly {
					t.Fatalf("worker %d polling = %v", i, w.Polling())
				}
				if w.Handled() != int64(n+1) {
					t.Fatalf("worker %s handled %d jobs, want %d", taskTypes[i], w.Handled(), n+1)
				}
			}
		})
	}
}

func TestRealNodeJobsOfAKilledWorkerAreReactivated(t *testing.T) {
	rn := startRealNode(t, 1)
	ctx := context.Background()
	result := make(chan error, 1)
	go func() {
		_, err := rn.c.CreateInstanceWithResult(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks"}, nil, 60*time.Second)
		result <- err
	}()

	// A worker takes the first job over the stream, then dies (its
	// connection drops) before completing it. The job timeout is 10 minutes.
	sctx, kill := context.WithCancel(ctx)
	req, _ := http.NewRequestWithContext(sctx, http.MethodPost, rn.url+"/v2/jobs/stream",
		strings.NewReader(`{"type":"e2e-reserve","worker":"doomed","timeout":600000,"capacity":1}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(resp.Body).ReadBytes('\n')
	if err != nil {
		t.Fatal(err)
	}
	var doomed client.Job
	json.Unmarshal(line, &doomed)
	kill()
	resp.Body.Close()

	// A healthy worker gets the same job at once, long before its timeout.
	startWorkers(t, rn.c, false)
	select {
	case err := <-result:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("instance did not complete: job %s was not reactivated after its worker died", doomed.Key)
	}
}

func TestRealNodeAnswersProblems(t *testing.T) {
	rn := startRealNode(t, 1)
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func() error
		status int
	}{
		{"unknown process", func() error {
			_, err := rn.c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "nope"})
			return err
		}, 404},
		{"unknown job", func() error { return rn.c.CompleteJob(ctx, "2251799813685999", nil) }, 404},
		{"unknown instance", func() error { return rn.c.CancelInstance(ctx, "2251799813685998") }, 404},
		{"unknown incident", func() error { return rn.c.ResolveIncident(ctx, "2251799813685999") }, 404},
		{"key of no partition", func() error { return rn.c.CancelInstance(ctx, "9007199254740993") }, 404},
		{"bad BPMN", func() error {
			_, err := rn.c.Deploy(ctx, client.Resource{Name: "bad.bpmn", Content: []byte(strings.Replace(threeTasks, `type="e2e-charge"`, `type=""`, 1))})
			return err
		}, 400},
		{"not XML", func() error {
			_, err := rn.c.Deploy(ctx, client.Resource{Name: "junk.bpmn", Content: []byte("not xml")})
			return err
		}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			p, ok := err.(*client.Problem)
			if !ok || p.Status != tt.status || p.Detail == "" || p.Title == "" {
				t.Fatalf("err = %#v, want a problem with status %d", err, tt.status)
			}
			t.Logf("%d %s: %s", p.Status, p.Title, p.Detail)
		})
	}

	// Set variables on a running instance, then cancel it.
	pi, err := rn.c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks"})
	if err != nil {
		t.Fatal(err)
	}
	if err := rn.c.SetVariables(ctx, pi.ProcessInstanceKey, map[string]any{"note": "rush"}, false); err != nil {
		t.Fatal(err)
	}
	if err := rn.c.CancelInstance(ctx, pi.ProcessInstanceKey); err != nil {
		t.Fatal(err)
	}
	if err := rn.c.CancelInstance(ctx, pi.ProcessInstanceKey); client.StatusOf(err) != 404 && client.StatusOf(err) != 409 {
		t.Fatalf("second cancel: %v, want 404 or 409", err)
	}
	top, err := rn.c.Topology(ctx)
	if err != nil || top.PartitionsCount != 1 || len(top.Brokers) != 1 || len(top.Brokers[0].Partitions) != 1 || top.Brokers[0].Partitions[0].Role != "leader" {
		t.Fatalf("topology = %+v, %v", top, err)
	}
}

// TestRealNodeJobEndpoints drives the job endpoints by hand, as a worker in
// another language would, and checks each answer of the real engine.
func TestRealNodeJobEndpoints(t *testing.T) {
	rn := startRealNode(t, 1)
	ctx := context.Background()
	c := rn.c

	// Awaiting a result that cannot come in time: 504.
	_, err := c.CreateInstanceWithResult(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks"}, nil, 200*time.Millisecond)
	if client.StatusOf(err) != 504 {
		t.Fatalf("await without workers: %v, want 504", err)
	}
	jobs, err := c.ActivateJobs(ctx, client.ActivateJobs{Type: "e2e-reserve", Worker: "hand", Timeout: time.Minute, MaxJobs: 5, RequestTimeout: -1})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("activate: %v %v", jobs, err)
	}
	j := jobs[0]
	if j.Type != "e2e-reserve" || j.ElementID != "reserve" || j.Retries != 3 || j.Worker != "hand" || j.ProcessDefinitionID != "three-tasks" || j.Deadline == 0 {
		t.Fatalf("job = %+v", j)
	}
	retries, timeout := int32(5), 2*time.Minute
	if err := c.UpdateJob(ctx, j.Key, &retries, &timeout); err != nil {
		t.Fatalf("update job: %v", err)
	}
	if err := c.SetVariables(ctx, j.ElementInstanceKey, map[string]any{"local": 1}, true); err != nil {
		t.Fatalf("set local variables: %v", err)
	}
	// No retries left: the job fails into an incident and cannot be completed.
	if err := c.FailJob(ctx, j.Key, client.FailJob{Retries: 0, ErrorMessage: "card declined"}); err != nil {
		t.Fatalf("fail job: %v", err)
	}
	err = c.CompleteJob(ctx, j.Key, nil)
	t.Logf("complete a failed job: %v", err)
	if client.StatusOf(err) != 409 {
		t.Fatalf("complete a failed job: %v, want 409", err)
	}
	if err := c.ThrowError(ctx, "2251799813685990", "E", "", nil); !client.IsNotFound(err) {
		t.Fatalf("throw error on unknown job: %v", err)
	}
	if err := c.FailJob(ctx, "2251799813685990", client.FailJob{}); !client.IsNotFound(err) {
		t.Fatalf("fail unknown job: %v", err)
	}
	if err := c.UpdateJob(ctx, "2251799813685990", &retries, nil); !client.IsNotFound(err) {
		t.Fatalf("update unknown job: %v", err)
	}
	err = c.SetVariables(ctx, "2251799813685990", map[string]any{"a": 1}, false)
	t.Logf("set variables on unknown scope: %v", err)
	if !client.IsNotFound(err) {
		t.Fatalf("set variables on unknown scope: %v, want 404", err)
	}
}

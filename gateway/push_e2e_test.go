package gateway_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/client"
)

// pushOneTask is a process with one service task.
const pushOneTask = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://shoal.dev/test">
  <bpmn:process id="push-one" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="task"><bpmn:extensionElements><zeebe:taskDefinition type="push-work" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`

// A push-stream worker on a real node gets the jobs pushed from the step
// that creates them: each exactly once, nearly all without a JOB_BATCH
// ACTIVATE command.
func TestRealNodePushStreamWorkerCompletesInstancesFromTheEngineStep(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	rn := startNode(t, 1)
	ctx := context.Background()
	if _, err := rn.c.Deploy(ctx, client.Resource{Name: "push-one.bpmn", Content: []byte(pushOneTask)}); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	w := rn.c.NewJobWorker("push-work", func(ctx context.Context, j client.Job) (any, error) {
		mu.Lock()
		seen[j.Key]++
		mu.Unlock()
		return map[string]any{"done": true}, nil
	}, client.WorkerOptions{MaxActiveJobs: 32, Timeout: time.Minute, Logger: quiet})
	t.Cleanup(func() { w.Close() })
	waitFor(t, "the stream to open", func() bool { return !w.Polling() && rn.node.Partition(1) != nil })

	var created atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for created.Add(1) <= int64(n) {
				if _, err := rn.c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "push-one"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	waitFor(t, "every job to be completed", func() bool { return w.Handled() >= int64(n) })

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Fatalf("the worker got %d distinct jobs, want %d", len(seen), n)
	}
	for key, times := range seen {
		if times != 1 {
			t.Fatalf("job %s handed to the worker %d times", key, times)
		}
	}
	var activateCmds, pushed, completed, rejections int
	if err := rn.node.Partition(1).Records().Read(0, func(r record.Record) bool {
		switch {
		case r.RecordType == record.CommandRejection && r.ValueType == record.Job:
			rejections++
		case r.RecordType == record.Command && r.ValueType == record.JobBatch && r.Intent == record.Activate:
			activateCmds++
		case r.RecordType == record.Event && r.ValueType == record.JobBatch && r.Intent == record.Activated:
			if b := r.Value.(*record.JobBatchRecord); len(b.JobKeys) == 1 && b.MaxJobsToActivate == 0 {
				pushed++ // written by the step that created the job
			}
		case r.RecordType == record.Event && r.ValueType == record.Job && r.Intent == record.Completed:
			completed++
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d jobs pushed from the engine step, %d JOB_BATCH ACTIVATE commands", pushed, activateCmds)
	if completed != n || rejections != 0 {
		t.Fatalf("%d jobs completed with %d rejections, want %d and none", completed, rejections, n)
	}
	if pushed < n/2 {
		t.Fatalf("only %d of %d jobs were pushed from the engine step", pushed, n)
	}
}

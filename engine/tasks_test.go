package engine_test

import (
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

func oneTask() string {
	return Process("one").Start("start").ServiceTask("task", "work").End("end").Chain("start", "task", "end").XML()
}

func TestServiceTask_JobCompletionCompletesInstance(t *testing.T) {
	// given
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", map[string]any{"a": 1})

	// when
	jobs := h.ActivateJobs("work", 10)
	if len(jobs) != 1 {
		t.Fatalf("activated %d jobs, want 1", len(jobs))
	}
	h.CompleteJob(jobs[0].Key, map[string]any{"b": "x"})

	// then
	done := h.Records().ProcessInstance(pik).Intent(record.ElementCompleted).ElementIDs()
	want := []string{"start", "task", "end", "one"}
	if len(done) != len(want) {
		t.Fatalf("completed %v, want %v", done, want)
	}
	for i := range want {
		if done[i] != want[i] {
			t.Fatalf("completed %v, want %v", done, want)
		}
	}
	Golden(t, h.Records())
	h.CheckReplay()
}

// TestServiceTask_ExporterJSONOfAnInstanceLife pins the JSON that exporters
// and the read model see, record by record.
func TestServiceTask_ExporterJSONOfAnInstanceLife(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", map[string]any{"orderId": 7})
	h.CompleteJob(h.ActivateJobs("work", 1)[0].Key, map[string]any{"ok": true})
	GoldenJSON(t, h.Records().Filter(func(r *record.Record) bool {
		return r.ValueType != record.Deployment && r.ValueType != record.Process // resources are long
	}))
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
}

package engine_test

import (
	"math"
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

func TestVariables_JobCompletionPropagatesToProcessScope(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", map[string]any{"a": 1})
	h.CompleteJob(h.ActivateJobs("work", 1)[0].Key, map[string]any{"a": 2, "b": true})
	for name, want := range map[string]string{"a": "2", "b": "true"} {
		if got, ok := variable(h, pik, name); !ok || got != want {
			t.Fatalf("process variable %s = %s (%v), want %s", name, got, ok, want)
		}
	}
	// a changed value is an UPDATED event with the variable's own key
	updated := h.Records().ValueType(record.Variable).Intent(record.Updated)
	if len(updated) != 1 || updated[0].Value.(*record.VariableRecord).Name != "a" {
		t.Fatalf("UPDATED events: %v", Format(updated))
	}
}

func TestVariables_InputMappingsAreLocalAndOutputMappingsDecideWhatLeaves(t *testing.T) {
	// given a task with an input and an output mapping
	h := New(t)
	h.Deploy("io.bpmn", Process("io").Start("s").
		ServiceTask("t", "work", IO([]string{"=order.total", "amount"}, []string{"=result * 2", "doubled"})).
		End("e").Chain("s", "t", "e").XML())
	pik := h.CreateInstance("io", map[string]any{"order": map[string]any{"total": 21}})

	// when the worker sees the input and completes with a result
	jobs := h.ActivateJobs("work", 1)
	if got := jsonOf(jobs[0].Variables); got != `{"amount":21,"order":{"total":21}}` {
		t.Fatalf("job variables = %s", got)
	}
	h.CompleteJob(jobs[0].Key, map[string]any{"result": 21, "noise": 1})

	// then only the output mapping reached the process; the input stayed local
	task := elementKey(t, h, pik, "t")
	if v, ok := variable(h, task, "amount"); !ok || v != "21" {
		t.Fatalf("local amount = %s %v", v, ok)
	}
	if v, ok := variable(h, pik, "doubled"); !ok || v != "42" {
		t.Fatalf("doubled = %s %v", v, ok)
	}
	for _, name := range []string{"amount", "result", "noise"} {
		if _, ok := variable(h, pik, name); ok {
			t.Fatalf("%s leaked into the process scope", name)
		}
	}
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
	h.CheckReplay()
}

func TestVariables_PropagationUpdatesTheNearestScopeThatHasTheVariable(t *testing.T) {
	// given a subprocess with a local variable x (input mapping) and a task in it
	h := New(t)
	inner := Scope("sp").Start("is").ServiceTask("t", "work").End("ie").Chain("is", "t", "ie")
	h.Deploy("sub.bpmn", Process("sub").Start("s").SubProcess("sp", inner, Inputs("=0", "x")).End("e").
		Chain("s", "sp", "e").XML())
	pik := h.CreateInstance("sub", map[string]any{"x": 100})

	// when the job completes with x and y
	h.CompleteJob(h.ActivateJobs("work", 1)[0].Key, map[string]any{"x": 1, "y": 2})

	// then x went to the subprocess (which has x), y to the process
	sp := elementKey(t, h, pik, "sp")
	if v, _ := variable(h, sp, "x"); v != "1" {
		t.Fatalf("subprocess x = %s, want 1", v)
	}
	if v, _ := variable(h, pik, "x"); v != "100" {
		t.Fatalf("process x = %s, want 100 (untouched)", v)
	}
	if v, _ := variable(h, pik, "y"); v != "2" {
		t.Fatalf("process y = %s, want 2", v)
	}
	h.CheckReplay()
}

func TestVariables_SetVariablesLocalOrPropagated(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", map[string]any{"a": 1})
	task := elementKey(t, h, pik, "task")

	h.SetVariables(task, map[string]any{"a": 5}, true)
	if v, _ := variable(h, task, "a"); v != "5" {
		t.Fatalf("local a = %s", v)
	}
	h.SetVariables(task, map[string]any{"b": 7}, false)
	if v, ok := variable(h, pik, "b"); !ok || v != "7" {
		t.Fatalf("propagated b = %s %v", v, ok)
	}
	// the worker now sees the local a, which hides the process's a
	if got := jsonOf(h.ActivateJobs("work", 1)[0].Variables); got != `{"a":5,"b":7}` {
		t.Fatalf("job variables = %s", got)
	}
	r := h.ExpectRejection(record.NotFound, record.VariableDocument, record.Update, -1,
		&record.VariableDocumentRecord{ScopeKey: 12345, Variables: map[string]any{"x": 1}})
	if r.RejectionReason != "Expected to update variables for element with key '12345', but no such element was found" {
		t.Fatalf("reason %q", r.RejectionReason)
	}
	h.CheckReplay()
}

func TestVariables_InputMappingFailureRaisesIOMappingIncidentAndRetries(t *testing.T) {
	// given an input mapping whose expression fails at run time
	h := New(t)
	h.Deploy("bad.bpmn", Process("bad").Start("s").ServiceTask("t", "work", Inputs("=substring(name, 1, 2)", "short")).
		End("e").Chain("s", "t", "e").XML())
	pik := h.CreateInstance("bad", map[string]any{"name": 42})

	// then an IO_MAPPING_ERROR incident stops the task before its job exists
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorType != record.ErrIOMappingError || incs[0].ElementID != "t" {
		t.Fatalf("incidents = %+v", incs)
	}
	if n := len(h.Records().ValueType(record.Job)); n != 0 {
		t.Fatal("job created despite the failed mapping")
	}

	// when the variable is fixed and the incident resolved, the task activates
	h.SetVariables(pik, map[string]any{"name": "shoal"}, false)
	h.ResolveIncident(incs[0].Key)
	jobs := h.ActivateJobs("work", 1)
	if len(jobs) != 1 || jsonOf(jobs[0].Variables["short"]) != `"sh"` {
		t.Fatalf("jobs after resolve: %+v", jobs)
	}
	Golden(t, h.Records())
	h.CheckReplay()
}

func TestVariables_DocumentsThatAreNotJSONAreRejected(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	bad := map[string]any{"x": math.NaN()}
	h.ExpectRejection(record.InvalidArgument, record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "one", Variables: bad})
	pik := h.CreateInstance("one", nil)
	h.ExpectRejection(record.InvalidArgument, record.VariableDocument, record.Update, -1,
		&record.VariableDocumentRecord{ScopeKey: pik, Variables: bad})
	key := h.ActivateJobs("work", 1)[0].Key
	h.ExpectRejection(record.InvalidArgument, record.Job, record.Complete, key, &record.JobRecord{Variables: bad})
	h.CompleteJob(key, nil)
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
}

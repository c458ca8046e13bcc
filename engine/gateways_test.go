package engine_test

import (
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

func exclusive() string {
	return Process("xor").Start("start").Gateway("exclusive", "split", "small").
		Task("manualTask", "big").Task("manualTask", "medium").Task("manualTask", "tiny").
		Gateway("exclusive", "merge", "").End("end").
		Flow("start", "split").
		FlowID("large", "split", "big", "=amount > 100").
		FlowID("mid", "split", "medium", "=amount > 10").
		FlowID("small", "split", "tiny", "").
		Flow("big", "merge").Flow("medium", "merge").Flow("tiny", "merge").Flow("merge", "end").XML()
}

func TestExclusiveGateway_TakesFirstTrueConditionInOrder(t *testing.T) {
	for _, tc := range []struct {
		amount any
		path   string
	}{{500, "big"}, {50, "medium"}, {5, "tiny"}} {
		h := New(t)
		h.Deploy("xor.bpmn", exclusive())
		pik := h.CreateInstance("xor", map[string]any{"amount": tc.amount})
		equalStrings(t, "completed", completedIDs(h, pik), []string{"start", "split", tc.path, "merge", "end", "xor"})
	}
}

func TestExclusiveGateway_NoMatchAndNoDefaultRaisesConditionIncident(t *testing.T) {
	// given a gateway without default whose only condition is false
	h := New(t)
	h.Deploy("x.bpmn", Process("x").Start("s").Gateway("exclusive", "g", "").Task("task", "a").End("e").
		Flow("s", "g").FlowID("fa", "g", "a", "=x > 1").Chain("a", "e").XML())

	// when
	pik := h.CreateInstance("x", map[string]any{"x": 0})

	// then the gateway stays with a CONDITION_ERROR incident
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorType != record.ErrConditionError || incs[0].ElementID != "g" {
		t.Fatalf("incidents = %+v", incs)
	}
	if incs[0].ErrorMessage != "Expected at least one condition to evaluate to true, or to have a default flow" {
		t.Fatalf("message = %q", incs[0].ErrorMessage)
	}

	// when the variable is fixed and the incident resolved, the instance continues
	h.SetVariables(pik, map[string]any{"x": 5}, false)
	h.ResolveIncident(incs[0].Key)
	if !isCompleted(h, pik) {
		t.Fatalf("instance did not complete: %v", h.Records().ProcessInstance(pik).Steps())
	}
	Golden(t, h.Records())
	h.CheckReplay()
}

func TestExclusiveGateway_ConditionOnMissingVariableRaisesIncident(t *testing.T) {
	// given a condition on a variable that does not exist (FEEL: null)
	h := New(t)
	h.Deploy("x.bpmn", Process("x").Start("s").Gateway("exclusive", "g", "").End("e").
		Flow("s", "g").FlowID("fa", "g", "e", "=x > 1").XML())
	h.CreateInstance("x", nil)
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorMessage != "Expected result of the expression 'x > 1' to be 'BOOLEAN', but was 'NULL'." {
		t.Fatalf("incidents = %+v", incs)
	}
}

func TestExclusiveGateway_NonBooleanConditionRaisesIncident(t *testing.T) {
	h := New(t)
	h.Deploy("x.bpmn", Process("x").Start("s").Gateway("exclusive", "g", "").End("e").
		Flow("s", "g").FlowID("fa", "g", "e", `="yes"`).XML())
	h.CreateInstance("x", nil)
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorMessage != `Expected result of the expression '"yes"' to be 'BOOLEAN', but was 'STRING'.` {
		t.Fatalf("incidents = %+v", incs)
	}
}

func parallel() string {
	return Process("par").Start("start").Gateway("parallel", "fork", "").
		ServiceTask("a", "a").ServiceTask("b", "b").Task("manualTask", "c").
		Gateway("parallel", "join", "").End("end").
		Flow("start", "fork").Flow("fork", "a").Flow("fork", "b").Flow("fork", "c").
		Flow("a", "join").Flow("b", "join").Flow("c", "join").Flow("join", "end").XML()
}

func TestParallelGateway_JoinWaitsForEveryBranch(t *testing.T) {
	// given
	h := New(t)
	h.Deploy("par.bpmn", parallel())
	pik := h.CreateInstance("par", nil)

	// when one of two job branches completes, the join waits
	h.CompleteJob(h.ActivateJobs("a", 1)[0].Key, nil)
	if n := len(h.Records().ProcessInstance(pik).ElementID("join").Intent(record.ElementActivated)); n != 0 {
		t.Fatalf("join activated %d times before all branches arrived", n)
	}

	// when the last branch completes, the join activates once and the instance completes
	h.CompleteJob(h.ActivateJobs("b", 1)[0].Key, nil)
	if n := len(h.Records().ProcessInstance(pik).ElementID("join").Intent(record.ElementActivated)); n != 1 {
		t.Fatalf("join activated %d times, want 1", n)
	}
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
	Golden(t, h.Records())
	h.CheckReplay()
}

func inclusive() string {
	return Process("or").Start("start").Gateway("inclusive", "fork", "none").
		ServiceTask("a", "a").ServiceTask("b", "b").Task("manualTask", "c").
		Gateway("inclusive", "join", "").End("end").
		Flow("start", "fork").
		FlowID("fa", "fork", "a", "=wantA").FlowID("fb", "fork", "b", "=wantB").FlowID("none", "fork", "c", "").
		Flow("a", "join").Flow("b", "join").Flow("c", "join").Flow("join", "end").XML()
}

func TestInclusiveGateway_ForksOnTrueConditionsAndJoinWaitsOnlyForThem(t *testing.T) {
	for _, tc := range []struct {
		name         string
		wantA, wantB bool
		jobs         []string
	}{
		{"both", true, true, []string{"a", "b"}},
		{"onlyB", false, true, []string{"b"}},
		{"default", false, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := New(t)
			h.Deploy("or.bpmn", inclusive())
			pik := h.CreateInstance("or", map[string]any{"wantA": tc.wantA, "wantB": tc.wantB})
			for i, jt := range tc.jobs {
				if isCompleted(h, pik) {
					t.Fatalf("completed before job %s", jt)
				}
				jobs := h.ActivateJobs(jt, 1)
				if len(jobs) != 1 {
					t.Fatalf("no job of type %s (step %d)", jt, i)
				}
				h.CompleteJob(jobs[0].Key, nil)
			}
			if !isCompleted(h, pik) {
				t.Fatalf("instance did not complete: %v", h.Records().ProcessInstance(pik).Steps())
			}
			if n := len(h.Records().ProcessInstance(pik).ElementID("join").Intent(record.ElementCompleted)); n != 1 {
				t.Fatalf("join completed %d times, want 1", n)
			}
			h.CheckReplay()
		})
	}
}

func TestInclusiveGateway_JoinDoesNotWaitForBranchThatTookAnotherWay(t *testing.T) {
	// given a branch that may leave for an end event instead of the join
	h := New(t)
	h.Deploy("or2.bpmn", Process("or2").Start("start").Gateway("inclusive", "fork", "").
		ServiceTask("a", "a").ServiceTask("b", "b").Gateway("exclusive", "x", "toJoin").End("away").
		Gateway("inclusive", "join", "").End("end").
		Flow("start", "fork").FlowID("fa", "fork", "a", "=true").FlowID("fb", "fork", "b", "=true").
		Flow("a", "join").Flow("b", "x").FlowID("leave", "x", "away", "=leave").FlowID("toJoin", "x", "join", "").
		Flow("join", "end").XML())
	pik := h.CreateInstance("or2", map[string]any{"leave": true})

	// when a arrives at the join first, it waits while b can still come
	h.CompleteJob(h.ActivateJobs("a", 1)[0].Key, nil)
	if n := len(h.Records().ProcessInstance(pik).ElementID("join").Intent(record.ElementActivating)); n != 0 {
		t.Fatal("join activated while b could still arrive")
	}
	// when b leaves through the other end event, the join goes on
	h.CompleteJob(h.ActivateJobs("b", 1)[0].Key, nil)
	if !isCompleted(h, pik) {
		t.Fatalf("instance did not complete: %v", h.Records().ProcessInstance(pik).Steps())
	}
	h.CheckReplay()
}

func TestInclusiveGateway_NoTrueConditionAndNoDefaultRaisesIncident(t *testing.T) {
	h := New(t)
	h.Deploy("or.bpmn", Process("or").Start("s").Gateway("inclusive", "g", "").Task("task", "a").Task("task", "b").
		End("e1").End("e2").Flow("s", "g").FlowID("fa", "g", "a", "=x = 1").FlowID("fb", "g", "b", "=x = 2").
		Flow("a", "e1").Flow("b", "e2").XML())
	pik := h.CreateInstance("or", map[string]any{"x": 3})
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorType != record.ErrConditionError || incs[0].ElementID != "g" {
		t.Fatalf("incidents = %+v", incs)
	}
	h.SetVariables(pik, map[string]any{"x": 2}, false)
	h.ResolveIncident(incs[0].Key)
	equalStrings(t, "completed", completedIDs(h, pik), []string{"s", "g", "b", "e2", "or"})
}

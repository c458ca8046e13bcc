package engine_test

import (
	"strings"
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

func TestSubProcess_RunsItsContentAndCompletesWithIt(t *testing.T) {
	h := New(t)
	inner := Scope("sp").Start("is").ServiceTask("t", "work").End("ie").Chain("is", "t", "ie")
	h.Deploy("sub.bpmn", Process("sub").Start("s").SubProcess("sp", inner, Outputs("=r", "result")).End("e").
		Chain("s", "sp", "e").XML())
	pik := h.CreateInstance("sub", nil)
	sp := elementKey(t, h, pik, "sp")
	job := h.ActivateJobs("work", 1)[0]
	if job.ElementInstanceKey == sp {
		t.Fatal("job belongs to the subprocess, not its task")
	}
	h.CompleteJob(job.Key, map[string]any{"r": "ok"})
	equalStrings(t, "completed", completedIDs(h, pik), []string{"s", "is", "t", "ie", "sp", "e", "sub"})
	if v, _ := variable(h, pik, "result"); v != `"ok"` {
		t.Fatalf("result = %s", v)
	}
	Golden(t, h.Records().ProcessInstance(pik))
	h.CheckReplay()
}

func TestTerminateEndEvent_TerminatesOtherBranchesAndCompletesScope(t *testing.T) {
	// given a fork into a waiting task and a terminate end event
	h := New(t)
	h.Deploy("term.bpmn", Process("term").Start("s").Gateway("parallel", "fork", "").
		ServiceTask("wait", "wait").TerminateEnd("stop").End("e").
		Flow("s", "fork").Flow("fork", "wait").Flow("fork", "stop").Flow("wait", "e").XML())

	// when
	pik := h.CreateInstance("term", nil)

	// then the waiting task is terminated, its job canceled, the process completed
	if n := len(h.Records().ProcessInstance(pik).ElementID("wait").Intent(record.ElementTerminated)); n != 1 {
		t.Fatalf("wait terminated %d times", n)
	}
	if n := len(h.Records().ValueType(record.Job).Intent(record.Canceled)); n != 1 {
		t.Fatalf("%d jobs canceled", n)
	}
	if !isCompleted(h, pik) {
		t.Fatalf("instance not completed: %v", h.Records().ProcessInstance(pik).Steps())
	}
	Golden(t, h.Records().ProcessInstance(pik))
	h.CheckReplay()
}

func TestScriptTask_EvaluatesInTheEngineAndStoresTheResult(t *testing.T) {
	h := New(t)
	h.Deploy("script.bpmn", Process("script").Start("s").
		Task("scriptTask", "calc", `<zeebe:script expression="=a + b" resultVariable="sum" />`).
		End("e").Chain("s", "calc", "e").XML())
	pik := h.CreateInstance("script", map[string]any{"a": 0.1, "b": 0.2})
	if v, _ := variable(h, pik, "sum"); v != "0.3" {
		t.Fatalf("sum = %s", v)
	}
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
	if n := len(h.Records().ValueType(record.Job)); n != 0 {
		t.Fatal("a script task with zeebe:script created a job")
	}
}

func TestScriptTask_FailureRaisesExtractValueIncident(t *testing.T) {
	h := New(t)
	h.Deploy("script.bpmn", Process("script").Start("s").
		Task("scriptTask", "calc", `<zeebe:script expression="=upper case(name)" resultVariable="u" />`).
		End("e").Chain("s", "calc", "e").XML())
	pik := h.CreateInstance("script", map[string]any{"name": 3})
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorType != record.ErrExtractValueError {
		t.Fatalf("incidents = %+v", incs)
	}
	h.SetVariables(pik, map[string]any{"name": "x"}, false)
	h.ResolveIncident(incs[0].Key)
	if v, _ := variable(h, pik, "u"); v != `"X"` {
		t.Fatalf("u = %s", v)
	}
}

func TestUserTask_IsAJobWithAssignmentHeaders(t *testing.T) {
	h := New(t)
	h.Deploy("user.bpmn", Process("user").Start("s").
		Task("userTask", "review", `<zeebe:assignmentDefinition assignee="=owner" candidateGroups="managers, leads" />`,
			`<zeebe:formDefinition formKey="camunda-forms:bpmn:form1" />`).
		End("e").Chain("s", "review", "e").XML())
	h.CreateInstance("user", map[string]any{"owner": "ada"})
	jobs := h.ActivateJobs("io.camunda.zeebe:userTask", 1)
	if len(jobs) != 1 {
		t.Fatal("no user task job")
	}
	hd := jobs[0].CustomHeaders
	if hd["io.camunda.zeebe:assignee"] != "ada" || hd["io.camunda.zeebe:formKey"] != "camunda-forms:bpmn:form1" ||
		!strings.Contains(hd["io.camunda.zeebe:candidateGroups"], "managers") {
		t.Fatalf("headers = %v", hd)
	}
}

func TestJobType_ExpressionsAreEvaluatedAndFailuresRaiseIncidents(t *testing.T) {
	h := New(t)
	h.Deploy("dyn.bpmn", Process("dyn").Start("s").
		Element("serviceTask", "t", "", Ext(`<zeebe:taskDefinition type="=&quot;ship-&quot; + region" retries="=tries" />`,
			Headers("provider", "acme"))).
		End("e").Chain("s", "t", "e").XML())
	h.CreateInstance("dyn", map[string]any{"region": "eu", "tries": 7})
	jobs := h.ActivateJobs("ship-eu", 1)
	if len(jobs) != 1 || jobs[0].Retries != 7 || jobs[0].CustomHeaders["provider"] != "acme" {
		t.Fatalf("jobs = %+v", jobs)
	}
	h.CreateInstance("dyn", map[string]any{"region": 1, "tries": 7})
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorType != record.ErrExtractValueError {
		t.Fatalf("incidents = %+v", incs)
	}
}

func TestPassThroughElements_ManualUndefinedAndThrowEventsJustContinue(t *testing.T) {
	h := New(t)
	h.Deploy("pass.bpmn", Process("pass").Start("s").Task("manualTask", "m").Task("task", "u").
		Element("intermediateThrowEvent", "i", "", "").End("e").Chain("s", "m", "u", "i", "e").XML())
	pik := h.CreateInstance("pass", nil)
	equalStrings(t, "completed", completedIDs(h, pik), []string{"s", "m", "u", "i", "e", "pass"})
}

func TestUnsupportedElement_DeploysButRaisesIncidentWhenReached(t *testing.T) {
	// given a process with a timer catch event (a later feature)
	h := New(t)
	h.Deploy("timer.bpmn", Process("timer").Start("s").
		Element("intermediateCatchEvent", "wait", "", `<bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>`).
		End("e").Chain("s", "wait", "e").XML())

	// when an instance reaches it
	pik := h.CreateInstance("timer", nil)

	// then it stops there with an incident that says so
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ElementID != "wait" ||
		incs[0].ErrorMessage != "Expected to activate element 'wait', but Shoal does not support elements of type 'INTERMEDIATE_CATCH_EVENT' yet" {
		t.Fatalf("incidents = %+v", incs)
	}
	// and the instance can still be canceled
	h.Cancel(pik)
	h.CheckReplay()
}

func TestJobTasks_EveryJobBasedKindCreatesAJobOfItsType(t *testing.T) {
	for _, tag := range []string{"serviceTask", "sendTask", "businessRuleTask", "scriptTask"} {
		t.Run(tag, func(t *testing.T) {
			h := New(t)
			h.Deploy("j.bpmn", Process("j").Start("s").Task(tag, "t", `<zeebe:taskDefinition type="do-`+tag+`" retries="2" />`).
				End("e").Chain("s", "t", "e").XML())
			pik := h.CreateInstance("j", nil)
			jobs := h.ActivateJobs("do-"+tag, 1)
			if len(jobs) != 1 || jobs[0].Retries != 2 || jobs[0].ElementID != "t" {
				t.Fatalf("jobs = %+v", jobs)
			}
			h.CompleteJob(jobs[0].Key, nil)
			if !isCompleted(h, pik) {
				t.Fatal("instance did not complete")
			}
		})
	}
}

func TestOutputMappingFailureRaisesIncidentOnCompletionAndResolvingCompletes(t *testing.T) {
	// given a task whose output mapping reads a variable the worker may not send
	h := New(t)
	h.Deploy("out.bpmn", Process("out").Start("s").ServiceTask("t", "work", Outputs("=upper case(name)", "shout")).
		End("e").Chain("s", "t", "e").XML())
	pik := h.CreateInstance("out", nil)

	// when the job completes with a name that is not a string
	h.CompleteJob(h.ActivateJobs("work", 1)[0].Key, map[string]any{"name": 5})

	// then the task waits in COMPLETING with an IO_MAPPING_ERROR incident
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorType != record.ErrIOMappingError {
		t.Fatalf("incidents = %+v", incs)
	}
	task := elementKey(t, h, pik, "t")
	h.SetVariables(task, map[string]any{"name": "ada"}, true)
	h.ResolveIncident(incs[0].Key)
	if v, _ := variable(h, pik, "shout"); v != `"ADA"` {
		t.Fatalf("shout = %s", v)
	}
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
}

func TestTerminateEndEvent_InsideASubprocessEndsOnlyTheSubprocess(t *testing.T) {
	// given a subprocess with a waiting task and a terminate end event, and
	// a task after the subprocess
	h := New(t)
	inner := Scope("sp").Start("is").Gateway("parallel", "fork", "").ServiceTask("wait", "wait").
		TerminateEnd("stop").End("ie").Flow("is", "fork").Flow("fork", "wait").Flow("fork", "stop").Flow("wait", "ie")
	h.Deploy("ts.bpmn", Process("ts").Start("s").SubProcess("sp", inner).ServiceTask("after", "after").End("e").
		Chain("s", "sp", "after", "e").XML())

	// when
	pik := h.CreateInstance("ts", nil)

	// then the subprocess completed, its task was terminated, and the process goes on
	if n := len(h.Records().ProcessInstance(pik).ElementID("wait").Intent(record.ElementTerminated)); n != 1 {
		t.Fatalf("wait terminated %d times", n)
	}
	if n := len(h.Records().ProcessInstance(pik).ElementID("sp").Intent(record.ElementCompleted)); n != 1 {
		t.Fatalf("subprocess completed %d times", n)
	}
	jobs := h.ActivateJobs("after", 1)
	if len(jobs) != 1 {
		t.Fatal("the process did not continue after the subprocess")
	}
	h.CompleteJob(jobs[0].Key, nil)
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
}

func TestCancel_WhileASubprocessWaitsAtAnIncident(t *testing.T) {
	h := New(t)
	inner := Scope("sp").Start("is").ServiceTask("t", "work", Inputs("=upper case(x)", "y")).End("ie").Chain("is", "t", "ie")
	h.Deploy("ci.bpmn", Process("ci").Start("s").SubProcess("sp", inner).End("e").Chain("s", "sp", "e").XML())
	pik := h.CreateInstance("ci", map[string]any{"x": 1})
	if n := len(h.Records().Incidents()); n != 1 {
		t.Fatalf("%d incidents, want 1", n)
	}
	h.Cancel(pik)
	equalStrings(t, "terminated", h.Records().ProcessInstance(pik).Intent(record.ElementTerminated).ElementIDs(), []string{"t", "sp", "ci"})
	if n := len(h.Records().ValueType(record.Incident).Intent(record.Resolved)); n != 1 {
		t.Fatalf("%d incidents resolved, want 1", n)
	}
}

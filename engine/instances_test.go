package engine_test

import (
	"strings"
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

func TestDeployment_VersionsChangeOnlyWhenTheResourceChanges(t *testing.T) {
	h := New(t)
	v1 := h.Deploy("one.bpmn", oneTask()).ProcessesMetadata[0]
	again := h.Deploy("one.bpmn", oneTask()).ProcessesMetadata[0]
	if again.Version != 1 || !again.Duplicate || again.ProcessDefinitionKey != v1.ProcessDefinitionKey {
		t.Fatalf("redeploy of the same resource: %+v", again)
	}
	changed := Process("one").Start("start").ServiceTask("task", "other").End("end").Chain("start", "task", "end").XML()
	v2 := h.Deploy("one.bpmn", changed).ProcessesMetadata[0]
	if v2.Version != 2 || v2.Duplicate || v2.ProcessDefinitionKey == v1.ProcessDefinitionKey {
		t.Fatalf("changed resource: %+v", v2)
	}
	if n := len(h.Records().ValueType(record.Process).Intent(record.Created)); n != 2 {
		t.Fatalf("%d PROCESS CREATED events, want 2 (none for the duplicate)", n)
	}

	// instances start the latest version, or the one asked for
	h.CreateInstance("one", nil)
	if jobs := h.ActivateJobs("other", 1); len(jobs) != 1 {
		t.Fatal("latest version not used")
	}
	h.Expect(record.ProcessInstanceCreation, record.Create, -1, &record.ProcessInstanceCreationRecord{BpmnProcessID: "one", Version: 1})
	h.Expect(record.ProcessInstanceCreation, record.Create, -1, &record.ProcessInstanceCreationRecord{ProcessDefinitionKey: v1.ProcessDefinitionKey})
	if jobs := h.ActivateJobs("work", 5); len(jobs) != 2 {
		t.Fatalf("version 1 jobs: %d, want 2", len(jobs))
	}
	h.CheckReplay()
}

func TestDeployment_SeveralResourcesAtOnceOrNone(t *testing.T) {
	h := New(t)
	d := h.Deploy("a.bpmn", Process("a").Start("s").End("e").Chain("s", "e").XML(),
		"b.bpmn", Process("b").Start("s").End("e").Chain("s", "e").XML())
	if len(d.ProcessesMetadata) != 2 {
		t.Fatalf("metadata: %+v", d.ProcessesMetadata)
	}
	// one bad resource rejects the whole deployment, with every problem located
	reason := h.DeployRejected("c.bpmn", Process("c").Start("s").End("e").Chain("s", "e").XML(),
		"bad.bpmn", Process("bad").Start("s").ServiceTask("t", "").Flow("s", "t").Flow("s", "nowhere").XML())
	if !strings.HasPrefix(reason, "Expected to deploy new resources, but encountered the following errors:\n'bad.bpmn': ") {
		t.Fatalf("reason %q", reason)
	}
	if strings.Count(reason, "'bad.bpmn': ") < 2 {
		t.Fatalf("want every problem of bad.bpmn in %q", reason)
	}
	h.ExpectRejection(record.NotFound, record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "c"})
	if got := h.DeployRejected("notes.txt", "hello"); !strings.Contains(got, "'notes.txt'") {
		t.Fatalf("reason %q", got)
	}
}

func TestCreateInstance_RejectionsSayWhatIsMissing(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	for _, tc := range []struct {
		v      *record.ProcessInstanceCreationRecord
		rt     record.RejectionType
		reason string
	}{
		{&record.ProcessInstanceCreationRecord{}, record.InvalidArgument, "Expected at least a bpmnProcessId or a key greater than -1, but none given"},
		{&record.ProcessInstanceCreationRecord{BpmnProcessID: "nope"}, record.NotFound, "Expected to find process definition with process ID 'nope', but none found"},
		{&record.ProcessInstanceCreationRecord{BpmnProcessID: "one", Version: 7}, record.NotFound, "Expected to find process definition with process ID 'one' and version '7', but none found"},
		{&record.ProcessInstanceCreationRecord{ProcessDefinitionKey: 42}, record.NotFound, "Expected to find process definition with key '42', but none found"},
	} {
		r := h.ExpectRejection(tc.rt, record.ProcessInstanceCreation, record.Create, -1, tc.v)
		if r.RejectionReason != tc.reason {
			t.Errorf("reason %q\nwant   %q", r.RejectionReason, tc.reason)
		}
	}
}

func TestCreateInstance_AwaitingResultIsAnsweredWhenTheInstanceCompletes(t *testing.T) {
	// given an instance created with awaiting result, fetching b only
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	req := h.CreateInstanceAwaiting("one", map[string]any{"a": 1}, "b")
	if _, ok := h.Response(req); ok {
		t.Fatal("answered before the instance completed")
	}

	// when it completes
	h.CompleteJob(h.ActivateJobs("work", 1)[0].Key, map[string]any{"b": 2})

	// then the request gets the result with the fetched variables
	r, ok := h.Response(req)
	if !ok {
		t.Fatal("no answer after completion")
	}
	v, ok := r.Value.(*record.ProcessInstanceResultRecord)
	if !ok || r.ValueType != record.ProcessInstanceResult || r.Intent != record.Completed || jsonOf(v.Variables) != `{"b":2}` {
		t.Fatalf("answer %s %s %+v", r.ValueType, r.Intent, r.Value)
	}
	h.CheckReplay()
}

func TestCancel_TerminatesEveryElementAndCancelsJobs(t *testing.T) {
	// given an instance waiting in a subprocess and in a parallel task
	h := New(t)
	inner := Scope("sp").Start("is").ServiceTask("inner", "inner").End("ie").Chain("is", "inner", "ie")
	h.Deploy("c.bpmn", Process("c").Start("s").Gateway("parallel", "fork", "").
		SubProcess("sp", inner).ServiceTask("outer", "outer").End("e1").End("e2").
		Flow("s", "fork").Flow("fork", "sp").Flow("fork", "outer").Flow("sp", "e1").Flow("outer", "e2").XML())
	pik := h.CreateInstance("c", nil)
	outerJob := h.ActivateJobs("outer", 1)[0].Key

	// when
	r := h.Cancel(pik)

	// then the request is answered with ELEMENT_TERMINATING and everything ends
	if r.Intent != record.ElementTerminating || r.Key != pik {
		t.Fatalf("answer %s %d", r.Intent, r.Key)
	}
	terminated := h.Records().ProcessInstance(pik).Intent(record.ElementTerminated).ElementIDs()
	equalStrings(t, "terminated", terminated, []string{"outer", "inner", "sp", "c"})
	if n := len(h.Records().ValueType(record.Job).Intent(record.Canceled)); n != 2 {
		t.Fatalf("%d jobs canceled, want 2", n)
	}
	h.ExpectRejection(record.NotFound, record.Job, record.Complete, outerJob, &record.JobRecord{})
	rej := h.ExpectRejection(record.NotFound, record.ProcessInstance, record.Cancel, pik, &record.ProcessInstanceRecord{})
	if rej.RejectionReason != "Expected to cancel a process instance with key '"+itoa(pik)+"', but no such process was found" {
		t.Fatalf("reason %q", rej.RejectionReason)
	}
	if n := h.KV.Len(); n == 0 {
		t.Fatal("state is empty: even deployments are gone")
	}
	Golden(t, h.Records())
	h.CheckReplay()
}

func TestCancel_ResolvesOpenIncidents(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", nil)
	h.FailJob(h.ActivateJobs("work", 1)[0].Key, 0, "", 0)
	h.Cancel(pik)
	if n := len(h.Records().ValueType(record.Incident).Intent(record.Resolved)); n != 1 {
		t.Fatalf("%d incidents resolved, want 1", n)
	}
	h.CheckReplay()
}

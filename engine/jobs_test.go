package engine_test

import (
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

func TestJobs_ActivateOldestFirstUpToMax(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	var piks []int64
	for range 3 {
		piks = append(piks, h.CreateInstance("one", nil))
	}
	jobs := h.ActivateJobs("work", 2)
	if len(jobs) != 2 || jobs[0].ProcessInstanceKey != piks[0] || jobs[1].ProcessInstanceKey != piks[1] {
		t.Fatalf("activated %+v, want the jobs of the first two instances", jobs)
	}
	rest := h.ActivateJobs("work", 5)
	if len(rest) != 1 || rest[0].ProcessInstanceKey != piks[2] {
		t.Fatalf("second batch %+v, want the third job", rest)
	}
	if again := h.ActivateJobs("work", 5); len(again) != 0 {
		t.Fatalf("activated jobs twice: %+v", again)
	}
}

func TestJobs_ActivationFetchesAllOrSelectedVariables(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", map[string]any{"a": 1, "b": "two", "c": []any{3}})
	h.CreateInstance("one", map[string]any{"a": 1, "b": "two", "c": []any{3}})
	all := h.ActivateJobs("work", 1)
	if got := jsonOf(all[0].Variables); got != `{"a":1,"b":"two","c":[3]}` {
		t.Fatalf("all variables = %s", got)
	}
	some := h.ActivateJobs("work", 1, "b", "missing")
	if got := jsonOf(some[0].Variables); got != `{"b":"two"}` {
		t.Fatalf("selected variables = %s", got)
	}
}

func TestJobs_CompletingTwiceIsRejected(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.ActivateJobs("work", 1)[0].Key
	h.CompleteJob(key, nil)
	r := h.ExpectRejection(record.NotFound, record.Job, record.Complete, key, &record.JobRecord{})
	want := "Expected to complete job with key '" + itoa(key) + "', but no such job was found"
	if r.RejectionReason != want {
		t.Fatalf("reason %q, want %q", r.RejectionReason, want)
	}
}

func TestJobs_FailWithRetriesMakesJobActivatableAgain(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.ActivateJobs("work", 1)[0].Key
	h.FailJob(key, 2, "boom", 0)
	again := h.ActivateJobs("work", 1)
	if len(again) != 1 || again[0].Key != key || again[0].Retries != 2 {
		t.Fatalf("after fail: %+v", again)
	}
}

func TestJobs_FailWithBackoffWaitsForTheBackoff(t *testing.T) {
	// given a job failed with a 10s backoff
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", nil)
	key := h.ActivateJobs("work", 1)[0].Key
	h.FailJob(key, 1, "later", 10_000)

	// then it is not activatable before the backoff ends
	if jobs := h.ActivateJobs("work", 1); len(jobs) != 0 {
		t.Fatal("job activatable during its backoff")
	}
	if at, ok, _ := h.Engine.NextDueTime(h.KV); !ok || at != h.Now+10_000 {
		t.Fatalf("next due time = %d %v, want %d", at, ok, h.Now+10_000)
	}
	h.AdvanceTime(9_999)
	if jobs := h.ActivateJobs("work", 1); len(jobs) != 0 {
		t.Fatal("job activatable before its backoff ended")
	}

	// when the backoff ends
	h.AdvanceTime(1)

	// then the job recurs and can be completed
	jobs := h.ActivateJobs("work", 1)
	if len(jobs) != 1 || jobs[0].Key != key {
		t.Fatalf("after backoff: %+v", jobs)
	}
	h.CompleteJob(key, nil)
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
	Golden(t, h.Records().ValueType(record.Job))
	h.CheckReplay()
}

func TestJobs_NoRetriesRaisesIncidentAndResolvingAfterRetriesContinues(t *testing.T) {
	// given a job failed with no retries left
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	pik := h.CreateInstance("one", nil)
	key := h.ActivateJobs("work", 1)[0].Key
	h.FailJob(key, 0, "out of stock", 0)

	// then a JOB_NO_RETRIES incident is open and the job is not activatable
	incs := h.Records().Incidents()
	if len(incs) != 1 || incs[0].ErrorType != record.ErrJobNoRetries || incs[0].JobKey != key || incs[0].ErrorMessage != "out of stock" {
		t.Fatalf("incidents = %+v", incs)
	}
	if jobs := h.ActivateJobs("work", 1); len(jobs) != 0 {
		t.Fatal("job without retries was activatable")
	}
	// resolving before the retries were updated is rejected
	h.ExpectRejection(record.InvalidState, record.Incident, record.Resolve, incs[0].Key, &record.IncidentRecord{})

	// when retries are updated and the incident resolved
	h.UpdateRetries(key, 1)
	h.ResolveIncident(incs[0].Key)

	// then the job is back and the instance can complete
	jobs := h.ActivateJobs("work", 1)
	if len(jobs) != 1 || jobs[0].Retries != 1 {
		t.Fatalf("after resolve: %+v", jobs)
	}
	h.CompleteJob(jobs[0].Key, nil)
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
	Golden(t, h.Records())
	h.CheckReplay()
}

func TestJobs_TimeoutMakesActivatedJobActivatableAgain(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.ActivateJobsFor("work", 1, 1_000)[0].Key
	h.AdvanceTime(999)
	if jobs := h.ActivateJobs("work", 1); len(jobs) != 0 {
		t.Fatal("job activatable before its deadline")
	}
	h.AdvanceTime(1)
	if n := len(h.Records().ValueType(record.Job).Intent(record.TimedOut)); n != 1 {
		t.Fatalf("%d TIMED_OUT events, want 1", n)
	}
	jobs := h.ActivateJobs("work", 1)
	if len(jobs) != 1 || jobs[0].Key != key {
		t.Fatalf("after timeout: %+v", jobs)
	}
	h.CheckReplay()
}

func TestJobs_UpdateTimeoutMovesTheDeadline(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.ActivateJobsFor("work", 1, 1_000)[0].Key
	h.Expect(record.Job, record.UpdateTimeout, key, &record.JobRecord{Timeout: 5_000})
	h.AdvanceTime(4_999)
	if n := len(h.Records().ValueType(record.Job).Intent(record.TimedOut)); n != 0 {
		t.Fatal("timed out at the old deadline")
	}
	h.AdvanceTime(1)
	if n := len(h.Records().ValueType(record.Job).Intent(record.TimedOut)); n != 1 {
		t.Fatal("did not time out at the new deadline")
	}
}

func TestJobs_YieldHandsTheJobBackAtOnce(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.ActivateJobs("work", 1)[0].Key
	h.Expect(record.Job, record.Yield, key, &record.JobRecord{})
	r := h.ExpectRejection(record.InvalidState, record.Job, record.Yield, key, &record.JobRecord{})
	if want := "Expected to yield job with key '" + itoa(key) + "', but it is in state 'ACTIVATABLE'"; r.RejectionReason != want {
		t.Fatalf("reason %q", r.RejectionReason)
	}
	jobs := h.ActivateJobs("work", 1)
	if len(jobs) != 1 || jobs[0].Key != key || jobs[0].Retries != 3 {
		t.Fatalf("after yield: %+v", jobs)
	}
}

func TestJobs_ThrowErrorWithoutCatchRaisesUnhandledErrorIncident(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.ActivateJobs("work", 1)[0].Key
	h.ThrowError(key, "NOT_FOUND", "no such order")
	incs := h.Records().Incidents()
	want := "Expected to throw an error event with the code 'NOT_FOUND' with message 'no such order', but it was not caught. No error events are available in the scope."
	if len(incs) != 1 || incs[0].ErrorType != record.ErrUnhandledErrorEvent || incs[0].ErrorMessage != want {
		t.Fatalf("incidents = %+v", incs)
	}
	h.CheckReplay()
}

func TestJobs_CommandsAreValidated(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.ActivateJobs("work", 1)[0].Key
	for _, tc := range []struct {
		name   string
		rt     record.RejectionType
		vt     record.ValueType
		intent record.Intent
		key    int64
		v      record.Value
		reason string
	}{
		{"unknown job", record.NotFound, record.Job, record.Fail, 999, &record.JobRecord{}, "Expected to fail job with key '999', but no such job was found"},
		{"zero retries update", record.InvalidArgument, record.Job, record.UpdateRetries, key, &record.JobRecord{Retries: 0},
			"Expected to update retries for job with key '" + itoa(key) + "' with a positive amount of retries, but the amount given was '0'"},
		{"batch without type", record.InvalidArgument, record.JobBatch, record.Activate, -1, &record.JobBatchRecord{Timeout: 1, MaxJobsToActivate: 1},
			"Expected to activate job batch with type to be present, but it was blank"},
		{"batch without timeout", record.InvalidArgument, record.JobBatch, record.Activate, -1, &record.JobBatchRecord{Type: "w", MaxJobsToActivate: 1},
			"Expected to activate job batch with timeout to be greater than zero, but it was '0'"},
		{"batch without max", record.InvalidArgument, record.JobBatch, record.Activate, -1, &record.JobBatchRecord{Type: "w", Timeout: 1},
			"Expected to activate job batch with max jobs to activate to be greater than zero, but it was '0'"},
		{"wrong value type", record.InvalidArgument, record.Job, record.Complete, key, &record.IncidentRecord{}, "Expected a value of type JOB, but got none or a value of another type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.ExpectRejection(tc.rt, tc.vt, tc.intent, tc.key, tc.v)
			if r.RejectionReason != tc.reason {
				t.Fatalf("reason %q\nwant   %q", r.RejectionReason, tc.reason)
			}
		})
	}
}

func TestJobs_ResultNamesJobTypesThatBecameActivatable(t *testing.T) {
	h := New(t)
	h.Deploy("par.bpmn", parallel())
	res := h.Submit(Command(record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "par"}))
	equalStrings(t, "jobs available after creation", res.JobsAvailable, []string{"a", "b"})

	key := h.ActivateJobs("a", 1)[0].Key
	res = h.Submit(Command(record.Job, record.Fail, key, &record.JobRecord{Retries: 1}))
	equalStrings(t, "jobs available after a fail with retries", res.JobsAvailable, []string{"a"})
	res = h.Submit(Command(record.Job, record.Complete, key, &record.JobRecord{}))
	equalStrings(t, "jobs available after a completion", res.JobsAvailable, nil)
}

func TestJobs_DueCommandsAreEarliestFirstAndLimited(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	for range 3 {
		h.CreateInstance("one", nil)
	}
	a := h.ActivateJobsFor("work", 1, 3_000)[0].Key
	b := h.ActivateJobsFor("work", 1, 1_000)[0].Key
	h.ActivateJobsFor("work", 1, 2_000)
	cmds, err := h.Engine.DueCommands(h.KV, h.Now+5_000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 2 || cmds[0].Key != b || cmds[0].Intent != record.TimeOut || cmds[1].Key == a {
		t.Fatalf("due commands: %v", Format(cmds))
	}
	if cmds, _ := h.Engine.DueCommands(h.KV, h.Now+999, 10); len(cmds) != 0 {
		t.Fatalf("commands due before any deadline: %v", Format(cmds))
	}
}

func TestJobs_UpdateTimeoutOfAJobThatIsNotActiveIsRejected(t *testing.T) {
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.CreateInstance("one", nil)
	key := h.Records().ValueType(record.Job).Intent(record.Created)[0].Key
	r := h.ExpectRejection(record.InvalidState, record.Job, record.UpdateTimeout, key, &record.JobRecord{Timeout: 1_000})
	if want := "Expected to update the timeout of job with key '" + itoa(key) + "', but it is not active"; r.RejectionReason != want {
		t.Fatalf("reason %q", r.RejectionReason)
	}
	r = h.ExpectRejection(record.NotFound, record.Job, record.UpdateRetries, 77, &record.JobRecord{Retries: 1})
	if want := "Expected to update job with key '77', but no such job was found"; r.RejectionReason != want {
		t.Fatalf("reason %q", r.RejectionReason)
	}
}

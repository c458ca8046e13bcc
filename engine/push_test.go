package engine_test

import (
	"testing"

	"github.com/shoalbpm/shoal/engine"
	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

// Job push: the leader offers open push streams with each raft entry; a job
// created for an offered type is activated in the same step.

func pushOffer(credits int32, fetch ...string) engine.PushOffer {
	return engine.PushOffer{Type: "work", Worker: "pusher", Timeout: 60_000, FetchVariables: fetch,
		TenantIDs: []string{record.DefaultTenant}, Credits: credits}
}

func TestPush_JobCreatedWithAnOfferIsActivatedInTheSameStep(t *testing.T) {
	// given a stream offering one credit for "work"
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.WithOffers(pushOffer(1, "a"))

	// when an instance is created
	res := h.Submit(Command(record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "one", Version: -1, Variables: map[string]any{"a": 1, "b": 2}}))

	// then the creation's step activates the job for the stream
	Golden(t, res.Records)
	GoldenJSON(t, Stream(res.Records).Filter(func(r *record.Record) bool {
		return r.ValueType == record.Job || r.ValueType == record.JobBatch
	}))
	if len(res.Pushed) != 1 {
		t.Fatalf("pushed %d jobs, want 1", len(res.Pushed))
	}
	p := res.Pushed[0]
	if p.Offer != 0 || p.Job.Worker != "pusher" || p.Job.Deadline != h.Now+60_000 || jsonOf(p.Job.Variables) != `{"a":1}` {
		t.Fatalf("pushed job = %+v", p)
	}
	if len(res.JobsAvailable) != 0 {
		t.Fatalf("a pushed job announced its type to pollers: %v", res.JobsAvailable)
	}
	// and it is no longer activatable, but the worker can complete it
	h.WithOffers()
	if jobs := h.ActivateJobs("work", 10); len(jobs) != 0 {
		t.Fatalf("a pushed job was activated again: %+v", jobs)
	}
	h.CompleteJob(p.Key, map[string]any{"done": true})
	if pik := p.Job.ProcessInstanceKey; !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
}

func TestPush_NoOfferLeavesTheJobActivatable(t *testing.T) {
	// given offers for another type and for another tenant only
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	other := pushOffer(5)
	other.Type = "other"
	tenant := pushOffer(5)
	tenant.TenantIDs = []string{"tenant-b"}
	h.WithOffers(other, tenant)

	// when an instance is created
	pik := h.CreateInstance("one", nil)

	// then nothing is pushed, and the job is activatable as without streams
	if len(h.Pushed()) != 0 {
		t.Fatalf("pushed %+v", h.Pushed())
	}
	if got := h.JobsAvailable(); len(got) != 1 || got[0] != "work" {
		t.Fatalf("jobs available = %v", got)
	}
	if len(h.Records().Events().ValueType(record.JobBatch)) != 0 {
		t.Fatal("a JOB_BATCH was written without an activation")
	}
	jobs := h.ActivateJobs("work", 10)
	if len(jobs) != 1 || jobs[0].ProcessInstanceKey != pik {
		t.Fatalf("activated %+v", jobs)
	}
}

func TestPush_CreditsRunOutMidBatch(t *testing.T) {
	// given two streams of the type with one and two credits
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	first, second := pushOffer(1), pushOffer(2)
	second.Worker = "second"
	h.WithOffers(first, second)

	// when one entry creates five instances
	var cmds []record.Record
	for range 5 {
		cmds = append(cmds, Command(record.ProcessInstanceCreation, record.Create, -1,
			&record.ProcessInstanceCreationRecord{BpmnProcessID: "one", Version: -1}))
	}
	res := h.Submit(cmds...)

	// then the first three jobs are pushed, in offer order, and the other
	// two are left activatable for pollers
	Golden(t, Stream(res.Records).Filter(func(r *record.Record) bool {
		return r.ValueType == record.Job || r.ValueType == record.JobBatch
	}))
	var offers []int
	for _, p := range res.Pushed {
		offers = append(offers, p.Offer)
	}
	if len(offers) != 3 || offers[0] != 0 || offers[1] != 1 || offers[2] != 1 {
		t.Fatalf("pushed to offers %v, want [0 1 1]", offers)
	}
	if len(res.JobsAvailable) != 1 || res.JobsAvailable[0] != "work" {
		t.Fatalf("jobs available = %v", res.JobsAvailable)
	}
	h.WithOffers()
	if jobs := h.ActivateJobs("work", 10); len(jobs) != 2 {
		t.Fatalf("activated %d jobs after the credits ran out, want 2", len(jobs))
	}
}

func TestPush_YieldedPushedJobIsActivatableAgain(t *testing.T) {
	// given a pushed job whose stream is gone
	h := New(t)
	h.Deploy("one.bpmn", oneTask())
	h.WithOffers(pushOffer(1))
	h.CreateInstance("one", nil)
	key := h.Pushed()[0].Key

	// when the leader yields it
	h.WithOffers()
	h.Expect(record.Job, record.Yield, key, &record.JobRecord{})

	// then a poller gets it
	jobs := h.ActivateJobs("work", 1)
	if len(jobs) != 1 || jobs[0].Key != key {
		t.Fatalf("activated %+v, want the yielded job", jobs)
	}
}

func TestPush_SameOffersGiveTheSameRecords(t *testing.T) {
	run := func() []record.Record {
		h := New(t)
		h.Deploy("one.bpmn", oneTask())
		h.WithOffers(pushOffer(2, "x"))
		for i := range 3 {
			h.CreateInstance("one", map[string]any{"x": i})
		}
		return h.Records()
	}
	a, b := run(), run()
	if Format(a) != Format(b) {
		t.Fatalf("two runs differ:\n%s\n%s", Format(a), Format(b))
	}
}

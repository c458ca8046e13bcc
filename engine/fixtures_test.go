package engine_test

import (
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

// The shared fixtures of testdata/bpmn (written for the parser) run on the
// engine too.

func TestFixture_ServiceTaskOrderWithMappingsHeadersAndTypeExpressions(t *testing.T) {
	h := New(t)
	h.DeployFiles("testdata/bpmn/service-task.bpmn")
	pik := h.CreateInstance("order", map[string]any{"order": map[string]any{"total": 99.5}, "region": "eu", "retries": 2})

	charge := h.ActivateJobs("payment", 1)
	if len(charge) != 1 || charge[0].Retries != 5 || charge[0].CustomHeaders["provider"] != "stripe" ||
		jsonOf(charge[0].Variables["amount"]) != "99.5" || jsonOf(charge[0].Variables["currency"]) != `"EUR"` {
		t.Fatalf("charge job = %+v", charge)
	}
	h.CompleteJob(charge[0].Key, map[string]any{"transactionId": "tx-1"})
	if v, _ := variable(h, pik, "paymentId"); v != `"tx-1"` {
		t.Fatalf("paymentId = %s", v)
	}
	ship := h.ActivateJobs("ship-eu", 1)
	if len(ship) != 1 || ship[0].Retries != 2 {
		t.Fatalf("ship job = %+v", ship)
	}
	h.CompleteJob(ship[0].Key, nil)
	if !isCompleted(h, pik) {
		t.Fatal("instance did not complete")
	}
}

func TestFixture_GatewaysAndSubprocessRunToTheEnd(t *testing.T) {
	for _, tc := range []struct {
		file, process string
		vars          map[string]any
	}{
		{"testdata/bpmn/exclusive-gateway.bpmn", "exclusive-gateway", map[string]any{"amount": 500}},
		{"testdata/bpmn/exclusive-gateway.bpmn", "exclusive-gateway", map[string]any{"amount": 5}},
		{"testdata/bpmn/parallel-gateway.bpmn", "parallel-gateway", nil},
		{"testdata/bpmn/inclusive-gateway.bpmn", "inclusive-gateway", map[string]any{"channels": "email+sms"}},
		{"testdata/bpmn/inclusive-gateway.bpmn", "inclusive-gateway", map[string]any{"channels": "sms"}},
		{"testdata/bpmn/subprocess.bpmn", "subprocess", map[string]any{"items": []any{1, 2}}},
		{"testdata/bpmn/terminate-end-event.bpmn", "terminate-end-event", nil},
	} {
		h := New(t)
		h.DeployFiles(tc.file)
		t.Logf("%s %v", tc.file, tc.vars)
		pik := h.CreateInstance(tc.process, tc.vars)
		for round := 0; round < 10 && !isCompleted(h, pik); round++ {
			for _, r := range h.Records().ValueType(record.Job).Intent(record.Created) {
				h.Send(record.Job, record.Complete, r.Key, &record.JobRecord{})
			}
		}
		if !isCompleted(h, pik) {
			t.Fatalf("%s %v did not complete: %v", tc.file, tc.vars, h.Records().ProcessInstance(pik).Steps())
		}
	}
}

func TestFixture_TasksStopAtTheFirstKindOfALaterIssue(t *testing.T) {
	// tasks.bpmn starts with a Camunda user task (zeebe:userTask), which
	// comes with a later issue
	h := New(t)
	h.DeployFiles("testdata/bpmn/tasks.bpmn")
	h.CreateInstance("tasks", map[string]any{"initiator": "ada"})
	incs := h.Records().Incidents()
	want := "Expected to activate element 'review', but Shoal does not support Camunda user tasks (zeebe:userTask) yet"
	if len(incs) != 1 || incs[0].ElementID != "review" || incs[0].ErrorMessage != want {
		t.Fatalf("incidents = %+v", incs)
	}
}

package engine_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

// TestRobustness_RandomCommandsAreProcessedOrRejectedNeverFail sends
// commands of every kind with keys picked from the log (and a few that
// never existed), in random order, with values of the right and wrong
// types. The engine must answer each with events or a rejection: Process
// never returns an error and never panics, and the state stays replayable.
func TestRobustness_RandomCommandsAreProcessedOrRejectedNeverFail(t *testing.T) {
	routes := []struct {
		vt     record.ValueType
		intent record.Intent
	}{
		{record.ProcessInstanceCreation, record.Create}, {record.ProcessInstance, record.Cancel},
		{record.ProcessInstance, record.ActivateElement}, {record.ProcessInstance, record.CompleteElement},
		{record.ProcessInstance, record.TerminateElement}, {record.JobBatch, record.Activate},
		{record.Job, record.Complete}, {record.Job, record.Fail}, {record.Job, record.ThrowError},
		{record.Job, record.UpdateRetries}, {record.Job, record.UpdateTimeout}, {record.Job, record.Yield},
		{record.Job, record.TimeOut}, {record.Job, record.RecurAfterBackoff}, {record.Incident, record.Resolve},
		{record.VariableDocument, record.Update}, {record.Deployment, record.Create},
	}
	for seed := range uint64(5) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 11))
			h := New(t)
			h.Deploy("par.bpmn", parallel(), "or.bpmn", inclusive())
			for range 3 {
				h.CreateInstance("par", nil)
				h.CreateInstance("or", map[string]any{"wantA": true, "wantB": r.IntN(2) == 0})
			}
			for range 400 {
				rt := routes[r.IntN(len(routes))]
				key := int64(r.IntN(1000))
				if rs := h.Records(); len(rs) > 0 && r.IntN(5) > 0 {
					key = rs[r.IntN(len(rs))].Key
				}
				h.Submit(Command(rt.vt, rt.intent, key, randomValue(r, rt.vt, h)))
			}
		})
	}
}

// randomValue returns a value for a command: usually of the right type with
// plausible fields, sometimes of another type or nil.
func randomValue(r *rand.Rand, vt record.ValueType, h *Harness) record.Value {
	switch r.IntN(10) {
	case 0:
		return nil
	case 1:
		return &record.IncidentRecord{}
	}
	pick := func() record.Value {
		rs := h.Records().ValueType(vt)
		if len(rs) == 0 {
			return record.NewValue(vt)
		}
		return rs[r.IntN(len(rs))].Value
	}
	switch vt {
	case record.Job:
		return &record.JobRecord{Retries: int32(r.IntN(3)) - 1, RetryBackoff: int64(r.IntN(2000)), Timeout: int64(r.IntN(3) * 1000),
			Deadline: int64(r.IntN(2)) * StartTime, Variables: map[string]any{"v": r.IntN(3)}, ErrorCode: "E"}
	case record.JobBatch:
		return &record.JobBatchRecord{Type: []string{"a", "b", ""}[r.IntN(3)], Worker: "w", Timeout: int64(r.IntN(2)) * 1000, MaxJobsToActivate: int32(r.IntN(3))}
	case record.VariableDocument:
		return &record.VariableDocumentRecord{ScopeKey: int64(r.IntN(40)) + record.NewKey(1, 0),
			UpdateSemantics: []string{"", record.SemanticsLocal, "BOTH"}[r.IntN(3)], Variables: map[string]any{"wantB": true}}
	case record.ProcessInstanceCreation:
		return &record.ProcessInstanceCreationRecord{BpmnProcessID: []string{"par", "or", "nope", ""}[r.IntN(4)], Version: int32(r.IntN(3)) - 1}
	case record.Deployment:
		return &record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "x.bpmn", Resource: []byte("<definitions/>")}}}
	}
	return pick()
}

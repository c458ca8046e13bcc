package enginetest

import (
	"os"
	"path/filepath"

	"github.com/shoalbpm/shoal/engine/record"
)

// Deploy deploys resources given as name, XML pairs and returns the
// deployment; a rejection fails the test.
func (h *Harness) Deploy(nameAndXML ...any) *record.DeploymentRecord {
	h.T.Helper()
	r := h.Expect(record.Deployment, record.Create, -1, &record.DeploymentRecord{Resources: resources(h, nameAndXML)})
	return r.Value.(*record.DeploymentRecord)
}

// DeployRejected deploys resources that must be rejected and returns the
// rejection reason.
func (h *Harness) DeployRejected(nameAndXML ...any) string {
	h.T.Helper()
	r := h.ExpectRejection(record.InvalidArgument, record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: resources(h, nameAndXML)})
	return r.RejectionReason
}

func resources(h *Harness, nameAndXML []any) []record.Resource {
	h.T.Helper()
	if len(nameAndXML)%2 != 0 {
		h.T.Fatal("Deploy takes name, xml pairs")
	}
	var rs []record.Resource
	for i := 0; i < len(nameAndXML); i += 2 {
		name, _ := nameAndXML[i].(string)
		var b []byte
		switch x := nameAndXML[i+1].(type) {
		case string:
			b = []byte(x)
		case []byte:
			b = x
		default:
			h.T.Fatalf("resource %s: want string or []byte, got %T", name, x)
		}
		rs = append(rs, record.Resource{ResourceName: name, Resource: b})
	}
	return rs
}

// CreateInstance starts an instance of the latest version of a process
// and returns its key.
func (h *Harness) CreateInstance(processID string, vars map[string]any) int64 {
	h.T.Helper()
	r := h.Expect(record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: processID, Version: -1, Variables: vars})
	return r.Value.(*record.ProcessInstanceCreationRecord).ProcessInstanceKey
}

// CreateInstanceAwaiting starts an instance whose creation waits for the
// result; it returns the request id to look the answer up with Response.
func (h *Harness) CreateInstanceAwaiting(processID string, vars map[string]any, fetch ...string) uint64 {
	h.T.Helper()
	cmd := Command(record.ProcessInstanceCreation, record.CreateWithAwaitingResult, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: processID, Version: -1, Variables: vars, FetchVariables: fetch})
	h.nextReq++
	cmd.RequestID = h.nextReq
	h.Submit(cmd)
	return cmd.RequestID
}

// ActivateJobs activates up to max jobs of a type for worker "test" with a
// 5 minute timeout and returns them with their keys.
func (h *Harness) ActivateJobs(jobType string, max int32, fetch ...string) []ActivatedJob {
	h.T.Helper()
	return h.ActivateJobsFor(jobType, max, 300_000, fetch...)
}

// ActivatedJob is a job of an activated batch.
type ActivatedJob struct {
	Key int64
	record.JobRecord
}

// ActivateJobsFor is ActivateJobs with a timeout (ms).
func (h *Harness) ActivateJobsFor(jobType string, max int32, timeout int64, fetch ...string) []ActivatedJob {
	h.T.Helper()
	r := h.Expect(record.JobBatch, record.Activate, -1, &record.JobBatchRecord{
		Type: jobType, Worker: "test", Timeout: timeout, MaxJobsToActivate: max, Variables: fetch})
	b := r.Value.(*record.JobBatchRecord)
	out := make([]ActivatedJob, len(b.JobKeys))
	for i, k := range b.JobKeys {
		out[i] = ActivatedJob{Key: k, JobRecord: b.Jobs[i]}
	}
	return out
}

// CompleteJob completes a job with variables.
func (h *Harness) CompleteJob(key int64, vars map[string]any) record.Record {
	h.T.Helper()
	return h.Expect(record.Job, record.Complete, key, &record.JobRecord{Variables: vars})
}

// FailJob fails a job.
func (h *Harness) FailJob(key int64, retries int32, msg string, backoff int64) record.Record {
	h.T.Helper()
	return h.Expect(record.Job, record.Fail, key, &record.JobRecord{Retries: retries, ErrorMessage: msg, RetryBackoff: backoff})
}

// ThrowError throws a business error from a job.
func (h *Harness) ThrowError(key int64, code, msg string) record.Record {
	h.T.Helper()
	return h.Expect(record.Job, record.ThrowError, key, &record.JobRecord{ErrorCode: code, ErrorMessage: msg})
}

// UpdateRetries sets a job's retries.
func (h *Harness) UpdateRetries(key int64, retries int32) record.Record {
	h.T.Helper()
	return h.Expect(record.Job, record.UpdateRetries, key, &record.JobRecord{Retries: retries})
}

// ResolveIncident resolves an incident.
func (h *Harness) ResolveIncident(key int64) record.Record {
	h.T.Helper()
	return h.Expect(record.Incident, record.Resolve, key, &record.IncidentRecord{})
}

// SetVariables sets variables on an element instance's scope.
func (h *Harness) SetVariables(scope int64, vars map[string]any, local bool) record.Record {
	h.T.Helper()
	sem := record.SemanticsPropagate
	if local {
		sem = record.SemanticsLocal
	}
	return h.Expect(record.VariableDocument, record.Update, -1,
		&record.VariableDocumentRecord{ScopeKey: scope, UpdateSemantics: sem, Variables: vars})
}

// Cancel cancels a process instance.
func (h *Harness) Cancel(pik int64) record.Record {
	h.T.Helper()
	return h.Expect(record.ProcessInstance, record.Cancel, pik, &record.ProcessInstanceRecord{})
}

// DeployFiles deploys BPMN files given by their path from the repository
// root ("testdata/bpmn/service-task.bpmn").
func (h *Harness) DeployFiles(paths ...string) *record.DeploymentRecord {
	h.T.Helper()
	var pairs []any
	for _, p := range paths {
		b, err := os.ReadFile(filepath.Join(repoRoot(h.T), p))
		if err != nil {
			h.T.Fatal(err)
		}
		pairs = append(pairs, filepath.Base(p), b)
	}
	return h.Deploy(pairs...)
}

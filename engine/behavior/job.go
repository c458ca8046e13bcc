package behavior

import (
	"strconv"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// UserTaskJobType is the job type of a user task that Zeebe hands to a
// tasklist as a job (a user task without zeebe:userTask).
const UserTaskJobType = "io.camunda.zeebe:userTask"

// The custom headers of a user task job (Zeebe's Protocol constants).
const (
	HeaderAssignee        = "io.camunda.zeebe:assignee"
	HeaderCandidateGroups = "io.camunda.zeebe:candidateGroups"
	HeaderCandidateUsers  = "io.camunda.zeebe:candidateUsers"
	HeaderDueDate         = "io.camunda.zeebe:dueDate"
	HeaderFollowUpDate    = "io.camunda.zeebe:followUpDate"
	HeaderFormKey         = "io.camunda.zeebe:formKey"
)

// JobSpec is what a job-based task's job is made of, evaluated at
// activation.
type JobSpec struct {
	Type    string
	Retries int64
	Headers map[string]string
}

// EvalJob evaluates a task's job type, retries and (for user tasks) the
// assignment headers. Failures are EXTRACT_VALUE_ERROR.
func EvalJob(c *proc.Context, key int64, n *bpmn.Node) (*JobSpec, error) {
	vars := Vars(c, key)
	spec := &JobSpec{Retries: 3}
	td := n.TaskDefinition
	switch {
	case td != nil:
		t, err := EvalString(c, &td.Type, vars, record.ErrExtractValueError, key)
		if err != nil {
			return nil, err
		}
		spec.Type = t
		if !td.Retries.IsZero() {
			r, err := EvalInt(c, &td.Retries, vars, record.ErrExtractValueError, key)
			if err != nil {
				return nil, err
			}
			spec.Retries = r
		}
	case n.Kind == bpmn.KindUserTask:
		spec.Type = UserTaskJobType
	default:
		return nil, proc.Failf(record.ErrExtractValueError, key, "Expected element '%s' to have a job type (zeebe:taskDefinition), but it has none", n.ID)
	}
	if len(n.Headers) > 0 {
		spec.Headers = make(map[string]string, len(n.Headers))
		for _, h := range n.Headers {
			spec.Headers[h.Key] = h.Value
		}
	}
	if n.Kind == bpmn.KindUserTask && n.UserTask != nil {
		if err := userTaskHeaders(c, spec, vars, key, n.UserTask); err != nil {
			return nil, err
		}
	}
	return spec, nil
}

func userTaskHeaders(c *proc.Context, spec *JobSpec, vars *ScopeVars, key int64, u *bpmn.UserTask) error {
	set := func(header string, e *bpmn.Expression) error {
		if e.IsZero() {
			return nil
		}
		v, err := Eval(c, e, vars, record.ErrExtractValueError, key)
		if err != nil {
			return err
		}
		s, ok := headerText(v)
		if !ok {
			return proc.Failf(record.ErrExtractValueError, key, "Expected result of the expression '%s' to be 'STRING' or 'ARRAY', but was '%s'.", e.Source, TypeName(v))
		}
		if spec.Headers == nil {
			spec.Headers = map[string]string{}
		}
		spec.Headers[header] = s
		return nil
	}
	for _, h := range []struct {
		name string
		e    *bpmn.Expression
	}{
		{HeaderAssignee, &u.Assignee}, {HeaderCandidateGroups, &u.CandidateGroups},
		{HeaderCandidateUsers, &u.CandidateUsers}, {HeaderDueDate, &u.DueDate},
		{HeaderFollowUpDate, &u.FollowUpDate},
	} {
		if err := set(h.name, h.e); err != nil {
			return err
		}
	}
	if u.FormKey != "" {
		if spec.Headers == nil {
			spec.Headers = map[string]string{}
		}
		spec.Headers[HeaderFormKey] = u.FormKey
	}
	return nil
}

// headerText renders an assignment value: strings as they are, lists as
// the JSON list Zeebe puts in candidate headers.
func headerText(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case []any:
		s := "["
		for i, e := range t {
			str, ok := e.(string)
			if !ok {
				return "", false
			}
			if i > 0 {
				s += ","
			}
			s += strconv.Quote(str)
		}
		return s + "]", true
	}
	return "", false
}

// CreateJob writes JOB CREATED for a task's element instance. When the
// call carries a push offer for the job's type with credits left, the job
// is activated for that stream in the same step, as Zeebe's
// BpmnJobActivationBehavior does: JOB_BATCH ACTIVATED with the one job
// (without variables), and the job with its variables is handed to the
// leader to push after the commit. Otherwise the type is announced as
// activatable (JobsAvailable) for pollers.
func CreateJob(c *proc.Context, ei *state.ElementInstance, spec *JobSpec) error {
	pi := &ei.Value
	key := c.NextKey()
	job := &record.JobRecord{
		Type: spec.Type, Retries: int32(spec.Retries), CustomHeaders: spec.Headers,
		Deadline: -1, RecurringTime: -1,
		ElementID: pi.ElementID, ElementInstanceKey: ei.Key, ProcessInstanceKey: pi.ProcessInstanceKey,
		BpmnProcessID: pi.BpmnProcessID, ProcessDefinitionVersion: pi.Version,
		ProcessDefinitionKey: pi.ProcessDefinitionKey, TenantID: pi.TenantID,
	}
	i, offer, ok := c.TakeOffer(job.Type, job.TenantID)
	if !ok {
		_, err := c.Event(key, record.Created, job)
		return err
	}
	if _, err := c.EventQuiet(key, record.Created, job); err != nil {
		return err
	}
	return pushJob(c, i, &offer, key, job)
}

// pushJob activates a just created job for push offer i.
func pushJob(c *proc.Context, i int, offer *proc.PushOffer, key int64, created *record.JobRecord) error {
	j := *created
	j.Worker = offer.Worker
	j.Timeout = offer.Timeout
	j.Deadline = c.Now + offer.Timeout
	batch := &record.JobBatchRecord{
		Type: j.Type, Worker: offer.Worker, Timeout: offer.Timeout,
		JobKeys: []int64{key}, Jobs: []record.JobRecord{j},
	}
	if _, err := c.Event(c.NextKey(), record.Activated, batch); err != nil {
		return err
	}
	vars, err := Vars(c, j.ElementInstanceKey).Collect(offer.FetchVariables)
	if err != nil {
		return err
	}
	j.Variables = vars
	c.Push(i, key, j)
	return nil
}

// CancelJob writes JOB CANCELED for the job of a terminated task.
func CancelJob(c *proc.Context, ei *state.ElementInstance) error {
	if ei.JobKey <= 0 {
		return nil
	}
	j, err := c.State.GetJob(ei.JobKey)
	if err != nil || j == nil {
		return err
	}
	_, err = c.Event(j.Key, record.Canceled, &j.Value)
	return err
}

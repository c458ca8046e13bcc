package job

import (
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// noRetriesMessage is Zeebe's incident message for a job failed without an
// error message.
const noRetriesMessage = "No more retries left."

// fail records a worker's failure. With retries left the job is
// activatable again, at once or after the retry backoff; with none, a
// JOB_NO_RETRIES incident is raised and the job waits for it to be resolved
// (after its retries were updated). Variables in the command are set on
// the task.
func fail(c *proc.Context) error {
	j, err := check(c, "fail", state.JobActivatable, state.JobActivated)
	if j == nil {
		return err
	}
	cmd := command(c)
	j.Value.Retries = cmd.Retries
	j.Value.ErrorMessage = cmd.ErrorMessage
	j.Value.RetryBackoff = cmd.RetryBackoff
	j.Value.Variables = cmd.Variables
	j.Value.Deadline = -1
	j.Value.RecurringTime = -1
	if cmd.Retries > 0 && cmd.RetryBackoff > 0 {
		j.Value.RecurringTime = c.Now + cmd.RetryBackoff
	}
	if err := event(c, j, record.Failed); err != nil {
		return err
	}
	if err := setTaskVariables(c, j, cmd.Variables); err != nil {
		return err
	}
	if cmd.Retries > 0 {
		return nil
	}
	msg := cmd.ErrorMessage
	if msg == "" {
		msg = noRetriesMessage
	}
	return jobIncident(c, j, record.ErrJobNoRetries, msg)
}

// setTaskVariables sets variables locally on the job's task.
func setTaskVariables(c *proc.Context, j *state.Job, vars map[string]any) error {
	if len(vars) == 0 {
		return nil
	}
	ei, err := c.State.GetElementInstance(j.Value.ElementInstanceKey)
	if err != nil || ei == nil {
		return err
	}
	return behavior.SetLocal(c, ei.Key, vars, &ei.Value)
}

// jobIncident raises an incident on a job's task.
func jobIncident(c *proc.Context, j *state.Job, errorType, msg string) error {
	ei, err := c.State.GetElementInstance(j.Value.ElementInstanceKey)
	if err != nil || ei == nil {
		return err
	}
	return behavior.CreateIncident(c, &record.IncidentRecord{
		ErrorType: errorType, ErrorMessage: msg, ElementInstanceKey: ei.Key,
		JobKey: j.Key, VariableScopeKey: ei.Key,
	}, &ei.Value)
}

// throwError records a business error thrown by a worker. Error catch
// events come with a later issue, so nothing can catch it yet: the error
// raises an UNHANDLED_ERROR_EVENT incident, with Zeebe's text.
func throwError(c *proc.Context) error {
	j, err := check(c, "throw an error for", state.JobActivatable, state.JobActivated)
	if j == nil {
		return err
	}
	cmd := command(c)
	j.Value.ErrorCode = cmd.ErrorCode
	j.Value.ErrorMessage = cmd.ErrorMessage
	j.Value.Variables = cmd.Variables
	j.Value.Deadline = -1
	if err := event(c, j, record.ErrorThrown); err != nil {
		return err
	}
	if err := setTaskVariables(c, j, cmd.Variables); err != nil {
		return err
	}
	return jobIncident(c, j, record.ErrUnhandledErrorEvent,
		"Expected to throw an error event with the code '"+cmd.ErrorCode+"' with message '"+cmd.ErrorMessage+
			"', but it was not caught. No error events are available in the scope.")
}

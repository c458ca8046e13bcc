package job

import (
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Register routes the job commands.
func Register(r *proc.Router) {
	r.On(record.JobBatch, record.Activate, proc.ProcessorFunc(activateBatch))
	r.On(record.Job, record.Complete, proc.ProcessorFunc(complete))
	r.On(record.Job, record.Fail, proc.ProcessorFunc(fail))
	r.On(record.Job, record.ThrowError, proc.ProcessorFunc(throwError))
	r.On(record.Job, record.UpdateRetries, proc.ProcessorFunc(updateRetries))
	r.On(record.Job, record.UpdateTimeout, proc.ProcessorFunc(updateTimeout))
	r.On(record.Job, record.Yield, proc.ProcessorFunc(yield))
	r.On(record.Job, record.TimeOut, proc.ProcessorFunc(timeOut))
	r.On(record.Job, record.RecurAfterBackoff, proc.ProcessorFunc(recurAfterBackoff))
}

// check loads the job a command is about and rejects the command (nil job)
// when there is none or it is not in one of the valid states. verb is the
// command's name in the rejection ("complete", "fail", ...).
func check(c *proc.Context, verb string, valid ...state.JobState) (*state.Job, error) {
	if err := behavior.CheckDocument(command(c).Variables); err != nil {
		return nil, c.Reject(record.InvalidArgument, behavior.InvalidDocument, err)
	}
	j, err := c.State.GetJob(c.Cmd.Key)
	if err != nil {
		return nil, err
	}
	if j == nil {
		return nil, c.Reject(record.NotFound, "Expected to %s job with key '%d', but no such job was found", verb, c.Cmd.Key)
	}
	for _, s := range valid {
		if j.State == s {
			return j, nil
		}
	}
	if len(valid) == 0 {
		return j, nil
	}
	return nil, c.Reject(record.InvalidState, "Expected to %s job with key '%d', but it is in state '%s'", verb, c.Cmd.Key, j.State)
}

// command returns the job value of the current command.
func command(c *proc.Context) *record.JobRecord {
	if v, ok := c.Cmd.Value.(*record.JobRecord); ok {
		return v
	}
	return &record.JobRecord{}
}

// event writes a job event with the job's new value and answers the
// command with it.
func event(c *proc.Context, j *state.Job, intent record.Intent) error {
	r, err := c.Event(j.Key, intent, &j.Value)
	if err != nil {
		return err
	}
	c.Respond(r)
	return nil
}

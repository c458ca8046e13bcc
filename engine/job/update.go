package job

import (
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// updateRetries sets a job's retries (a job with a JOB_NO_RETRIES incident
// becomes activatable again when the incident is resolved).
func updateRetries(c *proc.Context) error {
	cmd := command(c)
	j, err := check(c, "update")
	if j == nil {
		return err
	}
	if cmd.Retries <= 0 {
		return c.Reject(record.InvalidArgument, "Expected to update retries for job with key '%d' with a positive amount of retries, but the amount given was '%d'", c.Cmd.Key, cmd.Retries)
	}
	j.Value.Retries = cmd.Retries
	return event(c, j, record.RetriesUpdated)
}

// updateTimeout gives an activated job a new deadline: now + timeout.
func updateTimeout(c *proc.Context) error {
	cmd := command(c)
	j, err := check(c, "update")
	if j == nil {
		return err
	}
	if j.State != state.JobActivated {
		return c.Reject(record.InvalidState, "Expected to update the timeout of job with key '%d', but it is not active", c.Cmd.Key)
	}
	if cmd.Timeout <= 0 {
		return c.Reject(record.InvalidArgument, "Expected to update the timeout of job with key '%d' to be greater than zero, but it was '%d'", c.Cmd.Key, cmd.Timeout)
	}
	j.Value.Timeout = cmd.Timeout
	j.Value.Deadline = c.Now + cmd.Timeout
	return event(c, j, record.TimeoutUpdated)
}

// yield hands an activated job back (its push stream went away): it is
// activatable again at once, with its retries unchanged.
func yield(c *proc.Context) error {
	j, err := check(c, "yield", state.JobActivated)
	if j == nil {
		return err
	}
	j.Value.Deadline = -1
	j.Value.Worker = ""
	return event(c, j, record.Yielded)
}

// timeOut makes an activated job whose deadline passed activatable again.
// The command carries the deadline it was made for, so a late command does
// not time out the job's next activation.
func timeOut(c *proc.Context) error {
	j, err := check(c, "time out", state.JobActivated)
	if j == nil {
		return err
	}
	if d := command(c).Deadline; j.Value.Deadline != d || d > c.Now {
		return c.Reject(record.InvalidState, "Expected to time out job with key '%d' at deadline '%d', but its deadline is '%d'", c.Cmd.Key, d, j.Value.Deadline)
	}
	j.Value.Deadline = -1
	return event(c, j, record.TimedOut)
}

// recurAfterBackoff makes a failed job activatable once its backoff ended.
func recurAfterBackoff(c *proc.Context) error {
	j, err := check(c, "recur after backoff", state.JobFailed)
	if j == nil {
		return err
	}
	if j.Value.Retries <= 0 || j.Value.RecurringTime <= 0 || j.Value.RecurringTime > c.Now {
		return c.Reject(record.InvalidState, "Expected to recur job with key '%d' after its backoff, but the backoff has not ended", c.Cmd.Key)
	}
	j.Value.RecurringTime = -1
	return event(c, j, record.RecurredAfterBackoff)
}

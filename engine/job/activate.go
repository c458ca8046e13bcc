package job

import (
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// activateBatch hands up to MaxJobsToActivate activatable jobs of a type to
// a worker, oldest first, each with the variables visible from its element
// (all, or the ones named in the request), and a deadline of now + timeout.
// A batch with no jobs is still written, as in Zeebe: the gateway then
// waits (long polling) for JobsAvailable.
func activateBatch(c *proc.Context) error {
	b, ok := c.Cmd.Value.(*record.JobBatchRecord)
	if !ok {
		return c.Reject(record.InvalidArgument, "Expected a job batch record, but got %T", c.Cmd.Value)
	}
	switch {
	case b.MaxJobsToActivate <= 0:
		return c.Reject(record.InvalidArgument, "Expected to activate job batch with max jobs to activate to be greater than zero, but it was '%d'", b.MaxJobsToActivate)
	case b.Timeout <= 0:
		return c.Reject(record.InvalidArgument, "Expected to activate job batch with timeout to be greater than zero, but it was '%d'", b.Timeout)
	case b.Type == "":
		return c.Reject(record.InvalidArgument, "Expected to activate job batch with type to be present, but it was blank")
	}
	keys, err := c.State.ActivatableJobs(b.Type, int(b.MaxJobsToActivate))
	if err != nil {
		return err
	}
	out := *b
	out.JobKeys = keys
	out.Jobs = make([]record.JobRecord, 0, len(keys))
	for _, k := range keys {
		j, err := c.State.GetJob(k)
		if err != nil {
			return err
		}
		v := j.Value
		v.Worker = b.Worker
		v.Timeout = b.Timeout
		v.Deadline = c.Now + b.Timeout
		if v.Variables, err = behavior.Vars(c, v.ElementInstanceKey).Collect(b.Variables); err != nil {
			return err
		}
		out.Jobs = append(out.Jobs, v)
	}
	r, err := c.Event(c.NextKey(), record.Activated, &out)
	if err != nil {
		return err
	}
	c.Respond(r)
	return nil
}

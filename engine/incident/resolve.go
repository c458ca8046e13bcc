package incident

import (
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Register routes the incident commands.
func Register(r *proc.Router) {
	r.On(record.Incident, record.Resolve, proc.ProcessorFunc(resolve))
}

// resolve closes an incident and continues: a job incident gives the job
// back to workers (its retries must have been updated first); an element
// incident runs the element's activation or completion again.
func resolve(c *proc.Context) error {
	inc, err := c.State.GetIncident(c.Cmd.Key)
	if err != nil {
		return err
	}
	if inc == nil {
		return c.Reject(record.NotFound, "Expected to resolve incident with key '%d', but no such incident was found", c.Cmd.Key)
	}
	if inc.JobKey > 0 {
		j, err := c.State.GetJob(inc.JobKey)
		if err != nil {
			return err
		}
		if j != nil && j.State == state.JobFailed && j.Value.Retries <= 0 {
			return c.Reject(record.InvalidState, "Expected to resolve incident with key '%d', but job with key '%d' has no retries left. Please update the job retries and retry resolving the incident", c.Cmd.Key, inc.JobKey)
		}
	}
	r, err := c.Event(c.Cmd.Key, record.Resolved, inc)
	if err != nil {
		return err
	}
	c.Respond(r)
	if inc.JobKey > 0 {
		return nil
	}
	ei, err := c.State.GetElementInstance(inc.ElementInstanceKey)
	if err != nil || ei == nil {
		return err
	}
	v := ei.Value
	switch ei.State {
	case record.ElementActivating:
		c.Command(ei.Key, record.ActivateElement, &v)
	case record.ElementCompleting:
		c.Command(ei.Key, record.CompleteElement, &v)
	}
	return nil
}

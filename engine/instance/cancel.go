package instance

import (
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// cancel terminates a process instance: every active element is
// terminated (jobs canceled, incidents resolved). The request is answered
// with the process instance's ELEMENT_TERMINATING, written when the
// TERMINATE_ELEMENT follow-up is processed.
func cancel(c *proc.Context) error {
	ei, err := c.State.GetElementInstance(c.Cmd.Key)
	if err != nil {
		return err
	}
	if ei == nil || ei.Value.FlowScopeKey > 0 {
		return c.Reject(record.NotFound, "Expected to cancel a process instance with key '%d', but no such process was found", c.Cmd.Key)
	}
	if ei.State == record.ElementTerminating {
		return c.Reject(record.InvalidState, "Expected to cancel a process instance with key '%d', but it is already being canceled", c.Cmd.Key)
	}
	v := ei.Value
	c.CommandFor(c.Cmd.RequestID, ei.Key, record.TerminateElement, &v)
	return nil
}

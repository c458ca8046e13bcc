package behavior

import (
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// processEnded writes the process instance's ELEMENT_COMPLETED or
// ELEMENT_TERMINATED and answers a creation that awaits the result.
//
// The answer to a completed instance is a PROCESS_INSTANCE_RESULT COMPLETED
// record with the fetched variables, as Zeebe answers; like Zeebe it is
// only a response and is not written to the log (its position is that of
// the ELEMENT_COMPLETED event). A terminated instance answers with its
// ELEMENT_TERMINATED event.
func processEnded(c *proc.Context, ei *state.ElementInstance, intent record.Intent) error {
	aw, err := c.State.GetAwaitResult(ei.Key)
	if err != nil {
		return err
	}
	var vars map[string]any
	if aw != nil && intent == record.ElementCompleted {
		// Collect before the event: completing removes the variables.
		if vars, err = Vars(c, ei.Key).Collect(aw.FetchVariables); err != nil {
			return err
		}
	}
	v := ei.Value
	ended, err := c.Event(ei.Key, intent, &v)
	if err != nil {
		return err
	}
	ei.State = intent
	if aw == nil {
		return nil
	}
	if intent != record.ElementCompleted {
		c.RespondTo(aw.RequestID, ended)
		return nil
	}
	answer := *ended
	answer.ValueType = record.ProcessInstanceResult
	answer.Intent = record.Completed
	answer.Value = &record.ProcessInstanceResultRecord{
		BpmnProcessID: v.BpmnProcessID, ProcessDefinitionKey: v.ProcessDefinitionKey,
		Version: v.Version, ProcessInstanceKey: v.ProcessInstanceKey, Variables: vars, TenantID: v.TenantID,
	}
	c.RespondTo(aw.RequestID, &answer)
	return nil
}

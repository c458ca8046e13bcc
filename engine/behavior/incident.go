package behavior

import (
	"errors"

	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// HandleFailure turns a *proc.Failure into an incident on the element
// instance and returns nil; any other error is returned as is.
func HandleFailure(c *proc.Context, ei *state.ElementInstance, err error) error {
	var f *proc.Failure
	if !errors.As(err, &f) {
		return err
	}
	scope := f.VariableScopeKey
	if scope <= 0 {
		scope = ei.Key
	}
	return CreateIncident(c, &record.IncidentRecord{
		ErrorType: f.ErrorType, ErrorMessage: f.Message,
		ElementInstanceKey: ei.Key, VariableScopeKey: scope, JobKey: -1,
	}, &ei.Value)
}

// CreateIncident writes INCIDENT CREATED, filling in the process fields
// from pi.
func CreateIncident(c *proc.Context, inc *record.IncidentRecord, pi *record.ProcessInstanceRecord) error {
	inc.BpmnProcessID = pi.BpmnProcessID
	inc.ProcessDefinitionKey = pi.ProcessDefinitionKey
	inc.ProcessInstanceKey = pi.ProcessInstanceKey
	inc.ElementID = pi.ElementID
	inc.TenantID = pi.TenantID
	_, err := c.Event(c.NextKey(), record.Created, inc)
	return err
}

// ResolveIncidents resolves the open incidents of an element instance and
// of its job (the element is being terminated).
func ResolveIncidents(c *proc.Context, ei *state.ElementInstance) error {
	keys := make([]int64, 0, 2)
	k, err := c.State.IncidentKeyOfElement(ei.Key)
	if err != nil {
		return err
	}
	if k > 0 {
		keys = append(keys, k)
	}
	if ei.JobKey > 0 {
		k, err := c.State.IncidentKeyOfJob(ei.JobKey)
		if err != nil {
			return err
		}
		if k > 0 {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		inc, err := c.State.GetIncident(k)
		if err != nil {
			return err
		}
		if _, err := c.Event(k, record.Resolved, inc); err != nil {
			return err
		}
	}
	return nil
}

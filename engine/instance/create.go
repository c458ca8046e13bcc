package instance

import (
	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// Register routes the instance commands.
func Register(r *proc.Router) {
	r.On(record.ProcessInstanceCreation, record.Create, proc.ProcessorFunc(create))
	r.On(record.ProcessInstanceCreation, record.CreateWithAwaitingResult, proc.ProcessorFunc(create))
	r.On(record.ProcessInstance, record.Cancel, proc.ProcessorFunc(cancel))
}

// create starts an instance: the variables go to the process instance's
// scope, then the process element is activated. A creation awaiting the
// result is answered when the instance ends (see behavior's processEnded);
// the others are answered with PROCESS_INSTANCE_CREATION CREATED.
func create(c *proc.Context) error {
	cmd, ok := c.Cmd.Value.(*record.ProcessInstanceCreationRecord)
	if !ok {
		return c.Reject(record.InvalidArgument, "Expected a process instance creation record, but got %T", c.Cmd.Value)
	}
	if err := behavior.CheckDocument(cmd.Variables); err != nil {
		return c.Reject(record.InvalidArgument, behavior.InvalidDocument, err)
	}
	key, err := findProcess(c, cmd)
	if err != nil || key == 0 {
		return err
	}
	p, err := c.Graphs.Get(c.State, key)
	if err != nil {
		return err
	}
	start := p.Graph.Process.StartEvent
	if start == nil || start.Event != bpmn.EventNone {
		return c.Reject(record.InvalidState, "Expected to create instance of process with none start event, but there is no such event")
	}
	pik := c.NextKey()
	pi := &record.ProcessInstanceRecord{
		BpmnProcessID: p.Graph.ProcessID, Version: p.Version, ProcessDefinitionKey: key,
		ProcessInstanceKey: pik, ElementID: p.Graph.ProcessID, FlowScopeKey: -1,
		BpmnElementType: string(bpmn.KindProcess), BpmnEventType: string(bpmn.EventNone),
		ParentProcessInstanceKey: -1, ParentElementInstanceKey: -1, TenantID: record.DefaultTenant,
	}
	if err := behavior.SetLocal(c, pik, cmd.Variables, pi); err != nil {
		return err
	}
	c.Command(pik, record.ActivateElement, pi)
	out := *cmd
	out.BpmnProcessID = pi.BpmnProcessID
	out.Version = pi.Version
	out.ProcessDefinitionKey = key
	out.ProcessInstanceKey = pik
	out.TenantID = record.DefaultTenant
	if c.Cmd.Intent == record.CreateWithAwaitingResult {
		_, err := c.EventFor(c.Cmd.RequestID, pik, record.Created, &out)
		return err
	}
	r, err := c.Event(pik, record.Created, &out)
	if err != nil {
		return err
	}
	c.Respond(r)
	return nil
}

// findProcess resolves the process a creation names; 0 means the command
// was rejected.
func findProcess(c *proc.Context, cmd *record.ProcessInstanceCreationRecord) (int64, error) {
	if cmd.ProcessDefinitionKey > 0 {
		p, err := c.State.GetProcess(cmd.ProcessDefinitionKey)
		if err != nil {
			return 0, err
		}
		if p == nil {
			return 0, c.Reject(record.NotFound, "Expected to find process definition with key '%d', but none found", cmd.ProcessDefinitionKey)
		}
		return cmd.ProcessDefinitionKey, nil
	}
	if cmd.BpmnProcessID == "" {
		return 0, c.Reject(record.InvalidArgument, "Expected at least a bpmnProcessId or a key greater than -1, but none given")
	}
	version := cmd.Version
	if version <= 0 {
		latest, err := c.State.LatestVersion(cmd.BpmnProcessID)
		if err != nil {
			return 0, err
		}
		if latest == 0 {
			return 0, c.Reject(record.NotFound, "Expected to find process definition with process ID '%s', but none found", cmd.BpmnProcessID)
		}
		version = latest
	}
	key, err := c.State.ProcessKeyByVersion(cmd.BpmnProcessID, version)
	if err != nil {
		return 0, err
	}
	if key == 0 {
		return 0, c.Reject(record.NotFound, "Expected to find process definition with process ID '%s' and version '%d', but none found", cmd.BpmnProcessID, version)
	}
	return key, nil
}

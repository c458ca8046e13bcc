package element

import (
	"fmt"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// unsupportedReason says why an element cannot run yet ("" if it can).
func unsupportedReason(n *bpmn.Node) string {
	switch {
	case processors[n.Kind] == nil:
		return fmt.Sprintf("elements of type '%s'", n.Kind)
	case n.MultiInstance != nil:
		return "multi-instance activities"
	case len(n.ExecutionListeners) > 0:
		return "execution listeners"
	case len(n.Boundaries) > 0:
		return "boundary events"
	case n.Kind == bpmn.KindIntermediateThrowEvent && n.Event != bpmn.EventNone:
		return fmt.Sprintf("intermediate throw events of type '%s'", n.Event)
	case n.Kind == bpmn.KindEndEvent && n.Event != bpmn.EventNone && n.Event != bpmn.EventTerminate:
		return fmt.Sprintf("end events of type '%s'", n.Event)
	case n.Kind == bpmn.KindStartEvent && n.Event != bpmn.EventNone:
		return fmt.Sprintf("start events of type '%s'", n.Event)
	case n.Kind == bpmn.KindBusinessRuleTask && n.TaskDefinition == nil:
		return "business rule tasks with a called decision"
	case n.Kind == bpmn.KindUserTask && n.UserTask != nil && n.UserTask.ZeebeUserTask:
		return "Camunda user tasks (zeebe:userTask)"
	case len(n.EventSubProcesses) > 0:
		return "event subprocesses"
	}
	return ""
}

// unsupported raises an incident when an element of a later feature is
// reached, so the instance stops visibly instead of misbehaving.
type unsupported struct{ reason string }

func (u unsupported) OnActivate(e *behavior.Element) error {
	return e.Fail(proc.Failf(record.ErrUnknown, e.EI.Key,
		"Expected to activate element '%s', but Shoal does not support %s yet", e.N.ID, u.reason))
}

func (u unsupported) OnComplete(e *behavior.Element) error {
	return e.CompleteAndLeave(e.N.Outgoing)
}

func (u unsupported) OnTerminate(e *behavior.Element) error {
	if err := behavior.ResolveIncidents(e.C, e.EI); err != nil {
		return err
	}
	return e.Terminated()
}

package element

import (
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/record"
)

// container runs a process or an embedded subprocess: it starts its none
// start event and completes when no child and no token is left in it.
type container struct{}

func (container) OnActivate(e *behavior.Element) error {
	if err := behavior.ApplyInputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	if err := e.Transition(record.ElementActivated); err != nil {
		return err
	}
	if e.N.StartEvent == nil {
		e.Complete() // an empty subprocess
		return nil
	}
	behavior.ActivateChild(e.C, e.EI, e.N.StartEvent)
	return nil
}

func (container) OnComplete(e *behavior.Element) error {
	if err := behavior.ApplyOutputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	return e.CompleteAndLeave(e.N.Outgoing)
}

// OnTerminate terminates every child; the last one to end terminates the
// container (behavior.ChildEnded).
func (container) OnTerminate(e *behavior.Element) error {
	if err := behavior.ResolveIncidents(e.C, e.EI); err != nil {
		return err
	}
	return behavior.TerminateChildren(e)
}

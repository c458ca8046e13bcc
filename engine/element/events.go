package element

import (
	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/record"
)

// passThrough is an element that does nothing but map variables: none
// start events, manual and undefined tasks, none intermediate throw events,
// none end events (no outgoing flows, so the path ends).
type passThrough struct{}

func (passThrough) OnActivate(e *behavior.Element) error {
	if err := behavior.ApplyInputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	if err := e.Transition(record.ElementActivated); err != nil {
		return err
	}
	e.Complete()
	return nil
}

func (passThrough) OnComplete(e *behavior.Element) error {
	if err := behavior.ApplyOutputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	return e.CompleteAndLeave(e.N.Outgoing)
}

func (passThrough) OnTerminate(e *behavior.Element) error {
	if err := behavior.ResolveIncidents(e.C, e.EI); err != nil {
		return err
	}
	return e.Terminated()
}

type startEvent struct{ passThrough }

// endEvent is a none end event, or a terminate end event, which ends its
// whole flow scope: every other child is terminated and the scope
// completes.
type endEvent struct{ passThrough }

func (ev endEvent) OnComplete(e *behavior.Element) error {
	if e.N.Event != bpmn.EventTerminate {
		return ev.passThrough.OnComplete(e)
	}
	if err := behavior.ApplyOutputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	if err := e.Transition(record.ElementCompleted); err != nil {
		return err
	}
	return behavior.TerminateScope(e)
}

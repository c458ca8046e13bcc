package element

import (
	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// noFlowMessage is Zeebe's incident text when a gateway finds no flow.
const noFlowMessage = "Expected at least one condition to evaluate to true, or to have a default flow"

// gateway is the shared shape of the gateways: choose the outgoing flows on
// activation (a failure is a CONDITION_ERROR incident), complete at once,
// and choose again on completion (the variables have not changed).
type gateway struct {
	choose func(e *behavior.Element) ([]*bpmn.Flow, error)
}

func (g gateway) OnActivate(e *behavior.Element) error {
	if _, err := g.choose(e); err != nil {
		return e.Fail(err)
	}
	if err := e.Transition(record.ElementActivated); err != nil {
		return err
	}
	e.Complete()
	return nil
}

func (g gateway) OnComplete(e *behavior.Element) error {
	flows, err := g.choose(e)
	if err != nil {
		return e.Fail(err)
	}
	return e.CompleteAndLeave(flows)
}

func (g gateway) OnTerminate(e *behavior.Element) error {
	if err := behavior.ResolveIncidents(e.C, e.EI); err != nil {
		return err
	}
	return e.Terminated()
}

// The three gateways differ only in the flows they choose. As joins,
// parallel and inclusive gateways wait in behavior.JoinReady.
var (
	// exclusiveGateway takes the first flow whose condition is true, in
	// document order, else the default flow.
	exclusiveGateway = gateway{choose: chooseConditional(true)}
	// inclusiveGateway takes every flow whose condition is true, else the
	// default flow.
	inclusiveGateway = gateway{choose: chooseConditional(false)}
	// parallelGateway takes every outgoing flow.
	parallelGateway = gateway{choose: func(e *behavior.Element) ([]*bpmn.Flow, error) { return e.N.Outgoing, nil }}
)

// chooseConditional evaluates the conditions of the outgoing flows (a flow
// without one counts as true) and returns the first (first=true) or every
// flow that is true, else the default flow.
func chooseConditional(first bool) func(e *behavior.Element) ([]*bpmn.Flow, error) {
	return func(e *behavior.Element) ([]*bpmn.Flow, error) {
		if len(e.N.Outgoing) == 0 {
			return nil, nil
		}
		var taken []*bpmn.Flow
		vars := e.Vars()
		for _, f := range e.N.Outgoing {
			if f == e.N.Default {
				continue
			}
			ok := true
			if f.Condition != nil {
				var err error
				ok, err = behavior.EvalBool(e.C, f.Condition, vars, record.ErrConditionError, e.EI.Key)
				if err != nil {
					return nil, err
				}
			}
			if ok {
				taken = append(taken, f)
				if first {
					break
				}
			}
		}
		if len(taken) == 0 && e.N.Default != nil {
			taken = append(taken, e.N.Default)
		}
		if len(taken) == 0 {
			return nil, proc.Failf(record.ErrConditionError, e.EI.Key, noFlowMessage)
		}
		return taken, nil
	}
}

package element

import (
	"fmt"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/graph"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Register routes the element lifecycle commands to a dispatcher of this
// router's engine.
func Register(r *proc.Router) {
	d := &dispatcher{}
	r.On(record.ProcessInstance, record.ActivateElement, proc.ProcessorFunc(d.activate))
	r.On(record.ProcessInstance, record.CompleteElement, proc.ProcessorFunc(d.complete))
	r.On(record.ProcessInstance, record.TerminateElement, proc.ProcessorFunc(d.terminate))
}

// dispatcher handles the lifecycle commands of one engine. It reuses one
// Element: a command is processed to its end before the next begins
// (follow-ups are queued, never nested), and processors do not keep it.
type dispatcher struct {
	e behavior.Element
}

// element loads the process and node a lifecycle command is about.
func (d *dispatcher) element(c *proc.Context) (*behavior.Element, error) {
	v, ok := c.Cmd.Value.(*record.ProcessInstanceRecord)
	if !ok {
		return nil, fmt.Errorf("element: command value is %T", c.Cmd.Value)
	}
	p, err := c.Graphs.Get(c.State, v.ProcessDefinitionKey)
	if err != nil {
		return nil, err
	}
	n := (*bpmn.Node)(nil)
	if p != nil {
		n = p.Graph.ByID[v.ElementID]
	}
	if n == nil {
		// only the engine writes these commands, from its own state
		return nil, fmt.Errorf("element: process %d has no element %q", v.ProcessDefinitionKey, v.ElementID)
	}
	ei, err := c.State.GetElementInstance(c.Cmd.Key)
	if err != nil {
		return nil, err
	}
	d.e = behavior.Element{C: c, P: p, N: n, EI: ei}
	return &d.e, nil
}

// activate starts an element instance, or runs its activation again after
// an incident was resolved (the instance is still ACTIVATING).
func (d *dispatcher) activate(c *proc.Context) error {
	e, err := d.element(c)
	if err != nil {
		return err
	}
	if e.EI != nil {
		if e.EI.State != record.ElementActivating {
			return c.Reject(record.InvalidState, "Expected element instance with key '%d' to be in state '%s', but it was '%s'",
				c.Cmd.Key, record.ElementActivating, e.EI.State)
		}
		return processorFor(e.N).OnActivate(e)
	}
	v := c.Cmd.Value.(*record.ProcessInstanceRecord)
	if v.FlowScopeKey > 0 {
		scope, err := c.State.GetElementInstance(v.FlowScopeKey)
		if err != nil {
			return err
		}
		if scope == nil || scope.State != record.ElementActivated {
			return c.Reject(record.InvalidState, "Expected flow scope instance with key '%d' of element '%s' to be active, but it is %s",
				v.FlowScopeKey, v.ElementID, describe(scope))
		}
		if graph.IsJoin(e.N) {
			ready, err := behavior.JoinReady(c, e.P, v.FlowScopeKey, e.N)
			if err != nil {
				return err
			}
			if !ready {
				// An earlier activation took the tokens already; this one
				// was asked for before that happened.
				return c.Reject(record.InvalidState, "Expected to activate the joining gateway '%s', but it has no complete set of incoming tokens", v.ElementID)
			}
		}
	}
	e.EI = &state.ElementInstance{Key: c.Cmd.Key, Value: *v}
	if err := e.Transition(record.ElementActivating); err != nil {
		return err
	}
	return processorFor(e.N).OnActivate(e)
}

func describe(ei *state.ElementInstance) string {
	if ei == nil {
		return "gone"
	}
	return string(ei.State)
}

// complete runs an element's completion: after ELEMENT_ACTIVATED, or again
// after an incident was resolved (still COMPLETING).
func (d *dispatcher) complete(c *proc.Context) error {
	e, err := d.element(c)
	if err != nil {
		return err
	}
	if e.EI == nil {
		return c.Reject(record.NotFound, "Expected to complete element instance with key '%d', but no such element instance was found", c.Cmd.Key)
	}
	switch e.EI.State {
	case record.ElementActivated:
		if err := e.Transition(record.ElementCompleting); err != nil {
			return err
		}
	case record.ElementCompleting:
	default:
		return c.Reject(record.InvalidState, "Expected element instance with key '%d' to be in state '%s', but it was '%s'",
			c.Cmd.Key, record.ElementActivated, e.EI.State)
	}
	return processorFor(e.N).OnComplete(e)
}

// terminate starts the termination of an element instance. A request
// waiting on the command (cancel) is answered with ELEMENT_TERMINATING.
func (d *dispatcher) terminate(c *proc.Context) error {
	e, err := d.element(c)
	if err != nil {
		return err
	}
	if e.EI == nil {
		return c.Reject(record.NotFound, "Expected to terminate element instance with key '%d', but no such element instance was found", c.Cmd.Key)
	}
	if e.EI.State == record.ElementTerminating {
		return c.Reject(record.InvalidState, "Expected to terminate element instance with key '%d', but it is already being terminated", c.Cmd.Key)
	}
	r, err := c.Event(e.EI.Key, record.ElementTerminating, c.PI(e.EI.Value))
	if err != nil {
		return err
	}
	c.Respond(r)
	e.EI.State = record.ElementTerminating
	return processorFor(e.N).OnTerminate(e)
}

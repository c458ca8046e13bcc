package behavior

import (
	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/graph"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Element is an element instance being processed: the context, its
// process, its node and its state.
type Element struct {
	C  *proc.Context
	P  *graph.Process
	N  *bpmn.Node
	EI *state.ElementInstance
}

// Transition writes a lifecycle event of the element instance.
func (e *Element) Transition(intent record.Intent) error {
	return transition(e.C, e.EI, intent)
}

func transition(c *proc.Context, ei *state.ElementInstance, intent record.Intent) error {
	if _, err := c.Event(ei.Key, intent, c.PI(ei.Value)); err != nil { // the record keeps its own copy
		return err
	}
	ei.State = intent
	return nil
}

// Complete asks for the element to complete (COMPLETE_ELEMENT follow-up).
func (e *Element) Complete() {
	e.C.Command(e.EI.Key, record.CompleteElement, e.C.PI(e.EI.Value))
}

// Vars returns the variables visible from the element instance.
func (e *Element) Vars() *ScopeVars { return Vars(e.C, e.EI.Key) }

// Fail turns a user-data failure into an incident on the element; other
// errors pass through.
func (e *Element) Fail(err error) error { return HandleFailure(e.C, e.EI, err) }

// CompleteAndLeave finishes the completion: ELEMENT_COMPLETED, then the
// token leaves over flows (none: the path ends here).
func (e *Element) CompleteAndLeave(flows []*bpmn.Flow) error {
	if e.EI.Value.FlowScopeKey <= 0 {
		return processEnded(e.C, e.EI, record.ElementCompleted)
	}
	if err := e.Transition(record.ElementCompleted); err != nil {
		return err
	}
	if len(flows) == 0 {
		return ChildEnded(e.C, e.P, e.EI.Value.FlowScopeKey)
	}
	return TakeFlows(e.C, e.P, &e.EI.Value, flows)
}

// Terminated finishes a termination: ELEMENT_TERMINATED, then the flow
// scope learns that a child ended.
func (e *Element) Terminated() error {
	return terminated(e.C, e.P, e.EI)
}

func terminated(c *proc.Context, p *graph.Process, ei *state.ElementInstance) error {
	if ei.Value.FlowScopeKey <= 0 {
		return processEnded(c, ei, record.ElementTerminated)
	}
	if err := transition(c, ei, record.ElementTerminated); err != nil {
		return err
	}
	return ChildEnded(c, p, ei.Value.FlowScopeKey)
}

// ActivateChild starts a child element in a scope instance (the start
// event of a process or subprocess).
func ActivateChild(c *proc.Context, scope *state.ElementInstance, n *bpmn.Node) {
	c.Command(c.NextKey(), record.ActivateElement, c.PI(childValue(&scope.Value, scope.Key, n)))
}

func childValue(like *record.ProcessInstanceRecord, scopeKey int64, n *bpmn.Node) record.ProcessInstanceRecord {
	v := *like
	v.ElementID = n.ID
	v.FlowScopeKey = scopeKey
	v.BpmnElementType = string(n.Kind)
	v.BpmnEventType = string(n.Event)
	if v.BpmnEventType == "" {
		v.BpmnEventType = string(bpmn.EventNone)
	}
	return v
}

// TerminateChildren asks every child of a container to terminate; the
// last one to end terminates the container (ChildEnded). Without children
// the container is terminated at once.
func TerminateChildren(e *Element) error {
	keys, err := e.C.State.ChildKeys(e.EI.Key)
	if err != nil {
		return err
	}
	asked := 0
	for _, k := range keys {
		child, err := e.C.State.GetElementInstance(k)
		if err != nil {
			return err
		}
		if child.State == record.ElementTerminating {
			asked++ // already on its way out
			continue
		}
		v := child.Value
		e.C.Command(k, record.TerminateElement, &v)
		asked++
	}
	if asked == 0 {
		return e.Terminated()
	}
	return nil
}

// TerminateScope ends the flow scope of a terminate end event: the scope
// goes to COMPLETING at once (so tokens still on their way are not
// activated), its other children are terminated, and the last one to end
// completes it (ChildEnded).
func TerminateScope(e *Element) error {
	s, err := e.C.State.GetElementInstance(e.EI.Value.FlowScopeKey)
	if err != nil || s == nil {
		return err
	}
	if s.State == record.ElementActivated {
		if err := transition(e.C, s, record.ElementCompleting); err != nil {
			return err
		}
	}
	keys, err := e.C.State.ChildKeys(s.Key)
	if err != nil {
		return err
	}
	for _, k := range keys {
		child, err := e.C.State.GetElementInstance(k)
		if err != nil {
			return err
		}
		if child.State != record.ElementTerminating {
			v := child.Value
			e.C.Command(k, record.TerminateElement, &v)
		}
	}
	if len(keys) == 0 {
		v := s.Value
		e.C.Command(s.Key, record.CompleteElement, &v)
	}
	return nil
}

package behavior

import (
	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/graph"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// TakeFlows moves the token of a completed element over flows: it writes
// SEQUENCE_FLOW_TAKEN for every flow first (so a joining gateway sees all
// tokens of a fork), then activates each target, or, for a joining
// gateway, activates it once its inputs are complete.
func TakeFlows(c *proc.Context, p *graph.Process, from *record.ProcessInstanceRecord, flows []*bpmn.Flow) error {
	scope := from.FlowScopeKey
	for _, f := range flows {
		v := c.PI(*from)
		v.ElementID = f.ID
		v.BpmnElementType = string(bpmn.KindSequenceFlow)
		v.BpmnEventType = string(bpmn.EventNone)
		if _, err := c.Event(c.NextKey(), record.SequenceFlowTaken, v); err != nil {
			return err
		}
	}
	for _, f := range flows {
		t := f.Target
		if graph.IsJoin(t) {
			continue // checked below, once all tokens are placed
		}
		c.Command(c.NextKey(), record.ActivateElement, c.PI(childValue(from, scope, t)))
	}
	return CheckJoins(c, p, from, scope)
}

// ChildEnded is called when a child of scope completed without leaving a
// token, or was terminated. A scope with no children and no tokens on their
// way completes; a terminating scope with no children is terminated; a
// scope interrupted by a terminate end event (COMPLETING) completes once its
// children are gone.
func ChildEnded(c *proc.Context, p *graph.Process, scope int64) error {
	s, err := c.State.GetElementInstance(scope)
	if err != nil || s == nil {
		return err
	}
	busy, err := c.State.HasChildren(scope)
	if err != nil {
		return err
	}
	switch s.State {
	case record.ElementActivated:
		if !busy {
			if busy, err = c.State.HasTakenFlows(scope); err != nil {
				return err
			}
		}
		if !busy {
			c.Command(s.Key, record.CompleteElement, c.PI(s.Value))
			return nil
		}
		return CheckJoins(c, p, &s.Value, scope)
	case record.ElementCompleting:
		if !busy {
			v := s.Value
			c.Command(s.Key, record.CompleteElement, &v)
		}
	case record.ElementTerminating:
		if !busy {
			return terminated(c, p, s)
		}
	}
	return nil
}

// CheckJoins activates the joining gateways of a scope whose inputs are
// complete: a parallel join when every incoming flow has a token, an
// inclusive join when some incoming flow has one and no token of the scope
// can still reach the others. like gives the process fields of the scope.
func CheckJoins(c *proc.Context, p *graph.Process, like *record.ProcessInstanceRecord, scope int64) error {
	n := p.Graph.ByID[like.ElementID]
	if n == nil {
		return nil
	}
	if like.FlowScopeKey == scope { // like is a child of the scope
		n = n.Scope
	}
	for _, j := range p.Joins(n) {
		ready, err := JoinReady(c, p, scope, j)
		if err != nil {
			return err
		}
		if ready {
			v := childValue(like, scope, j)
			c.Command(c.NextKey(), record.ActivateElement, &v)
		}
	}
	return nil
}

// JoinReady reports whether a joining gateway can be activated now.
func JoinReady(c *proc.Context, p *graph.Process, scope int64, join *bpmn.Node) (bool, error) {
	var missing []*bpmn.Flow
	for _, f := range join.Incoming {
		n, err := c.State.TakenFlowCount(scope, join.ID, f.ID)
		if err != nil {
			return false, err
		}
		if n == 0 {
			missing = append(missing, f)
		}
	}
	if len(missing) == len(join.Incoming) {
		return false, nil // no token waits
	}
	if len(missing) == 0 {
		return true, nil
	}
	if join.Kind == bpmn.KindParallelGateway {
		return false, nil
	}
	arrive, err := canStillArrive(c, p, scope, join, missing)
	return !arrive, err
}

// canStillArrive reports whether a token of scope (an active child, or a
// token on a flow into an element other than join) can reach one of the
// missing incoming flows of an inclusive join.
func canStillArrive(c *proc.Context, p *graph.Process, scope int64, join *bpmn.Node, missing []*bpmn.Flow) (bool, error) {
	var at []*bpmn.Node
	children, err := c.State.ChildKeys(scope)
	if err != nil {
		return false, err
	}
	for _, k := range children {
		ei, err := c.State.GetElementInstance(k)
		if err != nil {
			return false, err
		}
		if n := p.Graph.ByID[ei.Value.ElementID]; n != nil && n != join {
			at = append(at, n)
		}
	}
	targets, err := c.State.TakenFlowTargets(scope)
	if err != nil {
		return false, err
	}
	for _, id := range targets {
		if n := p.Graph.ByID[id]; n != nil && n != join {
			at = append(at, n)
		}
	}
	for _, f := range missing {
		for _, n := range at {
			if p.CanReach(join, f, n) {
				return true, nil
			}
		}
	}
	return false, nil
}

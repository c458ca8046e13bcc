package bpmn

import "slices"

// configure copies what execution needs from the element onto its node and
// resolves the node's references (default flow, boundary host, event
// definitions). The graph's nodes come in document order, so a scope is
// configured before its children.
func (b *builder) configure(n *Node, el *Element) {
	x := el.Extensions
	n.IsForCompensation = el.IsForCompensation
	n.TriggeredByEvent = el.Kind == KindEventSubProcess
	n.CancelActivity = el.Kind == KindBoundaryEvent && el.CancelActivity
	n.Interrupting = el.Kind == KindStartEvent && el.IsInterrupting
	if x.TaskDefinition != nil {
		td := *x.TaskDefinition
		n.TaskDefinition = &td
	}
	n.Inputs, n.Outputs = slices.Clone(x.Inputs), slices.Clone(x.Outputs)
	n.Headers = slices.Clone(x.Headers)
	n.Properties = slices.Clone(x.Properties)
	n.ExecutionListeners = slices.Clone(x.ExecutionListeners)
	n.Script = clonePtr(x.Script)
	n.CalledElement = clonePtr(x.CalledElement)
	n.CalledDecision = clonePtr(x.CalledDecision)
	n.UserTask = clonePtr(x.UserTask)
	if n.Kind == KindUserTask && n.UserTask == nil {
		n.UserTask = &UserTask{}
	}
	if lc := el.LoopCharacteristics; lc != nil && n.Kind.IsActivity() {
		mi := &MultiInstance{IsSequential: lc.IsSequential, CompletionCondition: clonePtr(lc.CompletionCondition)}
		if z := lc.Zeebe; z != nil {
			mi.InputCollection, mi.InputElement = z.InputCollection, z.InputElement
			mi.OutputCollection, mi.OutputElement = z.OutputCollection, z.OutputElement
		}
		n.MultiInstance = mi
	}
	if n.Kind == KindAdHocSubProcess {
		n.AdHoc = &AdHocSubProcess{CompletionCondition: clonePtr(el.CompletionCondition),
			CancelRemainingInstances: el.CancelRemainingInstances}
		if x.AdHoc != nil {
			n.AdHoc.ActiveElementsCollection = x.AdHoc.ActiveElementsCollection
		}
	}
	if el.Default != "" {
		n.Default = b.g.FlowByID[el.Default]
		if n.Default == nil {
			b.c.nodeErrorf(n, "default flow %q is not a sequence flow of process %q", el.Default, b.g.ProcessID)
		}
	}
	b.placeInScope(n)
	if n.Kind == KindBoundaryEvent {
		b.attach(n, el.AttachedToRef)
	}
	b.event(n, el)
	if n.Kind == KindReceiveTask {
		n.Message = b.message(n, el.MessageRef)
	}
}

// placeInScope registers start events and event subprocesses with their
// scope.
func (b *builder) placeInScope(n *Node) {
	s := n.Scope
	switch n.Kind {
	case KindEventSubProcess:
		s.EventSubProcesses = append(s.EventSubProcesses, n)
	case KindStartEvent:
		s.StartEvents = append(s.StartEvents, n)
	}
}

// attach connects a boundary event to its host activity.
func (b *builder) attach(n *Node, ref string) {
	if ref == "" {
		b.c.nodeErrorf(n, "boundary event is not attached to an activity (no attachedToRef)")
		return
	}
	host := b.g.ByID[ref]
	switch {
	case host == nil:
		b.c.nodeErrorf(n, "attachedToRef %q is not an element of process %q", ref, b.g.ProcessID)
	case !host.Kind.IsActivity():
		b.c.nodeErrorf(n, "attached to %s %q, which is not an activity", host.Tag, host.ID)
	case host.Scope != n.Scope:
		b.c.nodeErrorf(n, "attached to %q, which is in another scope", host.ID)
	default:
		n.AttachedTo = host
		host.Boundaries = append(host.Boundaries, n)
	}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

package bpmn

// This file checks how sequence flows, gateways and scopes fit together
// (Zeebe's ExclusiveGatewayValidator, EventBasedGatewayValidator,
// ProcessValidator, SubProcessValidator, ...).

// validateGateway checks the outgoing flows of a gateway.
func (b *builder) validateGateway(n *Node) {
	switch n.Kind {
	case KindExclusiveGateway, KindInclusiveGateway:
		if len(n.Outgoing) < 2 {
			return
		}
		for _, f := range n.Outgoing {
			if f.Condition == nil && f != n.Default {
				b.c.nodeErrorf(n, "outgoing sequence flow %q has no condition and is not the default flow", f.ID)
			}
		}
	case KindEventBasedGateway:
		if len(n.Outgoing) < 2 {
			b.c.nodeErrorf(n, "event-based gateway needs at least 2 outgoing sequence flows")
		}
		for _, f := range n.Outgoing {
			t := f.Target
			ok := t.Kind == KindIntermediateCatchEvent &&
				(t.Event == EventMessage || t.Event == EventTimer || t.Event == EventSignal || t.Event == EventConditional)
			if !ok {
				b.c.nodeErrorf(n, "event-based gateway leads to %s %q; it may lead only to message, timer, signal or conditional intermediate catch events", t.Tag, t.ID)
			}
			if f.Condition != nil {
				b.c.nodeErrorf(n, "outgoing sequence flow %q of an event-based gateway has a condition", f.ID)
			}
		}
	}
}

// validateFlows checks the flows that enter and leave a node.
func (b *builder) validateFlows(n *Node) {
	if n.Default != nil && n.Default.Source != n {
		b.c.nodeErrorf(n, "default flow %q is not an outgoing sequence flow of this element", n.Default.ID)
	}
	if n.Default != nil && n.Default.Source == n && !n.Kind.IsGateway() && !n.Kind.IsActivity() {
		b.c.nodeErrorf(n, "only gateways and activities have a default flow")
	}
	if n.Kind != KindExclusiveGateway && n.Kind != KindInclusiveGateway && n.Kind != KindEventBasedGateway {
		for _, f := range n.Outgoing {
			if f.Condition != nil {
				b.c.nodeErrorf(n, "outgoing sequence flow %q has a condition; conditions are supported only after exclusive or inclusive gateways", f.ID)
			}
		}
	}
	switch n.Kind {
	case KindStartEvent:
		if len(n.Incoming) > 0 {
			b.c.nodeErrorf(n, "start event has an incoming sequence flow")
		}
	case KindEndEvent:
		if len(n.Outgoing) > 0 {
			b.c.nodeErrorf(n, "end event has an outgoing sequence flow")
		}
	case KindBoundaryEvent:
		if len(n.Incoming) > 0 {
			b.c.nodeErrorf(n, "boundary event has an incoming sequence flow")
		}
		switch {
		case n.Event == EventCompensation && n.CompensationHandler == nil:
			b.c.nodeErrorf(n, "compensation boundary event has no association to a compensation handler")
		case n.Event == EventCompensation && len(n.Outgoing) > 0:
			b.c.nodeErrorf(n, "compensation boundary event has outgoing sequence flows; its handler is linked by an association")
		case n.Event != EventCompensation && len(n.Outgoing) == 0:
			b.c.nodeErrorf(n, "boundary event has no outgoing sequence flow")
		}

	case KindEventSubProcess:
		if len(n.Incoming)+len(n.Outgoing) > 0 {
			b.c.nodeErrorf(n, "event subprocess has sequence flows; it starts only by its event")
		}
	}
	if n.IsForCompensation && len(n.Incoming)+len(n.Outgoing) > 0 {
		b.c.nodeErrorf(n, "compensation handler has sequence flows; it runs only by compensation")
	}
}

// validateScope checks the start events of a process or subprocess and
// records them on the scope and the graph.
func (b *builder) validateScope(n *Node) {
	none := 0
	for _, s := range n.StartEvents {
		if s.Event == EventNone {
			none++
			if n.StartEvent == nil {
				n.StartEvent = s
			}
		}
		if n.Kind == KindProcess {
			switch s.Event {
			case EventMessage:
				b.g.MessageStarts = append(b.g.MessageStarts, s)
			case EventTimer:
				b.g.TimerStarts = append(b.g.TimerStarts, s)
			case EventSignal:
				b.g.SignalStarts = append(b.g.SignalStarts, s)
			}
		}
	}
	switch n.Kind {
	case KindProcess:
		if len(n.StartEvents) == 0 {
			b.c.nodeErrorf(n, "process has no start event")
		}
		if none > 1 {
			b.c.nodeErrorf(n, "process has %d none start events; at most one is allowed", none)
		}
	case KindSubProcess:
		if len(n.StartEvents) != 1 {
			b.c.nodeErrorf(n, "embedded subprocess must have exactly one none start event, has %d start events", len(n.StartEvents))
		}
	case KindEventSubProcess:
		if len(n.StartEvents) != 1 {
			b.c.nodeErrorf(n, "event subprocess must have exactly one start event, has %d", len(n.StartEvents))
		} else {
			n.StartEvent = n.StartEvents[0]
		}
	case KindAdHocSubProcess:
		b.validateAdHoc(n)
	}
	if n.Kind == KindProcess {
		b.uniqueStartNames(n)
	}
}

// validateAdHoc checks an ad-hoc subprocess: activities only, no start or
// end events (Zeebe's AdHocSubProcessValidator).
func (b *builder) validateAdHoc(n *Node) {
	activities := 0
	for _, c := range n.Children {
		switch {
		case c.Kind == KindStartEvent:
			b.c.nodeErrorf(n, "ad-hoc subprocess must not contain a start event (%q)", c.ID)
		case c.Kind == KindEndEvent:
			b.c.nodeErrorf(n, "ad-hoc subprocess must not contain an end event (%q)", c.ID)
		case c.Kind.IsActivity():
			activities++
		}
	}
	if activities == 0 {
		b.c.nodeErrorf(n, "ad-hoc subprocess must have at least one activity")
	}
}

// uniqueStartNames reports message or signal start events of the process
// that listen to the same static name: one message could start the process
// twice.
func (b *builder) uniqueStartNames(p *Node) {
	names := map[string]string{}
	messages := map[string]string{}
	for _, s := range p.StartEvents {
		if s.Message != nil {
			if other, dup := messages[s.Message.MessageID]; dup {
				b.c.nodeErrorf(s, "message %q is already referred to by start event %q; a message can start a process at one event only", s.Message.MessageID, other)
				continue
			}
			messages[s.Message.MessageID] = s.ID
		}
		var kind string
		var name Expression
		switch {
		case s.Message != nil:
			kind, name = "message", s.Message.Name
		case s.Signal != nil:
			kind, name = "signal", s.Signal.Name
		default:
			continue
		}
		if name.IsExpr || name.IsZero() {
			continue
		}
		key := kind + "\x00" + name.Raw
		if other, dup := names[key]; dup {
			b.c.nodeErrorf(s, "%s start event with the same %s name %q as %q", kind, kind, name.Raw, other)
			continue
		}
		names[key] = s.ID
	}
}

package bpmn

// isEvent reports whether the kind is one of the five event kinds.
func isEvent(k ElementKind) bool {
	switch k {
	case KindStartEvent, KindIntermediateCatchEvent, KindIntermediateThrowEvent, KindBoundaryEvent, KindEndEvent:
		return true
	}
	return false
}

// allowedEvents lists the event definitions each event kind may carry in
// Zeebe (EventNone = no definition). Start events of event subprocesses
// have their own list, eventSubProcessStarts.
var allowedEvents = map[ElementKind][]EventKind{
	KindStartEvent:             {EventNone, EventMessage, EventTimer, EventSignal},
	KindIntermediateCatchEvent: {EventMessage, EventTimer, EventSignal, EventLink, EventConditional},
	KindIntermediateThrowEvent: {EventNone, EventMessage, EventSignal, EventEscalation, EventLink, EventCompensation},
	KindBoundaryEvent:          {EventMessage, EventTimer, EventError, EventSignal, EventEscalation, EventCompensation, EventConditional},
	KindEndEvent:               {EventNone, EventMessage, EventError, EventSignal, EventEscalation, EventTerminate, EventCompensation},
}

var eventSubProcessStarts = []EventKind{EventMessage, EventTimer, EventError, EventSignal, EventEscalation, EventConditional}

// eventNames are the words used in messages.
var eventNames = map[EventKind]string{
	EventNone: "none", EventMessage: "message", EventTimer: "timer", EventError: "error",
	EventEscalation: "escalation", EventSignal: "signal", EventCompensation: "compensation",
	EventTerminate: "terminate", EventLink: "link", EventConditional: "conditional", EventCancel: "cancel",
}

// event resolves and checks the event definition of an event node.
func (b *builder) event(n *Node, el *Element) {
	if !isEvent(n.Kind) {
		return
	}
	n.Event = EventNone
	switch len(el.EventDefinitions) {
	case 0:
	case 1:
		n.Event = el.EventDefinitions[0].Kind
	default:
		b.c.nodeErrorf(n, "multiple events (%d event definitions on one event) are not supported", len(el.EventDefinitions))
		return
	}
	if !b.eventAllowed(n) {
		return
	}
	if n.Event == EventNone {
		return
	}
	ed := el.EventDefinitions[0]
	switch n.Event {
	case EventMessage:
		if b.throws(n) {
			b.messageThrow(n, ed.MessageRef, ed.Extensions.PublishMessage)
		} else {
			n.Message = b.message(n, ed.MessageRef)
		}
	case EventTimer:
		n.Timer = b.timer(n, ed)
	case EventError:
		n.Error = b.errorEvent(n, ed.ErrorRef)
		if n.Kind == KindStartEvent && !n.Interrupting {
			b.c.nodeErrorf(n, "an error start event must be interrupting")
		}
	case EventEscalation:
		n.Escalation = b.escalationEvent(n, ed.EscalationRef)
	case EventSignal:
		n.Signal = b.signalEvent(n, ed.SignalRef)
	case EventLink:
		n.Link = &LinkEvent{Name: ed.LinkName}
		if ed.LinkName == "" {
			b.c.nodeErrorf(n, "link event has no name")
		}
	case EventConditional:
		if ed.Condition == nil || ed.Condition.IsZero() {
			b.c.nodeErrorf(n, "conditional event has no condition")
		} else {
			x := *ed.Condition
			n.Condition = &x
		}
	case EventCompensation:
		n.Compensation = &CompensationEvent{WaitForCompletion: ed.WaitForCompletion}
		if n.Kind == KindEndEvent && !ed.WaitForCompletion {
			b.c.nodeErrorf(n, "a compensation end event must wait for completion (waitForCompletion true or absent)")
		}
		if ed.ActivityRef != "" {
			a := b.g.ByID[ed.ActivityRef]
			if a == nil || !a.Kind.IsActivity() {
				b.c.nodeErrorf(n, "activityRef %q is not an activity of process %q", ed.ActivityRef, b.g.ProcessID)
			}
			n.Compensation.Activity = a
		}
	}
}

// eventAllowed reports (and complains) when the node's event kind is not
// one Zeebe runs at this place.
func (b *builder) eventAllowed(n *Node) bool {
	if n.Event == EventCancel {
		b.c.nodeErrorf(n, "cancel events are not supported")
		return false
	}
	allowed := allowedEvents[n.Kind]
	where := n.Tag
	if n.Kind == KindStartEvent && n.Scope.Kind == KindEventSubProcess {
		allowed, where = eventSubProcessStarts, "start event of an event subprocess"
		if n.Event == EventCompensation {
			if n.Scope.Scope.Kind == KindProcess {
				b.c.nodeErrorf(n, "a compensation event subprocess is not allowed on the process level")
				return false
			}
			return true
		}
	} else if n.Kind == KindStartEvent && n.Scope.Kind != KindProcess {
		allowed, where = []EventKind{EventNone}, "start event of an embedded subprocess"
	}
	for _, k := range allowed {
		if k == n.Event {
			return true
		}
	}
	name, ok := eventNames[n.Event]
	if !ok {
		name = string(n.Event)
	}
	if n.Event == EventNone {
		b.c.nodeErrorf(n, "a %s needs an event definition", where)
	} else {
		b.c.nodeErrorf(n, "%s events are not supported as %s", name, article(where))
	}
	return false
}

func article(s string) string {
	if s != "" && (s[0] == 'a' || s[0] == 'e' || s[0] == 'i' || s[0] == 'o' || s[0] == 'u') {
		return "an " + s
	}
	return "a " + s
}

// throws reports whether the node throws (rather than catches) its event.
func (b *builder) throws(n *Node) bool {
	return n.Kind == KindIntermediateThrowEvent || n.Kind == KindEndEvent
}

// message resolves a message catch (start, intermediate, boundary event,
// receive task). Every message needs a name; all but the process's own
// message start events also need a correlation key.
func (b *builder) message(n *Node, ref string) *MessageEvent {
	if ref == "" {
		b.c.nodeErrorf(n, "no message (messageRef)")
		return nil
	}
	m := b.lookupMessage(n, ref)
	if m == nil {
		return nil
	}
	if m.Name.IsZero() {
		b.c.nodeErrorf(n, "message %q has no name", m.ID)
	}
	processStart := n.Kind == KindStartEvent && n.Scope.Kind == KindProcess
	if !processStart && m.CorrelationKey.IsZero() {
		b.c.nodeErrorf(n, "message %q has no correlation key (zeebe:subscription correlationKey)", m.ID)
	}
	return &MessageEvent{MessageID: m.ID, Name: m.Name, CorrelationKey: m.CorrelationKey}
}

func (b *builder) lookupMessage(n *Node, ref string) *Message {
	for _, m := range b.c.defs.Messages {
		if m.ID == ref {
			b.g.Messages[m.ID] = m
			return m
		}
	}
	b.c.nodeErrorf(n, "messageRef %q is not a message of this file", ref)
	return nil
}

// messageThrow checks a send task or message throw event: a job worker
// does it (zeebe:taskDefinition), or it publishes its message itself
// (zeebe:publishMessage on a message with a name); one of the two.
func (b *builder) messageThrow(n *Node, ref string, pm *PublishMessage) {
	switch {
	case pm != nil && n.TaskDefinition != nil:
		b.c.nodeErrorf(n, "has both zeebe:taskDefinition and zeebe:publishMessage; use one")
	case pm == nil:
		if n.TaskDefinition == nil || n.TaskDefinition.Type.IsZero() {
			b.c.nodeErrorf(n, "no job type (zeebe:taskDefinition type) or message to publish (zeebe:publishMessage)")
			return
		}
		b.checkRetries(n, n.TaskDefinition.Retries)
	case ref == "":
		b.c.nodeErrorf(n, "zeebe:publishMessage without a message (messageRef)")
	default:
		m := b.lookupMessage(n, ref)
		if m == nil {
			return
		}
		if m.Name.IsZero() {
			b.c.nodeErrorf(n, "message %q has no name", m.ID)
		}
		if pm.CorrelationKey.IsZero() {
			b.c.nodeErrorf(n, "no correlation key (zeebe:publishMessage correlationKey)")
		}
		if ttl := pm.TimeToLive; !ttl.IsZero() && !ttl.IsExpr {
			if _, err := ParseTimeDuration(ttl.Raw); err != nil {
				b.c.nodeErrorf(n, "invalid zeebe:publishMessage timeToLive: %v", err)
			}
		}
		n.PublishMessage = &MessagePublication{MessageID: m.ID, Name: m.Name,
			CorrelationKey: pm.CorrelationKey, TimeToLive: pm.TimeToLive, UniqueID: pm.MessageID}
	}
}

// errorEvent resolves an error event. Catch events without errorRef catch
// every error; throw events need an error with a code.
func (b *builder) errorEvent(n *Node, ref string) *ErrorEvent {
	if ref == "" {
		if b.throws(n) {
			b.c.nodeErrorf(n, "error end event has no error (errorRef)")
		}
		return &ErrorEvent{}
	}
	for _, e := range b.c.defs.Errors {
		if e.ID == ref {
			b.g.Errors[e.ID] = e
			if b.throws(n) && e.Code.IsZero() {
				b.c.nodeErrorf(n, "error %q has no errorCode", e.ID)
			}
			return &ErrorEvent{ErrorID: e.ID, Code: e.Code}
		}
	}
	b.c.nodeErrorf(n, "errorRef %q is not an error of this file", ref)
	return nil
}

// escalationEvent resolves an escalation event, like errorEvent.
func (b *builder) escalationEvent(n *Node, ref string) *EscalationEvent {
	if ref == "" {
		if b.throws(n) {
			b.c.nodeErrorf(n, "escalation throw event has no escalation (escalationRef)")
		}
		return &EscalationEvent{}
	}
	for _, e := range b.c.defs.Escalations {
		if e.ID == ref {
			b.g.Escalations[e.ID] = e
			if b.throws(n) && e.Code.IsZero() {
				b.c.nodeErrorf(n, "escalation %q has no escalationCode", e.ID)
			}
			return &EscalationEvent{EscalationID: e.ID, Code: e.Code}
		}
	}
	b.c.nodeErrorf(n, "escalationRef %q is not an escalation of this file", ref)
	return nil
}

// signalEvent resolves a signal event; every signal event needs a named
// signal.
func (b *builder) signalEvent(n *Node, ref string) *SignalEvent {
	if ref == "" {
		b.c.nodeErrorf(n, "no signal (signalRef)")
		return nil
	}
	for _, s := range b.c.defs.Signals {
		if s.ID == ref {
			b.g.Signals[s.ID] = s
			if s.Name.IsZero() {
				b.c.nodeErrorf(n, "signal %q has no name", s.ID)
			}
			return &SignalEvent{SignalID: s.ID, Name: s.Name}
		}
	}
	b.c.nodeErrorf(n, "signalRef %q is not a signal of this file", ref)
	return nil
}

// links pairs each link throw event with the catch event of the same name
// in its scope.
func (b *builder) links() {
	catches := map[[2]string]*Node{}
	for _, n := range b.g.Nodes {
		if n.Kind != KindIntermediateCatchEvent || n.Link == nil || n.Link.Name == "" {
			continue
		}
		key := [2]string{n.Scope.ID, n.Link.Name}
		if other, dup := catches[key]; dup {
			b.c.nodeErrorf(n, "link catch event name %q is already used by %q in the same scope", n.Link.Name, other.ID)
			continue
		}
		catches[key] = n
	}
	for _, n := range b.g.Nodes {
		if n.Kind != KindIntermediateThrowEvent || n.Link == nil || n.Link.Name == "" {
			continue
		}
		n.Link.Target = catches[[2]string{n.Scope.ID, n.Link.Name}]
		if n.Link.Target == nil {
			b.c.nodeErrorf(n, "no link catch event named %q in the same scope", n.Link.Name)
		}
	}
}

package bpmn

import (
	"strings"

	"github.com/beevik/etree"
)

// reader builds the model from the etree document.
type reader struct {
	pos map[*etree.Element]Pos
}

// flowKinds maps the BPMN flow element names Shoal executes to their kind.
// subProcess is EVENT_SUB_PROCESS when triggeredByEvent="true".
var flowKinds = map[string]ElementKind{
	"startEvent":             KindStartEvent,
	"endEvent":               KindEndEvent,
	"intermediateCatchEvent": KindIntermediateCatchEvent,
	"intermediateThrowEvent": KindIntermediateThrowEvent,
	"boundaryEvent":          KindBoundaryEvent,
	"serviceTask":            KindServiceTask,
	"receiveTask":            KindReceiveTask,
	"userTask":               KindUserTask,
	"manualTask":             KindManualTask,
	"task":                   KindTask,
	"scriptTask":             KindScriptTask,
	"sendTask":               KindSendTask,
	"businessRuleTask":       KindBusinessRuleTask,
	"callActivity":           KindCallActivity,
	"exclusiveGateway":       KindExclusiveGateway,
	"parallelGateway":        KindParallelGateway,
	"inclusiveGateway":       KindInclusiveGateway,
	"eventBasedGateway":      KindEventBasedGateway,
	"subProcess":             KindSubProcess,
	"adHocSubProcess":        KindAdHocSubProcess,
	"sequenceFlow":           KindSequenceFlow,
}

// keptTags are BPMN elements inside a process that Shoal accepts and
// does not execute; they stay in the model so their ids are checked.
var keptTags = map[string]bool{
	"dataObject": true, "dataObjectReference": true, "dataStoreReference": true,
	"textAnnotation": true, "association": true,
}

// unsupportedTags are flow elements of BPMN that Shoal (like Zeebe) does
// not execute; Compile names each one.
var unsupportedTags = map[string]string{
	"complexGateway":     "complex gateways are not supported",
	"transaction":        "transactions are not supported",
	"callChoreography":   "choreographies are not supported",
	"subChoreography":    "choreographies are not supported",
	"choreographyTask":   "choreographies are not supported",
	"implicitThrowEvent": "implicit throw events are not supported",
}

// eventKinds maps event definition element names to event kinds.
var eventKinds = map[string]EventKind{
	"messageEventDefinition":     EventMessage,
	"timerEventDefinition":       EventTimer,
	"errorEventDefinition":       EventError,
	"escalationEventDefinition":  EventEscalation,
	"signalEventDefinition":      EventSignal,
	"compensateEventDefinition":  EventCompensation,
	"terminateEventDefinition":   EventTerminate,
	"linkEventDefinition":        EventLink,
	"conditionalEventDefinition": EventConditional,
	// Unsupported by Zeebe and Shoal; kept so that Compile can name it.
	"cancelEventDefinition": EventCancel,
}

func (rd *reader) at(e *etree.Element) Pos { return rd.pos[e] }

// bpmnChildren returns the child elements in the BPMN model namespace.
func bpmnChildren(e *etree.Element) []*etree.Element {
	var out []*etree.Element
	for _, c := range e.ChildElements() {
		if c.NamespaceURI() == NSModel {
			out = append(out, c)
		}
	}
	return out
}

// attr returns an attribute without a namespace prefix (BPMN attributes are
// unqualified), or "".
func attr(e *etree.Element, key string) string {
	for _, a := range e.Attr {
		if a.Key == key && a.Space == "" {
			return a.Value
		}
	}
	return ""
}

// boolAttr reads a boolean attribute with a default.
func boolAttr(e *etree.Element, key string, def bool) bool {
	switch strings.TrimSpace(attr(e, key)) {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}

func (rd *reader) definitions(root *etree.Element) (*Definitions, error) {
	if root.Tag != "definitions" || root.NamespaceURI() != NSModel {
		p := rd.at(root)
		return nil, &Error{Line: p.Line, Column: p.Column, Kind: root.Tag, ElementID: attr(root, "id"),
			Msg: "root element is not BPMN definitions (<definitions> in namespace " + NSModel + ")"}
	}
	d := &Definitions{
		ID: attr(root, "id"), Name: attr(root, "name"), Pos: rd.at(root),
		TargetNamespace: attr(root, "targetNamespace"),
		Exporter:        attr(root, "exporter"), ExporterVersion: attr(root, "exporterVersion"),
	}
	for _, c := range bpmnChildren(root) {
		p := rd.at(c)
		switch c.Tag {
		case "process":
			d.Processes = append(d.Processes, rd.process(c))
		case "collaboration":
			d.Collaborations = append(d.Collaborations, rd.collaboration(c))
		case "message":
			ext := rd.extensions(c)
			m := &Message{ID: attr(c, "id"), Name: NewExpression(attr(c, "name")), Pos: p}
			if ext.Subscription != nil {
				m.CorrelationKey = ext.Subscription.CorrelationKey
			}
			d.Messages = append(d.Messages, m)
		case "error":
			d.Errors = append(d.Errors, &ErrorDef{ID: attr(c, "id"), Name: attr(c, "name"),
				Code: NewExpression(attr(c, "errorCode")), Pos: p})
		case "escalation":
			d.Escalations = append(d.Escalations, &Escalation{ID: attr(c, "id"), Name: attr(c, "name"),
				Code: NewExpression(attr(c, "escalationCode")), Pos: p})
		case "signal":
			d.Signals = append(d.Signals, &Signal{ID: attr(c, "id"), Name: NewExpression(attr(c, "name")), Pos: p})
		}
	}
	return d, nil
}

func (rd *reader) process(e *etree.Element) *Process {
	p := &Process{
		ID: attr(e, "id"), Name: attr(e, "name"), Pos: rd.at(e),
		IsExecutable: boolAttr(e, "isExecutable", false),
		Extensions:   rd.extensions(e),
	}
	p.VersionTag = p.Extensions.VersionTag
	p.Elements = rd.flowElements(e)
	return p
}

func (rd *reader) collaboration(e *etree.Element) *Collaboration {
	c := &Collaboration{ID: attr(e, "id"), Name: attr(e, "name"), Pos: rd.at(e)}
	for _, ch := range bpmnChildren(e) {
		switch ch.Tag {
		case "participant":
			c.Participants = append(c.Participants, Participant{ID: attr(ch, "id"), Name: attr(ch, "name"),
				ProcessRef: attr(ch, "processRef"), Pos: rd.at(ch)})
		case "messageFlow":
			c.MessageFlows = append(c.MessageFlows, MessageFlow{ID: attr(ch, "id"), Name: attr(ch, "name"),
				SourceRef: attr(ch, "sourceRef"), TargetRef: attr(ch, "targetRef"),
				MessageRef: attr(ch, "messageRef"), Pos: rd.at(ch)})
		}
	}
	return c
}

// flowElements reads the flow elements of a process or subprocess in
// document order: the ones Shoal runs, the ones it keeps (data objects,
// annotations, associations) and the ones it rejects. Everything else
// (lanes, documentation, loop characteristics, ...) is not a flow element
// and is skipped here.
func (rd *reader) flowElements(parent *etree.Element) []*Element {
	var out []*Element
	for _, c := range bpmnChildren(parent) {
		switch {
		case flowKinds[c.Tag] != "":
			out = append(out, rd.element(c))
		case keptTags[c.Tag] || unsupportedTags[c.Tag] != "":
			out = append(out, &Element{Tag: c.Tag, ID: attr(c, "id"), Name: attr(c, "name"), Pos: rd.at(c),
				AssociationSource: attr(c, "sourceRef"), AssociationTarget: attr(c, "targetRef")})
		}
	}
	return out
}

// element reads one flow element. An element whose tag Shoal does not
// execute keeps Kind "" and its Tag, for Compile to report.
func (rd *reader) element(e *etree.Element) *Element {
	el := &Element{
		Tag: e.Tag, Kind: flowKinds[e.Tag], ID: attr(e, "id"), Name: attr(e, "name"), Pos: rd.at(e),
		Default:                  attr(e, "default"),
		IsForCompensation:        boolAttr(e, "isForCompensation", false),
		AttachedToRef:            attr(e, "attachedToRef"),
		CancelActivity:           boolAttr(e, "cancelActivity", true),
		IsInterrupting:           boolAttr(e, "isInterrupting", true),
		ParallelMultiple:         boolAttr(e, "parallelMultiple", false),
		TriggeredByEvent:         boolAttr(e, "triggeredByEvent", false),
		CancelRemainingInstances: boolAttr(e, "cancelRemainingInstances", true),
		MessageRef:               attr(e, "messageRef"),
		SourceRef:                attr(e, "sourceRef"),
		TargetRef:                attr(e, "targetRef"),
		CalledElementAttr:        attr(e, "calledElement"),
		Extensions:               rd.extensions(e),
	}
	if el.Kind == KindSubProcess && el.TriggeredByEvent {
		el.Kind = KindEventSubProcess
	}
	for _, c := range bpmnChildren(e) {
		switch {
		case eventKinds[c.Tag] != "" || strings.HasSuffix(c.Tag, "EventDefinition"):
			el.EventDefinitions = append(el.EventDefinitions, rd.eventDefinition(c))
		case c.Tag == "multiInstanceLoopCharacteristics":
			el.LoopCharacteristics = rd.loop(c)
		case c.Tag == "standardLoopCharacteristics":
			el.StandardLoop = true
		case c.Tag == "conditionExpression":
			x := NewExpression(text(c))
			el.Condition = &x
		case c.Tag == "completionCondition":
			x := NewExpression(text(c))
			el.CompletionCondition = &x
		}
	}
	if el.Kind.IsScope() {
		el.Children = rd.flowElements(e)
	}
	return el
}

func (rd *reader) eventDefinition(e *etree.Element) *EventDefinition {
	kind := eventKinds[e.Tag]
	if kind == "" {
		kind = EventKind(strings.ToUpper(strings.TrimSuffix(e.Tag, "EventDefinition")))
	}
	ed := &EventDefinition{
		Kind: kind, Tag: e.Tag, ID: attr(e, "id"), Pos: rd.at(e),
		MessageRef: attr(e, "messageRef"), ErrorRef: attr(e, "errorRef"),
		EscalationRef: attr(e, "escalationRef"), SignalRef: attr(e, "signalRef"),
		LinkName: attr(e, "name"), ActivityRef: attr(e, "activityRef"),
		WaitForCompletion: boolAttr(e, "waitForCompletion", true),
		Extensions:        rd.extensions(e),
	}
	for _, c := range bpmnChildren(e) {
		x := NewExpression(text(c))
		switch c.Tag {
		case "timeDate":
			ed.TimeDate = &x
		case "timeDuration":
			ed.TimeDuration = &x
		case "timeCycle":
			ed.TimeCycle = &x
		case "condition":
			ed.Condition = &x
		}
	}
	return ed
}

func (rd *reader) loop(e *etree.Element) *LoopCharacteristics {
	lc := &LoopCharacteristics{IsSequential: boolAttr(e, "isSequential", false), Pos: rd.at(e)}
	for _, c := range bpmnChildren(e) {
		x := NewExpression(text(c))
		switch c.Tag {
		case "completionCondition":
			lc.CompletionCondition = &x
		case "loopCardinality":
			lc.LoopCardinality = &x
		}
	}
	lc.Zeebe = rd.extensions(e).Loop
	return lc
}

// text returns all character data directly inside e, CDATA sections
// included. etree's Text returns only the first run, which for
// "\n  <![CDATA[=x]]>\n" is the leading whitespace.
func text(e *etree.Element) string {
	var b strings.Builder
	for _, t := range e.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String()
}

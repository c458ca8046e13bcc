package bpmn

import (
	"strings"

	"github.com/beevik/etree"
)

// extensions reads the <bpmn:extensionElements> of e: zeebe elements into
// their structs, anything else into Unknown.
func (rd *reader) extensions(e *etree.Element) Extensions {
	var x Extensions
	for _, ee := range e.ChildElements() {
		if ee.Tag != "extensionElements" || ee.NamespaceURI() != NSModel {
			continue
		}
		for _, c := range ee.ChildElements() {
			if c.NamespaceURI() != NSZeebe || !rd.zeebe(&x, c) {
				x.Unknown = append(x.Unknown, rd.plain(c))
			}
		}
	}
	return x
}

// zeebe reads one zeebe extension element into x; false when the element is
// not one Shoal understands.
func (rd *reader) zeebe(x *Extensions, c *etree.Element) bool {
	switch c.Tag {
	case "taskDefinition":
		retries := attr(c, "retries")
		if strings.TrimSpace(retries) == "" {
			retries = "3"
		}
		x.TaskDefinition = &TaskDefinition{Type: NewExpression(attr(c, "type")), Retries: NewExpression(retries)}
	case "ioMapping":
		for _, m := range c.ChildElements() {
			mp := Mapping{Source: NewExpression(attr(m, "source")), Target: attr(m, "target")}
			switch m.Tag {
			case "input":
				x.Inputs = append(x.Inputs, mp)
			case "output":
				x.Outputs = append(x.Outputs, mp)
			}
		}
	case "taskHeaders":
		for _, h := range c.ChildElements() {
			if h.Tag == "header" {
				x.Headers = append(x.Headers, Header{Key: attr(h, "key"), Value: attr(h, "value")})
			}
		}
	case "subscription":
		x.Subscription = &Subscription{CorrelationKey: NewExpression(attr(c, "correlationKey"))}
	case "calledElement":
		x.CalledElement = &CalledElement{
			ProcessID:                   NewExpression(attr(c, "processId")),
			PropagateAllChildVariables:  boolAttr(c, "propagateAllChildVariables", true),
			PropagateAllParentVariables: boolAttr(c, "propagateAllParentVariables", true),
			BindingType:                 attr(c, "bindingType"),
			VersionTag:                  attr(c, "versionTag"),
		}
	case "loopCharacteristics":
		x.Loop = &ZeebeLoop{
			InputCollection:  NewExpression(attr(c, "inputCollection")),
			InputElement:     attr(c, "inputElement"),
			OutputCollection: attr(c, "outputCollection"),
			OutputElement:    NewExpression(attr(c, "outputElement")),
		}
	case "script":
		x.Script = &Script{Expression: NewExpression(attr(c, "expression")), ResultVariable: attr(c, "resultVariable")}
	case "calledDecision":
		x.CalledDecision = &CalledDecision{
			DecisionID: NewExpression(attr(c, "decisionId")), ResultVariable: attr(c, "resultVariable"),
			BindingType: attr(c, "bindingType"), VersionTag: attr(c, "versionTag"),
		}
	case "userTask", "assignmentDefinition", "formDefinition", "taskSchedule", "priorityDefinition":
		rd.userTask(x, c)
	case "properties":
		for _, p := range c.ChildElements() {
			if p.Tag == "property" {
				x.Properties = append(x.Properties, Property{Name: attr(p, "name"), Value: attr(p, "value")})
			}
		}
	case "executionListeners":
		for _, l := range c.ChildElements() {
			if l.Tag != "executionListener" {
				continue
			}
			retries := attr(l, "retries")
			if strings.TrimSpace(retries) == "" {
				retries = "3"
			}
			x.ExecutionListeners = append(x.ExecutionListeners, ExecutionListener{
				EventType: attr(l, "eventType"), Type: NewExpression(attr(l, "type")), Retries: NewExpression(retries),
			})
		}
	case "publishMessage":
		x.PublishMessage = &PublishMessage{
			CorrelationKey: NewExpression(attr(c, "correlationKey")),
			TimeToLive:     NewExpression(attr(c, "timeToLive")),
			MessageID:      NewExpression(attr(c, "messageId")),
		}
	case "versionTag":
		x.VersionTag = attr(c, "value")
	case "adHoc":
		x.AdHoc = &AdHoc{ActiveElementsCollection: NewExpression(attr(c, "activeElementsCollection"))}
	default:
		return false
	}
	return true
}

// userTask merges the user task extension elements into one UserTask.
func (rd *reader) userTask(x *Extensions, c *etree.Element) {
	if x.UserTask == nil {
		x.UserTask = &UserTask{}
	}
	u := x.UserTask
	switch c.Tag {
	case "userTask":
		u.ZeebeUserTask = true
	case "assignmentDefinition":
		u.Assignee = NewExpression(attr(c, "assignee"))
		u.CandidateGroups = NewExpression(attr(c, "candidateGroups"))
		u.CandidateUsers = NewExpression(attr(c, "candidateUsers"))
	case "formDefinition":
		u.FormKey, u.FormID, u.ExternalReference = attr(c, "formKey"), attr(c, "formId"), attr(c, "externalReference")
		u.FormBindingType, u.FormVersionTag = attr(c, "bindingType"), attr(c, "versionTag")
	case "taskSchedule":
		u.DueDate = NewExpression(attr(c, "dueDate"))
		u.FollowUpDate = NewExpression(attr(c, "followUpDate"))
	case "priorityDefinition":
		u.Priority = NewExpression(attr(c, "priority"))
	}
}

// plain keeps an extension element as generic XML. Depth is bounded by
// Parse's MaxDepth.
func (rd *reader) plain(e *etree.Element) *XMLElement {
	x := &XMLElement{Space: e.NamespaceURI(), Tag: e.Tag, Text: strings.TrimSpace(text(e)), Pos: rd.at(e)}
	for _, a := range e.Attr {
		x.Attrs = append(x.Attrs, XMLAttr{Space: a.NamespaceURI(), Key: a.Key, Value: a.Value})
	}
	for _, c := range e.ChildElements() {
		x.Children = append(x.Children, rd.plain(c))
	}
	return x
}

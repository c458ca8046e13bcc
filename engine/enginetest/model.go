package enginetest

import (
	"fmt"
	"html"
	"strings"
)

// Model builds a BPMN file with one executable process, for tests (a small
// cousin of Zeebe's Bpmn.createExecutableProcess). Elements and flows are
// written in the order they are added.
type Model struct {
	id    string
	flow  string // prefix of generated flow ids
	body  []string
	flows []string
	n     int
}

// Process starts a model of an executable process.
func Process(id string) *Model { return &Model{id: id, flow: "flow"} }

// Scope starts the content of a subprocess (see SubProcess); its generated
// flow ids start with id.
func Scope(id string) *Model { return &Model{id: id, flow: id + "-flow"} }

// Element adds any flow element: tag is the BPMN element name without
// prefix ("serviceTask"), attrs extra attributes (`default="f3"`), inner
// its raw XML content.
func (m *Model) Element(tag, id, attrs, inner string) *Model {
	if attrs != "" {
		attrs = " " + attrs
	}
	if inner == "" {
		m.body = append(m.body, fmt.Sprintf(`<bpmn:%s id="%s"%s />`, tag, id, attrs))
	} else {
		m.body = append(m.body, fmt.Sprintf(`<bpmn:%s id="%s"%s>%s</bpmn:%s>`, tag, id, attrs, inner, tag))
	}
	return m
}

// Start adds a none start event.
func (m *Model) Start(id string) *Model { return m.Element("startEvent", id, "", "") }

// End adds a none end event.
func (m *Model) End(id string) *Model { return m.Element("endEvent", id, "", "") }

// TerminateEnd adds a terminate end event.
func (m *Model) TerminateEnd(id string) *Model {
	return m.Element("endEvent", id, "", "<bpmn:terminateEventDefinition />")
}

// ServiceTask adds a service task of a job type; ext is more
// zeebe extension XML (see Inputs, Outputs, Headers).
func (m *Model) ServiceTask(id, jobType string, ext ...string) *Model {
	return m.Element("serviceTask", id, "", Ext(append([]string{
		fmt.Sprintf(`<zeebe:taskDefinition type="%s" />`, html.EscapeString(jobType))}, ext...)...))
}

// Task adds an element of a tag with extension elements.
func (m *Model) Task(tag, id string, ext ...string) *Model {
	if len(ext) == 0 {
		return m.Element(tag, id, "", "")
	}
	return m.Element(tag, id, "", Ext(ext...))
}

// Gateway adds a gateway ("exclusive", "parallel", "inclusive") with an
// optional default flow.
func (m *Model) Gateway(kind, id, defaultFlow string) *Model {
	attrs := ""
	if defaultFlow != "" {
		attrs = fmt.Sprintf(`default="%s"`, defaultFlow)
	}
	return m.Element(kind+"Gateway", id, attrs, "")
}

// SubProcess adds an embedded subprocess built by inner (whose Process id
// is ignored); build it with Scope.
func (m *Model) SubProcess(id string, inner *Model, ext ...string) *Model {
	content := strings.Join(inner.body, "\n") + "\n" + strings.Join(inner.flows, "\n")
	if len(ext) > 0 {
		content = Ext(ext...) + content
	}
	return m.Element("subProcess", id, "", content)
}

// Flow adds a sequence flow with a generated id.
func (m *Model) Flow(from, to string) *Model {
	m.n++
	return m.FlowID(fmt.Sprintf("%s%d", m.flow, m.n), from, to, "")
}

// FlowIf adds a sequence flow with an id and a condition ("=x > 1"; ""
// for none).
func (m *Model) FlowID(id, from, to, condition string) *Model {
	if condition == "" {
		m.flows = append(m.flows, fmt.Sprintf(`<bpmn:sequenceFlow id="%s" sourceRef="%s" targetRef="%s" />`, id, from, to))
		return m
	}
	m.flows = append(m.flows, fmt.Sprintf(
		`<bpmn:sequenceFlow id="%s" sourceRef="%s" targetRef="%s"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">%s</bpmn:conditionExpression></bpmn:sequenceFlow>`,
		id, from, to, html.EscapeString(condition)))
	return m
}

// Chain adds flows from each id to the next.
func (m *Model) Chain(ids ...string) *Model {
	for i := 0; i+1 < len(ids); i++ {
		m.Flow(ids[i], ids[i+1])
	}
	return m
}

// XML returns the BPMN file.
func (m *Model) XML() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://shoal.dev/test">
<bpmn:process id="` + m.id + `" isExecutable="true">
` + strings.Join(m.body, "\n") + "\n" + strings.Join(m.flows, "\n") + `
</bpmn:process>
</bpmn:definitions>
`
}

// Ext wraps zeebe extension elements in bpmn:extensionElements.
func Ext(elems ...string) string {
	return "<bpmn:extensionElements>" + strings.Join(elems, "") + "</bpmn:extensionElements>"
}

// Inputs is a zeebe:ioMapping with inputs given as source, target pairs.
func Inputs(sourceTarget ...string) string { return ioMapping("input", sourceTarget) }

// Outputs is a zeebe:ioMapping with outputs given as source, target pairs.
func Outputs(sourceTarget ...string) string { return ioMapping("output", sourceTarget) }

// IO is a zeebe:ioMapping with both inputs and outputs.
func IO(inputs, outputs []string) string {
	s := Inputs(inputs...) + Outputs(outputs...)
	s = strings.ReplaceAll(s, "</zeebe:ioMapping><zeebe:ioMapping>", "")
	return s
}

func ioMapping(kind string, pairs []string) string {
	if len(pairs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<zeebe:ioMapping>")
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(&b, `<zeebe:%s source="%s" target="%s" />`, kind, html.EscapeString(pairs[i]), html.EscapeString(pairs[i+1]))
	}
	b.WriteString("</zeebe:ioMapping>")
	return b.String()
}

// Headers is zeebe:taskHeaders from key, value pairs.
func Headers(kv ...string) string {
	var b strings.Builder
	b.WriteString("<zeebe:taskHeaders>")
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, `<zeebe:header key="%s" value="%s" />`, html.EscapeString(kv[i]), html.EscapeString(kv[i+1]))
	}
	b.WriteString("</zeebe:taskHeaders>")
	return b.String()
}

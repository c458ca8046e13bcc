package bpmn

import (
	"strconv"
	"strings"
)

// validate runs the checks of every rule family on one node.
func (b *builder) validate(n *Node) {
	b.validateTask(n)
	b.validateMappings(n)
	b.validateListenerPlacement(n)
	b.validateMultiInstance(n)
	b.validateGateway(n)
	b.validateFlows(n)
	if n.Kind.IsScope() {
		b.validateScope(n)
	}
}

// validateTask checks the task kinds' own extension elements (Zeebe
// ZeebeTaskDefinitionValidator and friends).
func (b *builder) validateTask(n *Node) {
	el := b.el[n]
	if el == nil {
		return // the process itself
	}
	if el.StandardLoop {
		b.c.nodeErrorf(n, "standard loops are not supported (standardLoopCharacteristics); use multi-instance")
	}
	switch n.Kind {
	case KindServiceTask:
		b.needJob(n)
	case KindSendTask:
		b.messageThrow(n, el.MessageRef, el.Extensions.PublishMessage)
	case KindScriptTask:
		switch {
		case n.Script != nil && n.TaskDefinition != nil:
			b.c.nodeErrorf(n, "has both zeebe:script and zeebe:taskDefinition; use one")
		case n.Script != nil:
			if n.Script.Expression.IsZero() {
				b.c.nodeErrorf(n, "no script expression (zeebe:script expression)")
			}
			if n.Script.ResultVariable == "" {
				b.c.nodeErrorf(n, "no result variable (zeebe:script resultVariable)")
			}
		case n.TaskDefinition != nil:
			b.needJob(n)
		default:
			b.c.nodeErrorf(n, "no script (zeebe:script expression) or job type (zeebe:taskDefinition type)")
		}
	case KindBusinessRuleTask:
		switch {
		case n.CalledDecision != nil && n.TaskDefinition != nil:
			b.c.nodeErrorf(n, "has both zeebe:calledDecision and zeebe:taskDefinition; use one")
		case n.CalledDecision != nil:
			if n.CalledDecision.DecisionID.IsZero() {
				b.c.nodeErrorf(n, "no decision id (zeebe:calledDecision decisionId)")
			}
			if n.CalledDecision.ResultVariable == "" {
				b.c.nodeErrorf(n, "no result variable (zeebe:calledDecision resultVariable)")
			}
		case n.TaskDefinition != nil:
			b.needJob(n)
		default:
			b.c.nodeErrorf(n, "no called decision (zeebe:calledDecision decisionId) or job type (zeebe:taskDefinition type)")
		}
	case KindCallActivity:
		if n.CalledElement == nil || n.CalledElement.ProcessID.IsZero() {
			b.c.nodeErrorf(n, "no called process (zeebe:calledElement processId)")
		}
	}
	if c := n.CalledElement; c != nil {
		b.checkBinding(n, "zeebe:calledElement", c.BindingType, c.VersionTag)
	}
	if d := n.CalledDecision; d != nil {
		b.checkBinding(n, "zeebe:calledDecision", d.BindingType, d.VersionTag)
	}
	if u := n.UserTask; u != nil {
		b.checkBinding(n, "zeebe:formDefinition", u.FormBindingType, u.FormVersionTag)
	}
	for _, l := range n.ExecutionListeners {
		if l.Type.IsZero() {
			b.c.nodeErrorf(n, "execution listener has no job type (zeebe:executionListener type)")
		}
		if l.EventType != "start" && l.EventType != "end" {
			b.c.nodeErrorf(n, "execution listener eventType %q is neither start nor end", l.EventType)
		}
		b.checkRetries(n, l.Retries)
	}
}

// validateListenerPlacement rejects execution listeners at moments an
// element does not have (Zeebe's StartEvent/Boundary/Gateway/EndEvent
// validators): a start event or boundary event has no start of its own, a
// gateway or an error or escalation end event no end.
func (b *builder) validateListenerPlacement(n *Node) {
	var forbidden, what string
	switch {
	case n.Kind == KindBoundaryEvent && n.Event == EventCompensation && len(n.ExecutionListeners) > 0:
		b.c.nodeErrorf(n, "execution listeners are not supported on compensation boundary events")
		return
	case n.Kind == KindStartEvent:
		forbidden, what = "start", "start events"
	case n.Kind == KindBoundaryEvent:
		forbidden, what = "start", "boundary events"
	case n.Kind.IsGateway():
		forbidden, what = "end", "gateways"
	case n.Kind == KindEndEvent && (n.Event == EventError || n.Event == EventEscalation):
		forbidden, what = "end", "error and escalation end events"
	default:
		return
	}
	for _, l := range n.ExecutionListeners {
		if l.EventType == forbidden {
			b.c.nodeErrorf(n, "execution listeners of type %s are not supported on %s", forbidden, what)
			return
		}
	}
}

// needJob checks that a job-based element has a job type.
func (b *builder) needJob(n *Node) {
	if n.TaskDefinition == nil || n.TaskDefinition.Type.IsZero() {
		b.c.nodeErrorf(n, "no job type (zeebe:taskDefinition type)")
		return
	}
	b.checkRetries(n, n.TaskDefinition.Retries)
}

// checkBinding checks a bindingType: which version of a called process,
// decision or form to use (Zeebe's ZeebeBindingType).
func (b *builder) checkBinding(n *Node, elem, binding, versionTag string) {
	switch binding {
	case "", "latest", "deployment":
	case "versionTag":
		if strings.TrimSpace(versionTag) == "" {
			b.c.nodeErrorf(n, "%s bindingType is versionTag but no versionTag is given", elem)
		}
	default:
		b.c.nodeErrorf(n, "%s bindingType %q must be one of: latest, deployment, versionTag", elem, binding)
	}
}

// checkRetries checks a literal retries value.
func (b *builder) checkRetries(n *Node, r Expression) {
	if r.IsExpr {
		return
	}
	if v, err := strconv.Atoi(strings.TrimSpace(r.Raw)); err != nil || v < 0 {
		b.c.nodeErrorf(n, "retries %q is not a non-negative number", r.Raw)
	}
}

// validateMappings checks that every input and output has a target.
func (b *builder) validateMappings(n *Node) {
	for _, set := range []struct {
		tag string
		ms  []Mapping
	}{{"zeebe:input", n.Inputs}, {"zeebe:output", n.Outputs}} {
		for _, m := range set.ms {
			if strings.TrimSpace(m.Target) == "" {
				b.c.nodeErrorf(n, "%s with source %q has no target", set.tag, m.Source.Raw)
			}
		}
	}
}

// validateMultiInstance checks multi-instance loop characteristics.
func (b *builder) validateMultiInstance(n *Node) {
	mi := n.MultiInstance
	if mi == nil {
		return
	}
	if mi.InputCollection.IsZero() {
		b.c.nodeErrorf(n, "multi-instance without inputCollection (zeebe:loopCharacteristics inputCollection)")
	}
	if mi.OutputCollection != "" && mi.OutputElement.IsZero() {
		b.c.nodeErrorf(n, "multi-instance outputCollection %q without outputElement", mi.OutputCollection)
	}
	if mi.OutputCollection == "" && !mi.OutputElement.IsZero() {
		b.c.nodeErrorf(n, "multi-instance outputElement without outputCollection")
	}
}

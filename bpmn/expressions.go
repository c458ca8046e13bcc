package bpmn

import "strings"

// exprRef names one expression of a node for error messages.
type exprRef struct {
	what string
	x    *Expression
}

// expressions lists every expression a node carries, with where it comes
// from, in a fixed order.
func (n *Node) expressions() []exprRef {
	var refs []exprRef
	add := func(what string, x *Expression) {
		if x != nil {
			refs = append(refs, exprRef{what, x})
		}
	}
	if td := n.TaskDefinition; td != nil {
		add("zeebe:taskDefinition type", &td.Type)
		add("zeebe:taskDefinition retries", &td.Retries)
	}
	for i := range n.Inputs {
		add("zeebe:input "+n.Inputs[i].Target, &n.Inputs[i].Source)
	}
	for i := range n.Outputs {
		add("zeebe:output "+n.Outputs[i].Target, &n.Outputs[i].Source)
	}
	if s := n.Script; s != nil {
		add("zeebe:script expression", &s.Expression)
	}
	if c := n.CalledElement; c != nil {
		add("zeebe:calledElement processId", &c.ProcessID)
	}
	if d := n.CalledDecision; d != nil {
		add("zeebe:calledDecision decisionId", &d.DecisionID)
	}
	if u := n.UserTask; u != nil {
		add("zeebe:assignmentDefinition assignee", &u.Assignee)
		add("zeebe:assignmentDefinition candidateGroups", &u.CandidateGroups)
		add("zeebe:assignmentDefinition candidateUsers", &u.CandidateUsers)
		add("zeebe:taskSchedule dueDate", &u.DueDate)
		add("zeebe:taskSchedule followUpDate", &u.FollowUpDate)
		add("zeebe:priorityDefinition priority", &u.Priority)
	}
	for i := range n.ExecutionListeners {
		add("zeebe:executionListener type", &n.ExecutionListeners[i].Type)
		add("zeebe:executionListener retries", &n.ExecutionListeners[i].Retries)
	}
	if mi := n.MultiInstance; mi != nil {
		add("zeebe:loopCharacteristics inputCollection", &mi.InputCollection)
		add("zeebe:loopCharacteristics outputElement", &mi.OutputElement)
		add("completionCondition", mi.CompletionCondition)
	}
	if a := n.AdHoc; a != nil {
		add("zeebe:adHoc activeElementsCollection", &a.ActiveElementsCollection)
		add("completionCondition", a.CompletionCondition)
	}
	if t := n.Timer; t != nil {
		add(string(t.Kind), &t.Value)
	}
	if m := n.Message; m != nil {
		add("message name", &m.Name)
		add("correlation key", &m.CorrelationKey)
	}
	if p := n.PublishMessage; p != nil {
		add("message name", &p.Name)
		add("zeebe:publishMessage correlationKey", &p.CorrelationKey)
		add("zeebe:publishMessage timeToLive", &p.TimeToLive)
		add("zeebe:publishMessage messageId", &p.UniqueID)
	}
	if e := n.Error; e != nil {
		add("errorCode", &e.Code)
	}
	if e := n.Escalation; e != nil {
		add("escalationCode", &e.Code)
	}
	if s := n.Signal; s != nil {
		add("signal name", &s.Name)
	}
	add("condition", n.Condition)
	return refs
}

// compileExpressions compiles every expression of the graph through
// Options.Expressions, reporting each failure on its element. Literals
// ("payment", "PT5M") are left alone.
func (b *builder) compileExpressions() {
	ec := b.c.opts.Expressions
	if ec == nil {
		return
	}
	compile := func(p Pos, tag, id, what string, x *Expression) {
		if !x.IsExpr {
			return
		}
		if strings.TrimSpace(x.Source) == "" {
			b.c.errorf(p, tag, id, "%s: empty expression %q", what, x.Raw)
			return
		}
		// Hand over the text as written (with its "="), so that the
		// columns in the compiler's errors count in the quoted x.Raw.
		src := x.Source
		if strings.HasPrefix(x.Raw, "=") {
			src = x.Raw
		}
		prog, err := ec.CompileExpression(src)
		if err != nil {
			b.c.errorf(p, tag, id, "%s: invalid expression %q: %v", what, x.Raw, err)
			return
		}
		x.Compiled = prog
	}
	for _, n := range b.g.Nodes {
		for _, r := range n.expressions() {
			compile(Pos{n.Line, n.Column}, n.Tag, n.ID, r.what, r.x)
		}
	}
	for _, f := range b.g.Flows {
		if f.Condition != nil {
			compile(Pos{f.Line, f.Column}, "sequenceFlow", f.ID, "conditionExpression", f.Condition)
		}
	}
}

// mustBeExpression lists the places where Zeebe accepts only an
// expression, never a static value.
var mustBeExpression = map[string]bool{
	"zeebe:loopCharacteristics inputCollection": true,
	"zeebe:loopCharacteristics outputElement":   true,
	"completionCondition":                       true,
	"zeebe:script expression":                   true,
	"zeebe:adHoc activeElementsCollection":      true,
	"condition":                                 true,
}

// checkStatic reports static values where an expression is required.
func (b *builder) checkStatic() {
	for _, n := range b.g.Nodes {
		for _, r := range n.expressions() {
			if mustBeExpression[r.what] && !r.x.IsExpr && !r.x.IsZero() {
				b.c.nodeErrorf(n, "%s %q is not an expression (expressions start with \"=\")", r.what, r.x.Raw)
			}
		}
	}
	for _, f := range b.g.Flows {
		if f.Condition != nil && !f.Condition.IsExpr {
			b.c.errorf(Pos{f.Line, f.Column}, "sequenceFlow", f.ID,
				"condition %q is not an expression (expressions start with \"=\")", f.Condition.Raw)
		}
	}
}

package bpmn

import (
	"cmp"
	"fmt"
	"slices"
)

// Compile checks the model against what Shoal can execute and builds one
// Graph per executable process. It reports every problem it finds, as an
// ErrorList in the order of the file; then the Deployment is nil.
//
// Processes with isExecutable="false" are not compiled (as in Zeebe, they are
// documentation); at least one process must be executable.
func Compile(defs *Definitions, opts Options) (*Deployment, error) {
	if defs == nil {
		return nil, ErrorList{{Msg: "no definitions"}}
	}
	c := &compiler{defs: defs, opts: opts}
	c.checkIDs()
	dep := &Deployment{}
	for _, p := range defs.Processes {
		if p.IsExecutable {
			dep.Processes = append(dep.Processes, c.process(p))
		}
	}
	if len(dep.Processes) == 0 {
		c.errorf(defs.Pos, "definitions", defs.ID, "no executable process (a process with isExecutable=\"true\")")
	}
	if len(c.errs) > 0 {
		slices.SortStableFunc(c.errs, func(a, b *Error) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
		})
		return nil, c.errs
	}
	return dep, nil
}

// compiler collects problems while the graphs are built.
type compiler struct {
	defs *Definitions
	opts Options
	errs ErrorList
}

func (c *compiler) errorf(p Pos, kind, id, format string, args ...any) {
	c.errs = append(c.errs, &Error{ElementID: id, Kind: kind, Line: p.Line, Column: p.Column,
		Msg: fmt.Sprintf(format, args...)})
}

// nodeErrorf reports a problem on a node.
func (c *compiler) nodeErrorf(n *Node, format string, args ...any) {
	c.errorf(Pos{n.Line, n.Column}, n.Tag, n.ID, format, args...)
}

// checkIDs reports ids used twice among the root and flow elements.
func (c *compiler) checkIDs() {
	type seen struct {
		tag string
		Pos
	}
	ids := map[string]seen{}
	use := func(tag, id string, p Pos) {
		if id == "" {
			return
		}
		if s, ok := ids[id]; ok {
			c.errorf(p, tag, id, "duplicate id: already used by the %s at %d:%d", s.tag, s.Line, s.Column)
			return
		}
		ids[id] = seen{tag, p}
	}
	d := c.defs
	for _, m := range d.Messages {
		use("message", m.ID, m.Pos)
	}
	for _, e := range d.Errors {
		use("error", e.ID, e.Pos)
	}
	for _, e := range d.Escalations {
		use("escalation", e.ID, e.Pos)
	}
	for _, s := range d.Signals {
		use("signal", s.ID, s.Pos)
	}
	for _, co := range d.Collaborations {
		use("collaboration", co.ID, co.Pos)
		for _, p := range co.Participants {
			use("participant", p.ID, p.Pos)
		}
		for _, f := range co.MessageFlows {
			use("messageFlow", f.ID, f.Pos)
		}
	}
	var walk func([]*Element)
	walk = func(els []*Element) {
		for _, el := range els {
			use(el.Tag, el.ID, el.Pos)
			for _, ed := range el.EventDefinitions {
				use(ed.Tag, ed.ID, ed.Pos)
			}
			walk(el.Children)
		}
	}
	for _, p := range d.Processes {
		use("process", p.ID, p.Pos)
		walk(p.Elements)
	}
}

// builder builds one process graph.
type builder struct {
	c     *compiler
	g     *Graph
	el    map[*Node]*Element
	flows []flowRef
	assoc []*Element
	// rejected are ids of unsupported elements, already reported; flows to
	// them are not reported again.
	rejected map[string]bool
}

type flowRef struct {
	f     *Flow
	el    *Element
	scope *Node
}

func (c *compiler) process(p *Process) *Graph {
	root := &Node{ID: p.ID, Name: p.Name, Kind: KindProcess, Tag: "process", Line: p.Line, Column: p.Column,
		Properties:         slices.Clone(p.Extensions.Properties),
		ExecutionListeners: slices.Clone(p.Extensions.ExecutionListeners)}
	g := &Graph{
		ProcessID: p.ID, Name: p.Name, VersionTag: p.VersionTag, Process: root,
		Nodes: []*Node{root}, ByID: map[string]*Node{p.ID: root}, FlowByID: map[string]*Flow{},
		Messages: map[string]*Message{}, Errors: map[string]*ErrorDef{},
		Escalations: map[string]*Escalation{}, Signals: map[string]*Signal{},
	}
	if p.ID == "" {
		c.nodeErrorf(root, "process has no id")
	}
	b := &builder{c: c, g: g, el: map[*Node]*Element{}, rejected: map[string]bool{}}
	b.scope(root, p.Elements)
	b.resolveFlows()
	for _, n := range g.Nodes[1:] {
		b.configure(n, b.el[n])
	}
	b.resolveAssociations()
	for _, n := range g.Nodes {
		b.validate(n)
	}
	b.links()
	b.checkStatic()
	b.compileExpressions()
	return g
}

// scope creates the nodes of the elements directly inside scope, then
// recurses into subprocesses.
func (b *builder) scope(scope *Node, elems []*Element) {
	for _, el := range elems {
		switch {
		case el.Kind == KindSequenceFlow:
			f := &Flow{ID: el.ID, Name: el.Name, Line: el.Line, Column: el.Column}
			if el.ID == "" {
				b.c.errorf(el.Pos, el.Tag, "", "no id")
			}
			if el.Condition != nil && !el.Condition.IsZero() {
				x := *el.Condition
				f.Condition = &x
			}
			b.flows = append(b.flows, flowRef{f, el, scope})
			b.g.Flows = append(b.g.Flows, f)
			if el.ID != "" {
				b.g.FlowByID[el.ID] = f
			}
		case el.Kind == "":
			if el.Tag == "association" {
				b.assoc = append(b.assoc, el)
			} else if msg := unsupportedTags[el.Tag]; msg != "" {
				b.c.errorf(el.Pos, el.Tag, el.ID, "%s", msg)
				b.rejected[el.ID] = true
			}
		default:
			n := &Node{ID: el.ID, Name: el.Name, Kind: el.Kind, Tag: el.Tag, Line: el.Line, Column: el.Column, Scope: scope}
			if el.ID == "" {
				b.c.nodeErrorf(n, "no id")
			} else if _, dup := b.g.ByID[el.ID]; !dup {
				b.g.ByID[el.ID] = n
			}
			b.el[n] = el
			b.g.Nodes = append(b.g.Nodes, n)
			scope.Children = append(scope.Children, n)
			if el.Kind.IsScope() {
				b.scope(n, el.Children)
			}
		}
	}
}

// resolveFlows connects each sequence flow to its source and target.
func (b *builder) resolveFlows() {
	for _, r := range b.flows {
		src := b.ref(r, "sourceRef", r.el.SourceRef)
		tgt := b.ref(r, "targetRef", r.el.TargetRef)
		if src == nil || tgt == nil {
			continue
		}
		if src.Scope != r.scope || tgt.Scope != r.scope {
			b.c.errorf(r.el.Pos, "sequenceFlow", r.el.ID, "connects %q and %q, which are not both in the scope of the flow (%q)",
				src.ID, tgt.ID, r.scope.ID)
			continue
		}
		r.f.Source, r.f.Target = src, tgt
		src.Outgoing = append(src.Outgoing, r.f)
		tgt.Incoming = append(tgt.Incoming, r.f)
	}
}

func (b *builder) ref(r flowRef, attr, id string) *Node {
	if id == "" {
		b.c.errorf(r.el.Pos, "sequenceFlow", r.el.ID, "no %s", attr)
		return nil
	}
	n := b.g.ByID[id]
	if n == nil && b.rejected[id] {
		return nil
	}
	if n == nil || n.Kind == KindProcess {
		b.c.errorf(r.el.Pos, "sequenceFlow", r.el.ID, "%s %q is not an element of process %q", attr, id, b.g.ProcessID)
		return nil
	}
	return n
}

// resolveAssociations links compensation boundary events to their handlers.
func (b *builder) resolveAssociations() {
	for _, a := range b.assoc {
		src, tgt := b.g.ByID[a.AssociationSource], b.g.ByID[a.AssociationTarget]
		if src == nil || tgt == nil || src.Event != EventCompensation || src.Kind != KindBoundaryEvent {
			continue // an annotation's association, or another artifact
		}
		if !tgt.IsForCompensation {
			b.c.errorf(a.Pos, "association", a.ID, "compensation handler %q is not marked isForCompensation=\"true\"", tgt.ID)
		}
		src.CompensationHandler = tgt
	}
}

package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// gen turns the FEEL AST into expr source text. Every FEEL operator becomes
// a call to one of this package's run-time functions (runtime.go), whose
// last argument is the index of the sub-expression's span, so that a
// failure can name it. Literal values that expr cannot spell (decimals,
// temporal literals) are emitted as _k(i) and patched into constants.
type gen struct {
	src    string
	b      *strings.Builder
	spans  []pos
	consts []any
	vars   map[string]bool
	scopes []scope
	tmp    int

	// Inside loops and filters, variables are read once, before the
	// outermost one, into let-bound identifiers: a Vars.Get per item
	// could be a state lookup each.
	loopDepth int
	hoisted   []hoistedVar
}

type hoistedVar struct{ name, ident string }

// scope is one level of name binding: a name bound to an expr identifier
// (loop variable, context entry) or, for a filter, the current item, whose
// fields are visible as bare names.
type scope struct {
	item  bool
	name  string // FEEL name (bound scopes)
	ident string // expr identifier
}

func (g *gen) w(parts ...string) {
	for _, p := range parts {
		g.b.WriteString(p)
	}
}

// at records n's span and returns its index as expr source.
func (g *gen) at(n node) string {
	s, e := n.span()
	g.spans = append(g.spans, pos{s, e})
	return strconv.Itoa(len(g.spans) - 1)
}

func (g *gen) ident(prefix string) string {
	g.tmp++
	return prefix + strconv.Itoa(g.tmp)
}

func (g *gen) constant(v any) {
	g.consts = append(g.consts, v)
	g.w("_k(", strconv.Itoa(len(g.consts)-1), ")")
}

// call writes fn(args..., at).
func (g *gen) call(fn string, at node, args ...node) error {
	g.w(fn, "(")
	for _, a := range args {
		if err := g.node(a); err != nil {
			return err
		}
		g.w(", ")
	}
	g.w(g.at(at), ")")
	return nil
}

func (g *gen) notSupported(n node, what string) error {
	s, _ := n.span()
	return &NotSupportedError{Column: column(g.src, s), Construct: what}
}

var binaryFuncs = map[string]string{
	"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "**": "_pow",
	"=": "_eq", "!=": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge",
}

func (g *gen) node(n node) error {
	switch n := n.(type) {
	case *numLit:
		return g.number(n)
	case *strLit:
		g.w(strconv.Quote(n.val))
	case *boolLit:
		g.w(strconv.FormatBool(n.val))
	case *nullLit:
		g.w("nil")
	case *temporalLit:
		return g.temporal(n)
	case *nameRef:
		return g.name(n)
	case *pathExpr:
		if g.varPath(n) {
			return nil
		}
		g.w("_get(")
		if err := g.node(n.x); err != nil {
			return err
		}
		g.w(", ", strconv.Quote(n.name), ", ", g.at(n), ")")
	case *unaryExpr:
		if lit, ok := n.x.(*numLit); ok {
			return g.number(&numLit{n.pos, "-" + lit.text})
		}
		return g.call("_neg", n, n.x)
	case *binaryExpr:
		return g.binary(n)
	case *betweenExpr:
		return g.call("_between", n, n.x, n.lo, n.hi)
	case *inExpr:
		return g.in(n)
	case *unaryTest:
		return g.notSupported(n, "a unary test outside 'in'")
	case *rangeLit:
		return g.rangeLit(n)
	case *listLit:
		return g.list(n)
	case *ctxLit:
		return g.context(n)
	case *ifExpr:
		return g.ifExpr(n)
	case *filterExpr:
		return g.filter(n)
	case *forExpr:
		return g.loop(n.vars, n.ins, n.body, "", n)
	case *quantExpr:
		fn := "_some"
		if n.every {
			fn = "_every"
		}
		return g.loop(n.vars, n.ins, n.cond, fn, n)
	case *instanceOf:
		g.w("_instance(")
		if err := g.node(n.x); err != nil {
			return err
		}
		g.w(", ", strconv.Quote(n.typ), ")")
	case *callExpr:
		return g.callBuiltin(n)
	default:
		return fmt.Errorf("expr: internal error: no code for %T", n)
	}
	return nil
}

func (g *gen) rangeLit(n *rangeLit) error {
	g.w("_range(")
	for _, x := range []node{n.lo, n.hi} {
		if err := g.node(x); err != nil {
			return err
		}
		g.w(", ")
	}
	g.w(strconv.FormatBool(n.loOpen), ", ", strconv.FormatBool(n.hiOpen), ", ", g.at(n), ")")
	return nil
}

func (g *gen) list(n *listLit) error {
	g.w("[")
	for i, x := range n.items {
		if i > 0 {
			g.w(", ")
		}
		if err := g.node(x); err != nil {
			return err
		}
	}
	g.w("]")
	return nil
}

func (g *gen) number(n *numLit) error {
	if i, err := strconv.ParseInt(n.text, 10, 64); err == nil && i > -1<<31 && i < 1<<31 {
		if i < 0 {
			g.w("(", strconv.FormatInt(i, 10), ")")
		} else {
			g.w(strconv.FormatInt(i, 10))
		}
		return nil
	}
	v, ok := parseNumber(n.text)
	if !ok {
		return g.notSupported(n, "the number "+n.text)
	}
	g.constant(v)
	return nil
}

func (g *gen) temporal(n *temporalLit) error {
	v, err := parseTemporal(n.text)
	if err != nil {
		s, _ := n.span()
		return &SyntaxError{Column: column(g.src, s), Msg: err.Error()}
	}
	g.constant(v)
	return nil
}

// name resolves a bare name against the scopes, innermost first; a name no
// scope binds is a variable.
func (g *gen) name(n *nameRef) error {
	if n.name == "partial" && g.inLoop() && !g.bound(n.name) {
		return g.notSupported(n, "'partial' in a for loop")
	}
	g.resolve(n, len(g.scopes)-1)
	return nil
}

func (g *gen) bound(name string) bool {
	for _, s := range g.scopes {
		if !s.item && s.name == name {
			return true
		}
	}
	return false
}

func (g *gen) inLoop() bool {
	for _, s := range g.scopes {
		if strings.HasPrefix(s.ident, "_f") {
			return true
		}
	}
	return false
}

func (g *gen) resolve(n *nameRef, i int) {
	for ; i >= 0; i-- {
		s := g.scopes[i]
		switch {
		case !s.item && s.name == n.name:
			g.w(s.ident)
			return
		case s.item && n.name == "item":
			g.w(s.ident)
			return
		case s.item && !g.shadowedBelow(n.name, i):
			// a field of the current item, else the variable: one call
			g.w("_fieldOr(", s.ident, ", ", strconv.Quote(n.name), ", ", g.variable(n.name), ")")
			return
		case s.item:
			// a field of the current item, else whatever the name means outside
			key := strconv.Quote(n.name)
			g.w("(_has(", s.ident, ", ", key, ") ? _get(", s.ident, ", ", key, ", ", g.at(n), ") : ")
			g.resolve(n, i-1)
			g.w(")")
			return
		}
	}
	g.w(g.variable(n.name))
}

// variable is the code that reads the variable name: a call, or inside a
// loop the identifier it was read into before the loop.
func (g *gen) variable(name string) string {
	g.vars[name] = true
	if g.loopDepth == 0 {
		return "_var($env, " + strconv.Quote(name) + ")"
	}
	for _, h := range g.hoisted {
		if h.name == name {
			return h.ident
		}
	}
	id := g.ident("_v")
	g.hoisted = append(g.hoisted, hoistedVar{name, id})
	return id
}

// looping generates a loop or filter with body; at the outermost one it
// puts the reads of the variables used inside in front.
func (g *gen) looping(body func() error) error {
	g.loopDepth++
	defer func() { g.loopDepth-- }()
	if g.loopDepth > 1 {
		return body()
	}
	outer := g.b
	g.b = &strings.Builder{}
	err := body()
	inner := g.b.String()
	g.b = outer
	if err != nil {
		return err
	}
	if len(g.hoisted) == 0 {
		g.w(inner)
		return nil
	}
	g.w("(")
	for _, h := range g.hoisted {
		g.w("let ", h.ident, " = _var($env, ", strconv.Quote(h.name), "); ")
	}
	g.w(inner, ")")
	g.hoisted = nil
	return nil
}

// varPath writes a.b.c, where a is a variable, as one call
// _varPath($env, at, "a", "b", "c"): paths on variables are most of what
// conditions read, and one call is cheaper than one per step.
func (g *gen) varPath(n *pathExpr) bool {
	keys := []string{n.name}
	x := n.x
	for {
		p, ok := x.(*pathExpr)
		if !ok {
			break
		}
		keys = append(keys, p.name)
		x = p.x
	}
	ref, ok := x.(*nameRef)
	if !ok || len(g.scopes) > 0 && g.shadowed(ref.name) {
		return false
	}
	if g.loopDepth > 0 {
		g.w("_path(", g.variable(ref.name), ", ", g.at(n))
	} else {
		g.vars[ref.name] = true
		g.w("_varPath($env, ", g.at(n), ", ", strconv.Quote(ref.name))
	}
	for i := len(keys) - 1; i >= 0; i-- {
		g.w(", ", strconv.Quote(keys[i]))
	}
	g.w(")")
	return true
}

// shadowed reports whether a name may mean something other than a
// variable here: a loop variable, a context entry, or a field of a
// filter's item.
func (g *gen) shadowed(name string) bool {
	for _, s := range g.scopes {
		if s.item || s.name == name {
			return true
		}
	}
	return false
}

// shadowedBelow reports whether a scope outside scope i may give name a
// meaning other than a variable.
func (g *gen) shadowedBelow(name string, i int) bool {
	for _, s := range g.scopes[:i] {
		if s.item || s.name == name {
			return true
		}
	}
	return false
}

func (g *gen) binary(n *binaryExpr) error {
	switch n.op {
	case "and", "or":
		// short-circuit on false (and) / true (or), then FEEL's three-valued table
		t := g.ident("_t")
		stop, fn := "false", "_and"
		if n.op == "or" {
			stop, fn = "true", "_or"
		}
		g.w("(let ", t, " = ")
		if err := g.untyped(n.l); err != nil {
			return err
		}
		g.w("; ", t, " == ", stop, " ? ", stop, " : ", fn, "(", t, ", ")
		if err := g.node(n.r); err != nil {
			return err
		}
		g.w("))")
		return nil
	}
	return g.call(binaryFuncs[n.op], n, n.l, n.r)
}

// untyped writes n so that expr's type checker sees it as any: a literal
// number or string compared with == false would not compile.
func (g *gen) untyped(n node) error {
	switch n.(type) {
	case *numLit, *strLit, *listLit, *ctxLit, *temporalLit, *unaryExpr:
		g.w("_any(")
		defer g.w(")")
	}
	return g.node(n)
}

func (g *gen) in(n *inExpr) error {
	t := g.ident("_t")
	g.w("(let ", t, " = ")
	if err := g.node(n.x); err != nil {
		return err
	}
	g.w("; _anyTrue(")
	for i, test := range n.tests {
		if i > 0 {
			g.w(", ")
		}
		fn, x := "_inTest", test
		if ut, ok := test.(*unaryTest); ok {
			fn, x = binaryFuncs[ut.op], ut.x
		}
		g.w(fn, "(", t, ", ")
		if err := g.node(x); err != nil {
			return err
		}
		g.w(", ", g.at(test), ")")
	}
	g.w("))")
	return nil
}

func (g *gen) ifExpr(n *ifExpr) error {
	g.w("(_true(")
	if err := g.node(n.cond); err != nil {
		return err
	}
	g.w(") ? ")
	if err := g.node(n.then); err != nil {
		return err
	}
	g.w(" : ")
	if err := g.node(n.els); err != nil {
		return err
	}
	g.w(")")
	return nil
}

package expr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// context writes a context literal; each entry sees the entries before it
// ({a: 1, b: a + 1}).
func (g *gen) context(n *ctxLit) error {
	if len(n.keys) == 0 {
		g.w("{}")
		return nil
	}
	depth := len(g.scopes)
	defer func() { g.scopes = g.scopes[:depth] }()
	idents := make([]string, len(n.keys))
	g.w("(")
	for i, key := range n.keys {
		idents[i] = g.ident("_c")
		g.w("let ", idents[i], " = ")
		if err := g.node(n.vals[i]); err != nil {
			return err
		}
		g.w("; ")
		g.scopes = append(g.scopes, scope{name: key, ident: idents[i]})
	}
	g.w("{")
	for i, key := range n.keys {
		if i > 0 {
			g.w(", ")
		}
		g.w(strconv.Quote(key), ": ", idents[i])
	}
	g.w("})")
	return nil
}

// filter writes xs[cond]: a literal integer is an index; anything else is
// evaluated per item (as item, and with the item's fields as bare names),
// and _filter decides from the results whether it was a condition or an
// index computed from variables.
func (g *gen) filter(n *filterExpr) error {
	if idx, ok := literalInt(n.cond); ok {
		g.w("_index(")
		if err := g.node(n.x); err != nil {
			return err
		}
		g.w(", ", strconv.FormatInt(idx, 10), ", ", g.at(n), ")")
		return nil
	}
	return g.looping(func() error {
		l, it := g.ident("_l"), g.ident("_i")
		g.w("(let ", l, " = _list(")
		if err := g.node(n.x); err != nil {
			return err
		}
		g.w("); ", l, " == nil ? nil : _filter(", l, ", map(", l, ", let ", it, " = #; ")
		g.scopes = append(g.scopes, scope{item: true, ident: it})
		err := g.node(n.cond)
		g.scopes = g.scopes[:len(g.scopes)-1]
		if err != nil {
			return err
		}
		g.w("), ", g.at(n.cond), "))")
		return nil
	})
}

func literalInt(n node) (int64, bool) {
	neg := false
	if u, ok := n.(*unaryExpr); ok {
		n, neg = u.x, true
	}
	lit, ok := n.(*numLit)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(lit.text, 10, 64)
	if neg {
		i = -i
	}
	return i, err == nil
}

// loop writes for/some/every: nested maps over the iteration lists, one per
// variable, flattened so that "for a in as, b in bs" gives one flat list.
// fn is applied to that list (_flat for for, _some or _every).
func (g *gen) loop(vars []string, ins []node, body node, fn string, n node) error {
	return g.looping(func() error {
		depth := len(g.scopes)
		defer func() { g.scopes = g.scopes[:depth] }()
		g.w(fn, "(")
		for k := range vars {
			if k < len(vars)-1 {
				g.w("_flat(")
			}
			g.w("map(_iter(")
			if err := g.node(ins[k]); err != nil {
				return err
			}
			id := g.ident("_f")
			g.w(", ", g.at(ins[k]), "), let ", id, " = #; ")
			g.scopes = append(g.scopes, scope{name: vars[k], ident: id})
		}
		if err := g.node(body); err != nil {
			return err
		}
		for k := range vars {
			g.w(")")
			if k < len(vars)-1 {
				g.w(")")
			}
		}
		g.w(")")
		return nil
	})
}

// callBuiltin writes a call of a built-in function, putting named arguments
// in their positions.
func (g *gen) callBuiltin(n *callExpr) error {
	fn := builtins[n.fn]
	args := n.args
	if n.names != nil {
		var err error
		if args, err = g.namedArgs(n, fn); err != nil {
			return err
		}
	}
	if len(args) < fn.min || (fn.max >= 0 && len(args) > fn.max) {
		s, _ := n.span()
		return &SyntaxError{Column: column(g.src, s), Msg: fmt.Sprintf("%s() takes %s, not %d", n.fn, fn.arity(), len(args))}
	}
	if err := g.checkPattern(n, fn, args); err != nil {
		return err
	}
	g.w(fn.ident(), "(", g.at(n))
	if fn.env {
		g.w(", $env")
	}
	for _, a := range args {
		g.w(", ")
		if a == nil {
			g.w("nil")
			continue
		}
		if err := g.node(a); err != nil {
			return err
		}
	}
	g.w(")")
	return nil
}

// checkPattern rejects an invalid literal regular expression at compile
// time, so that it fails at deployment rather than at run time.
func (g *gen) checkPattern(n *callExpr, fn *builtin, args []node) error {
	k := paramIndex(fn.params, "pattern")
	if n.fn == "split" {
		k = paramIndex(fn.params, "delimiter")
	}
	if k < 0 || k >= len(args) {
		return nil
	}
	lit, ok := args[k].(*strLit)
	if !ok {
		return nil
	}
	if _, err := compileRegex(lit.val); err != nil {
		s, _ := lit.span()
		return &SyntaxError{Column: column(g.src, s), Msg: n.fn + "(): " + err.Error()}
	}
	return nil
}

func (g *gen) namedArgs(n *callExpr, fn *builtin) ([]node, error) {
	args := make([]node, len(fn.params))
	last := -1
	for i, name := range n.names {
		k := paramIndex(fn.params, name)
		if k < 0 {
			s, _ := n.args[i].span()
			return nil, &SyntaxError{Column: column(g.src, s), Msg: fmt.Sprintf("%s() has no parameter '%s' (it has: %s)", n.fn, name, strings.Join(fn.params, ", "))}
		}
		args[k] = n.args[i]
		last = max(last, k)
	}
	args = args[:last+1]
	for k := 0; k < fn.min && k < len(args); k++ {
		if args[k] == nil {
			s, _ := n.span()
			return nil, &SyntaxError{Column: column(g.src, s), Msg: fmt.Sprintf("%s() needs the parameter '%s'", n.fn, fn.params[k])}
		}
	}
	return args, nil
}

// paramIndex finds a parameter by name; "a|b" lists two names for one
// position (date(from) and date(year, month, day)).
func paramIndex(params []string, name string) int {
	for i, p := range params {
		for _, alt := range strings.Split(p, "|") {
			if alt == name {
				return i
			}
		}
	}
	return -1
}

// parseNumber reads a numeric literal: int64 when it fits, fixed when it
// is a small fraction, else a decimal.
func parseNumber(text string) (any, bool) {
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return i, true
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return nil, false
	}
	return decValue(d), true
}

// parseTemporal reads the text of @"..." as a duration, date and time, time
// or date, by its shape.
func parseTemporal(s string) (any, error) {
	switch {
	case strings.HasPrefix(s, "P"), strings.HasPrefix(s, "-P"):
		return parseDuration(s)
	case strings.Contains(s, "T"):
		return parseDateTime(s)
	case strings.Contains(s, ":"):
		return parseTime(s)
	}
	return parseDate(s)
}

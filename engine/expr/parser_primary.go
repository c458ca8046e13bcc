package expr

import "strings"

func (p *parser) postfix() (node, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	s, _ := x.span()
	for {
		t := p.peek()
		switch {
		case t.is("."):
			p.next()
			name, end, err := p.pathName()
			if err != nil {
				return nil, err
			}
			x = &pathExpr{pos{s, end}, x, name}
		case t.is("[") && !p.rangeEnd:
			p.next()
			c, err := p.expr()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect("]", "']'"); err != nil {
				return nil, err
			}
			x = &filterExpr{pos{s, p.prevEnd()}, x, c}
		case t.is("("):
			return nil, p.notSupported(t, "calling a value that is not a built-in function")
		default:
			return x, nil
		}
	}
}

// pathName reads the name after "." in a path; a few temporal and range
// properties have two words ("time offset").
func (p *parser) pathName() (string, int, error) {
	n := p.next()
	if n.kind != tokName {
		return "", 0, p.unexpected(n, "a name after '.'")
	}
	if !n.quoted {
		for _, prop := range multiWordProperties {
			first, rest, _ := strings.Cut(prop, " ")
			if n.text == first && p.peek().kind == tokName && p.peek().text == rest {
				return prop, p.next().end, nil
			}
		}
	}
	return n.text, n.end, nil
}

// nonDeterministicFuncs are FEEL built-ins Shoal refuses: the engine
// evaluates on every replica, which must all get the same result.
var nonDeterministicFuncs = []string{"random number", "uuid"}

// multiWordProperties are the properties of temporal values and ranges
// whose names have a space (all of them two words).
var multiWordProperties = []string{"time offset", "start included", "end included"}

func (p *parser) primary() (node, error) {
	t := p.peek()
	switch t.kind {
	case tokNumber:
		p.next()
		return &numLit{pos{t.pos, t.end}, t.text}, nil
	case tokString:
		p.next()
		return &strLit{pos{t.pos, t.end}, t.text}, nil
	case tokTemporal:
		p.next()
		return &temporalLit{pos{t.pos, t.end}, t.text}, nil
	case tokName:
		return p.name()
	case tokOp:
		switch t.text {
		case "(":
			return p.paren()
		case "[":
			return p.bracket()
		case "]":
			p.next()
			return p.rangeRest(t.pos, nil, true)
		case "{":
			return p.context()
		}
	}
	return nil, p.unexpected(t, "an expression")
}

// name parses a literal keyword, a variable, or a call of a built-in
// function whose name may have spaces ("string length(x)").
func (p *parser) name() (node, error) {
	t := p.peek()
	if !t.quoted {
		for _, fn := range multiWordFuncs {
			if k := p.matchWords(fn); k > 0 && p.at(k).is("(") {
				p.i += k
				return p.call(t.pos, fn)
			}
		}
		switch t.text {
		case "true", "false":
			p.next()
			return &boolLit{pos{t.pos, t.end}, t.text == "true"}, nil
		case "null":
			p.next()
			return &nullLit{pos{t.pos, t.end}}, nil
		case "if", "then", "else", "return", "satisfies":
			return nil, p.unexpected(t, "an expression")
		}
	}
	for _, fn := range nonDeterministicFuncs {
		if k := p.matchWords(fn); k > 0 && p.at(k).is("(") {
			return nil, p.notSupported(t, fn+"() (its result would differ between replicas)")
		}
	}
	p.next()
	if p.peek().is("(") && !t.quoted {
		if _, ok := builtins[t.text]; !ok {
			return nil, &SyntaxError{Column: column(p.src, t.pos), Msg: "unknown function '" + t.text + "'"}
		}
		return p.call(t.pos, t.text)
	}
	return &nameRef{pos{t.pos, t.end}, t.text}, nil
}

// call parses the argument list of fn; the current token is "(".
func (p *parser) call(start int, fn string) (node, error) {
	p.next()
	c := &callExpr{fn: fn}
	for !p.peek().is(")") {
		if len(c.args) > 0 {
			if _, err := p.expect(",", "',' or ')'"); err != nil {
				return nil, err
			}
		}
		name, named := p.paramName()
		if len(c.args) > 0 && named != (c.names != nil) {
			return nil, &SyntaxError{Column: column(p.src, p.peek().pos), Msg: "mixed named and positional arguments"}
		}
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		if named {
			c.names = append(c.names, name)
		}
	}
	p.next()
	c.pos = pos{start, p.prevEnd()}
	return c, nil
}

// paramName consumes "start position:" of a named argument, if there is one.
func (p *parser) paramName() (string, bool) {
	k := 0
	for p.at(k).kind == tokName {
		k++
	}
	if k == 0 || !p.at(k).is(":") {
		return "", false
	}
	words := make([]string, k)
	for j := range k {
		words[j] = p.at(j).text
	}
	p.i += k + 1
	return strings.Join(words, " "), true
}

// paren parses "(e)" or the range "(a..b]".
func (p *parser) paren() (node, error) {
	start := p.next().pos
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek().is("..") {
		return p.rangeRest(start, x, true)
	}
	if _, err := p.expect(")", "')'"); err != nil {
		return nil, err
	}
	return x, nil
}

// bracket parses a list "[a, b]" or the range "[a..b]".
func (p *parser) bracket() (node, error) {
	start := p.next().pos
	l := &listLit{}
	if p.peek().is("]") {
		p.next()
		l.pos = pos{start, p.prevEnd()}
		return l, nil
	}
	first, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek().is("..") {
		return p.rangeRest(start, first, false)
	}
	l.items = append(l.items, first)
	for p.peek().is(",") {
		p.next()
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		l.items = append(l.items, x)
	}
	if _, err := p.expect("]", "',' or ']'"); err != nil {
		return nil, err
	}
	l.pos = pos{start, p.prevEnd()}
	return l, nil
}

// rangeRest parses "..b]" (or "..b)", "..b[") after the start of a range.
// lo is nil when the start bracket has not been followed by a value yet.
func (p *parser) rangeRest(start int, lo node, loOpen bool) (node, error) {
	var err error
	if lo == nil {
		if lo, err = p.additive(); err != nil {
			return nil, err
		}
	}
	if _, err := p.expect("..", "'..'"); err != nil {
		return nil, err
	}
	p.rangeEnd = true
	hi, err := p.additive()
	p.rangeEnd = false
	if err != nil {
		return nil, err
	}
	t := p.next()
	var hiOpen bool
	switch {
	case t.is("]"):
	case t.is(")"), t.is("["):
		hiOpen = true
	default:
		return nil, p.unexpected(t, "']', ')' or '[' to end the range")
	}
	return &rangeLit{pos{start, t.end}, lo, hi, loOpen, hiOpen}, nil
}

// context parses "{a: 1, "b c": 2, first name: 3}".
func (p *parser) context() (node, error) {
	start := p.next().pos
	c := &ctxLit{}
	for !p.peek().is("}") {
		if len(c.keys) > 0 {
			if _, err := p.expect(",", "',' or '}'"); err != nil {
				return nil, err
			}
		}
		key, err := p.contextKey()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(":", "':'"); err != nil {
			return nil, err
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		if contains(c.keys, key) {
			return nil, &SyntaxError{Column: column(p.src, start), Msg: "duplicate context key '" + key + "'"}
		}
		c.keys, c.vals = append(c.keys, key), append(c.vals, v)
	}
	p.next()
	c.pos = pos{start, p.prevEnd()}
	return c, nil
}

func (p *parser) contextKey() (string, error) {
	t := p.peek()
	if t.kind == tokString {
		p.next()
		return t.text, nil
	}
	var words []string
	for p.peek().kind == tokName {
		words = append(words, p.next().text)
	}
	if len(words) == 0 {
		return "", p.unexpected(t, "a context key")
	}
	return strings.Join(words, " "), nil
}

package expr

import (
	"strings"
)

// parser is a recursive-descent FEEL parser over a token slice. Precedence,
// lowest first: if/for/some/every, or, and, comparison (= != < <= > >=,
// between, in, instance of), + -, * /, **, unary -, postfix (. [] ()).
type parser struct {
	src   string
	toks  []token
	i     int
	depth int
	// rangeEnd is set while parsing the end of a range, where "[" closes
	// the range ("[1..10[") instead of starting a filter.
	rangeEnd bool
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 200

func parse(src string) (node, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t, "an operator or the end of the expression")
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) at(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}
func (p *parser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].end
}

func (p *parser) unexpected(t token, expected string) error {
	return &SyntaxError{Column: column(p.src, t.pos), Msg: "unexpected " + t.String(), Expected: expected}
}

func (p *parser) expect(op, what string) (token, error) {
	t := p.peek()
	if !t.is(op) {
		return t, p.unexpected(t, what)
	}
	return p.next(), nil
}

func (p *parser) notSupported(t token, construct string) error {
	return &NotSupportedError{Column: column(p.src, t.pos), Construct: construct}
}

// expr parses a full expression, including if, for, some and every.
func (p *parser) expr() (node, error) {
	p.depth++
	saved := p.rangeEnd
	p.rangeEnd = false
	defer func() { p.depth--; p.rangeEnd = saved }()
	t := p.peek()
	if p.depth > maxDepth {
		return nil, &SyntaxError{Column: column(p.src, t.pos), Msg: "expression nested too deeply"}
	}
	if t.kind == tokName && !t.quoted {
		switch {
		case t.text == "if":
			return p.ifExpr()
		case t.text == "for" && p.at(1).kind == tokName && p.at(2).is("in"):
			return p.forExpr()
		case (t.text == "some" || t.text == "every") && p.at(1).kind == tokName && p.at(2).is("in"):
			return p.quantExpr()
		case t.text == "function" && p.at(1).is("("):
			return nil, p.notSupported(t, "a function definition")
		}
	}
	return p.or()
}

func (p *parser) ifExpr() (node, error) {
	start := p.next().pos
	c, err := p.expr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect("then", "'then'"); err != nil {
		return nil, err
	}
	a, err := p.expr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect("else", "'else'"); err != nil {
		return nil, err
	}
	b, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &ifExpr{pos{start, p.prevEnd()}, c, a, b}, nil
}

// iterators parses "a in as, b in bs" up to the keyword end.
func (p *parser) iterators(end string) ([]string, []node, error) {
	var vars []string
	var ins []node
	for {
		t := p.next()
		if t.kind != tokName {
			return nil, nil, p.unexpected(t, "a name")
		}
		if _, err := p.expect("in", "'in'"); err != nil {
			return nil, nil, err
		}
		x, err := p.or()
		if err != nil {
			return nil, nil, err
		}
		if p.peek().is("..") { // for i in 1..3
			p.next()
			hi, err := p.or()
			if err != nil {
				return nil, nil, err
			}
			s, _ := x.span()
			x = &rangeLit{pos: pos{s, p.prevEnd()}, lo: x, hi: hi}
		}
		vars, ins = append(vars, t.text), append(ins, x)
		if !p.peek().is(",") {
			break
		}
		p.next()
	}
	if _, err := p.expect(end, "',' or '"+end+"'"); err != nil {
		return nil, nil, err
	}
	return vars, ins, nil
}

func (p *parser) forExpr() (node, error) {
	start := p.next().pos
	vars, ins, err := p.iterators("return")
	if err != nil {
		return nil, err
	}
	body, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &forExpr{pos{start, p.prevEnd()}, vars, ins, body}, nil
}

func (p *parser) quantExpr() (node, error) {
	t := p.next()
	vars, ins, err := p.iterators("satisfies")
	if err != nil {
		return nil, err
	}
	c, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &quantExpr{pos{t.pos, p.prevEnd()}, t.text == "every", vars, ins, c}, nil
}

func (p *parser) or() (node, error)  { return p.logical("or", p.and) }
func (p *parser) and() (node, error) { return p.logical("and", p.comparison) }

func (p *parser) logical(op string, operand func() (node, error)) (node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.peek().is(op) {
		p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		s, _ := l.span()
		l = &binaryExpr{pos{s, p.prevEnd()}, op, l, r}
	}
	return l, nil
}

func isComparison(t token) bool {
	if t.kind != tokOp {
		return false
	}
	switch t.text {
	case "=", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func (p *parser) comparison() (node, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	s, _ := l.span()
	t := p.peek()
	switch {
	case isComparison(t):
		p.next()
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &binaryExpr{pos{s, p.prevEnd()}, t.text, l, r}, nil
	case t.is("between"):
		p.next()
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect("and", "'and'"); err != nil {
			return nil, err
		}
		hi, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &betweenExpr{pos{s, p.prevEnd()}, l, lo, hi}, nil
	case t.is("in"):
		p.next()
		tests, err := p.positiveTests()
		if err != nil {
			return nil, err
		}
		return &inExpr{pos{s, p.prevEnd()}, l, tests}, nil
	case t.is("instance") && p.at(1).is("of"):
		p.next()
		p.next()
		typ, err := p.typeName()
		if err != nil {
			return nil, err
		}
		return &instanceOf{pos{s, p.prevEnd()}, l, typ}, nil
	}
	return l, nil
}

// positiveTests parses the right side of "in": one test, or a parenthesized
// list of tests "(1, 2, > 5)". "(1..10]" is a range, not a list.
func (p *parser) positiveTests() ([]node, error) {
	if !p.peek().is("(") {
		t, err := p.positiveTest()
		return []node{t}, err
	}
	save := p.i
	p.next()
	first, err := p.positiveTest()
	if err == nil && p.peek().is("..") {
		p.i = save
		t, err := p.positiveTest()
		return []node{t}, err
	}
	if err != nil {
		return nil, err
	}
	tests := []node{first}
	for p.peek().is(",") {
		p.next()
		t, err := p.positiveTest()
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	if _, err := p.expect(")", "',' or ')'"); err != nil {
		return nil, err
	}
	return tests, nil
}

func (p *parser) positiveTest() (node, error) {
	t := p.peek()
	if isComparison(t) {
		p.next()
		x, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &unaryTest{pos{t.pos, p.prevEnd()}, t.text, x}, nil
	}
	return p.additive()
}

// typeNames are the type names "instance of" accepts.
var typeNames = []string{"years and months duration", "days and time duration", "date and time",
	"number", "string", "boolean", "date", "time", "list", "context", "Any", "Null", "range"}

func (p *parser) typeName() (string, error) {
	for _, name := range typeNames {
		if k := p.matchWords(name); k > 0 {
			if p.at(k).is("<") {
				return "", p.notSupported(p.at(k), "a parameterized type")
			}
			p.i += k
			return name, nil
		}
	}
	return "", p.unexpected(p.peek(), "a type name")
}

// matchWords reports how many tokens spell the (possibly multi-word) name
// starting at the current token, or 0.
func (p *parser) matchWords(name string) int {
	words := strings.Split(name, " ")
	for k, w := range words {
		t := p.at(k)
		if t.kind != tokName || t.quoted || t.text != w {
			return 0
		}
	}
	return len(words)
}

func (p *parser) additive() (node, error) {
	return p.binary(p.multiplicative, "+", "-")
}

func (p *parser) multiplicative() (node, error) {
	return p.binary(p.power, "*", "/")
}

func (p *parser) power() (node, error) {
	return p.binary(p.unary, "**")
}

func (p *parser) binary(operand func() (node, error), ops ...string) (node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokOp || !contains(ops, t.text) {
			return l, nil
		}
		p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		s, _ := l.span()
		l = &binaryExpr{pos{s, p.prevEnd()}, t.text, l, r}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	if t.is("-") {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, &SyntaxError{Column: column(p.src, t.pos), Msg: "expression nested too deeply"}
		}
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &unaryExpr{pos{t.pos, p.prevEnd()}, "-", x}, nil
	}
	return p.postfix()
}

package bpmn

import "strings"

// Expression is a value from the file that may be a FEEL expression. In
// Camunda files a value that starts with "=" is an expression ("=order.id");
// anything else is a literal ("payment", "PT5M").
type Expression struct {
	// Raw is the text exactly as written.
	Raw string
	// IsExpr is true when Raw starts with "=" (after leading spaces).
	IsExpr bool
	// Source is the expression text after the leading "=" (empty for
	// literals).
	Source string
	// Compiled is the program returned by Options.Expressions, set by
	// Compile on the Graph's copy; nil for literals or when no compiler was
	// given.
	Compiled any
}

// NewExpression classifies raw as an expression or a literal.
func NewExpression(raw string) Expression {
	t := strings.TrimLeft(raw, " \t\r\n")
	if src, ok := strings.CutPrefix(t, "="); ok {
		return Expression{Raw: raw, IsExpr: true, Source: src}
	}
	return Expression{Raw: raw}
}

// IsZero reports whether nothing was written (an absent attribute).
func (e Expression) IsZero() bool { return strings.TrimSpace(e.Raw) == "" }

// String returns the text as written.
func (e Expression) String() string { return e.Raw }

// ExprCompiler compiles the source of one expression: the text as written,
// with its leading "=" when it has no leading blanks (so error columns count in
// Expression.Raw), else the text after "=". Implementations accept both.
// engine/expr implements it; the bpmn package stores the result in
// Expression.Compiled without looking at it.
type ExprCompiler interface {
	CompileExpression(source string) (any, error)
}

// Options control Compile.
type Options struct {
	// Expressions, when set, compiles every expression of every executable
	// process; a failure is a problem on the element. When nil, expressions
	// are kept as text.
	Expressions ExprCompiler
}

package expr

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// SyntaxError is a parse error: where and what.
type SyntaxError struct {
	Column int    // 1-based, in runes, in the source given to Compile (with its "=")
	Msg    string // what is wrong, e.g. "unexpected '>'"
	// Expected is what the parser wanted there, e.g. "an expression"; may be empty.
	Expected string
}

// Error reads like "unexpected '>' at column 10, expected an expression".
func (e *SyntaxError) Error() string {
	if e.Expected != "" {
		return fmt.Sprintf("%s at column %d, expected %s", e.Msg, e.Column, e.Expected)
	}
	return fmt.Sprintf("%s at column %d", e.Msg, e.Column)
}

// column turns a byte offset into a 1-based rune column.
func column(src string, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return utf8.RuneCountInString(src[:off]) + 1
}

func syntaxErr(src string, off int, msg string) *SyntaxError {
	return &SyntaxError{Column: column(src, off), Msg: msg}
}

// ErrNotSupported is wrapped by compile errors for FEEL constructs that Shoal
// does not implement (rather than give a wrong answer).
var ErrNotSupported = errors.New("not supported")

// NotSupportedError names a FEEL construct Shoal does not implement.
type NotSupportedError struct {
	Column    int
	Construct string
}

func (e *NotSupportedError) Error() string {
	return fmt.Sprintf("%s is not supported (column %d)", e.Construct, e.Column)
}

func (e *NotSupportedError) Unwrap() error { return ErrNotSupported }

// EvalError is a run-time failure: the expression, the sub-expression that
// failed and what went wrong with which values.
type EvalError struct {
	Expr   string // the whole expression
	Sub    string // the sub-expression that failed
	Column int    // where Sub starts in Expr (the source without "="), 1-based
	Msg    string // e.g. `cannot add string "a" and number 1`
}

func (e *EvalError) Error() string {
	if e.Sub == "" || e.Sub == e.Expr {
		return fmt.Sprintf("failed to evaluate expression '%s': %s", e.Expr, e.Msg)
	}
	return fmt.Sprintf("failed to evaluate expression '%s': %s, in '%s' at column %d", e.Expr, e.Msg, e.Sub, e.Column)
}

// failure is what the run-time functions return: at is the index of the AST
// span (Expr.spans) of the sub-expression; Eval turns it into an *EvalError.
type failure struct {
	at  int
	msg string
}

func (f *failure) Error() string { return f.msg }

func fail(at int, format string, args ...any) error {
	return &failure{at: at, msg: fmt.Sprintf(format, args...)}
}

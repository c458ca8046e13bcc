package expr

import (
	"fmt"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	exprbuiltin "github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/vm"
)

// Expr is a compiled FEEL expression. It is immutable and safe for
// concurrent evaluation.
type Expr struct {
	source string
	parsed string // the source as parsed ("=" blanked); spans index it
	code   string // the generated expr source, for debugging
	prog   *vm.Program
	spans  []pos
	vars   []string
}

// MaxSourceLen bounds the length of an expression, in bytes.
const MaxSourceLen = 64 << 10

// Compile parses a FEEL expression and compiles it. A leading "=" (as BPMN
// attributes write expressions) is accepted and ignored; error columns
// count it. Parse errors are *SyntaxError; constructs Shoal does not
// implement are *NotSupportedError (errors.Is(err, ErrNotSupported)).
func Compile(source string) (*Expr, error) {
	if len(source) > MaxSourceLen {
		return nil, &SyntaxError{Column: 1, Msg: fmt.Sprintf("expression too long (%d bytes, at most %d)", len(source), MaxSourceLen)}
	}
	src := source
	if i := strings.IndexFunc(src, func(r rune) bool { return r != ' ' && r != '\t' && r != '\n' && r != '\r' }); i >= 0 && src[i] == '=' {
		src = src[:i] + " " + src[i+1:] // keep columns as in the source
	}
	n, err := parse(src)
	if err != nil {
		return nil, err
	}
	g := &gen{src: src, b: &strings.Builder{}, vars: map[string]bool{}}
	if err := g.node(n); err != nil {
		return nil, err
	}
	e := &Expr{source: strings.TrimSpace(src), parsed: src, code: g.b.String(), spans: g.spans}
	for v := range g.vars {
		e.vars = append(e.vars, v)
	}
	sort.Strings(e.vars)
	// expr's node budget would reject long generated code; MaxSourceLen
	// bounds it instead. expr's optimizer is off: it folds literal lists
	// into constants that every evaluation would then return, shared.
	e.prog, err = expr.Compile(e.code, useFunctions, expr.MaxNodes(0), expr.Optimize(false), expr.Patch(constPatcher(g.consts)))
	if err != nil {
		// the generated code is ours: failing to compile it is a bug
		return nil, fmt.Errorf("expr: internal error compiling %q: %v", e.source, err)
	}
	return e, nil
}

// MustCompile is Compile for expressions known to be valid (tests, constants).
func MustCompile(source string) *Expr {
	e, err := Compile(source)
	if err != nil {
		panic(err)
	}
	return e
}

// Source is the expression as written, without the leading "=".
func (e *Expr) Source() string { return e.source }

// Variables lists, sorted, the top-level variable names the expression may
// read; a caller can fetch just those.
func (e *Expr) Variables() []string { return append([]string(nil), e.vars...) }

// String is the source, so that an *Expr prints as what the user wrote.
func (e *Expr) String() string { return e.source }

// functionTable is every run-time function, shared read-only by all
// compilations (expr only reads it).
var functionTable conf.FunctionsTable

func useFunctions(c *conf.Config) { c.Functions = functionTable }

// buildFunctionTable runs once, from init, after the builtins are registered.
func buildFunctionTable() {
	functionTable = conf.FunctionsTable{}
	for name, f := range runtimeFuncs {
		functionTable[name] = &exprbuiltin.Function{Name: name, Func: f}
	}
}

// constPatcher replaces the placeholder calls _k(i) with the constant values
// that expr source cannot spell (decimals, temporal literals).
type constPatcher []any

func (p constPatcher) Visit(n *ast.Node) {
	c, ok := (*n).(*ast.CallNode)
	if !ok || len(c.Arguments) != 1 {
		return
	}
	if id, ok := c.Callee.(*ast.IdentifierNode); ok && id.Value == "_k" {
		i := c.Arguments[0].(*ast.IntegerNode).Value
		ast.Patch(n, &ast.ConstantNode{Value: p[i]})
	}
}

// BPMNCompiler adapts Compile to the bpmn package's ExprCompiler interface.
type BPMNCompiler struct{}

// CompileExpression compiles source (with or without its "=") and returns
// the *Expr as any.
func (BPMNCompiler) CompileExpression(source string) (any, error) {
	e, err := Compile(source)
	if err != nil {
		return nil, err
	}
	return e, nil
}

package expr

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// Vars is where an evaluation reads variables. Get is called lazily, only
// for names the expression reads; a name that is not there is null.
type Vars interface {
	Get(name string) (any, bool)
}

// MapVars is Vars over a map.
type MapVars map[string]any

// Get returns the variable name.
func (m MapVars) Get(name string) (any, bool) {
	v, ok := m[name]
	return v, ok
}

// Clock is an optional interface of Vars: it gives now() and today() their
// time. Without it they fail; they never read the wall clock, so that
// evaluation inside the engine is deterministic (the engine passes the
// record's timestamp).
type Clock interface {
	Now() time.Time
}

// At returns vars with a clock that always says now.
func At(vars Vars, now time.Time) Vars {
	return clocked{vars, now}
}

type clocked struct {
	Vars
	now time.Time
}

func (c clocked) Now() time.Time { return c.now }

func (c clocked) Get(name string) (any, bool) {
	if c.Vars == nil {
		return nil, false
	}
	return c.Vars.Get(name)
}

// Eval evaluates the expression. The result is JSON-compatible: nil, bool,
// string, int64 or float64, []any, map[string]any, or a temporal value
// (Date, Time, DateTime, Duration, YearsMonths) that marshals to its ISO
// string. A run-time failure is an *EvalError.
func (e *Expr) Eval(vars Vars) (out any, err error) {
	defer func() {
		if r := recover(); r != nil { // vm.Run recovers; this is the last line of defence
			out, err = nil, &EvalError{Expr: e.source, Msg: fmt.Sprint("internal error: ", r)}
		}
	}()
	var env any // a nil Vars must be a nil $env, not a typed nil
	if vars != nil {
		env = vars
	}
	m := vms.Get().(*vm.VM)
	v, err := m.Run(e.prog, env)
	vms.Put(m)
	if err != nil {
		return nil, e.runtimeError(err)
	}
	return normalize(v), nil
}

// vms recycles expr VMs: a fresh one costs three allocations (stack,
// let-variables, scopes) per evaluation. A VM keeps no result between runs,
// so reuse cannot change what an evaluation gives.
var vms = sync.Pool{New: func() any { return new(vm.VM) }}

// EvalAt is Eval with the clock for now() and today().
func (e *Expr) EvalAt(vars Vars, now time.Time) (any, error) {
	return e.Eval(At(vars, now))
}

// runtimeError turns what vm.Run returned into an *EvalError naming the
// sub-expression.
func (e *Expr) runtimeError(err error) error {
	var f *failure
	if errors.As(err, &f) {
		ee := &EvalError{Expr: e.source, Msg: f.msg}
		if f.at >= 0 && f.at < len(e.spans) {
			sp := e.spans[f.at]
			// the column counts in Source(), which the message quotes
			trim := len(e.parsed) - len(strings.TrimLeftFunc(e.parsed, unicode.IsSpace))
			ee.Sub, ee.Column = e.parsed[sp.start:sp.end], column(e.source, sp.start-trim)
		}
		return ee
	}
	msg := err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		msg = fe.Message
	}
	if strings.Contains(msg, "memory budget exceeded") {
		msg = "the evaluation builds too much (over a million list items); " + msg
	}
	return &EvalError{Expr: e.source, Msg: msg}
}

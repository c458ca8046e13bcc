package behavior

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/proc"
)

// Eval evaluates an expression (or returns a literal's text) against vars.
// A failure is returned as *proc.Failure of errorType.
func Eval(c *proc.Context, e *bpmn.Expression, vars proc.Vars, errorType string, scope int64) (any, error) {
	if !e.IsExpr {
		return e.Raw, nil
	}
	if e.Compiled == nil {
		return nil, proc.Failf(errorType, scope, "Expected to evaluate expression '%s', but it was not compiled", e.Source)
	}
	v, err := c.Eval(e.Compiled, vars, c.Now)
	if sv, ok := vars.(*ScopeVars); ok && sv.err != nil {
		return nil, sv.err // state I/O, not the user's fault
	}
	if err != nil {
		// engine/expr's message names the expression and the position
		return nil, proc.Failf(errorType, scope, "%v", err)
	}
	return v, nil
}

// EvalString evaluates an expression that must give a string.
func EvalString(c *proc.Context, e *bpmn.Expression, vars proc.Vars, errorType string, scope int64) (string, error) {
	v, err := Eval(c, e, vars, errorType, scope)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", proc.Failf(errorType, scope, "Expected result of the expression '%s' to be 'STRING', but was '%s'.", e.Source, TypeName(v))
	}
	return s, nil
}

// EvalInt evaluates an expression (or a literal) that must give an integer.
func EvalInt(c *proc.Context, e *bpmn.Expression, vars proc.Vars, errorType string, scope int64) (int64, error) {
	if !e.IsExpr {
		n, err := strconv.ParseInt(e.Raw, 10, 64)
		if err != nil {
			return 0, proc.Failf(errorType, scope, "Expected '%s' to be a number, but it is not", e.Raw)
		}
		return n, nil
	}
	v, err := Eval(c, e, vars, errorType, scope)
	if err != nil {
		return 0, err
	}
	if n, ok := toInt(v); ok {
		return n, nil
	}
	return 0, proc.Failf(errorType, scope, "Expected result of the expression '%s' to be 'NUMBER', but was '%s'.", e.Source, TypeName(v))
}

// EvalBool evaluates a condition.
func EvalBool(c *proc.Context, e *bpmn.Expression, vars proc.Vars, errorType string, scope int64) (bool, error) {
	v, err := Eval(c, e, vars, errorType, scope)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, proc.Failf(errorType, scope, "Expected result of the expression '%s' to be 'BOOLEAN', but was '%s'.", e.Source, TypeName(v))
	}
	return b, nil
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// TypeName names a value's type as Zeebe's messages do.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOLEAN"
	case string:
		return "STRING"
	case int, int32, int64, float64, json.Number:
		return "NUMBER"
	case []any:
		return "ARRAY"
	case map[string]any:
		return "OBJECT"
	}
	return fmt.Sprintf("%T", v)
}

package expr

import (
	"fmt"
	"strings"
	"time"
)

// The typed evaluations check the result's type. A wrong type, null
// included, is an *EvalError that names the expression and what it gave;
// for null it also names the variables the expression reads that are not
// set, the usual cause of a surprising null.

// EvalBool evaluates a condition: the result must be true or false.
func (e *Expr) EvalBool(vars Vars) (bool, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, e.wrongType(vars, v, "a boolean")
	}
	return b, nil
}

// EvalString evaluates to a string.
func (e *Expr) EvalString(vars Vars) (string, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", e.wrongType(vars, v, "a string")
	}
	return s, nil
}

// EvalNumber evaluates to a number, as float64.
func (e *Expr) EvalNumber(vars Vars) (float64, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return 0, err
	}
	switch n := v.(type) {
	case int64:
		return float64(n), nil
	case float64:
		return n, nil
	}
	return 0, e.wrongType(vars, v, "a number")
}

// EvalInt evaluates to an integral number (retries, loop cardinality).
func (e *Expr) EvalInt(vars Vars) (int64, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return 0, err
	}
	n, ok := v.(int64)
	if !ok {
		return 0, e.wrongType(vars, v, "an integer")
	}
	return n, nil
}

// EvalList evaluates to a list (a multi-instance collection).
func (e *Expr) EvalList(vars Vars) ([]any, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return nil, err
	}
	l, ok := v.([]any)
	if !ok {
		return nil, e.wrongType(vars, v, "a list")
	}
	return l, nil
}

// EvalContext evaluates to a context (a JSON object).
func (e *Expr) EvalContext(vars Vars) (map[string]any, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, e.wrongType(vars, v, "a context")
	}
	return m, nil
}

// EvalDuration evaluates to a days and time duration, or a string holding
// one ("PT5S"), as a timer's duration may be written either way.
func (e *Expr) EvalDuration(vars Vars) (time.Duration, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return 0, err
	}
	if s, ok := v.(string); ok {
		if p, err := parseDuration(s); err == nil {
			v = p
		}
	}
	d, ok := v.(Duration)
	if !ok {
		return 0, e.wrongType(vars, v, "a days and time duration")
	}
	return time.Duration(d), nil
}

// EvalDateTime evaluates to a date and time (a date is its midnight, a
// local date and time is taken as UTC), or a string holding one.
func (e *Expr) EvalDateTime(vars Vars) (time.Time, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return time.Time{}, err
	}
	if t, ok := asTime(v); ok {
		return t, nil
	}
	return time.Time{}, e.wrongType(vars, v, "a date and time")
}

// EvalDueDate evaluates a timer: a date and time is the due date itself; a
// duration of either kind (or a string holding one) is added to from.
func (e *Expr) EvalDueDate(vars Vars, from time.Time) (time.Time, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return time.Time{}, err
	}
	if s, ok := v.(string); ok {
		if p, err := parseDuration(s); err == nil {
			v = p
		}
	}
	switch d := v.(type) {
	case Duration:
		return from.Add(time.Duration(d)), nil
	case YearsMonths:
		return addMonths(from, int64(d)), nil
	}
	if t, ok := asTime(v); ok {
		return t, nil
	}
	return time.Time{}, e.wrongType(vars, v, "a date and time or a duration")
}

func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case DateTime:
		return x.T, true
	case Date:
		return x.midnight(), true
	case string:
		if dt, err := parseDateTime(x); err == nil {
			return dt.T, true
		}
	}
	return time.Time{}, false
}

func (e *Expr) wrongType(vars Vars, got any, want string) error {
	msg := fmt.Sprintf("expected %s, but got %s", want, describe(got))
	if got == nil {
		if missing := e.missingVariables(vars); len(missing) > 0 {
			msg += " (not set: " + strings.Join(missing, ", ") + ")"
		}
	}
	return &EvalError{Expr: e.source, Msg: msg}
}

func (e *Expr) missingVariables(vars Vars) []string {
	var missing []string
	for _, name := range e.vars {
		if vars == nil {
			missing = append(missing, name)
			continue
		}
		if _, ok := vars.Get(name); !ok {
			missing = append(missing, name)
		}
	}
	return missing
}

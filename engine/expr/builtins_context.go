package expr

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

var contextFuncs = []*builtin{
	fn("get value", []string{"context|m", "key|keys"}, 2, getValue),
	fn("get entries", []string{"context|m"}, 1, getEntries),
	{name: "context put", params: []string{"context", "key|keys", "value"}, min: 3, max: 3, nullOK: true, fn: contextPut},
	fn("context merge", []string{"contexts"}, 1, contextMerge),
}

var conversionFuncs = []*builtin{
	fn("string", []string{"from"}, 1, func(a []any) (any, error) { return toString(a[0]), nil }),
	fn("number", []string{"from"}, 1, toNumber),
	// Camunda extensions: is defined(x) is false for null and for a missing
	// variable or path; get or else(x, default) replaces null.
	{name: "is defined", params: []string{"value"}, min: 1, max: 1, nullOK: true, fn: func(a []any) (any, error) {
		return a[0] != nil, nil
	}},
	{name: "get or else", params: []string{"value", "default"}, min: 2, max: 2, nullOK: true, fn: func(a []any) (any, error) {
		if a[0] == nil {
			return a[1], nil
		}
		return a[0], nil
	}},
	// assert(value, condition[, cause]) gives value, or fails with cause.
	{name: "assert", params: []string{"value", "condition", "cause"}, min: 2, max: 3, nullOK: true, fn: func(a []any) (any, error) {
		if a[1] == true {
			return a[0], nil
		}
		if len(a) > 2 && a[2] != nil {
			return nil, fmt.Errorf("%s", toString(a[2]))
		}
		return nil, fmt.Errorf("the condition is %s", show(a[1]))
	}},
	{name: "not", params: []string{"negand"}, min: 1, max: 1, nullOK: true, fn: func(a []any) (any, error) {
		if b, ok := a[0].(bool); ok {
			return !b, nil
		}
		return nil, nil
	}},
}

// keyPath reads a key, or a list of keys for a nested path.
func keyPath(v any) ([]string, error) {
	if s, ok := v.(string); ok {
		return []string{s}, nil
	}
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return nil, fmt.Errorf("the key must be a string or a non-empty list of strings, not %s", describe(v))
	}
	keys := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("every key must be a string, not %s", describe(e))
		}
		keys[i] = s
	}
	return keys, nil
}

func getValue(a []any) (any, error) {
	m, err := wantContext(a[0], "the context")
	if err != nil {
		return nil, err
	}
	keys, err := keyPath(a[1])
	if err != nil {
		return nil, err
	}
	var v any = m
	for _, k := range keys {
		c, ok := v.(map[string]any)
		if !ok {
			return nil, nil
		}
		v = c[k]
	}
	return v, nil
}

// getEntries lists {key, value} contexts sorted by key: Go maps have no
// order, and evaluation must be deterministic.
func getEntries(a []any) (any, error) {
	m, err := wantContext(a[0], "the context")
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, map[string]any{"key": k, "value": m[k]})
	}
	return out, nil
}

func contextPut(a []any) (any, error) {
	if a[0] == nil || a[1] == nil {
		return nil, nil
	}
	m, err := wantContext(a[0], "the context")
	if err != nil {
		return nil, err
	}
	keys, err := keyPath(a[1])
	if err != nil {
		return nil, err
	}
	return put(m, keys, a[2]), nil
}

// put returns a copy of m with keys set to v; the input is never modified.
func put(m map[string]any, keys []string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, e := range m {
		out[k] = e
	}
	if len(keys) > 1 {
		inner, _ := m[keys[0]].(map[string]any)
		v = put(inner, keys[1:], v)
	}
	out[keys[0]] = v
	return out
}

func contextMerge(a []any) (any, error) {
	l := listArgs(a)
	out := map[string]any{}
	for _, e := range l {
		m, err := wantContext(e, "every item")
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

// toString is FEEL's string(): numbers without exponent, temporal values as
// ISO text, strings as they are, lists and contexts in FEEL syntax.
func toString(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return x
	}
	if n, ok := toNum(v); ok {
		return formatNum(n)
	}
	return show(v)
}

func toNumber(a []any) (any, error) {
	if n, ok := toNum(a[0]); ok {
		return n.value(), nil
	}
	s, err := wantString(a[0], "the argument")
	if err != nil {
		return nil, err
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil || strings.ContainsAny(s, "eE") {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return decValue(d), nil
}

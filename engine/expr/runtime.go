package expr

// expr's environment ($env) for one evaluation is the Vars value itself
// (nil when there are none): boxing it again in a struct would cost an
// allocation per evaluation. now() finds the clock by asking it for Clock.

// rtFunc is the shape of every function the generated code calls.
type rtFunc = func(args ...any) (any, error)

// runtimeFuncs are the operators; builtins are added from the builtins table.
var runtimeFuncs = map[string]rtFunc{
	"_var":     rtVar,
	"_get":     rtGet,
	"_varPath": rtVarPath,
	"_has":     rtHas,
	"_fieldOr": rtFieldOr,
	"_path":    rtPath,
	"_add":     rtAdd,
	"_sub":     rtSub,
	"_mul":     rtMul,
	"_div":     rtDiv,
	"_pow":     rtPow,
	"_neg":     rtNeg,
	"_eq":      rtEq,
	"_ne":      rtNe,
	"_lt":      rtLt,
	"_le":      rtLe,
	"_gt":      rtGt,
	"_ge":      rtGe,
	"_and":     rtAnd,
	"_or":      rtOr,
	"_true":    func(a ...any) (any, error) { return a[0] == true, nil },
	"_any":     func(a ...any) (any, error) { return a[0], nil },
	"_between": rtBetween,
	"_inTest":  rtInTest,
	"_anyTrue": rtAnyTrue,
	"_range":   rtRange,
	"_index":   rtIndex,
	"_list":    rtList,
	"_filter":  rtFilter,
	"_iter":    rtIter,
	"_flat":    rtFlat,
	"_some":    rtSome,
	"_every":   rtEvery,
	"_instance": func(a ...any) (any, error) {
		return instanceOfType(a[0], a[1].(string)), nil
	},
}

func atOf(v any) int {
	i, _ := v.(int)
	return i
}

// rtVar(env, name): a variable; missing is null.
func rtVar(a ...any) (any, error) {
	vars, ok := a[0].(Vars)
	if !ok {
		return nil, nil
	}
	v, _ := vars.Get(a[1].(string))
	return v, nil
}

// rtGet(x, name, at): the path x.name. A missing key and a path on null are
// null; on a list it maps over the items; temporal values have properties.
func rtGet(a ...any) (any, error) {
	name := a[1].(string)
	switch x := a[0].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x[name], nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			v, err := rtGet(e, name, a[2])
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	v, ok := property(a[0], name)
	if !ok {
		return nil, fail(atOf(a[2]), "%s has no property '%s'", describe(a[0]), name)
	}
	return v, nil
}

// rtVarPath(env, at, name, keys...) is the variable name followed by the
// path keys, with rtGet's meaning for each step.
func rtVarPath(a ...any) (any, error) {
	v, _ := rtVar(a[0], a[2])
	return path(v, a[1], a[3:])
}

// rtPath(v, at, keys...) is v followed by the path keys.
func rtPath(a ...any) (any, error) {
	return path(a[0], a[1], a[2:])
}

func path(v, at any, keys []any) (any, error) {
	for _, key := range keys {
		if v == nil {
			return nil, nil
		}
		var err error
		if v, err = rtGet(v, key, at); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// rtFieldOr(item, name, outer) is a bare name inside a filter: the item's
// field if the item is a context that has it, else outer (the variable).
func rtFieldOr(a ...any) (any, error) {
	if m, ok := a[0].(map[string]any); ok {
		if v, ok := m[a[1].(string)]; ok {
			return v, nil
		}
	}
	return a[2], nil
}

// rtHas(x, name): whether x is a context with the key name.
func rtHas(a ...any) (any, error) {
	m, ok := a[0].(map[string]any)
	if !ok {
		return false, nil
	}
	_, ok = m[a[1].(string)]
	return ok, nil
}

func rtAnd(a ...any) (any, error) {
	l, lok := a[0].(bool)
	r, rok := a[1].(bool)
	switch {
	case lok && rok:
		return l && r, nil
	case (lok && !l) || (rok && !r):
		return false, nil
	}
	return nil, nil
}

func rtOr(a ...any) (any, error) {
	l, lok := a[0].(bool)
	r, rok := a[1].(bool)
	switch {
	case lok && rok:
		return l || r, nil
	case (lok && l) || (rok && r):
		return true, nil
	}
	return nil, nil
}

func rtEq(a ...any) (any, error) {
	eq, ok := equal(a[0], a[1])
	if !ok {
		return nil, nil
	}
	return eq, nil
}

func rtNe(a ...any) (any, error) {
	eq, ok := equal(a[0], a[1])
	if !ok {
		return nil, nil
	}
	return !eq, nil
}

// cmpOp builds <, <=, >, >=: null if either side is null or they are not
// comparable (FEEL gives null, not an error, for "null > 1").
func cmpOp(test func(int) bool) rtFunc {
	return func(a ...any) (any, error) {
		if a[0] == nil || a[1] == nil {
			return nil, nil
		}
		c, ok := compare(a[0], a[1])
		if !ok {
			return nil, nil
		}
		return test(c), nil
	}
}

var (
	rtLt = cmpOp(func(c int) bool { return c < 0 })
	rtLe = cmpOp(func(c int) bool { return c <= 0 })
	rtGt = cmpOp(func(c int) bool { return c > 0 })
	rtGe = cmpOp(func(c int) bool { return c >= 0 })
)

func rtBetween(a ...any) (any, error) {
	ge, _ := rtGe(a[0], a[1])
	le, _ := rtLe(a[0], a[2])
	return rtAnd(ge, le)
}

// rtInTest(x, test, at): one positive unary test of "x in ...": a list
// matches if x equals (or is in the range of) an element, a range if it
// contains x, anything else if it equals x.
func rtInTest(a ...any) (any, error) {
	x := a[0]
	switch t := a[1].(type) {
	case []any:
		if l, ok := x.([]any); ok && len(t) > 0 {
			if _, nested := t[0].([]any); nested {
				return listContains(t, l), nil
			}
		}
		var res any = false
		for _, e := range t {
			v, _ := rtInTest(x, e, a[2])
			if v == true {
				return true, nil
			}
			if v == nil {
				res = nil
			}
		}
		return res, nil
	case Range:
		return t.contains(x), nil
	}
	return rtEq(x, a[1])
}

// rtAnyTrue combines the tests of "in (a, b, c)": true if one is true,
// null if none is but one is null, else false.
func rtAnyTrue(a ...any) (any, error) {
	var res any = false
	for _, v := range a {
		if v == true {
			return true, nil
		}
		if v == nil {
			res = nil
		}
	}
	return res, nil
}

func listContains(list []any, x any) bool {
	for _, e := range list {
		if eq, ok := equal(e, x); ok && eq {
			return true
		}
	}
	return false
}

func rtRange(a ...any) (any, error) {
	r := Range{Lo: a[0], Hi: a[1], LoOpen: a[2].(bool), HiOpen: a[3].(bool)}
	if r.Lo != nil && r.Hi != nil {
		if _, ok := compare(r.Lo, r.Hi); !ok {
			return nil, fail(atOf(a[4]), "a range needs two comparable ends, not %s and %s", describe(r.Lo), describe(r.Hi))
		}
	}
	return r, nil
}

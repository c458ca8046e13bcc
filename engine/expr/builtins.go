package expr

import (
	"fmt"
	"sort"
	"strings"
)

// builtin is a FEEL built-in function.
type builtin struct {
	name   string
	params []string // parameter names, for named arguments; "a|b" gives two names for one position
	min    int      // required arguments
	max    int      // -1: variadic
	nullOK bool     // handles null arguments itself; otherwise a null argument gives null
	env    bool     // gets the evaluation's Vars (expr's $env) as its first argument
	fn     func(args []any) (any, error)
}

func (b *builtin) ident() string {
	return "b_" + strings.NewReplacer(" ", "_", "-", "_").Replace(b.name)
}

func (b *builtin) arity() string {
	switch {
	case b.max < 0 && b.min == 1:
		return "at least 1 argument"
	case b.max < 0:
		return fmt.Sprintf("at least %d arguments", b.min)
	case b.min == b.max && b.min == 1:
		return "1 argument"
	case b.min == b.max:
		return fmt.Sprintf("%d arguments", b.min)
	}
	return fmt.Sprintf("%d to %d arguments", b.min, b.max)
}

// call is what expr calls: at, [env,] args.... The args slice belongs to
// expr's VM and is reused, so no function may keep it.
func (b *builtin) call(a ...any) (any, error) {
	at := atOf(a[0])
	args := a[1:]
	if !b.nullOK {
		for i, x := range args {
			if x == nil && !(b.env && i == 0) {
				return nil, nil
			}
		}
	}
	v, err := b.fn(args)
	if err != nil {
		return nil, fail(at, "%s(): %s", b.name, err)
	}
	return v, nil
}

// builtins by FEEL name; filled by init from the per-family tables.
var builtins = map[string]*builtin{}

// multiWordFuncs are the names with spaces, longest first, which the parser
// tries before reading a name as a variable.
var multiWordFuncs []string

func register(fns ...*builtin) {
	for _, f := range fns {
		if _, dup := builtins[f.name]; dup {
			panic("expr: builtin registered twice: " + f.name)
		}
		builtins[f.name] = f
	}
}

func init() {
	register(stringFuncs...)
	register(numberFuncs...)
	register(listFuncs...)
	register(contextFuncs...)
	register(conversionFuncs...)
	register(temporalFuncs...)
	for name := range builtins {
		if strings.Contains(name, " ") {
			multiWordFuncs = append(multiWordFuncs, name)
		}
	}
	sort.Slice(multiWordFuncs, func(i, j int) bool {
		wi, wj := strings.Count(multiWordFuncs[i], " "), strings.Count(multiWordFuncs[j], " ")
		if wi != wj {
			return wi > wj
		}
		return multiWordFuncs[i] < multiWordFuncs[j]
	})
	for _, f := range builtins {
		runtimeFuncs[f.ident()] = f.call
	}
	buildFunctionTable()
}

// fn1 and friends build the common shapes.
func fn(name string, params []string, min int, f func(args []any) (any, error)) *builtin {
	return &builtin{name: name, params: params, min: min, max: len(params), fn: f}
}

func variadic(name string, f func(args []any) (any, error)) *builtin {
	return &builtin{name: name, params: []string{"list"}, min: 1, max: -1, fn: f}
}

// argument readers: an error names what was expected and what came.

func wantString(v any, what string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, not %s", what, describe(v))
	}
	return s, nil
}

func wantNum(v any, what string) (num, error) {
	n, ok := toNum(v)
	if !ok {
		return num{}, fmt.Errorf("%s must be a number, not %s", what, describe(v))
	}
	return n, nil
}

func wantInt(v any, what string) (int64, error) {
	n, ok := toNum(v)
	if !ok {
		return 0, fmt.Errorf("%s must be a number, not %s", what, describe(v))
	}
	if n.isDec {
		d := n.dec()
		if !d.IsInteger() || !d.BigInt().IsInt64() {
			return 0, fmt.Errorf("%s must be an integer, not %s", what, show(v))
		}
		return d.IntPart(), nil
	}
	return n.i, nil
}

func wantList(v any, what string) ([]any, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be a list, not %s", what, describe(v))
	}
	return l, nil
}

func wantContext(v any, what string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s must be a context, not %s", what, describe(v))
	}
	return m, nil
}

// listArgs reads the items of a function that takes a list or the items
// themselves: sum([1, 2]) and sum(1, 2).
func listArgs(args []any) []any {
	if len(args) == 1 {
		if l, ok := args[0].([]any); ok {
			return l
		}
	}
	return args
}

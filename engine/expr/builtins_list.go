package expr

import (
	"fmt"
	"math"
	"sort"

	"github.com/shopspring/decimal"
)

var listFuncs = []*builtin{
	{name: "list contains", params: []string{"list", "element"}, min: 2, max: 2, nullOK: true, fn: listContainsFn},
	fn("count", []string{"list"}, 1, withList(func(l []any) (any, error) { return int64(len(l)), nil })),
	variadic("min", extreme(-1)),
	variadic("max", extreme(1)),
	variadic("sum", sum),
	variadic("product", product),
	variadic("mean", mean),
	variadic("median", median),
	variadic("stddev", stddev),
	variadic("mode", mode),
	variadic("all", allFn),
	variadic("any", anyFn),
	fn("sublist", []string{"list", "start position", "length"}, 2, sublist),
	{name: "append", params: []string{"list", "items"}, min: 1, max: -1, nullOK: true, fn: appendFn},
	{name: "concatenate", params: []string{"lists"}, min: 0, max: -1, fn: concatenate},
	{name: "insert before", params: []string{"list", "position", "newItem"}, min: 3, max: 3, nullOK: true, fn: insertBefore},
	fn("remove", []string{"list", "position"}, 2, remove),
	fn("reverse", []string{"list"}, 1, withList(func(l []any) (any, error) {
		out := make([]any, len(l))
		for i, e := range l {
			out[len(l)-1-i] = e
		}
		return out, nil
	})),
	{name: "index of", params: []string{"list", "match"}, min: 2, max: 2, nullOK: true, fn: indexOf2},
	{name: "union", params: []string{"lists"}, min: 0, max: -1, fn: union},
	fn("distinct values", []string{"list"}, 1, withList(func(l []any) (any, error) { return distinct(l), nil })),
	fn("duplicate values", []string{"list"}, 1, withList(duplicates)),
	fn("flatten", []string{"list"}, 1, withList(func(l []any) (any, error) { return flatten(nil, l), nil })),
	fn("sort", []string{"list"}, 1, withList(sortList)),
	fn("is empty", []string{"list"}, 1, withList(func(l []any) (any, error) { return len(l) == 0, nil })),
}

func withList(f func([]any) (any, error)) func([]any) (any, error) {
	return func(a []any) (any, error) {
		l, err := wantList(a[0], "the list")
		if err != nil {
			return nil, err
		}
		return f(l)
	}
}

func listContainsFn(a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	l, err := wantList(a[0], "the list")
	if err != nil {
		return nil, err
	}
	return listContains(l, a[1]), nil
}

// extreme is min (-1) or max (1) of comparable items; empty gives null.
func extreme(dir int) func([]any) (any, error) {
	return func(a []any) (any, error) {
		l := listArgs(a)
		var best any
		for i, e := range l {
			if i == 0 {
				best = e
				continue
			}
			c, ok := compare(e, best)
			if !ok {
				return nil, fmt.Errorf("cannot compare %s with %s", describe(e), describe(best))
			}
			if c == dir {
				best = e
			}
		}
		return best, nil
	}
}

func numbers(l []any) ([]num, error) {
	out := make([]num, len(l))
	for i, e := range l {
		n, ok := toNum(e)
		if !ok {
			return nil, fmt.Errorf("every item must be a number, not %s", describe(e))
		}
		out[i] = n
	}
	return out, nil
}

func sum(a []any) (any, error) {
	ns, err := numbers(listArgs(a))
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	return sumNums(ns), nil
}

// sumNums adds exactly, without allocating while the sum fits a fixed.
func sumNums(ns []num) any {
	acc := num{}
	for i, n := range ns {
		r, ok := fixedAdd(acc, n)
		if !ok {
			total := acc.dec()
			for _, m := range ns[i:] {
				total = total.Add(m.dec())
			}
			return decValue(total)
		}
		acc = r
	}
	return acc.value()
}

func product(a []any) (any, error) {
	ns, err := numbers(listArgs(a))
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	p := decimal.NewFromInt(1)
	for _, n := range ns {
		p = p.Mul(n.dec())
	}
	return decValue(p), nil
}

func mean(a []any) (any, error) {
	ns, err := numbers(listArgs(a))
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	total, _ := toNum(sumNums(ns))
	return numDiv(total, num{i: int64(len(ns))}), nil
}

func sortedDecimals(l []any) ([]decimal.Decimal, error) {
	ns, err := numbers(l)
	if err != nil {
		return nil, err
	}
	ds := make([]decimal.Decimal, len(ns))
	for i, n := range ns {
		ds[i] = n.dec()
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].LessThan(ds[j]) })
	return ds, nil
}

func median(a []any) (any, error) {
	ds, err := sortedDecimals(listArgs(a))
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	m := len(ds) / 2
	if len(ds)%2 == 1 {
		return decValue(ds[m]), nil
	}
	return decValue(ds[m-1].Add(ds[m]).DivRound(decimal.NewFromInt(2), divPrecision)), nil
}

// stddev is the sample standard deviation, as in FEEL.
func stddev(a []any) (any, error) {
	ds, err := sortedDecimals(listArgs(a))
	if err != nil || len(ds) < 2 {
		return nil, err
	}
	var sum, sq float64
	for _, d := range ds {
		sum += d.InexactFloat64()
	}
	avg := sum / float64(len(ds))
	for _, d := range ds {
		x := d.InexactFloat64() - avg
		sq += x * x
	}
	n, _ := floatNum(math.Sqrt(sq / float64(len(ds)-1)))
	return n.value(), nil
}

// mode is the most frequent numbers, ascending.
func mode(a []any) (any, error) {
	ds, err := sortedDecimals(listArgs(a))
	if err != nil {
		return nil, err
	}
	out := []any{}
	best := 0
	for i := 0; i < len(ds); {
		j := i
		for j < len(ds) && ds[j].Equal(ds[i]) {
			j++
		}
		switch {
		case j-i > best:
			best, out = j-i, []any{decValue(ds[i])}
		case j-i == best:
			out = append(out, decValue(ds[i]))
		}
		i = j
	}
	return out, nil
}

func allFn(a []any) (any, error) {
	for _, e := range listArgs(a) {
		if _, ok := e.(bool); !ok && e != nil {
			return nil, fmt.Errorf("every item must be a boolean, not %s", describe(e))
		}
	}
	return rtEvery(listArgs(a))
}

func anyFn(a []any) (any, error) {
	for _, e := range listArgs(a) {
		if _, ok := e.(bool); !ok && e != nil {
			return nil, fmt.Errorf("every item must be a boolean, not %s", describe(e))
		}
	}
	return rtAnyTrue(listArgs(a)...)
}

func sublist(a []any) (any, error) {
	l, err := wantList(a[0], "the list")
	if err != nil {
		return nil, err
	}
	start, err := wantInt(a[1], "the start position")
	if err != nil {
		return nil, err
	}
	n := int64(len(l))
	switch {
	case start > 0 && start <= n:
		start--
	case start < 0 && -start <= n:
		start += n
	default:
		return nil, fmt.Errorf("the start position %d is outside the list of %d items", start, n)
	}
	end := n
	if len(a) > 2 && a[2] != nil {
		length, err := wantInt(a[2], "the length")
		if err != nil {
			return nil, err
		}
		if length < 0 {
			return nil, fmt.Errorf("the length must not be negative, not %d", length)
		}
		end = min(start+length, n)
	}
	return append([]any{}, l[start:end]...), nil
}

func appendFn(a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	l, err := wantList(a[0], "the list")
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(l)+len(a)-1)
	return append(append(out, l...), a[1:]...), nil
}

func concatenate(a []any) (any, error) {
	out := []any{}
	for _, x := range a {
		l, err := wantList(x, "every argument")
		if err != nil {
			return nil, err
		}
		out = append(out, l...)
	}
	return out, nil
}

// position reads a 1-based (or negative) position in a list of n items.
func position(v any, n int64, insert bool) (int64, error) {
	p, err := wantInt(v, "the position")
	if err != nil {
		return 0, err
	}
	limit := n
	if insert {
		limit = n + 1
	}
	switch {
	case p > 0 && p <= limit:
		return p - 1, nil
	case p < 0 && -p <= n:
		return n + p, nil
	}
	return 0, fmt.Errorf("the position %d is outside the list of %d items", p, n)
}

func insertBefore(a []any) (any, error) {
	if a[0] == nil || a[1] == nil {
		return nil, nil
	}
	l, err := wantList(a[0], "the list")
	if err != nil {
		return nil, err
	}
	p, err := position(a[1], int64(len(l)), true)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(l)+1)
	out = append(append(append(out, l[:p]...), a[2]), l[p:]...)
	return out, nil
}

func remove(a []any) (any, error) {
	l, err := wantList(a[0], "the list")
	if err != nil {
		return nil, err
	}
	p, err := position(a[1], int64(len(l)), false)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(l))
	return append(append(out, l[:p]...), l[p+1:]...), nil
}

func indexOf2(a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	l, err := wantList(a[0], "the list")
	if err != nil {
		return nil, err
	}
	out := []any{}
	for i, e := range l {
		if eq, ok := equal(e, a[1]); ok && eq {
			out = append(out, int64(i+1))
		}
	}
	return out, nil
}

func union(a []any) (any, error) {
	all, err := concatenate(a)
	if err != nil {
		return nil, err
	}
	return distinct(all.([]any)), nil
}

func distinct(l []any) []any {
	out := []any{}
	for _, e := range l {
		if !listContains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

func duplicates(l []any) (any, error) {
	out := []any{}
	for i, e := range l {
		if listContains(l[i+1:], e) && !listContains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func flatten(out, l []any) []any {
	if out == nil {
		out = []any{}
	}
	for _, e := range l {
		if sub, ok := e.([]any); ok {
			out = flatten(out, sub)
		} else {
			out = append(out, e)
		}
	}
	return out
}

// sortList sorts comparable items ascending (stable).
func sortList(l []any) (any, error) {
	out := append([]any{}, l...)
	var bad error
	sort.SliceStable(out, func(i, j int) bool {
		c, ok := compare(out[i], out[j])
		if !ok && bad == nil {
			bad = fmt.Errorf("cannot compare %s with %s", describe(out[i]), describe(out[j]))
		}
		return c < 0
	})
	return out, bad
}

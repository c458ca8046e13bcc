package expr

import (
	"fmt"
	"sort"
	"strconv"
)

// typeOf names the FEEL type of v, for messages and "instance of".
func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "list"
	case map[string]any:
		return "context"
	case Date:
		return "date"
	case Time:
		return "time"
	case DateTime:
		return "date and time"
	case Duration:
		return "days and time duration"
	case YearsMonths:
		return "years and months duration"
	case Range:
		return "range"
	}
	if isNumber(v) {
		return "number"
	}
	return fmt.Sprintf("unsupported Go value %T", v)
}

// describe renders a value for an error message: its type and a short form
// of it ("string \"abc\"", "number 5", "null").
func describe(v any) string {
	if v == nil {
		return "null"
	}
	s := show(v)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return typeOf(v) + " " + s
}

// show renders a value in FEEL syntax (strings quoted).
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		s := "["
		for i, e := range x {
			if i > 0 {
				s += ", "
			}
			s += show(e)
		}
		return s + "]"
	case map[string]any:
		s := "{"
		for i, k := range sortedKeys(x) {
			if i > 0 {
				s += ", "
			}
			s += k + ": " + show(x[k])
		}
		return s + "}"
	case fmt.Stringer:
		return x.String()
	}
	if n, ok := toNum(v); ok {
		return formatNum(n)
	}
	return fmt.Sprint(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// equal is FEEL's "=": null equals only null; values of different types
// are not comparable (ok false, the result is null); lists and contexts
// compare element by element.
func equal(a, b any) (eq bool, ok bool) {
	if a == nil || b == nil {
		return a == nil && b == nil, true
	}
	switch x := a.(type) {
	case bool:
		y, ok := b.(bool)
		return x == y, ok
	case string:
		y, ok := b.(string)
		return x == y, ok
	case []any:
		y, ok := b.([]any)
		if !ok {
			return false, false
		}
		if len(x) != len(y) {
			return false, true
		}
		for i := range x {
			if eq, ok := equal(x[i], y[i]); !ok || !eq {
				return false, ok
			}
		}
		return true, true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false, false
		}
		if len(x) != len(y) {
			return false, true
		}
		// in key order: which entry decides between false and null must not
		// depend on Go's map order
		for _, k := range sortedKeys(x) {
			xv := x[k]
			yv, found := y[k]
			if !found {
				return false, true
			}
			if eq, ok := equal(xv, yv); !ok || !eq {
				return false, ok
			}
		}
		return true, true
	case Range:
		y, ok := b.(Range)
		if !ok {
			return false, false
		}
		return x.equal(y), true
	}
	c, ok := compare(a, b)
	return c == 0, ok
}

// compare orders two numbers, strings, dates, times, date-times or durations
// of the same kind; ok is false when they are not comparable.
func compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case int64: // fast paths for the most common cases
		switch y := b.(type) {
		case int64:
			return cmpInt(x, y), true
		case float64:
			if c, ok := cmpFloatInt(y, x); ok {
				return -c, true
			}
		}
	case int:
		if y, ok := b.(float64); ok {
			if c, ok := cmpFloatInt(y, int64(x)); ok {
				return -c, true
			}
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return cmpFloat(x, y)
		case int64:
			return cmpFloatInt(x, y)
		case int:
			return cmpFloatInt(x, int64(y))
		}
	case string:
		y, ok := b.(string)
		switch {
		case !ok:
			return 0, false
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case bool:
		y, ok := b.(bool)
		if ok && x == y {
			return 0, true
		}
		return 1, false
	}
	if x, ok := toNum(a); ok {
		y, ok := toNum(b)
		if !ok {
			return 0, false
		}
		return numCmp(x, y), true
	}
	return compareTemporal(a, b)
}

// cmpFloatInt compares a float64 variable with an integer without going
// through decimals. It agrees with the decimal comparison: the integer is
// exact as a float64 (|i| <= 2^53), and the decimal a float prints as lies
// closer to it than any other float64.
func cmpFloatInt(f float64, i int64) (int, bool) {
	if i > 1<<53 || i < -(1<<53) {
		return 0, false
	}
	return cmpFloat(f, float64(i))
}

func cmpFloat(a, b float64) (int, bool) {
	switch {
	case a != a || b != b: // NaN is not a FEEL number
		return 0, false
	case a < b:
		return -1, true
	case a > b:
		return 1, true
	}
	return 0, true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// normalize turns an in-evaluation value into what leaves the package:
// numbers become int64 or float64, ranges their FEEL text, and lists and
// contexts are normalized deeply (copied only when something in them
// changes, so that a variable passed through is never modified).
func normalize(v any) any {
	out, _ := normalizeChanged(v)
	return out
}

func normalizeChanged(v any) (any, bool) {
	switch x := v.(type) {
	case nil, bool, string, int64, float64, Date, Time, DateTime, Duration, YearsMonths:
		return v, false
	case []any:
		var out []any
		for i, e := range x {
			n, changed := normalizeChanged(e)
			if changed && out == nil {
				out = make([]any, len(x))
				copy(out, x)
			}
			if out != nil {
				out[i] = n
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	case map[string]any:
		var out map[string]any
		for _, k := range sortedKeys(x) {
			n, changed := normalizeChanged(x[k])
			if changed && out == nil {
				out = make(map[string]any, len(x))
				for k2, e2 := range x {
					out[k2] = e2
				}
			}
			if out != nil {
				out[k] = n
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	case Range:
		return x.String(), true
	}
	if n, ok := toNum(v); ok {
		return outNumber(n), true
	}
	return v, false
}

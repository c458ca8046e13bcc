package readmodel

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// value is a field value reduced to what filters and sorts compare: a
// number (keys, dates, integers), a string, a bool, or null.
type value struct {
	kind byte // 'n' number, 's' string, 'b' bool, 0 null
	n    int64
	s    string
}

func compareValues(a, b value) int {
	if a.kind != b.kind {
		return int(a.kind) - int(b.kind) // nulls first
	}
	switch a.kind {
	case 'n', 'b':
		switch {
		case a.n < b.n:
			return -1
		case a.n > b.n:
			return 1
		}
		return 0
	case 's':
		return strings.Compare(a.s, b.s)
	}
	return 0
}

// field is one filterable and sortable field of an entity: its JSON name,
// its index in the struct, and how to read a filter's value for it.
type field struct {
	index []int
	typ   reflect.Type
}

var (
	keyType  = reflect.TypeOf(Key(0))
	dateType = reflect.TypeOf(Date(0))
)

// fieldsOf lists the fields of struct type T by JSON name (maps and other
// composite fields cannot be filtered or sorted and are left out).
func fieldsOf(t reflect.Type) map[string]field {
	out := make(map[string]field)
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64:
			out[name] = field{index: f.Index, typ: f.Type}
		}
	}
	return out
}

// get reads the field of v (a struct value).
func (f field) get(v reflect.Value) value {
	fv := v.FieldByIndex(f.index)
	if fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return value{}
		}
		fv = fv.Elem()
	}
	switch fv.Kind() {
	case reflect.String:
		return value{kind: 's', s: fv.String()}
	case reflect.Bool:
		if fv.Bool() {
			return value{kind: 'b', n: 1}
		}
		return value{kind: 'b'}
	default:
		n := fv.Int()
		if (f.typ == keyType || f.typ == dateType) && n <= 0 {
			return value{}
		}
		return value{kind: 'n', n: n}
	}
}

// parse reads a filter's JSON value (string, float64, bool, nil, or a
// json.Number) for this field: keys from decimal strings or numbers, dates
// from RFC 3339 strings.
func (f field) parse(name string, raw any) (value, error) {
	if raw == nil {
		return value{}, nil
	}
	t := f.typ
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func() (value, error) {
		return value{}, fmt.Errorf("%w: filter %s: unexpected value %v", ErrInvalidQuery, name, raw)
	}
	switch {
	case t == dateType:
		s, ok := raw.(string)
		if !ok {
			return bad()
		}
		d, err := ParseDate(s)
		if err != nil {
			return value{}, fmt.Errorf("%w: filter %s: %v", ErrInvalidQuery, name, err)
		}
		return value{kind: 'n', n: int64(d)}, nil
	case t.Kind() == reflect.String:
		s, ok := raw.(string)
		if !ok {
			return bad()
		}
		return value{kind: 's', s: s}, nil
	case t.Kind() == reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return bad()
		}
		if b {
			return value{kind: 'b', n: 1}, nil
		}
		return value{kind: 'b'}, nil
	default:
		var s string
		switch x := raw.(type) {
		case string:
			s = x
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		case fmt.Stringer: // json.Number
			s = x.String()
		default:
			return bad()
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad()
		}
		return value{kind: 'n', n: n}, nil
	}
}

// like matches s against a pattern with * (any run) and ? (one character),
// Camunda's $like.
func like(pattern, s string) bool {
	p, r := []rune(pattern), []rune(s)
	var pi, si, star, mark = 0, 0, -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == r[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

package expr

import (
	"time"
)

// Range is a FEEL range such as [1..10] or (0..100]; a nil end is open
// ended. It is a value only inside an evaluation; a result that is a range
// leaves as its FEEL text.
type Range struct {
	Lo, Hi         any
	LoOpen, HiOpen bool
}

func (r Range) String() string {
	lb, hb := "[", "]"
	if r.LoOpen {
		lb = "("
	}
	if r.HiOpen {
		hb = ")"
	}
	return lb + show(r.Lo) + ".." + show(r.Hi) + hb
}

func (r Range) equal(o Range) bool {
	lo, _ := equal(r.Lo, o.Lo)
	hi, _ := equal(r.Hi, o.Hi)
	return lo && hi && r.LoOpen == o.LoOpen && r.HiOpen == o.HiOpen
}

// contains is true, false, or null when x cannot be compared to the ends.
func (r Range) contains(x any) any {
	if x == nil {
		return nil
	}
	if r.Lo != nil {
		c, ok := compare(x, r.Lo)
		if !ok {
			return nil
		}
		if c < 0 || (c == 0 && r.LoOpen) {
			return false
		}
	}
	if r.Hi != nil {
		c, ok := compare(x, r.Hi)
		if !ok {
			return nil
		}
		if c > 0 || (c == 0 && r.HiOpen) {
			return false
		}
	}
	return true
}

// rtIndex(list, i, at): FEEL's 1-based index; negative counts from the
// end; out of range is null. A non-list is a list of one.
func rtIndex(a ...any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	l, ok := a[0].([]any)
	if !ok {
		l = []any{a[0]}
	}
	n, ok := toNum(a[1])
	if !ok || n.isDec {
		return nil, fail(atOf(a[2]), "a list index must be an integer, not %s", describe(a[1]))
	}
	return index(l, n.i), nil
}

func index(l []any, i int64) any {
	switch {
	case i > 0 && i <= int64(len(l)):
		return l[i-1]
	case i < 0 && -i <= int64(len(l)):
		return l[int64(len(l))+i]
	}
	return nil
}

// rtList: what a filter runs over; a single value is a list of one.
func rtList(a ...any) (any, error) {
	switch x := a[0].(type) {
	case nil:
		return nil, nil
	case []any:
		return x, nil
	}
	return []any{a[0]}, nil
}

// rtFilter(list, results, at) applies xs[cond] given cond's value for each
// item: if they are numbers the filter was an index; else the items whose
// result is true are kept.
func rtFilter(a ...any) (any, error) {
	l := a[0].([]any)
	res, _ := a[1].([]any)
	if len(res) == 0 {
		return []any{}, nil
	}
	if n, ok := toNum(res[0]); ok {
		if n.isDec {
			return nil, fail(atOf(a[2]), "a list index must be an integer, not %s", describe(res[0]))
		}
		return index(l, n.i), nil
	}
	out := []any{}
	for i, r := range res {
		switch r {
		case true:
			out = append(out, l[i])
		case false, nil:
		default:
			return nil, fail(atOf(a[2]), "a filter condition must be a boolean, but for item %d it is %s", i+1, describe(r))
		}
	}
	return out, nil
}

// rtIter(x, at): the list a for/some/every iterates over; an integer range
// counts up or down.
func rtIter(a ...any) (any, error) {
	switch x := a[0].(type) {
	case []any:
		return x, nil
	case Range:
		lo, lok := toNum(x.Lo)
		hi, hok := toNum(x.Hi)
		if !lok || !hok || lo.isDec || hi.isDec {
			return nil, fail(atOf(a[1]), "can only iterate over a range of integers, not %s", x)
		}
		from, to := lo.i, hi.i
		if x.LoOpen {
			from++
		}
		if x.HiOpen {
			to--
		}
		return intRange(from, to, atOf(a[1]))
	case nil:
		return nil, fail(atOf(a[1]), "cannot iterate over null")
	}
	return []any{a[0]}, nil
}

// maxListLen bounds lists that an expression creates from a range.
const maxListLen = 1_000_000

func intRange(from, to int64, at int) (any, error) {
	step := int64(1)
	if to < from {
		step = -1
	}
	if n := (to-from)*step + 1; n > maxListLen || n < 0 {
		return nil, fail(at, "the range %d..%d is too long (more than %d items)", from, to, maxListLen)
	}
	out := []any{}
	for i := from; ; i += step {
		out = append(out, i)
		if i == to {
			return out, nil
		}
	}
}

// rtFlat flattens one level: the results of "for a in as, b in bs".
func rtFlat(a ...any) (any, error) {
	l, _ := a[0].([]any)
	out := []any{}
	for _, e := range l {
		if sub, ok := e.([]any); ok {
			out = append(out, sub...)
		} else {
			out = append(out, e)
		}
	}
	return out, nil
}

// rtSome and rtEvery combine the conditions of some/every with FEEL's
// three-valued logic.
func rtSome(a ...any) (any, error) {
	l, _ := a[0].([]any)
	return rtAnyTrue(l...)
}

func rtEvery(a ...any) (any, error) {
	l, _ := a[0].([]any)
	var res any = true
	for _, v := range l {
		if v == false {
			return false, nil
		}
		if v != true {
			res = nil
		}
	}
	return res, nil
}

// property reads a component of a temporal value (date.year, duration.days).
func property(v any, name string) (any, bool) {
	switch x := v.(type) {
	case Date:
		return dateProperty(x.midnight(), name)
	case DateTime:
		if p, ok := dateProperty(x.T, name); ok {
			return p, true
		}
		return clockProperty(int64(x.T.Hour()*3600+x.T.Minute()*60+x.T.Second()), name, x)
	case Time:
		return clockProperty(x.Nanos/1e9, name, x)
	case Duration:
		d := int64(x) / 1e9
		switch name {
		case "days":
			return d / 86400, true
		case "hours":
			return d / 3600 % 24, true
		case "minutes":
			return d / 60 % 60, true
		case "seconds":
			return d % 60, true
		}
	case YearsMonths:
		switch name {
		case "years":
			return int64(x) / 12, true
		case "months":
			return int64(x) % 12, true
		}
	case Range:
		switch name {
		case "start":
			return x.Lo, true
		case "end":
			return x.Hi, true
		case "start included":
			return !x.LoOpen, true
		case "end included":
			return !x.HiOpen, true
		}
	}
	return nil, false
}

func dateProperty(t time.Time, name string) (any, bool) {
	switch name {
	case "year":
		return int64(t.Year()), true
	case "month":
		return int64(t.Month()), true
	case "day":
		return int64(t.Day()), true
	case "weekday":
		return int64((int(t.Weekday())+6)%7 + 1), true // Monday is 1
	}
	return nil, false
}

func clockProperty(sec int64, name string, v any) (any, bool) {
	switch name {
	case "hour":
		return sec / 3600, true
	case "minute":
		return sec / 60 % 60, true
	case "second":
		return sec % 60, true
	case "time offset":
		switch x := v.(type) {
		case Time:
			if x.HasOffset {
				return Duration(time.Duration(x.Offset) * time.Second), true
			}
		case DateTime:
			if !x.Local {
				_, off := x.T.Zone()
				return Duration(time.Duration(off) * time.Second), true
			}
		}
		return nil, true
	case "timezone":
		switch x := v.(type) {
		case Time:
			if x.Zone != "" {
				return x.Zone, true
			}
		case DateTime:
			if x.Zone != "" {
				return x.Zone, true
			}
		}
		return nil, true
	}
	return nil, false
}

// instanceOfType is "x instance of typ".
func instanceOfType(v any, typ string) bool {
	switch typ {
	case "Any":
		return v != nil
	case "Null":
		return v == nil
	}
	return v != nil && typeOf(v) == typ
}

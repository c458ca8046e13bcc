package expr

import (
	"time"

	"github.com/shopspring/decimal"
)

// Arithmetic: null in, null out; numbers are exact; + also joins strings;
// dates, times and durations add and subtract as FEEL says. Any other mix of
// types is an error that names the values.

func rtAdd(a ...any) (any, error) {
	x, y := a[0], a[1]
	if x == nil || y == nil {
		return nil, nil
	}
	if xi, ok := x.(int64); ok { // fast path
		if yi, ok := y.(int64); ok {
			if s := xi + yi; (s > xi) == (yi > 0) {
				return s, nil
			}
		}
	}
	if xn, ok := toNum(x); ok {
		if yn, ok := toNum(y); ok {
			return numAdd(xn, yn), nil
		}
	}
	if xs, ok := x.(string); ok {
		if ys, ok := y.(string); ok {
			return xs + ys, nil
		}
	}
	if v, ok := addTemporal(x, y, 1); ok {
		return v, nil
	}
	if v, ok := addTemporal(y, x, 1); ok {
		if _, isDur := x.(Duration); isDur || isYM(x) {
			return v, nil
		}
	}
	return nil, fail(atOf(a[2]), "cannot add %s and %s", describe(x), describe(y))
}

func isYM(v any) bool {
	_, ok := v.(YearsMonths)
	return ok
}

func rtSub(a ...any) (any, error) {
	x, y := a[0], a[1]
	if x == nil || y == nil {
		return nil, nil
	}
	if xn, ok := toNum(x); ok {
		if yn, ok := toNum(y); ok {
			return numSub(xn, yn), nil
		}
	}
	if v, ok := addTemporal(x, y, -1); ok {
		return v, nil
	}
	if v, ok := subTemporal(x, y); ok {
		return v, nil
	}
	return nil, fail(atOf(a[2]), "cannot subtract %s from %s", describe(y), describe(x))
}

func rtMul(a ...any) (any, error) {
	x, y := a[0], a[1]
	if x == nil || y == nil {
		return nil, nil
	}
	xn, xok := toNum(x)
	yn, yok := toNum(y)
	switch {
	case xok && yok:
		return numMul(xn, yn), nil
	case yok:
		if v, ok := scaleDuration(x, yn.dec(), false); ok {
			return v, nil
		}
	case xok:
		if v, ok := scaleDuration(y, xn.dec(), false); ok {
			return v, nil
		}
	}
	return nil, fail(atOf(a[2]), "cannot multiply %s by %s", describe(x), describe(y))
}

func rtDiv(a ...any) (any, error) {
	x, y := a[0], a[1]
	if x == nil || y == nil {
		return nil, nil
	}
	if yn, ok := toNum(y); ok {
		if numIsZero(yn) {
			return nil, fail(atOf(a[2]), "division by zero (%s / 0)", show(x))
		}
		if xn, ok := toNum(x); ok {
			return numDiv(xn, yn), nil
		}
		if v, ok := scaleDuration(x, yn.dec(), true); ok {
			return v, nil
		}
	}
	switch xd := x.(type) {
	case Duration:
		if yd, ok := y.(Duration); ok && yd != 0 {
			return numDiv(num{i: int64(xd)}, num{i: int64(yd)}), nil
		}
	case YearsMonths:
		if yd, ok := y.(YearsMonths); ok && yd != 0 {
			return numDiv(num{i: int64(xd)}, num{i: int64(yd)}), nil
		}
	}
	return nil, fail(atOf(a[2]), "cannot divide %s by %s", describe(x), describe(y))
}

func rtPow(a ...any) (any, error) {
	x, y := a[0], a[1]
	if x == nil || y == nil {
		return nil, nil
	}
	xn, xok := toNum(x)
	yn, yok := toNum(y)
	if xok && yok {
		if v, ok := numPow(xn, yn); ok {
			return v, nil
		}
		return nil, fail(atOf(a[2]), "%s ** %s is not a number", show(x), show(y))
	}
	return nil, fail(atOf(a[2]), "cannot raise %s to %s", describe(x), describe(y))
}

func rtNeg(a ...any) (any, error) {
	switch x := a[0].(type) {
	case nil:
		return nil, nil
	case Duration:
		return -x, nil
	case YearsMonths:
		return -x, nil
	}
	if n, ok := toNum(a[0]); ok {
		return numNeg(n), nil
	}
	return nil, fail(atOf(a[1]), "cannot negate %s", describe(a[0]))
}

// addTemporal adds sign*d to a date, date and time, time or duration t.
func addTemporal(t, d any, sign int64) (any, bool) {
	switch dur := d.(type) {
	case Duration:
		dd := time.Duration(int64(dur) * sign)
		switch x := t.(type) {
		case DateTime:
			x.T = x.T.Add(dd)
			return x, true
		case Date:
			return dateOf(x.midnight().Add(dd)), true
		case Time:
			const day = int64(24 * time.Hour)
			x.Nanos = ((x.Nanos+int64(dd))%day + day) % day
			return x, true
		case Duration:
			return x + Duration(dd), true
		}
	case YearsMonths:
		n := int64(dur) * sign
		switch x := t.(type) {
		case DateTime:
			x.T = addMonths(x.T, n)
			return x, true
		case Date:
			return dateOf(addMonths(x.midnight(), n)), true
		case YearsMonths:
			return x + YearsMonths(n), true
		}
	}
	return nil, false
}

// subTemporal is the difference of two dates, date-times or times, as a
// days and time duration.
func subTemporal(x, y any) (any, bool) {
	switch a := x.(type) {
	case DateTime:
		switch b := y.(type) {
		case DateTime:
			return Duration(a.T.Sub(b.T)), true
		case Date:
			return Duration(a.T.Sub(b.midnight())), true
		}
	case Date:
		switch b := y.(type) {
		case Date:
			return Duration(a.midnight().Sub(b.midnight())), true
		case DateTime:
			return Duration(a.midnight().Sub(b.T)), true
		}
	case Time:
		if b, ok := y.(Time); ok {
			return Duration(a.utcNanos() - b.utcNanos()), true
		}
	}
	return nil, false
}

// scaleDuration multiplies (or divides) a duration by a number.
func scaleDuration(v any, f decimal.Decimal, div bool) (any, bool) {
	var n decimal.Decimal
	switch d := v.(type) {
	case Duration:
		n = decimal.NewFromInt(int64(d))
	case YearsMonths:
		n = decimal.NewFromInt(int64(d))
	default:
		return nil, false
	}
	if div {
		if f.IsZero() {
			return nil, false
		}
		n = n.DivRound(f, 0)
	} else {
		n = n.Mul(f).Round(0)
	}
	if _, ok := v.(Duration); ok {
		return Duration(n.IntPart()), true
	}
	return YearsMonths(n.IntPart()), true
}

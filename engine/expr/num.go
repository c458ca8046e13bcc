package expr

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"

	"github.com/shopspring/decimal"
)

// Numbers inside an evaluation are int64 (the fast path, what integral
// literals and JSON integers become), fixed (small fractions, see
// fixed.go) or decimal.Decimal (exact, for everything bigger). Variables may also bring
// float64, json.Number and the other Go integer types; toNum reads them all.

// divPrecision is the number of decimal places of a division, like FEEL's
// DECIMAL128 (34 significant digits) for values around 1.
const divPrecision = 34

// num is a number read from any of the forms above.
type num struct {
	i     int64
	d     decimal.Decimal
	f     fixed
	isDec bool // not an int64: f if fx, else d
	fx    bool
}

func (n num) dec() decimal.Decimal {
	switch {
	case n.fx:
		return fixedDecimal(n.f)
	case n.isDec:
		return n.d
	}
	return decimal.NewFromInt(n.i)
}

// value returns n in its canonical in-evaluation form.
func (n num) value() any {
	switch {
	case n.fx:
		return n.f
	case n.isDec:
		return n.d
	}
	return n.i
}

// decValue is the in-evaluation form of a decimal result: int64 or fixed
// when it fits one.
func decValue(d decimal.Decimal) any {
	if d.IsInteger() {
		if bi := d.BigInt(); bi.IsInt64() {
			return bi.Int64()
		}
		return d
	}
	return fixedOf(d).value()
}

// toNum reads a number; ok is false if v is not one.
func toNum(v any) (num, bool) {
	switch x := v.(type) {
	case int64:
		return num{i: x}, true
	case int:
		return num{i: int64(x)}, true
	case float64:
		return floatNum(x)
	case fixed:
		return num{f: x, isDec: true, fx: true}, true
	case decimal.Decimal:
		return num{d: x, isDec: true}, true
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return num{i: i}, true
		}
		d, err := decimal.NewFromString(string(x))
		return num{d: d, isDec: true}, err == nil
	case int32:
		return num{i: int64(x)}, true
	case int16:
		return num{i: int64(x)}, true
	case int8:
		return num{i: int64(x)}, true
	case uint8:
		return num{i: int64(x)}, true
	case uint16:
		return num{i: int64(x)}, true
	case uint32:
		return num{i: int64(x)}, true
	case uint:
		return uintNum(uint64(x)), true
	case uint64:
		return uintNum(x), true
	case float32:
		return floatNum(float64(x))
	}
	return num{}, false
}

func uintNum(u uint64) num {
	if u <= math.MaxInt64 {
		return num{i: int64(u)}
	}
	return num{d: decimal.NewFromBigInt(new(big.Int).SetUint64(u), 0), isDec: true}
}

// floatNum reads a float64 as the decimal it prints as (0.1 is 0.1, not
// 0.1000000000000000055511151231257827).
func floatNum(f float64) (num, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return num{}, false
	}
	if f == math.Trunc(f) && f >= -(1<<53) && f <= 1<<53 {
		return num{i: int64(f)}, true
	}
	if n, ok := shortFloat(f); ok {
		return n, true
	}
	return num{d: decimal.NewFromFloat(f), isDec: true}, true
}

// shortFloat is decimal.NewFromFloat for the usual floats (up to 18
// significant digits in plain notation) without its cost: it reads the
// digits strconv prints for the shortest representation into a fixed.
func shortFloat(f float64) (num, bool) {
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], f, 'f', -1, 64)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var m int64
	var scale int32
	digits, frac := 0, false
	for _, c := range s {
		if c == '.' {
			frac = true
			continue
		}
		if m == 0 && c == '0' {
			if frac {
				scale++
			}
			continue
		}
		if digits++; digits > 18 {
			return num{}, false
		}
		m = m*10 + int64(c-'0')
		if frac {
			scale++
		}
	}
	if neg {
		m = -m
	}
	if scale > maxFixedScale {
		return num{}, false
	}
	return makeFixed(m, scale), true
}

func isNumber(v any) bool {
	_, ok := toNum(v)
	return ok
}

func numAdd(a, b num) any {
	if r, ok := fixedAdd(a, b); ok {
		return r.value()
	}
	return decValue(a.dec().Add(b.dec()))
}

func numSub(a, b num) any {
	if r, ok := fixedSub(a, b); ok {
		return r.value()
	}
	return decValue(a.dec().Sub(b.dec()))
}

func numMul(a, b num) any {
	if r, ok := fixedMul(a, b); ok {
		return r.value()
	}
	return decValue(a.dec().Mul(b.dec()))
}

// numDiv divides; the caller has checked b is not zero.
func numDiv(a, b num) any {
	if !a.isDec && !b.isDec && b.i != -1 && a.i%b.i == 0 {
		return a.i / b.i
	}
	return decValue(a.dec().DivRound(b.dec(), divPrecision))
}

func numIsZero(n num) bool {
	switch {
	case n.fx:
		return n.f.m == 0
	case n.isDec:
		return n.d.IsZero()
	}
	return n.i == 0
}

// numPow raises a to b: exactly when the exponent is integral and the
// result stays under maxPowDigits digits, in float64 otherwise (so that
// 1.5 ** 100000 cannot take a replica's apply loop hostage).
func numPow(a, b num) (any, bool) {
	ad, bd := a.dec(), b.dec()
	if bd.IsInteger() && bd.Abs().LessThanOrEqual(decimal.NewFromInt(maxPowDigits)) {
		e := bd.IntPart()
		if digits := int64(len(ad.Coefficient().String())) * max(e, -e); digits <= maxPowDigits {
			if e >= 0 {
				return decValue(ad.Pow(bd)), true
			}
			if numIsZero(a) {
				return nil, false
			}
			return decValue(decimal.NewFromInt(1).DivRound(ad.Pow(bd.Neg()), divPrecision)), true
		}
	}
	f := math.Pow(ad.InexactFloat64(), bd.InexactFloat64())
	n, ok := floatNum(f)
	return n.value(), ok
}

// maxPowDigits bounds the size of an exact power.
const maxPowDigits = 2000

func numCmp(a, b num) int {
	if c, ok := fixedCmp(a, b); ok {
		return c
	}
	return a.dec().Cmp(b.dec())
}

func numNeg(a num) any {
	if !a.isDec && a.i != math.MinInt64 {
		return -a.i
	}
	if a.fx && a.f.m != math.MinInt64 {
		return fixed{-a.f.m, a.f.scale}
	}
	return decValue(a.dec().Neg())
}

// outNumber is a number as a result leaves the package: int64 when it is
// integral and fits, else float64.
func outNumber(n num) any {
	if !n.isDec {
		return n.i
	}
	if n.fx {
		return fixedFloat(n.f)
	}
	if n.d.IsInteger() {
		if bi := n.d.BigInt(); bi.IsInt64() {
			return bi.Int64()
		}
	}
	return n.d.InexactFloat64()
}

// formatNum prints a number the way FEEL's string() does: no exponent, no
// trailing zeros.
func formatNum(n num) string {
	if !n.isDec {
		return strconv.FormatInt(n.i, 10)
	}
	return n.dec().String()
}

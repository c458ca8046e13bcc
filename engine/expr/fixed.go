package expr

import (
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// fixed is a small decimal, m × 10^-scale with m in an int64 and scale
// 1..18: what most fractional numbers in processes are (prices, rates,
// JSON floats). Arithmetic on it needs no allocation; a result that does
// not fit moves to decimal.Decimal. A fixed is never integral (makeFixed
// turns those into int64), so int64, fixed and decimal values compare and
// print alike whichever form they are in.
type fixed struct {
	m     int64
	scale int32
}

const maxFixedScale = 18

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// makeFixed normalizes m × 10^-scale: trailing zeros go, an integral value
// is an int64.
func makeFixed(m int64, scale int32) num {
	for scale > 0 && m%10 == 0 {
		m /= 10
		scale--
	}
	if scale == 0 {
		return num{i: m}
	}
	return num{isDec: true, fx: true, f: fixed{m, scale}}
}

// fixedParts gives n as m × 10^-scale if it is an int64 or a fixed.
func fixedParts(n num) (int64, int32, bool) {
	switch {
	case n.fx:
		return n.f.m, n.f.scale, true
	case !n.isDec:
		return n.i, 0, true
	}
	return 0, 0, false
}

// rescale multiplies m by 10^by, reporting overflow.
func rescale(m int64, by int32) (int64, bool) {
	if by == 0 {
		return m, true
	}
	if by > maxFixedScale {
		return 0, false
	}
	p := pow10[by]
	r := m * p
	if m != 0 && (r/p != m || (m == -1 && p == math.MinInt64)) {
		return 0, false
	}
	return r, true
}

// aligned brings a and b to one scale.
func aligned(a, b num) (ma, mb int64, scale int32, ok bool) {
	ma, sa, oka := fixedParts(a)
	mb, sb, okb := fixedParts(b)
	if !oka || !okb {
		return 0, 0, 0, false
	}
	scale = max(sa, sb)
	if ma, ok = rescale(ma, scale-sa); !ok {
		return 0, 0, 0, false
	}
	mb, ok = rescale(mb, scale-sb)
	return ma, mb, scale, ok
}

func fixedAdd(a, b num) (num, bool) {
	ma, mb, s, ok := aligned(a, b)
	if !ok {
		return num{}, false
	}
	r := ma + mb
	if (r > ma) != (mb > 0) {
		return num{}, false
	}
	return makeFixed(r, s), true
}

func fixedSub(a, b num) (num, bool) {
	ma, mb, s, ok := aligned(a, b)
	if !ok {
		return num{}, false
	}
	r := ma - mb
	if (r < ma) != (mb > 0) {
		return num{}, false
	}
	return makeFixed(r, s), true
}

func fixedMul(a, b num) (num, bool) {
	ma, sa, oka := fixedParts(a)
	mb, sb, okb := fixedParts(b)
	if !oka || !okb || sa+sb > maxFixedScale {
		return num{}, false
	}
	if ma == 0 || mb == 0 {
		return num{}, true
	}
	r := ma * mb
	if r/mb != ma || (ma == -1 && mb == math.MinInt64) || (mb == -1 && ma == math.MinInt64) {
		return num{}, false
	}
	return makeFixed(r, sa+sb), true
}

func fixedCmp(a, b num) (int, bool) {
	ma, mb, _, ok := aligned(a, b)
	if !ok {
		return 0, false
	}
	return cmpInt(ma, mb), true
}

// fixedDecimal converts f for the slow path.
func fixedDecimal(f fixed) decimal.Decimal { return decimal.New(f.m, -f.scale) }

// fixedOf returns d as a fixed number when it fits, else d itself.
func fixedOf(d decimal.Decimal) num {
	if exp := d.Exponent(); exp < 0 && exp >= -maxFixedScale {
		if c := d.Coefficient(); c.IsInt64() {
			return makeFixed(c.Int64(), -exp)
		}
	}
	return num{d: d, isDec: true}
}

// fixedFloat is f as the nearest float64: exact when m fits in 53 bits,
// since m and 10^scale are then exact floats and one division rounds once.
func fixedFloat(f fixed) float64 {
	if f.m < 1<<53 && f.m > -(1<<53) {
		return float64(f.m) / float64(pow10[f.scale])
	}
	x, _ := strconv.ParseFloat(fixedDecimal(f).String(), 64)
	return x
}

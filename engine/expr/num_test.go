package expr

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

func TestFloatsReadAsTheDecimalTheyPrintAs(t *testing.T) {
	floats := []float64{0.1, 0.2, 19.99, -2.5, 1e-7, 123456.789, 0.30000000000000004, 1.5e300, -1e-300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 9007199254740993.5, 0.000123, 1234567890.0987654}
	for _, f := range floats {
		n, ok := floatNum(f)
		if !ok {
			t.Errorf("floatNum(%v) failed", f)
			continue
		}
		if want := decimal.NewFromFloat(f); !n.dec().Equal(want) {
			t.Errorf("floatNum(%v) = %v, want %v", f, n.dec(), want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, ok := floatNum(f); ok {
			t.Errorf("floatNum(%v) accepted a non-number", f)
		}
	}
}

func TestIntegerArithmeticOverflowsIntoDecimals(t *testing.T) {
	tests := []struct {
		got  any
		want string
	}{
		{numAdd(num{i: math.MaxInt64}, num{i: 1}), "9223372036854775808"},
		{numSub(num{i: math.MinInt64}, num{i: 1}), "-9223372036854775809"},
		{numMul(num{i: math.MaxInt64}, num{i: 2}), "18446744073709551614"},
		{numMul(num{i: -1}, num{i: math.MinInt64}), "9223372036854775808"},
		{numNeg(num{i: math.MinInt64}), "9223372036854775808"},
		{numDiv(num{i: math.MinInt64}, num{i: -1}), "9223372036854775808"},
		{numAdd(num{i: 2}, num{i: 3}), "5"},
	}
	for i, tt := range tests {
		n, _ := toNum(tt.got)
		if n.dec().String() != tt.want {
			t.Errorf("case %d = %v, want %s", i, tt.got, tt.want)
		}
	}
}

// TestFastArithmeticAgreesWithDecimals checks the int64 and fixed fast
// paths against shopspring/decimal on many operand pairs, overflow edges
// included.
func TestFastArithmeticAgreesWithDecimals(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	edges := []int64{0, 1, -1, 7, math.MaxInt64, math.MinInt64, math.MaxInt64 / 10, 999999999999999999, -999999999999999999, 1 << 53}
	var vals []num
	for _, m := range edges {
		for _, scale := range []int32{0, 1, 2, 9, 17, 18} {
			vals = append(vals, makeFixed(m, scale))
		}
	}
	for range 300 {
		m := rng.Int64N(2_000_000_000) - 1_000_000_000
		if rng.IntN(4) == 0 {
			m = int64(rng.Uint64())
		}
		vals = append(vals, makeFixed(m, int32(rng.IntN(19))))
	}
	vals = append(vals, num{d: decimal.RequireFromString("1e-30"), isDec: true}, num{d: decimal.RequireFromString("123456789012345678901234.5"), isDec: true})
	check := func(op string, got any, want decimal.Decimal, a, b num) {
		t.Helper()
		n, ok := toNum(got)
		if !ok || !n.dec().Equal(want) {
			t.Fatalf("%s %s %s = %v, want %s", a.dec(), op, b.dec(), got, want)
		}
	}
	for _, a := range vals {
		for _, b := range vals {
			check("+", numAdd(a, b), a.dec().Add(b.dec()), a, b)
			check("-", numSub(a, b), a.dec().Sub(b.dec()), a, b)
			check("*", numMul(a, b), a.dec().Mul(b.dec()), a, b)
			if got, want := numCmp(a, b), a.dec().Cmp(b.dec()); got != want {
				t.Fatalf("cmp(%s, %s) = %d, want %d", a.dec(), b.dec(), got, want)
			}
		}
		check("neg", numNeg(a), a.dec().Neg(), a, a)
	}
}

func TestFixedNumbersLeaveAsTheNearestFloat(t *testing.T) {
	for _, s := range []string{"0.1", "19.99", "-2.5", "0.000000000000000001", "123456789.123456789", "9007199254740993.1"} {
		n := fixedOf(decimal.RequireFromString(s))
		want, _ := strconv.ParseFloat(s, 64)
		if got := outNumber(n); got != want {
			t.Errorf("outNumber(%s) = %v, want %v", s, got, want)
		}
	}
}

package expr

import (
	"math"
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

package expr

import (
	"fmt"
	"math"

	"github.com/shopspring/decimal"
)

var numberFuncs = []*builtin{
	fn("decimal", []string{"n", "scale"}, 2, rounding(decimal.Decimal.RoundBank)),
	fn("floor", []string{"n", "scale"}, 1, rounding(decimal.Decimal.RoundFloor)),
	fn("ceiling", []string{"n", "scale"}, 1, rounding(decimal.Decimal.RoundCeil)),
	fn("round up", []string{"n", "scale"}, 1, rounding(decimal.Decimal.RoundUp)),
	fn("round down", []string{"n", "scale"}, 1, rounding(decimal.Decimal.RoundDown)),
	fn("round half up", []string{"n", "scale"}, 1, rounding(decimal.Decimal.Round)),
	fn("round half down", []string{"n", "scale"}, 1, rounding(roundHalfDown)),
	fn("abs", []string{"n|number"}, 1, abs),
	fn("modulo", []string{"dividend", "divisor"}, 2, modulo),
	fn("sqrt", []string{"number"}, 1, floatFunc("sqrt", math.Sqrt)),
	fn("log", []string{"number"}, 1, floatFunc("log", math.Log)),
	fn("exp", []string{"number"}, 1, floatFunc("exp", math.Exp)),
	fn("odd", []string{"number"}, 1, parity(1)),
	fn("even", []string{"number"}, 1, parity(0)),
}

// maxScale bounds the scale of rounding functions.
const maxScale = 1000

func rounding(round func(d decimal.Decimal, places int32) decimal.Decimal) func([]any) (any, error) {
	return func(a []any) (any, error) {
		n, err := wantNum(a[0], "n")
		if err != nil {
			return nil, err
		}
		var scale int64
		if len(a) > 1 && a[1] != nil {
			if scale, err = wantInt(a[1], "the scale"); err != nil {
				return nil, err
			}
			if scale < -maxScale || scale > maxScale {
				return nil, fmt.Errorf("the scale %d is out of range", scale)
			}
		}
		return decValue(round(n.dec(), int32(scale))), nil
	}
}

// roundHalfDown rounds to the nearest, ties toward zero.
func roundHalfDown(d decimal.Decimal, places int32) decimal.Decimal {
	down := d.RoundDown(places)
	half := decimal.New(5, -places-1)
	if d.Sub(down).Abs().Equal(half) {
		return down
	}
	return d.Round(places)
}

func abs(a []any) (any, error) {
	switch d := a[0].(type) {
	case Duration:
		return max(d, -d), nil
	case YearsMonths:
		return max(d, -d), nil
	}
	n, err := wantNum(a[0], "n")
	if err != nil {
		return nil, err
	}
	if numCmp(n, num{}) < 0 {
		return numNeg(n), nil
	}
	return n.value(), nil
}

// modulo has the sign of the divisor: modulo(-12, 5) = 3.
func modulo(a []any) (any, error) {
	x, err := wantNum(a[0], "the dividend")
	if err != nil {
		return nil, err
	}
	y, err := wantNum(a[1], "the divisor")
	if err != nil {
		return nil, err
	}
	if numIsZero(y) {
		return nil, fmt.Errorf("division by zero")
	}
	xd, yd := x.dec(), y.dec()
	q := xd.DivRound(yd, divPrecision).Floor()
	return decValue(xd.Sub(yd.Mul(q))), nil
}

func floatFunc(name string, f func(float64) float64) func([]any) (any, error) {
	return func(a []any) (any, error) {
		n, err := wantNum(a[0], "the number")
		if err != nil {
			return nil, err
		}
		r, ok := floatNum(f(n.dec().InexactFloat64()))
		if !ok {
			return nil, fmt.Errorf("%s(%s) is not a number", name, formatNum(n))
		}
		return r.value(), nil
	}
}

func parity(rem int64) func([]any) (any, error) {
	return func(a []any) (any, error) {
		i, err := wantInt(a[0], "the number")
		if err != nil {
			return nil, err
		}
		return (i%2+2)%2 == rem, nil
	}
}

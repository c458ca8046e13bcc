package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Durations: FEEL's two kinds, their ISO 8601 text and its parser.

func (d Duration) String() string {
	n := int64(d)
	if n == 0 {
		return "PT0S"
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	const sec = int64(time.Second)
	days, n := n/(24*3600*sec), n%(24*3600*sec)
	hours, n := n/(3600*sec), n%(3600*sec)
	mins, n := n/(60*sec), n%(60*sec)
	s := sign + "P"
	if days > 0 {
		s += strconv.FormatInt(days, 10) + "D"
	}
	if hours == 0 && mins == 0 && n == 0 {
		return s
	}
	s += "T"
	if hours > 0 {
		s += strconv.FormatInt(hours, 10) + "H"
	}
	if mins > 0 {
		s += strconv.FormatInt(mins, 10) + "M"
	}
	if n > 0 {
		s += strconv.FormatInt(n/sec, 10) + fraction(n%sec) + "S"
	}
	return s
}

func (m YearsMonths) String() string {
	n := int64(m)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	switch {
	case n == 0:
		return "P0M"
	case n%12 == 0:
		return fmt.Sprintf("%sP%dY", sign, n/12)
	case n < 12:
		return fmt.Sprintf("%sP%dM", sign, n)
	}
	return fmt.Sprintf("%sP%dY%dM", sign, n/12, n%12)
}

// parseDuration reads an ISO 8601 duration: "P1Y2M" is a YearsMonths,
// "P1DT2H", "PT0.5S", "P2W" a Duration; mixing the two is an error, and so
// is a duration beyond what the types hold (about 292 years of seconds).
func parseDuration(s string) (any, error) {
	bad := fmt.Errorf("%q is not a duration (expected ISO 8601, like \"PT5S\" or \"P1Y2M\")", s)
	tooLarge := fmt.Errorf("duration %q is too large", s)
	rest, neg := strings.CutPrefix(s, "-")
	rest, ok := strings.CutPrefix(rest, "P")
	if !ok || rest == "" {
		return nil, bad
	}
	dateUnits, timeUnits := "YMWD", "HMS"
	var months, secs, nanos int64
	hasYM, hasDT, inTime := false, false, false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime || len(rest) == 1 {
				return nil, bad
			}
			inTime, rest = true, rest[1:]
			continue
		}
		digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
		if digits == 0 {
			return nil, bad
		}
		n, err := strconv.ParseInt(rest[:digits], 10, 64)
		if err != nil {
			return nil, tooLarge
		}
		rest = rest[digits:]
		frac := ""
		if strings.HasPrefix(rest, ".") {
			fd := len(rest[1:]) - len(strings.TrimLeft(rest[1:], "0123456789"))
			if fd == 0 || fd > 9 {
				return nil, bad
			}
			frac, rest = rest[:fd+1], rest[fd+1:]
		}
		if rest == "" {
			return nil, bad
		}
		unit := rest[0]
		rest = rest[1:]
		units := &dateUnits
		if inTime {
			units = &timeUnits
		}
		k := strings.IndexByte(*units, unit)
		if k < 0 || (frac != "" && !(inTime && unit == 'S')) {
			return nil, bad
		}
		*units = (*units)[k+1:] // each unit once, in order
		var perUnit int64
		switch {
		case !inTime && unit == 'Y':
			hasYM, n = true, mulOrMax(n, 12)
		case !inTime && unit == 'M':
			hasYM = true
		case unit == 'W':
			hasDT, perUnit = true, 7*24*3600
		case unit == 'D':
			hasDT, perUnit = true, 24*3600
		case unit == 'H':
			hasDT, perUnit = true, 3600
		case unit == 'M':
			hasDT, perUnit = true, 60
		default: // S
			hasDT, perUnit = true, 1
			nanos = parseFraction(frac)
		}
		if perUnit == 0 {
			if n > maxMonths-months {
				return nil, tooLarge
			}
			months += n
			continue
		}
		v := mulOrMax(n, perUnit)
		if v > maxDurationSecs-secs {
			return nil, tooLarge
		}
		secs += v
	}
	if hasYM && hasDT {
		return nil, fmt.Errorf("%q mixes years/months with days/time, which FEEL does not allow", s)
	}
	sign := int64(1)
	if neg {
		sign = -1
	}
	if hasYM {
		return YearsMonths(sign * months), nil
	}
	return Duration(sign * (secs*1e9 + nanos)), nil
}

// The largest durations: what a Go time.Duration holds, and a bound on
// months that keeps date arithmetic in range.
const (
	maxDurationSecs = math.MaxInt64/int64(time.Second) - 1
	maxMonths       = 12 * 1_000_000
)

// mulOrMax multiplies non-negative a and b, saturating at MaxInt64.
func mulOrMax(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

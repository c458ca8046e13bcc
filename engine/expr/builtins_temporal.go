package expr

import (
	"fmt"
	"time"
)

var temporalFuncs = []*builtin{
	{name: "now", min: 0, max: 0, env: true, fn: func(a []any) (any, error) {
		t, err := clock(a[0])
		if err != nil {
			return nil, err
		}
		return DateTime{T: t.UTC()}, nil
	}},
	{name: "today", min: 0, max: 0, env: true, fn: func(a []any) (any, error) {
		t, err := clock(a[0])
		if err != nil {
			return nil, err
		}
		return dateOf(t.UTC()), nil
	}},
	fn("date", []string{"from|year", "month", "day"}, 1, dateFn),
	fn("time", []string{"from|hour", "minute", "second", "offset"}, 1, timeFn),
	fn("date and time", []string{"from|date", "time"}, 1, dateTimeFn),
	fn("duration", []string{"from"}, 1, func(a []any) (any, error) {
		s, err := wantString(a[0], "the argument")
		if err != nil {
			return nil, err
		}
		return parseDuration(s)
	}),
	fn("years and months duration", []string{"from", "to"}, 2, yearsMonthsBetween),
	fn("day of week", []string{"date"}, 1, withDate(func(t time.Time) any { return t.Weekday().String() })),
	fn("day of year", []string{"date"}, 1, withDate(func(t time.Time) any { return int64(t.YearDay()) })),
	fn("week of year", []string{"date"}, 1, withDate(func(t time.Time) any { _, w := t.ISOWeek(); return int64(w) })),
	fn("month of year", []string{"date"}, 1, withDate(func(t time.Time) any { return t.Month().String() })),
	fn("last day of month", []string{"date"}, 1, withDate(func(t time.Time) any {
		return int64(time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day())
	})),
}

func clock(env any) (time.Time, error) {
	c, ok := env.(Clock)
	if !ok {
		return time.Time{}, fmt.Errorf("no clock was given for this evaluation (the caller must use expr.At)")
	}
	return c.Now(), nil
}

func dateFn(a []any) (any, error) {
	if len(a) == 1 {
		switch x := a[0].(type) {
		case string:
			if dateRE.MatchString(x) {
				return parseDate(x)
			}
			dt, err := parseDateTime(x)
			if err != nil {
				return nil, fmt.Errorf("%q is not a date (expected YYYY-MM-DD)", x)
			}
			return dateOf(dt.T), nil
		case Date:
			return x, nil
		case DateTime:
			return dateOf(x.T), nil
		}
		return nil, fmt.Errorf("cannot make a date from %s", describe(a[0]))
	}
	if len(a) != 3 {
		return nil, fmt.Errorf("takes a string, a date and time, or year, month and day")
	}
	var ymd [3]int64
	for i, what := range []string{"the year", "the month", "the day"} {
		v, err := wantInt(a[i], what)
		if err != nil {
			return nil, err
		}
		ymd[i] = v
	}
	if ymd[0] < -999999999 || ymd[0] > 999999999 {
		return nil, fmt.Errorf("the year %d is out of range", ymd[0])
	}
	return makeDate(int(ymd[0]), int(ymd[1]), int(ymd[2]))
}

func timeFn(a []any) (any, error) {
	if len(a) == 1 {
		switch x := a[0].(type) {
		case string:
			return parseTime(x)
		case Time:
			return x, nil
		case DateTime:
			h, m, s := x.T.Clock()
			t := Time{Nanos: int64(h*3600+m*60+s)*1e9 + int64(x.T.Nanosecond())}
			if !x.Local {
				_, off := x.T.Zone()
				t.HasOffset, t.Offset, t.Zone = true, off, x.Zone
			}
			return t, nil
		}
		return nil, fmt.Errorf("cannot make a time from %s", describe(a[0]))
	}
	if len(a) < 3 {
		return nil, fmt.Errorf("takes a string, a date and time, or hour, minute, second and an optional offset")
	}
	var hms [3]int64
	for i, what := range []string{"the hour", "the minute", "the second"} {
		v, err := wantInt(a[i], what)
		if err != nil {
			return nil, err
		}
		hms[i] = v
	}
	if hms[0] < 0 || hms[0] > 23 || hms[1] < 0 || hms[1] > 59 || hms[2] < 0 || hms[2] > 59 {
		return nil, fmt.Errorf("%02d:%02d:%02d is not a valid time", hms[0], hms[1], hms[2])
	}
	t := Time{Nanos: (hms[0]*3600 + hms[1]*60 + hms[2]) * 1e9}
	if len(a) > 3 && a[3] != nil {
		off, ok := a[3].(Duration)
		if !ok {
			return nil, fmt.Errorf("the offset must be a days and time duration, not %s", describe(a[3]))
		}
		t.HasOffset, t.Offset = true, int(time.Duration(off)/time.Second)
	}
	return t, nil
}

func dateTimeFn(a []any) (any, error) {
	if len(a) == 1 {
		switch x := a[0].(type) {
		case string:
			return parseDateTime(x)
		case DateTime:
			return x, nil
		case Date:
			return DateTime{T: x.midnight(), Local: true}, nil
		}
		return nil, fmt.Errorf("cannot make a date and time from %s", describe(a[0]))
	}
	var d Date
	switch x := a[0].(type) {
	case Date:
		d = x
	case DateTime:
		d = dateOf(x.T)
	default:
		return nil, fmt.Errorf("the date must be a date, not %s", describe(a[0]))
	}
	t, ok := a[1].(Time)
	if !ok {
		return nil, fmt.Errorf("the time must be a time, not %s", describe(a[1]))
	}
	return combine(d, t)
}

func asDate(v any) (time.Time, error) {
	switch x := v.(type) {
	case Date:
		return x.midnight(), nil
	case DateTime:
		return x.T, nil
	}
	return time.Time{}, fmt.Errorf("the argument must be a date or a date and time, not %s", describe(v))
}

func withDate(f func(time.Time) any) func([]any) (any, error) {
	return func(a []any) (any, error) {
		t, err := asDate(a[0])
		if err != nil {
			return nil, err
		}
		return f(t), nil
	}
}

// yearsMonthsBetween counts whole months from one date to another, as
// Java's Period.between does (only the dates count): Jan 31 to Feb 28 is no
// whole month.
func yearsMonthsBetween(a []any) (any, error) {
	from, err := asDate(a[0])
	if err != nil {
		return nil, err
	}
	to, err := asDate(a[1])
	if err != nil {
		return nil, err
	}
	months := int64(to.Year()-from.Year())*12 + int64(to.Month()-from.Month())
	days := to.Day() - from.Day()
	switch {
	case months > 0 && days < 0:
		months--
	case months < 0 && days > 0:
		months++
	}
	return YearsMonths(months), nil
}

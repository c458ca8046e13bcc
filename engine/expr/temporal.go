package expr

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone ids resolve the same on every node, whatever its OS has
)

// Date is a FEEL date; it marshals to JSON as "2024-01-31".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Time is a FEEL time of day, with an optional UTC offset or zone; it
// marshals as "11:45:30", "11:45:30.5+02:00" or "11:45:30@Europe/Berlin".
type Time struct {
	Nanos     int64 // since midnight
	HasOffset bool
	Offset    int    // seconds east of UTC, when HasOffset
	Zone      string // IANA zone id, when given as "@Europe/Berlin"
}

// DateTime is a FEEL date and time. A local one (no offset, no zone) marshals
// as "2024-01-31T10:00:00"; others as "2024-01-31T10:00:00Z",
// "...+02:00" or "...+01:00[Europe/Berlin]". Local values compare as if
// they were UTC.
type DateTime struct {
	T     time.Time
	Local bool
	Zone  string // IANA zone id if it was given
}

// Duration is a FEEL days and time duration; it marshals as "P1DT2H30M".
type Duration time.Duration

// YearsMonths is a FEEL years and months duration in months; it marshals as "P1Y2M".
type YearsMonths int64

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

func (d Date) midnight() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func dateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

func (t Time) String() string {
	sec := t.Nanos / 1e9
	s := fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	s += fraction(t.Nanos % 1e9)
	switch {
	case t.Zone != "":
		s += "@" + t.Zone
	case t.HasOffset:
		s += formatOffset(t.Offset)
	}
	return s
}

// utcNanos is the time of day in UTC, for comparing times with offsets.
func (t Time) utcNanos() int64 {
	n := t.Nanos - int64(t.Offset)*1e9
	const day = 24 * 3600 * 1e9
	return ((n % day) + day) % day
}

func fraction(nanos int64) string {
	if nanos == 0 {
		return ""
	}
	return strings.TrimRight(fmt.Sprintf(".%09d", nanos), "0")
}

func formatOffset(sec int) string {
	if sec == 0 {
		return "Z"
	}
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d:%02d", sign, sec/3600, sec/60%60)
}

func (dt DateTime) String() string {
	t := dt.T
	s := t.Format("2006-01-02T15:04:05") + fraction(int64(t.Nanosecond()))
	if dt.Local {
		return s
	}
	_, off := t.Zone()
	if dt.Zone != "" {
		if off == 0 {
			return s + "+00:00[" + dt.Zone + "]"
		}
		return s + formatOffset(off) + "[" + dt.Zone + "]"
	}
	return s + formatOffset(off)
}

func (d Date) MarshalJSON() ([]byte, error)        { return []byte(strconv.Quote(d.String())), nil }
func (t Time) MarshalJSON() ([]byte, error)        { return []byte(strconv.Quote(t.String())), nil }
func (dt DateTime) MarshalJSON() ([]byte, error)   { return []byte(strconv.Quote(dt.String())), nil }
func (d Duration) MarshalJSON() ([]byte, error)    { return []byte(strconv.Quote(d.String())), nil }
func (m YearsMonths) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(m.String())), nil }

var (
	dateRE = regexp.MustCompile(`^(-?\d{4,9})-(\d{2})-(\d{2})$`)
	timeRE = regexp.MustCompile(`^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?(?:@([A-Za-z][A-Za-z0-9_+/-]*)|\[([A-Za-z][A-Za-z0-9_+/-]*)\])?$`)
)

func parseDate(s string) (Date, error) {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return Date{}, fmt.Errorf("%q is not a date (expected YYYY-MM-DD)", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return makeDate(y, mo, d)
}

func makeDate(y, mo, d int) (Date, error) {
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if mo < 1 || mo > 12 || t.Day() != d {
		return Date{}, fmt.Errorf("%04d-%02d-%02d is not a valid date", y, mo, d)
	}
	return dateOf(t), nil
}

// parseTime reads "HH:MM[:SS[.fff]][Z|+HH:MM][@zone]".
func parseTime(s string) (Time, error) {
	m := timeRE.FindStringSubmatch(s)
	if m == nil {
		return Time{}, fmt.Errorf("%q is not a time (expected HH:MM:SS)", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	if h > 23 || mi > 59 || sec > 59 {
		return Time{}, fmt.Errorf("%q is not a valid time", s)
	}
	t := Time{Nanos: int64(h*3600+mi*60+sec)*1e9 + parseFraction(m[4])}
	if m[5] != "" {
		t.HasOffset, t.Offset = true, parseOffset(m[5])
	}
	if zone := m[6] + m[7]; zone != "" {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return Time{}, &zoneError{zone}
		}
		_, off := time.Date(2000, 1, 1, 0, 0, 0, 0, loc).Zone()
		t.Zone, t.HasOffset, t.Offset = zone, true, off
	}
	return t, nil
}

// zoneError is an unknown IANA zone id.
type zoneError struct{ zone string }

func (e *zoneError) Error() string { return fmt.Sprintf("unknown time zone %q", e.zone) }

func parseFraction(f string) int64 {
	if f == "" {
		return 0
	}
	n, _ := strconv.ParseInt((f[1:] + "000000000")[:9], 10, 64)
	return n
}

func parseOffset(s string) int {
	if s == "Z" {
		return 0
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[4:6])
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off
}

// parseDateTime reads "<date>T<time>", where the time may carry an offset
// or zone; a bare date is midnight.
func parseDateTime(s string) (DateTime, error) {
	ds, ts, found := strings.Cut(s, "T")
	d, err := parseDate(ds)
	if err != nil {
		return DateTime{}, fmt.Errorf("%q is not a date and time (expected YYYY-MM-DDTHH:MM:SS)", s)
	}
	if !found {
		return DateTime{T: d.midnight(), Local: true}, nil
	}
	t, err := parseTime(ts)
	if _, ok := err.(*zoneError); ok {
		return DateTime{}, err
	}
	if err != nil {
		return DateTime{}, fmt.Errorf("%q is not a date and time (expected YYYY-MM-DDTHH:MM:SS)", s)
	}
	return combine(d, t)
}

// combine builds a date and time from a date and a time of day.
func combine(d Date, t Time) (DateTime, error) {
	sec := int(t.Nanos / 1e9)
	nanos := int(t.Nanos % 1e9)
	switch {
	case t.Zone != "":
		loc, err := time.LoadLocation(t.Zone)
		if err != nil {
			return DateTime{}, fmt.Errorf("unknown time zone %q", t.Zone)
		}
		return DateTime{T: time.Date(d.Year, d.Month, d.Day, sec/3600, sec/60%60, sec%60, nanos, loc), Zone: t.Zone}, nil
	case t.HasOffset:
		loc := time.FixedZone("", t.Offset)
		if t.Offset == 0 {
			loc = time.UTC
		}
		return DateTime{T: time.Date(d.Year, d.Month, d.Day, sec/3600, sec/60%60, sec%60, nanos, loc)}, nil
	}
	return DateTime{T: time.Date(d.Year, d.Month, d.Day, sec/3600, sec/60%60, sec%60, nanos, time.UTC), Local: true}, nil
}

// addMonths moves a date by n months, clamping the day to the end of the
// month (Jan 31 + 1 month = Feb 28/29), as Java and FEEL do.
func addMonths(t time.Time, n int64) time.Time {
	y, mo, d := t.Date()
	total := int64(y)*12 + int64(mo-1) + n
	ny, nm := int(total/12), time.Month(total%12+1)
	if total < 0 && total%12 != 0 {
		ny, nm = int(total/12)-1, time.Month(total%12+13)
	}
	last := time.Date(ny, nm+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d > last {
		d = last
	}
	h, mi, s := t.Clock()
	return time.Date(ny, nm, d, h, mi, s, t.Nanosecond(), t.Location())
}

// compareTemporal orders two temporal values of the same kind.
func compareTemporal(a, b any) (int, bool) {
	switch x := a.(type) {
	case Date:
		if y, ok := b.(Date); ok {
			return x.midnight().Compare(y.midnight()), true
		}
	case DateTime:
		if y, ok := b.(DateTime); ok {
			return x.T.Compare(y.T), true
		}
	case Time:
		if y, ok := b.(Time); ok {
			return cmpInt(x.utcNanos(), y.utcNanos()), true
		}
	case Duration:
		if y, ok := b.(Duration); ok {
			return cmpInt(int64(x), int64(y)), true
		}
	case YearsMonths:
		if y, ok := b.(YearsMonths); ok {
			return cmpInt(int64(x), int64(y)), true
		}
	}
	return 0, false
}

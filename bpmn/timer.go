package bpmn

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone ids in timeDate work the same on every machine

	"github.com/robfig/cron/v3"
	"github.com/sosodev/duration"
)

// Timer values follow Zeebe: timeDate is an ISO 8601 date-time with an
// offset (optionally followed by a zone id in brackets), timeDuration an
// ISO 8601 duration, timeCycle an ISO 8601 repeating interval
// ("R5/PT10S", "R/2025-01-01T09:00:00Z/P1D") or a cron expression with
// seconds, as Spring writes it ("0 0 9 * * MON-FRI"). The engine evaluates
// expression timers at run time with the same functions.

// ParseTimeDate parses a timeDate value.
func ParseTimeDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	zone := ""
	if i := strings.IndexByte(s, '['); i >= 0 && strings.HasSuffix(s, "]") {
		s, zone = s[:i], s[i+1:len(s)-1]
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if zone != "" {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				return time.Time{}, fmt.Errorf("unknown time zone %q", zone)
			}
			t = t.In(loc)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time with offset (like 2025-10-01T12:00:00Z)", s)
}

// ParseTimeDuration parses a timeDuration value.
func ParseTimeDuration(s string) (*duration.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := duration.Parse(s)
	if err != nil || s == "P" || s == "PT" || strings.HasSuffix(s, "T") {
		return nil, fmt.Errorf("%q is not an ISO 8601 duration (like PT5M or P1DT2H)", s)
	}
	return d, nil
}

// Cycle is a parsed timeCycle: either a repeating interval or a cron
// schedule.
type Cycle struct {
	// Repetitions is the number of repetitions; -1 means unbounded ("R/").
	Repetitions int
	// Start is the first due date of "R/start/interval", zero if absent.
	Start    time.Time
	Interval *duration.Duration
	// Cron is set for cron cycles, which repeat without bound.
	Cron cron.Schedule
}

// cronParser reads Spring-style cron with a seconds field, and descriptors
// like @daily.
var cronParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseTimeCycle parses a timeCycle value.
func ParseTimeCycle(s string) (Cycle, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "R") {
		sched, err := cronParser.Parse(s)
		if err != nil {
			return Cycle{}, fmt.Errorf("%q is neither an ISO 8601 repeating interval (like R5/PT10S) nor a cron expression (like 0 0 9 * * MON): %v", s, err)
		}
		return Cycle{Repetitions: -1, Cron: sched}, nil
	}
	parts := strings.Split(s, "/")
	c := Cycle{Repetitions: -1}
	if n := strings.TrimPrefix(parts[0], "R"); n != "" {
		r, err := strconv.Atoi(n)
		if err != nil || r < 0 {
			return Cycle{}, fmt.Errorf("%q: repetitions %q is not a number", s, n)
		}
		c.Repetitions = r
	}
	var err error
	switch len(parts) {
	case 2:
		c.Interval, err = ParseTimeDuration(parts[1])
	case 3:
		if c.Start, err = ParseTimeDate(parts[1]); err == nil {
			c.Interval, err = ParseTimeDuration(parts[2])
		}
	default:
		err = errors.New("expected R<n>/<duration> or R<n>/<start>/<duration>")
	}
	if err != nil {
		return Cycle{}, fmt.Errorf("%q is not an ISO 8601 repeating interval: %v", s, err)
	}
	return c, nil
}

// timer resolves and checks a timer event definition: exactly one of the
// three forms, allowed at this place, and a valid literal.
func (b *builder) timer(n *Node, ed *EventDefinition) *Timer {
	var forms []*Timer
	for _, f := range []struct {
		k TimerKind
		x *Expression
	}{{TimeDate, ed.TimeDate}, {TimeDuration, ed.TimeDuration}, {TimeCycle, ed.TimeCycle}} {
		if f.x != nil && !f.x.IsZero() {
			forms = append(forms, &Timer{Kind: f.k, Value: *f.x})
		}
	}
	switch len(forms) {
	case 0:
		b.c.nodeErrorf(n, "timer has no timeDate, timeDuration or timeCycle")
		return nil
	case 1:
	default:
		b.c.nodeErrorf(n, "timer has more than one of timeDate, timeDuration and timeCycle")
		return nil
	}
	t := forms[0]
	if !timerAllowed(n, t.Kind) {
		b.c.nodeErrorf(n, "a %s timer is not allowed on %s", t.Kind, timerPlace(n))
	}
	if t.Value.IsExpr {
		return t
	}
	var err error
	switch t.Kind {
	case TimeDate:
		_, err = ParseTimeDate(t.Value.Raw)
	case TimeDuration:
		_, err = ParseTimeDuration(t.Value.Raw)
	case TimeCycle:
		_, err = ParseTimeCycle(t.Value.Raw)
	}
	if err != nil {
		b.c.nodeErrorf(n, "invalid %s: %v", t.Kind, err)
	}
	return t
}

// timerAllowed follows Zeebe: start events of a process take a date or a
// cycle; intermediate catch events and interrupting boundary or event
// subprocess start events a date or a duration; non-interrupting ones any
// form.
func timerAllowed(n *Node, k TimerKind) bool {
	switch {
	case n.Kind == KindStartEvent && n.Scope.Kind == KindProcess:
		return k != TimeDuration
	case n.Kind == KindIntermediateCatchEvent:
		return k != TimeCycle
	case n.Kind == KindBoundaryEvent:
		return !n.CancelActivity || k != TimeCycle
	case n.Kind == KindStartEvent:
		return !n.Interrupting || k != TimeCycle
	}
	return true
}

func timerPlace(n *Node) string {
	switch {
	case n.Kind == KindStartEvent && n.Scope.Kind == KindProcess:
		return "a process start event (use timeDate or timeCycle)"
	case n.Kind == KindIntermediateCatchEvent:
		return "an intermediate catch event (use timeDate or timeDuration)"
	}
	return "an interrupting event (use timeDate or timeDuration)"
}

package bpmn

import (
	"testing"
	"time"
)

func TestParseTimeDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, "" = error
	}{
		{"2025-10-01T12:00:00Z", "2025-10-01T12:00:00Z"},
		{"2025-10-01T12:00:00.5+02:00", "2025-10-01T10:00:00.5Z"},
		{"2025-10-01T12:00Z", "2025-10-01T12:00:00Z"},
		{"2025-10-01T12:00:00+02:00[Europe/Berlin]", "2025-10-01T10:00:00Z"},
		{" 2025-10-01T12:00:00Z ", "2025-10-01T12:00:00Z"},
		{"2025-10-01T12:00:00", ""}, // no offset: ambiguous
		{"2025-10-01", ""},
		{"2025-10-01T12:00:00Z[Not/AZone]", ""},
		{"tomorrow", ""},
	}
	for _, tt := range tests {
		got, err := ParseTimeDate(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseTimeDate(%q) = %v, want an error", tt.in, got)
		case tt.want != "" && err != nil:
			t.Errorf("ParseTimeDate(%q): %v", tt.in, err)
		case tt.want != "" && got.UTC().Format(time.RFC3339Nano) != tt.want:
			t.Errorf("ParseTimeDate(%q) = %v, want %s", tt.in, got.UTC(), tt.want)
		}
	}
}

func TestParseTimeDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration // -1 = error
	}{
		{"PT15M", 15 * time.Minute},
		{"PT1H30M", 90 * time.Minute},
		{"P1DT2H", 26 * time.Hour},
		{"PT0.5S", 500 * time.Millisecond},
		{"P2W", 14 * 24 * time.Hour},
		{"P", -1},
		{"PT", -1},
		{"P1DT", -1},
		{"15M", -1},
		{"5 minutes", -1},
		{"", -1},
	}
	for _, tt := range tests {
		got, err := ParseTimeDuration(tt.in)
		switch {
		case tt.want == -1 && err == nil:
			t.Errorf("ParseTimeDuration(%q) = %v, want an error", tt.in, got)
		case tt.want != -1 && err != nil:
			t.Errorf("ParseTimeDuration(%q): %v", tt.in, err)
		case tt.want != -1 && got.ToTimeDuration() != tt.want:
			t.Errorf("ParseTimeDuration(%q) = %v, want %v", tt.in, got.ToTimeDuration(), tt.want)
		}
	}
}

func TestParseTimeCycle(t *testing.T) {
	tests := []struct {
		in       string
		ok       bool
		reps     int
		cron     bool
		hasStart bool
	}{
		{"R5/PT10S", true, 5, false, false},
		{"R/PT1H", true, -1, false, false},
		{"R0/PT1H", true, 0, false, false},
		{"R3/2025-01-01T09:00:00Z/P1D", true, 3, false, true},
		{"0 0 9 * * MON-FRI", true, -1, true, false},
		{"0 */5 * * * ?", true, -1, true, false},
		{"@daily", true, -1, true, false},
		{"Rx/PT1H", false, 0, false, false},
		{"R5", false, 0, false, false},
		{"R5/PT10S/extra/parts", false, 0, false, false},
		{"R5/tomorrow/PT1H", false, 0, false, false},
		{"* * * * *", false, 0, false, false}, // five fields: Zeebe's cron has seconds
		{"every hour", false, 0, false, false},
	}
	for _, tt := range tests {
		c, err := ParseTimeCycle(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseTimeCycle(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		if c.Repetitions != tt.reps || (c.Cron != nil) != tt.cron || !c.Start.IsZero() != tt.hasStart {
			t.Errorf("ParseTimeCycle(%q) = %+v", tt.in, c)
		}
		if !tt.cron && c.Interval == nil {
			t.Errorf("ParseTimeCycle(%q) has no interval", tt.in)
		}
	}
}

func TestTimerPlacementFollowsZeebe(t *testing.T) {
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"start with duration", `<bpmn:startEvent id="x"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>`, false},
		{"start with cycle", `<bpmn:startEvent id="x"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>`, true},
		{"interrupting boundary with cycle", `<bpmn:task id="t" /><bpmn:endEvent id="e" /><bpmn:boundaryEvent id="x" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="f" sourceRef="x" targetRef="e" />`, false},
		{"non-interrupting boundary with cycle", `<bpmn:task id="t" /><bpmn:endEvent id="e" /><bpmn:boundaryEvent id="x" attachedToRef="t" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="f" sourceRef="x" targetRef="e" />`, true},
		{"two forms", `<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration><bpmn:timeDate>2030-01-01T00:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`, false},
		{"expression is checked at run time", `<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeDuration>=wait</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xml := `<bpmn:definitions xmlns:bpmn="` + NSModel + `" id="d"><bpmn:process id="p" isExecutable="true">` +
				`<bpmn:startEvent id="s" />` + tt.body + `</bpmn:process></bpmn:definitions>`
			_, err := compileString(xml, Options{})
			if tt.ok && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if !tt.ok {
				for _, e := range problems(t, err) {
					if e.ElementID == "x" {
						return
					}
				}
				t.Errorf("no problem on the timer event: %v", err)
			}
		})
	}
}

package bpmn

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompileReportsProblem checks each validation on a fixture made to
// break exactly that rule: the problem names the element, its kind, its
// line and column, and what is wrong.
func TestCompileReportsProblem(t *testing.T) {
	tests := []struct {
		file       string
		id, kind   string
		line, col  int
		msg        string
		totalCount int
	}{
		{"duplicate-id", "work", "task", 6, 5, "duplicate id: already used by the task at 5:5", 1},
		{"flow-to-unknown-element", "f2", "sequenceFlow", 7, 5, `targetRef "nowhere" is not an element of process "p"`, 1},
		{"service-task-without-type", "charge", "serviceTask", 5, 5, "no job type (zeebe:taskDefinition type)", 1},
		{"send-task-without-type", "send", "sendTask", 5, 5, "no job type (zeebe:taskDefinition type)", 1},
		{"exclusive-gateway-unconditioned-flows", "decide", "exclusiveGateway", 5, 5, `outgoing sequence flow "to_a" has no condition and is not the default flow`, 2},
		{"inclusive-gateway-unconditioned-flows", "fan", "inclusiveGateway", 5, 5, `outgoing sequence flow "to_b" has no condition and is not the default flow`, 1},
		{"message-catch-without-name", "wait", "intermediateCatchEvent", 5, 5, `message "Message_1" has no name`, 1},
		{"message-catch-without-correlation-key", "wait", "receiveTask", 5, 5, `message "Message_1" has no correlation key (zeebe:subscription correlationKey)`, 1},
		{"message-catch-without-message", "wait", "intermediateCatchEvent", 5, 5, "no message (messageRef)", 1},
		{"timer-invalid-duration", "pause", "intermediateCatchEvent", 5, 5, `invalid timeDuration: "5 minutes" is not an ISO 8601 duration`, 1},
		{"timer-invalid-date", "until", "intermediateCatchEvent", 5, 5, `invalid timeDate: "tomorrow at noon" is not an ISO 8601 date-time`, 1},
		{"timer-invalid-cycle", "nag", "boundaryEvent", 6, 5, `invalid timeCycle: "every hour" is neither an ISO 8601 repeating interval`, 1},
		{"multi-instance-without-input-collection", "each", "task", 5, 5, "multi-instance without inputCollection (zeebe:loopCharacteristics inputCollection)", 1},
		{"call-activity-without-process-id", "call", "callActivity", 5, 5, "no called process (zeebe:calledElement processId)", 1},
		{"complex-gateway", "complex", "complexGateway", 5, 5, "complex gateways are not supported", 1},
		{"transaction", "tx", "transaction", 5, 5, "transactions are not supported", 1},
		{"standard-loop", "again", "task", 5, 5, "standard loops are not supported (standardLoopCharacteristics)", 1},
		{"cancel-event", "cancel", "endEvent", 5, 5, "cancel events are not supported", 1},
		{"multiple-event", "either", "intermediateCatchEvent", 5, 5, "multiple events (2 event definitions on one event) are not supported", 1},
		{"no-executable-process", "Definitions_none", "definitions", 2, 1, `no executable process (a process with isExecutable="true")`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := compilePath(filepath.Join(fixtureDir, "invalid", tt.file+".bpmn"), Options{})
			list := problems(t, err)
			if len(list) != tt.totalCount {
				t.Errorf("got %d problems, want %d:\n%v", len(list), tt.totalCount, list)
			}
			e := list[0]
			equal(t, "element id", e.ElementID, tt.id)
			equal(t, "kind", e.Kind, tt.kind)
			equal(t, "line", e.Line, tt.line)
			equal(t, "column", e.Column, tt.col)
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Msg, tt.msg)
			}
			want := fmt.Sprintf("%d:%d: %s %q: ", tt.line, tt.col, tt.kind, tt.id)
			if !strings.HasPrefix(e.Error(), want) {
				t.Errorf("Error() = %q, want prefix %q", e.Error(), want)
			}
		})
	}
}

func TestCompileReportsEveryProblemInFileOrder(t *testing.T) {
	_, err := compilePath(filepath.Join(fixtureDir, "invalid", "many-problems.bpmn"), Options{})
	got := problems(t, err).Error()
	want := strings.Join([]string{
		`5:5: serviceTask "charge": no job type (zeebe:taskDefinition type)`,
		`6:5: exclusiveGateway "decide": outgoing sequence flow "f3" has no condition and is not the default flow`,
		`6:5: exclusiveGateway "decide": outgoing sequence flow "f4" has no condition and is not the default flow`,
		`9:5: callActivity "call": no called process (zeebe:calledElement processId)`,
		`14:5: sequenceFlow "f5": targetRef "ghost" is not an element of process "p"`,
	}, "\n")
	if got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}

// TestCompileRejectsInlineModels covers the rules without a fixture of
// their own, on small models written here.
func TestCompileRejectsInlineModels(t *testing.T) {
	tests := []struct {
		name, body, roots string
		id, msg           string
	}{
		{"intermediate timer with cycle", `<bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`,
			"", "t", "a timeCycle timer is not allowed on an intermediate catch event"},
		{"timer without value", `<bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>`,
			"", "t", "timer has no timeDate, timeDuration or timeCycle"},
		{"error end without errorRef", `<bpmn:endEvent id="e"><bpmn:errorEventDefinition /></bpmn:endEvent>`,
			"", "e", "error end event has no error (errorRef)"},
		{"error without code", `<bpmn:endEvent id="e"><bpmn:errorEventDefinition errorRef="E" /></bpmn:endEvent>`,
			`<bpmn:error id="E" />`, "e", `error "E" has no errorCode`},
		{"unknown signal", `<bpmn:intermediateThrowEvent id="s"><bpmn:signalEventDefinition signalRef="nope" /></bpmn:intermediateThrowEvent>`,
			"", "s", `signalRef "nope" is not a signal of this file`},
		{"link without catch", `<bpmn:intermediateThrowEvent id="l"><bpmn:linkEventDefinition name="X" /></bpmn:intermediateThrowEvent>`,
			"", "l", `no link catch event named "X" in the same scope`},
		{"boundary on gateway", `<bpmn:exclusiveGateway id="g" /><bpmn:boundaryEvent id="b" attachedToRef="g"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`,
			"", "b", `attached to exclusiveGateway "g", which is not an activity`},
		{"static condition", `<bpmn:exclusiveGateway id="g" /><bpmn:endEvent id="x" /><bpmn:sequenceFlow id="c" sourceRef="g" targetRef="x"><bpmn:conditionExpression>${ok}</bpmn:conditionExpression></bpmn:sequenceFlow>`,
			"", "c", `condition "${ok}" is not an expression`},
		{"script without result variable", `<bpmn:scriptTask id="s"><bpmn:extensionElements><zeebe:script expression="=1" /></bpmn:extensionElements></bpmn:scriptTask>`,
			"", "s", "no result variable (zeebe:script resultVariable)"},
		{"message throw without job", `<bpmn:endEvent id="m"><bpmn:messageEventDefinition /></bpmn:endEvent>`,
			"", "m", "no job type (zeebe:taskDefinition type) or message to publish (zeebe:publishMessage)"},
		{"bad retries", `<bpmn:serviceTask id="s"><bpmn:extensionElements><zeebe:taskDefinition type="x" retries="many" /></bpmn:extensionElements></bpmn:serviceTask>`,
			"", "s", `retries "many" is not a non-negative number`},
		{"flow across scopes", `<bpmn:subProcess id="sub"><bpmn:startEvent id="in" /></bpmn:subProcess><bpmn:sequenceFlow id="x" sourceRef="start" targetRef="in" />`,
			"", "x", `connects "start" and "in", which are not both in the scope of the flow ("p")`},
		{"script and job", `<bpmn:scriptTask id="s"><bpmn:extensionElements><zeebe:script expression="=1" resultVariable="r" /><zeebe:taskDefinition type="x" /></bpmn:extensionElements></bpmn:scriptTask>`,
			"", "s", "has both zeebe:script and zeebe:taskDefinition; use one"},
		{"flow without id", `<bpmn:endEvent id="e" /><bpmn:sequenceFlow sourceRef="start" targetRef="e" />`, "", "", "no id"},
		{"non-interrupting error start", `<bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es" isInterrupting="false"><bpmn:errorEventDefinition /></bpmn:startEvent></bpmn:subProcess>`,
			"", "es", "an error start event must be interrupting"},
		{"unknown binding type", `<bpmn:callActivity id="c"><bpmn:extensionElements><zeebe:calledElement processId="x" bindingType="newest" /></bpmn:extensionElements></bpmn:callActivity>`,
			"", "c", `zeebe:calledElement bindingType "newest" must be one of: latest, deployment, versionTag`},
		{"version tag binding without tag", `<bpmn:businessRuleTask id="d"><bpmn:extensionElements><zeebe:calledDecision decisionId="x" resultVariable="r" bindingType="versionTag" /></bpmn:extensionElements></bpmn:businessRuleTask>`,
			"", "d", "zeebe:calledDecision bindingType is versionTag but no versionTag is given"},
		{"ad-hoc with end event", `<bpmn:adHocSubProcess id="ah"><bpmn:task id="t" /><bpmn:endEvent id="e" /></bpmn:adHocSubProcess>`,
			"", "ah", `ad-hoc subprocess must not contain an end event ("e")`},
		{"empty ad-hoc", `<bpmn:adHocSubProcess id="ah" />`, "", "ah", "ad-hoc subprocess must have at least one activity"},
		{"message shared by two starts", `<bpmn:startEvent id="m1"><bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent><bpmn:startEvent id="m2"><bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent>`,
			`<bpmn:message id="M" name="go" />`, "m2", `message "M" is already referred to by start event "m1"`},
		{"end listener on gateway", `<bpmn:parallelGateway id="g"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="end" type="l" /></zeebe:executionListeners></bpmn:extensionElements></bpmn:parallelGateway>`,
			"", "g", "execution listeners of type end are not supported on gateways"},
		{"compensation end without waiting", `<bpmn:endEvent id="ce"><bpmn:compensateEventDefinition waitForCompletion="false" /></bpmn:endEvent>`,
			"", "ce", "a compensation end event must wait for completion"},
		{"second none start", `<bpmn:startEvent id="start2" />`, "", "p", "process has 2 none start events; at most one is allowed"},
		{"condition after a task", `<bpmn:task id="t" /><bpmn:endEvent id="x" /><bpmn:sequenceFlow id="c" sourceRef="t" targetRef="x"><bpmn:conditionExpression>=ok</bpmn:conditionExpression></bpmn:sequenceFlow>`,
			"", "t", `outgoing sequence flow "c" has a condition; conditions are supported only after exclusive or inclusive gateways`},
		{"compensation boundary without handler", `<bpmn:task id="t" /><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>`,
			"", "b", "compensation boundary event has no association to a compensation handler"},
		{"compensation event subprocess on process level", `<bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="cs"><bpmn:compensateEventDefinition /></bpmn:startEvent></bpmn:subProcess>`,
			"", "cs", "a compensation event subprocess is not allowed on the process level"},
		{"publish without message", `<bpmn:sendTask id="st"><bpmn:extensionElements><zeebe:publishMessage correlationKey="=k" /></bpmn:extensionElements></bpmn:sendTask>`,
			"", "st", "zeebe:publishMessage without a message (messageRef)"},
		{"publish and job", `<bpmn:sendTask id="st" messageRef="M"><bpmn:extensionElements><zeebe:taskDefinition type="x" /><zeebe:publishMessage correlationKey="=k" /></bpmn:extensionElements></bpmn:sendTask>`,
			`<bpmn:message id="M" name="m" />`, "st", "has both zeebe:taskDefinition and zeebe:publishMessage; use one"},
		{"publish without correlation key", `<bpmn:sendTask id="st" messageRef="M"><bpmn:extensionElements><zeebe:publishMessage /></bpmn:extensionElements></bpmn:sendTask>`,
			`<bpmn:message id="M" name="m" />`, "st", "no correlation key (zeebe:publishMessage correlationKey)"},
		{"duplicate signal starts", `<bpmn:startEvent id="s1"><bpmn:signalEventDefinition signalRef="S" /></bpmn:startEvent><bpmn:startEvent id="s2"><bpmn:signalEventDefinition signalRef="S" /></bpmn:startEvent>`,
			`<bpmn:signal id="S" name="go" />`, "s2", `signal start event with the same signal name "go" as "s1"`},
		{"start listener on boundary", `<bpmn:task id="t" /><bpmn:endEvent id="x" /><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="start" type="l" /></zeebe:executionListeners></bpmn:extensionElements><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="bx" sourceRef="b" targetRef="x" />`,
			"", "b", "execution listeners of type start are not supported on boundary events"},
		{"subprocess start with timer", `<bpmn:subProcess id="sub"><bpmn:startEvent id="ts"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>`,
			"", "ts", "timer events are not supported as a start event of an embedded subprocess"},
		{"event subprocess with flows", `<bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es"><bpmn:signalEventDefinition signalRef="S" /></bpmn:startEvent></bpmn:subProcess><bpmn:sequenceFlow id="in" sourceRef="start" targetRef="esp" />`,
			`<bpmn:signal id="S" name="go" />`, "esp", "event subprocess has sequence flows; it starts only by its event"},
		{"event gateway to task", `<bpmn:eventBasedGateway id="g" /><bpmn:task id="t1" /><bpmn:task id="t2" /><bpmn:sequenceFlow id="a" sourceRef="g" targetRef="t1" /><bpmn:sequenceFlow id="b" sourceRef="g" targetRef="t2" />`,
			"", "g", `event-based gateway leads to task "t1"`},
		{"expression where static text is not allowed", `<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="items" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:task>`,
			"", "t", `zeebe:loopCharacteristics inputCollection "items" is not an expression`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xml := `<bpmn:definitions xmlns:bpmn="` + NSModel + `" xmlns:zeebe="` + NSZeebe + `" id="d">` +
				`<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="start" />` + tt.body + `</bpmn:process>` + tt.roots + `</bpmn:definitions>`
			_, err := compileString(xml, Options{})
			list := problems(t, err)
			for _, e := range list {
				if e.ElementID == tt.id && strings.Contains(e.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("no problem on %q containing %q; got:\n%v", tt.id, tt.msg, list)
		})
	}
}

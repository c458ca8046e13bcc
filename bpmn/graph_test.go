package bpmn

import (
	"path/filepath"
	"testing"
)

func TestEveryFixtureCompiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.bpmn"))
	if err != nil || len(paths) < 20 {
		t.Fatalf("fixtures: %d files, %v", len(paths), err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dep, err := compilePath(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range dep.Processes {
				if g.Process.Kind != KindProcess || g.Nodes[0] != g.Process {
					t.Errorf("%s: process node not first", g.ProcessID)
				}
				for _, n := range g.Nodes[1:] {
					if n.Scope == nil {
						t.Errorf("%s: node %q has no scope", g.ProcessID, n.ID)
					}
				}
			}
		})
	}
}

func TestServiceTaskKeepsZeebeExtensions(t *testing.T) {
	g := only(t, compileFile(t, "service-task.bpmn"))
	equal(t, "version tag", g.VersionTag, "v1.2")
	charge := node(t, g, "charge")
	equal(t, "kind", charge.Kind, KindServiceTask)
	equal(t, "job type", charge.TaskDefinition.Type.Raw, "payment")
	equal(t, "retries", charge.TaskDefinition.Retries.Raw, "5")
	equal(t, "line", charge.Line, 8)
	equal(t, "column", charge.Column, 5)
	if len(charge.Inputs) != 2 || charge.Inputs[0].Target != "amount" || !charge.Inputs[0].Source.IsExpr ||
		charge.Inputs[0].Source.Source != "order.total" || charge.Inputs[1].Source.IsExpr {
		t.Errorf("inputs = %+v", charge.Inputs)
	}
	if len(charge.Outputs) != 1 || charge.Outputs[0].Target != "paymentId" {
		t.Errorf("outputs = %+v", charge.Outputs)
	}
	if len(charge.Headers) != 2 || charge.Headers[0] != (Header{"provider", "stripe"}) || charge.Headers[1] != (Header{"mode", "live"}) {
		t.Errorf("headers = %+v, want document order", charge.Headers)
	}
	ship := node(t, g, "ship")
	equal(t, "expression job type", ship.TaskDefinition.Type.Source, `"ship-" + region`)
	equal(t, "flows in order", len(g.Flows), 3)
	equalStrings(t, "charge outgoing", flowIDs(charge.Outgoing), []string{"f2"})
	equal(t, "f2 target", g.FlowByID["f2"].Target, ship)
	equal(t, "process start", g.Process.StartEvent, node(t, g, "start"))
	equalStrings(t, "document order", ids(g.Nodes), []string{"order", "start", "charge", "ship", "end"})
}

func TestRetriesDefaultToThree(t *testing.T) {
	g := only(t, compileFile(t, "service-task-default-namespace.bpmn"))
	equal(t, "retries", node(t, g, "work").TaskDefinition.Retries.Raw, "3")
}

func TestNamespacesMatchByURINotPrefix(t *testing.T) {
	for _, name := range []string{"service-task-default-namespace.bpmn", "service-task-bpmn2-prefix.bpmn", "service-task-semantic-prefix.bpmn"} {
		t.Run(name, func(t *testing.T) {
			g := only(t, compileFile(t, name))
			w := node(t, g, "work")
			equal(t, "job type", w.TaskDefinition.Type.Raw, "work")
		})
	}
}

func TestUnknownExtensionsAreKeptAndIgnored(t *testing.T) {
	defs := parseFixture(t, "collaboration-extensions.bpmn")
	shop := defs.Processes[0]
	if len(shop.Extensions.Unknown) != 1 || shop.Extensions.Unknown[0].Tag != "whatever" ||
		shop.Extensions.Unknown[0].Space != "http://example.com/vendor" || len(shop.Extensions.Unknown[0].Children) != 1 {
		t.Fatalf("process unknown extensions = %+v", shop.Extensions.Unknown)
	}
	var fulfil *Element
	for _, el := range shop.Elements {
		if el.ID == "fulfil" {
			fulfil = el
		}
	}
	if fulfil == nil || len(fulfil.Extensions.Unknown) != 2 {
		t.Fatalf("fulfil unknown extensions = %+v", fulfil)
	}
	equal(t, "camunda:inputOutput kept", fulfil.Extensions.Unknown[0].Tag, "inputOutput")
	equal(t, "zeebe:taskListeners kept", fulfil.Extensions.Unknown[1].Tag, "taskListeners")
	g := only(t, compileFile(t, "collaboration-extensions.bpmn"))
	equal(t, "process property", g.Process.Properties[0], Property{"owner", "team-shop"})
	equal(t, "process listener", g.Process.ExecutionListeners[0].Type.Raw, "audit-start")
	f := node(t, g, "fulfil")
	equal(t, "listeners", len(f.ExecutionListeners), 2)
	equal(t, "end listener", f.ExecutionListeners[1].EventType, "end")
	equal(t, "listener retries default", f.ExecutionListeners[1].Retries.Raw, "3")
	equal(t, "participants", len(defs.Collaborations[0].Participants), 2)
	equal(t, "message flow", defs.Collaborations[0].MessageFlows[0].TargetRef, "wait_order")
}

func TestGatewaysKeepConditionsAndDefaults(t *testing.T) {
	g := only(t, compileFile(t, "exclusive-gateway.bpmn"))
	split := node(t, g, "split")
	equal(t, "default", split.Default, g.FlowByID["small"])
	equal(t, "condition", g.FlowByID["large"].Condition.Source, "amount > 100")
	if g.FlowByID["small"].Condition != nil {
		t.Error("default flow got a condition")
	}
	equalStrings(t, "join incoming", flowIDs(node(t, g, "join").Incoming), []string{"f2", "f3"})

	g = only(t, compileFile(t, "parallel-gateway.bpmn"))
	equalStrings(t, "fork outgoing", flowIDs(node(t, g, "fork").Outgoing), []string{"f2", "f3", "f4"})

	g = only(t, compileFile(t, "event-based-gateway.bpmn"))
	equal(t, "kind", node(t, g, "wait").Kind, KindEventBasedGateway)
	equal(t, "signal catch", node(t, g, "cancelled").Signal.Name.Raw, "cancel-all")
}

func TestEventDefinitionsAreResolved(t *testing.T) {
	g := only(t, compileFile(t, "message-events.bpmn"))
	start := node(t, g, "order_placed")
	equal(t, "event", start.Event, EventMessage)
	equal(t, "start message", start.Message.Name.Raw, "order-placed")
	equalStrings(t, "message starts", ids(g.MessageStarts), []string{"order_placed"})
	if g.Process.StartEvent != nil {
		t.Error("a process with only a message start has no none start event")
	}
	wait := node(t, g, "wait_payment")
	equal(t, "correlation key", wait.Message.CorrelationKey.Source, "orderId")
	equal(t, "receive task message", node(t, g, "wait_delivery").Message.MessageID, "Message_delivery")
	b := node(t, g, "address_changed")
	equal(t, "boundary host", b.AttachedTo, node(t, g, "wait_delivery"))
	equal(t, "non-interrupting", b.CancelActivity, false)
	equalStrings(t, "host boundaries", ids(node(t, g, "wait_delivery").Boundaries), []string{"address_changed"})
	equal(t, "throw is a job", node(t, g, "notify").TaskDefinition.Type.Raw, "notify")

	g = only(t, compileFile(t, "timer-events.bpmn"))
	equalStrings(t, "timer starts", ids(g.TimerStarts), []string{"every_morning", "five_times", "once"})
	equal(t, "cycle", node(t, g, "every_morning").Timer.Kind, TimeCycle)
	equal(t, "duration", node(t, g, "cool_down").Timer.Value.Raw, "PT15M")
	equal(t, "date expression", node(t, g, "deadline").Timer.Value.IsExpr, true)
	equal(t, "interrupting boundary", node(t, g, "deadline").CancelActivity, true)

	g = only(t, compileFile(t, "error-events.bpmn"))
	equal(t, "error code", node(t, g, "out_of_stock").Error.Code.Raw, "OUT_OF_STOCK")
	equal(t, "catch all", node(t, g, "catch_any").Error.ErrorID, "")
	equal(t, "inner scope", node(t, g, "reserve").Scope, node(t, g, "checkout"))
	equal(t, "subprocess start", node(t, g, "checkout").StartEvent, node(t, g, "checkout_start"))

	g = only(t, compileFile(t, "escalation-events.bpmn"))
	equal(t, "escalation code", node(t, g, "too_slow").Escalation.Code.Raw, "SLOW")
	equal(t, "escalation expression", node(t, g, "give_up").Escalation.Code.IsExpr, true)

	g = only(t, compileFile(t, "signal-events.bpmn"))
	equalStrings(t, "signal starts", ids(g.SignalStarts), []string{"on_alarm"})
	equal(t, "signal end", node(t, g, "broadcast_done").Event, EventSignal)

	g = only(t, compileFile(t, "link-events.bpmn"))
	equal(t, "link target", node(t, g, "go_to_b").Link.Target, node(t, g, "from_a"))
	equal(t, "none throw", node(t, g, "note").Event, EventNone)

	g = only(t, compileFile(t, "conditional-events.bpmn"))
	equal(t, "condition", node(t, g, "wait_stock").Condition.Source, "stock > 0")

	g = only(t, compileFile(t, "terminate-end-event.bpmn"))
	equal(t, "terminate", node(t, g, "stop_all").Event, EventTerminate)
}

func TestCompensationIsLinked(t *testing.T) {
	g := only(t, compileFile(t, "compensation-events.bpmn"))
	undo := node(t, g, "undo_hotel")
	equal(t, "handler", undo.CompensationHandler, node(t, g, "cancel_hotel"))
	equal(t, "for compensation", node(t, g, "cancel_hotel").IsForCompensation, true)
	throw := node(t, g, "compensate_hotel")
	equal(t, "activity", throw.Compensation.Activity, node(t, g, "book_hotel"))
	equal(t, "wait", throw.Compensation.WaitForCompletion, true)
	if node(t, g, "compensate_all").Compensation.Activity != nil {
		t.Error("compensation end event without activityRef names an activity")
	}
}

func TestScopesAndEventSubprocesses(t *testing.T) {
	g := only(t, compileFile(t, "event-subprocess.bpmn"))
	equalStrings(t, "event subprocesses", ids(g.Process.EventSubProcesses), []string{"on_cancel", "on_timeout", "on_error", "on_escalation"})
	timeout := node(t, g, "on_timeout")
	equal(t, "kind", timeout.Kind, KindEventSubProcess)
	equal(t, "triggered by event", timeout.TriggeredByEvent, true)
	equal(t, "start", timeout.StartEvent, node(t, g, "every_hour"))
	equal(t, "non-interrupting", timeout.StartEvent.Interrupting, false)
	equal(t, "interrupting", node(t, g, "cancel_requested").Interrupting, true)
	equalStrings(t, "process children", ids(g.Process.Children), []string{"start", "work", "end", "on_cancel", "on_timeout", "on_error", "on_escalation"})

	g = only(t, compileFile(t, "subprocess.bpmn"))
	equal(t, "nested scope", node(t, g, "deep").Scope.Scope, node(t, g, "outer"))
	equal(t, "subprocess input", node(t, g, "outer").Inputs[0].Target, "localItems")
}

func TestActivitiesKeepTheirConfiguration(t *testing.T) {
	g := only(t, compileFile(t, "call-activity.bpmn"))
	c := node(t, g, "call_shipping").CalledElement
	equal(t, "process id", c.ProcessID.Raw, "shipping")
	equal(t, "child vars", c.PropagateAllChildVariables, false)
	equal(t, "parent vars default", c.PropagateAllParentVariables, true)

	g = only(t, compileFile(t, "multi-instance.bpmn"))
	mi := node(t, g, "notify_each").MultiInstance
	equal(t, "input collection", mi.InputCollection.Source, "recipients")
	equal(t, "input element", mi.InputElement, "recipient")
	equal(t, "output collection", mi.OutputCollection, "results")
	equal(t, "completion", mi.CompletionCondition.Source, "numberOfCompletedInstances >= 3")
	equal(t, "parallel", mi.IsSequential, false)
	equal(t, "sequential", node(t, g, "per_item").MultiInstance.IsSequential, true)

	g = only(t, compileFile(t, "ad-hoc-subprocess.bpmn"))
	a := node(t, g, "checks")
	equal(t, "active elements", a.AdHoc.ActiveElementsCollection.Source, "requestedChecks")
	equal(t, "completion", a.AdHoc.CompletionCondition.Source, "done")
	equal(t, "children", len(a.Children), 2)
	equal(t, "cancel remaining default", a.AdHoc.CancelRemainingInstances, true)

	g = only(t, compileFile(t, "tasks.bpmn"))
	u := node(t, g, "review").UserTask
	equal(t, "zeebe user task", u.ZeebeUserTask, true)
	equal(t, "assignee", u.Assignee.Source, "initiator")
	equal(t, "groups", u.CandidateGroups.Raw, "reviewers, managers")
	equal(t, "form id", u.FormID, "review-form")
	equal(t, "priority", u.Priority.Raw, "80")
	equal(t, "job-based user task", node(t, g, "legacy_review").UserTask.ZeebeUserTask, false)
	equal(t, "script", node(t, g, "compute").Script.ResultVariable, "total")
	equal(t, "decision", node(t, g, "decide").CalledDecision.DecisionID.Raw, "discount")
	equal(t, "undefined task", node(t, g, "undefined_task").Kind, KindTask)
	equal(t, "manual task", node(t, g, "pack").Kind, KindManualTask)
}

// TestGraphIsIndependentOfModel checks that compiling twice does not share
// mutable state: the graph's expressions are copies.
func TestGraphIsIndependentOfModel(t *testing.T) {
	defs := parseFixture(t, "service-task.bpmn")
	a, err := Compile(defs, Options{Expressions: recordingCompiler{}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compile(defs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Processes[0].ByID["charge"].Inputs[0].Source.Compiled == nil {
		t.Fatal("first compile did not compile the input")
	}
	if b.Processes[0].ByID["charge"].Inputs[0].Source.Compiled != nil {
		t.Error("second compile without a compiler sees the first one's programs")
	}
}

func TestPublishMessageInsteadOfJob(t *testing.T) {
	g := only(t, compileFile(t, "publish-message.bpmn"))
	send := node(t, g, "announce")
	if send.TaskDefinition != nil || send.PublishMessage == nil {
		t.Fatalf("send task: job %+v, publication %+v", send.TaskDefinition, send.PublishMessage)
	}
	equal(t, "message", send.PublishMessage.Name.Raw, "order-shipped")
	equal(t, "correlation key", send.PublishMessage.CorrelationKey.Source, "orderId")
	equal(t, "ttl", send.PublishMessage.TimeToLive.Raw, "PT1H")
	equal(t, "message id", send.PublishMessage.UniqueID.IsExpr, true)
	throw := node(t, g, "tell_billing")
	equal(t, "throw message", throw.PublishMessage.MessageID, "Message_bill")
	equal(t, "name expression", throw.PublishMessage.Name.IsExpr, true)
}

func TestCompensationEventSubprocessInsideSubprocess(t *testing.T) {
	g := only(t, compileFile(t, "compensation-event-subprocess.bpmn"))
	trip := node(t, g, "trip")
	equalStrings(t, "event subprocesses", ids(trip.EventSubProcesses), []string{"on_compensate"})
	equal(t, "start", node(t, g, "on_compensate").StartEvent.Event, EventCompensation)
	equal(t, "inner handler", node(t, g, "undo_flight").CompensationHandler, node(t, g, "cancel_flight"))
	equal(t, "outer handler", node(t, g, "undo_trip").CompensationHandler, node(t, g, "refund"))
	equal(t, "activity", node(t, g, "compensate_trip").Compensation.Activity, trip)
}

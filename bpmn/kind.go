package bpmn

// ElementKind is the type of an element, spelled as Zeebe's BpmnElementType
// so that records read like Zeebe's.
type ElementKind string

// Element kinds (Zeebe BpmnElementType).
const (
	KindProcess                ElementKind = "PROCESS"
	KindSubProcess             ElementKind = "SUB_PROCESS"
	KindEventSubProcess        ElementKind = "EVENT_SUB_PROCESS"
	KindAdHocSubProcess        ElementKind = "AD_HOC_SUB_PROCESS"
	KindStartEvent             ElementKind = "START_EVENT"
	KindIntermediateCatchEvent ElementKind = "INTERMEDIATE_CATCH_EVENT"
	KindIntermediateThrowEvent ElementKind = "INTERMEDIATE_THROW_EVENT"
	KindBoundaryEvent          ElementKind = "BOUNDARY_EVENT"
	KindEndEvent               ElementKind = "END_EVENT"
	KindServiceTask            ElementKind = "SERVICE_TASK"
	KindReceiveTask            ElementKind = "RECEIVE_TASK"
	KindUserTask               ElementKind = "USER_TASK"
	KindManualTask             ElementKind = "MANUAL_TASK"
	KindTask                   ElementKind = "TASK"
	KindScriptTask             ElementKind = "SCRIPT_TASK"
	KindSendTask               ElementKind = "SEND_TASK"
	KindBusinessRuleTask       ElementKind = "BUSINESS_RULE_TASK"
	KindCallActivity           ElementKind = "CALL_ACTIVITY"
	KindExclusiveGateway       ElementKind = "EXCLUSIVE_GATEWAY"
	KindParallelGateway        ElementKind = "PARALLEL_GATEWAY"
	KindInclusiveGateway       ElementKind = "INCLUSIVE_GATEWAY"
	KindEventBasedGateway      ElementKind = "EVENT_BASED_GATEWAY"
	KindSequenceFlow           ElementKind = "SEQUENCE_FLOW"
	KindMultiInstanceBody      ElementKind = "MULTI_INSTANCE_BODY"
)

// EventKind is the type of an event's definition, spelled as Zeebe's
// BpmnEventType. A none event is EventNone ("UNSPECIFIED").
type EventKind string

// Event kinds (Zeebe BpmnEventType).
const (
	EventNone         EventKind = "UNSPECIFIED"
	EventMessage      EventKind = "MESSAGE"
	EventTimer        EventKind = "TIMER"
	EventError        EventKind = "ERROR"
	EventEscalation   EventKind = "ESCALATION"
	EventSignal       EventKind = "SIGNAL"
	EventCompensation EventKind = "COMPENSATION"
	EventTerminate    EventKind = "TERMINATE"
	EventLink         EventKind = "LINK"
	EventConditional  EventKind = "CONDITIONAL"
	// EventCancel (transaction cancel events) is read but not supported;
	// Compile rejects it.
	EventCancel EventKind = "CANCEL"
)

// IsScope reports whether elements of this kind contain other elements.
func (k ElementKind) IsScope() bool {
	switch k {
	case KindProcess, KindSubProcess, KindEventSubProcess, KindAdHocSubProcess:
		return true
	}
	return false
}

// IsActivity reports whether the kind is a task, subprocess or call
// activity (something boundary events attach to and multi-instance wraps).
func (k ElementKind) IsActivity() bool {
	switch k {
	case KindSubProcess, KindAdHocSubProcess, KindServiceTask, KindReceiveTask,
		KindUserTask, KindManualTask, KindTask, KindScriptTask, KindSendTask,
		KindBusinessRuleTask, KindCallActivity:
		return true
	}
	return false
}

// IsGateway reports whether the kind is a gateway.
func (k ElementKind) IsGateway() bool {
	switch k {
	case KindExclusiveGateway, KindParallelGateway, KindInclusiveGateway, KindEventBasedGateway:
		return true
	}
	return false
}

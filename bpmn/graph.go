package bpmn

// This file holds the compiled execution graph: what the engine runs. Compile
// builds one Graph per executable process, with every reference resolved
// to a pointer and every expression compiled (when Options.Expressions is
// set). A Graph is immutable after Compile returns and may be shared by
// goroutines.

// Deployment is the result of compiling one BPMN file: a Graph per
// executable process, in document order.
type Deployment struct {
	Processes []*Graph
}

// Graph returns the graph of the process with the given id, or nil.
func (d *Deployment) Graph(processID string) *Graph {
	for _, g := range d.Processes {
		if g.ProcessID == processID {
			return g
		}
	}
	return nil
}

// Graph is one executable process, ready to run.
type Graph struct {
	ProcessID, Name, VersionTag string
	// Process is the process itself as the root scope (Kind PROCESS). Its
	// StartEvent is the none start event used by "create instance".
	Process *Node
	// Nodes are every flow node in document order (the process first, then
	// depth-first through subprocesses). Iterate this, never ByID.
	Nodes []*Node
	// ByID finds a node by its element id. For lookup only.
	ByID map[string]*Node
	// Flows are every sequence flow in document order.
	Flows []*Flow
	// FlowByID finds a sequence flow by id.
	FlowByID map[string]*Flow

	// Start events of the process scope that a message, timer or signal
	// triggers (a new instance), in document order.
	MessageStarts, TimerStarts, SignalStarts []*Node

	// Root elements referenced by the process, by id.
	Messages    map[string]*Message
	Errors      map[string]*ErrorDef
	Escalations map[string]*Escalation
	Signals     map[string]*Signal
}

// Node is one flow node of a Graph (event, activity, gateway, the process
// or a subprocess). Fields that do not apply to a kind are zero.
type Node struct {
	ID, Name string
	Kind     ElementKind
	// Event is the event definition's kind for events (EventNone for a
	// none event); "" for other kinds.
	Event EventKind
	// Tag is the XML element name ("serviceTask"), for messages.
	Tag          string
	Line, Column int

	// Scope is the flow scope: the process or the (event/ad-hoc)
	// subprocess that directly contains the node. Nil for the process.
	Scope *Node
	// Children are the nodes directly inside a scope, in document order.
	Children []*Node
	// StartEvent is, for scopes, the none start event (nil if there is
	// none). For event subprocesses it is their one start event, whatever
	// its kind.
	StartEvent *Node
	// StartEvents are all start events directly in a scope.
	StartEvents []*Node
	// EventSubProcesses are the event subprocesses directly in a scope.
	EventSubProcesses []*Node

	Incoming, Outgoing []*Flow
	// Default is the default flow of a gateway or activity.
	Default *Flow

	// AttachedTo is a boundary event's host; Boundaries are a host's
	// boundary events in document order.
	AttachedTo *Node
	Boundaries []*Node
	// CancelActivity is true for interrupting boundary events.
	CancelActivity bool
	// Interrupting is true for interrupting start events of event
	// subprocesses (and for every other start event).
	Interrupting bool
	// TriggeredByEvent is true for event subprocesses.
	TriggeredByEvent bool
	// IsForCompensation marks compensation handlers (activities outside the
	// normal flow).
	IsForCompensation bool
	// CompensationHandler is, for a compensation boundary event, the
	// activity its association points to.
	CompensationHandler *Node

	TaskDefinition *TaskDefinition
	Inputs         []Mapping
	Outputs        []Mapping
	Headers        []Header
	Script         *Script
	CalledElement  *CalledElement
	CalledDecision *CalledDecision
	UserTask       *UserTask
	Properties     []Property
	// ExecutionListeners in document order (start ones, then end ones, as
	// written).
	ExecutionListeners []ExecutionListener
	// MultiInstance is set for activities with multi-instance loop
	// characteristics. The engine wraps such an activity in a
	// MULTI_INSTANCE_BODY instance; the graph keeps one node.
	MultiInstance *MultiInstance
	AdHoc         *AdHocSubProcess

	// Event definitions; at most one is set, matching Event.
	Timer   *Timer
	Message *MessageEvent
	// PublishMessage is set for send tasks and message throw events that
	// publish their message (zeebe:publishMessage) rather than create a job.
	PublishMessage *MessagePublication
	Error          *ErrorEvent
	Escalation     *EscalationEvent
	Signal         *SignalEvent
	Link           *LinkEvent
	Condition      *Expression // conditional events
	Compensation   *CompensationEvent
}

// Flow is one sequence flow.
type Flow struct {
	ID, Name       string
	Source, Target *Node
	// Condition is nil for an unconditioned flow.
	Condition    *Expression
	Line, Column int
}

// TimerKind says which of a timer's three forms is used.
type TimerKind string

// Timer forms, named after the BPMN elements.
const (
	TimeDate     TimerKind = "timeDate"
	TimeDuration TimerKind = "timeDuration"
	TimeCycle    TimerKind = "timeCycle"
)

// Timer is a timer event definition. When Value is a literal, Compile has
// checked it: an ISO 8601 date-time, duration, repeating interval
// (R5/PT10S) or a cron expression (cycles only).
type Timer struct {
	Kind  TimerKind
	Value Expression
}

// MessageEvent is a message event definition (or a receive task's message)
// with its message resolved. Throwing message events and send tasks are
// job workers in Zeebe and carry a TaskDefinition instead.
type MessageEvent struct {
	MessageID      string
	Name           Expression
	CorrelationKey Expression
}

// MessagePublication is a message a send task or throw event publishes
// itself: the resolved message's name and zeebe:publishMessage's fields.
type MessagePublication struct {
	MessageID      string // id of the bpmn:message element
	Name           Expression
	CorrelationKey Expression
	TimeToLive     Expression
	// UniqueID is zeebe:publishMessage messageId (Zeebe's message id).
	UniqueID Expression
}

// ErrorEvent is an error event definition. For catch events an empty
// ErrorID (no errorRef) catches every error.
type ErrorEvent struct {
	ErrorID string
	Code    Expression
}

// EscalationEvent is an escalation event definition. For catch events an
// empty EscalationID catches every escalation.
type EscalationEvent struct {
	EscalationID string
	Code         Expression
}

// SignalEvent is a signal event definition with its signal resolved.
type SignalEvent struct {
	SignalID string
	Name     Expression
}

// LinkEvent is a link event definition. Target is, for a throw event,
// the catch event with the same name in the same scope.
type LinkEvent struct {
	Name   string
	Target *Node
}

// CompensationEvent is a compensation event definition. Activity is the
// activity to compensate (nil = every completed activity of the scope).
type CompensationEvent struct {
	Activity          *Node
	WaitForCompletion bool
}

// MultiInstance is multi-instance loop characteristics with Zeebe's
// zeebe:loopCharacteristics.
type MultiInstance struct {
	IsSequential        bool
	InputCollection     Expression
	InputElement        string
	OutputCollection    string
	OutputElement       Expression
	CompletionCondition *Expression
}

// AdHocSubProcess is the configuration of an ad-hoc subprocess.
type AdHocSubProcess struct {
	ActiveElementsCollection Expression
	CompletionCondition      *Expression
	CancelRemainingInstances bool
}

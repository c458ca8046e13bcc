package bpmn

// This file holds the parsed model: what Parse reads out of the XML, close to
// the file's own structure. References between elements are still ids
// (strings); Compile resolves them into the Graph. Nothing here is validated
// beyond being well-formed XML in the BPMN namespace.

// Definitions is the root of a BPMN file (<bpmn:definitions>).
type Definitions struct {
	ID, Name        string
	TargetNamespace string
	// Exporter and ExporterVersion name the tool that wrote the file
	// ("Camunda Modeler", "5.20.0").
	Exporter, ExporterVersion string

	Processes      []*Process
	Collaborations []*Collaboration
	Messages       []*Message
	Errors         []*ErrorDef
	Escalations    []*Escalation
	Signals        []*Signal
	Pos
}

// Pos is where an element starts in the file: the line and column (both
// 1-based, columns count runes) of its '<'.
type Pos struct {
	Line, Column int
}

// Process is one <bpmn:process>.
type Process struct {
	ID, Name     string
	IsExecutable bool
	// VersionTag comes from zeebe:versionTag.
	VersionTag string
	Pos
	// Extensions are the process's own zeebe extension elements (execution
	// listeners, properties).
	Extensions Extensions
	// Elements are the flow elements directly inside the process, in
	// document order, sequence flows included.
	Elements []*Element
}

// Collaboration is a <bpmn:collaboration>: pools and the message flows
// between them. Shoal keeps it for the modeler and the monitor; execution
// does not depend on it.
type Collaboration struct {
	ID, Name     string
	Participants []Participant
	MessageFlows []MessageFlow
	Pos
}

// Participant is a pool; ProcessRef names the process it shows.
type Participant struct {
	ID, Name, ProcessRef string
	Pos
}

// MessageFlow connects two participants or their elements.
type MessageFlow struct {
	ID, Name, SourceRef, TargetRef, MessageRef string
	Pos
}

// Message is a root <bpmn:message>. Zeebe puts the name (a literal or an
// expression) on the message and the correlation key in
// zeebe:subscription.
type Message struct {
	ID   string
	Name Expression
	// CorrelationKey comes from zeebe:subscription correlationKey.
	CorrelationKey Expression
	Pos
}

// ErrorDef is a root <bpmn:error>.
type ErrorDef struct {
	ID, Name string
	Code     Expression // errorCode
	Pos
}

// Escalation is a root <bpmn:escalation>.
type Escalation struct {
	ID, Name string
	Code     Expression // escalationCode
	Pos
}

// Signal is a root <bpmn:signal>.
type Signal struct {
	ID   string
	Name Expression
	Pos
}

// Element is one flow element (event, task, gateway, subprocess, sequence
// flow, data object, association, ...) as written. Tag is the XML local
// name ("serviceTask"); Kind is its Zeebe element type, or "" for elements
// that are accepted but not executed (data objects, text annotations,
// associations) or not supported (complexGateway, transaction, ...), which
// Compile reports.
type Element struct {
	Tag      string
	Kind     ElementKind
	ID, Name string
	Pos

	// Flow nodes.
	Default           string // gateways and activities: id of the default flow
	IsForCompensation bool
	// Events.
	EventDefinitions    []*EventDefinition
	AttachedToRef       string // boundary events
	CancelActivity      bool   // boundary events; true unless cancelActivity="false"
	IsInterrupting      bool   // start events; true unless isInterrupting="false"
	ParallelMultiple    bool
	TriggeredByEvent    bool // subProcess
	LoopCharacteristics *LoopCharacteristics
	// Standard loops (<standardLoopCharacteristics>) are not supported.
	StandardLoop bool
	// MessageRef is a receive or send task's message.
	MessageRef string
	// Sequence flows.
	SourceRef, TargetRef string
	Condition            *Expression // conditionExpression text
	// Ad-hoc subprocesses: the BPMN completion condition, and whether
	// instances still running are cancelled when it is met (default true).
	CompletionCondition      *Expression
	CancelRemainingInstances bool
	// CalledElementAttr is the BPMN calledElement attribute of a call
	// activity; Zeebe ignores it in favour of zeebe:calledElement.
	CalledElementAttr string
	// Associations: compensation boundary event -> handler.
	AssociationSource, AssociationTarget string

	Extensions Extensions

	// Children are the flow elements of a subprocess, in document order.
	Children []*Element
}

// EventDefinition is one <bpmn:*EventDefinition> of an event.
type EventDefinition struct {
	Kind EventKind
	Tag  string // "timerEventDefinition", ...
	ID   string
	Pos

	MessageRef, ErrorRef, EscalationRef, SignalRef string
	// Timers: exactly one should be set.
	TimeDate, TimeDuration, TimeCycle *Expression
	// Conditional events.
	Condition *Expression
	// Link events.
	LinkName string
	// Compensation events.
	ActivityRef       string
	WaitForCompletion bool
	// Extensions of the definition itself (zeebe:publishMessage on a
	// message throw event).
	Extensions Extensions
}

// LoopCharacteristics is <bpmn:multiInstanceLoopCharacteristics> with its
// zeebe:loopCharacteristics.
type LoopCharacteristics struct {
	IsSequential        bool
	CompletionCondition *Expression
	LoopCardinality     *Expression
	// Zeebe is the zeebe:loopCharacteristics inside this element's
	// extensionElements (nil when absent).
	Zeebe *ZeebeLoop
	Pos
}

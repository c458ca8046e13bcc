package bpmn

// This file holds the zeebe extension elements (namespace
// http://camunda.org/schema/zeebe/1.0) as Shoal keeps them. Parse fills
// Extensions on elements and processes; Compile copies the parts execution
// needs onto each Node, compiling expressions on the way.

// Extensions are the <bpmn:extensionElements> of one element.
type Extensions struct {
	TaskDefinition     *TaskDefinition
	Inputs, Outputs    []Mapping // zeebe:ioMapping
	Headers            []Header  // zeebe:taskHeaders, document order
	Subscription       *Subscription
	CalledElement      *CalledElement
	Loop               *ZeebeLoop // zeebe:loopCharacteristics
	Script             *Script
	CalledDecision     *CalledDecision
	UserTask           *UserTask // zeebe:userTask, assignment, form, schedule, priority
	Properties         []Property
	ExecutionListeners []ExecutionListener
	AdHoc              *AdHoc
	PublishMessage     *PublishMessage
	VersionTag         string
	// Unknown holds extension elements Shoal does not understand, from any
	// namespace. They are kept (for round trips and tools) and ignored, as
	// Zeebe does.
	Unknown []*XMLElement
}

// TaskDefinition is zeebe:taskDefinition: the job type workers subscribe
// to and the number of retries of a new job.
type TaskDefinition struct {
	Type    Expression
	Retries Expression // "3" when absent, as in Zeebe
}

// Mapping is one zeebe:input or zeebe:output. Source is an expression (or
// a literal); Target is a variable name.
type Mapping struct {
	Source Expression
	Target string
}

// Header is one zeebe:header of zeebe:taskHeaders.
type Header struct {
	Key, Value string
}

// Subscription is zeebe:subscription on a message.
type Subscription struct {
	CorrelationKey Expression
}

// CalledElement is zeebe:calledElement of a call activity. Both propagate
// flags default to true, as in Zeebe.
type CalledElement struct {
	ProcessID                   Expression
	PropagateAllChildVariables  bool
	PropagateAllParentVariables bool
	BindingType, VersionTag     string
}

// ZeebeLoop is zeebe:loopCharacteristics of a multi-instance activity.
type ZeebeLoop struct {
	InputCollection  Expression
	InputElement     string
	OutputCollection string
	OutputElement    Expression
}

// Script is zeebe:script: a FEEL expression whose result is stored in
// ResultVariable.
type Script struct {
	Expression     Expression
	ResultVariable string
}

// CalledDecision is zeebe:calledDecision of a business rule task.
type CalledDecision struct {
	DecisionID     Expression
	ResultVariable string
	BindingType    string
	VersionTag     string
}

// UserTask gathers a user task's zeebe extensions. ZeebeUserTask is true
// when zeebe:userTask is present (a Camunda user task managed by the engine);
// otherwise Zeebe creates a job of type "io.camunda.zeebe:userTask".
type UserTask struct {
	ZeebeUserTask                      bool
	Assignee                           Expression
	CandidateGroups, CandidateUsers    Expression
	DueDate, FollowUpDate              Expression
	FormKey, FormID, ExternalReference string
	FormBindingType, FormVersionTag    string
	Priority                           Expression
}

// Property is one zeebe:property.
type Property struct {
	Name, Value string
}

// ExecutionListener is one zeebe:executionListener: a job of Type created
// when the element starts or ends.
type ExecutionListener struct {
	EventType string // "start" or "end"
	Type      Expression
	Retries   Expression
}

// PublishMessage is zeebe:publishMessage: a send task or message throw
// event that publishes its message itself instead of creating a job.
type PublishMessage struct {
	CorrelationKey Expression
	TimeToLive     Expression // ISO 8601 duration, empty = not buffered
	MessageID      Expression
}

// AdHoc is zeebe:adHoc of an ad-hoc subprocess.
type AdHoc struct {
	ActiveElementsCollection Expression
}

// XMLElement is an extension element kept as plain XML.
type XMLElement struct {
	Space, Tag string // namespace URI and local name
	Attrs      []XMLAttr
	Text       string
	Children   []*XMLElement
	Pos
}

// XMLAttr is one attribute of an XMLElement.
type XMLAttr struct {
	Space, Key, Value string
}

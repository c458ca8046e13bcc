package record

// The value types, as Zeebe names them. Types of later features are listed
// so that their names are fixed; the engine writes only the ones it handles.
const (
	Deployment              ValueType = "DEPLOYMENT"
	Process                 ValueType = "PROCESS"
	ProcessInstance         ValueType = "PROCESS_INSTANCE"
	ProcessInstanceCreation ValueType = "PROCESS_INSTANCE_CREATION"
	ProcessInstanceResult   ValueType = "PROCESS_INSTANCE_RESULT"
	Job                     ValueType = "JOB"
	JobBatch                ValueType = "JOB_BATCH"
	Variable                ValueType = "VARIABLE"
	VariableDocument        ValueType = "VARIABLE_DOCUMENT"
	Incident                ValueType = "INCIDENT"
	Error                   ValueType = "ERROR"
	Timer                   ValueType = "TIMER"
	Message                 ValueType = "MESSAGE"
	MessageSubscription     ValueType = "MESSAGE_SUBSCRIPTION"
	ProcessMessageSub       ValueType = "PROCESS_MESSAGE_SUBSCRIPTION"
	Signal                  ValueType = "SIGNAL"
	CommandDistribution     ValueType = "COMMAND_DISTRIBUTION"
)

// Intents. Zeebe's intents are per value type but share spellings
// (CREATED is an intent of JOB, DEPLOYMENT, VARIABLE, INCIDENT, ...), so one
// constant serves every value type that uses the word.
const (
	// Shared.
	Create  Intent = "CREATE"
	Created Intent = "CREATED"
	Update  Intent = "UPDATE"
	Updated Intent = "UPDATED"

	// DEPLOYMENT (DISTRIBUTE/DISTRIBUTED are for multi-partition clusters).
	Distribute       Intent = "DISTRIBUTE"
	Distributed      Intent = "DISTRIBUTED"
	FullyDistributed Intent = "FULLY_DISTRIBUTED"

	// PROCESS_INSTANCE commands.
	Cancel           Intent = "CANCEL"
	ActivateElement  Intent = "ACTIVATE_ELEMENT"
	CompleteElement  Intent = "COMPLETE_ELEMENT"
	TerminateElement Intent = "TERMINATE_ELEMENT"
	// PROCESS_INSTANCE events.
	SequenceFlowTaken  Intent = "SEQUENCE_FLOW_TAKEN"
	ElementActivating  Intent = "ELEMENT_ACTIVATING"
	ElementActivated   Intent = "ELEMENT_ACTIVATED"
	ElementCompleting  Intent = "ELEMENT_COMPLETING"
	ElementCompleted   Intent = "ELEMENT_COMPLETED"
	ElementTerminating Intent = "ELEMENT_TERMINATING"
	ElementTerminated  Intent = "ELEMENT_TERMINATED"

	// PROCESS_INSTANCE_CREATION.
	CreateWithAwaitingResult Intent = "CREATE_WITH_AWAITING_RESULT"

	// PROCESS_INSTANCE_RESULT and JOB.
	Complete  Intent = "COMPLETE"
	Completed Intent = "COMPLETED"

	// JOB.
	TimeOut              Intent = "TIME_OUT"
	TimedOut             Intent = "TIMED_OUT"
	Fail                 Intent = "FAIL"
	Failed               Intent = "FAILED"
	UpdateRetries        Intent = "UPDATE_RETRIES"
	RetriesUpdated       Intent = "RETRIES_UPDATED"
	Canceled             Intent = "CANCELED"
	ThrowError           Intent = "THROW_ERROR"
	ErrorThrown          Intent = "ERROR_THROWN"
	RecurAfterBackoff    Intent = "RECUR_AFTER_BACKOFF"
	RecurredAfterBackoff Intent = "RECURRED_AFTER_BACKOFF"
	Yield                Intent = "YIELD"
	Yielded              Intent = "YIELDED"
	UpdateTimeout        Intent = "UPDATE_TIMEOUT"
	TimeoutUpdated       Intent = "TIMEOUT_UPDATED"

	// JOB_BATCH.
	Activate  Intent = "ACTIVATE"
	Activated Intent = "ACTIVATED"

	// INCIDENT.
	Resolve  Intent = "RESOLVE"
	Resolved Intent = "RESOLVED"

	// COMMAND_DISTRIBUTION (Zeebe's CommandDistributionIntent): events on
	// the sending partition, ACKNOWLEDGE the command sent back to it.
	Started      Intent = "STARTED"
	Distributing Intent = "DISTRIBUTING"
	Acknowledge  Intent = "ACKNOWLEDGE"
	Acknowledged Intent = "ACKNOWLEDGED"
	Finished     Intent = "FINISHED"
)

// Incident error types (Zeebe's ErrorType).
const (
	ErrJobNoRetries        = "JOB_NO_RETRIES"
	ErrConditionError      = "CONDITION_ERROR"
	ErrExtractValueError   = "EXTRACT_VALUE_ERROR"
	ErrIOMappingError      = "IO_MAPPING_ERROR"
	ErrUnhandledErrorEvent = "UNHANDLED_ERROR_EVENT"
	ErrUnknown             = "UNKNOWN"
)

// DefaultTenant is the tenant of every record while multi-tenancy is off,
// spelled as Zeebe spells it.
const DefaultTenant = "<default>"

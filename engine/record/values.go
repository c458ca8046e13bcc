package record

// The value structs carry Zeebe's JSON field names, so that encoding/json on
// a Record gives Zeebe's exporter shape. Variables are JSON-compatible Go
// values (map[string]any); keys are -1 when unset, as in Zeebe.

// Resource is one file of a deployment.
type Resource struct {
	ResourceName string `json:"resourceName"`
	Resource     []byte `json:"resource"`
}

// ProcessMetadata describes one process of a deployment.
type ProcessMetadata struct {
	BpmnProcessID        string `json:"bpmnProcessId"`
	Version              int32  `json:"version"`
	ProcessDefinitionKey int64  `json:"processDefinitionKey"`
	ResourceName         string `json:"resourceName"`
	Checksum             []byte `json:"checksum"`
	// Duplicate is true when the same resource was deployed before: the
	// process keeps its version and key.
	Duplicate bool   `json:"duplicate"`
	TenantID  string `json:"tenantId"`
}

// DeploymentRecord is the value of DEPLOYMENT records.
type DeploymentRecord struct {
	Resources         []Resource        `json:"resources"`
	ProcessesMetadata []ProcessMetadata `json:"processesMetadata"`
	DeploymentKey     int64             `json:"deploymentKey"`
	TenantID          string            `json:"tenantId"`
}

// ProcessRecord is the value of PROCESS records: one deployed process.
type ProcessRecord struct {
	BpmnProcessID        string `json:"bpmnProcessId"`
	Version              int32  `json:"version"`
	ProcessDefinitionKey int64  `json:"processDefinitionKey"`
	ResourceName         string `json:"resourceName"`
	Checksum             []byte `json:"checksum"`
	Resource             []byte `json:"resource"`
	DeploymentKey        int64  `json:"deploymentKey"`
	Duplicate            bool   `json:"duplicate"`
	TenantID             string `json:"tenantId"`
}

// ProcessInstanceRecord is the value of PROCESS_INSTANCE records: one
// element instance (the process itself, an activity, an event, a flow).
type ProcessInstanceRecord struct {
	BpmnProcessID            string `json:"bpmnProcessId"`
	Version                  int32  `json:"version"`
	ProcessDefinitionKey     int64  `json:"processDefinitionKey"`
	ProcessInstanceKey       int64  `json:"processInstanceKey"`
	ElementID                string `json:"elementId"`
	FlowScopeKey             int64  `json:"flowScopeKey"`
	BpmnElementType          string `json:"bpmnElementType"`
	BpmnEventType            string `json:"bpmnEventType"`
	ParentProcessInstanceKey int64  `json:"parentProcessInstanceKey"`
	ParentElementInstanceKey int64  `json:"parentElementInstanceKey"`
	TenantID                 string `json:"tenantId"`
}

// ProcessInstanceCreationRecord is the value of PROCESS_INSTANCE_CREATION
// records. A command names the process by BpmnProcessID (+ Version, -1 for
// the latest) or by ProcessDefinitionKey.
type ProcessInstanceCreationRecord struct {
	BpmnProcessID        string         `json:"bpmnProcessId"`
	ProcessDefinitionKey int64          `json:"processDefinitionKey"`
	Version              int32          `json:"version"`
	Variables            map[string]any `json:"variables"`
	ProcessInstanceKey   int64          `json:"processInstanceKey"`
	// FetchVariables names the variables returned with the result of an
	// instance created with awaiting result (empty: all).
	FetchVariables []string `json:"fetchVariables"`
	TenantID       string   `json:"tenantId"`
}

// ProcessInstanceResultRecord answers a creation with awaiting result.
type ProcessInstanceResultRecord struct {
	BpmnProcessID        string         `json:"bpmnProcessId"`
	ProcessDefinitionKey int64          `json:"processDefinitionKey"`
	Version              int32          `json:"version"`
	ProcessInstanceKey   int64          `json:"processInstanceKey"`
	Variables            map[string]any `json:"variables"`
	TenantID             string         `json:"tenantId"`
}

// JobRecord is the value of JOB records.
type JobRecord struct {
	Type          string            `json:"type"`
	Worker        string            `json:"worker"`
	Retries       int32             `json:"retries"`
	RetryBackoff  int64             `json:"retryBackoff"`
	RecurringTime int64             `json:"recurringTime"`
	Deadline      int64             `json:"deadline"`
	Timeout       int64             `json:"timeout"`
	ErrorMessage  string            `json:"errorMessage"`
	ErrorCode     string            `json:"errorCode"`
	CustomHeaders map[string]string `json:"customHeaders"`
	Variables     map[string]any    `json:"variables"`
	// Element and process the job belongs to.
	ElementID                string `json:"elementId"`
	ElementInstanceKey       int64  `json:"elementInstanceKey"`
	ProcessInstanceKey       int64  `json:"processInstanceKey"`
	BpmnProcessID            string `json:"bpmnProcessId"`
	ProcessDefinitionVersion int32  `json:"processDefinitionVersion"`
	ProcessDefinitionKey     int64  `json:"processDefinitionKey"`
	TenantID                 string `json:"tenantId"`
}

// JobBatchRecord is the value of JOB_BATCH records: a worker's request to
// activate jobs (ACTIVATE) and the jobs it got (ACTIVATED).
type JobBatchRecord struct {
	Type              string `json:"type"`
	Worker            string `json:"worker"`
	Timeout           int64  `json:"timeout"`
	MaxJobsToActivate int32  `json:"maxJobsToActivate"`
	// Variables names the variables to fetch (empty: all visible ones).
	Variables []string    `json:"variables"`
	JobKeys   []int64     `json:"jobKeys"`
	Jobs      []JobRecord `json:"jobs"`
	Truncated bool        `json:"truncated"`
	TenantIDs []string    `json:"tenantIds"`
}

// VariableRecord is the value of VARIABLE records. Value is the variable's
// value as JSON text, as in Zeebe's exporter.
type VariableRecord struct {
	Name                 string `json:"name"`
	Value                string `json:"value"`
	ScopeKey             int64  `json:"scopeKey"`
	ProcessInstanceKey   int64  `json:"processInstanceKey"`
	ProcessDefinitionKey int64  `json:"processDefinitionKey"`
	BpmnProcessID        string `json:"bpmnProcessId"`
	TenantID             string `json:"tenantId"`
}

// Variable document update semantics.
const (
	SemanticsPropagate = "PROPAGATE"
	SemanticsLocal     = "LOCAL"
)

// VariableDocumentRecord is the value of VARIABLE_DOCUMENT records: set
// variables on an element instance's scope.
type VariableDocumentRecord struct {
	ScopeKey        int64          `json:"scopeKey"`
	UpdateSemantics string         `json:"updateSemantics"`
	Variables       map[string]any `json:"variables"`
	TenantID        string         `json:"tenantId"`
}

// IncidentRecord is the value of INCIDENT records.
type IncidentRecord struct {
	ErrorType            string `json:"errorType"`
	ErrorMessage         string `json:"errorMessage"`
	BpmnProcessID        string `json:"bpmnProcessId"`
	ProcessDefinitionKey int64  `json:"processDefinitionKey"`
	ProcessInstanceKey   int64  `json:"processInstanceKey"`
	ElementID            string `json:"elementId"`
	ElementInstanceKey   int64  `json:"elementInstanceKey"`
	JobKey               int64  `json:"jobKey"`
	VariableScopeKey     int64  `json:"variableScopeKey"`
	TenantID             string `json:"tenantId"`
}

// ValueType implementations tie each struct to its value type.
func (*DeploymentRecord) ValueType() ValueType              { return Deployment }
func (*ProcessRecord) ValueType() ValueType                 { return Process }
func (*ProcessInstanceRecord) ValueType() ValueType         { return ProcessInstance }
func (*ProcessInstanceCreationRecord) ValueType() ValueType { return ProcessInstanceCreation }
func (*ProcessInstanceResultRecord) ValueType() ValueType   { return ProcessInstanceResult }
func (*JobRecord) ValueType() ValueType                     { return Job }
func (*JobBatchRecord) ValueType() ValueType                { return JobBatch }
func (*VariableRecord) ValueType() ValueType                { return Variable }
func (*VariableDocumentRecord) ValueType() ValueType        { return VariableDocument }
func (*IncidentRecord) ValueType() ValueType                { return Incident }
func (*CommandDistributionRecord) ValueType() ValueType     { return CommandDistribution }

// NewValue returns an empty value for vt, or nil if the type is unknown.
func NewValue(vt ValueType) Value {
	switch vt {
	case Deployment:
		return &DeploymentRecord{}
	case Process:
		return &ProcessRecord{}
	case ProcessInstance:
		return &ProcessInstanceRecord{}
	case ProcessInstanceCreation:
		return &ProcessInstanceCreationRecord{}
	case ProcessInstanceResult:
		return &ProcessInstanceResultRecord{}
	case Job:
		return &JobRecord{}
	case JobBatch:
		return &JobBatchRecord{}
	case Variable:
		return &VariableRecord{}
	case VariableDocument:
		return &VariableDocumentRecord{}
	case Incident:
		return &IncidentRecord{}
	case CommandDistribution:
		return &CommandDistributionRecord{}
	}
	return nil
}

package readmodel

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Key is an entity key; in JSON a decimal string, as Camunda writes keys
// (they exceed JavaScript's safe integers). Zero means none (null).
type Key int64

func (k Key) MarshalJSON() ([]byte, error) {
	if k <= 0 {
		return []byte("null"), nil
	}
	return strconv.AppendQuote(nil, strconv.FormatInt(int64(k), 10)), nil
}

func (k *Key) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*k = 0
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("readmodel: key %s: %w", b, err)
	}
	*k = Key(n)
	return nil
}

// Date is a time in ms since the epoch; in JSON an ISO 8601 string with
// milliseconds in UTC (Camunda's date format). Zero means none (null).
type Date int64

const dateLayout = "2006-01-02T15:04:05.000Z07:00"

func (d Date) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte("null"), nil
	}
	return strconv.AppendQuote(nil, d.String()), nil
}

func (d Date) String() string { return time.UnixMilli(int64(d)).UTC().Format(dateLayout) }

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = 0
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("readmodel: date %s: %w", b, err)
	}
	v, err := ParseDate(s)
	*d = v
	return err
}

// ParseDate reads an RFC 3339 date (as Camunda's filters send them).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("readmodel: date %q: expected RFC 3339 such as 2024-05-01T10:00:00.000Z", s)
	}
	return Date(t.UnixMilli()), nil
}

// The entities, with the field names and JSON shapes of Camunda 8 REST v2
// search results (ProcessDefinitionResult, ProcessInstanceResult,
// ElementInstanceResult, VariableSearchResult, IncidentResult,
// JobSearchResult).

// ProcessDefinition is one deployed process.
type ProcessDefinition struct {
	ProcessDefinitionKey Key     `json:"processDefinitionKey"`
	ProcessDefinitionID  string  `json:"processDefinitionId"`
	Name                 *string `json:"name"`
	ResourceName         string  `json:"resourceName"`
	Version              int32   `json:"version"`
	VersionTag           *string `json:"versionTag"`
	TenantID             string  `json:"tenantId"`
	HasStartForm         bool    `json:"hasStartForm"`
}

// Process instance and element instance states (Camunda's enums).
const (
	StateActive     = "ACTIVE"
	StateCompleted  = "COMPLETED"
	StateTerminated = "TERMINATED"
)

// ProcessInstance is one process instance.
type ProcessInstance struct {
	ProcessInstanceKey       Key     `json:"processInstanceKey"`
	ProcessDefinitionKey     Key     `json:"processDefinitionKey"`
	ProcessDefinitionID      string  `json:"processDefinitionId"`
	ProcessDefinitionName    *string `json:"processDefinitionName"`
	ProcessDefinitionVersion int32   `json:"processDefinitionVersion"`
	StartDate                Date    `json:"startDate"`
	EndDate                  Date    `json:"endDate"`
	State                    string  `json:"state"`
	HasIncident              bool    `json:"hasIncident"`
	ParentProcessInstanceKey Key     `json:"parentProcessInstanceKey"`
	ParentElementInstanceKey Key     `json:"parentElementInstanceKey"`
	TenantID                 string  `json:"tenantId"`
}

// ElementInstance is one instance of a flow element (not the process itself
// and not a sequence flow).
type ElementInstance struct {
	ElementInstanceKey   Key    `json:"elementInstanceKey"`
	ProcessInstanceKey   Key    `json:"processInstanceKey"`
	ProcessDefinitionKey Key    `json:"processDefinitionKey"`
	ProcessDefinitionID  string `json:"processDefinitionId"`
	ElementID            string `json:"elementId"`
	ElementName          string `json:"elementName"`
	Type                 string `json:"type"`
	State                string `json:"state"`
	StartDate            Date   `json:"startDate"`
	EndDate              Date   `json:"endDate"`
	HasIncident          bool   `json:"hasIncident"`
	IncidentKey          Key    `json:"incidentKey"`
	FlowScopeKey         Key    `json:"flowScopeKey"`
	TenantID             string `json:"tenantId"`
}

// Variable is one variable of a scope. Value is JSON text; in search
// results it is cut to the preview size and IsTruncated says so.
type Variable struct {
	VariableKey        Key    `json:"variableKey"`
	Name               string `json:"name"`
	Value              string `json:"value"`
	IsTruncated        bool   `json:"isTruncated"`
	ScopeKey           Key    `json:"scopeKey"`
	ProcessInstanceKey Key    `json:"processInstanceKey"`
	TenantID           string `json:"tenantId"`
}

// Incident states (Camunda's IncidentStateEnum, the two Shoal produces).
const (
	IncidentActive   = "ACTIVE"
	IncidentResolved = "RESOLVED"
)

// Incident is one incident.
type Incident struct {
	IncidentKey          Key    `json:"incidentKey"`
	ProcessDefinitionKey Key    `json:"processDefinitionKey"`
	ProcessDefinitionID  string `json:"processDefinitionId"`
	ProcessInstanceKey   Key    `json:"processInstanceKey"`
	ErrorType            string `json:"errorType"`
	ErrorMessage         string `json:"errorMessage"`
	ElementID            string `json:"elementId"`
	ElementInstanceKey   Key    `json:"elementInstanceKey"`
	CreationTime         Date   `json:"creationTime"`
	State                string `json:"state"`
	JobKey               Key    `json:"jobKey"`
	TenantID             string `json:"tenantId"`
}

// Job is one job (Camunda's JobSearchResult; its JobStateEnum has no
// ACTIVATED: an activated job stays CREATED with a worker and a deadline).
type Job struct {
	JobKey                   Key               `json:"jobKey"`
	Type                     string            `json:"type"`
	Worker                   string            `json:"worker"`
	State                    string            `json:"state"`
	Kind                     string            `json:"kind"`
	ListenerEventType        string            `json:"listenerEventType"`
	Retries                  int32             `json:"retries"`
	IsDenied                 *bool             `json:"isDenied"`
	DeniedReason             *string           `json:"deniedReason"`
	HasFailedWithRetriesLeft bool              `json:"hasFailedWithRetriesLeft"`
	ErrorCode                string            `json:"errorCode"`
	ErrorMessage             string            `json:"errorMessage"`
	CustomHeaders            map[string]string `json:"customHeaders"`
	Deadline                 Date              `json:"deadline"`
	EndTime                  Date              `json:"endTime"`
	ProcessDefinitionID      string            `json:"processDefinitionId"`
	ProcessDefinitionKey     Key               `json:"processDefinitionKey"`
	ProcessInstanceKey       Key               `json:"processInstanceKey"`
	ElementID                string            `json:"elementId"`
	ElementInstanceKey       Key               `json:"elementInstanceKey"`
	TenantID                 string            `json:"tenantId"`
}

// ElementStatistics counts the element instances of one element id
// (Camunda's ProcessElementStatisticsResult). Active excludes instances
// with an unresolved incident; those are counted in Incidents.
type ElementStatistics struct {
	ElementID string `json:"elementId"`
	Active    int64  `json:"active"`
	Canceled  int64  `json:"canceled"`
	Incidents int64  `json:"incidents"`
	Completed int64  `json:"completed"`
}

package record

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// samples has one filled record per value type.
func samples() []Record {
	base := func(vt ValueType, intent Intent, v Value) Record {
		return Record{Position: 42, SourceRecordPosition: 41, Key: NewKey(1, 7), Timestamp: 1_700_000_000_123,
			PartitionID: 1, RecordType: Event, ValueType: vt, Intent: intent, RequestID: 9, Value: v}
	}
	job := JobRecord{Type: "pay", Worker: "w", Retries: 3, RetryBackoff: 10, RecurringTime: -1, Deadline: 99, Timeout: 5,
		ErrorMessage: "m", ErrorCode: "E", CustomHeaders: map[string]string{"b": "2", "a": "1"},
		Variables: map[string]any{"x": 1.5, "s": "t", "l": []any{true, nil}}, ElementID: "t", ElementInstanceKey: 3,
		ProcessInstanceKey: 2, BpmnProcessID: "p", ProcessDefinitionVersion: 1, ProcessDefinitionKey: 1, TenantID: DefaultTenant}
	return []Record{
		base(Deployment, Created, &DeploymentRecord{Resources: []Resource{{ResourceName: "a.bpmn", Resource: []byte("<x/>")}},
			ProcessesMetadata: []ProcessMetadata{{BpmnProcessID: "p", Version: 2, ProcessDefinitionKey: 5, ResourceName: "a.bpmn",
				Checksum: []byte{1, 2}, Duplicate: true, TenantID: DefaultTenant}}, DeploymentKey: 4, TenantID: DefaultTenant}),
		base(Process, Created, &ProcessRecord{BpmnProcessID: "p", Version: 1, ProcessDefinitionKey: 5, ResourceName: "a.bpmn",
			Checksum: []byte{9}, Resource: []byte("<x/>"), DeploymentKey: 4, TenantID: DefaultTenant}),
		base(ProcessInstance, ElementActivating, &ProcessInstanceRecord{BpmnProcessID: "p", Version: 1, ProcessDefinitionKey: 5,
			ProcessInstanceKey: 6, ElementID: "task", FlowScopeKey: 6, BpmnElementType: "SERVICE_TASK", BpmnEventType: "UNSPECIFIED",
			ParentProcessInstanceKey: -1, ParentElementInstanceKey: -1, TenantID: DefaultTenant}),
		base(ProcessInstanceCreation, Created, &ProcessInstanceCreationRecord{BpmnProcessID: "p", ProcessDefinitionKey: 5, Version: -1,
			Variables: map[string]any{"a": "b"}, ProcessInstanceKey: 6, FetchVariables: []string{"a"}, TenantID: DefaultTenant}),
		base(ProcessInstanceResult, Completed, &ProcessInstanceResultRecord{BpmnProcessID: "p", ProcessDefinitionKey: 5, Version: 1,
			ProcessInstanceKey: 6, Variables: map[string]any{"r": 1.0}, TenantID: DefaultTenant}),
		base(Job, Created, &job),
		base(JobBatch, Activated, &JobBatchRecord{Type: "pay", Worker: "w", Timeout: 5, MaxJobsToActivate: 2,
			Variables: []string{"x"}, JobKeys: []int64{7}, Jobs: []JobRecord{job}, Truncated: true, TenantIDs: []string{DefaultTenant}}),
		base(Variable, Created, &VariableRecord{Name: "x", Value: `{"a":1}`, ScopeKey: 6, ProcessInstanceKey: 6,
			ProcessDefinitionKey: 5, BpmnProcessID: "p", TenantID: DefaultTenant}),
		base(VariableDocument, Updated, &VariableDocumentRecord{ScopeKey: 6, UpdateSemantics: SemanticsLocal,
			Variables: map[string]any{"x": false}, TenantID: DefaultTenant}),
		base(Incident, Created, &IncidentRecord{ErrorType: ErrJobNoRetries, ErrorMessage: "no", BpmnProcessID: "p",
			ProcessDefinitionKey: 5, ProcessInstanceKey: 6, ElementID: "t", ElementInstanceKey: 8, JobKey: 7,
			VariableScopeKey: 8, TenantID: DefaultTenant}),
		{Position: 1, SourceRecordPosition: -1, Key: -1, RecordType: CommandRejection, ValueType: Job, Intent: Complete,
			RejectionType: NotFound, RejectionReason: "Expected to complete job with key '1', but no such job was found"},
	}
}

func TestCodec_MarshalUnmarshalRoundTripsEveryValueType(t *testing.T) {
	for _, r := range samples() {
		t.Run(string(r.ValueType), func(t *testing.T) {
			b, err := Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r) {
				t.Fatalf("round trip changed the record:\n got  %+v\n want %+v", got, r)
			}
		})
	}
}

func TestCodec_MarshalRefusesAValueOfAnotherType(t *testing.T) {
	r := Record{ValueType: Job, Value: &IncidentRecord{}}
	if _, err := Marshal(r); err == nil {
		t.Fatal("marshaled an incident value as a job")
	}
}

func TestCodec_UnmarshalRejectsCorruptInputWithoutPanicking(t *testing.T) {
	b, err := Marshal(samples()[6])
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		if _, err := Unmarshal(b[:i]); err == nil {
			t.Fatalf("truncated at %d: no error", i)
		}
	}
	if _, err := Unmarshal(append([]byte{99}, b[1:]...)); err == nil {
		t.Fatal("unknown version accepted")
	}
	if _, err := Unmarshal(append(b, 0)); err == nil {
		t.Fatal("trailing bytes accepted")
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, r := range samples() {
		b, err := Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Unmarshal(b)
		if err != nil {
			return
		}
		// whatever decodes must encode again
		if _, err := Marshal(r); err != nil && !strings.Contains(err.Error(), "variables") {
			t.Fatalf("decoded record does not encode: %v", err)
		}
	})
}

func TestJSON_HasZeebeExporterShape(t *testing.T) {
	r := samples()[5] // a JOB CREATED event
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"position": 42.0, "valueType": "JOB", "intent": "CREATED", "recordType": "EVENT",
		"key": float64(NewKey(1, 7)), "partitionId": 1.0, "sourceRecordPosition": 41.0} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if _, ok := m["requestId"]; ok {
		t.Error("requestId leaked into the exporter JSON")
	}
	v := m["value"].(map[string]any)
	for _, k := range []string{"type", "retries", "customHeaders", "variables", "elementInstanceKey", "processInstanceKey",
		"bpmnProcessId", "processDefinitionVersion", "processDefinitionKey", "tenantId", "deadline"} {
		if _, ok := v[k]; !ok {
			t.Errorf("value has no %q", k)
		}
	}
}

func TestJSON_UnmarshalChoosesTheValueByValueType(t *testing.T) {
	for _, r := range samples() {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var got Record
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", r.ValueType, err)
		}
		r.RequestID = 0 // not part of the JSON
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("%s: JSON round trip:\n got  %+v\n want %+v", r.ValueType, got, r)
		}
	}
	var bad Record
	if err := json.Unmarshal([]byte(`{"valueType":"NOPE","value":{}}`), &bad); err == nil {
		t.Fatal("unknown value type accepted")
	}
}

func BenchmarkMarshalJobRecord(b *testing.B) {
	r := samples()[5]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalProcessInstanceRecord(b *testing.B) {
	enc, err := Marshal(samples()[2])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(enc); err != nil {
			b.Fatal(err)
		}
	}
}

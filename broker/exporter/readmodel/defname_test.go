package readmodel_test

import (
	"path/filepath"
	"testing"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
)

// In a cluster a definition's record comes from partition 1's log and an
// instance of it from another partition's, in no fixed order: an instance
// exported before its definition has no definition name, and the
// instances exported after it must have it (the model remembers names of
// definitions it found, never that one was missing).
func TestInstanceGetsDefinitionNameOnceTheDefinitionIsExported(t *testing.T) {
	m, err := readmodel.Open(filepath.Join(t.TempDir(), "rm"), readmodel.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	defKey := record.NewKey(1, 1)
	var pos2 int64
	early := record.NewKey(2, 10)
	if err := m.Export(2, syntheticLife(&pos2, early, defKey, 1, false)); err != nil {
		t.Fatal(err)
	}
	var pos1 int64
	deployed := deployRecord(&pos1, defKey)
	if err := m.Export(1, []record.Record{deployed}); err != nil {
		t.Fatal(err)
	}
	late := record.NewKey(2, 20)
	if err := m.Export(2, syntheticLife(&pos2, late, defKey, 2, false)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  int64
		want string
	}{{early, ""}, {late, "One task"}} {
		pi, err := m.ProcessInstance(c.key)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if pi.ProcessDefinitionName != nil {
			got = *pi.ProcessDefinitionName
		}
		if got != c.want {
			t.Errorf("instance %d: processDefinitionName %q, want %q", c.key, got, c.want)
		}
	}
}

// deployRecord is the PROCESS CREATED record of a one-task definition
// named "One task".
func deployRecord(pos *int64, defKey int64) record.Record {
	*pos++
	xml := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="one-task" name="One task"/></definitions>`
	return record.Record{Position: *pos, Key: defKey, PartitionID: 1, RecordType: record.Event,
		ValueType: record.Process, Intent: record.Created, Value: &record.ProcessRecord{
			BpmnProcessID: "one-task", Version: 1, ProcessDefinitionKey: defKey, ResourceName: "one.bpmn",
			Resource: []byte(xml), TenantID: record.DefaultTenant}}
}

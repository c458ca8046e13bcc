package jsonl

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
)

func records(from, to int64) []record.Record {
	var recs []record.Record
	for p := from; p <= to; p++ {
		recs = append(recs, record.Record{
			Position: p, SourceRecordPosition: -1, Key: record.NewKey(1, p), Timestamp: 1_700_000_000_000 + p,
			PartitionID: 1, RecordType: record.Event, ValueType: record.ProcessInstance, Intent: record.ElementActivated,
			Value: &record.ProcessInstanceRecord{BpmnProcessID: "order", ElementID: "charge", BpmnElementType: "SERVICE_TASK", TenantID: "<default>"},
		})
	}
	return recs
}

func lines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", len(out)+1, err)
		}
		out = append(out, m)
	}
	return out
}

func TestExportWritesZeebeJSONLinesAndReportsThePosition(t *testing.T) {
	e, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if pos, err := e.Position(1); err != nil || pos != -1 {
		t.Fatalf("position of a new partition = %d, %v; want -1", pos, err)
	}
	if err := e.Export(1, records(1, 3)); err != nil {
		t.Fatal(err)
	}
	if pos, _ := e.Position(1); pos != 3 {
		t.Fatalf("position = %d, want 3", pos)
	}
	got := lines(t, e.Path(1))
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3", len(got))
	}
	first := got[0]
	if first["valueType"] != "PROCESS_INSTANCE" || first["intent"] != "ELEMENT_ACTIVATED" || first["position"] != 1.0 {
		t.Errorf("first line = %v", first)
	}
	if v, ok := first["value"].(map[string]any); !ok || v["elementId"] != "charge" {
		t.Errorf("value = %v, want the process instance record", first["value"])
	}
}

func TestReopenContinuesAfterTheLastLineAndDropsATornOne(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Export(1, records(1, 5)); err != nil {
		t.Fatal(err)
	}
	e.Close()

	// A crash in the middle of a write leaves half a line behind.
	f, err := os.OpenFile(e.Path(1), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"position":6,"valueTy`)
	f.Close()

	e, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if pos, err := e.Position(1); err != nil || pos != 5 {
		t.Fatalf("position after reopen = %d, %v; want 5", pos, err)
	}
	if err := e.Export(1, records(6, 7)); err != nil {
		t.Fatal(err)
	}
	got := lines(t, e.Path(1))
	if len(got) != 7 {
		t.Fatalf("%d lines, want 7 (the torn line replaced)", len(got))
	}
	for i, l := range got {
		if l["position"] != float64(i+1) {
			t.Fatalf("line %d has position %v", i+1, l["position"])
		}
	}
}

func TestPartitionsHaveTheirOwnFiles(t *testing.T) {
	e, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Export(2, records(10, 11)); err != nil {
		t.Fatal(err)
	}
	if pos, _ := e.Position(1); pos != -1 {
		t.Errorf("partition 1 position = %d, want -1", pos)
	}
	if pos, _ := e.Position(2); pos != 11 {
		t.Errorf("partition 2 position = %d, want 11", pos)
	}
}

func TestAFileThatIsNotRecordsIsRefused(t *testing.T) {
	e, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := os.WriteFile(e.Path(1), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Position(1); err == nil {
		t.Fatal("a file of non-records was taken as an export file")
	}
}

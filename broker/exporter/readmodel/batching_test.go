package readmodel_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
)

// The model keeps the entities and statistics an Export changes in memory
// and writes them once at its end: exporting a stream in one call must
// leave exactly what exporting it a record at a time leaves.
func TestExportInOneCallEqualsExportRecordByRecord(t *testing.T) {
	defKey := record.NewKey(1, 1)
	var pos int64
	stream := []record.Record{deployRecord(&pos, defKey)}
	for i := range 12 {
		pik := record.NewKey(1, int64(10+i*8))
		stream = append(stream, syntheticLife(&pos, pik, defKey, int64(1000+i), i%4 != 0)...)
	}
	open := func() *readmodel.Model {
		m, err := readmodel.Open(filepath.Join(t.TempDir(), "rm"), readmodel.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	whole, single := open(), open()
	if err := whole.Export(1, stream); err != nil {
		t.Fatal(err)
	}
	for i := range stream {
		if err := single.Export(1, stream[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	all := readmodel.Query{Page: readmodel.Page{Limit: 1000}}
	type snapshot struct {
		Instances []readmodel.ProcessInstance
		Elements  []readmodel.ElementInstance
		Jobs      []readmodel.Job
		Stats     []readmodel.ElementStatistics
	}
	take := func(m *readmodel.Model) snapshot {
		var s snapshot
		pis, err := m.SearchProcessInstances(all)
		if err != nil {
			t.Fatal(err)
		}
		els, err := m.SearchElementInstances(all)
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := m.SearchJobs(all)
		if err != nil {
			t.Fatal(err)
		}
		if s.Stats, err = m.DefinitionStatistics(defKey); err != nil {
			t.Fatal(err)
		}
		s.Instances, s.Elements, s.Jobs = pis.Items, els.Items, jobs.Items
		return s
	}
	got, want := take(whole), take(single)
	if len(want.Instances) != 12 || len(want.Elements) != 12*2 || len(want.Jobs) != 12 || len(want.Stats) == 0 {
		t.Fatalf("record by record: %d instances, %d elements, %d jobs, %d statistics", len(want.Instances), len(want.Elements), len(want.Jobs), len(want.Stats))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("one Export differs from record by record:\n got %+v\nwant %+v", got, want)
	}
}

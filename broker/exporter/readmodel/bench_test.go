package readmodel_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
)

// benchInstances is the number of instances BenchmarkSearch stores:
// SHOAL_BENCH_INSTANCES, or 10,000 (CI). The figure is 100,000.
func benchInstances(b *testing.B) int {
	if s := os.Getenv("SHOAL_BENCH_INSTANCES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("SHOAL_BENCH_INSTANCES: %v", err)
		}
		return n
	}
	return 10_000
}

// syntheticLife is the event records of one instance of a one-task
// process: process, start event and task activated; finished ones (two in
// three) complete, as the engine writes them (sequence flows left out).
func syntheticLife(pos *int64, pik, defKey int64, ts int64, finish bool) []record.Record {
	var out []record.Record
	add := func(key int64, intent record.Intent, v record.Value) {
		*pos++
		out = append(out, record.Record{Position: *pos, Key: key, Timestamp: ts, PartitionID: 1,
			RecordType: record.Event, ValueType: v.ValueType(), Intent: intent, Value: v})
	}
	el := func(key int64, id, typ string, scope int64) *record.ProcessInstanceRecord {
		return &record.ProcessInstanceRecord{BpmnProcessID: "one-task", Version: 1, ProcessDefinitionKey: defKey,
			ProcessInstanceKey: pik, ElementID: id, FlowScopeKey: scope, BpmnElementType: typ,
			ParentProcessInstanceKey: -1, ParentElementInstanceKey: -1, TenantID: record.DefaultTenant}
	}
	add(pik+1, record.Created, &record.VariableRecord{Name: "orderId", Value: strconv.FormatInt(pik, 10), ScopeKey: pik, ProcessInstanceKey: pik, ProcessDefinitionKey: defKey})
	add(pik, record.ElementActivating, el(pik, "one-task", "PROCESS", -1))
	add(pik, record.ElementActivated, el(pik, "one-task", "PROCESS", -1))
	for _, in := range []record.Intent{record.ElementActivating, record.ElementActivated, record.ElementCompleting, record.ElementCompleted} {
		add(pik+2, in, el(pik+2, "start", "START_EVENT", pik))
	}
	add(pik+3, record.ElementActivating, el(pik+3, "task", "SERVICE_TASK", pik))
	add(pik+4, record.Created, &record.JobRecord{Type: "work", Retries: 3, ElementID: "task", ElementInstanceKey: pik + 3, ProcessInstanceKey: pik, ProcessDefinitionKey: defKey, BpmnProcessID: "one-task"})
	add(pik+3, record.ElementActivated, el(pik+3, "task", "SERVICE_TASK", pik))
	if finish {
		add(pik+4, record.Completed, &record.JobRecord{Type: "work", Retries: 3, ElementID: "task", ElementInstanceKey: pik + 3, ProcessInstanceKey: pik, ProcessDefinitionKey: defKey, BpmnProcessID: "one-task"})
		for _, in := range []record.Intent{record.ElementCompleting, record.ElementCompleted} {
			add(pik+3, in, el(pik+3, "task", "SERVICE_TASK", pik))
		}
		for _, in := range []record.Intent{record.ElementCompleting, record.ElementCompleted} {
			add(pik, in, el(pik, "one-task", "PROCESS", -1))
		}
	}
	return out
}

// BenchmarkSearch measures searches over many stored instances (2-core
// machine figures go in the README of the issue report; run with
// SHOAL_BENCH_INSTANCES=100000 for the size).
func BenchmarkSearch(b *testing.B) {
	n := benchInstances(b)
	m, err := readmodel.Open(filepath.Join(b.TempDir(), "rm"), readmodel.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	defKey := record.NewKey(1, 1)
	var pos int64
	var batch []record.Record
	start := time.Now()
	base := time.Now().Add(-time.Hour).UnixMilli()
	records := 0
	var someInstance int64
	for i := range n {
		pik := record.NewKey(1, int64(10+i*8))
		if i == n/2 {
			someInstance = pik
		}
		batch = append(batch, syntheticLife(&pos, pik, defKey, base+int64(i), i%3 != 0)...)
		if len(batch) >= 1024 || i == n-1 {
			if err := m.Export(1, batch); err != nil {
				b.Fatal(err)
			}
			records += len(batch)
			batch = batch[:0]
		}
	}
	b.Logf("exported %d records of %d instances in %v (%.0f records/s)", records, n, time.Since(start), float64(records)/time.Since(start).Seconds())

	cases := []struct {
		name string
		run  func() (int64, error)
	}{
		{"instances/active/newest-50", func() (int64, error) {
			r, err := m.SearchProcessInstances(readmodel.Query{Filter: eq("state", "ACTIVE"),
				Sort: []readmodel.Sort{{Field: "startDate", Desc: true}}, Page: readmodel.Page{Limit: 50}})
			return r.TotalItems, err
		}},
		{"instances/all/first-page", func() (int64, error) {
			r, err := m.SearchProcessInstances(readmodel.Query{})
			return r.TotalItems, err
		}},
		{"element-instances/of-one-instance", func() (int64, error) {
			r, err := m.SearchElementInstances(readmodel.Query{Filter: eq("processInstanceKey", keyStr(someInstance))})
			return r.TotalItems, err
		}},
		{"instance/get", func() (int64, error) {
			_, err := m.ProcessInstance(someInstance)
			return 1, err
		}},
		{"definition/statistics", func() (int64, error) {
			s, err := m.DefinitionStatistics(defKey)
			return int64(len(s)), err
		}},
	}
	// The definition must exist for statistics.
	if err := m.Export(1, []record.Record{{Position: pos + 1, Key: defKey, PartitionID: 1, RecordType: record.Event,
		ValueType: record.Process, Intent: record.Created, Value: &record.ProcessRecord{BpmnProcessID: "one-task",
			Version: 1, ProcessDefinitionKey: defKey, Resource: []byte(oneTask)}}}); err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
			for b.Loop() {
				total, err := c.run()
				if err != nil || total == 0 {
					b.Fatalf("total %d, err %v", total, err)
				}
			}
		})
	}
}

// BenchmarkLagUnderLoad creates instances on a real node from 32
// goroutines as fast as the broker takes them and measures, for each,
// the time from the creation's answer to the instance's appearance in the
// read model's feed (the lag the monitor sees).
func BenchmarkLagUnderLoad(b *testing.B) {
	e := newEnv(b, readmodel.Config{})
	defs := [2]int64{e.deploy(1), e.deploy(2)}
	e.caughtUp()
	subs := []*readmodel.Subscription{e.model.WatchProcessDefinition(defs[0]), e.model.WatchProcessDefinition(defs[1])}
	var mu sync.Mutex
	created := map[int64]time.Time{}
	seen := map[int64]time.Duration{}
	var wg sync.WaitGroup
	for _, sub := range subs {
		defer sub.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range sub.C {
				if p, ok := c.Item.(readmodel.ProcessInstance); ok && p.State == readmodel.StateActive {
					now := time.Now()
					mu.Lock()
					if at, ok := created[c.ProcessInstanceKey]; ok {
						seen[c.ProcessInstanceKey] = now.Sub(at)
					} else {
						created[c.ProcessInstanceKey] = now // seen before the answer came back
						seen[c.ProcessInstanceKey] = 0
					}
					mu.Unlock()
				}
			}
		}()
	}
	b.ResetTimer()
	start := time.Now()
	var next int64
	var work sync.WaitGroup
	for w := range 32 {
		work.Add(1)
		go func() {
			defer work.Done()
			for {
				mu.Lock()
				if next >= int64(b.N) {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				pik := e.create(int32(w%2)+1, nil)
				now := time.Now()
				mu.Lock()
				if _, ok := created[pik]; !ok {
					created[pik] = now
				}
				mu.Unlock()
			}
		}()
	}
	work.Wait()
	elapsed := time.Since(start)
	checkFor(b, 30*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) < b.N {
			return fmt.Errorf("%d of %d instances in the read model", len(seen), b.N)
		}
		return nil
	})
	b.StopTimer()
	for _, s := range subs {
		if s.Lagged() {
			b.Fatal("the feed lagged: the measurement lost changes")
		}
	}
	lags := make([]time.Duration, 0, len(seen))
	for _, d := range seen {
		lags = append(lags, d)
	}
	slices.Sort(lags)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "instances/s")
	b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "p50-lag-ms")
	b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "p99-lag-ms")
	b.ReportMetric(float64(lags[len(lags)-1].Microseconds())/1000, "max-lag-ms")
}

// BenchmarkExport measures how fast the read model takes records: batches
// of 1024 synthetic records (one-task instances), each batch one synced
// pebble commit.
func BenchmarkExport(b *testing.B) {
	m, err := readmodel.Open(filepath.Join(b.TempDir(), "rm"), readmodel.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	defKey := record.NewKey(1, 1)
	var pos int64
	var batch []record.Record
	records := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pik := record.NewKey(1, int64(10+i*8))
		batch = append(batch, syntheticLife(&pos, pik, defKey, int64(i), i%3 != 0)...)
		if len(batch) >= 1024 || i == b.N-1 {
			if err := m.Export(1, batch); err != nil {
				b.Fatal(err)
			}
			records += len(batch)
			batch = batch[:0]
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

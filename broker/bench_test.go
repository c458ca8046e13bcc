package broker

import (
	"context"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
)

// BenchmarkCreateInstance measures a single node with one partition, fsync
// on, in process (no HTTP): instances of a one-task process created by many
// concurrent callers, each waiting for its answer. It reports commands and
// records per second; every record is synced to pebble before its answer.
func BenchmarkCreateInstance(b *testing.B) {
	for _, callers := range []int{1, 16, 256} {
		b.Run(map[int]string{1: "callers=1", 16: "callers=16", 256: "callers=256"}[callers], func(b *testing.B) {
			benchCreate(b, callers)
		})
	}
}

func benchCreate(b *testing.B, callers int) {
	cfg := fastConfig(b.TempDir())
	n, err := NewNode(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	deadline := time.Now().Add(10 * time.Second)
	for !n.Ready() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ctx := context.Background()
	cmd := func(vt record.ValueType, intent record.Intent, v record.Value) record.Record {
		return record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command, ValueType: vt, Intent: intent, Value: v}
	}
	if _, err := n.Submit(ctx, 1, cmd(record.Deployment, record.Create,
		&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "one-task.bpmn", Resource: []byte(oneTask)}}})); err != nil {
		b.Fatal(err)
	}
	log := n.Partition(1).Records()
	_, before, _, _ := log.Bounds()
	b.SetParallelism((callers + 1) / 2) // RunParallel starts parallelism × GOMAXPROCS goroutines (2 here)
	if callers == 1 {
		b.SetParallelism(1)
	}
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, err := n.Submit(ctx, 1, cmd(record.ProcessInstanceCreation, record.Create,
				&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1}))
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	elapsed := time.Since(start).Seconds()
	_, after, _, _ := log.Bounds()
	b.ReportMetric(float64(b.N)/elapsed, "commands/s")
	b.ReportMetric(float64(after-before)/elapsed, "records/s")
}

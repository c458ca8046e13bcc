package broker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
)

func TestSingleNodeRunsAnInstanceToItsEnd(t *testing.T) {
	n := startNode(t, fastConfig(t.TempDir()))
	waitReady(t, n)
	deploy(t, n, 1)

	// A creation awaiting its result is answered when the instance ends.
	result := make(chan record.Record, 1)
	go func() {
		r, err := n.Submit(ctx(t), 1, record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command,
			ValueType: record.ProcessInstanceCreation, Intent: record.CreateWithAwaitingResult,
			Value: &record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1, Variables: map[string]any{"x": 1.0}}})
		if err != nil {
			t.Error(err)
		}
		result <- r
	}()
	jobs, stop := n.WatchJobs("work")
	defer stop()
	select {
	case <-jobs:
	case <-time.After(10 * time.Second):
		t.Fatal("WatchJobs not notified of the new job")
	}
	keys := activate(t, n, 1, 10)
	if len(keys) != 1 {
		t.Fatalf("activated %d jobs, want 1", len(keys))
	}
	completeJob(t, n, keys[0])
	select {
	case r := <-result:
		if r.ValueType != record.ProcessInstanceResult {
			t.Fatalf("awaited result = %s %s", r.ValueType, r.Intent)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no result for the instance awaiting completion")
	}

	topo := n.Topology()
	if len(topo.Brokers) != 1 || len(topo.Brokers[0].Partitions) != 1 || topo.Brokers[0].Partitions[0].Role != "leader" {
		t.Fatalf("topology = %+v", topo)
	}
}

func TestRestartedNodeKeepsEveryAcknowledgedInstance(t *testing.T) {
	dir := t.TempDir()
	cfg := fastConfig(dir)
	n := startNode(t, cfg)
	waitReady(t, n)
	deploy(t, n, 1)
	const count = 30
	for range count {
		createInstance(t, n, 1)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	n = startNode(t, cfg)
	waitReady(t, n)
	keys := activate(t, n, 1, 100)
	if len(keys) != count {
		t.Fatalf("after restart %d jobs activatable, want %d", len(keys), count)
	}
	for _, k := range keys {
		completeJob(t, n, k)
	}
	if keys := activate(t, n, 1, 100); len(keys) != 0 {
		t.Fatalf("%d jobs left after completing all", len(keys))
	}
}

func TestSubmitToAnUnknownPartitionFails(t *testing.T) {
	n := startNode(t, fastConfig(t.TempDir()))
	for _, id := range []int32{0, 2, -1} {
		if _, err := n.Submit(context.Background(), id, record.Record{}); !errors.Is(err, ErrUnknownPartition) {
			t.Errorf("Submit to partition %d = %v, want ErrUnknownPartition", id, err)
		}
	}
}

func TestNodeSpreadsPartitionsOverOnePebble(t *testing.T) {
	cfg := fastConfig(t.TempDir())
	cfg.PartitionsCount = 3
	n := startNode(t, cfg)
	waitReady(t, n)
	deploy(t, n, 1) // distributed to the other partitions
	waitDeployed(t, []*Node{n}, 3, 1)
	for id := int32(1); id <= 3; id++ {
		key := createInstance(t, n, id)
		if record.PartitionOf(key) != id {
			t.Fatalf("instance key %d created on partition %d routes to %d", key, id, record.PartitionOf(key))
		}
	}
	for id := int32(1); id <= 3; id++ {
		if keys := activate(t, n, id, 10); len(keys) != 1 {
			t.Fatalf("partition %d: %d jobs, want 1", id, len(keys))
		}
	}
}

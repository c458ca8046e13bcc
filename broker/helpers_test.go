package broker

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
)

// oneTask is a process with one service task of type "work".
const oneTask = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://shoal.dev/test">
  <bpmn:process id="one-task" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="task">
      <bpmn:extensionElements><zeebe:taskDefinition type="work" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`

// checkFor polls f until it returns nil or wait passes (NATS checkFor).
func checkFor(t *testing.T, wait time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after %v: %v", wait, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testLogger() *slog.Logger {
	if os.Getenv("SHOAL_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// freePorts reserves n loopback ports (released before use; fine on a test
// machine).
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		out[i] = ln.Addr().String()
		ln.Close()
	}
	return out
}

// fastConfig is a node config for tests. The raft timeouts are raft's
// defaults: the 200/200/100 ms that suit loopback (RAFT-NOTES trap 6) made
// leaders step down under the race detector on two cores shared with other
// test runs.
func fastConfig(dir string) Config {
	return Config{
		DataDir: dir, InternalBind: "127.0.0.1:0", Logger: testLogger(),
		HeartbeatTimeout: time.Second, ElectionTimeout: time.Second,
		LeaderLeaseTimeout: 500 * time.Millisecond,
	}
}

func startNode(t *testing.T, cfg Config) *Node {
	t.Helper()
	n, err := NewNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func waitReady(t *testing.T, nodes ...*Node) {
	t.Helper()
	checkFor(t, 10*time.Second, func() error {
		for _, n := range nodes {
			if !n.Ready() {
				return fmt.Errorf("node %d not ready", n.cfg.NodeID)
			}
		}
		return nil
	})
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func submit(t *testing.T, n *Node, partitionID int32, vt record.ValueType, intent record.Intent, key int64, v record.Value) record.Record {
	t.Helper()
	r, err := n.Submit(ctx(t), partitionID, record.Record{
		Key: key, SourceRecordPosition: -1, RecordType: record.Command, ValueType: vt, Intent: intent, Value: v})
	if err != nil {
		t.Fatalf("%s %s on partition %d: %v", vt, intent, partitionID, err)
	}
	if r.RecordType == record.CommandRejection {
		t.Fatalf("%s %s on partition %d rejected: %s %s", vt, intent, partitionID, r.RejectionType, r.RejectionReason)
	}
	return r
}

func deploy(t *testing.T, n *Node, partitionID int32) {
	t.Helper()
	submit(t, n, partitionID, record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "one-task.bpmn", Resource: []byte(oneTask)}}})
}

func createInstance(t *testing.T, n *Node, partitionID int32) int64 {
	t.Helper()
	r := submit(t, n, partitionID, record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1})
	return r.Value.(*record.ProcessInstanceCreationRecord).ProcessInstanceKey
}

func activate(t *testing.T, n *Node, partitionID int32, max int32) []int64 {
	t.Helper()
	r := submit(t, n, partitionID, record.JobBatch, record.Activate, -1,
		&record.JobBatchRecord{Type: "work", Worker: "test", Timeout: 300_000, MaxJobsToActivate: max})
	return r.Value.(*record.JobBatchRecord).JobKeys
}

func completeJob(t *testing.T, n *Node, key int64) {
	t.Helper()
	submit(t, n, record.PartitionOf(key), record.Job, record.Complete, key, &record.JobRecord{})
}

// stateHash hashes a replica's whole state (the engine's column families).
func stateHash(t *testing.T, n *Node, partitionID int32) string {
	t.Helper()
	view, release := n.db.Partition(partitionID).View()
	defer release()
	h := sha256.New()
	if err := view.Iterate(nil, func(k, v []byte) bool {
		fmt.Fprintf(h, "%x=%x;", k, v)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

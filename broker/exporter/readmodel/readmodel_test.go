package readmodel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
)

// oneTask is a process with one service task of type "work".
const oneTask = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://shoal.dev/test">
  <bpmn:process id="one-task" name="One task" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="task" name="Reserve stock">
      <bpmn:extensionElements><zeebe:taskDefinition type="work" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`

// checkFor polls f until it returns nil or wait passes (NATS checkFor).
func checkFor(t testing.TB, wait time.Duration, f func() error) {
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
		time.Sleep(5 * time.Millisecond)
	}
}

// env is a real single node with the read model exporting its partitions.
type env struct {
	t      testing.TB
	dir    string
	node   *broker.Node
	model  *readmodel.Model
	runner *exporter.Runner
	cfg    readmodel.Config
	defs   map[int32]int64 // definition to create instances of, by partition (deploy)
}

func newEnv(t testing.TB, cfg readmodel.Config) *env {
	e := &env{t: t, dir: t.TempDir(), cfg: cfg}
	n, err := broker.NewNode(broker.Config{DataDir: filepath.Join(e.dir, "node"), InternalBind: "127.0.0.1:0",
		PartitionsCount: 2, HeartbeatTimeout: time.Second, ElectionTimeout: time.Second, LeaderLeaseTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.node = n
	t.Cleanup(func() { e.stopModel(); e.node.Close() })
	checkFor(t, 15*time.Second, func() error {
		if !n.Ready() {
			return fmt.Errorf("node not ready")
		}
		return nil
	})
	e.startModel()
	return e
}

func (e *env) startModel() {
	m, err := readmodel.Open(filepath.Join(e.dir, "readmodel"), e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	var sources []exporter.Source
	for id := int32(1); id <= 2; id++ {
		sources = append(sources, exporter.Source{PartitionID: id, Log: e.node.Partition(id).Records()})
	}
	r, err := exporter.Start(m, sources, exporter.Config{PollInterval: 2 * time.Millisecond})
	if err != nil {
		e.t.Fatal(err)
	}
	e.model, e.runner = m, r
}

func (e *env) stopModel() {
	if e.runner != nil {
		e.runner.Stop()
		e.runner = nil
	}
	if e.model != nil {
		if err := e.model.Close(); err != nil {
			e.t.Error(err)
		}
		e.model = nil
	}
}

// caughtUp waits until the read model has exported every record of every
// partition.
func (e *env) caughtUp() {
	e.t.Helper()
	checkFor(e.t, 10*time.Second, func() error {
		for id := int32(1); id <= 2; id++ {
			_, last, ok, err := e.node.Partition(id).Records().Bounds()
			if err != nil {
				return err
			}
			pos, _ := e.runner.Exported(id)
			if ok && pos < last {
				return fmt.Errorf("partition %d exported %d of %d", id, pos, last)
			}
		}
		return nil
	})
}

func (e *env) submit(partition int32, vt record.ValueType, intent record.Intent, key int64, v record.Value) record.Record {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := e.node.Submit(ctx, partition, record.Record{Key: key, SourceRecordPosition: -1,
		RecordType: record.Command, ValueType: vt, Intent: intent, Value: v})
	if err != nil {
		e.t.Fatalf("%s %s: %v", vt, intent, err)
	}
	if r.RecordType == record.CommandRejection {
		e.t.Fatalf("%s %s rejected: %s", vt, intent, r.RejectionReason)
	}
	return r
}

// deploy deploys a version of the process for the instances of a
// partition (partition 1's is oneTask itself, the others' a variant), on
// partition 1, where deployments go and are distributed from; it waits
// until every partition has it. create then starts instances of that
// version on that partition.
func (e *env) deploy(partition int32) int64 {
	e.t.Helper()
	xml := oneTask
	if partition != 1 {
		xml = strings.Replace(oneTask, "</bpmn:definitions>", fmt.Sprintf("<!-- for partition %d -->\n</bpmn:definitions>", partition), 1)
	}
	r := e.submit(1, record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "one-task.bpmn", Resource: []byte(xml)}}})
	key := r.Value.(*record.DeploymentRecord).ProcessesMetadata[0].ProcessDefinitionKey
	checkFor(e.t, 10*time.Second, func() error {
		for id := int32(1); id <= 2; id++ {
			found := false
			if err := e.node.Partition(id).Records().Read(0, func(r record.Record) bool {
				found = r.RecordType == record.Event && r.ValueType == record.Process && r.Key == key
				return !found
			}); err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("partition %d has no process %d yet", id, key)
			}
		}
		return nil
	})
	if e.defs == nil {
		e.defs = map[int32]int64{}
	}
	e.defs[partition] = key
	return key
}

func (e *env) create(partition int32, vars map[string]any) int64 {
	r := e.submit(partition, record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1, ProcessDefinitionKey: e.defs[partition], Variables: vars})
	return r.Value.(*record.ProcessInstanceCreationRecord).ProcessInstanceKey
}

// jobOf activates the open job of instance pik.
func (e *env) jobOf(pik int64) int64 {
	r := e.submit(record.PartitionOf(pik), record.JobBatch, record.Activate, -1,
		&record.JobBatchRecord{Type: "work", Worker: "w1", Timeout: 300_000, MaxJobsToActivate: 100})
	b := r.Value.(*record.JobBatchRecord)
	for i, j := range b.Jobs {
		if j.ProcessInstanceKey == pik {
			return b.JobKeys[i]
		}
	}
	e.t.Fatalf("no job for instance %d among %v", pik, b.JobKeys)
	return 0
}

// ids lists the keys of items.
func ids[T any](items []T, key func(T) readmodel.Key) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = int64(key(it))
	}
	return out
}

func piKey(p readmodel.ProcessInstance) readmodel.Key { return p.ProcessInstanceKey }

func sorted(keys ...int64) []int64 {
	out := slices.Clone(keys)
	slices.Sort(out)
	return out
}

func eq(conds ...any) []readmodel.Condition {
	var out []readmodel.Condition
	for i := 0; i+1 < len(conds); i += 2 {
		out = append(out, readmodel.Condition{Field: conds[i].(string), Op: "$eq", Value: conds[i+1]})
	}
	return out
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func keyStr(k int64) string { return fmt.Sprint(k) }

func sprintJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// restartNode closes the read model and the node and opens both again on
// the same directories.
func (e *env) restartNode() {
	e.t.Helper()
	e.stopModel()
	if err := e.node.Close(); err != nil {
		e.t.Fatal(err)
	}
	n, err := broker.NewNode(broker.Config{DataDir: filepath.Join(e.dir, "node"), InternalBind: "127.0.0.1:0",
		PartitionsCount: 2, HeartbeatTimeout: time.Second, ElectionTimeout: time.Second, LeaderLeaseTimeout: 500 * time.Millisecond})
	if err != nil {
		e.t.Fatal(err)
	}
	e.node = n
	checkFor(e.t, 15*time.Second, func() error {
		if !n.Ready() {
			return fmt.Errorf("node not ready")
		}
		return nil
	})
	e.startModel()
}

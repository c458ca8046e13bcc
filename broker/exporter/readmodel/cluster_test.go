package readmodel_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
)

// clusterMember is one node of a three-node cluster with its read model.
type clusterMember struct {
	cfg    broker.Config
	node   *broker.Node
	model  *readmodel.Model
	runner *exporter.Runner
	dir    string
}

func (c *clusterMember) start(t *testing.T) {
	t.Helper()
	n, err := broker.NewNode(c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := readmodel.Open(filepath.Join(c.dir, "readmodel"), readmodel.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := exporter.Start(m, []exporter.Source{{PartitionID: 1, Log: n.Partition(1).Records()}}, exporter.Config{PollInterval: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.node, c.model, c.runner = n, m, r
}

func (c *clusterMember) stop() {
	if c.node == nil {
		return
	}
	c.runner.Stop()
	c.model.Close()
	c.node.Close()
	c.node = nil
}

// TestClusterReadModelsAgreeAfterALeaderChange: every replica exports the
// partition's record log into its own read model; after the leader is
// stopped and instances are created under the next one, every node's read
// model, the restarted old leader's included, holds every instance.
func TestClusterReadModelsAgreeAfterALeaderChange(t *testing.T) {
	if testing.Short() {
		t.Skip("three nodes")
	}
	dir := t.TempDir()
	ports := make([]string, 3)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = ln.Addr().String()
		ln.Close()
	}
	members := make([]*clusterMember, 3)
	for i := range members {
		d := filepath.Join(dir, "node"+strconv.Itoa(i))
		members[i] = &clusterMember{dir: d, cfg: broker.Config{NodeID: int32(i), ClusterSize: 3, PartitionsCount: 1,
			ReplicationFactor: 3, DataDir: filepath.Join(d, "node"), InternalBind: ports[i], Peers: ports,
			HeartbeatTimeout: time.Second, ElectionTimeout: time.Second, LeaderLeaseTimeout: 500 * time.Millisecond}}
		members[i].start(t)
	}
	t.Cleanup(func() {
		for _, m := range members {
			m.stop()
		}
	})
	leader := func() *clusterMember {
		var found *clusterMember
		checkFor(t, 15*time.Second, func() error {
			for _, m := range members {
				if m.node != nil && m.node.Partition(1).IsLeader() && m.node.Ready() {
					found = m
					return nil
				}
			}
			return errors.New("no leader")
		})
		return found
	}
	submit := func(v record.Value, vt record.ValueType) record.Record {
		t.Helper()
		var out record.Record
		checkFor(t, 20*time.Second, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r, err := leader().node.Submit(ctx, 1, record.Record{Key: -1, SourceRecordPosition: -1,
				RecordType: record.Command, ValueType: vt, Intent: record.Create, Value: v})
			if err == nil && r.RecordType == record.CommandRejection {
				t.Fatalf("rejected: %s", r.RejectionReason)
			}
			out = r
			return err
		})
		return out
	}
	create := func() int64 {
		r := submit(&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1}, record.ProcessInstanceCreation)
		return r.Value.(*record.ProcessInstanceCreationRecord).ProcessInstanceKey
	}
	submit(&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "one-task.bpmn", Resource: []byte(oneTask)}}}, record.Deployment)
	var keys []int64
	for range 5 {
		keys = append(keys, create())
	}
	old := leader()
	old.stop()
	for range 5 {
		keys = append(keys, create())
	}
	old.start(t)
	for range 2 {
		keys = append(keys, create())
	}
	// The truth is the partition's record log (a command whose leader was
	// lost may have been applied without an answer): every instance created
	// here is in it, and every node's read model holds exactly its instances.
	var inLog []int64
	err := leader().node.Partition(1).Records().Read(0, func(r record.Record) bool {
		if v, ok := r.Value.(*record.ProcessInstanceRecord); ok && r.RecordType == record.Event &&
			r.Intent == record.ElementActivating && v.BpmnElementType == "PROCESS" {
			inLog = append(inLog, r.Key)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !slices.Contains(inLog, k) {
			t.Fatalf("instance %d acknowledged but not in the log %v", k, inLog)
		}
	}
	keys = inLog
	for i, m := range members {
		checkFor(t, 20*time.Second, func() error {
			r, err := m.model.SearchProcessInstances(readmodel.Query{Page: readmodel.Page{Limit: 100}})
			if err != nil {
				return err
			}
			if got := sorted(ids(r.Items, piKey)...); fmt.Sprint(got) != fmt.Sprint(sorted(keys...)) {
				return fmt.Errorf("node %d read model has %v, want %v", i, got, sorted(keys...))
			}
			return nil
		})
	}
}

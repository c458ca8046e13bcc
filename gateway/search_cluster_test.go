package gateway_test

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway"
)

// TestSearchesFanOutOverACluster: three nodes, three partitions, one
// replica each, so every node's read model holds one partition. A search
// through any node's gateway answers for all partitions (merged pages),
// and a get of a key on another node's partition is forwarded there.
func TestSearchesFanOutOverACluster(t *testing.T) {
	if testing.Short() {
		t.Skip("three nodes")
	}
	dir := t.TempDir()
	internal := make([]string, 3)
	https := make([]net.Listener, 3)
	for i := range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		internal[i] = ln.Addr().String()
		ln.Close()
		if https[i], err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	nodes := make([]*broker.Node, 3)
	urls := make([]string, 3)
	for i := range 3 {
		port := https[i].Addr().(*net.TCPAddr).Port
		n, err := broker.NewNode(broker.Config{NodeID: int32(i), ClusterSize: 3, PartitionsCount: 3, ReplicationFactor: 1,
			DataDir: filepath.Join(dir, strconv.Itoa(i), "node"), InternalBind: internal[i], Peers: internal,
			GatewayHost: "127.0.0.1", GatewayPort: int32(port), Logger: quiet,
			HeartbeatTimeout: time.Second, ElectionTimeout: time.Second, LeaderLeaseTimeout: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var sources []exporter.Source
		var local []int32
		for id := int32(1); id <= 3; id++ {
			if p := n.Partition(id); p != nil {
				sources = append(sources, exporter.Source{PartitionID: id, Log: p.Records()})
				local = append(local, id)
			}
		}
		m, err := readmodel.Open(filepath.Join(dir, strconv.Itoa(i), "readmodel"), readmodel.Config{Partitions: local})
		if err != nil {
			t.Fatal(err)
		}
		r, err := exporter.Start(m, sources, exporter.Config{PollInterval: 2 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		gw := gateway.New(n, gateway.Config{Logger: quiet, ReadModel: m})
		srv := httptest.NewUnstartedServer(gw.Handler())
		srv.Listener.Close()
		srv.Listener = https[i]
		srv.Start()
		t.Cleanup(func() { gw.Close(); srv.Close(); r.Stop(); m.Close(); n.Close() })
		nodes[i], urls[i] = n, srv.URL
	}
	waitFor(t, "every partition healthy in every node's topology", func() bool {
		for _, n := range nodes {
			healthy := 0
			for _, b := range n.Topology().Brokers {
				for _, p := range b.Partitions {
					if p.Health == "healthy" && p.Role == "leader" {
						healthy++
					}
				}
			}
			if healthy != 3 {
				return false
			}
		}
		return true
	})
	submit := func(pid int32, vt record.ValueType, v record.Value) record.Record {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		r, err := nodes[0].Submit(ctx, pid, record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command,
			ValueType: vt, Intent: record.Create, Value: v})
		if err != nil || r.RecordType == record.CommandRejection {
			t.Fatalf("%s on %d: %v %s", vt, pid, err, r.RejectionReason)
		}
		return r
	}
	var keys, defs []string
	// Deployed on partition 1, distributed to the others.
	d := submit(1, record.Deployment, &record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "three-tasks.bpmn", Resource: []byte(threeTasks)}}})
	defs = append(defs, strconv.FormatInt(d.Value.(*record.DeploymentRecord).ProcessesMetadata[0].ProcessDefinitionKey, 10))
	for pid := int32(1); pid <= 3; pid++ {
		for range 3 {
			var r record.Record
			waitFor(t, fmt.Sprintf("the deployment on partition %d", pid), func() bool {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				var err error
				r, err = nodes[0].Submit(ctx, pid, record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command,
					ValueType: record.ProcessInstanceCreation, Intent: record.Create,
					Value: &record.ProcessInstanceCreationRecord{BpmnProcessID: "three-tasks", Version: -1}})
				if err != nil {
					t.Fatalf("create on %d: %v", pid, err)
				}
				return r.RecordType != record.CommandRejection || r.RejectionType != record.NotFound
			})
			if r.RecordType == record.CommandRejection {
				t.Fatalf("create on %d: %s", pid, r.RejectionReason)
			}
			keys = append(keys, strconv.FormatInt(r.Value.(*record.ProcessInstanceCreationRecord).ProcessInstanceKey, 10))
		}
	}
	slices.Sort(keys)
	for i, u := range urls {
		s := &searchNode{url: u}
		waitFor(t, fmt.Sprintf("node %d to see every instance", i), func() bool {
			var p page
			s.call(t, "POST", "/v2/process-instances/search", `{}`, &p)
			return p.Page.TotalItems == int64(len(keys))
		})
		// Pages of two by ascending key, through this node.
		var got []string
		body := `{"sort":[{"field":"processInstanceKey"}],"page":{"limit":2}}`
		for range 10 {
			var p page
			if st := s.call(t, "POST", "/v2/process-instances/search", body, &p); st != 200 || p.Page.TotalItems != int64(len(keys)) {
				t.Fatalf("node %d: %d %+v", i, st, p.Page)
			}
			if len(p.Items) == 0 {
				break
			}
			got = append(got, p.keys("processInstanceKey")...)
			body = fmt.Sprintf(`{"sort":[{"field":"processInstanceKey"}],"page":{"limit":2,"after":%q}}`, *p.Page.EndCursor)
		}
		if !slices.Equal(got, keys) {
			t.Fatalf("node %d paged %v, want %v", i, got, keys)
		}
		var off page
		s.call(t, "POST", "/v2/process-instances/search", `{"sort":[{"field":"processInstanceKey"}],"page":{"from":4,"limit":3}}`, &off)
		if !slices.Equal(off.keys("processInstanceKey"), keys[4:7]) {
			t.Fatalf("node %d offset page %v, want %v", i, off.keys("processInstanceKey"), keys[4:7])
		}
		// Statistics of each partition's definition, through this node.
		for _, d := range defs {
			var st struct {
				Items []readmodel.ElementStatistics `json:"items"`
			}
			if code := s.call(t, "POST", "/v2/process-definitions/"+d+"/statistics/element-instances", "", &st); code != 200 ||
				fmt.Sprint(st.Items) != fmt.Sprint([]readmodel.ElementStatistics{{ElementID: "reserve", Active: 9}, {ElementID: "start", Completed: 9}}) {
				t.Fatalf("node %d: statistics of %s: %d %v", i, d, code, st.Items)
			}
		}
		if code := s.call(t, "POST", "/v2/process-definitions/123/statistics/element-instances", "", nil); code != 404 {
			t.Fatalf("node %d: statistics of an unknown definition: %d", i, code)
		}
		// Every instance can be read through this node, wherever it lives.
		for _, k := range keys {
			var one map[string]any
			if st := s.call(t, "GET", "/v2/process-instances/"+k, "", &one); st != 200 || one["processInstanceKey"] != k {
				t.Fatalf("node %d: get %s: %d %v", i, k, st, one)
			}
		}
	}
}

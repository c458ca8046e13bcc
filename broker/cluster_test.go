package broker

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
)

// testCluster is three nodes on loopback in this process, each with its own
// pebble in a temp dir and real raft over its internal port.
type testCluster struct {
	t     *testing.T
	cfgs  []Config
	nodes []*Node
}

func startCluster(t *testing.T, size, partitions int32, edit func(*Config)) *testCluster {
	t.Helper()
	dir := t.TempDir()
	ports := freePorts(t, int(size))
	c := &testCluster{t: t}
	for i := range size {
		cfg := fastConfig(filepath.Join(dir, "node"+strconv.Itoa(int(i))))
		cfg.NodeID, cfg.ClusterSize, cfg.PartitionsCount, cfg.ReplicationFactor = i, size, partitions, size
		cfg.InternalBind, cfg.Peers = ports[i], ports
		if edit != nil {
			edit(&cfg)
		}
		c.cfgs = append(c.cfgs, cfg)
		c.nodes = append(c.nodes, startNode(t, cfg))
	}
	waitReady(t, c.nodes...)
	return c
}

// leader returns the node that leads partitionID.
func (c *testCluster) leader(partitionID int32) *Node {
	c.t.Helper()
	var found *Node
	checkFor(c.t, 10*time.Second, func() error {
		for _, n := range c.nodes {
			if n != nil && n.Partition(partitionID).IsLeader() {
				found = n
				return nil
			}
		}
		return fmt.Errorf("no leader for partition %d", partitionID)
	})
	return found
}

// waitSameState waits until all live replicas of a partition applied the
// same index and hold byte-identical state.
func (c *testCluster) waitSameState(partitionID int32) {
	c.t.Helper()
	checkFor(c.t, 15*time.Second, func() error {
		var want string
		var wantIdx uint64
		for i, n := range c.nodes {
			if n == nil {
				continue
			}
			idx := n.Partition(partitionID).AppliedIndex()
			h := stateHash(c.t, n, partitionID)
			if want == "" {
				want, wantIdx = h, idx
				continue
			}
			if idx != wantIdx || h != want {
				return fmt.Errorf("partition %d: node %d at index %d, another at %d (states equal: %v)", partitionID, i, idx, wantIdx, h == want)
			}
		}
		return nil
	})
}

func TestClusterForwardsToLeadersAndReplicasEndIdentical(t *testing.T) {
	c := startCluster(t, 3, 2, nil)
	// Every node takes requests for every partition, forwarding to leaders.
	deploy(t, c.nodes[2], 1) // distributed to partition 2
	waitDeployed(t, c.nodes, 2, 1)
	for i := range 12 {
		createInstance(t, c.nodes[i%3], int32(i%2)+1)
	}
	for id := int32(1); id <= 2; id++ {
		keys := activate(t, c.nodes[1], id, 100)
		if len(keys) != 6 {
			t.Fatalf("partition %d: %d jobs, want 6", id, len(keys))
		}
		for _, k := range keys {
			completeJob(t, c.nodes[0], k)
		}
	}
	for id := int32(1); id <= 2; id++ {
		c.waitSameState(id)
	}
	// Every node knows the whole topology, with one leader per partition.
	for _, n := range c.nodes {
		checkFor(t, 5*time.Second, func() error {
			topo := n.Topology()
			leaders := map[int32]int{}
			for _, b := range topo.Brokers {
				for _, p := range b.Partitions {
					if p.Role == "leader" {
						leaders[p.PartitionID]++
					}
				}
			}
			if len(topo.Brokers) != 3 || leaders[1] != 1 || leaders[2] != 1 {
				return fmt.Errorf("node %d sees %d brokers, leaders %v", n.cfg.NodeID, len(topo.Brokers), leaders)
			}
			return nil
		})
	}
}

func TestClusterSurvivesLeaderLossAndTheNodeCatchesUpFromASnapshot(t *testing.T) {
	c := startCluster(t, 3, 1, func(cfg *Config) {
		cfg.SnapshotThreshold, cfg.SnapshotInterval, cfg.TrailingLogs = 16, 50*time.Millisecond, 4
	})
	deploy(t, c.nodes[0], 1)
	for range 10 {
		createInstance(t, c.nodes[0], 1)
	}
	old := c.leader(1)
	down := old.cfg.NodeID
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	c.nodes[down] = nil
	survivor := c.nodes[(down+1)%3]

	// Submit waits through the election. A command whose leader stepped
	// down or shut down after appending it may or may not be applied
	// (ErrNoLeader, ErrClosed, ErrOutcomeUnknown); every acknowledged one
	// must be.
	acked, unsure := 10, 0
	for range 40 {
		_, err := survivor.Submit(ctx(t), 1, record.Record{Key: -1, SourceRecordPosition: -1, RecordType: record.Command,
			ValueType: record.ProcessInstanceCreation, Intent: record.Create,
			Value: &record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1}})
		switch {
		case err == nil:
			acked++
		case errors.Is(err, ErrNoLeader), errors.Is(err, ErrClosed), errors.Is(err, ErrOutcomeUnknown):
			unsure++
		default:
			t.Fatal(err)
		}
	}
	if c.leader(1) == old {
		t.Fatal("the closed node still leads")
	}
	// Let the survivors snapshot and compact past what the closed node has.
	checkFor(t, 10*time.Second, func() error {
		st := c.leader(1).Partition(1).Raft().Stats()
		if st["last_snapshot_index"] == "0" {
			return fmt.Errorf("no snapshot yet: %v", st["last_snapshot_index"])
		}
		return nil
	})

	c.nodes[down] = startNode(t, c.cfgs[down])
	c.waitSameState(1)
	if n := c.nodes[down].Partition(1).Restores(); n == 0 {
		t.Fatal("the rejoined node caught up without installing a snapshot; the test did not compact the log")
	}
	keys := activate(t, c.nodes[down], 1, 100)
	if len(keys) < acked || len(keys) > acked+unsure {
		t.Fatalf("%d jobs after failover; %d instances acknowledged, %d unsure", len(keys), acked, unsure)
	}
}

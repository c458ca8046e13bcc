package broker

import (
	"fmt"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// waitDeployed waits until every replica of partitions 1..count on the
// given nodes (nil ones skipped) holds version of the one-task process.
func waitDeployed(t *testing.T, nodes []*Node, count, version int32) {
	t.Helper()
	checkFor(t, 45*time.Second, func() error {
		for _, n := range nodes {
			if n == nil {
				continue
			}
			for id := int32(1); id <= count; id++ {
				if n.Partition(id) == nil {
					continue
				}
				view, release := n.db.Partition(id).View()
				v, err := state.New(view).LatestVersion("one-task")
				release()
				if err != nil {
					return err
				}
				if v != version {
					return fmt.Errorf("node %d partition %d: version %d of one-task, want %d", n.cfg.NodeID, id, v, version)
				}
			}
		}
		return nil
	})
}

// waitOutboxEmpty waits until partition id's replica on n has no command
// waiting for an acknowledgement.
func waitOutboxEmpty(t *testing.T, n *Node, id int32) {
	t.Helper()
	checkFor(t, 45*time.Second, func() error {
		return checkPending(n, id)
	})
}

func checkPending(n *Node, id int32, want ...int32) error {
	view, release := n.db.Partition(id).View()
	defer release()
	var got []int32
	if err := state.New(view).VisitPendingDistributions(func(_ int64, p int32) bool {
		got = append(got, p)
		return true
	}); err != nil {
		return err
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("partition %d: receivers pending %v, want %v", id, got, want)
	}
	return nil
}

// countRecords counts the records of a type and intent in a replica's log.
func countRecords(t *testing.T, n *Node, id int32, rt record.RecordType, vt record.ValueType, intent record.Intent) int {
	t.Helper()
	c := 0
	if err := n.Partition(id).Records().Read(0, func(r record.Record) bool {
		if r.RecordType == rt && r.ValueType == vt && r.Intent == intent {
			c++
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// runOnEveryPartition creates an instance on each partition and completes
// its job.
func runOnEveryPartition(t *testing.T, n *Node, count int32) {
	t.Helper()
	for id := int32(1); id <= count; id++ {
		key := createInstance(t, n, id)
		if record.PartitionOf(key) != id {
			t.Fatalf("instance key %d created on partition %d routes to %d", key, id, record.PartitionOf(key))
		}
		keys := activate(t, n, id, 10)
		if len(keys) != 1 {
			t.Fatalf("partition %d: %d jobs, want 1", id, len(keys))
		}
		completeJob(t, n, keys[0])
	}
}

func TestDeploymentReachesEveryPartitionOfANode(t *testing.T) {
	cfg := fastConfig(t.TempDir())
	cfg.PartitionsCount = 3
	n := startNode(t, cfg)
	waitReady(t, n)
	deploy(t, n, 1)
	waitDeployed(t, []*Node{n}, 3, 1)
	waitOutboxEmpty(t, n, 1)
	runOnEveryPartition(t, n, 3)
	for id := int32(2); id <= 3; id++ {
		if c := countRecords(t, n, id, record.Event, record.Deployment, record.Created); c != 1 {
			t.Fatalf("partition %d: %d DEPLOYMENT CREATED, want 1", id, c)
		}
	}
	if c := countRecords(t, n, 1, record.Event, record.CommandDistribution, record.Finished); c != 1 {
		t.Fatalf("partition 1: %d COMMAND_DISTRIBUTION FINISHED, want 1", c)
	}
}

func TestDeploymentReachesEveryPartitionWhileATargetLeaderChanges(t *testing.T) {
	c := startCluster(t, 3, 3, nil)
	// The leader of partition 3 goes away as the deployment is made: the
	// command finds a new leader (and if it led partition 1 too, the new
	// leader of partition 1 sends its outbox again).
	old := c.leader(3)
	down := old.cfg.NodeID
	via := c.nodes[(down+1)%3]
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	c.nodes[down] = nil
	deploy(t, via, 1)
	waitDeployed(t, c.nodes, 3, 1)
	waitOutboxEmpty(t, c.leader(1), 1)
	runOnEveryPartition(t, via, 3)

	c.nodes[down] = startNode(t, c.cfgs[down])
	waitDeployed(t, c.nodes, 3, 1)
	// A leader change while a second version is distributed.
	deploy2(t, c.leader(1), 1)
	if err := c.leader(3).Partition(3).Raft().LeadershipTransfer().Error(); err != nil {
		t.Logf("leadership transfer: %v", err) // a transfer may race an election; the test goes on
	}
	waitDeployed(t, c.nodes, 3, 2)
	waitOutboxEmpty(t, c.leader(1), 1)
	for id := int32(1); id <= 3; id++ {
		c.waitSameState(id)
		if n := countRecords(t, c.nodes[0], id, record.Event, record.Deployment, record.Created); n != 2 {
			t.Fatalf("partition %d: %d DEPLOYMENT CREATED, want 2", id, n)
		}
	}
}

func TestCommandForADownPartitionIsDeliveredWhenItIsBackAndAppliedOnce(t *testing.T) {
	// Replication factor 1: partition p lives on node p-1 alone.
	c := startCluster(t, 3, 3, func(cfg *Config) { cfg.ReplicationFactor = 1 })
	if c.nodes[2].Partition(3) == nil || c.nodes[0].Partition(1) == nil {
		t.Fatal("unexpected placement")
	}
	if err := c.nodes[2].Close(); err != nil {
		t.Fatal(err)
	}
	c.nodes[2] = nil
	deploy(t, c.nodes[0], 1)
	waitDeployed(t, c.nodes, 2, 1)
	// Partition 2 acknowledged; partition 3 is down and stays pending
	// while the leader retries.
	checkFor(t, 10*time.Second, func() error { return checkPending(c.nodes[0], 1, 3) })
	checkFor(t, 10*time.Second, func() error { // the leader keeps retrying
		if !c.nodes[0].out.sending(1, 3) {
			return fmt.Errorf("no command in flight from partition 1 to 3")
		}
		return nil
	})
	if err := checkPending(c.nodes[0], 1, 3); err != nil {
		t.Fatal(err)
	}

	c.nodes[2] = startNode(t, c.cfgs[2])
	waitDeployed(t, c.nodes, 3, 1)
	waitOutboxEmpty(t, c.nodes[0], 1)
	if n := countRecords(t, c.nodes[2], 3, record.Event, record.Deployment, record.Created); n != 1 {
		t.Fatalf("partition 3: %d DEPLOYMENT CREATED, want 1", n)
	}
	runOnEveryPartition(t, c.nodes[1], 3)
}

// deploy2 deploys a second version of one-task (another job type).
func deploy2(t *testing.T, n *Node, partitionID int32) {
	t.Helper()
	xml := []byte(oneTask)
	v2 := string(xml[:len(xml)-len("</bpmn:definitions>")]) + "<!-- v2 -->\n</bpmn:definitions>"
	submit(t, n, partitionID, record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "one-task.bpmn", Resource: []byte(v2)}}})
}

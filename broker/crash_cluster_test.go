package broker

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker/cluster"
	"github.com/shoalbpm/shoal/engine/record"
)

// TestSIGKILLedLeadersLoseNoAcknowledgedInstance runs three nodes as
// subprocesses with two partitions, kills the leader of each partition with
// SIGKILL under load, one after the other, and checks that every
// acknowledged instance is still there and completes, on either partition.
func TestSIGKILLedLeadersLoseNoAcknowledgedInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs nodes in subprocesses")
	}
	dir := t.TempDir()
	addrs := freePorts(t, 3)
	cl := cluster.NewClient()
	defer cl.Close()
	nodes := make([]*child, 3)
	for i := range nodes {
		nodes[i] = &child{t: t, dir: filepath.Join(dir, "node"+strconv.Itoa(i)), addr: addrs[i], cl: cl,
			env: []string{"SHOAL_TEST_CHILD_PEERS=" + strings.Join(addrs, ","), "SHOAL_TEST_CHILD_NODE=" + strconv.Itoa(i)}}
		nodes[i].start()
	}
	defer func() {
		for _, n := range nodes {
			n.cmd.Process.Kill()
			n.cmd.Wait()
		}
	}()
	nodes[0].mustTo(1, record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: []record.Resource{{ResourceName: "one-task.bpmn", Resource: []byte(oneTask)}}})
	// Distributed to partition 2: an instance can be created there.
	nodes[0].mustTo(2, record.ProcessInstanceCreation, record.Create, -1,
		&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1})

	var mu sync.Mutex
	acked := map[int64]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() { // each client talks to one node, which forwards
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := nodes[(w+i)%3]
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				rec, err := n.submitTo(ctx, int32(w%2)+1, record.ProcessInstanceCreation, record.Create, -1,
					&record.ProcessInstanceCreationRecord{BpmnProcessID: "one-task", Version: -1})
				cancel()
				if err != nil {
					continue // a dead node, an election, or unsure: not acknowledged
				}
				mu.Lock()
				acked[rec.Value.(*record.ProcessInstanceCreationRecord).ProcessInstanceKey] = true
				mu.Unlock()
			}
		}()
	}
	ackedCount := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	waitAcked := func(n int) {
		checkFor(t, 30*time.Second, func() error {
			if got := ackedCount(); got < n {
				return fmt.Errorf("%d acknowledged, waiting for %d", got, n)
			}
			return nil
		})
	}

	for id := int32(1); id <= 2; id++ {
		waitAcked(ackedCount() + 100)
		victim := leaderOf(t, nodes, id)
		t.Logf("SIGKILL node %d, leader of partition %d, at %d acknowledged", victim, id, ackedCount())
		nodes[victim].kill()
		waitAcked(ackedCount() + 100) // a new leader took over
		nodes[victim].start()
	}
	close(stop)
	wg.Wait()
	t.Logf("%d instances acknowledged", len(acked))

	found := map[int64]bool{}
	for id := int32(1); id <= 2; id++ {
		for {
			rec := nodes[0].mustTo(id, record.JobBatch, record.Activate, -1,
				&record.JobBatchRecord{Type: "work", Worker: "test", Timeout: 300_000, MaxJobsToActivate: 500})
			batch := rec.Value.(*record.JobBatchRecord)
			if len(batch.JobKeys) == 0 {
				break
			}
			for i, key := range batch.JobKeys {
				if found[batch.Jobs[i].ProcessInstanceKey] {
					t.Errorf("instance %d has two jobs", batch.Jobs[i].ProcessInstanceKey)
				}
				found[batch.Jobs[i].ProcessInstanceKey] = true
				nodes[1].mustTo(id, record.Job, record.Complete, key, &record.JobRecord{})
			}
		}
	}
	for key := range acked {
		if !found[key] {
			t.Errorf("acknowledged instance %d lost", key)
		}
	}
}

// leaderOf asks the nodes which of them leads partitionID.
func leaderOf(t *testing.T, nodes []*child, partitionID int32) int {
	t.Helper()
	leader := -1
	checkFor(t, 20*time.Second, func() error {
		for i, n := range nodes {
			info, err := n.topology()
			if err != nil {
				continue
			}
			for _, p := range info.Partitions {
				if p.PartitionID == partitionID && p.Role == "leader" {
					leader = i
					return nil
				}
			}
		}
		return fmt.Errorf("no leader of partition %d", partitionID)
	})
	return leader
}

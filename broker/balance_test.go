package broker

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

func TestLeadershipGoesBackToThePreferredNode(t *testing.T) {
	c := startCluster(t, 3, 3, func(cfg *Config) { cfg.BalanceInterval = 200 * time.Millisecond })
	deploy(t, c.nodes[0], 1)

	// Partition 2 prefers node 1 (its first member). Move it to node 0, as
	// an election under load might (the transfer succeeds once node 1 has
	// stepped down).
	from := c.leader(2)
	if err := from.Partition(2).Raft().LeadershipTransferToServer(serverID(0), raft.ServerAddress(c.nodes[0].mux.Addr())).Error(); err != nil {
		t.Fatal(err)
	}

	// The balancer hands it back, and each node leads one partition.
	checkFor(t, 20*time.Second, func() error {
		for id := int32(1); id <= 3; id++ {
			if want := c.nodes[id-1]; !want.Partition(id).IsLeader() {
				return fmt.Errorf("partition %d is not led by node %d", id, id-1)
			}
		}
		return nil
	})
	// Every partition still runs instances, forwarded from one node.
	waitDeployed(t, c.nodes, 3, 1)
	runOnEveryPartition(t, c.nodes[2], 3)
}

package broker

import (
	"time"

	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/broker/cluster"
)

// defaultBalanceInterval is how often a node looks for partitions it leads
// in another node's place.
const defaultBalanceInterval = 10 * time.Second

// balanceLeaders hands leadership back to each partition's preferred leader,
// its first member (cluster.Members), which bootstrapped it: with that, the
// partitions' leaders are spread over the nodes, as their load is. After a
// failover or an election under load, one node may lead several partitions
// and do most of the work while the others idle. The preferred node gets the
// partition back once it has answered the topology polls for a full interval
// and follows the partition, healthy: raft's leadership transfer lets it
// catch up first, and refuses new commands meanwhile (they are retried,
// nothing was written).
func (n *Node) balanceLeaders(every time.Duration) {
	defer n.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-n.closed:
			return
		}
		for id := int32(1); id <= n.cfg.PartitionsCount; id++ {
			n.balance(id, every)
		}
	}
}

func (n *Node) balance(partitionID int32, upFor time.Duration) {
	p := n.parts[partitionID]
	if p == nil || !p.IsLeader() {
		return
	}
	preferred := cluster.Members(partitionID, n.cfg.ClusterSize, n.cfg.ReplicationFactor)[0]
	if preferred == n.cfg.NodeID || !n.topo.healthyFollower(preferred, partitionID, upFor) {
		return
	}
	start := time.Now()
	err := p.Raft().LeadershipTransferToServer(serverID(preferred), raft.ServerAddress(n.peers[preferred])).Error()
	if err != nil {
		n.logger.Warn("handing leadership back to the preferred node failed", "partition", partitionID,
			"to", preferred, "err", err)
		return
	}
	n.logger.Info("handed leadership back to the preferred node", "partition", partitionID, "to", preferred,
		"took", time.Since(start))
}

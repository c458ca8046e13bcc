package broker

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/shoalbpm/shoal/broker/cluster"
)

// topologyPoll is how often a node asks its peers for their partitions.
const topologyPoll = time.Second

// topologyCache holds what the peers last said about themselves.
type topologyCache struct {
	mu    sync.Mutex
	peers map[int32]BrokerInfo
	up    map[int32]time.Time // since when a peer has answered every poll
}

func newTopologyCache() *topologyCache {
	return &topologyCache{peers: make(map[int32]BrokerInfo), up: make(map[int32]time.Time)}
}

func (c *topologyCache) set(info BrokerInfo) {
	c.mu.Lock()
	c.peers[info.NodeID] = info
	if _, ok := c.up[info.NodeID]; !ok {
		c.up[info.NodeID] = time.Now()
	}
	c.mu.Unlock()
}

// healthyFollower reports whether node nodeID has answered every poll for at
// least d and last said it follows partitionID, healthy.
func (c *topologyCache) healthyFollower(nodeID, partitionID int32, d time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	since, ok := c.up[nodeID]
	if !ok || time.Since(since) < d {
		return false
	}
	for _, p := range c.peers[nodeID].Partitions {
		if p.PartitionID == partitionID {
			return p.Role == "follower" && p.Health == "healthy"
		}
	}
	return false
}

// markDead keeps an unreachable node in the topology with its partitions
// marked dead, as Zeebe shows a broker it lost.
func (c *topologyCache) markDead(nodeID int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.up, nodeID)
	info, ok := c.peers[nodeID]
	if !ok {
		return
	}
	parts := make([]PartitionInfo, len(info.Partitions))
	for i, p := range info.Partitions {
		parts[i] = PartitionInfo{PartitionID: p.PartitionID, Role: "inactive", Health: "dead"}
	}
	info.Partitions = parts
	c.peers[nodeID] = info
}

func (c *topologyCache) all() []BrokerInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]BrokerInfo, 0, len(c.peers))
	for _, info := range c.peers {
		out = append(out, info)
	}
	return out
}

// leaderOf returns the node a peer reported leading partitionID.
func (c *topologyCache) leaderOf(partitionID int32) (int32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, info := range c.peers {
		for _, p := range info.Partitions {
			if p.PartitionID == partitionID && p.Role == "leader" {
				return id, true
			}
		}
	}
	return 0, false
}

// Topology describes the cluster as this node sees it: itself live, its
// peers as they answered at most about a second ago.
func (n *Node) Topology() Topology {
	brokers := append(n.topo.all(), n.localInfo())
	sort.Slice(brokers, func(i, j int) bool { return brokers[i].NodeID < brokers[j].NodeID })
	return Topology{
		ClusterSize:       n.cfg.ClusterSize,
		PartitionsCount:   n.cfg.PartitionsCount,
		ReplicationFactor: n.cfg.ReplicationFactor,
		Brokers:           brokers,
	}
}

// localInfo describes this node and its replicas now.
func (n *Node) localInfo() BrokerInfo {
	info := BrokerInfo{NodeID: n.cfg.NodeID, Host: n.cfg.GatewayHost, Port: n.cfg.GatewayPort, Version: n.cfg.Version}
	for id := int32(1); id <= n.cfg.PartitionsCount; id++ {
		p := n.parts[id]
		if p == nil {
			continue
		}
		pi := PartitionInfo{PartitionID: id, Role: "follower", Health: "healthy"}
		if p.IsLeader() {
			pi.Role = "leader"
		}
		if !p.Healthy() {
			pi.Health = "unhealthy"
		}
		info.Partitions = append(info.Partitions, pi)
	}
	return info
}

func (n *Node) localInfoJSON() ([]byte, error) { return json.Marshal(n.localInfo()) }

// pollTopology asks every peer for its partitions, every topologyPoll.
func (n *Node) pollTopology() {
	defer n.wg.Done()
	if n.cfg.ClusterSize == 1 {
		return
	}
	t := time.NewTicker(topologyPoll)
	defer t.Stop()
	for {
		for id, addr := range n.peers {
			if int32(id) == n.cfg.NodeID {
				continue
			}
			n.askPeer(int32(id), addr)
		}
		select {
		case <-t.C:
		case <-n.closed:
			return
		}
	}
}

func (n *Node) askPeer(id int32, addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), topologyPoll)
	defer cancel()
	resp, err := n.client.Do(ctx, addr, cluster.Request{Op: cluster.OpTopology})
	var info BrokerInfo
	if err == nil && resp.Status == cluster.StatusOK && json.Unmarshal(resp.Body, &info) == nil {
		n.topo.set(info)
		return
	}
	n.topo.markDead(id)
}

package gateway_test

import (
	"context"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/gateway"
	"github.com/shoalbpm/shoal/gateway/client"
)

// clusterNode is one node of a three-node cluster with its own gateway.
type clusterNode struct {
	node *broker.Node
	gw   *gateway.Server
	srv  *httptest.Server
	c    *client.Client
	up   bool
}

func (n *clusterNode) kill() {
	if n.up {
		n.up = false
		n.gw.Close()
		n.srv.Close()
		n.node.Close()
	}
}

func startCluster(t *testing.T) []*clusterNode {
	t.Helper()
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
	nodes := make([]*clusterNode, 3)
	for i := range nodes {
		n, err := broker.NewNode(broker.Config{
			NodeID: int32(i), ClusterSize: 3, PartitionsCount: 1, ReplicationFactor: 3,
			DataDir: filepath.Join(dir, "node"+strconv.Itoa(i)), InternalBind: ports[i], Peers: ports, Logger: quiet,
			// 500/500/250 ms: short enough for a quick failover, long enough
			// that a loaded machine running -race does not depose leaders.
			HeartbeatTimeout: 500 * time.Millisecond, ElectionTimeout: 500 * time.Millisecond, LeaderLeaseTimeout: 250 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		gw := gateway.New(n, gateway.Config{Logger: quiet})
		srv := httptest.NewServer(gw.Handler())
		nodes[i] = &clusterNode{node: n, gw: gw, srv: srv, up: true,
			c: client.New(srv.URL, client.WithRetries(20, 50*time.Millisecond))}
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			n.kill()
		}
	})
	waitFor(t, "the cluster to be ready", func() bool {
		for _, n := range nodes {
			if !n.node.Ready() {
				return false
			}
		}
		return true
	})
	return nodes
}

func leaderOf(t *testing.T, nodes []*clusterNode) int {
	t.Helper()
	found := -1
	waitFor(t, "a leader", func() bool {
		for i, n := range nodes {
			if n.up && n.node.Partition(1).IsLeader() {
				found = i
				return true
			}
		}
		return false
	})
	return found
}

// createRetrying creates an instance, retrying while the cluster elects a
// new leader (the client already retries 503s; forwarding to a leader that
// just died can fail in other ways for a moment).
func createRetrying(t *testing.T, c *client.Client) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks"})
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("create instance: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestClusterFollowerForwardsAndWorkersSurviveLeaderLoss(t *testing.T) {
	nodes := startCluster(t)
	leader := leaderOf(t, nodes)
	follower := nodes[(leader+1)%3]

	// Requests sent to a follower's gateway are forwarded to the leader.
	if _, err := follower.c.Deploy(context.Background(), client.Resource{Name: "three-tasks.bpmn", Content: []byte(threeTasks)}); err != nil {
		t.Fatal(err)
	}
	// Peers report themselves about once a second.
	waitFor(t, "the follower's topology to show all three brokers and the leader", func() bool {
		top, err := follower.c.Topology(context.Background())
		if err != nil || top.ClusterSize != 3 || len(top.Brokers) != 3 {
			return false
		}
		return top.Brokers[leader].Partitions[0].Role == "leader"
	})
	workers := startWorkers(t, follower.c, false)
	const before, after = 20, 20
	for i := 0; i < before; i++ {
		createRetrying(t, follower.c)
	}
	waitFor(t, "the first instances to complete", func() bool { return workers[2].Handled() >= before })

	// The leader dies; the workers on the follower keep receiving jobs.
	nodes[leader].kill()
	newLeader := leaderOf(t, nodes)
	if newLeader == leader {
		t.Fatal("the dead node still leads")
	}
	for i := 0; i < after; i++ {
		createRetrying(t, follower.c)
	}
	waitFor(t, "the instances created after the leader died to complete", func() bool {
		return workers[2].Handled() >= before+after
	})
	for i, w := range workers {
		if w.Polling() {
			t.Fatalf("worker %d fell back to polling", i)
		}
	}
}

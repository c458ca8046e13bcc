package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/shoalbpm/shoal/broker/cluster"
	"github.com/shoalbpm/shoal/broker/jobpush"
	"github.com/shoalbpm/shoal/broker/partition"
	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine"
)

// Config configures a node. Zero values take the defaults in brackets.
type Config struct {
	NodeID            int32  // this node's id, 0..ClusterSize-1
	ClusterSize       int32  // [1]
	PartitionsCount   int32  // [1]
	ReplicationFactor int32  // [ClusterSize], capped at ClusterSize
	DataDir           string // required

	// InternalBind is the host:port of the internal port that carries raft
	// and broker requests [127.0.0.1:26502]; InternalAdvertise is what the
	// other nodes dial [the bound address].
	InternalBind      string
	InternalAdvertise string
	// Peers are the internal addresses of all nodes, indexed by node id;
	// Peers[NodeID] is this node. Empty for a single node.
	Peers []string

	// GatewayHost and GatewayPort are the HTTP address reported in the
	// topology for this node.
	GatewayHost string
	GatewayPort int32
	Version     string

	// Raft timing [hashicorp/raft defaults: 1s/1s/500ms; shoal broker's:
	// 1s/1s/1s]. 200/200/100 ms make failover take well under a second on a
	// quiet LAN, but deposed leaders again and again when three nodes shared
	// two loaded cores (followers answered 100-250 ms late).
	HeartbeatTimeout   time.Duration
	ElectionTimeout    time.Duration
	LeaderLeaseTimeout time.Duration
	SnapshotThreshold  uint64        // entries between snapshots [8192]
	SnapshotInterval   time.Duration // how often raft checks the threshold [10s]
	TrailingLogs       uint64        // entries kept after a snapshot [10240]
	QueueSize          int           // commands queued per partition before RESOURCE_EXHAUSTED [2048]
	MaxBatch           int           // commands per raft entry [256]
	// MaxInFlight bounds a partition's raft entries appended but not yet
	// applied [1 with replicas, 2 without]. Every entry costs an apply on
	// each replica and a round of RPCs and fsyncs, so with replicas fewer,
	// larger entries did better: three nodes on two loaded cores completed
	// 251-261 one-task instances/s with 1 (35 ms commits, 6.4-6.9 commands
	// an entry) and 132-245/s with 2 (45-78 ms, 4.4-4.6).
	MaxInFlight int

	// ExportedPosition reports the position up to which a partition's
	// records are exported (exporter.Runner.Exported); the record log is
	// trimmed only below it. Nil: nothing is trimmed until
	// Node.SetExportedPosition is called.
	ExportedPosition func(partitionID int32) (pos int64, ok bool)
	// RecordRetention is how many records are kept below that [10000].
	RecordRetention int64
	// ExporterLagWarning: above this many unexported records of a
	// partition, the node logs a warning every 10 s [1000000].
	ExporterLagWarning int64
	// BalanceInterval is how often a leader hands partitions back to their
	// preferred leaders, spreading leaders over the nodes (balance.go)
	// [10s]; negative: never.
	BalanceInterval time.Duration

	Logger *slog.Logger // [discard]
	// NewEngine builds a partition's engine [engine.New].
	NewEngine func(partitionID, partitionsCount int32, logger *slog.Logger) (partition.Engine, error)
}

func (c *Config) setDefaults() error {
	if c.ClusterSize <= 0 {
		c.ClusterSize = 1
	}
	if c.PartitionsCount <= 0 {
		c.PartitionsCount = 1
	}
	if c.ReplicationFactor <= 0 || c.ReplicationFactor > c.ClusterSize {
		c.ReplicationFactor = c.ClusterSize
	}
	if c.RecordRetention <= 0 {
		c.RecordRetention = defaultRecordRetention
	}
	if c.ExporterLagWarning <= 0 {
		c.ExporterLagWarning = defaultExporterLagWarning
	}
	if c.MaxInFlight <= 0 && c.ReplicationFactor > 1 {
		c.MaxInFlight = 1
	}
	if c.BalanceInterval == 0 {
		c.BalanceInterval = defaultBalanceInterval
	}
	if c.InternalBind == "" {
		c.InternalBind = "127.0.0.1:26502"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.NewEngine == nil {
		c.NewEngine = func(id, count int32, logger *slog.Logger) (partition.Engine, error) {
			return engine.New(engine.Config{PartitionID: id, PartitionCount: count, Logger: logger})
		}
	}
	switch {
	case c.DataDir == "":
		return errors.New("broker: config: a data directory is required")
	case c.NodeID < 0 || c.NodeID >= c.ClusterSize:
		return fmt.Errorf("broker: config: node id %d outside 0..%d", c.NodeID, c.ClusterSize-1)
	case c.ClusterSize > 1 && len(c.Peers) != int(c.ClusterSize):
		return fmt.Errorf("broker: config: %d peers for a cluster of %d nodes", len(c.Peers), c.ClusterSize)
	}
	return nil
}

// Node is one Shoal broker: a pebble database, the replicas of the
// partitions placed on it, and the internal port. It implements Cluster.
type Node struct {
	cfg    Config
	logger *slog.Logger
	db     *storage.DB
	mux    *cluster.Mux
	client *cluster.Client
	peers  []string                       // internal addresses by node id
	parts  map[int32]*partition.Partition // local replicas
	reg    *prometheus.Registry

	out       *outbound // commands being sent to other partitions
	streams   jobpush.Registry
	pushes    *pushPeers // the push streams of this node and its peers
	topo      *topologyCache
	started   atomic.Bool // set once every local partition is open
	exported  atomic.Pointer[func(int32) (int64, bool)]
	closeOnce sync.Once
	closed    chan struct{}
	wg        sync.WaitGroup
}

var _ Cluster = (*Node)(nil)

// NewNode opens the data directory and the internal port and starts the
// local replicas. The node serves Submit as soon as its partitions have
// leaders (see Ready).
func NewNode(cfg Config) (*Node, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, logger: cfg.Logger.With("node", cfg.NodeID), client: cluster.NewClient(),
		parts: make(map[int32]*partition.Partition), topo: newTopologyCache(), closed: make(chan struct{}),
		out: newOutbound()}
	var err error
	if n.db, err = storage.Open(filepath.Join(cfg.DataDir, "db"), storage.Options{Logger: n.logger}); err != nil {
		return nil, err
	}
	if n.mux, err = cluster.Listen(cfg.InternalBind, cfg.InternalAdvertise, n.logger); err != nil {
		n.db.Close()
		return nil, err
	}
	n.peers = cfg.Peers
	if len(n.peers) == 0 {
		n.peers = []string{n.mux.Addr()}
	}
	n.pushes = newPushPeers(n.peers, cfg.NodeID)
	n.mux.HandleRequests(n.serve)
	for id := int32(1); id <= cfg.PartitionsCount; id++ {
		if !cluster.Hosts(cfg.NodeID, id, cfg.ClusterSize, cfg.ReplicationFactor) {
			continue
		}
		if err := n.openPartition(id); err != nil {
			n.Close()
			return nil, err
		}
	}
	n.reg = n.registry()
	if cfg.ExportedPosition != nil {
		n.SetExportedPosition(cfg.ExportedPosition)
	}
	n.started.Store(true)
	n.wg.Add(2)
	go n.pollTopology()
	go n.trimRecordLogs()
	if cfg.ClusterSize > 1 && cfg.ReplicationFactor > 1 && cfg.BalanceInterval > 0 {
		n.wg.Add(1)
		go n.balanceLeaders(cfg.BalanceInterval)
	}
	n.startPush()
	n.logger.Info("node started", "internal", n.mux.Addr(), "partitions", len(n.parts),
		"clusterSize", cfg.ClusterSize, "partitionsCount", cfg.PartitionsCount)
	return n, nil
}

func (n *Node) openPartition(id int32) error {
	members := cluster.Members(id, n.cfg.ClusterSize, n.cfg.ReplicationFactor)
	servers := make([]raft.Server, 0, len(members))
	for _, m := range members {
		servers = append(servers, raft.Server{ID: serverID(m), Address: raft.ServerAddress(n.peers[m])})
	}
	logger := n.logger.With("partition", id)
	p, err := partition.Open(partition.Config{
		ID: id, NodeID: string(serverID(n.cfg.NodeID)), Data: n.db,
		Dir:   filepath.Join(n.cfg.DataDir, "partitions", strconv.Itoa(int(id))),
		Trans: n.mux.Transport(id, partition.RaftLogger(logger)), Peers: servers,
		Bootstrap: members[0] == n.cfg.NodeID,
		NewEngine: func() (partition.Engine, error) {
			return n.cfg.NewEngine(id, n.cfg.PartitionsCount, logger)
		},
		Logger:    n.logger,
		Send:      func(o engine.Outbound) { n.send(id, o) },
		Streams:   &n.streams,
		QueueSize: n.cfg.QueueSize, MaxBatch: n.cfg.MaxBatch, MaxInFlight: n.cfg.MaxInFlight,
		HeartbeatTimeout: n.cfg.HeartbeatTimeout, ElectionTimeout: n.cfg.ElectionTimeout,
		LeaderLeaseTimeout: n.cfg.LeaderLeaseTimeout, SnapshotThreshold: n.cfg.SnapshotThreshold,
		SnapshotInterval: n.cfg.SnapshotInterval, TrailingLogs: n.cfg.TrailingLogs,
	})
	if err != nil {
		return fmt.Errorf("broker: open partition %d: %w", id, err)
	}
	n.parts[id] = p
	return nil
}

// serverID is a node's raft server id.
func serverID(nodeID int32) raft.ServerID { return raft.ServerID(strconv.Itoa(int(nodeID))) }

// Partition returns the local replica of partition id, or nil.
func (n *Node) Partition(id int32) *partition.Partition { return n.parts[id] }

// Ready reports whether every local partition has a leader and has applied
// what it knows to be committed (Kubernetes readiness).
func (n *Node) Ready() bool {
	for _, p := range n.parts {
		if !p.Ready() {
			return false
		}
	}
	return true
}

// Healthy reports whether every local partition still applies.
func (n *Node) Healthy() bool {
	for _, p := range n.parts {
		if !p.Healthy() {
			return false
		}
	}
	return true
}

// WatchJobs is notified when jobs of jobType may have become activatable on
// any partition replicated on this node (with the replication factor equal to
// the cluster size: every partition).
func (n *Node) WatchJobs(jobType string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	stops := make([]func(), 0, len(n.parts))
	for _, p := range n.parts {
		stops = append(stops, p.WatchJobsOn(jobType, ch))
	}
	return ch, func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// Registry is the node's prometheus registry: partition, pebble and Go
// runtime metrics.
func (n *Node) Registry() *prometheus.Registry { return n.reg }

// Close shuts the node down: the partitions (everything acknowledged is in
// pebble already), the internal port, the database.
func (n *Node) Close() error {
	var errs []error
	n.closeOnce.Do(func() {
		close(n.closed)
		n.wg.Wait()
		n.out.close() // before the partitions: their Submits end
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, p := range n.parts {
			wg.Add(1)
			go func() { // raft shutdowns wait on timeouts; do them together
				defer wg.Done()
				if err := p.Close(); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		n.client.Close()
		if n.mux != nil {
			errs = append(errs, n.mux.Close())
		}
		if n.db != nil {
			errs = append(errs, n.db.Close())
		}
		n.logger.Info("node stopped")
	})
	return errors.Join(errs...)
}

package partition

import (
	"bytes"
	"context"
	"log/slog"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/broker/jobpush"
	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine"
)

// Config describes one replica of a partition on this node.
type Config struct {
	ID     int32
	NodeID string         // raft server id of this node
	Data   *storage.DB    // the node's database
	Dir    string         // for raft snapshots (one directory per partition)
	Trans  raft.Transport // this partition's raft transport
	Peers  []raft.Server  // initial voters, this node included
	// Bootstrap is true on the one node that bootstraps the group when it
	// has no raft state yet (RAFT-NOTES trap 7).
	Bootstrap bool
	NewEngine func() (Engine, error)
	Logger    *slog.Logger
	// Send, when set, is called on the leader with every command the engine
	// sends to another partition (the inter-partition channel): after the
	// batch that wrote it is applied, and again for the engine's whole
	// outbox (PendingOutbound) each time this replica becomes leader. It
	// must not block; the receiver applies a command at most once, so
	// sending one twice is harmless.
	Send func(engine.Outbound)
	// Streams, when set, are the push streams of this node: the leader
	// offers them to the engine with every raft entry and pushes the jobs
	// activated for them after the apply (see broker/jobpush).
	Streams *jobpush.Registry

	// QueueSize bounds the commands waiting to be appended; beyond it
	// Submit fails at once with broker.ErrResourceExhausted. Default 2048.
	QueueSize int
	// MaxBatch bounds the commands in one raft entry. Default 256.
	MaxBatch int
	// MaxInFlight bounds the raft entries appended but not yet applied;
	// commands pile up behind them and go out as the next batch
	// (RAFT-NOTES trap 4). Default 2.
	MaxInFlight int

	// Raft timing; zero values take hashicorp/raft's defaults. On loopback
	// 200/200/100 ms elect a new leader in well under a second (trap 6).
	HeartbeatTimeout   time.Duration
	ElectionTimeout    time.Duration
	LeaderLeaseTimeout time.Duration
	// SnapshotThreshold is the number of entries after which a snapshot is
	// taken and the log compacted. Default 8192.
	SnapshotThreshold uint64
	// SnapshotInterval is how often raft checks the threshold. Default 10s.
	SnapshotInterval time.Duration
	// TrailingLogs are kept after a snapshot so slow followers catch up from
	// the log. Default 10240.
	TrailingLogs uint64
}

func (c *Config) setDefaults() {
	if c.QueueSize <= 0 {
		c.QueueSize = 2048
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 256
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 2
	}
	if c.SnapshotThreshold == 0 {
		c.SnapshotThreshold = 8192
	}
	if c.SnapshotInterval == 0 {
		c.SnapshotInterval = 10 * time.Second
	}
	if c.TrailingLogs == 0 {
		c.TrailingLogs = 10240
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

func (c *Config) raftConfig(notify chan bool) *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(c.NodeID)
	rc.NoSnapshotRestoreOnStart = true // our state outlives restarts (trap 1)
	rc.NotifyCh = notify
	rc.SnapshotThreshold = c.SnapshotThreshold
	rc.SnapshotInterval = c.SnapshotInterval
	rc.TrailingLogs = c.TrailingLogs
	if c.HeartbeatTimeout > 0 {
		rc.HeartbeatTimeout = c.HeartbeatTimeout
	}
	if c.ElectionTimeout > 0 {
		rc.ElectionTimeout = c.ElectionTimeout
	}
	if c.LeaderLeaseTimeout > 0 {
		rc.LeaderLeaseTimeout = c.LeaderLeaseTimeout
	}
	rc.Logger = RaftLogger(c.Logger)
	return rc
}

// RaftLogger returns an hclog logger for hashicorp/raft that writes Warn and
// above through logger (raft's default logs every heartbeat at Debug; trap 12).
func RaftLogger(logger *slog.Logger) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:            "raft",
		Level:           hclog.Warn,
		Output:          slogWriter{logger},
		DisableTime:     true,
		IncludeLocation: false,
	})
}

// slogWriter turns hclog's formatted lines into slog records.
type slogWriter struct{ logger *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	msg := string(bytes.TrimSpace(p))
	level := slog.LevelWarn
	if bytes.Contains(p, []byte("[ERROR]")) {
		level = slog.LevelError
	}
	w.logger.Log(context.Background(), level, "raft", "line", msg)
	return len(p), nil
}

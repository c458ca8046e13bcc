package broker

import (
	"context"
	"errors"

	"github.com/shoalbpm/shoal/engine/record"
)

// Cluster is what the gateway needs from the broker of its node. Every node
// implements it; a request for a partition led elsewhere is forwarded to the
// leader over the internal port.
type Cluster interface {
	// Submit appends cmd to partition partitionID, waits until it is committed
	// and processed, and returns the record that answers it: the event that
	// confirms it or a COMMAND_REJECTION. For commands whose answer comes
	// later (create an instance awaiting its result), Submit waits for that
	// answer until ctx ends. It fails at once with ErrResourceExhausted when
	// the partition's queue is full, before anything is written.
	Submit(ctx context.Context, partitionID int32, cmd record.Record) (record.Record, error)
	// Topology describes the cluster as this node sees it now.
	Topology() Topology
	// WatchJobs returns a channel that receives a value (coalesced, never
	// blocking the broker) whenever jobs of jobType may have become
	// activatable on any partition, and a function that stops the watch.
	WatchJobs(jobType string) (<-chan struct{}, func())
}

// Topology is the cluster's shape and who leads what.
type Topology struct {
	ClusterSize       int32
	PartitionsCount   int32
	ReplicationFactor int32
	Brokers           []BrokerInfo
}

// BrokerInfo is one node and the partitions it hosts.
type BrokerInfo struct {
	NodeID     int32
	Host       string
	Port       int32 // the gateway's HTTP port on that node
	Version    string
	Partitions []PartitionInfo
}

// PartitionInfo is one replica of a partition on a node.
type PartitionInfo struct {
	PartitionID int32
	Role        string // "leader", "follower" or "inactive"
	Health      string // "healthy", "unhealthy" or "dead"
}

// Errors that the gateway maps to HTTP statuses.
var (
	ErrResourceExhausted = errors.New("broker: resource exhausted")
	ErrNoLeader          = errors.New("broker: partition has no leader")
	ErrUnknownPartition  = errors.New("broker: unknown partition")
	ErrClosed            = errors.New("broker: closed")
	// ErrOutcomeUnknown: the command was appended, but the leader lost
	// leadership (or shut down) before it committed, and whether the next
	// leader kept it cannot be told. Retrying may apply it twice.
	ErrOutcomeUnknown = errors.New("broker: the command may or may not have been processed")
)

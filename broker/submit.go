package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shoalbpm/shoal/broker/cluster"
	"github.com/shoalbpm/shoal/broker/partition"
	"github.com/shoalbpm/shoal/engine/record"
)

// maxHops bounds how often a request is forwarded: to a member of the
// partition, then from there to its leader.
const maxHops = 2

// noLeaderWait bounds how long Submit waits for a partition to elect a
// leader before it gives up with ErrNoLeader (when ctx allows that long).
const noLeaderWait = 10 * time.Second

// Submit appends cmd to partition partitionID, on this node if it leads the
// partition, or forwarded to the leader over the internal port. While the
// partition has no leader (an election), Submit retries for a while: a
// command refused for that was never written, so retrying is safe.
func (n *Node) Submit(ctx context.Context, partitionID int32, cmd record.Record) (record.Record, error) {
	return n.submit(ctx, partitionID, cmd, 0)
}

func (n *Node) submit(ctx context.Context, partitionID int32, cmd record.Record, hops uint8) (record.Record, error) {
	if partitionID < 1 || partitionID > n.cfg.PartitionsCount {
		return record.Record{}, fmt.Errorf("%w: %d (partitions 1..%d)", ErrUnknownPartition, partitionID, n.cfg.PartitionsCount)
	}
	giveUp := time.Now().Add(noLeaderWait)
	backoff := 20 * time.Millisecond
	for {
		rec, err := n.submitOnce(ctx, partitionID, cmd, hops)
		if !errors.Is(err, errRetry) {
			return rec, err
		}
		if hops > 0 {
			return record.Record{}, err // the node that forwarded it retries
		}
		if time.Now().After(giveUp) {
			return record.Record{}, fmt.Errorf("%w: partition %d: %v", ErrNoLeader, partitionID, err)
		}
		select {
		case <-time.After(backoff):
			backoff = min(2*backoff, 500*time.Millisecond)
		case <-ctx.Done():
			return record.Record{}, ctx.Err()
		case <-n.closed:
			return record.Record{}, ErrClosed
		}
	}
}

// errRetry marks a failure after which nothing was written: no leader known,
// this replica not the leader, or the target node unreachable.
var errRetry = errors.New("broker: retry")

func (n *Node) submitOnce(ctx context.Context, partitionID int32, cmd record.Record, hops uint8) (record.Record, error) {
	target := ""
	if p := n.parts[partitionID]; p != nil {
		rec, err := p.Submit(ctx, cmd)
		if !errors.Is(err, partition.ErrNotLeader) {
			return rec, localError(err)
		}
		_, target = p.Leader()
		if target == "" || target == n.mux.Addr() {
			return record.Record{}, fmt.Errorf("%w: no leader known", errRetry)
		}
	} else {
		target = n.memberAddr(partitionID)
	}
	if hops >= maxHops {
		return record.Record{}, fmt.Errorf("%w: not the leader after %d hops", errRetry, hops)
	}
	resp, err := n.client.Do(ctx, target, cluster.Request{Op: cluster.OpSubmit, PartitionID: partitionID, Hops: hops + 1, Command: cmd})
	if errors.Is(err, cluster.ErrUnreachable) {
		return record.Record{}, fmt.Errorf("%w: %v", errRetry, err)
	}
	if err != nil && ctx.Err() == nil {
		// Sent, but the connection broke before the answer (the node
		// died): the leader may have appended the command.
		return record.Record{}, fmt.Errorf("%w: %v", ErrOutcomeUnknown, err)
	}
	if err != nil {
		return record.Record{}, err
	}
	return resp.Record, remoteError(resp)
}

// memberAddr picks the node to forward to for a partition not replicated
// here: the leader the topology knows, else the first member.
func (n *Node) memberAddr(partitionID int32) string {
	if id, ok := n.topo.leaderOf(partitionID); ok {
		return n.peers[id]
	}
	return n.peers[cluster.Members(partitionID, n.cfg.ClusterSize, n.cfg.ReplicationFactor)[0]]
}

// localError maps a partition's errors onto the API sentinels.
func localError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, partition.ErrQueueFull):
		return fmt.Errorf("%w: %v", ErrResourceExhausted, err)
	case errors.Is(err, partition.ErrClosedInFlight):
		return fmt.Errorf("%w: %v", ErrOutcomeUnknown, err)
	case errors.Is(err, partition.ErrClosed):
		return ErrClosed
	case errors.Is(err, partition.ErrLeadershipLost):
		return fmt.Errorf("%w: %v", ErrOutcomeUnknown, err)
	}
	return err
}

// serve answers a request from another node.
func (n *Node) serve(ctx context.Context, req cluster.Request) cluster.Response {
	if !n.started.Load() { // the internal port opens before the partitions
		return cluster.Response{Status: cluster.StatusRetry, Message: "node starting"}
	}
	switch req.Op {
	case cluster.OpSubmit:
		select {
		case <-n.closed: // shutting down: refuse before anything is written
			return cluster.Response{Status: cluster.StatusRetry, Message: "node shutting down"}
		default:
		}
		rec, err := n.submit(ctx, req.PartitionID, req.Command, req.Hops)
		return submitResponse(rec, err)
	case cluster.OpJobStreams, cluster.OpPushJobs:
		return n.servePush(req)
	case cluster.OpTopology:
		body, err := n.localInfoJSON()
		if err != nil {
			return cluster.Response{Status: cluster.StatusError, Message: err.Error()}
		}
		return cluster.Response{Body: body}
	}
	return cluster.Response{Status: cluster.StatusError, Message: fmt.Sprintf("unknown request %d", req.Op)}
}

func submitResponse(rec record.Record, err error) cluster.Response {
	status := cluster.StatusOK
	switch {
	case err == nil:
		return cluster.Response{Record: rec}
	case errors.Is(err, errRetry):
		status = cluster.StatusRetry
	case errors.Is(err, ErrNoLeader):
		status = cluster.StatusNoLeader
	case errors.Is(err, ErrResourceExhausted):
		status = cluster.StatusExhausted
	case errors.Is(err, ErrClosed):
		status = cluster.StatusClosed
	case errors.Is(err, ErrUnknownPartition):
		status = cluster.StatusUnknownPartition
	case errors.Is(err, ErrOutcomeUnknown):
		status = cluster.StatusOutcomeUnknown
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		status = cluster.StatusDeadline
	default:
		status = cluster.StatusError
	}
	return cluster.Response{Status: status, Message: err.Error()}
}

// remoteError maps a forwarded request's status back onto the sentinels.
func remoteError(resp cluster.Response) error {
	switch resp.Status {
	case cluster.StatusOK:
		return nil
	case cluster.StatusRetry:
		return fmt.Errorf("%w: %s", errRetry, resp.Message)
	case cluster.StatusNoLeader:
		return fmt.Errorf("%w: %s", ErrNoLeader, resp.Message)
	case cluster.StatusExhausted:
		return fmt.Errorf("%w: %s", ErrResourceExhausted, resp.Message)
	case cluster.StatusClosed:
		// The node serving it is shutting down: the command may have
		// been appended, so it is not retried here.
		return fmt.Errorf("%w: %s", ErrClosed, resp.Message)
	case cluster.StatusUnknownPartition:
		return fmt.Errorf("%w: %s", ErrUnknownPartition, resp.Message)
	case cluster.StatusDeadline:
		return context.DeadlineExceeded
	case cluster.StatusOutcomeUnknown:
		return fmt.Errorf("%w: %s", ErrOutcomeUnknown, resp.Message)
	}
	return fmt.Errorf("broker: forwarded request failed: %s", resp.Message)
}

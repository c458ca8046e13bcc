// Package distribution is the inter-partition command channel (Zeebe's
// CommandDistributionBehavior and CommandDistributionAcknowledgeProcessor).
//
// A processor on the sending partition calls Distribute with a command
// value: it writes COMMAND_DISTRIBUTION STARTED (the state keeps the
// command) and one DISTRIBUTING per other partition (the state keeps the
// receiver as pending: the outbox), and queues the command for each
// receiver (proc.Context.Send), keyed by the distribution key. The broker
// sends it once the call is committed and, after a restart or leader change,
// again from the outbox (engine.PendingOutbound), until the receiver
// acknowledges.
//
// The receiver processes the command with its usual processor, which
// recognises a distributed command by IsDistributed (its key belongs to
// another partition), applies it at most once (it may arrive several
// times) and calls Acknowledge, which sends COMMAND_DISTRIBUTION ACKNOWLEDGE
// back. The sender writes ACKNOWLEDGED (the receiver leaves the outbox) and,
// after the last receiver, FINISHED. An acknowledgement that is not pending
// (a repeat) is rejected with NOT_FOUND and changes nothing.
package distribution

import (
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// Register routes COMMAND_DISTRIBUTION ACKNOWLEDGE.
func Register(r *proc.Router) {
	r.On(record.CommandDistribution, record.Acknowledge, proc.ProcessorFunc(acknowledge))
}

// Distribute sends a command (value v, intent) to every other partition.
// It does nothing on a single partition.
func Distribute(c *proc.Context, intent record.Intent, v record.Value) error {
	n := c.PartitionCount()
	if n <= 1 {
		return nil
	}
	key := c.NextKey()
	started := &record.CommandDistributionRecord{PartitionID: c.Partition(), CommandValueType: v.ValueType(), Intent: intent, CommandValue: v}
	if _, err := c.Event(key, record.Started, started); err != nil {
		return err
	}
	for p := int32(1); p <= n; p++ {
		if p == c.Partition() {
			continue
		}
		d := &record.CommandDistributionRecord{PartitionID: p, CommandValueType: v.ValueType(), Intent: intent}
		if _, err := c.Event(key, record.Distributing, d); err != nil {
			return err
		}
		c.Send(p, Command(key, intent, v))
	}
	return nil
}

// Command is the command sent to a receiver: keyed by the distribution key.
func Command(key int64, intent record.Intent, v record.Value) record.Record {
	return record.Record{Key: key, RecordType: record.Command, ValueType: v.ValueType(), Intent: intent, Value: v}
}

// IsDistributed reports whether the current command was distributed from
// another partition (its key is that partition's distribution key).
func IsDistributed(c *proc.Context) bool {
	return c.Cmd.Key > 0 && record.PartitionOf(c.Cmd.Key) != c.Partition()
}

// Acknowledge sends COMMAND_DISTRIBUTION ACKNOWLEDGE for the current
// (distributed) command back to its partition.
func Acknowledge(c *proc.Context) {
	ack := &record.CommandDistributionRecord{PartitionID: c.Partition(), CommandValueType: c.Cmd.ValueType, Intent: c.Cmd.Intent}
	c.Send(record.PartitionOf(c.Cmd.Key), record.Record{Key: c.Cmd.Key, ValueType: record.CommandDistribution, Intent: record.Acknowledge, Value: ack})
}

func acknowledge(c *proc.Context) error {
	ack, ok := c.Cmd.Value.(*record.CommandDistributionRecord)
	if !ok {
		return c.Reject(record.InvalidArgument, "Expected a command distribution record, but got %T", c.Cmd.Value)
	}
	pending, err := c.State.IsPendingDistribution(c.Cmd.Key, ack.PartitionID)
	if err != nil {
		return err
	}
	if !pending {
		return c.Reject(record.NotFound, "Expected to acknowledge the distribution with key '%d' for partition %d, but it is not pending", c.Cmd.Key, ack.PartitionID)
	}
	d, err := c.State.GetDistribution(c.Cmd.Key)
	if err != nil {
		return err
	}
	if d == nil {
		return c.Reject(record.NotFound, "Expected to acknowledge the distribution with key '%d', but it is not known", c.Cmd.Key)
	}
	out := &record.CommandDistributionRecord{PartitionID: ack.PartitionID, CommandValueType: d.CommandValueType, Intent: d.Intent}
	r, err := c.Event(c.Cmd.Key, record.Acknowledged, out)
	if err != nil {
		return err
	}
	c.Respond(r)
	more, err := c.State.HasPendingDistribution(c.Cmd.Key)
	if err != nil || more {
		return err
	}
	fin := &record.CommandDistributionRecord{PartitionID: c.Partition(), CommandValueType: d.CommandValueType, Intent: d.Intent}
	_, err = c.Event(c.Cmd.Key, record.Finished, fin)
	return err
}

// Package command submits one command record to a partition through
// broker.Cluster and turns a COMMAND_REJECTION answer into an error, so that
// the gateway's handlers and its job delivery (gateway/jobstream) see
// rejections, back-pressure and timeouts the same way: as errors that
// gateway/problem.go maps to HTTP in one table.
package command

import (
	"context"
	"fmt"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/engine/record"
)

// Rejection is the error for a command the engine rejected.
type Rejection struct {
	Intent record.Intent
	Type   record.RejectionType
	Reason string
}

// Error reads like Camunda's gateway: "Command 'COMPLETE' rejected with code
// 'NOT_FOUND': Expected to ...".
func (r *Rejection) Error() string {
	return fmt.Sprintf("Command '%s' rejected with code '%s': %s", r.Intent, r.Type, r.Reason)
}

// Submit sends cmd to partitionID and returns the event that answers it. A
// rejection comes back as a *Rejection; broker errors (ErrResourceExhausted,
// ErrNoLeader, ...) and the context's error are returned as they are.
func Submit(ctx context.Context, c broker.Cluster, partitionID int32, valueType record.ValueType, intent record.Intent, key int64, value record.Value) (record.Record, error) {
	cmd := record.Record{
		Key:                  key,
		PartitionID:          partitionID,
		RecordType:           record.Command,
		ValueType:            valueType,
		Intent:               intent,
		SourceRecordPosition: -1,
		Value:                value,
	}
	answer, err := c.Submit(ctx, partitionID, cmd)
	if err != nil {
		return record.Record{}, err
	}
	if answer.RecordType == record.CommandRejection {
		return answer, &Rejection{Intent: intent, Type: answer.RejectionType, Reason: answer.RejectionReason}
	}
	return answer, nil
}

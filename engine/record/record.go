// Package record is Shoal's protocol: the records that the engine writes to a
// partition's log, with Zeebe's value types, intents and rejection types, so
// that anyone who knows Zeebe can read a Shoal log.
//
// Every package may import record; record imports only the standard library.
package record

// Record is one entry of a partition's record log: a command, an event, or a
// command rejection.
type Record struct {
	// Position is locally unique to the partition and strictly increasing.
	Position int64 `json:"position"`
	// SourceRecordPosition is the position of the command that caused this
	// record, or -1 for a command written by a client.
	SourceRecordPosition int64 `json:"sourceRecordPosition"`
	// Key identifies the entity the record is about (see Key), or -1.
	Key int64 `json:"key"`
	// Timestamp is the leader's clock, in ms since the epoch, stamped on the
	// command when it was appended. The engine copies it to every record it
	// writes for that command; it never reads a clock itself.
	Timestamp   int64      `json:"timestamp"`
	PartitionID int32      `json:"partitionId"`
	RecordType  RecordType `json:"recordType"`
	ValueType   ValueType  `json:"valueType"`
	Intent      Intent     `json:"intent"`
	// RejectionType and RejectionReason are set on COMMAND_REJECTION records.
	RejectionType   RejectionType `json:"rejectionType,omitempty"`
	RejectionReason string        `json:"rejectionReason,omitempty"`
	// RequestID identifies the client request waiting for the answer to a
	// command (0: nobody waits). It is not part of Zeebe's record JSON.
	RequestID uint64 `json:"-"`
	// Value is the record's payload; its concrete type is given by ValueType.
	Value Value `json:"value"`
}

// Value is the payload of a record: one of the value structs of this package.
type Value interface {
	ValueType() ValueType
}

// RecordType tells commands, events and rejections apart.
type RecordType string

// The record types, as Zeebe names them.
const (
	Command          RecordType = "COMMAND"
	Event            RecordType = "EVENT"
	CommandRejection RecordType = "COMMAND_REJECTION"
)

// ValueType names the kind of entity a record is about (Zeebe's ValueType).
type ValueType string

// Intent is what a record says happened (events) or should happen (commands),
// spelled as Zeebe spells it: commands are verbs, events past participles.
type Intent string

// RejectionType classifies why a command was rejected (Zeebe's RejectionType).
type RejectionType string

// The rejection types, as Zeebe names them.
const (
	NullVal           RejectionType = "NULL_VAL"
	InvalidArgument   RejectionType = "INVALID_ARGUMENT"
	NotFound          RejectionType = "NOT_FOUND"
	AlreadyExists     RejectionType = "ALREADY_EXISTS"
	InvalidState      RejectionType = "INVALID_STATE"
	ProcessingError   RejectionType = "PROCESSING_ERROR"
	ExceededBatchSize RejectionType = "EXCEEDED_BATCH_RECORD_SIZE"
)

// Key construction: Zeebe puts the partition id in the high bits of every key
// (partitionId << 51 | counter), so that any key routes to its partition.
const keyPartitionBits = 51

// NewKey returns the key with the given partition and per-partition counter.
func NewKey(partitionID int32, counter int64) int64 {
	return int64(partitionID)<<keyPartitionBits | counter
}

// PartitionOf returns the partition a key belongs to.
func PartitionOf(key int64) int32 {
	return int32(key >> keyPartitionBits)
}

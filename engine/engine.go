package engine

import (
	"errors"
	"log/slog"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Config configures an Engine.
type Config struct {
	// PartitionID is the partition this engine runs; it is put into every
	// key and record.
	PartitionID int32
	// PartitionCount is the number of partitions of the cluster.
	PartitionCount int32
	// Logger receives Debug logs; nil discards them.
	Logger *slog.Logger
}

// Engine runs the processors of one partition. It is used by one goroutine
// at a time (the partition's apply loop). It caches compiled process graphs
// by process definition key; the cache is rebuilt from state on demand, so
// an Engine may be created fresh over existing state.
type Engine struct {
	cfg Config
}

// New returns an engine for one partition.
func New(cfg Config) (*Engine, error) {
	if cfg.PartitionID < 1 {
		return nil, errors.New("engine: partition id must be at least 1")
	}
	if cfg.PartitionCount < cfg.PartitionID {
		return nil, errors.New("engine: partition count must be at least the partition id")
	}
	return &Engine{cfg: cfg}, nil
}

// Response answers a waiting request.
type Response struct {
	RequestID uint64
	// Record is the event that confirms the command, or its rejection.
	Record record.Record
}

// Result is what one Process call wrote.
type Result struct {
	// Records is everything written, in position order: the input commands,
	// events, rejections and follow-up commands.
	Records []record.Record
	// Responses answer waiting requests. A creation awaiting its result is
	// answered when the instance completes, possibly in a later call.
	Responses []Response
	// JobsAvailable are the job types that became activatable in this call
	// (sorted, unique), so the broker can wake long-polling workers.
	JobsAvailable []string
}

// Process runs client commands (already stamped by the leader with
// Timestamp and RequestID; Position/Key unset) against the state in kv,
// running follow-up commands until none is left. It assigns positions and
// keys from counters kept in kv, so the same state and commands give
// byte-identical records on every replica. kv is written only through event
// appliers (and the key/position counters).
func (e *Engine) Process(kv state.KV, cmds []record.Record) (Result, error) {
	return Result{}, errors.New("engine: Process is being built")
}

// Replay applies events (EVENT records, in order) to kv through the same
// appliers; it rebuilds state from a log.
func (e *Engine) Replay(kv state.KV, events []record.Record) error {
	return errors.New("engine: Replay is being built")
}

// DueCommands returns the time-driven commands due at now (ms): job timeouts
// (JOB TIME_OUT) and backoffs ending (JOB RECUR_AFTER_BACKOFF), oldest
// first, at most limit. The leader appends them like client commands.
func (e *Engine) DueCommands(kv state.KV, now int64, limit int) ([]record.Record, error) {
	return nil, errors.New("engine: DueCommands is being built")
}

// NextDueTime tells the leader when to look again (ok=false: nothing
// scheduled).
func (e *Engine) NextDueTime(kv state.KV) (at int64, ok bool, err error) {
	return 0, false, errors.New("engine: NextDueTime is being built")
}

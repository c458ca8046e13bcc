package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/shoalbpm/shoal/engine/applier"
	"github.com/shoalbpm/shoal/engine/deployment"
	"github.com/shoalbpm/shoal/engine/distribution"
	"github.com/shoalbpm/shoal/engine/element"
	"github.com/shoalbpm/shoal/engine/expr"
	"github.com/shoalbpm/shoal/engine/graph"
	"github.com/shoalbpm/shoal/engine/incident"
	"github.com/shoalbpm/shoal/engine/instance"
	"github.com/shoalbpm/shoal/engine/job"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
	"github.com/shoalbpm/shoal/engine/variable"
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
	cfg    Config
	log    *slog.Logger
	graphs *graph.Cache
	router *proc.Router
	debug  bool // the logger wants Debug records (checked once: logging args allocate)
	// sizeHints size a call's record slice after the last call that began
	// with the same kind of command (capacity only: never what is written).
	sizeHints map[hintKey]int
	// st and ctx are reused by every Process call (their buffers survive;
	// their contents do not).
	st  *state.State
	ctx *proc.Context
}

// New returns an engine for one partition.
func New(cfg Config) (*Engine, error) {
	if cfg.PartitionID < 1 {
		return nil, errors.New("engine: partition id must be at least 1")
	}
	if cfg.PartitionCount < cfg.PartitionID {
		return nil, errors.New("engine: partition count must be at least the partition id")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := proc.NewRouter()
	deployment.Register(r)
	distribution.Register(r)
	instance.Register(r)
	element.Register(r)
	job.Register(r)
	incident.Register(r)
	variable.Register(r)
	return &Engine{
		cfg:    cfg,
		log:    log.With("partition", cfg.PartitionID),
		graphs: graph.New(expr.BPMNCompiler{}),
		router: r,
		debug:  log.Enabled(context.Background(), slog.LevelDebug),

		sizeHints: map[hintKey]int{},
	}, nil
}

type hintKey struct {
	vt     record.ValueType
	intent record.Intent
}

// Response answers a waiting request.
type Response = proc.Response

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
	// Outbound are commands for other partitions (the inter-partition
	// channel, see engine/distribution), to be sent by the leader once this
	// call is committed. Those kept in the outbox are also returned by
	// PendingOutbound until acknowledged.
	Outbound []Outbound
	// Pushed are the jobs activated in this call for the push offers given
	// to ProcessWithOffers, with their variables: the leader pushes them to
	// their streams once the call is committed (and yields those it cannot
	// deliver). Their JOB_BATCH ACTIVATED events are in Records.
	Pushed []PushedJob
	// NextDue is the earliest due time (ms) this call scheduled: a job
	// deadline or the end of a retry backoff (0: none). The leader's
	// due-date loop wakes then at the latest; see DueCommands.
	NextDue int64
}

// Outbound is a command for another partition.
type Outbound = proc.Outbound

// PushOffer is an open push stream offered to one Process call (see
// ProcessWithOffers).
type PushOffer = proc.PushOffer

// PushedJob is a job activated for a push offer.
type PushedJob = proc.PushedJob

// Process runs client commands (already stamped by the leader with
// Timestamp and RequestID; Position/Key unset) against the state in kv,
// running follow-up commands until none is left. It assigns positions and
// keys from counters kept in kv, so the same state and commands give
// byte-identical records on every replica. kv is written only through event
// appliers (and the key/position counters).
//
// A command that cannot be processed is rejected; an error means the state
// could not be read or written (or an invariant broke): the caller must
// then discard everything written to kv in this call.
func (e *Engine) Process(kv state.KV, cmds []record.Record) (Result, error) {
	return e.ProcessWithOffers(kv, cmds, nil)
}

// ProcessWithOffers is Process with the push streams the leader offers to
// these commands: a job created for a type that an offer with credits left
// takes is activated for it at once (JOB CREATED then JOB_BATCH ACTIVATED,
// as Zeebe writes for a pushed job), and returned in Result.Pushed. Offers
// are tried in the order given; each activation spends one credit. Offers
// are part of the replicated input: the same state, commands and offers
// give the same records on every replica.
func (e *Engine) ProcessWithOffers(kv state.KV, cmds []record.Record, offers []PushOffer) (Result, error) {
	hint := 16
	if len(cmds) > 0 {
		if h, ok := e.sizeHints[hintKey{cmds[0].ValueType, cmds[0].Intent}]; ok {
			hint = min(h*len(cmds), 4096)
		}
	}
	var c *proc.Context
	var err error
	if e.ctx == nil {
		e.st = state.New(kv)
		c, err = proc.NewContext(e.st, e.graphs, evaluate, e.log, e.cfg.PartitionID, hint)
		if c != nil {
			c.SetPartitionCount(e.cfg.PartitionCount)
		}
		e.ctx = c
	} else {
		e.st.Reset(kv) // state and context keep their buffers from call to call
		c = e.ctx
		err = c.Reset(hint)
	}
	if err != nil {
		return Result{}, err
	}
	c.SetOffers(offers)
	e.st.ResetNextDue()
	for _, cmd := range cmds {
		if cmd.Value != nil && (reflect.ValueOf(cmd.Value).IsNil() || cmd.Value.ValueType() != cmd.ValueType) {
			cmd.Value = nil // logged without it: a record's value matches its type
		}
		c.Append(cmd)
	}
	for cmd := c.Next(); cmd != nil; cmd = c.Next() {
		if err := e.processOne(c, cmd); err != nil {
			e.st.ForgetHints() // the caller discards this call's writes
			return Result{}, fmt.Errorf("engine: process %s %s (key %d, position %d): %w",
				cmd.ValueType, cmd.Intent, cmd.Key, cmd.Position, err)
		}
	}
	records, responses, types, err := c.Finish()
	if err != nil {
		e.st.ForgetHints()
		return Result{}, err
	}
	if len(cmds) > 0 {
		e.sizeHints[hintKey{cmds[0].ValueType, cmds[0].Intent}] = (len(records) + len(cmds) - 1) / len(cmds)
	}
	return Result{Records: records, Responses: responses, JobsAvailable: types, Outbound: c.Sent(), Pushed: c.Pushed(), NextDue: e.st.NextDue()}, nil
}

func (e *Engine) processOne(c *proc.Context, cmd *record.Record) error {
	if cmd.Value == nil {
		return c.Reject(record.InvalidArgument, "Expected a value of type %s, but got none or a value of another type", cmd.ValueType)
	}
	p := e.router.Find(cmd.ValueType, cmd.Intent)
	if p != nil && c.External() && internal(cmd) {
		return c.Reject(record.InvalidArgument, "Expected a command that clients may send, but %s %s is written only by the engine", cmd.ValueType, cmd.Intent)
	}
	if p == nil {
		return c.Reject(record.InvalidArgument, "Expected a command that Shoal processes, but %s %s is not one", cmd.ValueType, cmd.Intent)
	}
	if e.debug {
		e.log.Debug("process command", "valueType", cmd.ValueType, "intent", cmd.Intent, "key", cmd.Key, "position", cmd.Position)
	}
	return p.Process(c)
}

// internal reports whether a command is one the engine writes for itself
// (the element lifecycle): from outside it could create or end element
// instances at will, so it is refused.
func internal(cmd *record.Record) bool {
	if cmd.ValueType != record.ProcessInstance {
		return false
	}
	switch cmd.Intent {
	case record.ActivateElement, record.CompleteElement, record.TerminateElement:
		return true
	}
	return false
}

// evaluate runs an engine/expr program with the command's timestamp as the
// clock of now() and today().
func evaluate(compiled any, vars proc.Vars, now int64) (any, error) {
	x, ok := compiled.(*expr.Expr)
	if !ok {
		return nil, fmt.Errorf("not an engine/expr program: %T", compiled)
	}
	return x.Eval(expr.At(vars, time.UnixMilli(now).UTC()))
}

// Replay applies the records of a log, in order, to kv through the same
// appliers that Process uses; it rebuilds state from a log. Events are
// applied; commands and rejections are skipped but, like events, advance
// the key and position counters, so pass the whole log.
func (e *Engine) Replay(kv state.KV, records []record.Record) error {
	if e.st != nil {
		e.st.ForgetHints() // the replay writes around it
	}
	st := state.New(kv)
	key, err := st.Counter(state.CounterKey)
	if err != nil {
		return err
	}
	pos, err := st.Counter(state.CounterPosition)
	if err != nil {
		return err
	}
	env := &applier.Env{State: st, Graphs: e.graphs}
	for i := range records {
		if err := proc.ApplyReplayed(env, &records[i], e.cfg.PartitionID, &key, &pos); err != nil {
			return fmt.Errorf("engine: replay position %d: %w", records[i].Position, err)
		}
	}
	if err := st.Flush(); err != nil {
		return err
	}
	if err := st.PutCounter(state.CounterKey, key); err != nil {
		return err
	}
	return st.PutCounter(state.CounterPosition, pos)
}

// DueCommands returns the time-driven commands due at now (ms): job timeouts
// (JOB TIME_OUT) and backoffs ending (JOB RECUR_AFTER_BACKOFF), earliest
// first, at most limit. The leader appends them like client commands. A
// command asked for twice (before the first was processed) is rejected
// harmlessly the second time.
func (e *Engine) DueCommands(kv state.KV, now int64, limit int) ([]record.Record, error) {
	st := state.New(kv)
	timeouts, err := st.DueJobs(state.FamJobDeadline, now, limit)
	if err != nil {
		return nil, err
	}
	backoffs, err := st.DueJobs(state.FamJobBackoff, now, limit)
	if err != nil {
		return nil, err
	}
	var cmds []record.Record
	for len(cmds) < limit && (len(timeouts) > 0 || len(backoffs) > 0) {
		intent := record.TimeOut
		var d state.Due
		if len(backoffs) == 0 || (len(timeouts) > 0 && timeouts[0].At <= backoffs[0].At) {
			d, timeouts = timeouts[0], timeouts[1:]
		} else {
			d, backoffs, intent = backoffs[0], backoffs[1:], record.RecurAfterBackoff
		}
		j, err := st.GetJob(d.JobKey)
		if err != nil {
			return nil, err
		}
		if j == nil {
			continue
		}
		v := j.Value
		cmds = append(cmds, record.Record{
			Key: j.Key, Timestamp: now, PartitionID: e.cfg.PartitionID,
			RecordType: record.Command, ValueType: record.Job, Intent: intent, Value: &v,
		})
	}
	return cmds, nil
}

// NextDueTime tells the leader when to look again (ok=false: nothing
// scheduled).
func (e *Engine) NextDueTime(kv state.KV) (at int64, ok bool, err error) {
	st := state.New(kv)
	for _, f := range []state.Family{state.FamJobDeadline, state.FamJobBackoff} {
		due, err := st.DueJobs(f, -1, 1)
		if err != nil {
			return 0, false, err
		}
		if len(due) > 0 && (!ok || due[0].At < at) {
			at, ok = due[0].At, true
		}
	}
	return at, ok, nil
}

// PendingOutbound returns the commands of the outbox whose receivers have not
// acknowledged them, by distribution key then partition: the leader sends
// them again after a restart or a leader change.
func (e *Engine) PendingOutbound(kv state.KV) ([]Outbound, error) {
	st := state.New(kv)
	type pending struct {
		key       int64
		partition int32
	}
	var ps []pending
	if err := st.VisitPendingDistributions(func(key int64, partition int32) bool {
		ps = append(ps, pending{key, partition})
		return true
	}); err != nil {
		return nil, fmt.Errorf("engine: pending outbound: %w", err)
	}
	var out []Outbound
	for _, p := range ps {
		d, err := st.GetDistribution(p.key)
		if err != nil {
			return nil, fmt.Errorf("engine: pending outbound %d: %w", p.key, err)
		}
		if d == nil || d.CommandValue == nil {
			return nil, fmt.Errorf("engine: pending outbound %d: the distribution is not stored", p.key)
		}
		cmd := distribution.Command(p.key, d.Intent, d.CommandValue)
		cmd.PartitionID = p.partition
		out = append(out, Outbound{Partition: p.partition, Record: cmd})
	}
	return out, nil
}

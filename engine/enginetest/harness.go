package enginetest

import (
	"testing"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Partition is the partition the harness's engine runs.
const Partition = 1

// StartTime is the harness clock at the start of a test (ms).
const StartTime = 1_700_000_000_000

// Harness runs one engine over in-memory state.
type Harness struct {
	T      testing.TB
	Engine *engine.Engine
	KV     *state.MemKV
	// Now is the clock stamped on commands (ms); AdvanceTime moves it.
	Now int64

	cfg       engine.Config
	outbound  []engine.Outbound
	records   []record.Record
	responses map[uint64]record.Record
	jobTypes  []string
	nextReq   uint64
	offers    []engine.PushOffer // given to every Submit (see WithOffers)
	pushed    []engine.PushedJob
}

// New returns a harness with an empty partition.
func New(t testing.TB) *Harness {
	t.Helper()
	return NewPartition(t, Partition, 1)
}

// NewPartition returns a harness running partition id of a cluster of count
// partitions (see Cluster for several partitions together).
func NewPartition(t testing.TB, id, count int32) *Harness {
	t.Helper()
	cfg := engine.Config{PartitionID: id, PartitionCount: count}
	e, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &Harness{T: t, Engine: e, KV: state.NewMemKV(), Now: StartTime, cfg: cfg, responses: map[uint64]record.Record{}}
	// Every scenario doubles as a replay test: at its end, the log must
	// rebuild the state it left.
	t.Cleanup(func() {
		if !t.Failed() && !t.Skipped() {
			h.CheckReplay()
		}
	})
	return h
}

// Submit sends commands as the broker would (stamped with Now and request
// ids) and returns the engine's result.
func (h *Harness) Submit(cmds ...record.Record) engine.Result {
	h.T.Helper()
	for i := range cmds {
		cmds[i].Timestamp = h.Now
		if cmds[i].RequestID == 0 {
			h.nextReq++
			cmds[i].RequestID = h.nextReq
		}
	}
	res, err := h.Engine.ProcessWithOffers(h.KV, cmds, h.offers)
	if err != nil {
		h.T.Fatalf("engine.Process: %v", err)
	}
	h.records = append(h.records, res.Records...)
	for _, r := range res.Responses {
		h.responses[r.RequestID] = r.Record
	}
	h.jobTypes = append(h.jobTypes, res.JobsAvailable...)
	h.outbound = append(h.outbound, res.Outbound...)
	h.pushed = append(h.pushed, res.Pushed...)
	return res
}

// WithOffers makes every following Submit carry these push offers, each
// with its full credits, as the leader attaches its open streams to every
// raft entry; none stops offering.
func (h *Harness) WithOffers(offers ...engine.PushOffer) {
	h.offers = offers
}

// Pushed returns the jobs activated for push offers so far.
func (h *Harness) Pushed() []engine.PushedJob { return h.pushed }

// Send sends one command and returns the record that answered it (an
// event or a rejection); ok is false if no answer came (yet).
func (h *Harness) Send(vt record.ValueType, intent record.Intent, key int64, v record.Value) (record.Record, bool) {
	h.T.Helper()
	cmd := Command(vt, intent, key, v)
	h.nextReq++
	cmd.RequestID = h.nextReq
	h.Submit(cmd)
	r, ok := h.responses[cmd.RequestID]
	return r, ok
}

// Command builds a client command.
func Command(vt record.ValueType, intent record.Intent, key int64, v record.Value) record.Record {
	if key == 0 {
		key = -1
	}
	return record.Record{Key: key, RecordType: record.Command, ValueType: vt, Intent: intent, Value: v}
}

// Response returns the answer to a request id, if it came.
func (h *Harness) Response(requestID uint64) (record.Record, bool) {
	r, ok := h.responses[requestID]
	return r, ok
}

// Expect sends a command that must succeed and returns its answer.
func (h *Harness) Expect(vt record.ValueType, intent record.Intent, key int64, v record.Value) record.Record {
	h.T.Helper()
	r, ok := h.Send(vt, intent, key, v)
	if !ok {
		h.T.Fatalf("%s %s %d: no answer", vt, intent, key)
	}
	if r.RecordType == record.CommandRejection {
		h.T.Fatalf("%s %s %d rejected: %s: %s", vt, intent, key, r.RejectionType, r.RejectionReason)
	}
	return r
}

// ExpectRejection sends a command that must be rejected with rejection
// type t and returns the rejection.
func (h *Harness) ExpectRejection(t record.RejectionType, vt record.ValueType, intent record.Intent, key int64, v record.Value) record.Record {
	h.T.Helper()
	r, ok := h.Send(vt, intent, key, v)
	if !ok || r.RecordType != record.CommandRejection {
		h.T.Fatalf("%s %s %d: expected a %s rejection, got %s %s", vt, intent, key, t, r.RecordType, r.Intent)
	}
	if r.RejectionType != t {
		h.T.Fatalf("%s %s %d: expected a %s rejection, got %s: %s", vt, intent, key, t, r.RejectionType, r.RejectionReason)
	}
	return r
}

// JobsAvailable returns the job types reported as activatable so far.
func (h *Harness) JobsAvailable() []string { return h.jobTypes }

// Records returns every record written so far.
func (h *Harness) Records() Stream { return Stream(h.records) }

// AdvanceTime moves the clock by ms and sends the commands that became
// due (job timeouts, ends of backoffs), as the leader would.
func (h *Harness) AdvanceTime(ms int64) {
	h.T.Helper()
	h.Now += ms
	for {
		cmds, err := h.Engine.DueCommands(h.KV, h.Now, 100)
		if err != nil {
			h.T.Fatalf("DueCommands: %v", err)
		}
		if len(cmds) == 0 {
			return
		}
		for i := range cmds {
			cmds[i].RequestID = 0
		}
		before := len(h.records)
		h.Submit(cmds...)
		if !progressed(h.records[before:]) {
			return // everything due was rejected: nothing more will come
		}
	}
}

func progressed(rs []record.Record) bool {
	for _, r := range rs {
		if r.RecordType == record.Event {
			return true
		}
	}
	return false
}

// TakeOutbound returns the commands for other partitions written since the
// last call and forgets them.
func (h *Harness) TakeOutbound() []engine.Outbound {
	out := h.outbound
	h.outbound = nil
	return out
}

func newKV() *state.MemKV { return state.NewMemKV() }

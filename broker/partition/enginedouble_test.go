package partition

import (
	"encoding/binary"
	"sync"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// testEngine is a small deterministic stand-in for the engine, for the
// partition's unit tests only. For each command it writes the command and
// one event (intent + "D"), answers the request, and keeps a counter of
// processed commands in the state. A TIMER CREATE command schedules a TIMER
// TRIGGER at its Key (ms); a JOB CREATE command activates its job for the
// first push offer of type "work" with credits left (the job's key is the
// command's position), or else makes its job type available.
type testEngine struct {
	gate    chan struct{} // if set, Process waits for a value first
	entered chan struct{} // if set, Process signals here on entry
	mu      sync.Mutex
	calls   int
}

func (e *testEngine) ProcessWithOffers(kv state.KV, cmds []record.Record, offers []engine.PushOffer) (engine.Result, error) {
	offers = append([]engine.PushOffer(nil), offers...) // credits are spent on the copy
	if e.entered != nil {
		e.entered <- struct{}{}
	}
	if e.gate != nil {
		<-e.gate
	}
	e.mu.Lock()
	e.calls++
	e.mu.Unlock()
	var res engine.Result
	pos, err := getInt(kv, "pos")
	if err != nil {
		return res, err
	}
	for _, c := range cmds {
		pos++
		c.Position, c.SourceRecordPosition = pos, -1
		ev := c
		pos++
		ev.Position, ev.SourceRecordPosition = pos, c.Position
		ev.RecordType, ev.Intent, ev.RequestID = record.Event, c.Intent+"D", 0
		res.Records = append(res.Records, c, ev)
		if c.RequestID != 0 {
			res.Responses = append(res.Responses, engine.Response{RequestID: c.RequestID, Record: ev})
		}
		switch {
		case c.ValueType == record.Timer && c.Intent == "CREATE":
			if err := kv.Set(dueKey(c.Key), nil); err != nil {
				return res, err
			}
			if res.NextDue == 0 || c.Key < res.NextDue {
				res.NextDue = c.Key // the engine's contract: report what it scheduled
			}
		case c.ValueType == record.Timer && c.Intent == "TRIGGER":
			if err := kv.Delete(dueKey(c.Key)); err != nil {
				return res, err
			}
		case c.ValueType == record.Job && c.Intent == "CREATE":
			pushed := false
			for i := range offers {
				if o := &offers[i]; o.Type == "work" && o.Credits > 0 {
					o.Credits--
					res.Pushed = append(res.Pushed, engine.PushedJob{Offer: i, Key: c.Position,
						Job: record.JobRecord{Type: "work", Worker: o.Worker}})
					pushed = true
					break
				}
			}
			if !pushed {
				res.JobsAvailable = append(res.JobsAvailable, "work")
			}
		}
		n, err := getInt(kv, "processed")
		if err != nil {
			return res, err
		}
		if err := setInt(kv, "processed", n+1); err != nil {
			return res, err
		}
	}
	return res, setInt(kv, "pos", pos)
}

func (e *testEngine) DueCommands(kv state.KV, now int64, limit int) ([]record.Record, error) {
	var out []record.Record
	err := kv.Iterate([]byte("due/"), func(k, _ []byte) bool {
		at := int64(binary.BigEndian.Uint64(k[4:]))
		if at > now || len(out) == limit {
			return false
		}
		out = append(out, record.Record{RecordType: record.Command, ValueType: record.Timer, Intent: "TRIGGER", Key: at})
		return true
	})
	return out, err
}

func (e *testEngine) NextDueTime(kv state.KV) (at int64, ok bool, err error) {
	err = kv.Iterate([]byte("due/"), func(k, _ []byte) bool {
		at, ok = int64(binary.BigEndian.Uint64(k[4:])), true
		return false
	})
	return at, ok, err
}

func dueKey(at int64) []byte { return binary.BigEndian.AppendUint64([]byte("due/"), uint64(at)) }

func getInt(kv state.KV, key string) (int64, error) {
	v, ok, err := kv.Get([]byte(key))
	if err != nil || !ok {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

func setInt(kv state.KV, key string, n int64) error {
	return kv.Set([]byte(key), binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// PendingOutbound: the double sends nothing to other partitions.
func (e *testEngine) PendingOutbound(state.KV) ([]engine.Outbound, error) { return nil, nil }

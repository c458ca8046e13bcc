package engine_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	. "github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// gen builds random block-structured processes from the supported
// elements: every split has its matching join, so the process is valid
// BPMN; conditions and mappings read random variables, so some instances
// stop at incidents.
type gen struct {
	r  *rand.Rand
	id int
}

func (g *gen) next(prefix string) string {
	g.id++
	return fmt.Sprintf("%s%d", prefix, g.id)
}

// block adds one block to m and returns its entry and exit element ids.
func (g *gen) block(m *Model, depth int) (string, string) {
	kind := g.r.IntN(9)
	if depth > 2 {
		kind = g.r.IntN(4)
	}
	switch kind {
	case 0, 1:
		id := g.next("task")
		m.ServiceTask(id, "t")
		return id, id
	case 2:
		id := g.next("manual")
		m.Task("manualTask", id, Inputs("=r", "local"))
		return id, id
	case 3:
		id := g.next("script")
		m.Task("scriptTask", id, `<zeebe:script expression="=r * 2" resultVariable="doubled" />`)
		return id, id
	case 4:
		id := g.next("mapped")
		// fails (IO_MAPPING_ERROR) when s is not a string
		m.ServiceTask(id, "t", Inputs("=substring(s, 1, 1)", "first"))
		return id, id
	case 5, 6, 7:
		return g.gateway(m, depth, []string{"exclusive", "parallel", "inclusive"}[kind-5])
	default:
		id := g.next("sub")
		inner := Scope(id)
		start := g.next("is")
		end := g.next("ie")
		inner.Start(start)
		in, out := g.sequence(inner, depth+1)
		inner.End(end).Flow(start, in).Flow(out, end)
		m.SubProcess(id, inner)
		return id, id
	}
}

func (g *gen) gateway(m *Model, depth int, kind string) (string, string) {
	split, join := g.next("split"), g.next("join")
	branches := 2 + g.r.IntN(2)
	def := ""
	withDefault := kind != "parallel" && g.r.IntN(4) > 0 // else: incident when nothing matches
	if withDefault {
		def = g.next("default")
	}
	m.Gateway(kind, split, def)
	joinKind := kind
	if kind == "exclusive" {
		joinKind = "exclusive"
	}
	m.Gateway(joinKind, join, "")
	for b := range branches {
		in, out := g.sequence(m, depth+1)
		cond := ""
		if kind != "parallel" {
			cond = fmt.Sprintf("=r > %.2f", g.r.Float64())
		}
		flow := g.next("f")
		if b == 0 && withDefault {
			flow, cond = def, ""
		}
		m.FlowID(flow, split, in, cond)
		m.Flow(out, join)
	}
	return split, join
}

func (g *gen) sequence(m *Model, depth int) (string, string) {
	first, last := g.block(m, depth)
	for range g.r.IntN(3) {
		in, out := g.block(m, depth)
		m.Flow(last, in)
		last = out
	}
	return first, last
}

func (g *gen) process(id string) string {
	m := Process(id).Start("start")
	in, out := g.sequence(m, 0)
	end := "end"
	if g.r.IntN(6) == 0 {
		m.TerminateEnd(end)
	} else {
		m.End(end)
	}
	return m.Flow("start", in).Flow(out, end).XML()
}

// TestProperty_RandomProcessesAlwaysEndCompletedCanceledOrAtAnIncident runs
// random processes with random job outcomes. No run may panic or fail;
// every instance must end completed or canceled, or wait at an open
// incident with no job left to work on; once those are canceled too, the
// state must hold nothing of any instance; replayed state must equal live
// state. SHOAL_PROPERTY_SEEDS=400 runs more seeds than the default 40.
func TestProperty_RandomProcessesAlwaysEndCompletedCanceledOrAtAnIncident(t *testing.T) {
	seeds := 40
	if n := os.Getenv("SHOAL_PROPERTY_SEEDS"); n != "" {
		fmt.Sscan(n, &seeds)
	}
	if testing.Short() {
		seeds = 10
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			g := &gen{r: r}
			xml := g.process("rnd")
			h := New(t)
			h.Deploy("rnd.bpmn", xml)
			var piks []int64
			for range 4 {
				vars := map[string]any{"r": r.Float64()}
				if r.IntN(3) > 0 {
					vars["s"] = "text"
				} else {
					vars["s"] = 12
				}
				piks = append(piks, h.CreateInstance("rnd", vars))
			}
			drive(h, r, piks)
			checkEnded(t, h, piks, xml)
			t.Logf("completed=%d terminated=%d incidents=%d open=%d rejections=%d records=%d",
				len(h.Records().Intent(record.ElementCompleted).Filter(func(r *record.Record) bool { return r.Value.(*record.ProcessInstanceRecord).FlowScopeKey == -1 })),
				len(h.Records().Intent(record.ElementTerminated).Filter(func(r *record.Record) bool { return r.Value.(*record.ProcessInstanceRecord).FlowScopeKey == -1 })),
				len(h.Records().Incidents()), len(openIncidents(h)), len(h.Records().Rejections()), len(h.Records()))
			h.CheckReplay()
		})
	}
}

// drive works on jobs with random outcomes until nothing is left to do.
func drive(h *Harness, r *rand.Rand, piks []int64) {
	for round := 0; round < 200; round++ {
		jobs := h.ActivateJobs("t", 10)
		if len(jobs) == 0 {
			h.AdvanceTime(60_000) // backoffs end
			if jobs = h.ActivateJobs("t", 10); len(jobs) == 0 {
				return
			}
		}
		for _, j := range jobs {
			// a job of the batch may be gone already: its instance was
			// canceled or ended by a terminate end event
			switch n := r.IntN(20); {
			case n < 13:
				send(h, record.Job, record.Complete, j.Key, &record.JobRecord{Variables: map[string]any{"r": r.Float64()}})
			case n < 16:
				send(h, record.Job, record.Fail, j.Key, &record.JobRecord{Retries: j.Retries - 1, ErrorMessage: "flaky", RetryBackoff: int64(r.IntN(2)) * 1_000})
			case n < 17:
				send(h, record.Job, record.ThrowError, j.Key, &record.JobRecord{ErrorCode: "E", ErrorMessage: "business error"})
			case n < 18:
				send(h, record.Job, record.Yield, j.Key, &record.JobRecord{})
			default:
				send(h, record.ProcessInstance, record.Cancel, j.ProcessInstanceKey, &record.ProcessInstanceRecord{})
			}
		}
		if r.IntN(4) == 0 {
			resolveSome(h, r)
		}
		if err := state.CheckCounts(h.KV); err != nil {
			h.T.Fatalf("round %d: %v", round, err)
		}
	}
	h.T.Fatal("instances still busy after 200 rounds")
}

// send sends a command that may only be rejected because its entity is
// gone (NOT_FOUND).
func send(h *Harness, vt record.ValueType, intent record.Intent, key int64, v record.Value) {
	h.T.Helper()
	r, ok := h.Send(vt, intent, key, v)
	if !ok {
		h.T.Fatalf("%s %s: no answer", vt, intent)
	}
	if r.RecordType == record.CommandRejection && r.RejectionType != record.NotFound {
		h.T.Fatalf("%s %s rejected: %s %s", vt, intent, r.RejectionType, r.RejectionReason)
	}
}

// resolveSome fixes and resolves some open incidents.
func resolveSome(h *Harness, r *rand.Rand) {
	for _, inc := range openIncidents(h) {
		if r.IntN(2) == 0 {
			continue
		}
		if inc.JobKey > 0 {
			if inc.ErrorType == record.ErrJobNoRetries {
				h.UpdateRetries(inc.JobKey, 1)
			}
		} else {
			h.SetVariables(inc.ProcessInstanceKey, map[string]any{"s": "fixed", "r": 0.5}, false)
		}
		h.ResolveIncident(inc.Key)
	}
}

func openIncidents(h *Harness) []Incident {
	resolved := map[int64]bool{}
	for _, rec := range h.Records().Events().ValueType(record.Incident).Intent(record.Resolved) {
		resolved[rec.Key] = true
	}
	var open []Incident
	for _, inc := range h.Records().Incidents() {
		if !resolved[inc.Key] {
			open = append(open, inc)
		}
	}
	return open
}

func checkEnded(t *testing.T, h *Harness, piks []int64, xml string) {
	t.Helper()
	stuck := map[int64]bool{}
	for _, inc := range openIncidents(h) {
		stuck[inc.ProcessInstanceKey] = true
	}
	for _, pik := range piks {
		ended := h.Records().ProcessInstance(pik).Intent(record.ElementCompleted, record.ElementTerminated).
			Filter(func(r *record.Record) bool { return r.Key == pik })
		if len(ended) == 0 && !stuck[pik] {
			t.Fatalf("instance %d neither ended nor stopped at an incident:\n%v\nprocess:\n%s",
				pik, h.Records().ProcessInstance(pik).Steps(), xml)
		}
		if len(ended) > 0 && stuck[pik] {
			t.Fatalf("instance %d ended with an open incident", pik)
		}
	}
	// cancel the instances waiting at incidents; then nothing may be left
	for _, pik := range piks {
		if stuck[pik] {
			h.Cancel(pik)
		}
	}
	checkNoLeftovers(t, h)
}

// checkNoLeftovers fails unless the state holds only what outlives
// instances (deployments, processes, counters) once every instance ended:
// no element instance, token, variable, job, index entry or incident may
// be left behind.
func checkNoLeftovers(t *testing.T, h *Harness) {
	t.Helper()
	keep := map[state.Family]bool{state.FamMeta: true, state.FamProcess: true, state.FamProcessByIDVersion: true,
		state.FamProcessLatest: true, state.FamDeployment: true}
	for _, kv := range h.KV.All() {
		if !keep[state.Family(kv[0][0])] {
			t.Fatalf("left in state after every instance ended: family %d key %x", kv[0][0], kv[0])
		}
	}
}

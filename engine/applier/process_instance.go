package applier

import (
	"fmt"

	"github.com/shoalbpm/shoal/engine/graph"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// elementActivating creates the element instance. An element reached over
// sequence flows consumes the tokens waiting on them: one token for an
// ordinary element, one per incoming flow that has a token for a joining
// gateway.
func elementActivating(env *Env, r *record.Record) error {
	v := r.Value.(*record.ProcessInstanceRecord)
	ei := state.NewElementInstance(r.Key, record.ElementActivating, *v)
	if err := env.State.CreateElementInstance(ei); err != nil {
		return err
	}
	if v.FlowScopeKey <= 0 {
		return nil
	}
	p, err := env.Graphs.Get(env.State, v.ProcessDefinitionKey)
	if err != nil {
		return err
	}
	if p == nil {
		return fmt.Errorf("no process with key %d", v.ProcessDefinitionKey)
	}
	n, err := p.Node(v.ElementID)
	if err != nil {
		return err
	}
	join := graph.IsJoin(n)
	for _, f := range n.Incoming {
		c, err := env.State.TakenFlowCount(v.FlowScopeKey, n.ID, f.ID)
		if err != nil {
			return err
		}
		if c == 0 {
			continue
		}
		if err := env.State.AddTakenFlow(v.FlowScopeKey, n.ID, f.ID, -1); err != nil {
			return err
		}
		if !join {
			break
		}
	}
	return nil
}

func elementTransition(env *Env, r *record.Record) error {
	ei, err := env.State.GetElementInstance(r.Key)
	if err != nil {
		return err
	}
	if ei == nil {
		return fmt.Errorf("no element instance")
	}
	ei.State = r.Intent
	return env.State.PutElementInstance(ei)
}

// elementEnded removes a completed or terminated element instance with its
// variables, the tokens still on their way inside it, and (for a process
// instance) a request waiting for its result.
func elementEnded(env *Env, r *record.Record) error {
	ei, err := env.State.GetElementInstance(r.Key)
	if err != nil {
		return err
	}
	if ei == nil {
		return fmt.Errorf("no element instance")
	}
	if err := env.State.DeleteElementInstance(ei); err != nil {
		return err
	}
	if ei.Value.FlowScopeKey <= 0 {
		return env.State.DeleteAwaitResult(r.Key)
	}
	return nil
}

// sequenceFlowTaken puts a token on the flow, waiting for its target.
func sequenceFlowTaken(env *Env, r *record.Record) error {
	v := r.Value.(*record.ProcessInstanceRecord)
	p, err := env.Graphs.Get(env.State, v.ProcessDefinitionKey)
	if err != nil {
		return err
	}
	if p == nil {
		return fmt.Errorf("no process with key %d", v.ProcessDefinitionKey)
	}
	f := p.Graph.FlowByID[v.ElementID]
	if f == nil {
		return fmt.Errorf("process %s has no sequence flow %q", p.Graph.ProcessID, v.ElementID)
	}
	return env.State.AddTakenFlow(v.FlowScopeKey, f.Target.ID, f.ID, 1)
}

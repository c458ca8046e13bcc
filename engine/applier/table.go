package applier

import (
	"fmt"

	"github.com/shoalbpm/shoal/engine/graph"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Env is what an applier works on.
type Env struct {
	State  *state.State
	Graphs *graph.Cache
	// JobActivatable, when set, is told the type of every job that becomes
	// activatable (the engine reports them to the broker; replay leaves it
	// nil).
	JobActivatable func(jobType string)
}

// Func applies one event to the state.
type Func func(env *Env, r *record.Record) error

// lookup is the table from events to appliers: a switch on value type
// and intent (events are applied many times per command, and a switch on
// string constants beats hashing two strings). Events that change no
// state: PROCESS_INSTANCE_CREATION CREATED without a waiting request,
// VARIABLE_DOCUMENT UPDATED, DEPLOYMENT DISTRIBUTED.
func lookup(vt record.ValueType, intent record.Intent) Func {
	switch vt {
	case record.ProcessInstance:
		switch intent {
		case record.ElementActivating:
			return elementActivating
		case record.ElementActivated, record.ElementCompleting, record.ElementTerminating:
			return elementTransition
		case record.ElementCompleted, record.ElementTerminated:
			return elementEnded
		case record.SequenceFlowTaken:
			return sequenceFlowTaken
		}
	case record.Job:
		switch intent {
		case record.Created:
			return jobCreated
		case record.Completed, record.Canceled:
			return jobEnded
		case record.Failed:
			return jobFailed
		case record.TimedOut, record.RecurredAfterBackoff, record.Yielded:
			return jobActivatable
		case record.RetriesUpdated, record.TimeoutUpdated:
			return jobUpdated
		case record.ErrorThrown:
			return jobErrorThrown
		}
	case record.JobBatch:
		if intent == record.Activated {
			return jobsActivated
		}
	case record.Variable:
		if intent == record.Created || intent == record.Updated {
			return variableSet
		}
	case record.Incident:
		switch intent {
		case record.Created:
			return incidentCreated
		case record.Resolved:
			return incidentResolved
		}
	case record.Deployment:
		if intent == record.Created {
			return deploymentCreated
		}
	case record.Process:
		if intent == record.Created {
			return processCreated
		}
	case record.ProcessInstanceCreation:
		if intent == record.Created {
			return creationCreated
		}
	case record.CommandDistribution:
		switch intent {
		case record.Started:
			return distributionStarted
		case record.Distributing:
			return distributionDistributing
		case record.Acknowledged:
			return distributionAcknowledged
		case record.Finished:
			return distributionFinished
		}
	}
	return nil
}

// Apply applies an event. Events with no applier change nothing.
func Apply(env *Env, r *record.Record) error {
	if r.RecordType != record.Event {
		return fmt.Errorf("applier: %s %s is a %s, not an event", r.ValueType, r.Intent, r.RecordType)
	}
	f := lookup(r.ValueType, r.Intent)
	if f == nil {
		return nil
	}
	if err := f(env, r); err != nil {
		return fmt.Errorf("apply %s %s (key %d): %w", r.ValueType, r.Intent, r.Key, err)
	}
	return nil
}

func deploymentCreated(env *Env, r *record.Record) error {
	return env.State.PutDeployment(r.Value.(*record.DeploymentRecord))
}

func processCreated(env *Env, r *record.Record) error {
	return env.State.PutProcess(r.Value.(*record.ProcessRecord))
}

// creationCreated remembers a request that waits for the instance's result:
// the engine sets RequestID on the CREATED event only for creations with
// awaiting result.
func creationCreated(env *Env, r *record.Record) error {
	if r.RequestID == 0 {
		return nil
	}
	v := r.Value.(*record.ProcessInstanceCreationRecord)
	return env.State.PutAwaitResult(v.ProcessInstanceKey, state.AwaitResult{RequestID: r.RequestID, FetchVariables: v.FetchVariables})
}

func variableSet(env *Env, r *record.Record) error {
	v := r.Value.(*record.VariableRecord)
	return env.State.PutVariable(v.ScopeKey, v.Name, state.Variable{Key: r.Key, Value: []byte(v.Value)})
}

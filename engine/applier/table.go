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

type tableKey struct {
	vt     record.ValueType
	intent record.Intent
}

// table maps events to appliers. Events that change no state:
// PROCESS_INSTANCE_CREATION CREATED without a waiting request,
// VARIABLE_DOCUMENT UPDATED, DEPLOYMENT DISTRIBUTED.
var table = map[tableKey]Func{
	{record.Deployment, record.Created}:                 deploymentCreated,
	{record.Process, record.Created}:                    processCreated,
	{record.ProcessInstanceCreation, record.Created}:    creationCreated,
	{record.ProcessInstance, record.ElementActivating}:  elementActivating,
	{record.ProcessInstance, record.ElementActivated}:   elementTransition,
	{record.ProcessInstance, record.ElementCompleting}:  elementTransition,
	{record.ProcessInstance, record.ElementTerminating}: elementTransition,
	{record.ProcessInstance, record.ElementCompleted}:   elementEnded,
	{record.ProcessInstance, record.ElementTerminated}:  elementEnded,
	{record.ProcessInstance, record.SequenceFlowTaken}:  sequenceFlowTaken,
	{record.Job, record.Created}:                        jobCreated,
	{record.JobBatch, record.Activated}:                 jobsActivated,
	{record.Job, record.Completed}:                      jobEnded,
	{record.Job, record.Canceled}:                       jobEnded,
	{record.Job, record.Failed}:                         jobFailed,
	{record.Job, record.TimedOut}:                       jobActivatable,
	{record.Job, record.RecurredAfterBackoff}:           jobActivatable,
	{record.Job, record.Yielded}:                        jobActivatable,
	{record.Job, record.RetriesUpdated}:                 jobUpdated,
	{record.Job, record.TimeoutUpdated}:                 jobUpdated,
	{record.Job, record.ErrorThrown}:                    jobErrorThrown,
	{record.Incident, record.Created}:                   incidentCreated,
	{record.Incident, record.Resolved}:                  incidentResolved,
	{record.Variable, record.Created}:                   variableSet,
	{record.Variable, record.Updated}:                   variableSet,
}

// Apply applies an event. Events with no applier change nothing.
func Apply(env *Env, r *record.Record) error {
	if r.RecordType != record.Event {
		return fmt.Errorf("applier: %s %s is a %s, not an event", r.ValueType, r.Intent, r.RecordType)
	}
	f := table[tableKey{r.ValueType, r.Intent}]
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

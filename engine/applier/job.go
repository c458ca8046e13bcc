package applier

import (
	"fmt"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// Job events carry the whole job record; the appliers store it with the
// state the intent implies. Variables are never stored with a job: they
// live in their scopes.

func jobCreated(env *Env, r *record.Record) error {
	j := &state.Job{Key: r.Key, State: state.JobActivatable, Value: *r.Value.(*record.JobRecord)}
	j.Value.Variables = nil
	if err := env.State.PutJob(nil, j); err != nil {
		return err
	}
	ei, err := env.State.GetElementInstance(j.Value.ElementInstanceKey)
	if err != nil || ei == nil {
		return err
	}
	ei.JobKey = r.Key
	if err := env.State.PutElementInstance(ei); err != nil {
		return err
	}
	env.activatable(j)
	return nil
}

func (env *Env) activatable(j *state.Job) {
	if env.JobActivatable != nil && j.State == state.JobActivatable {
		env.JobActivatable(j.Value.Type)
	}
}

// update stores the event's job record with a new state.
func update(env *Env, key int64, v *record.JobRecord, st state.JobState) error {
	old, err := env.State.GetJob(key)
	if err != nil {
		return err
	}
	if old == nil {
		return fmt.Errorf("no job")
	}
	j := &state.Job{Key: key, State: st, Value: *v}
	j.Value.Variables = nil
	if err := env.State.PutJob(old, j); err != nil {
		return err
	}
	env.activatable(j)
	return nil
}

func jobsActivated(env *Env, r *record.Record) error {
	b := r.Value.(*record.JobBatchRecord)
	for i, key := range b.JobKeys {
		if err := update(env, key, &b.Jobs[i], state.JobActivated); err != nil {
			return fmt.Errorf("job %d: %w", key, err)
		}
	}
	return nil
}

func jobEnded(env *Env, r *record.Record) error {
	j, err := env.State.GetJob(r.Key)
	if err != nil || j == nil {
		return err
	}
	return env.State.DeleteJob(j)
}

// jobFailed: with retries left the job is activatable at once, or after its
// backoff; with none it waits for an incident to be resolved.
func jobFailed(env *Env, r *record.Record) error {
	v := r.Value.(*record.JobRecord)
	st := state.JobFailed
	if v.Retries > 0 && v.RetryBackoff <= 0 {
		st = state.JobActivatable
	}
	return update(env, r.Key, v, st)
}

func jobActivatable(env *Env, r *record.Record) error {
	return update(env, r.Key, r.Value.(*record.JobRecord), state.JobActivatable)
}

// jobUpdated changes retries or the deadline and keeps the state.
func jobUpdated(env *Env, r *record.Record) error {
	j, err := env.State.GetJob(r.Key)
	if err != nil {
		return err
	}
	if j == nil {
		return fmt.Errorf("no job")
	}
	return update(env, r.Key, r.Value.(*record.JobRecord), j.State)
}

func jobErrorThrown(env *Env, r *record.Record) error {
	return update(env, r.Key, r.Value.(*record.JobRecord), state.JobErrorThrown)
}

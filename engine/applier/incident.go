package applier

import (
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

func incidentCreated(env *Env, r *record.Record) error {
	return env.State.PutIncident(r.Key, r.Value.(*record.IncidentRecord))
}

// incidentResolved closes the incident. A job's incident gives the job back
// to workers when it has retries again (or after an uncaught error).
func incidentResolved(env *Env, r *record.Record) error {
	inc, err := env.State.GetIncident(r.Key)
	if err != nil || inc == nil {
		return err
	}
	if err := env.State.DeleteIncident(r.Key, inc); err != nil {
		return err
	}
	if inc.JobKey <= 0 {
		return nil
	}
	j, err := env.State.GetJob(inc.JobKey)
	if err != nil || j == nil {
		return err
	}
	if j.State == state.JobErrorThrown || (j.State == state.JobFailed && j.Value.Retries > 0) {
		return update(env, j.Key, &j.Value, state.JobActivatable)
	}
	return nil
}

package element

import (
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/record"
)

// jobTask is a task done by a job worker: service, send and business rule
// tasks with zeebe:taskDefinition, user tasks (job type
// io.camunda.zeebe:userTask), script tasks without zeebe:script. The job
// is created on activation; completing the job completes the task.
type jobTask struct{}

func (jobTask) OnActivate(e *behavior.Element) error {
	if err := behavior.ApplyInputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	spec, err := behavior.EvalJob(e.C, e.EI.Key, e.N)
	if err != nil {
		return e.Fail(err)
	}
	if err := behavior.CreateJob(e.C, e.EI, spec); err != nil {
		return err
	}
	return e.Transition(record.ElementActivated)
}

func (jobTask) OnComplete(e *behavior.Element) error {
	if err := behavior.ApplyOutputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	return e.CompleteAndLeave(e.N.Outgoing)
}

func (jobTask) OnTerminate(e *behavior.Element) error {
	if err := behavior.CancelJob(e.C, e.EI); err != nil {
		return err
	}
	if err := behavior.ResolveIncidents(e.C, e.EI); err != nil {
		return err
	}
	return e.Terminated()
}

// scriptTask evaluates zeebe:script in the engine and stores the result in
// its result variable: locally when the task has output mappings (they
// decide what leaves the task), else with propagation, like job variables.
// A script task without zeebe:script is a job task.
type scriptTask struct{ jobTask }

func (s scriptTask) OnActivate(e *behavior.Element) error {
	if e.N.Script == nil {
		return s.jobTask.OnActivate(e)
	}
	if err := behavior.ApplyInputs(e.C, e.EI.Key, &e.EI.Value, e.N); err != nil {
		return e.Fail(err)
	}
	v, err := behavior.Eval(e.C, &e.N.Script.Expression, e.Vars(), record.ErrExtractValueError, e.EI.Key)
	if err != nil {
		return e.Fail(err)
	}
	doc := map[string]any{e.N.Script.ResultVariable: v}
	if len(e.N.Outputs) > 0 {
		err = behavior.SetLocal(e.C, e.EI.Key, doc, &e.EI.Value)
	} else {
		err = behavior.Merge(e.C, e.EI.Key, doc, &e.EI.Value)
	}
	if err != nil {
		return err
	}
	if err := e.Transition(record.ElementActivated); err != nil {
		return err
	}
	e.Complete()
	return nil
}

package job

import (
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// complete finishes a job with the worker's variables and completes its
// task. Without output mappings the variables propagate from the task
// (Zeebe's rule: to the nearest scope that has the variable, else the
// process instance); with output mappings they are set on the task, and the
// mappings decide what leaves it.
func complete(c *proc.Context) error {
	j, err := check(c, "complete", state.JobActivatable, state.JobActivated)
	if j == nil {
		return err
	}
	vars := command(c).Variables
	j.Value.Variables = vars
	if err := event(c, j, record.Completed); err != nil {
		return err
	}
	ei, err := c.State.GetElementInstance(j.Value.ElementInstanceKey)
	if err != nil || ei == nil {
		return err
	}
	p, err := c.Graphs.Get(c.State, ei.Value.ProcessDefinitionKey)
	if err != nil {
		return err
	}
	n, err := p.Node(ei.Value.ElementID)
	if err != nil {
		return err
	}
	if len(n.Outputs) > 0 {
		err = behavior.SetLocal(c, ei.Key, vars, &ei.Value)
	} else {
		err = behavior.Merge(c, ei.Key, vars, &ei.Value)
	}
	if err != nil {
		return err
	}
	c.Command(ei.Key, record.CompleteElement, c.PI(ei.Value))
	return nil
}

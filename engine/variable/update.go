package variable

import (
	"github.com/shoalbpm/shoal/engine/behavior"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// Register routes the variable commands.
func Register(r *proc.Router) {
	r.On(record.VariableDocument, record.Update, proc.ProcessorFunc(update))
}

func update(c *proc.Context) error {
	doc, ok := c.Cmd.Value.(*record.VariableDocumentRecord)
	if !ok {
		return c.Reject(record.InvalidArgument, "Expected a variable document record, but got %T", c.Cmd.Value)
	}
	switch doc.UpdateSemantics {
	case "", record.SemanticsPropagate, record.SemanticsLocal:
	default:
		return c.Reject(record.InvalidArgument, "Expected update semantics to be '%s' or '%s', but it was '%s'",
			record.SemanticsLocal, record.SemanticsPropagate, doc.UpdateSemantics)
	}
	if err := behavior.CheckDocument(doc.Variables); err != nil {
		return c.Reject(record.InvalidArgument, behavior.InvalidDocument, err)
	}
	ei, err := c.State.GetElementInstance(doc.ScopeKey)
	if err != nil {
		return err
	}
	if ei == nil {
		return c.Reject(record.NotFound, "Expected to update variables for element with key '%d', but no such element was found", doc.ScopeKey)
	}
	if doc.UpdateSemantics == record.SemanticsLocal {
		err = behavior.SetLocal(c, ei.Key, doc.Variables, &ei.Value)
	} else {
		err = behavior.Merge(c, ei.Key, doc.Variables, &ei.Value)
	}
	if err != nil {
		return err
	}
	out := *doc
	if out.UpdateSemantics == "" {
		out.UpdateSemantics = record.SemanticsPropagate
	}
	out.TenantID = record.DefaultTenant
	r, err := c.Event(c.NextKey(), record.Updated, &out)
	if err != nil {
		return err
	}
	c.Respond(r)
	return nil
}

package element

import "github.com/shoalbpm/shoal/engine/behavior"

// Processor is the behaviour of one element kind (Zeebe's
// BpmnElementProcessor). Each hook is called after the dispatcher wrote the
// matching lifecycle event, and may return a *proc.Failure, which becomes an
// incident on the element (the element stays where it is; resolving the
// incident calls the hook again).
type Processor interface {
	// OnActivate runs after ELEMENT_ACTIVATING. Next step: write
	// ELEMENT_ACTIVATED, then either wait (a job, children) or ask for
	// completion with e.Complete().
	OnActivate(e *behavior.Element) error
	// OnComplete runs after ELEMENT_COMPLETING. Next step:
	// e.CompleteAndLeave(flows).
	OnComplete(e *behavior.Element) error
	// OnTerminate runs after ELEMENT_TERMINATING. Next step: clean up
	// (jobs, children, incidents), then e.Terminated() once nothing is
	// left.
	OnTerminate(e *behavior.Element) error
}

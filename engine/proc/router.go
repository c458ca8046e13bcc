package proc

import "github.com/shoalbpm/shoal/engine/record"

// Processor processes one kind of command. It validates the command (a
// problem is a rejection through c.Reject) and writes events and follow-up
// commands. A returned error is an engine failure (state I/O, a broken
// invariant), not a user error: the whole Process call fails.
type Processor interface {
	Process(c *Context) error
}

// ProcessorFunc adapts a function to Processor.
type ProcessorFunc func(c *Context) error

// Process calls f.
func (f ProcessorFunc) Process(c *Context) error { return f(c) }

type route struct {
	vt     record.ValueType
	intent record.Intent
}

// Router finds the processor of a command by value type and intent.
type Router struct {
	m map[route]Processor
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{m: map[route]Processor{}} }

// On registers the processor of a command.
func (r *Router) On(vt record.ValueType, intent record.Intent, p Processor) {
	r.m[route{vt, intent}] = p
}

// Find returns the processor of a command, or nil.
func (r *Router) Find(vt record.ValueType, intent record.Intent) Processor {
	return r.m[route{vt, intent}]
}

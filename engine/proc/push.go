package proc

import (
	"slices"

	"github.com/shoalbpm/shoal/engine/record"
)

// PushOffer is an open push stream that the leader attached to the commands
// of one Process call (Zeebe's JobStreamer, made deterministic): a job of
// Type created in the call is activated for the stream at once, in the same
// step, while Credits last. Offers travel in the replicated raft entry, so
// every replica makes the same choices; the engine never sees the leader's
// live streams.
type PushOffer struct {
	Type           string
	Worker         string
	Timeout        int64 // ms: the activated job's deadline is now + Timeout
	FetchVariables []string
	// TenantIDs the stream takes jobs of; empty means the default tenant.
	TenantIDs []string
	// Credits is how many jobs may be activated for the stream in the call.
	Credits int32
}

// accepts reports whether the offer takes a job of tenant.
func (o *PushOffer) accepts(tenant string) bool {
	if tenant == "" {
		tenant = record.DefaultTenant
	}
	if len(o.TenantIDs) == 0 {
		return tenant == record.DefaultTenant
	}
	return slices.Contains(o.TenantIDs, tenant)
}

// PushedJob is a job activated for an offer in this call, with the
// variables the stream fetches: the leader pushes it after the commit.
type PushedJob struct {
	Offer int // index of the offer in the call's offers
	Key   int64
	Job   record.JobRecord
}

// SetOffers attaches the push offers of the commands about to be processed
// (a copy: credits are spent on it).
func (c *Context) SetOffers(offers []PushOffer) {
	c.offers = append(c.offers[:0], offers...)
}

// TakeOffer spends one credit of the first offer, in the order given, that
// takes jobs of jobType and tenant; ok is false when none has credits left.
func (c *Context) TakeOffer(jobType, tenant string) (index int, offer PushOffer, ok bool) {
	for i := range c.offers {
		o := &c.offers[i]
		if o.Credits > 0 && o.Type == jobType && o.accepts(tenant) {
			o.Credits--
			return i, *o, true
		}
	}
	return -1, PushOffer{}, false
}

// Push records a job activated for offer, to be pushed after the commit.
func (c *Context) Push(offer int, key int64, job record.JobRecord) {
	c.pushed = append(c.pushed, PushedJob{Offer: offer, Key: key, Job: job})
}

// Pushed returns the jobs activated for offers in this call.
func (c *Context) Pushed() []PushedJob { return c.pushed }

// EventQuiet is Event for a job event that must not announce its job type
// as activatable (the job is pushed in the same step, so waking pollers
// would only make them ask for nothing).
func (c *Context) EventQuiet(key int64, intent record.Intent, v record.Value) (*record.Record, error) {
	c.quiet = true
	defer func() { c.quiet = false }()
	return c.Event(key, intent, v)
}

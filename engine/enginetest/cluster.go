package enginetest

import (
	"testing"

	"github.com/shoalbpm/shoal/engine"
)

// Cluster runs several partitions, each a Harness with its own state, and
// relays the commands they send each other (the broker's inter-partition
// channel) when Relay is called.
type Cluster struct {
	T     testing.TB
	Parts []*Harness // Parts[i] runs partition i+1
}

// NewCluster returns a cluster of n partitions.
func NewCluster(t testing.TB, n int32) *Cluster {
	t.Helper()
	c := &Cluster{T: t}
	for id := int32(1); id <= n; id++ {
		c.Parts = append(c.Parts, NewPartition(t, id, n))
	}
	return c
}

// Part returns the harness of partition id.
func (c *Cluster) Part(id int32) *Harness { return c.Parts[id-1] }

// Relay delivers every command the partitions have sent, each to its
// partition as a separate Process call (as the broker submits it), until
// none is left, and returns what was delivered, in order. drop, when set,
// decides which commands are lost on the way (they stay in the sender's
// outbox).
func (c *Cluster) Relay(drop func(engine.Outbound) bool) []engine.Outbound {
	c.T.Helper()
	var delivered []engine.Outbound
	for {
		var out []engine.Outbound
		for _, h := range c.Parts {
			out = append(out, h.TakeOutbound()...)
		}
		if len(out) == 0 {
			return delivered
		}
		for _, o := range out {
			if drop != nil && drop(o) {
				continue
			}
			c.Part(o.Partition).Submit(o.Record)
			delivered = append(delivered, o)
		}
	}
}

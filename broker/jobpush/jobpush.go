// Package jobpush is the broker's half of job push (Zeebe's JobStreamer):
// the registry of the push streams open on this node, and the credit
// reservations that the partition leaders attach to their raft entries.
//
// A leader building a raft entry calls Registry.Reserve: every open stream
// gives up to a number of credits from its free capacity, and the entry
// carries them as engine.PushOffer values, replicated with the commands.
// Every replica's engine spends the same credits on the same jobs (it never
// looks at live streams); after the apply, the leader that built the entry
// hands the activated jobs to the streams (Reservation.Deliver), which
// gives back the credits not spent, and yields the jobs a stream could not
// take. A credit stays reserved from Reserve until Deliver or Release, so
// entries in flight together never promise a stream more jobs than it has
// room for.
//
// In a cluster, each node advertises its streams' free capacity to the
// others (broker's pushremote.go); a leader registers what a peer
// advertised as a proxy Stream here, reserves against that view, and sends
// the jobs to the peer, which takes them with TryPush while it has room and
// refuses the rest, which the leader yields.
//
// Streams are taken in turn: each Reserve starts one stream further, and a
// job goes to the first offer of its type with credits left, so the streams
// of a type share its jobs round-robin across entries.
package jobpush

import (
	"sync"
	"sync/atomic"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// Stream is an open push stream, implemented by the gateway. Its methods
// are called from partition goroutines and must not block.
type Stream interface {
	// Offer describes what the stream takes (Credits is ignored).
	Offer() engine.PushOffer
	// Reserve takes up to n credits from the stream's free capacity and
	// returns how many it took.
	Reserve(n int) int
	// Unreserve gives back n reserved credits that were not spent.
	Unreserve(n int)
	// Push hands over a job activated for the stream, spending one
	// reserved credit. It returns false when the stream is closed: the
	// job must then be yielded.
	Push(key int64, job record.JobRecord) bool
	// Free is the capacity neither held nor reserved, as advertised to
	// the other nodes of a cluster.
	Free() int
	// TryPush hands over a job activated on another node against the
	// capacity this node advertised: the stream takes it only if it has
	// room beyond its reservations, and returns false otherwise (the job
	// must then be yielded).
	TryPush(key int64, job record.JobRecord) bool
}

// Registry is the set of push streams open on a node. It is safe for
// concurrent use.
type Registry struct {
	count atomic.Int32 // len(streams), read without the lock

	mu      sync.Mutex
	streams []Stream // in the order they were added
	next    int      // where the next Reserve starts
}

// Add registers s and returns the function that removes it. After the
// removal s gets no new reservations; credits already reserved still end in
// Push (which fails once s is closed) or Unreserve.
func (r *Registry) Add(s Stream) (remove func()) {
	r.mu.Lock()
	r.streams = append(r.streams, s)
	r.count.Store(int32(len(r.streams)))
	r.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			for i, x := range r.streams {
				if x == s {
					r.streams = append(r.streams[:i], r.streams[i+1:]...)
					break
				}
			}
			r.count.Store(int32(len(r.streams)))
		})
	}
}

// Len returns the number of open streams.
func (r *Registry) Len() int { return int(r.count.Load()) }

// Reservation is the credits one raft entry holds: its offers, and the
// stream behind each offer.
type Reservation struct {
	Offers  []engine.PushOffer
	streams []Stream
}

// Reserve takes, for one raft entry, up to perType credits for every job
// type that has open streams, from the streams in turn. It returns nil when
// no stream has free capacity (or none is open).
func (r *Registry) Reserve(perType int) *Reservation {
	if r == nil || r.count.Load() == 0 || perType <= 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.streams)
	if n == 0 {
		return nil
	}
	start := r.next % n
	r.next = start + 1
	var res *Reservation
	taken := map[string]int{} // credits reserved per job type so far
	for i := range n {
		s := r.streams[(start+i)%n]
		o := s.Offer()
		want := perType - taken[o.Type]
		if want <= 0 {
			continue
		}
		got := s.Reserve(want)
		if got <= 0 {
			continue
		}
		taken[o.Type] += got
		o.Credits = int32(got)
		if res == nil {
			res = &Reservation{}
		}
		res.Offers = append(res.Offers, o)
		res.streams = append(res.streams, s)
	}
	return res
}

// Deliver pushes the jobs the engine activated for this reservation's
// offers, gives back the credits not spent (a failed push spends none), and
// returns the keys of the jobs
// whose stream was closed (to be yielded).
func (res *Reservation) Deliver(pushed []engine.PushedJob) (undelivered []int64) {
	if res == nil {
		for _, p := range pushed {
			undelivered = append(undelivered, p.Key)
		}
		return undelivered
	}
	spent := make([]int32, len(res.Offers))
	for _, p := range pushed {
		if p.Offer < 0 || p.Offer >= len(res.streams) {
			undelivered = append(undelivered, p.Key)
			continue
		}
		if res.streams[p.Offer].Push(p.Key, p.Job) {
			spent[p.Offer]++
		} else {
			undelivered = append(undelivered, p.Key)
		}
	}
	for i, s := range res.streams {
		if left := res.Offers[i].Credits - spent[i]; left > 0 {
			s.Unreserve(int(left))
		}
	}
	return undelivered
}

// Release gives back every credit of the reservation (its entry was not
// applied by this node).
func (res *Reservation) Release() {
	if res == nil {
		return
	}
	for i, s := range res.streams {
		s.Unreserve(int(res.Offers[i].Credits))
	}
}

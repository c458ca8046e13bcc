package jobpush

import (
	"testing"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

type stream struct {
	typ            string
	free, reserved int
	pushed         []int64
	closed         bool
}

func (s *stream) Offer() engine.PushOffer { return engine.PushOffer{Type: s.typ} }
func (s *stream) Reserve(n int) int {
	n = min(n, s.free-s.reserved)
	s.reserved += n
	return n
}
func (s *stream) Unreserve(n int) { s.reserved -= n }
func (s *stream) Push(key int64, _ record.JobRecord) bool {
	if s.closed {
		return false
	}
	s.reserved--
	s.free--
	s.pushed = append(s.pushed, key)
	return true
}
func (s *stream) Free() int                                  { return s.free - s.reserved }
func (s *stream) TryPush(key int64, j record.JobRecord) bool { return false }

func TestReserveSharesATypesBudgetAndTakesStreamsInTurn(t *testing.T) {
	var r Registry
	a, b, c := &stream{typ: "x", free: 3}, &stream{typ: "x", free: 3}, &stream{typ: "y", free: 1}
	r.Add(a)
	removeB := r.Add(b)
	r.Add(c)

	first := r.Reserve(4) // starts at a: 3 from a, 1 from b; 1 of y from c
	if len(first.Offers) != 3 || first.Offers[0].Credits != 3 || first.Offers[1].Credits != 1 || first.Offers[2].Credits != 1 {
		t.Fatalf("first reservation = %+v", first.Offers)
	}
	second := r.Reserve(4) // starts at b: its last 2; a and c are spent
	if len(second.Offers) != 1 || second.Offers[0].Credits != 2 {
		t.Fatalf("second reservation = %+v", second.Offers)
	}
	if r.Reserve(4) != nil {
		t.Fatal("reserved beyond every stream's capacity")
	}

	// The first entry pushed one job to a and one to b; b was gone.
	b.closed = true
	failed := first.Deliver([]engine.PushedJob{{Offer: 0, Key: 1}, {Offer: 1, Key: 2}})
	if len(failed) != 1 || failed[0] != 2 {
		t.Fatalf("undelivered = %v, want [2]", failed)
	}
	if a.reserved != 0 || len(a.pushed) != 1 || c.reserved != 0 {
		t.Fatalf("after delivery: a reserved %d pushed %v, c reserved %d", a.reserved, a.pushed, c.reserved)
	}
	second.Release()
	removeB()
	if b.reserved != 0 || r.Len() != 2 {
		t.Fatalf("b reserved %d, %d streams", b.reserved, r.Len())
	}
}

package partition

import (
	"sync"

	"github.com/shoalbpm/shoal/engine/record"
)

// result is what a waiting Submit receives: the answering record or an error.
type result struct {
	rec record.Record
	err error
}

// pending maps request ids to the callers waiting for their answer (etcd's
// pkg/wait): Register before proposing, Trigger when the answer is applied,
// Cancel when the caller gives up. Safe for concurrent use.
type pending struct {
	mu sync.Mutex
	m  map[uint64]chan result
}

func newPending() *pending { return &pending{m: make(map[uint64]chan result)} }

// register returns the channel that will receive id's result.
func (p *pending) register(id uint64) <-chan result {
	ch := make(chan result, 1)
	p.mu.Lock()
	p.m[id] = ch
	p.mu.Unlock()
	return ch
}

// trigger delivers a result to id's waiter, if any, and forgets it.
func (p *pending) trigger(id uint64, r result) {
	p.mu.Lock()
	ch, ok := p.m[id]
	delete(p.m, id)
	p.mu.Unlock()
	if ok {
		ch <- r // buffered: never blocks
	}
}

// cancel forgets id without delivering anything.
func (p *pending) cancel(id uint64) {
	p.mu.Lock()
	delete(p.m, id)
	p.mu.Unlock()
}

// anyWaiting reports whether a caller still waits for one of ids.
func (p *pending) anyWaiting(ids []uint64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		if _, ok := p.m[id]; ok {
			return true
		}
	}
	return false
}

// failAll delivers err to every waiter (partition closing).
func (p *pending) failAll(err error) {
	p.mu.Lock()
	m := p.m
	p.m = make(map[uint64]chan result)
	p.mu.Unlock()
	for _, ch := range m {
		ch <- result{err: err}
	}
}

// len is the number of callers waiting.
func (p *pending) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.m)
}

package readmodel

import "sync"

// The kinds of a Change.
const (
	KindProcessInstance = "processInstance"
	KindElementInstance = "elementInstance"
	KindVariable        = "variable"
	KindIncident        = "incident"
	KindJob             = "job"
)

// Change is one entity written by an Export, published to the live feeds
// after the batch is committed (so a reader who then queries sees it).
type Change struct {
	Kind                 string // KindProcessInstance, ...
	Item                 any    // the entity in its API shape
	ProcessInstanceKey   int64
	ProcessDefinitionKey int64
}

// Subscription receives the changes of one process instance or definition.
// C is closed when the subscription ends: by Close, when the model closes,
// or when the reader fell more than the buffer behind (Lagged then reports
// true, and the reader should query again and resubscribe).
type Subscription struct {
	C      <-chan Change
	ch     chan Change
	f      *feeds
	id     int
	match  func(Change) bool
	lagged bool // guarded by f.mu
	closed bool // guarded by f.mu
}

// Lagged reports whether the subscription ended because its reader was too
// slow. Call it after C is closed.
func (s *Subscription) Lagged() bool {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	return s.lagged
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	s.f.remove(s)
}

type feeds struct {
	mu   sync.Mutex
	next int
	subs map[int]*Subscription
}

func newFeeds() *feeds { return &feeds{subs: make(map[int]*Subscription)} }

// feedBuffer is how many changes a subscription holds for a slow reader.
const feedBuffer = 1024

func (f *feeds) subscribe(match func(Change) bool) *Subscription {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan Change, feedBuffer)
	s := &Subscription{C: ch, ch: ch, f: f, id: f.next, match: match}
	f.next++
	f.subs[s.id] = s
	return s
}

// remove closes s; f.mu must be held.
func (f *feeds) remove(s *Subscription) {
	if !s.closed {
		s.closed = true
		delete(f.subs, s.id)
		close(s.ch)
	}
}

// publish hands changes to the matching subscriptions without blocking.
func (f *feeds) publish(changes []Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.subs) == 0 {
		return
	}
	for _, c := range changes {
		for _, s := range f.subs {
			if !s.match(c) {
				continue
			}
			select {
			case s.ch <- c:
			default:
				s.lagged = true
				f.remove(s)
			}
		}
	}
}

func (f *feeds) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.subs {
		f.remove(s)
	}
}

// WatchProcessInstance subscribes to the changes of one process instance
// (the instance, its element instances, variables, incidents and jobs).
func (m *Model) WatchProcessInstance(key int64) *Subscription {
	return m.feeds.subscribe(func(c Change) bool { return c.ProcessInstanceKey == key })
}

// WatchProcessDefinition subscribes to the changes of every instance of one
// process definition.
func (m *Model) WatchProcessDefinition(key int64) *Subscription {
	return m.feeds.subscribe(func(c Change) bool { return c.ProcessDefinitionKey == key })
}

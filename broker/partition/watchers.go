package partition

import "sync"

// watchers wakes callers waiting for jobs of a type. A notification is a
// value in a channel of capacity one: coalesced, never blocking the apply.
type watchers struct {
	mu   sync.Mutex
	next int
	m    map[string]map[int]chan struct{}
}

func newWatchers() *watchers { return &watchers{m: make(map[string]map[int]chan struct{})} }

// add registers ch (buffered, capacity one) for jobType.
func (w *watchers) add(jobType string, ch chan struct{}) func() {
	w.mu.Lock()
	id := w.next
	w.next++
	if w.m[jobType] == nil {
		w.m[jobType] = make(map[int]chan struct{})
	}
	w.m[jobType][id] = ch
	w.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			w.mu.Lock()
			delete(w.m[jobType], id)
			if len(w.m[jobType]) == 0 {
				delete(w.m, jobType)
			}
			w.mu.Unlock()
		})
	}
}

func (w *watchers) notify(jobType string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ch := range w.m[jobType] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

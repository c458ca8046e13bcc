package state

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/shoalbpm/shoal/engine/record"
)

// State is the typed view of the engine's state over a KV.
//
// Contract: processors call only the read methods (Get*, Find*, Visit*, Has*);
// the write methods (Put*, Delete*, Add*, Remove*) are for event appliers
// (engine/applier) and for the engine's key and position counters. Replay
// runs the same appliers, so state rebuilt from events equals live state;
// the replay test checks this.
type State struct {
	KV KV

	scratch [4][]byte // key buffers (see key)
	next    int
	cache   map[int64]*cached // element instances (see GetElementInstance)
	jobs    map[int64]*Job    // decoded jobs of this call (see GetJob)
	entries []cached          // chunk the cache entries come from
	enc     record.Encoder    // value buffer of put (KV.Set copies values)
	found   bool              // result of hasPrefix
	keys    []int             // ends of the keys deletePrefix gathered in keyBuf
	keyBuf  []byte
	intern  map[string]string // strings decoded before (see record.Decoder.Intern)
	// Hints that outlive a call (the engine keeps its State): they speed up
	// reads and never change what a read returns.
	floors  map[string]int64 // job type => activatable queue floor (see ActivatableJobs)
	nextDue int64            // see NextDue
	// Keys handed out in this call (see SetFreshKeys): nothing was stored
	// under them before it, so reads of them need not reach the KV.
	freshFrom, freshTo int64
	freshVars          map[scopedName]bool // variables put in fresh scopes in this call
	freshNames         map[int64][]string  // fresh scope => names put in it in this call
	// Iterate callbacks made once, so that iterating does not allocate a
	// closure each time.
	foundFn, gatherFn func(k, v []byte) bool
}

// New returns the typed view of kv.
func New(kv KV) *State {
	s := &State{KV: kv}
	s.foundFn = func(_, _ []byte) bool { s.found = true; return false }
	s.gatherFn = func(k, _ []byte) bool {
		s.keyBuf = append(s.keyBuf, k...)
		s.keys = append(s.keys, len(s.keyBuf))
		return true
	}
	return s
}

// Reset makes s a view of kv, keeping its buffers. The element instance
// cache must have been flushed.
func (s *State) Reset(kv KV) {
	s.KV = kv
	clear(s.cache)
	clear(s.jobs)
	s.entries = nil
}

// SetFreshKeys tells s that the keys k with from < k < to are handed out in
// this call: no value was stored under them before it. Reads of element
// instances, jobs and variables of such keys are then answered without the
// KV unless this call wrote them (a new process instance's variables and
// element are looked for before they exist; in an LSM store, a read of a
// key that was never written goes through every level). The engine sets it
// at the start of each call; from = to turns it off.
func (s *State) SetFreshKeys(from, to int64) {
	s.freshFrom, s.freshTo = from, to
	clear(s.freshVars)
	clear(s.freshNames)
}

func (s *State) fresh(key int64) bool { return key > s.freshFrom && key < s.freshTo }

// scopedName is a variable of a scope; name "" stands for "any variable".
type scopedName struct {
	scope int64
	name  string
}

// stateVersion is the first byte of every encoded state value, so that an
// encoding can change and old values still be read.
const stateVersion = 1

// ErrCorrupt reports a state value that cannot be decoded.
var ErrCorrupt = errors.New("state: corrupt value")

func (s *State) get(k []byte, what string) (record.Decoder, bool, error) {
	v, ok, err := s.KV.Get(k)
	if err != nil || !ok {
		return record.Decoder{}, false, wrap(err, what)
	}
	if len(v) == 0 || v[0] != stateVersion {
		return record.Decoder{}, false, fmt.Errorf("%s: %w", what, ErrCorrupt)
	}
	if s.intern == nil {
		s.intern = make(map[string]string, 64)
	}
	return record.Decoder{B: v[1:], Intern: s.intern}, true, nil
}

func (s *State) put(k []byte, encode func(e *record.Encoder)) error {
	e := &s.enc
	e.B, e.Err = append(e.B[:0], stateVersion), nil
	encode(e)
	if e.Err != nil {
		return e.Err
	}
	return s.KV.Set(k, e.B)
}

func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("state: %s: %w", what, err)
}

func decoded(d *record.Decoder, what string) error {
	if d.Err != nil {
		return fmt.Errorf("state: %s: %w", what, ErrCorrupt)
	}
	return nil
}

// hasPrefix reports whether any key starts with prefix.
func (s *State) hasPrefix(prefix []byte) (bool, error) {
	s.found = false
	err := s.KV.Iterate(prefix, s.foundFn)
	return s.found, err
}

// deletePrefix deletes every key that starts with prefix.
func (s *State) deletePrefix(prefix []byte) error {
	s.keys, s.keyBuf = s.keys[:0], s.keyBuf[:0]
	if err := s.KV.Iterate(prefix, s.gatherFn); err != nil {
		return err
	}
	start := 0
	for _, end := range s.keys {
		if err := s.KV.Delete(s.keyBuf[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// Counter reads a counter of the meta family (0 when unset).
func (s *State) Counter(name string) (int64, error) {
	v, ok, err := s.KV.Get(s.keyStr(FamMeta, name))
	if err != nil || !ok {
		return 0, wrap(err, "counter "+name)
	}
	n, c := binary.Uvarint(v)
	if c <= 0 {
		return 0, fmt.Errorf("counter %s: %w", name, ErrCorrupt)
	}
	return int64(n), nil
}

// PutCounter writes a counter of the meta family.
func (s *State) PutCounter(name string, v int64) error {
	return s.KV.Set(s.keyStr(FamMeta, name), binary.AppendUvarint(nil, uint64(v)))
}

// Counter names.
const (
	CounterKey      = "key"
	CounterPosition = "position"
)

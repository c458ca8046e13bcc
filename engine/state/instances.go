package state

import (
	"encoding/binary"
	"slices"

	"github.com/shoalbpm/shoal/engine/record"
)

// ElementInstance is one active element instance (a process instance is the
// element instance of its process).
type ElementInstance struct {
	Key int64
	// State is the last lifecycle event applied (ELEMENT_ACTIVATING, ...).
	State record.Intent
	// JobKey is the job of a job-based task (0: none).
	JobKey int64
	Value  record.ProcessInstanceRecord
	// Counts kept with the instance (Zeebe's ElementInstance keeps them
	// too), so that asking "does this scope still have children, tokens,
	// variables?" is a read of one value, not a scan of a key range that
	// the store must step through deleted keys to answer. Unknown (-1) for
	// values stored before the counts existed and, for Variables, for a
	// process instance (its variables are created before it is).
	Children  int64 // active child element instances
	Tokens    int64 // tokens on their way in this scope (taken flows)
	Variables int64 // 0: no local variables; 1: some; -1: unknown
	// VarNames are the names of the local variables, in name order, when
	// they are known (Variables 1, at most maxVarNames of them; nil:
	// unknown), so that collecting the scope's variables or deleting them
	// with the scope reads or deletes those keys instead of scanning the
	// scope's key range (which, in an LSM store, reads every level).
	VarNames []string
}

// maxVarNames is how many variable names an element instance keeps; a
// scope with more is scanned.
const maxVarNames = 16

// varNamesKnown reports whether ei's local variables are exactly VarNames.
func (e *ElementInstance) varNamesKnown() bool {
	return e.Variables == 0 || (e.Variables > 0 && len(e.VarNames) > 0)
}

// NewElementInstance returns an element instance being created, with its
// counts known (nothing inside it yet).
func NewElementInstance(key int64, intent record.Intent, v record.ProcessInstanceRecord) *ElementInstance {
	ei := &ElementInstance{Key: key, State: intent, Value: v}
	if v.FlowScopeKey <= 0 {
		ei.Variables = unknownCount
	}
	return ei
}

// unknownCount marks a count that must be found by a scan.
const unknownCount = -1

// IsActive reports whether the instance is activating or activated, the
// states in which it can take part in the flow.
func (e *ElementInstance) IsActive() bool {
	return e.State == record.ElementActivating || e.State == record.ElementActivated
}

// GetElementInstance returns the element instance with key, or nil.
//
// The result is shared with the cache: callers read it, and may only set
// fields to what an applier has just written (a processor keeping its copy
// in step after writing an event); any other change must go through
// PutElementInstance.
//
// Element instances are read and written many times while a command is
// processed, and most elements (events, gateways) live and die within one
// Process call. So State keeps them in a write-back cache: reads are
// served from it, writes stay in it, and Flush writes the final values
// (or deletions) to the KV once. Call Flush before the KV is committed.
func (s *State) GetElementInstance(key int64) (*ElementInstance, error) {
	if c, ok := s.cache[key]; ok {
		if c.deleted {
			return nil, nil
		}
		return &c.ei, nil
	}
	if s.fresh(key) {
		return nil, nil // new in this call, and not created yet (see SetFreshKeys)
	}
	d, ok, err := s.get(s.keyInt(FamElementInstance, key), "element instance")
	if !ok {
		return nil, err
	}
	ei := ElementInstance{Key: d.Int(), State: record.Intent(d.Name()), JobKey: d.Int()}
	record.UnmarshalValue(&d, &ei.Value)
	ei.Children, ei.Tokens, ei.Variables = unknownCount, unknownCount, unknownCount
	if len(d.B) > 0 {
		ei.Children, ei.Tokens, ei.Variables = d.Int(), d.Int(), d.Int()
	}
	if len(d.B) > 0 {
		ei.VarNames = d.Strings()
	}
	if err := decoded(&d, "element instance"); err != nil {
		return nil, err
	}
	c := s.cacheEntry(key)
	c.ei = ei
	return &c.ei, nil
}

// FlowScopeOf returns the flow scope key of an element instance (found is
// false if there is no such instance). It decodes only what it needs: the
// variable lookups walk scope chains often.
func (s *State) FlowScopeOf(key int64) (scope int64, found bool, err error) {
	if c, ok := s.cache[key]; ok {
		return c.ei.Value.FlowScopeKey, !c.deleted, nil
	}
	if s.fresh(key) {
		return 0, false, nil
	}
	d, ok, err := s.get(s.keyInt(FamElementInstance, key), "element instance")
	if !ok {
		return 0, false, err
	}
	// the layout of PutElementInstance/Flush and ProcessInstanceRecord
	d.Int()         // key
	d.Skip()        // state
	d.Int()         // job key
	d.Skip()        // bpmnProcessId
	d.Int()         // version
	d.Int()         // processDefinitionKey
	d.Int()         // processInstanceKey
	d.Skip()        // elementId
	scope = d.Int() // flowScopeKey
	return scope, true, decoded(&d, "element instance")
}

// cached is an element instance in the write-back cache.
type cached struct {
	ei      ElementInstance
	dirty   bool // to be written (or deleted) by Flush
	deleted bool
}

func (s *State) cacheEntry(key int64) *cached {
	if s.cache == nil {
		s.cache = make(map[int64]*cached, 16)
	}
	c := s.cache[key]
	if c == nil {
		if len(s.entries) == cap(s.entries) {
			// small first: most calls touch a handful of instances
			s.entries = make([]cached, 0, min(4+2*cap(s.entries), 32))
		}
		s.entries = append(s.entries, cached{})
		c = &s.entries[len(s.entries)-1]
		s.cache[key] = c
	}
	return c
}

// CreateElementInstance stores a new element instance (ACTIVATING) and
// links it to its flow scope.
func (s *State) CreateElementInstance(ei *ElementInstance) error {
	if err := s.PutElementInstance(ei); err != nil {
		return err
	}
	if ei.Value.FlowScopeKey <= 0 {
		return s.knowVarNames(&s.cacheEntry(ei.Key).ei)
	}
	if err := s.countChildren(ei.Value.FlowScopeKey, 1); err != nil {
		return err
	}
	return s.KV.Set(s.keyIntInt(FamElementChild, ei.Value.FlowScopeKey, ei.Key), nil)
}

// PutElementInstance stores a changed element instance.
func (s *State) PutElementInstance(ei *ElementInstance) error {
	c := s.cacheEntry(ei.Key)
	if &c.ei != ei {
		c.ei = *ei
	}
	c.dirty, c.deleted = true, false
	return nil
}

// DeleteElementInstance removes an instance, its link to its flow scope, its
// variables and the tokens still on their way inside it.
func (s *State) DeleteElementInstance(ei *ElementInstance) error {
	c := s.cacheEntry(ei.Key)
	if &c.ei != ei {
		c.ei = *ei
	}
	c.dirty, c.deleted = true, true
	if ei.Value.FlowScopeKey > 0 {
		if err := s.countChildren(ei.Value.FlowScopeKey, -1); err != nil {
			return err
		}
		if err := s.KV.Delete(s.keyIntInt(FamElementChild, ei.Value.FlowScopeKey, ei.Key)); err != nil {
			return err
		}
	}
	if ei.Tokens != 0 {
		if err := s.deletePrefix(s.keyInt(FamTakenFlow, ei.Key)); err != nil {
			return err
		}
	}
	if ei.Variables != 0 {
		return s.deleteScopeVariables(ei)
	}
	return nil
}

// count adds delta to one of the counts of the element instance key, if it
// exists and the count is known.
func (s *State) count(key int64, delta int64, field func(*ElementInstance) *int64) error {
	ei, err := s.GetElementInstance(key)
	if err != nil || ei == nil {
		return err
	}
	if n := field(ei); *n != unknownCount {
		*n = max(*n+delta, 0)
		s.cacheEntry(key).dirty = true
	}
	return nil
}

func (s *State) countChildren(scope, delta int64) error {
	return s.count(scope, delta, func(ei *ElementInstance) *int64 { return &ei.Children })
}

// markVariables notes that scope has the local variable name.
func (s *State) markVariables(scope int64, name string) error {
	ei, err := s.GetElementInstance(scope)
	if err != nil || ei == nil {
		// No instance yet: a process instance's variables come first (see
		// CreateElementInstance).
		return err
	}
	switch {
	case ei.Variables == 0:
		ei.Variables, ei.VarNames = 1, []string{name}
	case ei.Variables > 0 && len(ei.VarNames) > 0:
		i, found := slices.BinarySearch(ei.VarNames, name)
		if found {
			return nil
		}
		if len(ei.VarNames) >= maxVarNames {
			ei.VarNames = nil // too many: scanned
		} else {
			ei.VarNames = slices.Insert(slices.Clip(ei.VarNames), i, name)
		}
	default:
		return nil
	}
	s.cacheEntry(scope).dirty = true
	return nil
}

// knowVarNames sets the variable names of a process instance being
// created. Its variables are put before it is: when its key is fresh they
// are the names put under it in this call, otherwise (a replay of events)
// a scan finds the same names.
func (s *State) knowVarNames(ei *ElementInstance) error {
	var names []string
	if s.fresh(ei.Key) {
		names = slices.Sorted(slices.Values(s.freshNames[ei.Key]))
	} else {
		var err error
		if names, err = s.scanVarNames(ei.Key); err != nil {
			return err
		}
	}
	switch {
	case len(names) == 0:
		ei.Variables, ei.VarNames = 0, nil
	case len(names) <= maxVarNames:
		ei.Variables, ei.VarNames = 1, names
	default:
		ei.Variables, ei.VarNames = 1, nil
	}
	return nil
}

// Flush writes the cached element instance changes to the KV, in key
// order, and empties the cache.
func (s *State) Flush() error {
	keys := make([]int64, 0, len(s.cache))
	for k, c := range s.cache {
		if c.dirty {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // map order must not reach the KV
	for _, k := range keys {
		c := s.cache[k]
		var err error
		if c.deleted {
			err = s.KV.Delete(s.keyInt(FamElementInstance, k))
		} else {
			err = s.put(s.keyInt(FamElementInstance, k), func(e *record.Encoder) {
				e.Int(c.ei.Key)
				e.String(string(c.ei.State))
				e.Int(c.ei.JobKey)
				record.MarshalValue(e, &c.ei.Value)
				e.Int(c.ei.Children)
				e.Int(c.ei.Tokens)
				e.Int(c.ei.Variables)
				e.Strings(c.ei.VarNames)
			})
		}
		if err != nil {
			return err
		}
	}
	clear(s.cache)
	clear(s.jobs)
	s.entries = nil
	return nil
}

// ChildKeys returns the keys of the active children of an element
// instance, oldest first.
func (s *State) ChildKeys(parent int64) ([]int64, error) {
	var keys []int64
	err := s.KV.Iterate(s.keyInt(FamElementChild, parent), func(k, _ []byte) bool {
		keys = append(keys, lastInt(k))
		return true
	})
	return keys, wrap(err, "children")
}

// HasChildren reports whether an element instance has active children.
func (s *State) HasChildren(parent int64) (bool, error) {
	if ei, err := s.GetElementInstance(parent); err != nil || (ei != nil && ei.Children != unknownCount) {
		return ei != nil && ei.Children > 0, err
	}
	return s.hasPrefix(s.keyInt(FamElementChild, parent))
}

// Taken flows: a sequence flow taken in a flow scope whose target has not
// been activated yet. They count as tokens of the scope (it cannot complete
// while one is on the way) and are a joining gateway's inputs.

func (s *State) takenKey(scope int64, target, flow string) []byte {
	k := s.keyIntStr(FamTakenFlow, scope, target)
	k = append(k, 0)
	return append(k, flow...)
}

// TakenFlowCount returns how many tokens wait on flow into target.
func (s *State) TakenFlowCount(scope int64, target, flow string) (int64, error) {
	if c, ok := s.cache[scope]; ok && !c.deleted && c.ei.Tokens == 0 {
		return 0, nil // no token is on its way in the scope
	}
	v, ok, err := s.KV.Get(s.takenKey(scope, target, flow))
	if err != nil || !ok {
		return 0, wrap(err, "taken flow")
	}
	n, _ := binary.Uvarint(v)
	return int64(n), nil
}

// AddTakenFlow adds delta (±1) tokens on flow into target.
func (s *State) AddTakenFlow(scope int64, target, flow string, delta int64) error {
	n, err := s.TakenFlowCount(scope, target, flow)
	if err != nil {
		return err
	}
	old := n
	n = max(n+delta, 0)
	if err := s.count(scope, n-old, func(ei *ElementInstance) *int64 { return &ei.Tokens }); err != nil {
		return err
	}
	k := s.takenKey(scope, target, flow)
	if n == 0 {
		return s.KV.Delete(k)
	}
	return s.KV.Set(k, binary.AppendUvarint(nil, uint64(n)))
}

// HasTakenFlows reports whether any token is on its way in scope.
func (s *State) HasTakenFlows(scope int64) (bool, error) {
	if ei, err := s.GetElementInstance(scope); err != nil || (ei != nil && ei.Tokens != unknownCount) {
		return ei != nil && ei.Tokens > 0, err
	}
	return s.hasPrefix(s.keyInt(FamTakenFlow, scope))
}

// TakenFlowTargets returns the target element ids of the tokens on their
// way in scope (with repeats, in key order).
func (s *State) TakenFlowTargets(scope int64) ([]string, error) {
	var targets []string
	prefix := s.keyInt(FamTakenFlow, scope)
	err := s.KV.Iterate(prefix, func(k, _ []byte) bool {
		rest := k[len(prefix):]
		for i, c := range rest {
			if c == 0 {
				targets = append(targets, string(rest[:i]))
				break
			}
		}
		return true
	})
	return targets, wrap(err, "taken flows")
}

// AwaitResult is a creation waiting for its instance to complete.
type AwaitResult struct {
	RequestID      uint64
	FetchVariables []string
}

// GetAwaitResult returns the waiting request of a process instance, or nil.
func (s *State) GetAwaitResult(pik int64) (*AwaitResult, error) {
	d, ok, err := s.get(s.keyInt(FamAwaitResult, pik), "await result")
	if !ok {
		return nil, err
	}
	a := &AwaitResult{RequestID: d.Uint(), FetchVariables: d.Strings()}
	return a, decoded(&d, "await result")
}

// PutAwaitResult records a waiting request.
func (s *State) PutAwaitResult(pik int64, a AwaitResult) error {
	return s.put(s.keyInt(FamAwaitResult, pik), func(e *record.Encoder) {
		e.Uint(a.RequestID)
		e.Strings(a.FetchVariables)
	})
}

// DeleteAwaitResult forgets a waiting request.
func (s *State) DeleteAwaitResult(pik int64) error {
	return s.KV.Delete(s.keyInt(FamAwaitResult, pik))
}

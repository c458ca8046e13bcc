package state

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// Variables live in the scope of an element instance (the process instance
// is the outermost scope). A value is JSON text.

// Variable is one variable of a scope.
type Variable struct {
	Key   int64
	Value []byte // JSON
}

func decodeVariable(v []byte) (Variable, error) {
	k, n := binary.Varint(v)
	if n <= 0 {
		return Variable{}, fmt.Errorf("variable: %w", ErrCorrupt)
	}
	return Variable{Key: k, Value: v[n:]}, nil
}

// GetVariable returns the variable name of scope (found=false if absent).
func (s *State) GetVariable(scope int64, name string) (Variable, bool, error) {
	if !s.mayHaveVariables(scope) || (s.fresh(scope) && !s.freshVars[scopedName{scope, name}]) {
		return Variable{}, false, nil
	}
	v, ok, err := s.KV.Get(s.keyIntStr(FamVariable, scope, name))
	if err != nil || !ok {
		return Variable{}, false, wrap(err, "variable")
	}
	vr, err := decodeVariable(v)
	return vr, err == nil, err
}

// PutVariable creates or updates a variable of scope.
func (s *State) PutVariable(scope int64, name string, v Variable) error {
	b := make([]byte, 0, 10+len(v.Value))
	b = binary.AppendVarint(b, v.Key)
	b = append(b, v.Value...)
	if err := s.markVariables(scope, name); err != nil {
		return err
	}
	if s.fresh(scope) {
		if s.freshVars == nil {
			s.freshVars = make(map[scopedName]bool, 8)
			s.freshNames = make(map[int64][]string, 8)
		}
		s.freshVars[scopedName{scope, ""}] = true
		if !s.freshVars[scopedName{scope, name}] {
			s.freshVars[scopedName{scope, name}] = true
			s.freshNames[scope] = append(s.freshNames[scope], name)
		}
	}
	return s.KV.Set(s.keyIntStr(FamVariable, scope, name), b)
}

// VisitVariables calls fn for each variable of scope in name order. The
// value is valid only during the call.
func (s *State) VisitVariables(scope int64, fn func(name string, v Variable) bool) error {
	if !s.mayHaveVariables(scope) {
		return nil
	}
	if ei, err := s.GetElementInstance(scope); err != nil {
		return err
	} else if ei != nil && ei.varNamesKnown() {
		return s.visitNamed(scope, slices.Clone(ei.VarNames), fn)
	}
	prefix := s.keyInt(FamVariable, scope)
	var derr error
	err := s.KV.Iterate(prefix, func(k, val []byte) bool {
		v, err := decodeVariable(val)
		if err != nil {
			derr = err
			return false
		}
		return fn(string(k[len(prefix):]), v)
	})
	if err != nil {
		return wrap(err, "variables")
	}
	return derr
}

// mayHaveVariables is false when scope is known to have no variables: its
// element instance says so, or it is new in this call and none were put.
func (s *State) mayHaveVariables(scope int64) bool {
	if c, ok := s.cache[scope]; ok && !c.deleted && c.ei.Variables == 0 {
		return false
	}
	return !s.fresh(scope) || s.freshVars[scopedName{scope, ""}]
}

// visitNamed is VisitVariables over a scope whose variable names are
// known: a read of each instead of a scan.
func (s *State) visitNamed(scope int64, names []string, fn func(name string, v Variable) bool) error {
	for _, name := range names {
		v, ok, err := s.KV.Get(s.keyIntStr(FamVariable, scope, name))
		if err != nil {
			return wrap(err, "variable")
		}
		if !ok {
			return fmt.Errorf("variable %q of scope %d: listed by its element instance, not stored: %w", name, scope, ErrCorrupt)
		}
		vr, err := decodeVariable(v)
		if err != nil {
			return err
		}
		if !fn(name, vr) {
			return nil
		}
	}
	return nil
}

// scanVarNames returns the names of scope's variables, in name order, from
// a scan of its key range.
func (s *State) scanVarNames(scope int64) ([]string, error) {
	prefix := s.keyInt(FamVariable, scope)
	var names []string
	if err := s.KV.Iterate(prefix, func(k, _ []byte) bool {
		names = append(names, string(k[len(prefix):]))
		return true
	}); err != nil {
		return nil, wrap(err, "variables")
	}
	return names, nil
}

func (s *State) deleteScopeVariables(ei *ElementInstance) error {
	if !ei.varNamesKnown() {
		return s.deletePrefix(s.keyInt(FamVariable, ei.Key))
	}
	for _, name := range ei.VarNames {
		if err := s.KV.Delete(s.keyIntStr(FamVariable, ei.Key, name)); err != nil {
			return wrap(err, "variable")
		}
	}
	return nil
}

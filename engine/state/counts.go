package state

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// CheckCounts compares the counts every element instance keeps (children,
// tokens, local variables) with what a scan of the KV finds, and returns
// the first difference. It is for tests: the engine relies on the counts
// being right, so a property test checks them after every step.
func CheckCounts(kv KV) error {
	s := New(kv)
	var keys []int64
	err := kv.Iterate([]byte{byte(FamElementInstance)}, func(k, _ []byte) bool {
		keys = append(keys, int64(binary.BigEndian.Uint64(k[1:9])))
		return true
	})
	if err != nil {
		return err
	}
	for _, key := range keys {
		ei, err := s.GetElementInstance(key)
		if err != nil || ei == nil {
			return fmt.Errorf("element instance %d: %v", key, err)
		}
		children, err := s.countPrefix(s.keyInt(FamElementChild, key), false)
		if err != nil {
			return err
		}
		tokens, err := s.countPrefix(s.keyInt(FamTakenFlow, key), true)
		if err != nil {
			return err
		}
		vars, err := s.countPrefix(s.keyInt(FamVariable, key), false)
		if err != nil {
			return err
		}
		switch {
		case ei.Children != unknownCount && ei.Children != children:
			return fmt.Errorf("element instance %d (%s) counts %d children, has %d", key, ei.Value.ElementID, ei.Children, children)
		case ei.Tokens != unknownCount && ei.Tokens != tokens:
			return fmt.Errorf("element instance %d (%s) counts %d tokens, has %d", key, ei.Value.ElementID, ei.Tokens, tokens)
		case ei.Variables == 0 && vars > 0:
			return fmt.Errorf("element instance %d (%s) counts no variables, has %d", key, ei.Value.ElementID, vars)
		}
		if ei.varNamesKnown() {
			names, err := s.scanVarNames(key)
			if err != nil {
				return err
			}
			if !slices.Equal(names, ei.VarNames) {
				return fmt.Errorf("element instance %d (%s) lists variables %q, has %q", key, ei.Value.ElementID, ei.VarNames, names)
			}
		}
	}
	return nil
}

// countPrefix counts the keys with prefix, or with sum the uvarint values.
func (s *State) countPrefix(prefix []byte, sum bool) (int64, error) {
	var n int64
	err := s.KV.Iterate(prefix, func(_, v []byte) bool {
		if sum {
			c, _ := binary.Uvarint(v)
			n += int64(c)
		} else {
			n++
		}
		return true
	})
	return n, err
}

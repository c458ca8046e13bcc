package record

import (
	"encoding/json"
	"fmt"
)

// UnmarshalJSON reads a record in Zeebe's exporter shape, choosing the value
// struct by valueType. (Marshaling needs no method: the struct tags give the
// shape, and Value marshals as its concrete struct.)
func (r *Record) UnmarshalJSON(b []byte) error {
	type plain Record // no methods: avoids recursion
	var aux struct {
		plain
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*r = Record(aux.plain)
	r.Value = nil
	if len(aux.Value) == 0 || string(aux.Value) == "null" {
		return nil
	}
	v := NewValue(r.ValueType)
	if v == nil {
		return fmt.Errorf("record: unknown value type %q", r.ValueType)
	}
	if err := json.Unmarshal(aux.Value, v); err != nil {
		return fmt.Errorf("record: %s value: %w", r.ValueType, err)
	}
	r.Value = v
	return nil
}

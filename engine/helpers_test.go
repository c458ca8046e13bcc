package engine_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/shoalbpm/shoal/engine/enginetest"
	"github.com/shoalbpm/shoal/engine/record"
)

// equalStrings fails the test unless got equals want.
func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// completedIDs lists the elements of an instance that completed, in order.
func completedIDs(h *enginetest.Harness, pik int64) []string {
	return h.Records().ProcessInstance(pik).Intent(record.ElementCompleted).ElementIDs()
}

// isCompleted reports whether the process instance completed.
func isCompleted(h *enginetest.Harness, pik int64) bool {
	ids := h.Records().ProcessInstance(pik).Intent(record.ElementCompleted).Filter(func(r *record.Record) bool {
		return r.Key == pik
	})
	return len(ids) == 1
}

// variable returns the JSON text of a variable of scope, from the VARIABLE
// events (last one wins).
func variable(h *enginetest.Harness, scope int64, name string) (string, bool) {
	val, ok := "", false
	for _, r := range h.Records().Events().ValueType(record.Variable) {
		v := r.Value.(*record.VariableRecord)
		if v.ScopeKey == scope && v.Name == name {
			val, ok = v.Value, true
		}
	}
	return val, ok
}

// jsonOf renders a value as JSON text.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(err)
	}
	return string(b)
}

// elementKey returns the key of the (last) instance of an element.
func elementKey(t *testing.T, h *enginetest.Harness, pik int64, id string) int64 {
	t.Helper()
	r, ok := h.Records().ProcessInstance(pik).ElementID(id).Intent(record.ElementActivating).Last()
	if !ok {
		t.Fatalf("element %s was never activated", id)
	}
	return r.Key
}

func itoa(n int64) string { return fmt.Sprint(n) }

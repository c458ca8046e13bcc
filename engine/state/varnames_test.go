package state

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
)

// iterations counts the Iterate calls that reach a KV (scans).
type iterations struct {
	*MemKV
	n int
}

func (c *iterations) Iterate(prefix []byte, fn func(k, v []byte) bool) error {
	c.n++
	return c.MemKV.Iterate(prefix, fn)
}

func visitedNames(t *testing.T, st *State, scope int64) []string {
	t.Helper()
	var names []string
	mustNil(t, st.VisitVariables(scope, func(name string, _ Variable) bool {
		names = append(names, name)
		return true
	}))
	return names
}

// A scope's element instance lists its variables' names (up to
// maxVarNames): its variables are then read and deleted by name, without a
// scan; a process instance learns the names put before it was created,
// from the call (fresh key) or, replaying events, from a scan.
func TestVarNames_ReadAndDeleteAScopesVariablesWithoutAScan(t *testing.T) {
	for _, c := range []struct {
		name    string
		fresh   bool
		vars    int
		scanned bool // VisitVariables and the deletion scan
	}{
		{"new process instance", true, 3, false},
		{"replayed process instance", false, 3, false},
		{"no variables", true, 0, false},
		{"too many to list", true, maxVarNames + 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			kv := &iterations{MemKV: NewMemKV()}
			st := New(kv)
			if c.fresh {
				st.SetFreshKeys(10, 100)
			}
			var want []string
			for i := range c.vars {
				name := fmt.Sprintf("v%02d", c.vars-i) // put out of name order
				want = append(want, name)
				mustNil(t, st.PutVariable(11, name, Variable{Key: int64(20 + i), Value: []byte("1")}))
			}
			slices.Sort(want)
			pi := NewElementInstance(11, record.ElementActivating, record.ProcessInstanceRecord{FlowScopeKey: -1, ElementID: "p"})
			mustNil(t, st.CreateElementInstance(pi))
			mustNil(t, st.Flush())
			st.SetFreshKeys(100, 200) // a later call
			// a variable set later in the scope joins the list
			mustNil(t, st.PutVariable(11, "a", Variable{Key: 30, Value: []byte("2")}))
			want = append([]string{"a"}, want...)
			mustNil(t, st.Flush())
			mustNil(t, CheckCounts(kv))
			before := kv.n
			if got := visitedNames(t, st, 11); !slices.Equal(got, want) {
				t.Fatalf("visited %v, want %v", got, want)
			}
			ei, err := st.GetElementInstance(11)
			mustNil(t, err)
			mustNil(t, st.DeleteElementInstance(ei))
			mustNil(t, st.Flush())
			if scanned := kv.n > before; scanned != c.scanned {
				t.Fatalf("scanned: %v, want %v", scanned, c.scanned)
			}
			left := 0
			mustNil(t, kv.MemKV.Iterate(st.keyInt(FamVariable, 11), func(_, _ []byte) bool { left++; return true }))
			if left != 0 {
				t.Fatalf("%d variables left after their scope was deleted", left)
			}
		})
	}
}

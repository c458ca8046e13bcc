package behavior

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// ScopeVars reads the variables visible from a scope: its own, then its
// flow scope's, up to the process instance (an inner variable hides an
// outer one of the same name). It implements proc.Vars.
type ScopeVars struct {
	c     *proc.Context
	chain []int64 // scope, its flow scope, ..., the process instance
	buf   [4]int64
	err   error
}

// Vars returns the variables visible from scope.
func Vars(c *proc.Context, scope int64) *ScopeVars {
	v := &ScopeVars{c: c}
	v.chain = v.buf[:0]
	for scope > 0 {
		v.chain = append(v.chain, scope)
		parent, found, err := c.State.FlowScopeOf(scope)
		if err != nil {
			v.err = err
			break
		}
		if !found {
			break // the process instance before its element exists (creation)
		}
		scope = parent
	}
	return v
}

// Err is the state error met while reading, if any.
func (v *ScopeVars) Err() error { return v.err }

// Get returns the value of a visible variable.
func (v *ScopeVars) Get(name string) (any, bool) {
	raw, ok := v.Raw(name)
	if !ok {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // keep large integers exact
	var val any
	if err := d.Decode(&val); err != nil {
		v.err = fmt.Errorf("variable %s: %w", name, err)
		return nil, false
	}
	return val, true
}

// Raw returns the JSON text of a visible variable.
func (v *ScopeVars) Raw(name string) ([]byte, bool) {
	for _, s := range v.chain {
		vr, ok, err := v.c.State.GetVariable(s, name)
		if err != nil {
			v.err = err
			return nil, false
		}
		if ok {
			return vr.Value, true
		}
	}
	return nil, false
}

// Collect returns the visible variables as JSON values (json.RawMessage):
// all of them when names is empty, else those of names that exist.
func (v *ScopeVars) Collect(names []string) (map[string]any, error) {
	out := map[string]any{}
	if len(names) > 0 {
		for _, n := range names {
			if raw, ok := v.Raw(n); ok {
				out[n] = json.RawMessage(raw)
			}
		}
		return out, v.err
	}
	for _, s := range v.chain {
		err := v.c.State.VisitVariables(s, func(name string, vr state.Variable) bool {
			if _, hidden := out[name]; !hidden {
				out[name] = json.RawMessage(bytes.Clone(vr.Value))
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	return out, v.err
}

// SetLocal sets variables on one scope, in name order. pi names the process
// instance the scope belongs to.
func SetLocal(c *proc.Context, scope int64, doc map[string]any, pi *record.ProcessInstanceRecord) error {
	for _, name := range sortedKeys(doc) {
		if err := setVariable(c, scope, name, doc[name], pi); err != nil {
			return err
		}
	}
	return nil
}

// Merge sets variables with Zeebe's propagation: each variable is set on the
// nearest scope, starting at scope and going outwards, that already has a
// variable of that name; if none has, on the process instance.
func Merge(c *proc.Context, scope int64, doc map[string]any, pi *record.ProcessInstanceRecord) error {
	if len(doc) == 0 {
		return nil
	}
	vars := Vars(c, scope)
	if vars.err != nil {
		return vars.err
	}
	root := vars.chain[len(vars.chain)-1]
	for _, name := range sortedKeys(doc) {
		target := root
		for _, s := range vars.chain {
			_, ok, err := c.State.GetVariable(s, name)
			if err != nil {
				return err
			}
			if ok {
				target = s
				break
			}
		}
		if err := setVariable(c, target, name, doc[name], pi); err != nil {
			return err
		}
	}
	return nil
}

// setVariable writes VARIABLE CREATED, or UPDATED when the value changed.
func setVariable(c *proc.Context, scope int64, name string, value any, pi *record.ProcessInstanceRecord) error {
	raw, err := toJSON(value)
	if err != nil {
		return fmt.Errorf("variable %s: %w", name, err)
	}
	old, exists, err := c.State.GetVariable(scope, name)
	if err != nil {
		return err
	}
	if exists && bytes.Equal(old.Value, raw) {
		return nil
	}
	v := &record.VariableRecord{
		Name: name, Value: string(raw), ScopeKey: scope,
		ProcessInstanceKey: pi.ProcessInstanceKey, ProcessDefinitionKey: pi.ProcessDefinitionKey,
		BpmnProcessID: pi.BpmnProcessID, TenantID: pi.TenantID,
	}
	if exists {
		_, err = c.Event(old.Key, record.Updated, v)
	} else {
		_, err = c.Event(c.NextKey(), record.Created, v)
	}
	return err
}

// toJSON renders a variable's value. Scalars, the common case, skip
// encoding/json's reflection; the output is what json.Marshal gives.
func toJSON(v any) ([]byte, error) {
	switch t := v.(type) {
	case json.RawMessage:
		return t, nil
	case nil:
		return []byte("null"), nil
	case bool:
		return strconv.AppendBool(nil, t), nil
	case int64:
		return strconv.AppendInt(nil, t, 10), nil
	case int:
		return strconv.AppendInt(nil, int64(t), 10), nil
	case float64:
		// whole numbers print as integers; -0 keeps its sign, as in json
		if t == math.Trunc(t) && math.Abs(t) < 1e15 && (t != 0 || !math.Signbit(t)) {
			return strconv.AppendInt(nil, int64(t), 10), nil
		}
	}
	return json.Marshal(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // map order must not reach records
	return keys
}

// ApplyInputs evaluates the element's input mappings and sets the results
// as local variables of the element instance.
func ApplyInputs(c *proc.Context, key int64, pi *record.ProcessInstanceRecord, n *bpmn.Node) error {
	if len(n.Inputs) == 0 {
		return nil
	}
	doc, err := evalMappings(c, n.Inputs, key)
	if err != nil {
		return err
	}
	return SetLocal(c, key, doc, pi)
}

// ApplyOutputs evaluates the element's output mappings in its scope and
// merges the results into its flow scope (with propagation).
func ApplyOutputs(c *proc.Context, key int64, pi *record.ProcessInstanceRecord, n *bpmn.Node) error {
	if len(n.Outputs) == 0 {
		return nil
	}
	doc, err := evalMappings(c, n.Outputs, key)
	if err != nil {
		return err
	}
	return Merge(c, pi.FlowScopeKey, doc, pi)
}

// evalMappings evaluates mappings against the variables of scope. A target
// "a.b" builds the nested object {"a": {"b": value}}.
func evalMappings(c *proc.Context, ms []bpmn.Mapping, scope int64) (map[string]any, error) {
	vars := Vars(c, scope)
	doc := map[string]any{}
	for i := range ms {
		m := &ms[i]
		v, err := Eval(c, &m.Source, vars, record.ErrIOMappingError, scope)
		if err != nil {
			return nil, err
		}
		if vars.err != nil {
			return nil, vars.err
		}
		putPath(doc, m.Target, v)
	}
	return doc, nil
}

func putPath(doc map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := doc[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			doc[p] = next
		}
		doc = next
	}
	doc[parts[len(parts)-1]] = v
}

// CheckDocument reports a variables document whose values are not JSON
// (NaN, infinities, Go values with no JSON form), so that processors can
// reject the command before writing anything.
func CheckDocument(doc map[string]any) error {
	for _, name := range sortedKeys(doc) {
		if name == "" {
			return fmt.Errorf("a variable name is empty")
		}
		if _, err := toJSON(doc[name]); err != nil {
			return fmt.Errorf("variable '%s': %v", name, err)
		}
	}
	return nil
}

// InvalidDocument is the rejection text for a document CheckDocument
// refused (Zeebe's wording).
const InvalidDocument = "Expected document to be a root level object, but was invalid: %v"

package readmodel

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

func same[T any](v *T) T { return *v }

// SearchProcessDefinitions answers POST /v2/process-definitions/search.
func (m *Model) SearchProcessDefinitions(q Query) (Result[ProcessDefinition], error) {
	return search(m, definitionKind, q, same[ProcessDefinition])
}

// SearchProcessInstances answers POST /v2/process-instances/search.
func (m *Model) SearchProcessInstances(q Query) (Result[ProcessInstance], error) {
	return search(m, instanceKind, q, func(s *storedInstance) ProcessInstance { return s.ProcessInstance })
}

// SearchElementInstances answers POST /v2/element-instances/search.
func (m *Model) SearchElementInstances(q Query) (Result[ElementInstance], error) {
	return search(m, elementKind, q, same[ElementInstance])
}

// SearchVariables answers POST /v2/variables/search: values longer than
// the preview size are cut, with IsTruncated set.
func (m *Model) SearchVariables(q Query) (Result[Variable], error) {
	return search(m, variableKind, q, func(v *Variable) Variable { return m.preview(*v) })
}

// SearchIncidents answers POST /v2/incidents/search.
func (m *Model) SearchIncidents(q Query) (Result[Incident], error) {
	return search(m, incidentKind, q, same[Incident])
}

// SearchJobs answers POST /v2/jobs/search.
func (m *Model) SearchJobs(q Query) (Result[Job], error) {
	return search(m, jobKind, q, same[Job])
}

func (m *Model) preview(v Variable) Variable {
	if len(v.Value) > m.cfg.VariablePreview {
		cut := m.cfg.VariablePreview
		for cut > 0 && !utf8Start(v.Value[cut]) {
			cut--
		}
		v.Value, v.IsTruncated = v.Value[:cut], true
	}
	return v
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func getOne[T any](m *Model, prefix byte, key int64, what string) (T, error) {
	var v T
	ok, err := getEntity(m.db, entityKey(prefix, key), &v)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, fmt.Errorf("%w: %s with key '%d'", ErrNotFound, what, key)
	}
	return v, nil
}

// ProcessDefinition returns one process definition.
func (m *Model) ProcessDefinition(key int64) (ProcessDefinition, error) {
	return getOne[ProcessDefinition](m, kDefinition, key, "process definition")
}

// ProcessDefinitionXML returns the BPMN XML a process definition was
// deployed with.
func (m *Model) ProcessDefinitionXML(key int64) ([]byte, error) {
	v, ok, err := get(m.db, entityKey(kXML, key))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: process definition with key '%d'", ErrNotFound, key)
	}
	return v, nil
}

// ProcessInstance returns one process instance.
func (m *Model) ProcessInstance(key int64) (ProcessInstance, error) {
	s, err := getOne[storedInstance](m, kInstance, key, "process instance")
	return s.ProcessInstance, err
}

// ElementInstance returns one element instance.
func (m *Model) ElementInstance(key int64) (ElementInstance, error) {
	return getOne[ElementInstance](m, kElement, key, "element instance")
}

// Variable returns one variable with its full value.
func (m *Model) Variable(key int64) (Variable, error) {
	return getOne[Variable](m, kVariable, key, "variable")
}

// Incident returns one incident.
func (m *Model) Incident(key int64) (Incident, error) {
	return getOne[Incident](m, kIncident, key, "incident")
}

// Job returns one job.
func (m *Model) Job(key int64) (Job, error) {
	return getOne[Job](m, kJob, key, "job")
}

// DefinitionStatistics counts the element instances of a process
// definition by element id (kept as counters while exporting, so the cost
// does not grow with the number of instances).
func (m *Model) DefinitionStatistics(defKey int64) ([]ElementStatistics, error) {
	if _, err := m.ProcessDefinition(defKey); err != nil {
		return nil, err
	}
	prefix := entityKey(kStats, defKey)
	var out []ElementStatistics
	err := iterate(m.db, prefix, func(key, v []byte) error {
		if len(v) != 8*statCount {
			return fmt.Errorf("readmodel: statistics of %d hold %d bytes", defKey, len(v))
		}
		s := ElementStatistics{ElementID: string(key[len(prefix):]),
			Active: int64(beUint64(v[8*statActive:])), Completed: int64(beUint64(v[8*statCompleted:])),
			Canceled: int64(beUint64(v[8*statCanceled:])), Incidents: int64(beUint64(v[8*statIncidents:]))}
		if s != (ElementStatistics{ElementID: s.ElementID}) {
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// InstanceStatistics counts the element instances of one process instance
// by element id.
func (m *Model) InstanceStatistics(pik int64) ([]ElementStatistics, error) {
	elements, err := m.Timeline(pik)
	if err != nil {
		return nil, err
	}
	by := map[string]*ElementStatistics{}
	for _, e := range elements {
		s := by[e.ElementID]
		if s == nil {
			s = &ElementStatistics{ElementID: e.ElementID}
			by[e.ElementID] = s
		}
		switch {
		case e.State == StateActive && e.HasIncident:
			s.Incidents++
		case e.State == StateActive:
			s.Active++
		case e.State == StateCompleted:
			s.Completed++
		case e.State == StateTerminated:
			s.Canceled++
		}
	}
	out := make([]ElementStatistics, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b ElementStatistics) int { return strings.Compare(a.ElementID, b.ElementID) })
	return out, nil
}

// Timeline returns every element instance of a process instance, by start
// date (then key): what ran when, in one call.
func (m *Model) Timeline(pik int64) ([]ElementInstance, error) {
	if _, err := m.ProcessInstance(pik); err != nil {
		return nil, err
	}
	var out []ElementInstance
	err := elementKind.scan(m.db, []Condition{{Field: "processInstanceKey", Op: "$eq", Value: fmt.Sprint(pik)}},
		func(e ElementInstance) { out = append(out, e) })
	slices.SortFunc(out, func(a, b ElementInstance) int {
		if a.StartDate != b.StartDate {
			return int(a.StartDate - b.StartDate)
		}
		return int(a.ElementInstanceKey - b.ElementInstanceKey)
	})
	return out, err
}

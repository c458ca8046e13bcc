package readmodel

import (
	"encoding/binary"
	"reflect"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/engine/record"
)

// storedInstance is a process instance as stored: the API shape plus the
// count of its unresolved incidents, which sets HasIncident.
type storedInstance struct {
	ProcessInstance
	ActiveIncidents int `json:"_activeIncidents"`
}

// txn applies the events of one Export to an indexed batch (reads see the
// batch's own writes) and collects the changes for the live feeds.
type txn struct {
	m       *Model
	b       *pebble.Batch
	changes []Change
	// entities are the instances, element instances, jobs and incidents the
	// records read or wrote, decoded: an entity that several records of an
	// Export change is read and decoded once, encoded and written once
	// (flush).
	entities   map[string]*cachedEntity
	statDeltas map[string]*[statCount]int64 // statistics key → counter deltas
}

type cachedEntity struct {
	v     reflect.Value // pointer to a private copy of the entity
	dirty bool          // stored by the records: flush writes it
}

func newTxn(m *Model, b *pebble.Batch) *txn {
	return &txn{m: m, b: b, entities: map[string]*cachedEntity{}, statDeltas: map[string]*[statCount]int64{}}
}

// load reads the entity under key into *v (a pointer to an entity struct):
// from the entities of this txn, or from the batch.
func (t *txn) load(key []byte, v any) (bool, error) {
	if c, ok := t.entities[string(key)]; ok {
		reflect.ValueOf(v).Elem().Set(c.v.Elem())
		return true, nil
	}
	found, err := getEntity(t.b, key, v)
	if err != nil || !found {
		return found, err
	}
	t.entities[string(key)] = &cachedEntity{v: copyOf(v)}
	return true, nil
}

// store keeps a copy of *v as the entity under key; flush writes it.
func (t *txn) store(key []byte, v any) {
	t.entities[string(key)] = &cachedEntity{v: copyOf(v), dirty: true}
}

func copyOf(v any) reflect.Value {
	src := reflect.ValueOf(v).Elem()
	c := reflect.New(src.Type())
	c.Elem().Set(src)
	return c
}

// flush writes the entities the records changed and the statistics'
// deltas to the batch. The order of the writes does not matter: the batch
// commits as one.
func (t *txn) flush() error {
	for key, c := range t.entities {
		if c.dirty {
			if err := setEntity(t.b, []byte(key), c.v.Interface()); err != nil {
				return err
			}
		}
	}
	for key, d := range t.statDeltas {
		v, _, err := get(t.b, []byte(key))
		if err != nil {
			return err
		}
		if len(v) != 8*statCount {
			v = make([]byte, 8*statCount)
		}
		for which, delta := range d {
			n := int64(binary.BigEndian.Uint64(v[8*which:])) + delta
			binary.BigEndian.PutUint64(v[8*which:], uint64(max(n, 0)))
		}
		if err := t.b.Set([]byte(key), v, nil); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) apply(r *record.Record) error {
	switch v := r.Value.(type) {
	case *record.ProcessRecord:
		if r.Intent == record.Created {
			return t.process(v)
		}
	case *record.ProcessInstanceRecord:
		if v.BpmnElementType == "PROCESS" {
			return t.processInstance(r, v)
		}
		if v.BpmnElementType != "SEQUENCE_FLOW" {
			return t.element(r, v)
		}
	case *record.VariableRecord:
		return t.variable(r, v)
	case *record.IncidentRecord:
		return t.incident(r, v)
	case *record.JobRecord:
		return t.job(r.Key, r, v)
	case *record.JobBatchRecord:
		if r.Intent == record.Activated {
			for i := range v.Jobs {
				if i < len(v.JobKeys) {
					if err := t.job(v.JobKeys[i], r, &v.Jobs[i]); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func (t *txn) process(v *record.ProcessRecord) error {
	d := ProcessDefinition{
		ProcessDefinitionKey: Key(v.ProcessDefinitionKey), ProcessDefinitionID: v.BpmnProcessID,
		ResourceName: v.ResourceName, Version: v.Version, TenantID: v.TenantID,
	}
	if name := processName(v.Resource, v.BpmnProcessID); name != "" {
		d.Name = &name
	}
	if err := setEntity(t.b, entityKey(kDefinition, v.ProcessDefinitionKey), &d); err != nil {
		return err
	}
	delete(t.m.names, v.ProcessDefinitionKey) // parsed again from the XML
	t.m.defNames[v.ProcessDefinitionKey] = d.Name
	return t.b.Set(entityKey(kXML, v.ProcessDefinitionKey), v.Resource, nil)
}

func (t *txn) processInstance(r *record.Record, v *record.ProcessInstanceRecord) error {
	// Export applies each record once (positions), so a creation needs no
	// read: only the later changes read what they change.
	key := entityKey(kInstance, r.Key)
	var pi storedInstance
	switch r.Intent {
	case record.ElementActivating:
		pi = storedInstance{ProcessInstance: ProcessInstance{
			ProcessInstanceKey: Key(r.Key), ProcessDefinitionKey: Key(v.ProcessDefinitionKey),
			ProcessDefinitionID: v.BpmnProcessID, ProcessDefinitionVersion: v.Version,
			StartDate: Date(r.Timestamp), State: StateActive, TenantID: v.TenantID,
			ParentProcessInstanceKey: Key(max(v.ParentProcessInstanceKey, 0)),
			ParentElementInstanceKey: Key(max(v.ParentElementInstanceKey, 0)),
		}}
		name, err := t.definitionName(v.ProcessDefinitionKey)
		if err != nil {
			return err
		}
		pi.ProcessDefinitionName = name
	case record.ElementCompleted, record.ElementTerminated:
		if found, err := t.load(key, &pi); err != nil || !found || pi.EndDate != 0 {
			return err
		}
		pi.State = StateCompleted
		if r.Intent == record.ElementTerminated {
			pi.State = StateTerminated
		}
		pi.EndDate = Date(r.Timestamp)
		if err := t.b.Set(endedKey(pi.EndDate, r.Key), nil, nil); err != nil {
			return err
		}
	default:
		return nil
	}
	t.store(key, &pi)
	t.changed(KindProcessInstance, pi.ProcessInstance, int64(pi.ProcessInstanceKey), int64(pi.ProcessDefinitionKey))
	return nil
}

func (t *txn) element(r *record.Record, v *record.ProcessInstanceRecord) error {
	key := entityKey(kElement, r.Key)
	var e ElementInstance
	switch r.Intent {
	case record.ElementActivating:
		name, err := t.elementName(v.ProcessDefinitionKey, v.ElementID)
		if err != nil {
			return err
		}
		e = ElementInstance{
			ElementInstanceKey: Key(r.Key), ProcessInstanceKey: Key(v.ProcessInstanceKey),
			ProcessDefinitionKey: Key(v.ProcessDefinitionKey), ProcessDefinitionID: v.BpmnProcessID,
			ElementID: v.ElementID, ElementName: name, Type: v.BpmnElementType, State: StateActive,
			StartDate: Date(r.Timestamp), FlowScopeKey: Key(max(v.FlowScopeKey, 0)), TenantID: v.TenantID,
		}
		if err := t.b.Set(byInstanceKey(v.ProcessInstanceKey, kElement, r.Key), nil, nil); err != nil {
			return err
		}
		t.stats(v.ProcessDefinitionKey, v.ElementID, statActive, 1)
	case record.ElementCompleted, record.ElementTerminated:
		if found, err := t.load(key, &e); err != nil || !found || e.EndDate != 0 {
			return err
		}
		from, to, state := statActive, statCompleted, StateCompleted
		if e.HasIncident {
			from = statIncidents
		}
		if r.Intent == record.ElementTerminated {
			to, state = statCanceled, StateTerminated
		}
		e.State, e.EndDate, e.HasIncident = state, Date(r.Timestamp), false
		t.stats(v.ProcessDefinitionKey, v.ElementID, from, -1)
		t.stats(v.ProcessDefinitionKey, v.ElementID, to, 1)
	default:
		return nil
	}
	t.store(key, &e)
	t.changed(KindElementInstance, e, int64(e.ProcessInstanceKey), int64(e.ProcessDefinitionKey))
	return nil
}

func (t *txn) variable(r *record.Record, v *record.VariableRecord) error {
	if r.Intent != record.Created && r.Intent != record.Updated {
		return nil
	}
	vr := Variable{
		VariableKey: Key(r.Key), Name: v.Name, Value: v.Value, ScopeKey: Key(v.ScopeKey),
		ProcessInstanceKey: Key(v.ProcessInstanceKey), TenantID: v.TenantID,
	}
	if err := setEntity(t.b, entityKey(kVariable, r.Key), &vr); err != nil {
		return err
	}
	if err := t.b.Set(byInstanceKey(v.ProcessInstanceKey, kVariable, r.Key), nil, nil); err != nil {
		return err
	}
	t.changed(KindVariable, t.m.preview(vr), v.ProcessInstanceKey, v.ProcessDefinitionKey)
	return nil
}

func (t *txn) incident(r *record.Record, v *record.IncidentRecord) error {
	key := entityKey(kIncident, r.Key)
	var inc Incident
	delta := 0
	switch r.Intent {
	case record.Created:
		inc = Incident{
			IncidentKey: Key(r.Key), ProcessDefinitionKey: Key(v.ProcessDefinitionKey),
			ProcessDefinitionID: v.BpmnProcessID, ProcessInstanceKey: Key(v.ProcessInstanceKey),
			ErrorType: v.ErrorType, ErrorMessage: v.ErrorMessage, ElementID: v.ElementID,
			ElementInstanceKey: Key(v.ElementInstanceKey), CreationTime: Date(r.Timestamp),
			State: IncidentActive, JobKey: Key(max(v.JobKey, 0)), TenantID: v.TenantID,
		}
		delta = 1
		if err := t.b.Set(byInstanceKey(v.ProcessInstanceKey, kIncident, r.Key), nil, nil); err != nil {
			return err
		}
	case record.Resolved:
		if found, err := t.load(key, &inc); err != nil || !found || inc.State == IncidentResolved {
			return err
		}
		inc.State = IncidentResolved
		delta = -1
	default:
		return nil
	}
	t.store(key, &inc)
	t.changed(KindIncident, inc, v.ProcessInstanceKey, v.ProcessDefinitionKey)
	if err := t.elementIncident(v, r.Key, delta); err != nil {
		return err
	}
	return t.instanceIncident(v.ProcessInstanceKey, delta)
}

// elementIncident marks or clears the incident on its element instance and
// moves the element between the active and incident counts.
func (t *txn) elementIncident(v *record.IncidentRecord, incidentKey int64, delta int) error {
	key := entityKey(kElement, v.ElementInstanceKey)
	var e ElementInstance
	found, err := t.load(key, &e)
	if err != nil || !found || e.EndDate != 0 {
		return err
	}
	if delta > 0 && !e.HasIncident {
		e.HasIncident, e.IncidentKey = true, Key(incidentKey)
		t.stats(int64(e.ProcessDefinitionKey), e.ElementID, statActive, -1)
		t.stats(int64(e.ProcessDefinitionKey), e.ElementID, statIncidents, 1)
	} else if delta < 0 && e.HasIncident {
		e.HasIncident, e.IncidentKey = false, 0
		t.stats(int64(e.ProcessDefinitionKey), e.ElementID, statIncidents, -1)
		t.stats(int64(e.ProcessDefinitionKey), e.ElementID, statActive, 1)
	} else {
		return nil
	}
	t.store(key, &e)
	t.changed(KindElementInstance, e, int64(e.ProcessInstanceKey), int64(e.ProcessDefinitionKey))
	return nil
}

func (t *txn) instanceIncident(pik int64, delta int) error {
	key := entityKey(kInstance, pik)
	var pi storedInstance
	found, err := t.load(key, &pi)
	if err != nil || !found {
		return err
	}
	pi.ActiveIncidents = max(pi.ActiveIncidents+delta, 0)
	pi.HasIncident = pi.ActiveIncidents > 0
	t.store(key, &pi)
	t.changed(KindProcessInstance, pi.ProcessInstance, pik, int64(pi.ProcessDefinitionKey))
	return nil
}

// Job states (Camunda's JobStateEnum).
var jobStates = map[record.Intent]string{
	record.Created:        "CREATED",
	record.Completed:      "COMPLETED",
	record.Failed:         "FAILED",
	record.RetriesUpdated: "RETRIES_UPDATED",
	record.TimedOut:       "TIMED_OUT",
	record.Canceled:       "CANCELED",
	record.ErrorThrown:    "ERROR_THROWN",
}

func (t *txn) job(jobKey int64, r *record.Record, v *record.JobRecord) error {
	key := entityKey(kJob, jobKey)
	var j Job
	if r.Intent == record.Created {
		j = Job{JobKey: Key(jobKey), Kind: "BPMN_ELEMENT", ListenerEventType: "UNSPECIFIED",
			ProcessDefinitionID: v.BpmnProcessID, ProcessDefinitionKey: Key(v.ProcessDefinitionKey),
			ProcessInstanceKey: Key(v.ProcessInstanceKey), ElementID: v.ElementID,
			ElementInstanceKey: Key(v.ElementInstanceKey), TenantID: v.TenantID}
		if err := t.b.Set(byInstanceKey(v.ProcessInstanceKey, kJob, jobKey), nil, nil); err != nil {
			return err
		}
	} else if found, err := t.load(key, &j); err != nil || !found {
		return err // not found: removed by retention, or exported before the model existed
	}
	j.Type, j.Retries, j.CustomHeaders = v.Type, v.Retries, v.CustomHeaders
	switch r.Intent {
	case record.Activated: // a JOB_BATCH ACTIVATED: the job stays CREATED
		j.Worker, j.Deadline = v.Worker, Date(v.Deadline)
	case record.Yielded, record.TimedOut:
		j.Worker, j.Deadline = "", 0
	case record.TimeoutUpdated:
		j.Deadline = Date(v.Deadline)
	case record.Failed:
		j.ErrorMessage, j.HasFailedWithRetriesLeft = v.ErrorMessage, v.Retries > 0
	case record.ErrorThrown:
		j.ErrorCode, j.ErrorMessage = v.ErrorCode, v.ErrorMessage
	}
	if s, ok := jobStates[r.Intent]; ok {
		j.State = s
	}
	switch r.Intent {
	case record.Completed, record.Canceled, record.ErrorThrown:
		j.EndTime = Date(r.Timestamp)
	}
	t.store(key, &j)
	t.changed(KindJob, j, v.ProcessInstanceKey, v.ProcessDefinitionKey)
	return nil
}

// The counters of an element id's statistics, by offset.
const (
	statActive = iota
	statCompleted
	statCanceled
	statIncidents
	statCount
)

// stats adds delta to one counter of an element id's statistics. The
// deltas of an Export are summed in memory and written once (flush): every
// element instance moves two or three counters, most of them the same few.
func (t *txn) stats(defKey int64, elementID string, which int, delta int64) {
	key := string(statsKey(defKey, elementID))
	d := t.statDeltas[key]
	if d == nil {
		d = new([statCount]int64)
		t.statDeltas[key] = d
	}
	d[which] += delta
}

func (t *txn) changed(kind string, item any, pik, defKey int64) {
	t.changes = append(t.changes, Change{Kind: kind, Item: item, ProcessInstanceKey: pik, ProcessDefinitionKey: defKey})
}

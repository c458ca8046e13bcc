package enginetest

import (
	"github.com/shoalbpm/shoal/engine/record"
)

// Stream is a list of records with filters (Zeebe's RecordingExporter).
type Stream []record.Record

// Filter keeps the records for which keep is true.
func (s Stream) Filter(keep func(r *record.Record) bool) Stream {
	var out Stream
	for i := range s {
		if keep(&s[i]) {
			out = append(out, s[i])
		}
	}
	return out
}

// Events keeps events.
func (s Stream) Events() Stream {
	return s.Filter(func(r *record.Record) bool { return r.RecordType == record.Event })
}

// Rejections keeps command rejections.
func (s Stream) Rejections() Stream {
	return s.Filter(func(r *record.Record) bool { return r.RecordType == record.CommandRejection })
}

// ValueType keeps records of a value type.
func (s Stream) ValueType(vt record.ValueType) Stream {
	return s.Filter(func(r *record.Record) bool { return r.ValueType == vt })
}

// Intent keeps records with one of the intents.
func (s Stream) Intent(intents ...record.Intent) Stream {
	return s.Filter(func(r *record.Record) bool {
		for _, i := range intents {
			if r.Intent == i {
				return true
			}
		}
		return false
	})
}

// ProcessInstance keeps PROCESS_INSTANCE events of one instance.
func (s Stream) ProcessInstance(pik int64) Stream {
	return s.Filter(func(r *record.Record) bool {
		v, ok := r.Value.(*record.ProcessInstanceRecord)
		return ok && r.RecordType == record.Event && v.ProcessInstanceKey == pik
	})
}

// ElementID keeps PROCESS_INSTANCE records of an element.
func (s Stream) ElementID(id string) Stream {
	return s.Filter(func(r *record.Record) bool {
		v, ok := r.Value.(*record.ProcessInstanceRecord)
		return ok && v.ElementID == id
	})
}

// ElementIDs lists the element ids of PROCESS_INSTANCE records in order.
func (s Stream) ElementIDs() []string {
	var ids []string
	for _, r := range s {
		if v, ok := r.Value.(*record.ProcessInstanceRecord); ok {
			ids = append(ids, v.ElementID)
		}
	}
	return ids
}

// Steps lists "elementId INTENT" of PROCESS_INSTANCE events in order.
func (s Stream) Steps() []string {
	var out []string
	for _, r := range s.Events().ValueType(record.ProcessInstance) {
		out = append(out, r.Value.(*record.ProcessInstanceRecord).ElementID+" "+string(r.Intent))
	}
	return out
}

// Last returns the last record, failing ok if the stream is empty.
func (s Stream) Last() (record.Record, bool) {
	if len(s) == 0 {
		return record.Record{}, false
	}
	return s[len(s)-1], true
}

// Incidents returns the values and keys of INCIDENT CREATED events.
func (s Stream) Incidents() []Incident {
	var out []Incident
	for _, r := range s.Events().ValueType(record.Incident).Intent(record.Created) {
		out = append(out, Incident{Key: r.Key, IncidentRecord: *r.Value.(*record.IncidentRecord)})
	}
	return out
}

// Incident is an incident with its key.
type Incident struct {
	Key int64
	record.IncidentRecord
}

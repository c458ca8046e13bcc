package state

import (
	"encoding/binary"

	"github.com/shoalbpm/shoal/engine/record"
)

// GetIncident returns the open incident with key, or nil.
func (s *State) GetIncident(key int64) (*record.IncidentRecord, error) {
	d, ok, err := s.get(s.keyInt(FamIncident, key), "incident")
	if !ok {
		return nil, err
	}
	var inc record.IncidentRecord
	record.UnmarshalValue(&d, &inc)
	return &inc, decoded(&d, "incident")
}

// PutIncident stores an open incident and indexes it by element instance
// or job.
func (s *State) PutIncident(key int64, inc *record.IncidentRecord) error {
	if err := s.put(s.keyInt(FamIncident, key), func(e *record.Encoder) { record.MarshalValue(e, inc) }); err != nil {
		return err
	}
	ref := binary.BigEndian.AppendUint64(nil, uint64(key))
	if inc.JobKey > 0 {
		return s.KV.Set(s.keyInt(FamIncidentByJob, inc.JobKey), ref)
	}
	return s.KV.Set(s.keyInt(FamIncidentByElement, inc.ElementInstanceKey), ref)
}

// DeleteIncident removes a resolved incident and its index entry.
func (s *State) DeleteIncident(key int64, inc *record.IncidentRecord) error {
	if err := s.KV.Delete(s.keyInt(FamIncident, key)); err != nil {
		return err
	}
	if inc.JobKey > 0 {
		return s.KV.Delete(s.keyInt(FamIncidentByJob, inc.JobKey))
	}
	return s.KV.Delete(s.keyInt(FamIncidentByElement, inc.ElementInstanceKey))
}

// IncidentKeyOfElement returns the open incident of an element instance
// (not of its job), or 0.
func (s *State) IncidentKeyOfElement(elementInstanceKey int64) (int64, error) {
	return s.ref(s.keyInt(FamIncidentByElement, elementInstanceKey))
}

// IncidentKeyOfJob returns the open incident of a job, or 0.
func (s *State) IncidentKeyOfJob(jobKey int64) (int64, error) {
	return s.ref(s.keyInt(FamIncidentByJob, jobKey))
}

func (s *State) ref(k []byte) (int64, error) {
	v, ok, err := s.KV.Get(k)
	if err != nil || !ok || len(v) != 8 {
		return 0, wrap(err, "incident index")
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

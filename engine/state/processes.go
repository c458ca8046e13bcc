package state

import (
	"encoding/binary"

	"github.com/shoalbpm/shoal/engine/record"
)

// GetProcess returns the deployed process with a definition key, or nil.
func (s *State) GetProcess(key int64) (*record.ProcessRecord, error) {
	d, ok, err := s.get(s.keyInt(FamProcess, key), "process")
	if !ok {
		return nil, err
	}
	var p record.ProcessRecord
	record.UnmarshalValue(&d, &p)
	return &p, decoded(&d, "process")
}

// ProcessKeyByVersion returns the definition key of a process version, or 0.
func (s *State) ProcessKeyByVersion(id string, version int32) (int64, error) {
	return s.ref(s.versionKey(id, version))
}

// LatestVersion returns the latest version of a process id (0: none).
func (s *State) LatestVersion(id string) (int32, error) {
	v, ok, err := s.KV.Get(s.keyStr(FamProcessLatest, id))
	if err != nil || !ok {
		return 0, wrap(err, "latest version")
	}
	n, _ := binary.Uvarint(v)
	return int32(n), nil
}

func (s *State) versionKey(id string, version int32) []byte {
	k := append(s.keyStr(FamProcessByIDVersion, id), 0)
	return binary.BigEndian.AppendUint32(k, uint32(version))
}

// PutProcess stores a deployed process and makes it the latest version of
// its id if it is newer.
func (s *State) PutProcess(p *record.ProcessRecord) error {
	if err := s.put(s.keyInt(FamProcess, p.ProcessDefinitionKey), func(e *record.Encoder) { record.MarshalValue(e, p) }); err != nil {
		return err
	}
	ref := binary.BigEndian.AppendUint64(nil, uint64(p.ProcessDefinitionKey))
	if err := s.KV.Set(s.versionKey(p.BpmnProcessID, p.Version), ref); err != nil {
		return err
	}
	latest, err := s.LatestVersion(p.BpmnProcessID)
	if err != nil || latest >= p.Version {
		return err
	}
	return s.KV.Set(s.keyStr(FamProcessLatest, p.BpmnProcessID), binary.AppendUvarint(nil, uint64(p.Version)))
}

// PutDeployment stores a deployment's metadata (resources live with the
// processes).
func (s *State) PutDeployment(d *record.DeploymentRecord) error {
	meta := *d
	meta.Resources = nil
	return s.put(s.keyInt(FamDeployment, d.DeploymentKey), func(e *record.Encoder) { record.MarshalValue(e, &meta) })
}

// VisitProcesses calls fn for every deployed process in key order.
func (s *State) VisitProcesses(fn func(p *record.ProcessRecord) bool) error {
	var derr error
	err := s.KV.Iterate([]byte{byte(FamProcess)}, func(_, v []byte) bool {
		if len(v) == 0 || v[0] != stateVersion {
			derr = ErrCorrupt
			return false
		}
		d := record.Decoder{B: v[1:]}
		var p record.ProcessRecord
		record.UnmarshalValue(&d, &p)
		if d.Err != nil {
			derr = ErrCorrupt
			return false
		}
		return fn(&p)
	})
	if err != nil {
		return err
	}
	return derr
}

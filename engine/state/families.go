package state

import "encoding/binary"

// Family is a column family: the first byte of every key in it. Numbers are
// stable and never reused (Zeebe ZbColumnFamilies); a retired family keeps
// its number, commented out.
type Family byte

// The column families. The comment gives the key layout => value.
const (
	// "key" / "position" => counter (uvarint).
	FamMeta Family = 1
	// processDefinitionKey => Process.
	FamProcess Family = 2
	// bpmnProcessId 0x00 version(4) => processDefinitionKey.
	FamProcessByIDVersion Family = 3
	// bpmnProcessId => latest version (uvarint).
	FamProcessLatest Family = 4
	// deploymentKey => record.DeploymentRecord (without resources).
	FamDeployment Family = 5
	// elementInstanceKey => ElementInstance.
	FamElementInstance Family = 6
	// parentKey childKey => nil: children of an element instance.
	FamElementChild Family = 7
	// flowScopeKey targetElementId 0x00 flowId => count: sequence flows taken
	// whose target is not active yet (tokens on the way, and join inputs).
	FamTakenFlow Family = 8
	// scopeKey name => variableKey(varint) JSON value.
	FamVariable Family = 9
	// jobKey => Job.
	FamJob Family = 10
	// type 0x00 jobKey => nil: jobs ready to activate, oldest first.
	FamJobActivatable Family = 11
	// deadline jobKey => nil: activated jobs by deadline.
	FamJobDeadline Family = 12
	// recurringTime jobKey => nil: failed jobs waiting for their backoff.
	FamJobBackoff Family = 13
	// incidentKey => record.IncidentRecord.
	FamIncident Family = 14
	// elementInstanceKey => incidentKey: the open incident of an element.
	FamIncidentByElement Family = 15
	// jobKey => incidentKey: the open incident of a job.
	FamIncidentByJob Family = 16
	// processInstanceKey => AwaitResult: creations waiting for the result.
	FamAwaitResult Family = 17
	// distributionKey => record.CommandDistributionRecord (STARTED, with
	// the command value): distributions of this partition not finished.
	FamDistribution Family = 18
	// distributionKey partition(4) => nil: receivers that have not
	// acknowledged yet (the outbox).
	FamDistributionPending Family = 19
)

// key starts a key of family f in the next scratch buffer of a small ring.
// A key is valid until four more keys are built; every State method uses
// a key in the KV call right after building it (KV implementations copy
// keys they keep), so keys cost no allocation.
func (s *State) key(f Family, n int) []byte {
	s.next = (s.next + 1) % len(s.scratch)
	b := s.scratch[s.next]
	if cap(b) < 1+n {
		b = make([]byte, 0, 64+n)
		s.scratch[s.next] = b
	}
	return append(b[:0], byte(f))
}

func (s *State) keyInt(f Family, v int64) []byte {
	return binary.BigEndian.AppendUint64(s.key(f, 8), uint64(v))
}

func (s *State) keyIntInt(f Family, a, b int64) []byte {
	k := binary.BigEndian.AppendUint64(s.key(f, 16), uint64(a))
	return binary.BigEndian.AppendUint64(k, uint64(b))
}

func (s *State) keyIntStr(f Family, a int64, str string) []byte {
	k := binary.BigEndian.AppendUint64(s.key(f, 8+len(str)), uint64(a))
	return append(k, str...)
}

func (s *State) keyStr(f Family, str string) []byte {
	return append(s.key(f, len(str)), str...)
}

// keyStrInt writes s, a 0x00 separator (ids and types contain no NUL) and v.
func (s *State) keyStrInt(f Family, str string, v int64) []byte {
	k := append(s.key(f, len(str)+9), str...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, uint64(v))
}

// lastInt reads the big-endian int64 at the end of a key.
func lastInt(k []byte) int64 {
	return int64(binary.BigEndian.Uint64(k[len(k)-8:]))
}

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
)

func key(f Family, n int) []byte {
	return append(make([]byte, 0, 1+n), byte(f))
}

func keyInt(f Family, v int64) []byte {
	return binary.BigEndian.AppendUint64(key(f, 8), uint64(v))
}

func keyIntInt(f Family, a, b int64) []byte {
	k := binary.BigEndian.AppendUint64(key(f, 16), uint64(a))
	return binary.BigEndian.AppendUint64(k, uint64(b))
}

func keyIntStr(f Family, a int64, s string) []byte {
	k := binary.BigEndian.AppendUint64(key(f, 8+len(s)), uint64(a))
	return append(k, s...)
}

func keyStr(f Family, s string) []byte {
	return append(key(f, len(s)), s...)
}

// keyStrInt writes s, a 0x00 separator (ids and types contain no NUL) and v.
func keyStrInt(f Family, s string, v int64) []byte {
	k := append(key(f, len(s)+9), s...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, uint64(v))
}

// lastInt reads the big-endian int64 at the end of a key.
func lastInt(k []byte) int64 {
	return int64(binary.BigEndian.Uint64(k[len(k)-8:]))
}

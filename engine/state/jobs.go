package state

import (
	"encoding/binary"

	"github.com/shoalbpm/shoal/engine/record"
)

// JobState is where a job is in its life (Zeebe's JobState).
type JobState string

// Job states.
const (
	JobActivatable JobState = "ACTIVATABLE"
	JobActivated   JobState = "ACTIVATED"
	// JobFailed: failed and waiting for a backoff, or with no retries left
	// (an incident is open).
	JobFailed JobState = "FAILED"
	// JobErrorThrown: the worker threw an error nobody caught (incident).
	JobErrorThrown JobState = "ERROR_THROWN"
)

// Job is an open job: created and not yet completed or canceled.
type Job struct {
	Key   int64
	State JobState
	Value record.JobRecord
}

// GetJob returns the job with key, or nil. The result is the caller's
// copy (its CustomHeaders map is shared: do not modify it).
//
// Jobs are read by a processor and again by the applier of its event, so
// State keeps the decoded jobs of the current call (writes go to the KV at
// once and update the copy kept).
func (s *State) GetJob(key int64) (*Job, error) {
	if j, ok := s.jobs[key]; ok {
		if j == nil {
			return nil, nil
		}
		cp := *j
		return &cp, nil
	}
	if s.fresh(key) {
		return nil, nil // new in this call and not created (see SetFreshKeys)
	}
	d, ok, err := s.get(s.keyInt(FamJob, key), "job")
	if !ok {
		return nil, err
	}
	j := &Job{Key: d.Int(), State: JobState(d.Name())}
	record.UnmarshalValue(&d, &j.Value)
	if err := decoded(&d, "job"); err != nil {
		return nil, err
	}
	s.keepJob(j)
	cp := *j
	return &cp, nil
}

func (s *State) keepJob(j *Job) {
	if s.jobs == nil {
		s.jobs = make(map[int64]*Job, 4)
	}
	s.jobs[j.Key] = j
}

// PutJob stores a job and keeps the activatable, deadline and backoff
// indexes in step with its state. old is the job as stored before (nil
// for a new job).
func (s *State) PutJob(old, j *Job) error {
	if old != nil {
		if err := s.unindexJob(old); err != nil {
			return err
		}
	}
	err := s.put(s.keyInt(FamJob, j.Key), func(e *record.Encoder) {
		e.Int(j.Key)
		e.String(string(j.State))
		record.MarshalValue(e, &j.Value)
	})
	if err != nil {
		return err
	}
	kept := *j
	s.keepJob(&kept)
	k := s.jobIndexKey(j)
	if k == nil {
		return nil
	}
	switch j.State {
	case JobActivatable:
		s.lowerActivatableFloor(j.Value.Type, j.Key)
	case JobActivated:
		s.noteDue(j.Value.Deadline)
	default:
		s.noteDue(j.Value.RecurringTime)
	}
	return s.KV.Set(k, nil)
}

// noteDue keeps the earliest due time written since ResetNextDue.
func (s *State) noteDue(at int64) {
	if s.nextDue == 0 || at < s.nextDue {
		s.nextDue = at
	}
}

// NextDue returns the earliest job deadline or backoff end written through
// s since ResetNextDue (0: none), so that the broker's due-date loop can
// wake in time without scanning the families after every call.
func (s *State) NextDue() int64 { return s.nextDue }

// ResetNextDue forgets the due times noted so far.
func (s *State) ResetNextDue() { s.nextDue = 0 }

// jobIndexKey is the one index entry a job in its state has: activatable
// by type, activated by deadline, failed with a backoff by recurring time
// (nil: none).
func (s *State) jobIndexKey(j *Job) []byte {
	switch {
	case j.State == JobActivatable:
		return s.keyStrInt(FamJobActivatable, j.Value.Type, j.Key)
	case j.State == JobActivated:
		return s.keyIntInt(FamJobDeadline, j.Value.Deadline, j.Key)
	case j.State == JobFailed && j.Value.Retries > 0 && j.Value.RecurringTime > 0:
		return s.keyIntInt(FamJobBackoff, j.Value.RecurringTime, j.Key)
	}
	return nil
}

// DeleteJob removes a job and its index entries.
func (s *State) DeleteJob(j *Job) error {
	if err := s.unindexJob(j); err != nil {
		return err
	}
	if s.jobs != nil {
		s.jobs[j.Key] = nil // known to be gone
	}
	return s.KV.Delete(s.keyInt(FamJob, j.Key))
}

func (s *State) unindexJob(j *Job) error {
	if k := s.jobIndexKey(j); k != nil {
		return s.KV.Delete(k)
	}
	return nil
}

// ActivatableJobs returns up to max keys of activatable jobs of a type,
// oldest first.
//
// The type's queue is consumed from its head, so its first part is deleted
// entries, which an LSM store skips one by one until compaction drops them.
// The scan starts at the type's floor instead: a job key below which the
// queue is known to be empty (see activatableFloors).
func (s *State) ActivatableJobs(jobType string, max int) ([]int64, error) {
	var keys []int64
	prefix := append(s.keyStr(FamJobActivatable, jobType), 0)
	visit := func(k, _ []byte) bool {
		if len(k) != len(prefix)+8 {
			return true
		}
		keys = append(keys, lastInt(k))
		return len(keys) < max
	}
	floor, known := s.floors[jobType]
	var err error
	switch {
	case known && floor == emptyQueue:
		return nil, nil
	case known:
		start := s.keyStrInt(FamJobActivatable, jobType, floor)
		err = s.KV.Scan(start, prefixEnd(prefix), visit)
	default:
		err = s.KV.Iterate(prefix, visit)
	}
	if err != nil {
		return nil, wrap(err, "activatable jobs")
	}
	if s.floors == nil {
		s.floors = make(map[string]int64, 4)
	}
	if len(keys) > 0 {
		s.floors[jobType] = keys[0]
	} else {
		s.floors[jobType] = emptyQueue
	}
	return keys, nil
}

// emptyQueue is the floor of a type whose queue is known to be empty.
const emptyQueue = int64(^uint64(0) >> 1)

// lowerActivatableFloor keeps a type's floor at or below a job key added to
// its queue (a retried or timed-out job goes back with its old key).
func (s *State) lowerActivatableFloor(jobType string, key int64) {
	if floor, known := s.floors[jobType]; known && key < floor {
		s.floors[jobType] = key
	}
}

// ForgetHints drops what s remembers about the KV beyond one call (the
// activatable floors): call it when the KV may have been changed other than
// through s, such as a snapshot installed or a failed call's writes
// discarded.
func (s *State) ForgetHints() { clear(s.floors) }

// prefixEnd returns the smallest key after every key starting with p (p
// is a prefix of a family key: it never consists of 0xff bytes only).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// Due is a job whose deadline or backoff has a time.
type Due struct {
	At, JobKey int64
}

// DueJobs returns jobs of the deadline or backoff family (FamJobDeadline or
// FamJobBackoff) due at or before now, earliest first, at most max. With
// now < 0 it returns the first entry whatever its time.
//
// The scan stops at now: a family's deleted entries (jobs completed before
// their deadline) lie mostly after now, and skipping them costs a step each
// in an LSM store until compaction drops them.
func (s *State) DueJobs(f Family, now int64, max int) ([]Due, error) {
	var out []Due
	visit := func(k, _ []byte) bool {
		at := int64(binary.BigEndian.Uint64(k[1:9]))
		if now >= 0 && at > now {
			return false
		}
		out = append(out, Due{At: at, JobKey: lastInt(k)})
		return len(out) < max
	}
	var err error
	if now < 0 {
		err = s.KV.Iterate([]byte{byte(f)}, visit)
	} else {
		err = s.KV.Scan([]byte{byte(f)}, s.keyInt(f, now+1), visit)
	}
	return out, wrap(err, "due jobs")
}

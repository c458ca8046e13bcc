package state

import (
	"encoding/binary"

	"github.com/shoalbpm/shoal/engine/record"
)

// PutDistribution stores a started command distribution (with the command).
func (s *State) PutDistribution(key int64, d *record.CommandDistributionRecord) error {
	return s.put(s.keyInt(FamDistribution, key), func(e *record.Encoder) { record.MarshalValue(e, d) })
}

// GetDistribution returns a distribution not finished yet, or nil.
func (s *State) GetDistribution(key int64) (*record.CommandDistributionRecord, error) {
	d, ok, err := s.get(s.keyInt(FamDistribution, key), "command distribution")
	if !ok {
		return nil, err
	}
	var v record.CommandDistributionRecord
	record.UnmarshalValue(&d, &v)
	return &v, decoded(&d, "command distribution")
}

// DeleteDistribution forgets a finished distribution.
func (s *State) DeleteDistribution(key int64) error {
	return s.KV.Delete(s.keyInt(FamDistribution, key))
}

func (s *State) pendingKey(key int64, partition int32) []byte {
	return binary.BigEndian.AppendUint32(s.keyInt(FamDistributionPending, key), uint32(partition))
}

// AddPendingDistribution notes that partition has yet to acknowledge a
// distribution.
func (s *State) AddPendingDistribution(key int64, partition int32) error {
	return s.KV.Set(s.pendingKey(key, partition), nil)
}

// DeletePendingDistribution notes that partition acknowledged.
func (s *State) DeletePendingDistribution(key int64, partition int32) error {
	return s.KV.Delete(s.pendingKey(key, partition))
}

// IsPendingDistribution reports whether partition has yet to acknowledge.
func (s *State) IsPendingDistribution(key int64, partition int32) (bool, error) {
	_, ok, err := s.KV.Get(s.pendingKey(key, partition))
	return ok, wrap(err, "pending distribution")
}

// HasPendingDistribution reports whether any partition has yet to
// acknowledge a distribution.
func (s *State) HasPendingDistribution(key int64) (bool, error) {
	return s.hasPrefix(s.keyInt(FamDistributionPending, key))
}

// VisitPendingDistributions calls fn for every receiver that has not
// acknowledged, by distribution key then partition.
func (s *State) VisitPendingDistributions(fn func(key int64, partition int32) bool) error {
	return s.KV.Iterate([]byte{byte(FamDistributionPending)}, func(k, _ []byte) bool {
		if len(k) != 1+8+4 {
			return true
		}
		return fn(int64(binary.BigEndian.Uint64(k[1:9])), int32(binary.BigEndian.Uint32(k[9:])))
	})
}

// HasDeployment reports whether a deployment is stored.
func (s *State) HasDeployment(key int64) (bool, error) {
	_, ok, err := s.KV.Get(s.keyInt(FamDeployment, key))
	return ok, wrap(err, "deployment")
}

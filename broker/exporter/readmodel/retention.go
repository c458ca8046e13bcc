package readmodel

import (
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// retentionBatch is how many finished instances one removal batch takes, so
// that the exporters wait for the lock only briefly.
const retentionBatch = 500

func (m *Model) retentionLoop() {
	defer m.done.Done()
	t := time.NewTicker(m.cfg.RetentionInterval)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			if n, err := m.RemoveExpired(); err != nil {
				m.cfg.Logger.Error("read model retention failed", "err", err)
			} else if n > 0 {
				m.cfg.Logger.Debug("read model retention", "removedInstances", n)
			}
		}
	}
}

// RemoveExpired removes the process instances that ended more than
// Retention ago, with their element instances, variables, incidents and
// jobs, and returns how many instances it removed. The retention loop calls
// it every RetentionInterval.
func (m *Model) RemoveExpired() (int, error) {
	cutoff := Date(m.cfg.Now().Add(-m.cfg.Retention).UnixMilli())
	total := 0
	for {
		n, err := m.removeExpiredBatch(cutoff)
		total += n
		if err != nil || n < retentionBatch {
			return total, err
		}
	}
}

func (m *Model) removeExpiredBatch(cutoff Date) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.db.NewIndexedBatch()
	defer b.Close()
	n := 0
	prefix := []byte{kEnded}
	it, err := m.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: endedKey(cutoff, 0)})
	if err != nil {
		return 0, fmt.Errorf("readmodel: retention: %w", err)
	}
	t := newTxn(m, b)
	var ended [][]byte
	for valid := it.First(); valid && len(ended) < retentionBatch; valid = it.Next() {
		ended = append(ended, append([]byte(nil), it.Key()...))
	}
	if err := it.Close(); err != nil {
		return 0, fmt.Errorf("readmodel: retention: %w", err)
	}
	for _, k := range ended {
		pik := int64(beUint64(k[9:]))
		if err := m.removeInstance(t, pik); err != nil {
			return 0, fmt.Errorf("readmodel: retention of instance %d: %w", pik, err)
		}
		if err := b.Delete(k, nil); err != nil {
			return 0, err
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	if err := t.flush(); err != nil {
		return 0, fmt.Errorf("readmodel: retention: %w", err)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return 0, fmt.Errorf("readmodel: retention commit: %w", err)
	}
	return n, nil
}

// removeInstance deletes an instance and everything indexed under it, and
// takes its finished element instances out of the definition's statistics.
func (m *Model) removeInstance(t *txn, pik int64) error {
	b := t.b
	lo := entityKey(kByInstance, pik)
	var keys [][]byte
	if err := iterate(b, lo, func(key, _ []byte) error {
		keys = append(keys, append([]byte(nil), key...))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		kind, key := k[len(lo)], int64(beUint64(k[len(lo)+1:]))
		if kind == kElement {
			var e ElementInstance
			if ok, err := getEntity(b, entityKey(kElement, key), &e); err != nil {
				return err
			} else if ok {
				which := statCompleted
				if e.State == StateTerminated {
					which = statCanceled
				}
				if e.State != StateActive {
					t.stats(int64(e.ProcessDefinitionKey), e.ElementID, which, -1)
				}
			}
		}
		if err := b.Delete(entityKey(kind, key), nil); err != nil {
			return err
		}
		if err := b.Delete(k, nil); err != nil {
			return err
		}
	}
	return b.Delete(entityKey(kInstance, pik), nil)
}

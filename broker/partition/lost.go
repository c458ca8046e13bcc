package partition

import (
	"bytes"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// lostPoll is how often settleLost looks at the commit index.
const lostPoll = 10 * time.Millisecond

// settleLost finds out what became of an entry this replica appended as
// leader and that raft answered with ErrLeadershipLost (it stepped down
// before it knew the entry committed). The replica stays in the group as a
// follower, and its own log tells once enough is committed:
//
//   - the commit index reached the entry's index: if the local entry there is
//     ours, it committed, and the apply answers its callers as usual (on any
//     replica), so they keep waiting; if it is another, ours was replaced;
//   - the entry at the commit index has a later term than ours: terms never
//     decrease along a log, so whatever commits at our index will have a
//     later term too, and ours was replaced.
//
// A replaced entry is never applied: nothing was written, so its callers get
// ErrNotLeader, which the node retries on the new leader. When the entry is
// no longer in the log at all (compacted by a snapshot), nobody can tell,
// and the callers get ErrLeadershipLost. The entry's push reservation (ref,
// 0 for none) is given back when the entry will not be applied here (the
// apply takes it otherwise). settleLost gives up when the partition closes
// (Close answers the callers), or, for an entry without a reservation, when
// no caller waits any more.
func (p *Partition) settleLost(index uint64, data []byte, ids []uint64, ref uint64) {
	release := func() { p.pushes.release(ref) }
	if index == 0 {
		release()
		p.failRequests(ids, ErrLeadershipLost)
		return
	}
	reserved := ref != 0
	// Our entry's term, while the log still holds it (a new leader replaces
	// it at the earliest after an election). Unknown (0): wait for the
	// commit index to reach the entry.
	var term uint64
	if l, ok := p.localEntry(index); ok && bytes.Equal(l.Data, data) {
		term = l.Term
	}
	t := time.NewTicker(lostPoll)
	defer t.Stop()
	for {
		commit := p.raft.CommitIndex()
		if commit >= index {
			l, ok := p.localEntry(index)
			switch {
			case !ok:
				release()
				p.failRequests(ids, fmt.Errorf("%w (entry %d is no longer in the log)", ErrLeadershipLost, index))
			case l.Type == raft.LogCommand && bytes.Equal(l.Data, data):
				p.cfg.Logger.Info("an entry appended before leadership was lost committed", "index", index, "commands", len(ids))
			default:
				release()
				p.replaced(index, ids)
			}
			return
		}
		if l, ok := p.localEntry(commit); ok && term != 0 && l.Term > term {
			release()
			p.replaced(index, ids)
			return
		}
		if !reserved && !p.wait.anyWaiting(ids) {
			return
		}
		select {
		case <-t.C:
		case <-p.closed:
			return
		}
	}
}

func (p *Partition) replaced(index uint64, ids []uint64) {
	p.cfg.Logger.Info("an entry appended before leadership was lost was replaced; its commands are retried",
		"index", index, "commands", len(ids))
	p.failRequests(ids, fmt.Errorf("%w: entry %d was replaced by the next leader's", ErrNotLeader, index))
}

// localEntry reads entry index of this replica's raft log.
func (p *Partition) localEntry(index uint64) (raft.Log, bool) {
	var l raft.Log
	if index == 0 || p.store.GetLog(index, &l) != nil {
		return raft.Log{}, false
	}
	return l, true
}

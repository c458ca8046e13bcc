package partition

import (
	"time"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/engine/state"
)

// dueBatch bounds the due commands appended in one round.
const dueBatch = 256

// schedule is the leader's due-date loop (Zeebe's due-date checkers): it asks
// the engine which time-driven commands are due (job timeouts, backoffs, …),
// appends them like client commands, waits until they are applied, and arms
// a timer for the next due time. Followers keep the loop idle.
//
// Finding the next due time scans the engine's due-date families from their
// start, past the deleted entries of jobs that completed before their
// deadline: too dear to do after every apply. So the loop scans when its
// timer fires or when the partition becomes leader, and an apply only
// brings the timer forward when it scheduled something earlier (the
// engine's Result.NextDue, gathered in dueHint).
func (p *Partition) schedule() {
	defer p.done.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var armed int64 // when the timer fires (ms); 0: not armed
	arm := func(at int64) {
		timer.Stop()
		armed = at
		timer.Reset(time.Until(time.UnixMilli(at)))
	}
	for {
		scan := false
		select {
		case <-p.kick:
		case <-timer.C:
			armed, scan = 0, true
		case <-p.closed:
			timer.Stop()
			return
		}
		if !p.leader.Load() || p.fsm.stopped() != nil {
			timer.Stop()
			armed = 0
			continue
		}
		if p.resend.Swap(false) {
			if err := p.sendOutbox(); err != nil {
				p.cfg.Logger.Warn("reading the outbox failed", "err", err)
				p.resend.Store(true) // try again at the next wake
			}
		}
		if p.rescan.Swap(false) {
			scan = true
		}
		if hint := p.dueHint.Swap(0); hint > 0 && (armed == 0 || hint < armed) {
			arm(hint)
		}
		if !scan {
			continue
		}
		next, ok, err := p.runDue()
		if err != nil {
			p.cfg.Logger.Warn("due commands failed", "err", err)
			next, ok = time.Now().Add(time.Second).UnixMilli(), true // try again soon
		}
		if hint := p.dueHint.Swap(0); hint > 0 && (!ok || hint < next) {
			next, ok = hint, true // scheduled while the scan ran
		}
		if ok {
			arm(next)
		} else {
			timer.Stop()
			armed = 0
		}
	}
}

// noteDue brings the due-date loop's timer forward to at if it is armed
// later (or not at all). It runs on the FSM goroutine after an apply.
func (p *Partition) noteDue(at int64) {
	for {
		old := p.dueHint.Load()
		if old != 0 && old <= at {
			return
		}
		if p.dueHint.CompareAndSwap(old, at) {
			p.wake()
			return
		}
	}
}

// runDue appends the commands due now and returns the next due time.
func (p *Partition) runDue() (next int64, ok bool, err error) {
	for {
		now := time.Now().UnixMilli()
		var due []record.Record
		err = p.fsm.withEngine(func(e Engine, kv state.KV) error {
			if due, err = e.DueCommands(kv, now, dueBatch); err != nil || len(due) > 0 {
				return err
			}
			next, ok, err = e.NextDueTime(kv)
			return err
		})
		if err != nil || len(due) == 0 {
			return next, ok, err
		}
		for i := range due {
			due[i].Timestamp = now
			due[i].PartitionID = p.cfg.ID
		}
		data, err := encodeCommands(due)
		if err != nil {
			return 0, false, err
		}
		// Wait until applied, so the next round sees their effect and
		// does not append them again.
		if err := p.raft.Apply(data, 10*time.Second).Error(); err != nil {
			return 0, false, applyError(err)
		}
	}
}

// sendOutbox hands every command of the engine's outbox to Config.Send: a
// new leader resends what its predecessors may not have delivered. (A
// command applied after the leader flag was set is sent by afterApply too;
// twice is harmless.)
func (p *Partition) sendOutbox() error {
	if p.cfg.Send == nil {
		return nil
	}
	var out []engine.Outbound
	err := p.fsm.withEngine(func(e Engine, kv state.KV) error {
		var err error
		out, err = e.PendingOutbound(kv)
		return err
	})
	if err != nil {
		return err
	}
	if len(out) > 0 {
		p.cfg.Logger.Info("resending the outbox", "commands", len(out))
	}
	for _, o := range out {
		p.cfg.Send(o)
	}
	return nil
}

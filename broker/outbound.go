package broker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// The inter-partition channel, the broker's half (the engine's half is
// engine/distribution): the leader of a partition sends each command its
// engine addresses to another partition with Submit (forwarded to that
// partition's leader like a client command), retrying with backoff until
// the receiver answers. The command stays in the sender's outbox (engine
// state) until the receiver acknowledges it with a command of its own, so a
// new leader sends it again (partition.Config.Send); receivers apply each
// command at most once.

// Retry timing of an outbound command.
const (
	outboundTimeout    = 5 * time.Second
	outboundMinBackoff = 50 * time.Millisecond
	outboundMaxBackoff = 2 * time.Second
)

// outboundID identifies a command in flight, so that one already being
// sent is not sent by a second goroutine (the leader's resend of its outbox
// meets commands still being retried).
type outboundID struct {
	from, to  int32
	key       int64
	valueType record.ValueType
	intent    record.Intent
}

// outbound tracks the commands being sent.
type outbound struct {
	mu       sync.Mutex
	inFlight map[outboundID]struct{}
	closed   bool
	wg       sync.WaitGroup
	ctx      context.Context
	cancel   context.CancelFunc
}

func newOutbound() *outbound {
	ctx, cancel := context.WithCancel(context.Background())
	return &outbound{inFlight: map[outboundID]struct{}{}, ctx: ctx, cancel: cancel}
}

// start registers a send; false when it is in flight already or the node
// is closing.
func (o *outbound) start(id outboundID) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, dup := o.inFlight[id]; dup || o.closed {
		return false
	}
	o.inFlight[id] = struct{}{}
	o.wg.Add(1)
	return true
}

// sending reports whether a command from partition from to partition to is
// in flight.
func (o *outbound) sending(from, to int32) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for id := range o.inFlight {
		if id.from == from && id.to == to {
			return true
		}
	}
	return false
}

func (o *outbound) done(id outboundID) {
	o.mu.Lock()
	delete(o.inFlight, id)
	o.mu.Unlock()
	o.wg.Done()
}

// close stops every send and waits for them.
func (o *outbound) close() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	o.cancel()
	o.wg.Wait()
}

// send is partition from's Config.Send: it sends cmd in the background.
func (n *Node) send(from int32, cmd engine.Outbound) {
	id := outboundID{from: from, to: cmd.Partition, key: cmd.Record.Key, valueType: cmd.Record.ValueType, intent: cmd.Record.Intent}
	if !n.out.start(id) {
		return
	}
	go func() {
		defer n.out.done(id)
		n.deliver(from, cmd)
	}()
}

// deliver submits cmd to its partition until it is answered or the node
// closes. It goes on after this node stops leading the sending partition
// (the new leader sends its outbox too): receivers apply a command once, and
// stopping would race with leading again (a resend finding this send still
// in flight would be dropped).
func (n *Node) deliver(from int32, cmd engine.Outbound) {
	ctx := n.out.ctx
	backoff := outboundMinBackoff
	log := n.logger.With("from", from, "to", cmd.Partition, "valueType", cmd.Record.ValueType, "intent", cmd.Record.Intent, "key", cmd.Record.Key)
	for attempt := 1; ; attempt++ {
		if n.started.Load() { // n.parts is complete
			sctx, cancel := context.WithTimeout(ctx, outboundTimeout)
			rec, err := n.Submit(sctx, cmd.Partition, cmd.Record)
			cancel()
			switch {
			case err == nil:
				if attempt > 1 {
					log.Info("outbound command delivered", "attempts", attempt)
				}
				if rec.RecordType == record.CommandRejection {
					log.Debug("outbound command rejected", "rejectionType", rec.RejectionType, "reason", rec.RejectionReason)
				}
				return
			case errors.Is(err, ErrUnknownPartition):
				log.Error("outbound command to an unknown partition dropped", "err", err)
				return
			case attempt == 1 || attempt%20 == 0:
				log.Log(ctx, levelOf(attempt), "outbound command not delivered yet; retrying", "attempt", attempt, "err", err)
			}
		}
		select {
		case <-time.After(backoff):
			backoff = min(2*backoff, outboundMaxBackoff)
		case <-ctx.Done():
			return
		}
	}
}

// levelOf logs the first failure at Info (a receiver being elected is
// normal) and later ones at Warn.
func levelOf(attempt int) slog.Level {
	if attempt == 1 {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

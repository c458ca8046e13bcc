package broker

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/shoalbpm/shoal/broker/cluster"
	"github.com/shoalbpm/shoal/broker/jobpush"
	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// Job push across the nodes of a cluster. A gateway's push stream lives on
// the node that serves the worker's connection, but the jobs come from the
// leaders of the partitions, which may be other nodes. So every node
// advertises its streams to its peers every pushAdvertise (OpJobStreams:
// type, worker, timeout, variables, tenants and free capacity); a peer
// registers each as a proxy stream (remoteStream) in its jobpush.Registry,
// where the partitions it leads reserve credits against the advertised free
// capacity like they do for local streams. The jobs activated for a proxy
// are sent to the stream's node (OpPushJobs), which hands them to the
// stream with TryPush while it has room, and names the ones it refused;
// those, and all of a send that failed, are yielded (JOB YIELD) so that
// they are activatable again at once. A proxy not advertised again within
// pushStale is dropped (its node is gone or has closed the stream).
//
// The advertised capacity is a view: several leaders may spend the same
// free capacity before the next advertisement. The stream's node never
// takes more than its room, so an over-promise costs a yield, never a job
// beyond a worker's capacity. A send that fails after the peer took the
// jobs (a timeout) yields jobs a worker holds: they may then be handed out
// twice, as with any at-least-once push (Zeebe yields a failed push too).

// Timing of the cluster-wide push.
const (
	pushAdvertise   = 100 * time.Millisecond
	pushStale       = time.Second
	pushSendTimeout = 5 * time.Second
	pushQueue       = 4096 // jobs waiting to be sent to one peer
	pushSendBatch   = 256
)

// pushPeers is a node's bookkeeping of push streams: its own, with the ids
// it advertises them under, and the proxies of its peers' streams.
type pushPeers struct {
	mu     sync.Mutex
	nextID uint64
	local  map[uint64]jobpush.Stream
	remote map[int32]*peerStreams
	queues map[int32]chan remotePush // jobs to send, by peer
}

// peerStreams are the proxies of one peer's streams.
type peerStreams struct {
	seen    time.Time
	streams map[uint64]*remoteStream
}

// remotePush is a job activated for a peer's stream, waiting to be sent.
type remotePush struct {
	stream *remoteStream
	key    int64
	job    record.JobRecord
}

// streamSummary is one stream in an advertisement.
type streamSummary struct {
	ID    uint64           `json:"id"`
	Offer engine.PushOffer `json:"offer"`
	Free  int              `json:"free"`
}

type streamAd struct {
	Node    int32           `json:"node"`
	Streams []streamSummary `json:"streams"`
}

func newPushPeers(peers []string, self int32) *pushPeers {
	p := &pushPeers{local: map[uint64]jobpush.Stream{}, remote: map[int32]*peerStreams{}, queues: map[int32]chan remotePush{}}
	for id := range peers {
		if int32(id) != self {
			p.queues[int32(id)] = make(chan remotePush, pushQueue)
		}
	}
	return p
}

// AddJobStream registers a push stream of this node's gateway: partitions
// this node leads push to it directly, the leaders on other nodes through
// the advertisement (see above).
func (n *Node) AddJobStream(s jobpush.Stream) (remove func()) {
	p := n.pushes
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	p.local[id] = s
	p.mu.Unlock()
	unregister := n.streams.Add(s)
	return func() {
		unregister()
		p.mu.Lock()
		delete(p.local, id)
		p.mu.Unlock()
	}
}

// startPush starts, for every peer, the loop that advertises this node's
// streams to it and the one that sends it pushed jobs.
func (n *Node) startPush() {
	for peer, q := range n.pushes.queues {
		n.wg.Add(2)
		go n.advertiseTo(peer)
		go n.sendPushes(peer, q)
	}
}

// advertiseTo tells peer about this node's streams every pushAdvertise
// while there are any (and once more after the last one closed), and drops
// the peer's proxies when it has not advertised for pushStale.
func (n *Node) advertiseTo(peer int32) {
	defer n.wg.Done()
	t := time.NewTicker(pushAdvertise)
	defer t.Stop()
	sent := false // the last advertisement listed streams
	for {
		select {
		case <-t.C:
		case <-n.closed:
			return
		}
		n.pushes.dropStale(peer, time.Now().Add(-pushStale))
		ad := n.pushes.ad(n.cfg.NodeID)
		if len(ad.Streams) == 0 && !sent {
			continue
		}
		body, err := json.Marshal(ad)
		if err != nil {
			n.logger.Error("encoding the stream advertisement", "err", err)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), pushAdvertise*5)
		resp, err := n.client.Do(ctx, n.peers[peer], cluster.Request{Op: cluster.OpJobStreams, Body: body})
		cancel()
		if err == nil && resp.Status == cluster.StatusOK {
			sent = len(ad.Streams) > 0
		}
	}
}

// ad describes the local streams.
func (p *pushPeers) ad(node int32) streamAd {
	p.mu.Lock()
	defer p.mu.Unlock()
	ad := streamAd{Node: node, Streams: make([]streamSummary, 0, len(p.local))}
	for id, s := range p.local {
		ad.Streams = append(ad.Streams, streamSummary{ID: id, Offer: s.Offer(), Free: s.Free()})
	}
	return ad
}

// dropStale removes the proxies of peer if it has not advertised since
// before.
func (p *pushPeers) dropStale(peer int32, before time.Time) {
	p.mu.Lock()
	ps := p.remote[peer]
	if ps == nil || !ps.seen.Before(before) {
		p.mu.Unlock()
		return
	}
	delete(p.remote, peer)
	for _, s := range ps.streams {
		s.unregister()
	}
	p.mu.Unlock()
}

// takeAd records a peer's advertisement: new streams get a proxy in the
// registry, known ones a fresh view, missing ones are dropped.
func (n *Node) takeAd(ad streamAd) error {
	p := n.pushes
	if _, ok := p.queues[ad.Node]; !ok {
		return fmt.Errorf("stream advertisement from unknown node %d", ad.Node)
	}
	// Registering under p.mu keeps a proxy from being dropped before it
	// is registered (lock order: p.mu, then the registry's).
	p.mu.Lock()
	defer p.mu.Unlock()
	ps := p.remote[ad.Node]
	if ps == nil {
		ps = &peerStreams{streams: map[uint64]*remoteStream{}}
		p.remote[ad.Node] = ps
	}
	ps.seen = time.Now()
	listed := make(map[uint64]bool, len(ad.Streams))
	for _, sum := range ad.Streams {
		listed[sum.ID] = true
		s := ps.streams[sum.ID]
		if s == nil {
			s = &remoteStream{node: ad.Node, id: sum.ID, offer: sum.Offer, queue: p.queues[ad.Node]}
			s.unregister = n.streams.Add(s)
			ps.streams[sum.ID] = s
		}
		s.advertised(sum.Free)
	}
	for id, s := range ps.streams {
		if !listed[id] {
			delete(ps.streams, id)
			s.unregister()
		}
	}
	return nil
}

// remoteStream is a peer's stream as the partitions of this node see it.
type remoteStream struct {
	node       int32 // the peer holding the stream
	id         uint64
	offer      engine.PushOffer
	queue      chan remotePush
	unregister func() // removes it from the registry

	mu       sync.Mutex
	free     int // as last advertised
	reserved int // credits promised to entries in flight
	sending  int // pushed, not yet answered by the peer
}

var _ jobpush.Stream = (*remoteStream)(nil)

func (s *remoteStream) advertised(free int) {
	s.mu.Lock()
	s.free = free
	s.mu.Unlock()
}

func (s *remoteStream) Offer() engine.PushOffer { return s.offer }

func (s *remoteStream) Reserve(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n = min(n, s.free-s.reserved-s.sending)
	if n <= 0 {
		return 0
	}
	s.reserved += n
	return n
}

func (s *remoteStream) Unreserve(n int) {
	s.mu.Lock()
	s.reserved = max(s.reserved-n, 0)
	s.mu.Unlock()
}

// Push queues the job for the peer; false (yield) when the queue is full.
func (s *remoteStream) Push(key int64, job record.JobRecord) bool {
	s.mu.Lock()
	s.reserved = max(s.reserved-1, 0)
	s.sending++
	s.mu.Unlock()
	select {
	case s.queue <- remotePush{stream: s, key: key, job: job}:
		return true
	default: // not spent: Deliver gives the credit back
		s.mu.Lock()
		s.sending--
		s.reserved++
		s.mu.Unlock()
		return false
	}
}

// sent settles jobs the peer answered for: its next advertisement counts
// those it took.
func (s *remoteStream) sent(n int) {
	s.mu.Lock()
	s.sending = max(s.sending-n, 0)
	s.mu.Unlock()
}

// Free and TryPush are for local streams: a proxy is never advertised.
func (s *remoteStream) Free() int                                    { return 0 }
func (s *remoteStream) TryPush(key int64, job record.JobRecord) bool { return false }

// sendPushes sends the jobs queued for peer, in batches, and yields those
// the peer refused or that could not be sent.
func (n *Node) sendPushes(peer int32, q chan remotePush) {
	defer n.wg.Done()
	batch := make([]remotePush, 0, pushSendBatch)
	for {
		select {
		case first := <-q:
			batch = append(batch[:0], first)
		case <-n.closed:
			return
		}
	drain:
		for len(batch) < pushSendBatch {
			select {
			case p := <-q:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		refused, err := n.pushTo(peer, batch)
		if err != nil {
			n.logger.Warn("pushing jobs to a peer failed; yielding them", "peer", peer, "jobs", len(batch), "err", err)
		}
		for _, p := range batch {
			p.stream.sent(1)
		}
		for _, key := range refused {
			n.yieldJob(key)
		}
	}
}

// pushTo sends a batch to peer and returns the keys it did not take (all of
// them if the send failed).
func (n *Node) pushTo(peer int32, batch []remotePush) (refused []int64, err error) {
	body, err := encodeRemotePushes(batch)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), pushSendTimeout)
		var resp cluster.Response
		resp, err = n.client.Do(ctx, n.peers[peer], cluster.Request{Op: cluster.OpPushJobs, Body: body})
		cancel()
		if err == nil && resp.Status != cluster.StatusOK {
			err = fmt.Errorf("peer answered %d: %s", resp.Status, resp.Message)
		}
		if err == nil {
			if err = json.Unmarshal(resp.Body, &refused); err == nil {
				return refused, nil
			}
		}
	}
	refused = refused[:0]
	for _, p := range batch {
		refused = append(refused, p.key)
	}
	return refused, err
}

// yieldJob hands a job that could not be pushed back to its partition.
func (n *Node) yieldJob(key int64) {
	p := record.PartitionOf(key)
	n.send(p, engine.Outbound{Partition: p, Record: record.Record{Key: key, PartitionID: p, RecordType: record.Command,
		ValueType: record.Job, Intent: record.Yield, SourceRecordPosition: -1, Value: &record.JobRecord{}}})
}

// servePush answers the push requests of the peers.
func (n *Node) servePush(req cluster.Request) cluster.Response {
	switch req.Op {
	case cluster.OpJobStreams:
		var ad streamAd
		if err := json.Unmarshal(req.Body, &ad); err != nil {
			return cluster.Response{Status: cluster.StatusError, Message: "stream advertisement: " + err.Error()}
		}
		if err := n.takeAd(ad); err != nil {
			return cluster.Response{Status: cluster.StatusError, Message: err.Error()}
		}
		return cluster.Response{}
	case cluster.OpPushJobs:
		jobs, err := decodeRemotePushes(req.Body)
		if err != nil {
			return cluster.Response{Status: cluster.StatusError, Message: "pushed jobs: " + err.Error()}
		}
		refused := []int64{}
		for _, j := range jobs {
			n.pushes.mu.Lock()
			s := n.pushes.local[j.stream]
			n.pushes.mu.Unlock()
			if s == nil || !s.TryPush(j.key, j.job) {
				refused = append(refused, j.key)
			}
		}
		body, _ := json.Marshal(refused)
		return cluster.Response{Body: body}
	}
	return cluster.Response{Status: cluster.StatusError, Message: fmt.Sprintf("unknown request %d", req.Op)}
}

// receivedPush is a job sent by a peer for one of this node's streams.
type receivedPush struct {
	stream uint64
	key    int64
	job    record.JobRecord
}

// Pushed jobs on the wire: count uvarint | { stream uvarint | len uvarint |
// record.Marshal(JOB record with the job's key) }*.
func encodeRemotePushes(batch []remotePush) ([]byte, error) {
	b := binary.AppendUvarint(nil, uint64(len(batch)))
	for _, p := range batch {
		job := p.job
		rec, err := record.Marshal(record.Record{Key: p.key, PartitionID: record.PartitionOf(p.key),
			RecordType: record.Event, ValueType: record.Job, Intent: record.Activated, Value: &job})
		if err != nil {
			return nil, err
		}
		b = binary.AppendUvarint(b, p.stream.id)
		b = binary.AppendUvarint(b, uint64(len(rec)))
		b = append(b, rec...)
	}
	return b, nil
}

var errBadPushes = errors.New("malformed pushed jobs")

func decodeRemotePushes(b []byte) ([]receivedPush, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return nil, errBadPushes
	}
	b = b[w:]
	out := make([]receivedPush, 0, n)
	for range n {
		id, w := binary.Uvarint(b)
		if w <= 0 {
			return nil, errBadPushes
		}
		b = b[w:]
		l, w := binary.Uvarint(b)
		if w <= 0 || l > uint64(len(b)-w) {
			return nil, errBadPushes
		}
		rec, err := record.Unmarshal(b[w : w+int(l)])
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadPushes, err)
		}
		b = b[w+int(l):]
		job, ok := rec.Value.(*record.JobRecord)
		if !ok {
			return nil, errBadPushes
		}
		out = append(out, receivedPush{stream: id, key: rec.Key, job: *job})
	}
	return out, nil
}

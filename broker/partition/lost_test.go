package partition

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/broker/storage"
	"github.com/shoalbpm/shoal/engine/record"
)

// netSwitch cuts one replica off the network. Cut: every connection of the
// replica is closed, and no new one is made or accepted. Deaf: the replica
// still sends on the connections it dialled, but reads nothing back (its
// followers get its entries; it never hears that they did).
type netSwitch struct {
	mu    sync.Mutex
	cut   bool
	deaf  bool
	conns map[*switchConn]struct{}
}

var errCut = errors.New("test: connection cut")

func (s *netSwitch) set(cut, deaf bool) {
	s.mu.Lock()
	s.cut, s.deaf = cut, deaf
	var closing []*switchConn
	for c := range s.conns {
		if cut || (deaf && c.dialed) {
			closing = append(closing, c)
		}
	}
	s.mu.Unlock()
	for _, c := range closing {
		c.Close()
	}
}

func (s *netSwitch) blocks(dialed bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cut || (dialed && s.deaf)
}

func (s *netSwitch) track(c net.Conn, dialed bool) net.Conn {
	sc := &switchConn{Conn: c, sw: s, dialed: dialed}
	s.mu.Lock()
	s.conns[sc] = struct{}{}
	s.mu.Unlock()
	return sc
}

type switchConn struct {
	net.Conn
	sw     *netSwitch
	dialed bool
}

func (c *switchConn) Read(b []byte) (int, error) {
	if c.sw.blocks(c.dialed) {
		c.Close()
		return 0, errCut
	}
	n, err := c.Conn.Read(b)
	if c.sw.blocks(c.dialed) { // cut while reading: drop what came
		c.Close()
		return 0, errCut
	}
	return n, err
}

func (c *switchConn) Write(b []byte) (int, error) {
	if c.sw.blocks(false) {
		c.Close()
		return 0, errCut
	}
	return c.Conn.Write(b)
}

func (c *switchConn) Close() error {
	c.sw.mu.Lock()
	delete(c.sw.conns, c)
	c.sw.mu.Unlock()
	return c.Conn.Close()
}

// switchLayer is a raft.StreamLayer over loopback TCP behind a netSwitch.
type switchLayer struct {
	ln net.Listener
	sw *netSwitch
}

func (l *switchLayer) Accept() (net.Conn, error) {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return nil, err
		}
		if l.sw.blocks(false) {
			c.Close()
			continue
		}
		return l.sw.track(c, false), nil
	}
}

func (l *switchLayer) Close() error   { return l.ln.Close() }
func (l *switchLayer) Addr() net.Addr { return l.ln.Addr() }

func (l *switchLayer) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	if l.sw.blocks(false) {
		return nil, errCut
	}
	c, err := net.DialTimeout("tcp", string(address), timeout)
	if err != nil {
		return nil, err
	}
	return l.sw.track(c, true), nil
}

// trio is one partition replicated on three replicas, each with its own
// pebble and a switchable loopback transport. Replica 0 bootstraps.
type trio struct {
	t     *testing.T
	parts [3]*Partition
	sws   [3]*netSwitch
}

func openTrio(t *testing.T) *trio {
	t.Helper()
	tr := &trio{t: t}
	var layers [3]*switchLayer
	peers := make([]raft.Server, 3)
	for i := range layers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		tr.sws[i] = &netSwitch{conns: map[*switchConn]struct{}{}}
		layers[i] = &switchLayer{ln: ln, sw: tr.sws[i]}
		peers[i] = raft.Server{ID: raft.ServerID(fmt.Sprint("n", i)), Address: raft.ServerAddress(ln.Addr().String())}
	}
	for i := range tr.parts {
		dir := t.TempDir()
		db, err := storage.Open(filepath.Join(dir, "db"), storage.Options{MemTableSize: 4 << 20})
		if err != nil {
			t.Fatal(err)
		}
		eng := &testEngine{}
		p, err := Open(Config{
			ID: 1, NodeID: string(peers[i].ID), Data: db, Dir: filepath.Join(dir, "snapshots"),
			Trans: raft.NewNetworkTransport(layers[i], 3, time.Second, io.Discard), Peers: peers,
			Bootstrap: i == 0, NewEngine: func() (Engine, error) { return eng, nil }, Logger: testLogger(),
			// Timeouts that hold under -race on two shared cores; the
			// deaf leader must keep its lease while it sends its entries.
			HeartbeatTimeout: 500 * time.Millisecond, ElectionTimeout: 500 * time.Millisecond,
			LeaderLeaseTimeout: 500 * time.Millisecond,
			// Room for every command of a test in entries in flight,
			// however they are batched.
			MaxInFlight: 16,
		})
		if err != nil {
			t.Fatal(err)
		}
		tr.parts[i] = p
		t.Cleanup(func() {
			tr.sws[i].set(false, false)
			if err := p.Close(); err != nil {
				t.Errorf("close replica %d: %v", i, err)
			}
			if err := db.Close(); err != nil {
				t.Errorf("close db %d: %v", i, err)
			}
		})
	}
	return tr
}

// leader waits for a leader other than not (-1: any) and returns its index.
func (tr *trio) leader(not int) int {
	tr.t.Helper()
	found := -1
	checkFor(tr.t, 20*time.Second, func() error {
		for i, p := range tr.parts {
			if i != not && p.IsLeader() && p.Raft().State() == raft.Leader {
				found = i
				return nil
			}
		}
		return errNotYet("a leader")
	})
	return found
}

// submitAll submits n commands with keys from key0 on replica i, each from
// its own goroutine, and returns their outcomes once all have one.
func (tr *trio) submitAll(i int, key0 int64, n int) <-chan []error {
	out := make(chan []error, 1)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := jobCreate()
			cmd.Key = key0 + int64(k)
			_, errs[k] = tr.parts[i].Submit(ctx, cmd)
		}()
	}
	go func() { wg.Wait(); out <- errs }()
	return out
}

// commandsWithKeys counts, per key in [key0, key0+n), the commands in the
// record log of replica i.
func (tr *trio) commandsWithKeys(i int, key0 int64, n int) map[int64]int {
	tr.t.Helper()
	counts := map[int64]int{}
	for _, r := range readAll(tr.t, tr.parts[i]) {
		if r.RecordType == record.Command && r.Key >= key0 && r.Key < key0+int64(n) {
			counts[r.Key]++
		}
	}
	return counts
}

// inLog counts the commands with keys in [key0, key0+n) in the raft log of
// replica i.
func (tr *trio) inLog(i int, key0 int64, n int) int {
	tr.t.Helper()
	p := tr.parts[i]
	first, err := p.store.FirstIndex()
	if err != nil {
		tr.t.Fatal(err)
	}
	count := 0
	for idx := max(first, 1); idx <= p.Raft().LastIndex(); idx++ {
		var l raft.Log
		if err := p.store.GetLog(idx, &l); err != nil || l.Type != raft.LogCommand {
			continue
		}
		cmds, _, err := decodeEntry(l.Data)
		if err != nil {
			tr.t.Fatal(err)
		}
		for _, c := range cmds {
			if c.Key >= key0 && c.Key < key0+int64(n) {
				count++
			}
		}
	}
	return count
}

// barrier submits a command with key on the leader and waits until every
// replica has applied it, and so everything before it.
func (tr *trio) barrier(key int64) {
	tr.t.Helper()
	cmd := jobCreate()
	cmd.Key = key
	if _, err := tr.parts[tr.leader(-1)].Submit(context.Background(), cmd); err != nil {
		tr.t.Fatal(err)
	}
	checkFor(tr.t, 20*time.Second, func() error {
		for i := range tr.parts {
			if tr.commandsWithKeys(i, key, 1)[key] == 0 {
				return fmt.Errorf("replica %d has not applied the barrier", i)
			}
		}
		return nil
	})
}

func TestCommandsOfADeposedLeaderThatTheNextLeaderReplacedFailRetryably(t *testing.T) {
	tr := openTrio(t)
	old := tr.leader(-1)
	if _, err := tr.parts[old].Submit(context.Background(), jobCreate()); err != nil {
		t.Fatal(err)
	}

	// The leader is cut off: what it appends now reaches nobody.
	tr.sws[old].set(true, false)
	const key0, n = 1000, 8
	results := tr.submitAll(old, key0, n)
	checkFor(t, 20*time.Second, func() error {
		if got := tr.inLog(old, key0, n); got != n {
			return fmt.Errorf("the cut-off leader has %d of the %d commands in its log", got, n)
		}
		return nil
	})
	next := tr.leader(old)
	checkFor(t, 20*time.Second, func() error {
		if tr.parts[old].IsLeader() {
			return errNotYet("the cut-off leader stepping down")
		}
		return nil
	})
	if _, err := tr.parts[next].Submit(context.Background(), jobCreate()); err != nil {
		t.Fatal(err)
	}

	// Back in the group, it learns that the next leader replaced its entries.
	tr.sws[old].set(false, false)
	var errs []error
	select {
	case errs = <-results:
	case <-time.After(30 * time.Second):
		t.Fatal("the deposed leader's callers got no answer")
	}
	for k, err := range errs {
		if !errors.Is(err, ErrNotLeader) {
			t.Fatalf("command %d: %v, want ErrNotLeader (retryable: nothing was written)", k, err)
		}
	}
	tr.barrier(9999)
	for i := range tr.parts {
		if got := tr.commandsWithKeys(i, key0, n); len(got) != 0 {
			t.Fatalf("replica %d applied commands answered as not written: %v", i, got)
		}
	}
}

func TestCommandsOfADeposedLeaderThatTheNextLeaderKeptAreAnswered(t *testing.T) {
	tr := openTrio(t)
	old := tr.leader(-1)
	if _, err := tr.parts[old].Submit(context.Background(), jobCreate()); err != nil {
		t.Fatal(err)
	}

	// Deaf: the leader's entries reach the followers, their answers do not
	// reach it, so it cannot commit them.
	tr.sws[old].set(false, true)
	const key0, n = 2000, 8
	results := tr.submitAll(old, key0, n)
	checkFor(t, 20*time.Second, func() error {
		for i := range tr.parts {
			if got := tr.inLog(i, key0, n); got != n {
				return fmt.Errorf("replica %d has %d of the %d commands in its log", i, got, n)
			}
		}
		return nil
	})
	// Now cut off: it steps down, the others elect a leader that holds the
	// entries and commits them.
	tr.sws[old].set(true, false)
	tr.leader(old)
	checkFor(t, 20*time.Second, func() error {
		if tr.parts[old].IsLeader() {
			return errNotYet("the cut-off leader stepping down")
		}
		return nil
	})

	tr.sws[old].set(false, false)
	var errs []error
	select {
	case errs = <-results:
	case <-time.After(30 * time.Second):
		t.Fatal("the deposed leader's callers got no answer")
	}
	for k, err := range errs {
		if err != nil {
			t.Fatalf("command %d: %v, want its answer (the next leader committed it)", k, err)
		}
	}
	tr.barrier(9999)
	for i := range tr.parts {
		got := tr.commandsWithKeys(i, key0, n)
		for k := int64(key0); k < key0+n; k++ {
			if got[k] != 1 {
				t.Fatalf("replica %d applied command %d %d times, want once", i, k, got[k])
			}
		}
	}
}

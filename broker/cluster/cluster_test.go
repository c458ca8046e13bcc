package cluster

import (
	"context"

	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/shoalbpm/shoal/engine/record"
)

func TestMembersArePlacedRoundRobin(t *testing.T) {
	tests := []struct {
		partition, size, rf int32
		want                []int32
	}{
		{1, 3, 3, []int32{0, 1, 2}},
		{2, 3, 3, []int32{1, 2, 0}},
		{3, 3, 3, []int32{2, 0, 1}},
		{4, 3, 3, []int32{0, 1, 2}},
		{2, 5, 3, []int32{1, 2, 3}},
		{5, 5, 3, []int32{4, 0, 1}},
		{1, 1, 3, []int32{0}}, // replication factor capped by cluster size
	}
	for _, tt := range tests {
		if got := Members(tt.partition, tt.size, tt.rf); !slices.Equal(got, tt.want) {
			t.Errorf("Members(%d, %d, %d) = %v, want %v", tt.partition, tt.size, tt.rf, got, tt.want)
		}
	}
	if Hosts(0, 2, 5, 3) || !Hosts(3, 2, 5, 3) {
		t.Error("Hosts disagrees with Members")
	}
}

func listen(t *testing.T) *Mux {
	t.Helper()
	m, err := Listen("127.0.0.1:0", "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestRaftConnectionsReachTheirPartitionsLayer(t *testing.T) {
	m := listen(t)
	l1, l2 := m.Layer(1), m.Layer(2)
	for _, l := range []*Layer{l1, l2} {
		c, err := l.Dial("127.0.0.1:0", time.Second) // wrong address fails
		if err == nil {
			c.Close()
			t.Fatal("dial to port 0 succeeded")
		}
	}
	c, err := l2.Dial(rAddr(m), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got, err := l2.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	buf := make([]byte, 4)
	if _, err := io.ReadFull(got, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("read %q, %v", buf, err)
	}
	select {
	case c := <-l1.conns:
		t.Fatalf("partition 1 got partition 2's connection %v", c)
	default:
	}
	if l1.Addr().String() != m.Addr() {
		t.Fatalf("layer Addr %s, want the advertised %s", l1.Addr(), m.Addr())
	}
}

func TestClosingALayerKeepsThePortOpenForOthers(t *testing.T) {
	m := listen(t)
	l1, l2 := m.Layer(1), m.Layer(2)
	l1.Close()
	if _, err := l1.Accept(); err != ErrLayerClosed {
		t.Fatalf("Accept on closed layer = %v", err)
	}
	c, err := l2.Dial(rAddr(m), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := l2.Accept()
	if err != nil {
		t.Fatal(err)
	}
	got.Close()
}

func TestGarbageHeaderIsDropped(t *testing.T) {
	m := listen(t)
	c, err := net.Dial("tcp", m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	// The mux closes the connection: EOF, or a reset for the unread bytes.
	if _, err := c.Read(make([]byte, 1)); err == nil || os.IsTimeout(err) {
		t.Fatalf("read after garbage header = %v, want the connection closed", err)
	}
}

func rAddr(m *Mux) raft.ServerAddress { return raft.ServerAddress(m.Addr()) }

func TestRequestsRoundTripWithStatuses(t *testing.T) {
	m := listen(t)
	m.HandleRequests(func(ctx context.Context, req Request) Response {
		switch {
		case req.Op == OpTopology:
			return Response{Body: []byte(`{"node":1}`)}
		case req.PartitionID == 9:
			return Response{Status: StatusUnknownPartition, Message: "no partition 9"}
		case req.PartitionID == 8:
			<-ctx.Done()
			return Response{Status: StatusDeadline}
		}
		ev := req.Command
		ev.RecordType, ev.Intent, ev.Position = record.Event, "CREATED", 42
		return Response{Record: ev}
	})
	cl := NewClient()
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := record.Record{RecordType: record.Command, ValueType: record.Job, Intent: "CREATE", Key: -1}
	for i := range 3 { // reuses the pooled connection
		resp, err := cl.Do(ctx, m.Addr(), Request{Op: OpSubmit, PartitionID: 1, Command: cmd})
		if err != nil || resp.Status != StatusOK || resp.Record.Position != 42 || resp.Record.Intent != "CREATED" {
			t.Fatalf("submit %d = %+v, %v", i, resp, err)
		}
	}
	resp, err := cl.Do(ctx, m.Addr(), Request{Op: OpSubmit, PartitionID: 9, Command: cmd})
	if err != nil || resp.Status != StatusUnknownPartition || resp.Message != "no partition 9" {
		t.Fatalf("unknown partition = %+v, %v", resp, err)
	}
	resp, err = cl.Do(ctx, m.Addr(), Request{Op: OpTopology})
	if err != nil || string(resp.Body) != `{"node":1}` {
		t.Fatalf("topology = %+v, %v", resp, err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	resp, err = cl.Do(short, m.Addr(), Request{Op: OpSubmit, PartitionID: 8, Command: cmd})
	if err == nil && resp.Status != StatusDeadline {
		t.Fatalf("slow request = %+v, want a deadline", resp)
	}

}

func TestClientDoesNotReuseAConnectionThePeerClosed(t *testing.T) {
	m := listen(t)
	m.HandleRequests(func(ctx context.Context, req Request) Response {
		return Response{Body: []byte("ok")}
	})
	cl := NewClient()
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cl.Do(ctx, m.Addr(), Request{Op: OpTopology}); err != nil {
		t.Fatal(err)
	}
	addr := m.Addr()
	m.Close() // the pooled connection is now closed at the far end

	// A new node on the same address: the request must reach it on a new
	// connection, not fail on the stale one.
	m2, err := Listen(addr, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Skipf("port %s not free again: %v", addr, err)
	}
	defer m2.Close()
	m2.HandleRequests(func(ctx context.Context, req Request) Response {
		return Response{Body: []byte("new")}
	})
	resp, err := cl.Do(ctx, addr, Request{Op: OpTopology})
	if err != nil || string(resp.Body) != "new" {
		t.Fatalf("request after the peer restarted = %+v, %v", resp, err)
	}
}

package cluster

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentRequestsShareOneConnection(t *testing.T) {
	m := listen(t)
	const n = 40
	var arrived sync.WaitGroup
	arrived.Add(n)
	release := make(chan struct{})
	m.HandleRequests(func(ctx context.Context, req Request) Response {
		arrived.Done()
		<-release // every request is in flight at once
		return Response{Body: []byte{byte(req.PartitionID)}}
	})
	cl := NewClient()
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := make(chan error, n)
	for i := range n {
		go func() {
			resp, err := cl.Do(ctx, m.Addr(), Request{Op: OpTopology, PartitionID: int32(i)})
			if err == nil && (len(resp.Body) != 1 || resp.Body[0] != byte(i)) {
				err = errors.New("answer of another request")
			}
			errs <- err
		}()
	}
	arrived.Wait()
	m.mu.Lock()
	conns := len(m.conns)
	m.mu.Unlock()
	close(release)
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if conns != 1 {
		t.Fatalf("%d requests in flight used %d connections, want 1", n, conns)
	}
}

func TestRequestsReadBeforeTheNodeClosesAreAnswered(t *testing.T) {
	m := listen(t)
	inside := make(chan struct{})
	release := make(chan struct{})
	m.HandleRequests(func(ctx context.Context, req Request) Response {
		close(inside)
		<-release
		return Response{Body: []byte("done")}
	})
	cl := NewClient()
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		resp Response
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := cl.Do(ctx, m.Addr(), Request{Op: OpTopology})
		res <- result{resp, err}
	}()
	<-inside
	closed := make(chan struct{})
	go func() { m.Close(); close(closed) }() // stops reading, sends a go-away
	time.Sleep(50 * time.Millisecond)        // let the go-away reach the client first (either order must pass)
	close(release)
	r := <-res
	if r.err != nil || string(r.resp.Body) != "done" {
		t.Fatalf("request in flight while the node closed = %+v, %v; want its answer", r.resp, r.err)
	}
	<-closed
	if _, err := cl.Do(ctx, m.Addr(), Request{Op: OpTopology}); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("request to the closed node = %v, want ErrUnreachable", err)
	}
}

// fakeNode accepts connections on a listener and runs serve on each after
// reading the header; it returns the address.
func fakeNode(t *testing.T, serve func(kind byte, c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var hdr [headerLen]byte
				if _, err := io.ReadFull(c, hdr[:]); err != nil {
					return
				}
				serve(hdr[len(magic)], c)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestClientFallsBackToOneRequestConnectionsForAnOldNode(t *testing.T) {
	var muxTries atomic.Int32
	addr := fakeNode(t, func(kind byte, c net.Conn) {
		if kind != kindClient { // an old binary closes kinds it does not know
			muxTries.Add(1)
			return
		}
		serveSequential(func(ctx context.Context, req Request) Response {
			return Response{Body: []byte("old")}
		})(c)
	})
	cl := NewClient()
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 3 {
		resp, err := cl.Do(ctx, addr, Request{Op: OpTopology})
		if err != nil || string(resp.Body) != "old" {
			t.Fatalf("request to an old node = %+v, %v", resp, err)
		}
	}
	if n := muxTries.Load(); n != 1 {
		t.Fatalf("multiplexed connection tried %d times, want once (then remembered)", n)
	}
}

func TestConnectionLostAfterARequestWasReadIsNotUnreachable(t *testing.T) {
	addr := fakeNode(t, func(kind byte, c net.Conn) {
		if kind != kindMux {
			return
		}
		c.Write([]byte{muxAck})
		readMuxFrame(bufio.NewReader(c)) // read the request, then die
	})
	cl := NewClient()
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := cl.Do(ctx, addr, Request{Op: OpTopology})
	if err == nil || errors.Is(err, ErrUnreachable) {
		t.Fatalf("request whose node died after reading it = %v, want an error that is not ErrUnreachable (it may have run)", err)
	}
}

func TestAPeerThatStopsReadingBreaksTheConnection(t *testing.T) {
	defer func(d time.Duration) { writeTimeout = d }(writeTimeout)
	writeTimeout = 100 * time.Millisecond
	addr := fakeNode(t, func(kind byte, c net.Conn) {
		c.Write([]byte{muxAck})
		time.Sleep(10 * time.Second) // never reads
	})
	cl := NewClient()
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// far more than the socket buffers take: the write blocks
	_, err := cl.Do(ctx, addr, Request{Op: OpJobStreams, Body: make([]byte, 32<<20)})
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("request to a peer that does not read = %v, want the connection broken before the caller's deadline", err)
	}
}

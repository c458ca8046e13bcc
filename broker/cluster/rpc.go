package cluster

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
)

// Op is the kind of a broker request.
type Op uint8

// The broker requests. Numbers are append-only.
const (
	OpSubmit     Op = 1 // forward a command to a partition's leader
	OpTopology   Op = 2 // ask a node for its local partitions' roles
	OpJobStreams Op = 3 // tell a node about this node's push streams (Body)
	OpPushJobs   Op = 4 // hand jobs to push streams of the node (Body)
)

// Status is the outcome of a request, carried back to the caller.
type Status uint8

// The statuses; the node maps them onto broker's error sentinels.
const (
	StatusOK Status = iota
	StatusNoLeader
	StatusExhausted
	StatusClosed
	StatusUnknownPartition
	StatusDeadline
	StatusError
	StatusRetry          // nothing was written; the caller may try again
	StatusOutcomeUnknown // appended, but whether it committed is unknown
)

// ErrUnreachable is returned by Client.Do when the node cannot be dialled:
// nothing was sent, so the request may be retried elsewhere.
var ErrUnreachable = errors.New("broker: node unreachable")

// Request is one broker request.
type Request struct {
	Op          Op
	PartitionID int32
	Hops        uint8         // forwards so far; bounds forwarding chains
	Timeout     time.Duration // the caller's remaining time
	Command     record.Record // OpSubmit
	Body        []byte        // the other ops that carry data
}

// Response answers a Request.
type Response struct {
	Status  Status
	Record  record.Record // OpSubmit, StatusOK
	Body    []byte        // OpTopology, StatusOK
	Message string        // StatusError and others: what went wrong
}

// maxFrame bounds a request or answer (a deployment carries its BPMN).
const maxFrame = 64 << 20

// Frame: len u32 | op or status u8 | fields...
//
//	request:  op | partition u32 | hops u8 | timeout ms u32 | record.Marshal (submit) or body
//	response: status | len(message) u32 | message | body (record.Marshal or topology)
func writeFrame(w *bufio.Writer, payload []byte) error {
	if len(payload) > maxFrame {
		return fmt.Errorf("cluster: frame of %d bytes", len(payload))
	}
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(payload)))
	w.Write(n[:])
	w.Write(payload)
	return w.Flush()
}

func readFrame(r *bufio.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxFrame {
		return nil, fmt.Errorf("cluster: frame of %d bytes", size)
	}
	b := make([]byte, size)
	_, err := io.ReadFull(r, b)
	return b, err
}

func encodeRequest(req Request) ([]byte, error) {
	b := []byte{byte(req.Op)}
	b = binary.BigEndian.AppendUint32(b, uint32(req.PartitionID))
	b = append(b, req.Hops)
	b = binary.BigEndian.AppendUint32(b, uint32(req.Timeout.Milliseconds()))
	if req.Op == OpSubmit {
		rec, err := record.Marshal(req.Command)
		if err != nil {
			return nil, err
		}
		b = append(b, rec...)
	} else {
		b = append(b, req.Body...)
	}
	return b, nil
}

var errBadFrame = errors.New("broker: malformed internal request")

func decodeRequest(b []byte) (Request, error) {
	if len(b) < 10 {
		return Request{}, errBadFrame
	}
	req := Request{
		Op: Op(b[0]), PartitionID: int32(binary.BigEndian.Uint32(b[1:])), Hops: b[5],
		Timeout: time.Duration(binary.BigEndian.Uint32(b[6:])) * time.Millisecond,
	}
	if req.Op == OpSubmit {
		rec, err := record.Unmarshal(b[10:])
		if err != nil {
			return req, fmt.Errorf("%w: %v", errBadFrame, err)
		}
		req.Command = rec
	} else if len(b) > 10 {
		req.Body = b[10:]
	}
	return req, nil
}

func encodeResponse(op Op, resp Response) ([]byte, error) {
	b := []byte{byte(resp.Status)}
	b = binary.BigEndian.AppendUint32(b, uint32(len(resp.Message)))
	b = append(b, resp.Message...)
	if resp.Status != StatusOK {
		return b, nil
	}
	if op == OpSubmit {
		rec, err := record.Marshal(resp.Record)
		if err != nil {
			return nil, err
		}
		return append(b, rec...), nil
	}
	return append(b, resp.Body...), nil
}

func decodeResponse(op Op, b []byte) (Response, error) {
	if len(b) < 5 {
		return Response{}, errBadFrame
	}
	resp := Response{Status: Status(b[0])}
	n := binary.BigEndian.Uint32(b[1:])
	if uint32(len(b)-5) < n {
		return resp, errBadFrame
	}
	resp.Message, b = string(b[5:5+n]), b[5+n:]
	if resp.Status != StatusOK {
		return resp, nil
	}
	if op == OpSubmit {
		rec, err := record.Unmarshal(b)
		if err != nil {
			return resp, fmt.Errorf("%w: %v", errBadFrame, err)
		}
		resp.Record = rec
		return resp, nil
	}
	resp.Body = b
	return resp, nil
}

// Handler serves one broker request; ctx ends with the caller's timeout.
type Handler func(ctx context.Context, req Request) Response

// serveSequential answers the requests of one kind 'C' connection, one
// after the other.
func serveSequential(h Handler) func(net.Conn) {
	return func(c net.Conn) {
		r, w := bufio.NewReader(c), bufio.NewWriter(c)
		for {
			b, err := readFrame(r)
			if err != nil {
				return
			}
			if writeFrame(w, handle(h, b)) != nil {
				return
			}
		}
	}
}

// Client sends broker requests to other nodes: over one multiplexed
// connection per node (muxclient.go), or to a node too old for that over
// connections of one request at a time, kept idle per address.
type Client struct {
	mu    sync.Mutex
	idle  map[string][]net.Conn
	muxes map[string]*muxConn
	// old holds, per address, until when to use one-request connections
	// (the node there did not know multiplexed ones).
	old     map[string]time.Time
	dialing map[string]*sync.Mutex // held while dialling an address
	closed  bool
}

// maxIdle bounds the idle connections kept per address.
const maxIdle = 8

// NewClient returns a client with no connections yet.
func NewClient() *Client {
	return &Client{idle: make(map[string][]net.Conn), muxes: make(map[string]*muxConn),
		old: make(map[string]time.Time), dialing: make(map[string]*sync.Mutex)}
}

// doSequential sends one request on a connection of its own (kind 'C'),
// taken from the idle ones or dialled, and waits for its answer.
func (c *Client) doSequential(ctx context.Context, address string, op Op, payload []byte, deadline time.Time) (Response, error) {
	conn, err := c.get(address, time.Until(deadline))
	if err != nil {
		return Response{}, fmt.Errorf("%w: %s: %v", ErrUnreachable, address, err)
	}
	// A little beyond the callee's own timeout, so its answer can arrive.
	_ = conn.SetDeadline(deadline.Add(time.Second))
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
	var b []byte
	if err = writeFrame(w, payload); err == nil {
		b, err = readFrame(r)
	}
	if err != nil {
		conn.Close()
		c.dropIdle(address) // likely as stale as this one
		if ctx.Err() != nil {
			return Response{}, ctx.Err()
		}
		return Response{}, fmt.Errorf("cluster: request to %s: %w", address, err)
	}
	if !stop() { // ctx ended just as the answer came: the deadline is spoiled
		conn.Close()
	} else {
		_ = conn.SetDeadline(time.Time{})
		c.put(address, conn)
	}
	return decodeResponse(op, b)
}

func (c *Client) get(address string, timeout time.Duration) (net.Conn, error) {
	for {
		c.mu.Lock()
		idle := c.idle[address]
		if len(idle) == 0 {
			c.mu.Unlock()
			break
		}
		conn := idle[len(idle)-1]
		c.idle[address] = idle[:len(idle)-1]
		c.mu.Unlock()
		// A connection the peer closed (it restarted) must not carry a
		// request: the request would fail with EOF, and nobody could tell
		// whether it ran (net/http checks the same).
		if peerOpen(conn) {
			return conn, nil
		}
		conn.Close()
	}
	return dial(address, kindClient, 0, min(timeout, 5*time.Second))
}

func (c *Client) put(address string, conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.idle[address]) >= maxIdle {
		conn.Close()
		return
	}
	c.idle[address] = append(c.idle[address], conn)
}

func (c *Client) dropIdle(address string) {
	c.mu.Lock()
	idle := c.idle[address]
	delete(c.idle, address)
	c.mu.Unlock()
	for _, conn := range idle {
		conn.Close()
	}
}

// Close closes the connections; requests in flight fail.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	muxes := c.muxes
	c.muxes = make(map[string]*muxConn)
	for _, conns := range c.idle {
		for _, conn := range conns {
			conn.Close()
		}
	}
	c.idle = make(map[string][]net.Conn)
	c.mu.Unlock()
	for _, m := range muxes {
		m.close()
	}
}

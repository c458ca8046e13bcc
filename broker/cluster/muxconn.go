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
)

// Multiplexed request connections (kind 'M'): many requests in flight on one
// connection per peer, answered in any order. The acceptor answers the
// header with one byte (muxAck) before anything is sent, so a client that
// reaches a node too old to know the kind sees the connection closed instead
// and falls back to kind 'C' without having sent a request.
//
//	frame:  len u32 | id u64 | body      (len counts id and body)
//	request body: as encodeRequest; response body: as encodeResponse
//	id 0 from the acceptor: go-away, body = the last request id it read (u64)
//
// The acceptor sends a go-away when it stops reading (the peer closed, or the
// node is shutting down); it still answers every request it read. A request
// with a higher id was never read: the client fails it with ErrUnreachable,
// so the caller may send it again. Each side writes with one goroutine that
// sends every frame queued meanwhile in one write.

const (
	kindMux = 'M'
	muxAck  = 'M'
	// goAwayID is the frame id of the acceptor's go-away.
	goAwayID = 0
)

// writeTimeout bounds one write of queued frames: a peer that stops reading
// breaks the connection instead of stalling every request behind it.
var writeTimeout = 10 * time.Second

// frameWriter queues frames and writes them from one goroutine, as many as
// are queued in one writev.
type frameWriter struct {
	c    net.Conn
	mu   sync.Mutex
	q    net.Buffers
	ids  []uint64
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
	// written is called with the ids of frames about to be written (under
	// no lock of the writer's); if it returns false they are dropped.
	written func(ids []uint64) bool
	// failed is called once when a write fails.
	failed func(error)
}

func newFrameWriter(c net.Conn, written func([]uint64) bool, failed func(error)) *frameWriter {
	w := &frameWriter{c: c, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		written: written, failed: failed}
	go w.run()
	return w
}

// send queues one frame: id and body.
func (w *frameWriter) send(id uint64, body []byte) {
	f := make([]byte, 12, 12+len(body))
	binary.BigEndian.PutUint32(f, uint32(8+len(body)))
	binary.BigEndian.PutUint64(f[4:], id)
	f = append(f, body...)
	w.mu.Lock()
	w.q = append(w.q, f)
	w.ids = append(w.ids, id)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// close writes what is queued and stops the writer.
func (w *frameWriter) close() {
	close(w.stop)
	<-w.done
}

func (w *frameWriter) run() {
	defer close(w.done)
	for {
		select {
		case <-w.wake:
		case <-w.stop:
			w.flush() // what was queued before close
			return
		}
		if !w.flush() {
			// Broken: drop what comes until close.
			for {
				select {
				case <-w.wake:
					w.take()
				case <-w.stop:
					return
				}
			}
		}
	}
}

func (w *frameWriter) take() (net.Buffers, []uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	q, ids := w.q, w.ids
	w.q, w.ids = nil, nil
	return q, ids
}

// flush writes the queued frames; false once a write failed.
func (w *frameWriter) flush() bool {
	q, ids := w.take()
	if len(q) == 0 {
		return true
	}
	if w.written != nil && !w.written(ids) {
		return false
	}
	_ = w.c.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := q.WriteTo(w.c); err != nil {
		if w.failed != nil {
			w.failed(err)
		}
		return false
	}
	return true
}

// readMuxFrame reads one frame: its id and body.
func readMuxFrame(r *bufio.Reader) (uint64, []byte, error) {
	b, err := readFrame(r)
	if err != nil {
		return 0, nil, err
	}
	if len(b) < 8 {
		return 0, nil, errBadFrame
	}
	return binary.BigEndian.Uint64(b), b[8:], nil
}

// serveMultiplexed answers the requests of one kind 'M' connection, each in
// its own goroutine, until the peer closes it or reading fails (Mux.Close
// sets a read deadline); then it sends a go-away naming the last request
// read, waits for the answers of those read, and closes.
func serveMultiplexed(c net.Conn, h Handler) {
	w := newFrameWriter(c, nil, nil)
	defer c.Close()
	defer w.close() // after the handlers: their answers go out first
	if _, err := c.Write([]byte{muxAck}); err != nil {
		return
	}
	r := bufio.NewReader(c)
	var handlers sync.WaitGroup
	defer handlers.Wait()
	var last uint64
	for {
		id, body, err := readMuxFrame(r)
		if err != nil || id == goAwayID {
			break
		}
		last = id
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			w.send(id, handle(h, body))
		}()
	}
	w.send(goAwayID, binary.BigEndian.AppendUint64(nil, last))
}

// handle decodes one request, runs h under the caller's timeout and encodes
// the answer.
func handle(h Handler, b []byte) []byte {
	req, err := decodeRequest(b)
	var resp Response
	if err != nil {
		resp = Response{Status: StatusError, Message: err.Error()}
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), req.Timeout)
		resp = h(ctx, req)
		cancel()
	}
	out, err := encodeResponse(req.Op, resp)
	if err != nil {
		out, _ = encodeResponse(req.Op, Response{Status: StatusError, Message: err.Error()})
	}
	return out
}

// Errors of a multiplexed request that got no answer.
var (
	// errNotRead: the peer never read the request (it was not written, or
	// the peer's go-away says it stopped reading before it).
	errNotRead = errors.New("cluster: request not read by the peer")
	// errOld: the peer does not know multiplexed connections.
	errOld = errors.New("cluster: peer does not multiplex requests")
)

// muxConn is the client end of a multiplexed connection.
type muxConn struct {
	c net.Conn
	w *frameWriter

	mu      sync.Mutex
	pending map[uint64]*call
	nextID  uint64
	// usable is false once the connection broke or the peer sent a
	// go-away: new requests go to a new connection.
	usable bool
	done   chan struct{} // closed when the reader has stopped
}

// call is one request waiting for its answer.
type call struct {
	sent  bool          // handed to the kernel: the peer may have read it
	reply chan muxReply // buffered: the reader never blocks on it
}

type muxReply struct {
	body []byte
	err  error
}

// dialMux opens a multiplexed connection and waits for the peer's ack.
func dialMux(address string, timeout time.Duration) (*muxConn, error) {
	c, err := dial(address, kindMux, 0, timeout)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(timeout))
	ack, err := r.ReadByte()
	switch {
	case errors.Is(err, io.EOF) || (err == nil && ack != muxAck):
		c.Close()
		return nil, errOld
	case err != nil:
		c.Close()
		return nil, err
	}
	_ = c.SetReadDeadline(time.Time{})
	m := &muxConn{c: c, pending: make(map[uint64]*call), usable: true, done: make(chan struct{})}
	m.w = newFrameWriter(c, m.markSent, func(err error) { m.fail(fmt.Errorf("cluster: write to %s: %w", address, err)) })
	go m.read(r, address)
	return m, nil
}

// start registers and queues a request; false if the connection is not
// usable any more.
func (m *muxConn) start(payload []byte) (uint64, *call, bool) {
	m.mu.Lock()
	if !m.usable {
		m.mu.Unlock()
		return 0, nil, false
	}
	m.nextID++
	id := m.nextID
	cl := &call{reply: make(chan muxReply, 1)}
	m.pending[id] = cl
	m.w.send(id, payload) // under mu: frames go out in id order
	m.mu.Unlock()
	return id, cl, true
}

// forget drops a request whose caller stopped waiting.
func (m *muxConn) forget(id uint64) {
	m.mu.Lock()
	delete(m.pending, id)
	m.mu.Unlock()
}

// markSent records that the frames of ids go to the kernel now; false if
// the connection ended meanwhile (their callers were told they were not
// sent, so they must not be).
func (m *muxConn) markSent(ids []uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.usable {
		return false
	}
	for _, id := range ids {
		if cl := m.pending[id]; cl != nil {
			cl.sent = true
		}
	}
	return true
}

// read delivers answers until the connection ends.
func (m *muxConn) read(r *bufio.Reader, address string) {
	defer close(m.done)
	defer m.w.close()
	for {
		id, body, err := readMuxFrame(r)
		if err != nil {
			m.fail(fmt.Errorf("cluster: request to %s: %w", address, err))
			return
		}
		if id == goAwayID {
			if len(body) != 8 {
				m.fail(fmt.Errorf("cluster: request to %s: %w", address, errBadFrame))
				return
			}
			m.goAway(binary.BigEndian.Uint64(body))
			continue
		}
		m.mu.Lock()
		cl := m.pending[id]
		delete(m.pending, id)
		m.mu.Unlock()
		if cl != nil {
			cl.reply <- muxReply{body: body}
		}
	}
}

// goAway: the peer read requests up to last and answers those; the others
// were never read.
func (m *muxConn) goAway(last uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.usable = false
	for id, cl := range m.pending {
		if id > last {
			delete(m.pending, id)
			cl.reply <- muxReply{err: errNotRead}
		}
	}
}

// fail ends the connection: requests not written get errNotRead, the others
// err (the peer may have run them).
func (m *muxConn) fail(err error) {
	m.mu.Lock()
	m.usable = false
	for id, cl := range m.pending {
		delete(m.pending, id)
		if cl.sent {
			cl.reply <- muxReply{err: err}
		} else {
			cl.reply <- muxReply{err: errNotRead}
		}
	}
	m.mu.Unlock()
	m.c.Close()
}

func (m *muxConn) isUsable() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.usable
}

// close ends the connection and waits for its goroutines.
func (m *muxConn) close() {
	m.fail(net.ErrClosed)
	<-m.done
}

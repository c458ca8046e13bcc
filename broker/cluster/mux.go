package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
)

// Connection kinds, the byte after the magic.
const (
	kindRaft   = 'R'
	kindClient = 'C'
)

const (
	magic         = "SHL1"
	headerLen     = len(magic) + 1 + 4
	headerTimeout = 5 * time.Second
)

// ErrLayerClosed is returned by Accept on a closed partition layer.
var ErrLayerClosed = errors.New("broker: raft stream layer closed")

// Mux owns a node's internal listener and hands each incoming connection to
// the raft layer of its partition or to the request handler.
type Mux struct {
	ln        net.Listener
	advertise string
	logger    *slog.Logger
	handler   Handler

	mu     sync.Mutex
	layers map[int32]*Layer
	closed bool
	conns  map[net.Conn]struct{} // handler connections, closed with the mux
	wg     sync.WaitGroup
}

// Listen opens the internal port on bind. advertise is the host:port other
// nodes dial (empty: the listener's own address, fine for 127.0.0.1).
func Listen(bind, advertise string, logger *slog.Logger) (*Mux, error) {
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, fmt.Errorf("cluster: listen %s: %w", bind, err)
	}
	if advertise == "" {
		advertise = ln.Addr().String()
	}
	m := &Mux{ln: ln, advertise: advertise, logger: logger,
		layers: make(map[int32]*Layer), conns: make(map[net.Conn]struct{})}
	m.wg.Add(1)
	go m.accept()
	return m, nil
}

// Addr is the advertised address of the internal port.
func (m *Mux) Addr() string { return m.advertise }

// HandleRequests sets the function that serves broker requests, on
// multiplexed connections and on those of one request at a time. It must be
// set before peers send requests.
func (m *Mux) HandleRequests(h Handler) {
	m.mu.Lock()
	m.handler = h
	m.mu.Unlock()
}

// Layer returns the raft stream layer of partitionID, creating it.
func (m *Mux) Layer(partitionID int32) *Layer {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := &Layer{mux: m, id: partitionID, conns: make(chan net.Conn, 16), done: make(chan struct{})}
	m.layers[partitionID] = l
	return l
}

// Close stops the listener, lets the request connections finish the request
// they are serving (their answers matter: a caller cannot tell a lost answer
// from a lost command), and closes them.
func (m *Mux) Close() error {
	err := m.ln.Close()
	m.mu.Lock()
	m.closed = true
	for c := range m.conns {
		_ = c.SetReadDeadline(time.Now()) // wakes idle ones; busy ones finish first
	}
	m.mu.Unlock()
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		m.mu.Lock()
		for c := range m.conns {
			c.Close()
		}
		m.mu.Unlock()
		<-done
	}
	return err
}

func (m *Mux) accept() {
	defer m.wg.Done()
	for {
		c, err := m.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			m.logger.Warn("internal port accept failed", "err", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		go m.route(c)
	}
}

// route reads the header under a deadline and hands the connection on.
func (m *Mux) route(c net.Conn) {
	var hdr [headerLen]byte
	_ = c.SetReadDeadline(time.Now().Add(headerTimeout))
	if _, err := io.ReadFull(c, hdr[:]); err != nil || string(hdr[:len(magic)]) != magic {
		c.Close()
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	kind, id := hdr[len(magic)], int32(binary.BigEndian.Uint32(hdr[len(magic)+1:]))
	m.mu.Lock()
	layer, handler, closed := m.layers[id], m.handler, m.closed
	requests := kind == kindClient || kind == kindMux
	if requests && !closed && handler != nil {
		m.conns[c] = struct{}{}
		m.wg.Add(1)
	}
	m.mu.Unlock()
	switch {
	case closed:
		c.Close()
	case kind == kindRaft && layer != nil:
		layer.deliver(c)
	case requests && handler != nil:
		defer m.wg.Done()
		if kind == kindMux {
			serveMultiplexed(c, handler)
		} else {
			serveSequential(handler)(c)
		}
		c.Close()
		m.mu.Lock()
		delete(m.conns, c)
		m.mu.Unlock()
	default:
		c.Close()
	}
}

// dial connects to a node's internal port and writes the header.
func dial(address string, kind byte, partitionID int32, timeout time.Duration) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", address, timeout)
	if err != nil {
		return nil, err
	}
	hdr := make([]byte, 0, headerLen)
	hdr = append(append(hdr, magic...), kind)
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(partitionID))
	_ = c.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := c.Write(hdr); err != nil {
		c.Close()
		return nil, err
	}
	_ = c.SetWriteDeadline(time.Time{})
	return c, nil
}

// Layer is one partition's raft.StreamLayer over the shared port.
type Layer struct {
	mux   *Mux
	id    int32
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
}

var _ raft.StreamLayer = (*Layer)(nil)

func (l *Layer) deliver(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.done:
		c.Close()
	}
}

// Accept waits for the next raft connection of this partition.
func (l *Layer) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, ErrLayerClosed
	}
}

// Close stops this layer only; the shared listener stays open.
func (l *Layer) Close() error {
	l.once.Do(func() {
		close(l.done)
		l.mux.mu.Lock()
		if l.mux.layers[l.id] == l {
			delete(l.mux.layers, l.id)
		}
		l.mux.mu.Unlock()
	})
	return nil
}

// Addr is the node's advertised internal address: raft puts it in the
// configuration, and peers dial it.
func (l *Layer) Addr() net.Addr { return advertised(l.mux.advertise) }

// Dial opens a raft connection to this partition on the node at address.
func (l *Layer) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	return dial(string(address), kindRaft, l.id, timeout)
}

// advertised is a net.Addr that prints as the advertised host:port.
type advertised string

func (a advertised) Network() string { return "tcp" }
func (a advertised) String() string  { return string(a) }

// Transport returns a raft transport for partitionID over the shared port.
func (m *Mux) Transport(partitionID int32, logger hclog.Logger) *raft.NetworkTransport {
	return raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream:  m.Layer(partitionID),
		MaxPool: 3,
		Timeout: 10 * time.Second,
		Logger:  logger,
	})
}

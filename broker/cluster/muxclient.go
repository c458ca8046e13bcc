package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// oldPeerRetry is how long a node that refused a multiplexed connection is
// sent one-request connections before it is tried again (it may have been
// upgraded meanwhile).
const oldPeerRetry = time.Minute

// Do sends req to the node at address and waits for its answer until ctx
// ends. req.Timeout is taken from ctx's deadline (30 s without one). An
// error wrapping ErrUnreachable means the node never read the request, so
// it may be sent again; any other error after sending leaves it unknown
// whether the node ran it.
func (c *Client) Do(ctx context.Context, address string, req Request) (Response, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(time.Second))
		defer cancel()
	}
	req.Timeout = time.Until(deadline)
	if req.Timeout <= 0 {
		return Response{}, context.DeadlineExceeded
	}
	payload, err := encodeRequest(req)
	if err != nil {
		return Response{}, err
	}
	if c.useOld(address) {
		return c.doSequential(ctx, address, req.Op, payload, deadline)
	}
	// A request the node never read (the connection broke before it was
	// written, or the node's go-away came first: a restarted node's old
	// connection) is sent once more on a new connection.
	for attempt := 0; ; attempt++ {
		m, err := c.mux(address, time.Until(deadline))
		if errors.Is(err, errOld) {
			return c.doSequential(ctx, address, req.Op, payload, deadline)
		}
		if err != nil {
			return Response{}, fmt.Errorf("%w: %s: %v", ErrUnreachable, address, err)
		}
		id, cl, ok := m.start(payload)
		if !ok {
			c.drop(address, m)
			if attempt == 0 {
				continue
			}
			return Response{}, fmt.Errorf("%w: %s: connection closing", ErrUnreachable, address)
		}
		select {
		case rep := <-cl.reply:
			switch {
			case errors.Is(rep.err, errNotRead):
				c.drop(address, m)
				if attempt == 0 {
					continue
				}
				return Response{}, fmt.Errorf("%w: %s: %v", ErrUnreachable, address, rep.err)
			case rep.err != nil:
				c.drop(address, m)
				return Response{}, rep.err
			}
			return decodeResponse(req.Op, rep.body)
		case <-ctx.Done():
			m.forget(id)
			return Response{}, ctx.Err()
		}
	}
}

// useOld reports whether address gets one-request connections.
func (c *Client) useOld(address string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.old[address]
	if ok && time.Now().After(until) {
		delete(c.old, address)
		return false
	}
	return ok
}

// mux returns the usable multiplexed connection to address, dialling one
// if there is none (one dial at a time per address).
func (c *Client) mux(address string, timeout time.Duration) (*muxConn, error) {
	m, dialMu, err := c.current(address)
	if m != nil || err != nil {
		return m, err
	}
	dialMu.Lock()
	defer dialMu.Unlock()
	if m, _, err := c.current(address); m != nil || err != nil {
		return m, err // dialled by the caller before us
	}
	m, err = dialMux(address, min(timeout, 5*time.Second))
	if errors.Is(err, errOld) {
		c.mu.Lock()
		c.old[address] = time.Now().Add(oldPeerRetry)
		c.mu.Unlock()
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		go m.close()
		return nil, errClientClosed
	}
	c.muxes[address] = m
	return m, nil
}

var errClientClosed = errors.New("cluster: client closed")

// current returns the usable connection to address, or the mutex to hold
// while dialling one.
func (c *Client) current(address string) (*muxConn, *sync.Mutex, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, nil, errClientClosed
	}
	if m := c.muxes[address]; m != nil && m.isUsable() {
		return m, nil, nil
	}
	dm := c.dialing[address]
	if dm == nil {
		dm = new(sync.Mutex)
		c.dialing[address] = dm
	}
	return nil, dm, nil
}

// drop forgets m as the connection to address if it is not usable any
// more. Its reader goes on until the peer closes it, so that the answers
// of requests the peer read still arrive.
func (c *Client) drop(address string, m *muxConn) {
	if m.isUsable() {
		return
	}
	c.mu.Lock()
	if c.muxes[address] == m {
		delete(c.muxes, address)
	}
	c.mu.Unlock()
}

package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Embedded is a temporary single Shoal node run as a child process: the
// real `shoal start` on a temporary data directory and free loopback ports,
// with fsync on as always. Close stops it and removes its data.
type Embedded struct {
	// Address is the node's gateway ("http://127.0.0.1:PORT").
	Address string
	// PID is the node's process id, for /proc.
	PID int

	cmd     *exec.Cmd
	args    []string
	env     []string
	binary  string
	ready   time.Duration
	dataDir string
	stderr  *tailBuffer
	exited  chan error
}

// EmbeddedOptions says how to start an embedded node.
type EmbeddedOptions struct {
	// Binary is the shoal executable (os.Executable() for `shoal bench`).
	Binary string
	// Args are passed before the node's own flags; a test binary that acts
	// as shoal uses them (nil for the real binary).
	Args []string
	// Env is added to this process's environment for the child.
	Env []string
	// Partitions is the node's partition count; default 1.
	Partitions int
	// Ready bounds the wait for the node to have a leader; default 30s.
	Ready time.Duration
}

// StartEmbedded starts a node and waits until it is ready.
func StartEmbedded(ctx context.Context, o EmbeddedOptions) (*Embedded, error) {
	if o.Partitions <= 0 {
		o.Partitions = 1
	}
	if o.Ready <= 0 {
		o.Ready = 30 * time.Second
	}
	dir, err := os.MkdirTemp("", "shoal-bench-")
	if err != nil {
		return nil, fmt.Errorf("embedded node: %w", err)
	}
	httpAddr, err1 := freePort()
	internalAddr, err2 := freePort()
	if err := errors.Join(err1, err2); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("embedded node: free port: %w", err)
	}
	args := append(append([]string{}, o.Args...), "start",
		"--data-dir", dir, "--http-addr", httpAddr, "--internal-addr", internalAddr,
		"--partitions", fmt.Sprint(o.Partitions), "--log-level", "warn",
		"--raft-heartbeat-timeout", "200ms", "--raft-election-timeout", "200ms", "--raft-leader-lease-timeout", "100ms")
	e := &Embedded{Address: "http://" + httpAddr, dataDir: dir, stderr: &tailBuffer{max: 8 << 10},
		binary: o.Binary, args: args, env: append(os.Environ(), o.Env...), ready: o.Ready}
	if err := e.start(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return e, nil
}

// start runs the node process and waits until it is ready.
func (e *Embedded) start(ctx context.Context) error {
	e.exited = make(chan error, 1)
	e.cmd = exec.Command(e.binary, e.args...)
	e.cmd.Env = e.env
	e.cmd.Stdout, e.cmd.Stderr = e.stderr, e.stderr
	if err := e.cmd.Start(); err != nil {
		return fmt.Errorf("embedded node: start %s: %w", e.binary, err)
	}
	e.PID = e.cmd.Process.Pid
	go func() { e.exited <- e.cmd.Wait() }()
	if err := e.waitReady(ctx, e.ready); err != nil {
		e.stop()
		return err
	}
	return nil
}

// Restart stops the node (SIGTERM) and starts it again on the same data
// directory and ports, and waits until it is ready.
func (e *Embedded) Restart(ctx context.Context) error {
	if err := e.stop(); err != nil {
		return err
	}
	return e.start(ctx)
}

// waitReady polls GET /ready until it answers 200.
func (e *Embedded) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	hc := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.Address+"/ready", nil)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-e.exited:
			e.exited <- err
			return fmt.Errorf("embedded node exited before it was ready (%v): %s", err, e.stderr.String())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("embedded node not ready after %v: %s", limit, e.stderr.String())
		}
	}
}

// Close stops the node (SIGTERM, then SIGKILL after 15 s) and removes its
// data directory.
func (e *Embedded) Close() error {
	defer os.RemoveAll(e.dataDir)
	return e.stop()
}

// stop stops the node: SIGTERM, then SIGKILL after 15 s.
func (e *Embedded) stop() error {
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-e.exited:
		e.exited <- err
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return fmt.Errorf("embedded node: %w", err)
		}
		if err != nil {
			return fmt.Errorf("embedded node: %w: %s", err, e.stderr.String())
		}
		return nil
	case <-time.After(15 * time.Second):
		_ = e.cmd.Process.Kill()
		return fmt.Errorf("embedded node did not stop in 15s; killed: %s", e.stderr.String())
	}
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tailBuffer keeps the last max bytes written to it (a child's output).
type tailBuffer struct {
	mu  sync.Mutex
	b   bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if extra := t.b.Len() - t.max; extra > 0 {
		t.b.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}

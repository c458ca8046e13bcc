package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/gateway"
	"github.com/shoalbpm/shoal/gateway/client"
)

const chargeBPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://shoal.dev/test">
  <bpmn:process id="order" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="charge"><bpmn:extensionElements><zeebe:taskDefinition type="charge" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="charge" />
    <bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`

// lockedBuffer is a log sink safe for the worker's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCLIAgainstARealNode deploys with `shoal deploy`, works with the
// worker command's shell handler and creates with `shoal create
// --with-result`, against a real node behind the gateway.
func TestCLIAgainstARealNode(t *testing.T) {
	node, err := broker.NewNode(broker.Config{
		DataDir: t.TempDir(), InternalBind: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond, LeaderLeaseTimeout: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.New(node, gateway.Config{})
	srv := httptest.NewServer(gw.Handler())
	defer func() {
		gw.Close()
		srv.Close()
		node.Close()
	}()
	for deadline := time.Now().Add(10 * time.Second); !node.Ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("node not ready")
		}
	}
	file := filepath.Join(t.TempDir(), "order.bpmn")
	os.WriteFile(file, []byte(chargeBPMN), 0o644)
	if out, errOut, code := runShoal(t, "deploy", "--address", srv.URL, file); code != 0 || !strings.Contains(out, "deployed order version 1") {
		t.Fatalf("deploy: %d %q %q", code, out, errOut)
	}

	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	var logs lockedBuffer
	go func() {
		defer close(stopped)
		runWorker(ctx, &logs, client.New(srv.URL), "charge",
			[]string{`sed 's/"amount"/"charged"/'`}, // the variables in, renamed, out
			client.WorkerOptions{MaxActiveJobs: 2}, srv.URL)
	}()
	out, errOut, code := runShoal(t, "create", "order", "--address", srv.URL, "--vars", `{"amount": 21}`, "--with-result", "--timeout", "20s", "--json")
	stop()
	<-stopped
	if code != 0 {
		t.Fatalf("create: %d %q %q\nworker log:\n%s", code, out, errOut, logs.String())
	}
	var pi struct {
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal([]byte(out), &pi); err != nil {
		t.Fatalf("create --json printed %q: %v", out, err)
	}
	if pi.Variables["charged"] != 21.0 || pi.Variables["amount"] != 21.0 {
		t.Fatalf("variables = %v, want charged set by the command\nworker log:\n%s", pi.Variables, logs.String())
	}
	if !strings.Contains(logs.String(), "worker stopped") {
		t.Fatalf("worker did not stop gracefully:\n%s", logs.String())
	}
}

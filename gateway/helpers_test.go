package gateway

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

// testGateway serves a gateway over real HTTP on a fake cluster.
type testGateway struct {
	t       *testing.T
	cluster *fakecluster.Cluster
	gw      *Server
	srv     *httptest.Server
}

func newTestGateway(t *testing.T, partitions int32, cfg Config) *testGateway {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	fc := fakecluster.New(partitions)
	gw := New(fc, cfg)
	srv := httptest.NewServer(gw.Handler())
	t.Cleanup(func() {
		gw.Close()
		srv.Close()
	})
	return &testGateway{t: t, cluster: fc, gw: gw, srv: srv}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request the way Camunda's JS SDK does: an empty Authorization
// header, and a JSON content type whenever there is a body.
func (g *testGateway) do(method, path string, body string) answer {
	g.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, g.srv.URL+path, r)
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Authorization", "")
	req.Header.Set("Content-Type", "application/json")
	return g.send(req)
}

func (g *testGateway) send(req *http.Request) answer {
	g.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// decode unmarshals the answer's body, failing the test on bad JSON.
func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, a.body)
	}
}

// wantStatus fails unless the answer has the status.
func (a answer) wantStatus(t *testing.T, status int) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body: %s", a.status, status, a.body)
	}
}

// wantProblem checks an RFC 9457 answer: status, title, and that the detail
// contains every given fragment.
func (a answer) wantProblem(t *testing.T, status int, title string, detail ...string) Problem {
	t.Helper()
	a.wantStatus(t, status)
	if ct := a.header.Get("Content-Type"); ct != problemContentType {
		t.Fatalf("content-type = %q, want %q", ct, problemContentType)
	}
	var p Problem
	a.decode(t, &p)
	if p.Status != status || p.Title != title || p.Type != "about:blank" || p.Instance == "" {
		t.Fatalf("problem = %+v, want status %d title %q with type and instance", p, status, title)
	}
	for _, d := range detail {
		if !strings.Contains(p.Detail, d) {
			t.Fatalf("problem detail %q does not contain %q", p.Detail, d)
		}
	}
	return p
}

// eventually polls cond until it holds or 5s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(b))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var fakeReject = fakecluster.Reject

package gateway

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

func TestReadBodyReadsEveryByteHoweverItArrives(t *testing.T) {
	long := strings.Repeat("0123456789", 10_000) // beyond any pooled buffer
	for _, tt := range []struct {
		name   string
		body   string
		length int64 // -1: not declared (chunked)
		reader func(io.Reader) io.Reader
	}{
		{"declared", `{"a":1}`, 7, nil},
		{"chunked", `{"a":1}`, -1, nil},
		{"empty", "", 0, nil},
		{"byte by byte", `{"abc":[1,2,3]}`, -1, iotest.OneByteReader},
		{"half reads", long, int64(len(long)), iotest.HalfReader},
		{"longer than the buffer, chunked", long, -1, nil},
		{"data with EOF", long, -1, iotest.DataErrReader},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r io.Reader = strings.NewReader(tt.body)
			if tt.reader != nil {
				r = tt.reader(r)
			}
			req := httptest.NewRequest(http.MethodPost, "/", r)
			req.ContentLength = tt.length
			got, err := readBody(make([]byte, 0, 16), req)
			if err != nil || string(got) != tt.body {
				t.Fatalf("read %d bytes (%v), want %d", len(got), err, len(tt.body))
			}
		})
	}
	boom := errors.New("boom")
	req := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader("{"), iotest.ErrReader(boom)))
	if _, err := readBody(nil, req); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the reader's error", err)
	}
}

func TestLargeChunkedBodyUnderTheLimitIsRead(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	body := `{"processDefinitionId":"p","variables":{"x":"` + strings.Repeat("a", 100_000) + `"}}`
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/v2/process-instances", strings.NewReader(body))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	var got string
	g.cluster.Handle(record.ProcessInstanceCreation, record.Create, func(p int32, cmd record.Record) (record.Record, error) {
		v := cmd.Value.(*record.ProcessInstanceCreationRecord)
		got, _ = v.Variables["x"].(string)
		return fakecluster.Answer(cmd, record.Event, record.Created, v), nil
	})
	g.send(req).wantStatus(t, http.StatusOK)
	if len(got) != 100_000 {
		t.Fatalf("the command carried a variable of %d bytes, want 100000", len(got))
	}
}

func TestRequestsAreLoggedAtDebugLevel(t *testing.T) {
	var logs bytes.Buffer
	g := newTestGateway(t, 1, Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	g.do(http.MethodGet, "/v2/no-such-thing", "").wantStatus(t, http.StatusNotFound)
	if line := logs.String(); !strings.Contains(line, "msg=request") || !strings.Contains(line, "path=/v2/no-such-thing") || !strings.Contains(line, "status=404") {
		t.Fatalf("debug log = %q, want the request with its path and status", line)
	}
}

func TestRequestLogCostsNothingWhenDebugIsOff(t *testing.T) {
	s := New(nil, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	h := s.logRequests(func(c echo.Context) error { return nil })
	c := s.echo.NewContext(httptest.NewRequest(http.MethodPost, "/v2/jobs/1/completion", nil), httptest.NewRecorder())
	if allocs := testing.AllocsPerRun(100, func() { _ = h(c) }); allocs != 0 {
		t.Fatalf("the request log allocates %.0f times per request with debug off, want 0", allocs)
	}
}

// topologyCounter counts the calls of Topology, which a node builds afresh
// on every call.
type topologyCounter struct {
	broker.Cluster
	calls atomic.Int32
}

func (c *topologyCounter) Topology() broker.Topology {
	c.calls.Add(1)
	return c.Cluster.Topology()
}

func TestCreationsSpreadOverPartitionsReadingTheTopologyOnce(t *testing.T) {
	fc := fakecluster.New(3)
	counter := &topologyCounter{Cluster: fc}
	g := &testGateway{t: t, cluster: fc, gw: New(counter, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})}
	g.srv = httptest.NewServer(g.gw.Handler())
	defer g.srv.Close()
	defer g.gw.Close()
	partitions := map[int32]int{}
	fc.Handle(record.ProcessInstanceCreation, record.Create, func(p int32, cmd record.Record) (record.Record, error) {
		partitions[p]++
		return fakecluster.Answer(cmd, record.Event, record.Created, cmd.Value), nil
	})
	for range 6 {
		g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionId":"p"}`).wantStatus(t, http.StatusOK)
	}
	if len(partitions) != 3 || partitions[1] != 2 || partitions[2] != 2 || partitions[3] != 2 {
		t.Fatalf("creations per partition = %v, want 2 on each of 3", partitions)
	}
	if n := counter.calls.Load(); n != 1 {
		t.Fatalf("the topology was read %d times for 6 creations, want once", n)
	}
}

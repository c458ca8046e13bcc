package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// openStream opens a push stream and returns a channel of job keys read
// from it, and a function that disconnects.
func (g *testGateway) openStream(body string) (<-chan string, func()) {
	g.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, g.srv.URL+"/v2/jobs/stream", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ndjsonContentType {
		g.t.Fatalf("stream answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	keys := make(chan string, 100)
	go func() {
		defer close(keys)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			var j struct {
				JobKey string `json:"jobKey"`
			}
			if json.Unmarshal(sc.Bytes(), &j) == nil {
				keys <- j.JobKey
			}
		}
	}()
	return keys, cancel
}

func nextKey(t *testing.T, keys <-chan string) string {
	t.Helper()
	select {
	case k := <-keys:
		return k
	case <-time.After(5 * time.Second):
		t.Fatal("no job pushed")
	}
	return ""
}

func noKey(t *testing.T, keys <-chan string, why string) {
	t.Helper()
	select {
	case k := <-keys:
		t.Fatalf("job %s pushed, but %s", k, why)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestStreamPushesJobsUpToCapacityAndCreditsComeBackOnCompletion(t *testing.T) {
	g := newTestGateway(t, 2, Config{})
	keys, stop := g.openStream(`{"type":"pay","worker":"w","timeout":60000,"capacity":2}`)
	defer stop()
	eventually(t, "the stream to wait for jobs", func() bool { return g.cluster.Watchers("pay") == 1 })

	g.cluster.AddJob(1, "pay", nil)
	first := nextKey(t, keys)
	g.cluster.AddJob(2, "pay", nil)
	second := nextKey(t, keys)
	g.cluster.AddJob(1, "pay", nil)
	noKey(t, keys, "the worker holds its capacity of 2")

	g.do(http.MethodPost, "/v2/jobs/"+first+"/completion", `{}`).wantStatus(t, http.StatusNoContent)
	third := nextKey(t, keys)
	if third == first || third == second {
		t.Fatalf("pushed %s again", third)
	}
	g.do(http.MethodPost, "/v2/jobs/"+second+"/failure", `{"retries":1}`).wantStatus(t, http.StatusNoContent)
	if again := nextKey(t, keys); again != second {
		t.Fatalf("pushed %s, want the failed job %s, activatable again with retries left", again, second)
	}
}

func TestStreamDisconnectYieldsHeldJobsAtOnce(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	keys, stop := g.openStream(`{"type":"pay","worker":"w","timeout":600000,"capacity":5}`)
	k1 := g.cluster.AddJob(1, "pay", nil)
	k2 := g.cluster.AddJob(1, "pay", nil)
	nextKey(t, keys)
	nextKey(t, keys)
	if g.cluster.JobState(k1) != "activated" || g.cluster.JobState(k2) != "activated" {
		t.Fatal("jobs not activated")
	}
	stop()
	eventually(t, "the held jobs to be yielded", func() bool {
		return g.cluster.JobState(k1) == "activatable" && g.cluster.JobState(k2) == "activatable"
	})
	eventually(t, "the stream to unregister", func() bool { return g.gw.jobs.Streams() == 0 })

	// Another worker gets them at once.
	keys2, stop2 := g.openStream(`{"type":"pay","worker":"w2","timeout":600000,"capacity":5}`)
	defer stop2()
	got := map[string]bool{nextKey(t, keys2): true, nextKey(t, keys2): true}
	if !got[itoa(k1)] || !got[itoa(k2)] {
		t.Fatalf("second worker got %v", got)
	}
}

func TestStreamProblems(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	tests := []struct{ body, field string }{
		{`{"type":"pay","timeout":1000}`, "capacity"},
		{`{"timeout":1000,"capacity":1}`, "type"},
		{`{"type":"pay","capacity":1}`, "timeout"},
	}
	for _, tt := range tests {
		g.do(http.MethodPost, "/v2/jobs/stream", tt.body).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", tt.field)
	}
}

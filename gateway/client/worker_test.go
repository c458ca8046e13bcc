package client

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWorkerFallsBackToLongPollingWithoutStream runs a worker against a
// gateway that, like Camunda's, has no push stream.
func TestWorkerFallsBackToLongPollingWithoutStream(t *testing.T) {
	var (
		mu        sync.Mutex
		pending   = []string{"1", "2", "3"}
		completed = map[string]bool{}
	)
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.URL.Path == "/v2/jobs/stream":
			problem(w, http.StatusNotFound, "NOT_FOUND", "No such endpoint")
		case r.URL.Path == "/v2/jobs/activation":
			var jobs []string
			for _, k := range pending {
				jobs = append(jobs, `{"jobKey":"`+k+`","type":"pay","retries":3}`)
			}
			pending = nil
			w.Write([]byte(`{"jobs":[` + strings.Join(jobs, ",") + `]}`))
		case strings.HasSuffix(r.URL.Path, "/completion"):
			completed[strings.Split(r.URL.Path, "/")[3]] = true
			w.WriteHeader(http.StatusNoContent)
		default:
			problem(w, http.StatusNotFound, "NOT_FOUND", r.URL.Path)
		}
	})
	w := c.NewJobWorker("pay", func(ctx context.Context, j Job) (any, error) { return nil, nil }, WorkerOptions{})
	defer w.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(completed)
		mu.Unlock()
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("completed %d of 3 jobs", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !w.Polling() {
		t.Fatal("worker did not switch to long polling")
	}
}

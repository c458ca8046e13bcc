package bench

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// wireCounts counts what the load generator's HTTP calls got back.
type wireCounts struct {
	requests     atomic.Int64
	backPressure atomic.Int64 // 503 RESOURCE_EXHAUSTED/UNAVAILABLE and 429, retried or not
	serverErrors atomic.Int64 // other 5xx
	netErrors    atomic.Int64 // the call did not get an answer
}

// countingTransport is an http.RoundTripper that counts answers by kind.
type countingTransport struct {
	next   http.RoundTripper
	counts *wireCounts
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.counts.requests.Add(1)
	resp, err := t.next.RoundTrip(r)
	switch {
	case err != nil:
		if r.Context().Err() == nil { // not our own cancellation at the end
			t.counts.netErrors.Add(1)
		}
	case resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests:
		t.counts.backPressure.Add(1)
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusGatewayTimeout:
		t.counts.serverErrors.Add(1)
	}
	return resp, err
}

// newHTTPClient returns an HTTP client for many concurrent calls to one
// gateway: keep-alive connections for every call in flight (the default
// keeps 2 idle per host and would open and close connections all the time).
func newHTTPClient(counts *wireCounts, conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns
	tr.MaxIdleConnsPerHost = conns
	tr.IdleConnTimeout = time.Minute
	return &http.Client{Transport: &countingTransport{next: tr, counts: counts}}
}

// warnCounter is a slog.Handler that counts records at warn level and above
// (a JobWorker logs a failed completion so) and passes records on to next.
type warnCounter struct {
	next  slog.Handler
	count *atomic.Int64
}

func (h warnCounter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || h.next.Enabled(ctx, l)
}

func (h warnCounter) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.count.Add(1)
	}
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h warnCounter) WithAttrs(a []slog.Attr) slog.Handler {
	return warnCounter{next: h.next.WithAttrs(a), count: h.count}
}

func (h warnCounter) WithGroup(name string) slog.Handler {
	return warnCounter{next: h.next.WithGroup(name), count: h.count}
}

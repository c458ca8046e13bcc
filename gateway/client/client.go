package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client talks to one Shoal gateway. It is safe for concurrent use.
type Client struct {
	base     string
	baseURL  *url.URL // base parsed once (nil: it does not parse; see newRequest)
	http     *http.Client
	direct   http.RoundTripper // http's transport, when http adds nothing to it
	attempts int
	backoff  time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client. It must not set a Timeout: streams and
// long polls outlive any fixed timeout; bound calls with their context.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithRetries sets how many times a call is tried in all when the gateway
// pushes back (503/429) or cannot be reached, and the first back-off, which
// doubles after each try. Default: 5 tries, 100ms.
func WithRetries(attempts int, initialBackoff time.Duration) Option {
	return func(c *Client) {
		if attempts < 1 {
			attempts = 1
		}
		c.attempts, c.backoff = attempts, initialBackoff
	}
}

// New returns a client for the gateway at address ("http://host:8080", or
// "host:8080").
func New(address string, opts ...Option) *Client {
	if !strings.Contains(address, "://") {
		address = "http://" + address
	}
	c := &Client{
		base:     strings.TrimRight(address, "/"),
		http:     &http.Client{},
		attempts: 5,
		backoff:  100 * time.Millisecond,
	}
	for _, o := range opts {
		o(c)
	}
	c.direct = directTransport(c.http)
	if u, err := url.Parse(c.base); err == nil && u.RawQuery == "" && u.Fragment == "" && !strings.HasSuffix(u.Host, ":") {
		c.baseURL = u
	}
	return c
}

// newRequest builds a request for path (escaped) under the base URL. It is
// what http.NewRequestWithContext(ctx, method, c.base+path, body) builds
// (TestNewRequestBuildsWhatNewRequestWithContextBuilds), without parsing
// the whole URL again for every call.
func (c *Client) newRequest(ctx context.Context, method, path string, body []byte, header http.Header) (*http.Request, error) {
	if c.baseURL == nil {
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err == nil {
			req.Header = header
		}
		return req, err
	}
	u := *c.baseURL
	u.RawPath = c.baseURL.EscapedPath() + path
	p, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return nil, fmt.Errorf("%s %s: bad path: %w", method, path, err)
	}
	u.Path = p
	req := &http.Request{
		Method: method, URL: &u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header, Host: u.Host, ContentLength: int64(len(body)),
		Body: http.NoBody, GetBody: noBody,
	}
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return req.WithContext(ctx), nil
}

func noBody() (io.ReadCloser, error) { return http.NoBody, nil }

// directTransport returns h's transport when h has no cookie jar, timeout
// or redirect policy: then http.Client.Do adds nothing the gateway uses (it
// never redirects) but its per-request cost (a copy of the headers for
// redirects, deadline plumbing), and the client calls the transport itself.
// Otherwise nil: requests go through h.Do.
func directTransport(h *http.Client) http.RoundTripper {
	if h.Jar != nil || h.Timeout != 0 || h.CheckRedirect != nil {
		return nil
	}
	if h.Transport == nil {
		return http.DefaultTransport
	}
	return h.Transport
}

// roundTrip sends req through the transport or the HTTP client. Errors read
// as http.Client's do: `Post "http://...": dial tcp ...`.
func (c *Client) roundTrip(req *http.Request) (*http.Response, error) {
	if c.direct == nil {
		return c.http.Do(req)
	}
	resp, err := c.direct.RoundTrip(req)
	if err != nil {
		method := req.Method[:1] + strings.ToLower(req.Method[1:])
		return nil, &url.Error{Op: method, URL: req.URL.String(), Err: err}
	}
	return resp, nil
}

// Problem is an error answer of the gateway (RFC 9457).
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

func (p *Problem) Error() string {
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}

// StatusOf returns the HTTP status of a *Problem error, or 0.
func StatusOf(err error) int {
	var p *Problem
	if errors.As(err, &p) {
		return p.Status
	}
	return 0
}

// IsNotFound tells whether err is a 404 answer.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// request is one call: a JSON body (or raw bytes with a content type).
type request struct {
	method, path string
	json         any
	raw          []byte
	contentType  string
}

func (r request) body() ([]byte, string, error) {
	if r.raw != nil {
		return r.raw, r.contentType, nil
	}
	if r.json == nil {
		return nil, "", nil
	}
	b, err := json.Marshal(r.json)
	return b, jsonType, err
}

const jsonType = "application/json"

// Header values shared by every request: the transport only reads them.
var (
	jsonHeader   = []string{jsonType}
	acceptHeader = []string{jsonType}
)

// do sends the request, retrying on back-pressure and on connections that
// could not be made, and decodes a 2xx JSON answer into out (if not nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	buf := answerBuffers.Get().(*bytes.Buffer)
	defer putAnswerBuffer(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return fmt.Errorf("%s %s: read answer: %w", r.method, r.path, err)
	}
	// out keeps no reference to the buffer: encoding/json copies strings
	// and raw messages.
	if err := unmarshalAnswer(buf.Bytes(), out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", r.method, r.path, err)
	}
	return nil
}

// answerBuffers recycles the buffers answers are read into.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putAnswerBuffer(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 { // a rare huge answer is not kept
		answerBuffers.Put(b)
	}
}

// send returns a 2xx response (its body to be closed by the caller) or an
// error: a *Problem for an error answer.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	body, ct, err := r.body()
	if err != nil {
		return nil, fmt.Errorf("%s %s: encode body: %w", r.method, r.path, err)
	}
	wait := c.backoff
	for attempt := 1; ; attempt++ {
		var header http.Header
		switch ct {
		case "":
			header = http.Header{"Accept": acceptHeader}
		case jsonType:
			header = http.Header{"Accept": acceptHeader, "Content-Type": jsonHeader}
		default:
			header = http.Header{"Accept": acceptHeader, "Content-Type": {ct}}
		}
		req, err := c.newRequest(ctx, r.method, r.path, body, header)
		if err != nil {
			return nil, err
		}
		resp, err := c.roundTrip(req)
		retry := false
		switch {
		case err != nil:
			retry = isDialError(err)
			if !retry || attempt >= c.attempts {
				return nil, err
			}
		case resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests:
			if attempt < c.attempts {
				retry = true
				if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && time.Duration(s)*time.Second > wait {
					wait = time.Duration(s) * time.Second
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		if !retry {
			if resp.StatusCode >= 300 {
				defer resp.Body.Close()
				return nil, readProblem(resp)
			}
			return resp, nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if wait *= 2; wait > maxBackoff {
			wait = maxBackoff
		}
	}
}

// maxBackoff caps the wait between two tries: a leader election or a burst
// of back-pressure lasts a few seconds, and a longer wait only adds latency.
const maxBackoff = 2 * time.Second

// isDialError tells a connection that could not be made (nothing was sent,
// so any request may be retried) from one that broke midway.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// readProblem reads an error answer; one that is not problem JSON still
// becomes a *Problem with the status and the body as detail.
func readProblem(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	p := &Problem{}
	if err := json.Unmarshal(b, p); err != nil || p.Status == 0 {
		p = &Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode), Detail: strings.TrimSpace(string(b))}
	}
	p.Status = resp.StatusCode
	return p
}

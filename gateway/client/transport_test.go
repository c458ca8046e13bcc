package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRequestsCarryTheirHeaders(t *testing.T) {
	type seen struct{ accept, contentType, body string }
	got := map[string]seen{}
	var mu sync.Mutex
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got[r.URL.Path] = seen{r.Header.Get("Accept"), r.Header.Get("Content-Type"), string(b)}
		mu.Unlock()
		if r.URL.Path == "/v2/topology" {
			w.Write([]byte(`{"clusterSize":1}`))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	ctx := context.Background()
	if _, err := c.Topology(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.CompleteJob(ctx, "5", nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]seen{
		"/v2/topology":          {"application/json", "", ""},
		"/v2/jobs/5/completion": {"application/json", "application/json", "{}"},
	}
	for path, w := range want {
		if got[path] != w {
			t.Errorf("%s: got %+v, want %+v", path, got[path], w)
		}
	}
}

func TestAPlainHTTPClientIsBypassedForItsTransport(t *testing.T) {
	tr := &http.Transport{}
	jar, _ := cookiejar.New(nil)
	tests := []struct {
		name string
		h    *http.Client
		want http.RoundTripper
	}{
		{"default", &http.Client{}, http.DefaultTransport},
		{"own transport", &http.Client{Transport: tr}, tr},
		{"cookie jar", &http.Client{Transport: tr, Jar: jar}, nil},
		{"timeout", &http.Client{Transport: tr, Timeout: time.Minute}, nil},
		{"redirect policy", &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}, nil},
	}
	for _, tt := range tests {
		if got := New("localhost:1", WithHTTPClient(tt.h)).direct; got != tt.want {
			t.Errorf("%s: direct transport %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAClientWithACookieJarStillGoesThroughIt(t *testing.T) {
	c0 := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie("session"); err != nil {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/"})
			w.Write([]byte(`{"clusterSize":1}`))
			return
		}
		w.Write([]byte(`{"clusterSize":2}`))
	})
	jar, _ := cookiejar.New(nil)
	c := New(c0.base, WithHTTPClient(&http.Client{Jar: jar}))
	for want := int32(1); want <= 2; want++ {
		top, err := c.Topology(context.Background())
		if err != nil || top.ClusterSize != want {
			t.Fatalf("topology %+v, %v: want cluster size %d (2: the cookie came back)", top, err, want)
		}
	}
}

func TestTransportErrorsReadLikeHTTPClients(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := New(addr, WithRetries(1, time.Millisecond))
	err = c.CompleteJob(context.Background(), "5", nil)
	if want := fmt.Sprintf(`Post "http://%s/v2/jobs/5/completion": dial tcp`, addr); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want it to start with %s", err, want)
	}
	if !isDialError(err) {
		t.Fatalf("err = %v: not seen as a dial error", err)
	}
}

func TestConcurrentAnswersAreDecodedEachIntoItsOwn(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Variables struct{ N int } `json:"variables"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil {
			t.Error(err)
		}
		fmt.Fprintf(w, `{"processInstanceKey":"%d","variables":{"n":%d,"pad":"%s"}}`, body.Variables.N, body.Variables.N, strings.Repeat("x", body.Variables.N%3000))
	})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				n := g*1000 + i
				pi, err := c.CreateInstanceWithResult(context.Background(), CreateInstance{ProcessDefinitionID: "p", Variables: map[string]int{"N": n}}, nil, 0)
				if err != nil {
					t.Error(err)
					return
				}
				var vars struct{ N int }
				if json.Unmarshal(pi.Variables, &vars) != nil || pi.ProcessInstanceKey != fmt.Sprint(n) || vars.N != n {
					t.Errorf("instance %d answered %+v", n, pi)
					return
				}
			}
		}()
	}
	wg.Wait()
}

type ctxKey struct{}

func TestNewRequestBuildsWhatNewRequestWithContextBuilds(t *testing.T) {
	ctx := context.WithValue(context.Background(), ctxKey{}, "mine")
	for _, base := range []string{"http://127.0.0.1:8080", "localhost:9", "http://h:1/prefix/", "https://user:pw@example.com/a%20b", "http://h:1/x?q=1", "http://[::1]:80"} {
		for _, tc := range []struct {
			method, path string
			body         []byte
		}{
			{http.MethodGet, "/v2/topology", nil},
			{http.MethodPost, "/v2/jobs/2251799813685252/completion", []byte("{}")},
			{http.MethodPost, jobPath("a/b c%d", "failure"), []byte(`{"retries":1}`)},
			{http.MethodPatch, "/v2/jobs/1", []byte{}},
		} {
			c := New(base)
			header := http.Header{"Accept": acceptHeader}
			got, err := c.newRequest(ctx, tc.method, tc.path, tc.body, header)
			if err != nil {
				t.Fatalf("%s %s: %v", base, tc.path, err)
			}
			want, err := http.NewRequestWithContext(ctx, tc.method, c.base+tc.path, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			name := base + " " + tc.method + " " + tc.path
			if got.URL.String() != want.URL.String() || got.URL.Path != want.URL.Path || got.URL.EscapedPath() != want.URL.EscapedPath() ||
				got.Host != want.Host || got.Method != want.Method || got.Proto != want.Proto || got.ContentLength != want.ContentLength {
				t.Errorf("%s: got %s %s host %q len %d, want %s %s host %q len %d", name,
					got.Method, got.URL, got.Host, got.ContentLength, want.Method, want.URL, want.Host, want.ContentLength)
			}
			if got.Context().Value(ctxKey{}) != "mine" || got.Header.Get("Accept") != "application/json" {
				t.Errorf("%s: context or header lost", name)
			}
			for i := range 2 { // the body, then again through GetBody (a retry)
				b, _ := io.ReadAll(got.Body)
				if !bytes.Equal(b, tc.body) || (got.Body == http.NoBody) != (want.Body == http.NoBody) {
					t.Errorf("%s: body %d = %q, want %q", name, i, b, tc.body)
				}
				if got.Body, err = got.GetBody(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func TestCreateBodyEncodesAsEncodingJSON(t *testing.T) {
	bodies := []createBody{
		{},
		{ProcessDefinitionID: "order", Variables: map[string]any{"b": 1, "a": "<&>"}},
		{ProcessDefinitionKey: "2251799813685249", ProcessDefinitionVersion: 3, AwaitCompletion: true,
			FetchVariables: []string{"n", `q"uote`, "ü"}, RequestTimeout: 30000, Variables: json.RawMessage(`{"n":1,"s":"x"}`)},
		{ProcessDefinitionID: "tab\there <b>", Variables: json.RawMessage(nil)},
		{ProcessDefinitionID: "日本", Variables: struct{ X int }{2}, FetchVariables: []string{}},
	}
	for _, b := range bodies {
		got, err := b.encode()
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	}
	for _, bad := range []any{json.RawMessage(`{"n":`), json.RawMessage{}, make(chan int)} {
		if got, err := (&createBody{ProcessDefinitionID: "p", Variables: bad}).encode(); err == nil {
			t.Errorf("variables %v encoded as %s, want an error", bad, got)
		}
	}
}

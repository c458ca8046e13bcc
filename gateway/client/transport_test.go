package client

import (
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

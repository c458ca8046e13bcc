package modeler

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func builtFS(t *testing.T) fstest.MapFS {
	return fstest.MapFS{
		"index.html":              {Data: []byte("<!doctype html><title>app</title>")},
		"app-ABC.js":              {Data: []byte("console.log('app')")},
		"app-ABC.js.gz":           {Data: gz(t, "console.log('app')")},
		"app-ABC.css":             {Data: []byte("body{}")},
		"assets/bpmn-X.woff2":     {Data: []byte("font")},
		"NOT-BUILT.html":          {Data: []byte("not built")},
		"assets/bpmn-X.svg":       {Data: []byte("<svg/>")},
		"app-ABC.js.LEGAL.txt":    {Data: []byte("MIT")},
		"assets/nested/other.css": {Data: []byte("a{}")},
	}
}

func get(t *testing.T, h http.Handler, method, path string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandlerServesFilesWithTypesAndCaching(t *testing.T) {
	h := NewHandler(builtFS(t))
	cases := []struct {
		path, body, contentType, cache string
	}{
		{"/", "<!doctype html><title>app</title>", "text/html; charset=utf-8", "no-cache"},
		{"/index.html", "<!doctype html><title>app</title>", "text/html; charset=utf-8", "no-cache"},
		{"/app-ABC.js", "console.log('app')", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/app-ABC.css", "body{}", "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/assets/bpmn-X.woff2", "font", "font/woff2", "public, max-age=31536000, immutable"},
		{"/assets/bpmn-X.svg", "<svg/>", "image/svg+xml", "public, max-age=31536000, immutable"},
		// client-side routes load the app
		{"/processes/order/versions/3", "<!doctype html><title>app</title>", "text/html; charset=utf-8", "no-cache"},
		{"/instances", "<!doctype html><title>app</title>", "text/html; charset=utf-8", "no-cache"},
	}
	for _, c := range cases {
		r := get(t, h, http.MethodGet, c.path, nil)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", c.path, r.StatusCode)
			continue
		}
		if got := body(t, r); got != c.body {
			t.Errorf("GET %s: body %q, want %q", c.path, got, c.body)
		}
		if got := r.Header.Get("Content-Type"); got != c.contentType {
			t.Errorf("GET %s: Content-Type %q, want %q", c.path, got, c.contentType)
		}
		if got := r.Header.Get("Cache-Control"); got != c.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
		if r.Header.Get("ETag") == "" {
			t.Errorf("GET %s: no ETag", c.path)
		}
	}
}

func TestHandlerNotFound(t *testing.T) {
	h := NewHandler(builtFS(t))
	for _, p := range []string{"/missing.js", "/assets/nope.woff", "/app-ABC.js.gz", "/assets/../../etc/passwd.txt"} {
		if r := get(t, h, http.MethodGet, p, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, r.StatusCode)
		}
	}
	if r := get(t, h, http.MethodPost, "/", nil); r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: status %d Allow %q, want 405 with Allow", r.StatusCode, r.Header.Get("Allow"))
	}
}

func TestHandlerGzip(t *testing.T) {
	h := NewHandler(builtFS(t))
	r := get(t, h, http.MethodGet, "/app-ABC.js", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if r.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip accepted: Content-Encoding %q Vary %q", r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != "console.log('app')" {
		t.Fatalf("gunzipped body %q", plain)
	}
	if r.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("gzip Content-Type %q", r.Header.Get("Content-Type"))
	}

	for _, ae := range []string{"", "identity", "gzip;q=0", "br"} {
		r := get(t, h, http.MethodGet, "/app-ABC.js", map[string]string{"Accept-Encoding": ae})
		if r.Header.Get("Content-Encoding") != "" || body(t, r) != "console.log('app')" {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, r.Header.Get("Content-Encoding"))
		}
	}
}

func TestHandlerRevalidates(t *testing.T) {
	h := NewHandler(builtFS(t))
	first := get(t, h, http.MethodGet, "/app-ABC.css", nil)
	tag := first.Header.Get("ETag")
	again := get(t, h, http.MethodGet, "/app-ABC.css", map[string]string{"If-None-Match": tag})
	if again.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match %s: status %d, want 304", tag, again.StatusCode)
	}
	head := get(t, h, http.MethodHead, "/", nil)
	if head.StatusCode != http.StatusOK || body(t, head) != "" {
		t.Fatalf("HEAD /: status %d", head.StatusCode)
	}
}

func TestHandlerPlaceholderWhenNotBuilt(t *testing.T) {
	fsys := fstest.MapFS{"NOT-BUILT.html": {Data: []byte("<p>run make build</p>")}}
	h := NewHandler(fsys)
	for _, p := range []string{"/", "/index.html", "/some/route"} {
		r := get(t, h, http.MethodGet, p, nil)
		if r.StatusCode != http.StatusOK || body(t, r) != "<p>run make build</p>" || r.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s without a build: status %d", p, r.StatusCode)
		}
	}
}

// The embedded files: whatever is built, "/" answers with a page.
func TestEmbeddedHandler(t *testing.T) {
	r := get(t, Handler(), http.MethodGet, "/", nil)
	if r.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(body(t, r)), "<!doctype html>") {
		t.Fatalf("GET / from the embedded files: status %d", r.StatusCode)
	}
}

// The package imports only the standard library.
func TestStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Standard   bool
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if !p.Standard && p.ImportPath != "github.com/shoalbpm/shoal/modeler" {
			t.Errorf("modeler imports %s: it may import only the standard library", p.ImportPath)
		}
	}
}

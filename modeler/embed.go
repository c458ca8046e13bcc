package modeler

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed all:dist
var distFS embed.FS

// placeholder is served in place of index.html when the app is not built.
const placeholder = "NOT-BUILT.html"

// contentTypes are set explicitly: mime.TypeByExtension reads the machine's
// tables, which differ between systems (.js as text/plain on some).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".ttf":   "font/ttf",
	".eot":   "application/vnd.ms-fontobject",
	".txt":   "text/plain; charset=utf-8",
	".map":   "application/json",
}

// Handler serves the web app from the files embedded at build time.
func Handler() http.Handler {
	sub, err := fs.Sub(distFS, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; fs.Sub fails only on invalid ones
	}
	return NewHandler(sub)
}

// NewHandler serves the web app from fsys (a built dist/ directory): files
// by path, index.html (or the not-built placeholder) for "/" and for any
// path without an extension, so client-side routes load the app.
func NewHandler(fsys fs.FS) http.Handler {
	h := &handler{fsys: fsys}
	h.index = "index.html"
	if _, err := fs.Stat(fsys, h.index); err != nil {
		h.index = placeholder
	}
	return h
}

type handler struct {
	fsys  fs.FS
	index string
	etags sync.Map // file name -> quoted ETag
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	switch {
	case name == "" || name == "index.html" || name == placeholder:
		h.serveIndex(w, r)
		return
	case strings.HasSuffix(name, ".gz"):
		http.NotFound(w, r) // the twins are served by content negotiation only
		return
	}
	if st, err := fs.Stat(h.fsys, name); err == nil && !st.IsDir() {
		h.serveFile(w, r, name, "public, max-age=31536000, immutable")
		return
	}
	if path.Ext(name) == "" {
		h.serveIndex(w, r) // a client-side route
		return
	}
	http.NotFound(w, r)
}

// serveIndex serves the page that loads the app; browsers revalidate it on
// every load so a new binary's bundle is picked up at once.
func (h *handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	h.serveFile(w, r, h.index, "no-cache")
}

func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name, cacheControl string) {
	hdr := w.Header()
	if ct, ok := contentTypes[path.Ext(name)]; ok {
		hdr.Set("Content-Type", ct)
	}
	hdr.Set("Cache-Control", cacheControl)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if name == h.index {
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "same-origin")
	}

	serve := name
	if _, err := fs.Stat(h.fsys, name+".gz"); err == nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			serve = name + ".gz"
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	data, err := fs.ReadFile(h.fsys, serve)
	if err != nil {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}
	// An ETag from the content: embedded files carry no modification time.
	hdr.Set("ETag", h.etag(serve, data))
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (and does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(coding) != "gzip" && strings.TrimSpace(coding) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// etag is a strong validator of a file's bytes, computed once per file.
func (h *handler) etag(name string, data []byte) string {
	if v, ok := h.etags.Load(name); ok {
		return v.(string)
	}
	sum := sha256.Sum256(data)
	tag := strconv.Quote(hex.EncodeToString(sum[:12]))
	h.etags.Store(name, tag)
	return tag
}

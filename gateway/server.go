package gateway

import (
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/gateway/jobstream"
)

// Config tunes the gateway. The zero value of each field means its default.
type Config struct {
	// Logger receives the gateway's logs; default slog.Default().
	Logger *slog.Logger
	// Version is reported as gatewayVersion by GET /v2/topology.
	Version string
	// RequestTimeout bounds how long a command waits for its answer, and is
	// the default of awaitCompletion's requestTimeout; default 15s.
	RequestTimeout time.Duration
	// LongPollTimeout is how long job activation parks a request when the
	// client sends no requestTimeout (or 0), as Camunda's SDK polling worker
	// does; default 10s.
	LongPollTimeout time.Duration
	// MaxBodyBytes limits request bodies (deployments included); default 4 MiB,
	// Zeebe's default maximum message size.
	MaxBodyBytes int64
	// ReadModel answers the search endpoints (search_*.go); nil: they answer
	// 503.
	ReadModel *readmodel.Model
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 15 * time.Second
	}
	if c.LongPollTimeout <= 0 {
		c.LongPollTimeout = 10 * time.Second
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 4 << 20
	}
	return c
}

// Server is the HTTP gateway of one node.
type Server struct {
	cluster broker.Cluster
	cfg     Config
	log     *slog.Logger
	jobs    *jobstream.Hub
	echo    *echo.Echo
	next    partitionPicker
	// partitions is the partition count once known (see partitionCount).
	partitions atomic.Int32
}

// route is one endpoint. The table below is the single list of what the
// gateway serves; a test checks it against openapi.json both ways.
type route struct {
	method  string
	path    string // echo syntax: /v2/jobs/:jobKey
	handler func(*Server, echo.Context) error
}

var routes = append([]route{
	{http.MethodGet, "/v2/topology", (*Server).getTopology},
	{http.MethodGet, "/v2/status", (*Server).getStatus},
	{http.MethodPost, "/v2/deployments", (*Server).createDeployment},
	{http.MethodPost, "/v2/process-instances", (*Server).createProcessInstance},
	{http.MethodPost, "/v2/process-instances/:processInstanceKey/cancellation", (*Server).cancelProcessInstance},
	{http.MethodPost, "/v2/jobs/activation", (*Server).activateJobs},
	{http.MethodPost, "/v2/jobs/stream", (*Server).streamJobs},
	{http.MethodPost, "/v2/jobs/:jobKey/completion", (*Server).completeJob},
	{http.MethodPost, "/v2/jobs/:jobKey/failure", (*Server).failJob},
	{http.MethodPost, "/v2/jobs/:jobKey/error", (*Server).throwJobError},
	{http.MethodPatch, "/v2/jobs/:jobKey", (*Server).updateJob},
	{http.MethodPost, "/v2/incidents/:incidentKey/resolution", (*Server).resolveIncident},
	{http.MethodPut, "/v2/element-instances/:elementInstanceKey/variables", (*Server).setVariables},
	{http.MethodGet, "/v2/openapi.json", (*Server).getOpenAPI},
}, searchRoutes...)

// New returns the gateway for cluster. It starts nothing: serve Handler()
// with any http.Server.
func New(cluster broker.Cluster, cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cluster: cluster,
		cfg:     cfg,
		log:     cfg.Logger.With("component", "gateway"),
		jobs:    jobstream.NewHub(cluster, cfg.Logger),
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(s.logRequests, s.limitBody)
	for _, r := range routes {
		h := r.handler
		e.Add(r.method, r.path, func(c echo.Context) error { return h(s, c) })
	}
	s.echo = e
	return s
}

// Handler is the gateway's http.Handler, to be mounted at the root of the
// node's HTTP server (all paths start with /v2/).
func (s *Server) Handler() http.Handler { return s.echo }

// Close ends the open job streams (their unfinished jobs are yielded back)
// and parked activations. Call it before the broker shuts down.
func (s *Server) Close() { s.jobs.Close() }

// logRequests logs every request at debug level. (Long waits are normal
// here: long polls, streams and awaited creations; failures are logged by
// errorHandler.)
// With debug logging off it costs nothing: the log line's arguments are
// not even built.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !s.log.Enabled(req.Context(), slog.LevelDebug) {
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err) // write the problem now, so its status is logged
		}
		s.log.Debug("request", "method", req.Method, "path", req.URL.Path,
			"status", c.Response().Status, "took", time.Since(start))
		return nil
	}
}

// limitBody refuses bodies over MaxBodyBytes: at once when Content-Length
// says so, otherwise when reading crosses the limit (http.MaxBytesError,
// mapped to 413 where the body is read).
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.cfg.MaxBodyBytes {
			return errRequestTooLarge
		}
		if req.ContentLength < 0 { // chunked: net/http reads a declared length only
			req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxBodyBytes)
		}
		return next(c)
	}
}

// echoPathToOpenAPI turns /v2/jobs/:jobKey into /jobs/{jobKey} (OpenAPI
// paths are relative to the server URL /v2).
func echoPathToOpenAPI(p string) string {
	p = strings.TrimPrefix(p, "/v2")
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") {
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/command"
)

// Problem is an RFC 9457 problem document. Camunda's SDKs read title and
// detail from the body rather than the status line, so Status always equals
// the HTTP status.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

// problemContentType is the media type of every error answer.
const problemContentType = "application/problem+json"

// inputError is bad input found by the gateway itself, before anything is
// submitted: it always names the field.
type inputError struct {
	field string
	msg   string
}

func (e *inputError) Error() string {
	if e.field == "" {
		return e.msg
	}
	return fmt.Sprintf("%s: %s", e.field, e.msg)
}

// badField reports bad input in one field of the request.
func badField(field, format string, args ...any) error {
	return &inputError{field: field, msg: fmt.Sprintf(format, args...)}
}

// rejectionStatus maps the engine's rejection types to HTTP statuses; the
// title of the problem is the rejection type, as in Camunda.
var rejectionStatus = map[record.RejectionType]int{
	record.InvalidArgument:   http.StatusBadRequest,
	record.NullVal:           http.StatusBadRequest,
	record.ExceededBatchSize: http.StatusBadRequest,
	record.NotFound:          http.StatusNotFound,
	record.InvalidState:      http.StatusConflict,
	record.AlreadyExists:     http.StatusConflict,
	record.ProcessingError:   http.StatusInternalServerError,
}

// sentinelProblems maps the broker's and the context's errors.
var sentinelProblems = []struct {
	err    error
	status int
	title  string
	detail string
}{
	{broker.ErrResourceExhausted, http.StatusServiceUnavailable, "RESOURCE_EXHAUSTED",
		"Expected to handle the request, but the partition's queue is full (back-pressure); nothing was written, retry after a back-off"},
	{broker.ErrNoLeader, http.StatusServiceUnavailable, "UNAVAILABLE",
		"Expected to reach the leader of the partition, but it has none at the moment; retry after a back-off"},
	{broker.ErrOutcomeUnknown, http.StatusGatewayTimeout, "DEADLINE_EXCEEDED",
		"Expected the command to be committed, but the partition's leader changed first and the outcome is unknown; it may or may not be processed, check before retrying"},
	{broker.ErrClosed, http.StatusServiceUnavailable, "UNAVAILABLE",
		"Expected the node to handle the request, but it is shutting down"},
	{broker.ErrUnknownPartition, http.StatusNotFound, "NOT_FOUND",
		"Expected the key to belong to a partition of this cluster, but no such partition exists"},
	{context.DeadlineExceeded, http.StatusGatewayTimeout, "DEADLINE_EXCEEDED",
		"Expected the request to be answered within its timeout, but it was not; the command may still be processed"},
	{errRequestTooLarge, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", ""},
	{errNoHealthyLeader, http.StatusServiceUnavailable, "UNAVAILABLE",
		"Expected at least one partition with a healthy leader, but there is none"},
	{readmodel.ErrNotFound, http.StatusNotFound, "NOT_FOUND", ""}, // detail: the error
	{errNoReadModel, http.StatusServiceUnavailable, "UNAVAILABLE",
		"Expected this node to run the read model that answers searches, but it runs none"},
}

// errRequestTooLarge is returned for a body over Config.MaxBodyBytes.
var errRequestTooLarge = errors.New("request body too large")

// problemFor maps any error a handler returns to its problem document.
func problemFor(err error, maxBody int64) Problem {
	var (
		rej  *command.Rejection
		in   *inputError
		herr *echo.HTTPError
	)
	switch {
	case errors.As(err, &rej):
		status, ok := rejectionStatus[rej.Type]
		if !ok {
			status = http.StatusInternalServerError
		}
		return Problem{Title: string(rej.Type), Status: status, Detail: rej.Error()}
	case errors.As(err, &in):
		return Problem{Title: "INVALID_ARGUMENT", Status: http.StatusBadRequest, Detail: in.Error()}
	case errors.As(err, &herr):
		return httpErrorProblem(herr, maxBody)
	}
	for _, s := range sentinelProblems {
		if errors.Is(err, s.err) {
			detail := s.detail
			if s.err == errRequestTooLarge {
				detail = fmt.Sprintf("Expected a request body of at most %d bytes, but it is larger", maxBody)
			} else if detail == "" {
				detail = err.Error()
			}
			return Problem{Title: s.title, Status: s.status, Detail: detail}
		}
	}
	return Problem{Title: "INTERNAL", Status: http.StatusInternalServerError, Detail: err.Error()}
}

// httpErrorProblem maps echo's own errors (unknown route, wrong method, body
// limit, unsupported media type).
func httpErrorProblem(herr *echo.HTTPError, maxBody int64) Problem {
	p := Problem{Status: herr.Code, Title: http.StatusText(herr.Code), Detail: fmt.Sprint(herr.Message)}
	switch herr.Code {
	case http.StatusNotFound:
		p.Title, p.Detail = "NOT_FOUND", "No such endpoint; see /v2/openapi.json for what this gateway serves"
	case http.StatusMethodNotAllowed:
		p.Title, p.Detail = "METHOD_NOT_ALLOWED", "The endpoint exists but not with this HTTP method; see /v2/openapi.json"
	case http.StatusRequestEntityTooLarge:
		p.Title, p.Detail = "PAYLOAD_TOO_LARGE", fmt.Sprintf("Expected a request body of at most %d bytes, but it is larger", maxBody)
	}
	return p
}

// errorHandler is echo's HTTPErrorHandler: every error becomes a problem
// document, never plain text.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		return // the client went away; nobody reads an answer
	}
	p := problemFor(err, s.cfg.MaxBodyBytes)
	p.Type = "about:blank"
	p.Instance = c.Request().URL.Path
	if p.Status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "1")
	}
	if p.Status >= 500 && p.Status != http.StatusServiceUnavailable && p.Status != http.StatusGatewayTimeout {
		s.log.Error("request failed", "path", p.Instance, "error", err)
	} else {
		s.log.Debug("request refused", "path", p.Instance, "status", p.Status, "error", err)
	}
	writeJSON(c, p.Status, problemContentType, p)
}

// writeJSON writes v with the given status and media type; a failure to
// write means the client is gone, so it is only logged at debug level.
func writeJSON(c echo.Context, status int, contentType string, v any) {
	c.Response().Header().Set(echo.HeaderContentType, contentType)
	c.Response().WriteHeader(status)
	if err := jsonEncode(c.Response(), v); err != nil {
		slog.Debug("write answer", "error", err)
	}
}

// writeJSONBytes writes an encoded JSON answer with the given status.
func writeJSONBytes(c echo.Context, status int, b []byte) error {
	h := c.Response().Header()
	h[echo.HeaderContentType] = jsonContentType
	h[echo.HeaderContentLength] = []string{strconv.Itoa(len(b))}
	c.Response().WriteHeader(status)
	if _, err := c.Response().Write(b); err != nil {
		slog.Debug("write answer", "error", err)
	}
	return nil
}

// jsonContentType is the Content-Type header of JSON answers, shared (the
// server only reads it).
var jsonContentType = []string{echo.MIMEApplicationJSON}

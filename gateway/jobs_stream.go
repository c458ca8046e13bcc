package gateway

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// streamJobsRequest opens a push stream (Shoal's extension; Camunda's REST
// API has none). Fields follow JobActivationRequest; capacity is how many
// jobs the worker can hold at once.
type streamJobsRequest struct {
	Type          string   `json:"type"`
	Worker        string   `json:"worker"`
	Timeout       int64    `json:"timeout"`
	FetchVariable []string `json:"fetchVariable"`
	Capacity      int32    `json:"capacity"`
	TenantIDs     []string `json:"tenantIds"`
}

// ndjsonContentType is the media type of the stream: one ActivatedJobResult
// JSON object per line.
const ndjsonContentType = "application/x-ndjson"

// streamJobs answers POST /v2/jobs/stream: 200 at once, then one line per
// job, pushed as soon as it is activatable while the worker holds fewer than
// capacity jobs. The stream ends when the client disconnects or the gateway
// shuts down; jobs it still holds are then yielded back.
func (s *Server) streamJobs(c echo.Context) error {
	var req streamJobsRequest
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	if req.Capacity <= 0 {
		return badField("capacity", "expected the number of jobs the worker can hold at once (> 0), but got %d", req.Capacity)
	}
	jr, err := jobRequest(req.Type, req.Worker, req.Timeout, req.FetchVariable, req.TenantIDs)
	if err != nil {
		return err
	}
	w := c.Response()
	rc := http.NewResponseController(w.Writer)
	_ = rc.SetWriteDeadline(time.Time{}) // the stream outlives any write timeout
	w.Header().Set(echo.HeaderContentType, ndjsonContentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return nil
	}

	stream := s.jobs.Open(jr, int(req.Capacity))
	defer stream.Close()
	s.log.Debug("job stream opened", "type", jr.Type, "worker", jr.Worker, "capacity", req.Capacity)
	ctx := c.Request().Context()
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	for {
		jobs, err := stream.Next(ctx)
		if err != nil {
			s.log.Debug("job stream closed", "type", jr.Type, "worker", jr.Worker, "reason", err)
			return nil
		}
		b := (*buf)[:0]
		// Jobs pushed while these are encoded go out with them: one write
		// and one flush for a burst of pushes (a commit pushes many).
		for len(jobs) > 0 {
			for i := range jobs {
				if b, err = appendActivatedJob(b, &jobs[i]); err != nil {
					s.log.Error("job stream: cannot encode a job; closing the stream", "type", jr.Type, "error", err)
					return nil // the deferred Close yields the jobs
				}
				b = append(b, '\n')
			}
			jobs = stream.TakeReady()
		}
		*buf = b
		if _, err := w.Write(b); err != nil {
			return nil
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

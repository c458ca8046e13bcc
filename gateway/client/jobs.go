package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Job is an activated job.
type Job struct {
	Key                      string            `json:"jobKey"`
	Type                     string            `json:"type"`
	ProcessDefinitionID      string            `json:"processDefinitionId"`
	ProcessDefinitionVersion int32             `json:"processDefinitionVersion"`
	ProcessDefinitionKey     string            `json:"processDefinitionKey"`
	ProcessInstanceKey       string            `json:"processInstanceKey"`
	ElementID                string            `json:"elementId"`
	ElementInstanceKey       string            `json:"elementInstanceKey"`
	CustomHeaders            map[string]string `json:"customHeaders"`
	Worker                   string            `json:"worker"`
	Retries                  int32             `json:"retries"`
	// Deadline is when the job may be given to another worker (ms since the
	// epoch).
	Deadline  int64           `json:"deadline"`
	Variables json.RawMessage `json:"variables"`
	TenantID  string          `json:"tenantId"`
}

// DecodeVariables decodes the job's variables into v.
func (j Job) DecodeVariables(v any) error {
	if len(j.Variables) == 0 {
		return nil
	}
	return json.Unmarshal(j.Variables, v)
}

// ActivateJobs says which jobs to take.
type ActivateJobs struct {
	Type   string
	Worker string
	// Timeout is how long the jobs stay with this worker.
	Timeout time.Duration
	// MaxJobs is the most jobs to activate.
	MaxJobs int32
	// FetchVariables names the variables to fetch (none: all).
	FetchVariables []string
	// RequestTimeout is how long the gateway parks the request when no job
	// exists: 0 means the gateway's default, < 0 answers at once.
	RequestTimeout time.Duration
}

type activationBody struct {
	Type              string   `json:"type"`
	Worker            string   `json:"worker,omitempty"`
	Timeout           int64    `json:"timeout"`
	MaxJobsToActivate int32    `json:"maxJobsToActivate"`
	FetchVariable     []string `json:"fetchVariable,omitempty"`
	RequestTimeout    int64    `json:"requestTimeout,omitempty"`
}

// ActivateJobs activates jobs by long polling (POST /v2/jobs/activation).
func (c *Client) ActivateJobs(ctx context.Context, a ActivateJobs) ([]Job, error) {
	rt := a.RequestTimeout.Milliseconds()
	if a.RequestTimeout < 0 {
		rt = -1
	}
	body := activationBody{Type: a.Type, Worker: a.Worker, Timeout: a.Timeout.Milliseconds(),
		MaxJobsToActivate: a.MaxJobs, FetchVariable: a.FetchVariables, RequestTimeout: rt}
	var out struct {
		Jobs []Job `json:"jobs"`
	}
	if err := c.do(ctx, request{method: http.MethodPost, path: "/v2/jobs/activation", json: body}, &out); err != nil {
		return nil, err
	}
	return out.Jobs, nil
}

// emptyObject is the body of a call with nothing to say.
var emptyObject = []byte("{}")

func jobPath(key, action string) string {
	p := "/v2/jobs/" + url.PathEscape(key)
	if action != "" {
		p += "/" + action
	}
	return p
}

// CompleteJob completes a job with variables (anything that encodes to a
// JSON object; nil: none).
func (c *Client) CompleteJob(ctx context.Context, jobKey string, variables any) error {
	if variables == nil { // what encoding the struct below gives, without encoding it
		return c.do(ctx, request{method: http.MethodPost, path: jobPath(jobKey, "completion"), raw: emptyObject, contentType: jsonType}, nil)
	}
	body := struct {
		Variables any `json:"variables,omitempty"`
	}{variables}
	return c.do(ctx, request{method: http.MethodPost, path: jobPath(jobKey, "completion"), json: body}, nil)
}

// FailJob says how a job failed.
type FailJob struct {
	// Retries is how many retries the job has left; 0 raises an incident.
	Retries      int32
	ErrorMessage string
	// RetryBackoff delays the next activation.
	RetryBackoff time.Duration
	Variables    any
}

// FailJob fails a job.
func (c *Client) FailJob(ctx context.Context, jobKey string, f FailJob) error {
	body := struct {
		Retries      int32  `json:"retries"`
		ErrorMessage string `json:"errorMessage,omitempty"`
		RetryBackOff int64  `json:"retryBackOff,omitempty"`
		Variables    any    `json:"variables,omitempty"`
	}{f.Retries, f.ErrorMessage, f.RetryBackoff.Milliseconds(), f.Variables}
	return c.do(ctx, request{method: http.MethodPost, path: jobPath(jobKey, "failure"), json: body}, nil)
}

// ThrowError reports a business error, to be caught by an error event.
func (c *Client) ThrowError(ctx context.Context, jobKey, errorCode, message string, variables any) error {
	body := struct {
		ErrorCode    string `json:"errorCode"`
		ErrorMessage string `json:"errorMessage,omitempty"`
		Variables    any    `json:"variables,omitempty"`
	}{errorCode, message, variables}
	return c.do(ctx, request{method: http.MethodPost, path: jobPath(jobKey, "error"), json: body}, nil)
}

// UpdateJob changes a job's retries and/or timeout (nil: unchanged).
func (c *Client) UpdateJob(ctx context.Context, jobKey string, retries *int32, timeout *time.Duration) error {
	type changeset struct {
		Retries *int32 `json:"retries,omitempty"`
		Timeout *int64 `json:"timeout,omitempty"`
	}
	var cs changeset
	cs.Retries = retries
	if timeout != nil {
		ms := timeout.Milliseconds()
		cs.Timeout = &ms
	}
	body := struct {
		Changeset changeset `json:"changeset"`
	}{cs}
	return c.do(ctx, request{method: http.MethodPatch, path: jobPath(jobKey, ""), json: body}, nil)
}

// StreamJobs says which jobs to stream and how many the worker holds.
type StreamJobs struct {
	Type           string
	Worker         string
	Timeout        time.Duration
	FetchVariables []string
	// Capacity is how many jobs the worker can hold at once; the gateway
	// pushes a new job only while fewer are held.
	Capacity int32
}

// ErrStreamUnsupported is returned by StreamJobs when the gateway has no
// push stream (Camunda's own gateway, say).
var ErrStreamUnsupported = errors.New("client: the gateway does not serve the job push stream")

// StreamJobs opens a push stream (POST /v2/jobs/stream, Shoal's extension)
// and calls fn for each job, in order, on the calling goroutine. It returns
// when ctx ends (ctx's error) or the stream breaks. A slow fn holds the
// stream back, which is what capacity is for. Jobs the worker still holds
// when the stream ends are handed back by the gateway.
func (c *Client) StreamJobs(ctx context.Context, s StreamJobs, fn func(Job)) error {
	body := struct {
		Type          string   `json:"type"`
		Worker        string   `json:"worker,omitempty"`
		Timeout       int64    `json:"timeout"`
		FetchVariable []string `json:"fetchVariable,omitempty"`
		Capacity      int32    `json:"capacity"`
	}{s.Type, s.Worker, s.Timeout.Milliseconds(), s.FetchVariables, s.Capacity}
	resp, err := c.send(ctx, request{method: http.MethodPost, path: "/v2/jobs/stream", json: body})
	if err != nil {
		if st := StatusOf(err); st == http.StatusNotFound || st == http.StatusMethodNotAllowed || st == http.StatusNotImplemented {
			return fmt.Errorf("%w (%v)", ErrStreamUnsupported, err)
		}
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20) // a job carries its variables
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var j Job
		if err := j.unmarshal(sc.Bytes()); err != nil {
			return fmt.Errorf("job stream: bad line: %w", err)
		}
		fn(j)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("job stream: %w", err)
	}
	return errors.New("job stream: closed by the gateway")
}

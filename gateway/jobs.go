package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/command"
	"github.com/shoalbpm/shoal/gateway/jobstream"
)

// activateJobsRequest is Camunda's JobActivationRequest.
type activateJobsRequest struct {
	Type              string   `json:"type"`
	Worker            string   `json:"worker"`
	Timeout           int64    `json:"timeout"`
	MaxJobsToActivate int32    `json:"maxJobsToActivate"`
	FetchVariable     []string `json:"fetchVariable"`
	RequestTimeout    int64    `json:"requestTimeout"`
	TenantIDs         []string `json:"tenantIds"`
}

// activatedJob is Camunda's ActivatedJobResult.
type activatedJob struct {
	JobKey                   jsonKey           `json:"jobKey"`
	Type                     string            `json:"type"`
	ProcessDefinitionID      string            `json:"processDefinitionId"`
	ProcessDefinitionVersion int32             `json:"processDefinitionVersion"`
	ProcessDefinitionKey     jsonKey           `json:"processDefinitionKey"`
	ProcessInstanceKey       jsonKey           `json:"processInstanceKey"`
	ElementID                string            `json:"elementId"`
	ElementInstanceKey       jsonKey           `json:"elementInstanceKey"`
	CustomHeaders            map[string]string `json:"customHeaders"`
	Worker                   string            `json:"worker"`
	Retries                  int32             `json:"retries"`
	Deadline                 int64             `json:"deadline"`
	Variables                map[string]any    `json:"variables"`
	TenantID                 string            `json:"tenantId"`
	Kind                     string            `json:"kind"`
	ListenerEventType        string            `json:"listenerEventType"`
	Tags                     []string          `json:"tags"`
	UserTask                 any               `json:"userTask"`
	Priority                 int32             `json:"priority"`
}

func toActivatedJob(j jobstream.Job) activatedJob {
	out := activatedJob{
		JobKey: jsonKey(j.Key), Type: j.Type,
		ProcessDefinitionID: j.BpmnProcessID, ProcessDefinitionVersion: j.ProcessDefinitionVersion,
		ProcessDefinitionKey: jsonKey(j.ProcessDefinitionKey), ProcessInstanceKey: jsonKey(j.ProcessInstanceKey),
		ElementID: j.ElementID, ElementInstanceKey: jsonKey(j.ElementInstanceKey),
		CustomHeaders: j.CustomHeaders, Worker: j.Worker, Retries: j.Retries, Deadline: j.Deadline,
		Variables: j.Variables, TenantID: tenantOr(j.TenantID),
		Kind: "BPMN_ELEMENT", ListenerEventType: "UNSPECIFIED", Tags: []string{},
	}
	if out.CustomHeaders == nil {
		out.CustomHeaders = map[string]string{}
	}
	if out.Variables == nil {
		out.Variables = map[string]any{}
	}
	return out
}

// appendActivatedJob appends j as Camunda's ActivatedJobResult: the bytes
// encoding/json writes for toActivatedJob(j) (jsonenc_test.go checks it),
// without reflection.
func appendActivatedJob(b []byte, j *jobstream.Job) ([]byte, error) {
	b = append(b, '{')
	b = jsonField(b, "jobKey")
	b = appendJSONKey(b, jsonKey(j.Key))
	b = jsonField(b, "type")
	b = appendJSONString(b, j.Type)
	b = jsonField(b, "processDefinitionId")
	b = appendJSONString(b, j.BpmnProcessID)
	b = jsonField(b, "processDefinitionVersion")
	b = strconv.AppendInt(b, int64(j.ProcessDefinitionVersion), 10)
	b = jsonField(b, "processDefinitionKey")
	b = appendJSONKey(b, jsonKey(j.ProcessDefinitionKey))
	b = jsonField(b, "processInstanceKey")
	b = appendJSONKey(b, jsonKey(j.ProcessInstanceKey))
	b = jsonField(b, "elementId")
	b = appendJSONString(b, j.ElementID)
	b = jsonField(b, "elementInstanceKey")
	b = appendJSONKey(b, jsonKey(j.ElementInstanceKey))
	b = jsonField(b, "customHeaders")
	if j.CustomHeaders == nil {
		b = append(b, "{}"...)
	} else {
		b = appendJSONStrings(b, j.CustomHeaders)
	}
	b = jsonField(b, "worker")
	b = appendJSONString(b, j.Worker)
	b = jsonField(b, "retries")
	b = strconv.AppendInt(b, int64(j.Retries), 10)
	b = jsonField(b, "deadline")
	b = strconv.AppendInt(b, j.Deadline, 10)
	b = jsonField(b, "variables")
	if j.Variables == nil {
		b = append(b, "{}"...)
	} else {
		var err error
		if b, err = appendJSONObject(b, j.Variables); err != nil {
			return b, fmt.Errorf("job %d: variables: %w", j.Key, err)
		}
	}
	b = jsonField(b, "tenantId")
	b = appendJSONString(b, tenantOr(j.TenantID))
	b = append(b, `,"kind":"BPMN_ELEMENT","listenerEventType":"UNSPECIFIED","tags":[],"userTask":null,"priority":0}`...)
	return b, nil
}

// jobRequest validates what activation and streams share.
func jobRequest(typ, worker string, timeout int64, fetch, tenants []string) (jobstream.Request, error) {
	if typ == "" {
		return jobstream.Request{}, badField("type", "expected a job type, but it is empty")
	}
	if timeout <= 0 {
		return jobstream.Request{}, badField("timeout", "expected a job timeout in ms > 0, but got %d", timeout)
	}
	for _, t := range tenants {
		if err := checkTenant("tenantIds", t); err != nil {
			return jobstream.Request{}, err
		}
	}
	return jobstream.Request{
		Type: typ, Worker: worker, Timeout: time.Duration(timeout) * time.Millisecond,
		FetchVariables: fetch, TenantIDs: []string{record.DefaultTenant},
	}, nil
}

// activateJobs answers POST /v2/jobs/activation. requestTimeout in ms:
// absent or 0 parks the request for the default long poll, < 0 answers at
// once, > 0 parks it that long. The answer always has "jobs".
func (s *Server) activateJobs(c echo.Context) error {
	var req activateJobsRequest
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	if req.MaxJobsToActivate <= 0 {
		return badField("maxJobsToActivate", "expected a number > 0, but got %d", req.MaxJobsToActivate)
	}
	jr, err := jobRequest(req.Type, req.Worker, req.Timeout, req.FetchVariable, req.TenantIDs)
	if err != nil {
		return err
	}
	wait := s.cfg.LongPollTimeout
	switch {
	case req.RequestTimeout < 0:
		wait = 0
	case req.RequestTimeout > 0:
		wait = time.Duration(req.RequestTimeout) * time.Millisecond
	}
	// A parked request may outlive the HTTP server's write timeout.
	_ = http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Time{})
	jobs, err := s.jobs.Activate(c.Request().Context(), jr, int(req.MaxJobsToActivate), wait)
	if err != nil {
		return err
	}
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	b := append(*buf, `{"jobs":[`...)
	for i := range jobs {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendActivatedJob(b, &jobs[i]); err != nil {
			return err
		}
	}
	b = append(b, "]}\n"...)
	*buf = b
	return writeJSONBytes(c, http.StatusOK, b)
}

// completeJob answers POST /v2/jobs/{jobKey}/completion.
func (s *Server) completeJob(c echo.Context) error {
	key, err := pathKey(c, "jobKey")
	if err != nil {
		return err
	}
	var body struct {
		Variables json.RawMessage `json:"variables"`
		Result    json.RawMessage `json:"result"`
	}
	if err := decodeBody(c, &body, false); err != nil {
		return err
	}
	vars, err := variablesMap("variables", body.Variables)
	if err != nil {
		return err
	}
	return s.finishJob(c, key, record.Complete, &record.JobRecord{Variables: vars})
}

// failJob answers POST /v2/jobs/{jobKey}/failure.
func (s *Server) failJob(c echo.Context) error {
	key, err := pathKey(c, "jobKey")
	if err != nil {
		return err
	}
	var body struct {
		Retries      int32           `json:"retries"`
		ErrorMessage string          `json:"errorMessage"`
		RetryBackOff int64           `json:"retryBackOff"`
		Variables    json.RawMessage `json:"variables"`
	}
	if err := decodeBody(c, &body, false); err != nil {
		return err
	}
	if body.Retries < 0 {
		return badField("retries", "expected retries >= 0, but got %d", body.Retries)
	}
	if body.RetryBackOff < 0 {
		return badField("retryBackOff", "expected a back-off in ms >= 0, but got %d", body.RetryBackOff)
	}
	vars, err := variablesMap("variables", body.Variables)
	if err != nil {
		return err
	}
	return s.finishJob(c, key, record.Fail, &record.JobRecord{
		Retries: body.Retries, ErrorMessage: body.ErrorMessage, RetryBackoff: body.RetryBackOff, Variables: vars,
	})
}

// throwJobError answers POST /v2/jobs/{jobKey}/error.
func (s *Server) throwJobError(c echo.Context) error {
	key, err := pathKey(c, "jobKey")
	if err != nil {
		return err
	}
	var body struct {
		ErrorCode    string          `json:"errorCode"`
		ErrorMessage string          `json:"errorMessage"`
		Variables    json.RawMessage `json:"variables"`
	}
	if err := decodeBody(c, &body, true); err != nil {
		return err
	}
	if body.ErrorCode == "" {
		return badField("errorCode", "expected an error code to match an error catch event, but it is empty")
	}
	vars, err := variablesMap("variables", body.Variables)
	if err != nil {
		return err
	}
	return s.finishJob(c, key, record.ThrowError, &record.JobRecord{
		ErrorCode: body.ErrorCode, ErrorMessage: body.ErrorMessage, Variables: vars,
	})
}

// finishJob submits a command that ends the worker's hold on a job and
// gives the job's credit back to the stream that pushed it. The credit comes
// back also when the job is gone or in another state: either way the
// worker no longer holds it.
func (s *Server) finishJob(c echo.Context, key int64, intent record.Intent, value *record.JobRecord) error {
	ctx, cancel := s.commandContext(c)
	defer cancel()
	_, err := command.Submit(ctx, s.cluster, partitionOfKey(key), record.Job, intent, key, value)
	var rej *command.Rejection
	if err == nil || errors.As(err, &rej) {
		s.jobs.Release(key)
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// updateJob answers PATCH /v2/jobs/{jobKey}: changeset.retries and/or
// changeset.timeout (ms).
func (s *Server) updateJob(c echo.Context) error {
	key, err := pathKey(c, "jobKey")
	if err != nil {
		return err
	}
	var body struct {
		Changeset *struct {
			Retries *int32 `json:"retries"`
			Timeout *int64 `json:"timeout"`
		} `json:"changeset"`
	}
	if err := decodeBody(c, &body, true); err != nil {
		return err
	}
	cs := body.Changeset
	if cs == nil || (cs.Retries == nil && cs.Timeout == nil) {
		return badField("changeset", "expected at least one of changeset.retries and changeset.timeout, but got none")
	}
	if cs.Retries != nil && *cs.Retries < 1 {
		return badField("changeset.retries", "expected retries > 0, but got %d", *cs.Retries)
	}
	if cs.Timeout != nil && *cs.Timeout < 1 {
		return badField("changeset.timeout", "expected a timeout in ms > 0, but got %d", *cs.Timeout)
	}
	ctx, cancel := s.commandContext(c)
	defer cancel()
	p := partitionOfKey(key)
	if cs.Retries != nil {
		if _, err := command.Submit(ctx, s.cluster, p, record.Job, record.UpdateRetries, key, &record.JobRecord{Retries: *cs.Retries}); err != nil {
			return err
		}
	}
	if cs.Timeout != nil {
		answer, err := command.Submit(ctx, s.cluster, p, record.Job, record.UpdateTimeout, key, &record.JobRecord{Timeout: *cs.Timeout})
		if err != nil {
			return err
		}
		if j, ok := answer.Value.(*record.JobRecord); ok && j.Deadline > 0 {
			s.jobs.Extend(key, time.UnixMilli(j.Deadline)) // a stream holds it that much longer
		}
	}
	return c.NoContent(http.StatusNoContent)
}

package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/command"
)

// createInstanceRequest is Camunda's ProcessInstanceCreationInstruction (by
// id or by key).
type createInstanceRequest struct {
	ProcessDefinitionID      string          `json:"processDefinitionId"`
	ProcessDefinitionVersion *int32          `json:"processDefinitionVersion"`
	ProcessDefinitionKey     jsonKey         `json:"processDefinitionKey"`
	Variables                json.RawMessage `json:"variables"`
	TenantID                 string          `json:"tenantId"`
	AwaitCompletion          bool            `json:"awaitCompletion"`
	FetchVariables           []string        `json:"fetchVariables"`
	RequestTimeout           int64           `json:"requestTimeout"`
	StartInstructions        []any           `json:"startInstructions"`

	// vars are the variables when the fast path decoded them (varsDecoded).
	vars        map[string]any
	varsDecoded bool
}

// createInstanceResult is Camunda's CreateProcessInstanceResult.
type createInstanceResult struct {
	ProcessDefinitionID      string         `json:"processDefinitionId"`
	ProcessDefinitionVersion int32          `json:"processDefinitionVersion"`
	ProcessDefinitionKey     jsonKey        `json:"processDefinitionKey"`
	ProcessInstanceKey       jsonKey        `json:"processInstanceKey"`
	TenantID                 string         `json:"tenantId"`
	Variables                map[string]any `json:"variables"`
	Tags                     []string       `json:"tags"`
}

// createProcessInstance answers POST /v2/process-instances. New instances
// are spread round-robin over the partitions (every partition has every
// deployed definition, under the same key). With
// awaitCompletion the request waits for the instance to complete, up to
// requestTimeout (504 after it; the instance goes on running). A definition
// that another partition does not know yet (its deployment is still being
// distributed) is started on the deployment partition, which has every one.
func (s *Server) createProcessInstance(c echo.Context) error {
	var req createInstanceRequest
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	value, err := req.toRecord()
	if err != nil {
		return err
	}
	intent := record.Create
	timeout := s.cfg.RequestTimeout
	if req.AwaitCompletion {
		intent = record.CreateWithAwaitingResult
		if req.RequestTimeout > 0 {
			timeout = time.Duration(req.RequestTimeout) * time.Millisecond
		}
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
	defer cancel()
	partition := s.next.next(s.partitionCount())
	answer, err := command.Submit(ctx, s.cluster, partition, record.ProcessInstanceCreation, intent, -1, value)
	var rej *command.Rejection
	if partition != deploymentPartition && errors.As(err, &rej) && rej.Type == record.NotFound {
		answer, err = command.Submit(ctx, s.cluster, deploymentPartition, record.ProcessInstanceCreation, intent, -1, value)
	}
	if err != nil {
		return err
	}
	out, err := creationResult(answer)
	if err != nil {
		return err
	}
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	if *buf, err = out.appendJSON(*buf); err != nil {
		return err
	}
	return writeJSONBytes(c, http.StatusOK, append(*buf, '\n'))
}

// appendJSON appends r as encoding/json writes it (jsonenc_test.go checks
// it), without reflection.
func (r *createInstanceResult) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	b = jsonField(b, "processDefinitionId")
	b = appendJSONString(b, r.ProcessDefinitionID)
	b = jsonField(b, "processDefinitionVersion")
	b = strconv.AppendInt(b, int64(r.ProcessDefinitionVersion), 10)
	b = jsonField(b, "processDefinitionKey")
	b = appendJSONKey(b, r.ProcessDefinitionKey)
	b = jsonField(b, "processInstanceKey")
	b = appendJSONKey(b, r.ProcessInstanceKey)
	b = jsonField(b, "tenantId")
	b = appendJSONString(b, r.TenantID)
	b = jsonField(b, "variables")
	var err error
	if b, err = appendJSONObject(b, r.Variables); err != nil {
		return b, fmt.Errorf("process instance %d: result variables: %w", r.ProcessInstanceKey, err)
	}
	b = jsonField(b, "tags")
	b, err = appendJSONValue(b, r.Tags)
	if err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// partitionCount is the cluster's partition count. It never changes in a
// cluster's life, so it is read from the topology (which a node builds
// afresh on every call) until it is known, then remembered.
func (s *Server) partitionCount() int32 {
	if n := s.partitions.Load(); n > 0 {
		return n
	}
	n := s.cluster.Topology().PartitionsCount
	if n > 0 {
		s.partitions.Store(n)
	}
	return n
}

func (req *createInstanceRequest) toRecord() (*record.ProcessInstanceCreationRecord, error) {
	hasID, hasKey := req.ProcessDefinitionID != "", req.ProcessDefinitionKey > 0
	switch {
	case !hasID && !hasKey:
		return nil, badField("processDefinitionId", "expected processDefinitionId or processDefinitionKey, but neither was given")
	case hasID && hasKey:
		return nil, badField("processDefinitionKey", "expected processDefinitionId or processDefinitionKey, but both were given")
	}
	if len(req.StartInstructions) > 0 {
		return nil, badField("startInstructions", "start instructions are not supported by Shoal yet; omit them to start at the none start event")
	}
	if req.RequestTimeout < 0 {
		return nil, badField("requestTimeout", "expected a timeout in ms >= 0, but got %d", req.RequestTimeout)
	}
	if err := checkTenant("tenantId", req.TenantID); err != nil {
		return nil, err
	}
	vars := req.vars
	if !req.varsDecoded {
		var err error
		if vars, err = variablesMap("variables", req.Variables); err != nil {
			return nil, err
		}
	}
	v := &record.ProcessInstanceCreationRecord{
		BpmnProcessID:        req.ProcessDefinitionID,
		ProcessDefinitionKey: int64(req.ProcessDefinitionKey),
		Version:              -1,
		Variables:            vars,
		ProcessInstanceKey:   -1,
		FetchVariables:       req.FetchVariables,
		TenantID:             record.DefaultTenant,
	}
	if !hasKey {
		v.ProcessDefinitionKey = -1
		if req.ProcessDefinitionVersion != nil && *req.ProcessDefinitionVersion > 0 {
			v.Version = *req.ProcessDefinitionVersion
		}
	}
	return v, nil
}

// creationResult turns the engine's answer (PROCESS_INSTANCE_CREATION
// CREATED, or PROCESS_INSTANCE_RESULT when awaiting the result) into
// Camunda's result.
func creationResult(answer record.Record) (createInstanceResult, error) {
	out := createInstanceResult{TenantID: record.DefaultTenant, Variables: map[string]any{}, Tags: []string{}}
	switch v := answer.Value.(type) {
	case *record.ProcessInstanceCreationRecord:
		out.ProcessDefinitionID, out.ProcessDefinitionVersion = v.BpmnProcessID, v.Version
		out.ProcessDefinitionKey, out.ProcessInstanceKey = jsonKey(v.ProcessDefinitionKey), jsonKey(v.ProcessInstanceKey)
		out.TenantID = tenantOr(v.TenantID)
	case *record.ProcessInstanceResultRecord:
		out.ProcessDefinitionID, out.ProcessDefinitionVersion = v.BpmnProcessID, v.Version
		out.ProcessDefinitionKey, out.ProcessInstanceKey = jsonKey(v.ProcessDefinitionKey), jsonKey(v.ProcessInstanceKey)
		out.TenantID = tenantOr(v.TenantID)
		if v.Variables != nil {
			out.Variables = v.Variables
		}
	default:
		return out, fmt.Errorf("process instance creation answered with %T", answer.Value)
	}
	if out.ProcessInstanceKey <= 0 {
		out.ProcessInstanceKey = jsonKey(answer.Key)
	}
	return out, nil
}

// cancelProcessInstance answers POST /v2/process-instances/{key}/cancellation.
func (s *Server) cancelProcessInstance(c echo.Context) error {
	key, err := pathKey(c, "processInstanceKey")
	if err != nil {
		return err
	}
	var body struct {
		OperationReference json.RawMessage `json:"operationReference"`
	}
	if err := decodeBody(c, &body, false); err != nil {
		return err
	}
	return s.submitNoContent(c, key, record.ProcessInstance, record.Cancel,
		&record.ProcessInstanceRecord{ProcessInstanceKey: key})
}

// submitNoContent submits a command about key to the key's partition and
// answers 204.
func (s *Server) submitNoContent(c echo.Context, key int64, vt record.ValueType, intent record.Intent, value record.Value) error {
	ctx, cancel := s.commandContext(c)
	defer cancel()
	if _, err := command.Submit(ctx, s.cluster, partitionOfKey(key), vt, intent, key, value); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// commandContext bounds a command by the gateway's request timeout.
func (s *Server) commandContext(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
}

// variablesMap decodes a variables document (a JSON object, or absent).
func variablesMap(field string, raw json.RawMessage) (map[string]any, error) {
	doc, err := variablesDocument(field, raw)
	if err != nil || doc == nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, badField(field, "expected a JSON object: %v", err)
	}
	return m, nil
}

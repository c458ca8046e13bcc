package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Topology is the cluster as the gateway sees it.
type Topology struct {
	Brokers           []Broker `json:"brokers"`
	ClusterSize       int32    `json:"clusterSize"`
	PartitionsCount   int32    `json:"partitionsCount"`
	ReplicationFactor int32    `json:"replicationFactor"`
	GatewayVersion    string   `json:"gatewayVersion"`
}

// Broker is one node of the cluster.
type Broker struct {
	NodeID     int32       `json:"nodeId"`
	Host       string      `json:"host"`
	Port       int32       `json:"port"`
	Version    string      `json:"version"`
	Partitions []Partition `json:"partitions"`
}

// Partition is one replica on a broker.
type Partition struct {
	PartitionID int32  `json:"partitionId"`
	Role        string `json:"role"`
	Health      string `json:"health"`
}

// Topology reads GET /v2/topology.
func (c *Client) Topology(ctx context.Context) (*Topology, error) {
	var t Topology
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v2/topology"}, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Resource is one file to deploy.
type Resource struct {
	Name    string
	Content []byte
}

// Deployment is the answer to a deployment.
type Deployment struct {
	DeploymentKey string           `json:"deploymentKey"`
	TenantID      string           `json:"tenantId"`
	Deployments   []DeploymentItem `json:"deployments"`
}

// DeploymentItem is one deployed item (Shoal deploys processes).
type DeploymentItem struct {
	ProcessDefinition *DeployedProcess `json:"processDefinition"`
}

// DeployedProcess is one deployed process definition.
type DeployedProcess struct {
	ProcessDefinitionID      string `json:"processDefinitionId"`
	ProcessDefinitionVersion int32  `json:"processDefinitionVersion"`
	ProcessDefinitionKey     string `json:"processDefinitionKey"`
	ResourceName             string `json:"resourceName"`
	TenantID                 string `json:"tenantId"`
}

// Deploy deploys resources atomically (POST /v2/deployments).
func (c *Client) Deploy(ctx context.Context, resources ...Resource) (*Deployment, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, r := range resources {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="resources"; filename=%q`, r.Name))
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if _, err := part.Write(r.Content); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	var d Deployment
	err := c.do(ctx, request{method: http.MethodPost, path: "/v2/deployments", raw: buf.Bytes(), contentType: w.FormDataContentType()}, &d)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DeployFiles reads and deploys files; each is named by its base name.
func (c *Client) DeployFiles(ctx context.Context, paths ...string) (*Deployment, error) {
	res := make([]Resource, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		res = append(res, Resource{Name: filepath.Base(p), Content: b})
	}
	return c.Deploy(ctx, res...)
}

// CreateInstance says which process to start: by ProcessDefinitionID (and
// optionally Version; 0 means the latest) or by ProcessDefinitionKey.
type CreateInstance struct {
	ProcessDefinitionID  string
	Version              int32
	ProcessDefinitionKey string
	// Variables is anything that encodes to a JSON object (nil: none).
	Variables any
}

// ProcessInstance is a created instance; Variables is set only for an
// instance created with its result.
type ProcessInstance struct {
	ProcessDefinitionID      string          `json:"processDefinitionId"`
	ProcessDefinitionVersion int32           `json:"processDefinitionVersion"`
	ProcessDefinitionKey     string          `json:"processDefinitionKey"`
	ProcessInstanceKey       string          `json:"processInstanceKey"`
	TenantID                 string          `json:"tenantId"`
	Variables                json.RawMessage `json:"variables"`
}

type createBody struct {
	ProcessDefinitionID      string   `json:"processDefinitionId,omitempty"`
	ProcessDefinitionVersion int32    `json:"processDefinitionVersion,omitempty"`
	ProcessDefinitionKey     string   `json:"processDefinitionKey,omitempty"`
	Variables                any      `json:"variables,omitempty"`
	AwaitCompletion          bool     `json:"awaitCompletion,omitempty"`
	FetchVariables           []string `json:"fetchVariables,omitempty"`
	RequestTimeout           int64    `json:"requestTimeout,omitempty"`
}

// CreateInstance starts a process instance (POST /v2/process-instances).
func (c *Client) CreateInstance(ctx context.Context, in CreateInstance) (*ProcessInstance, error) {
	return c.create(ctx, createBody{
		ProcessDefinitionID: in.ProcessDefinitionID, ProcessDefinitionVersion: in.Version,
		ProcessDefinitionKey: in.ProcessDefinitionKey, Variables: in.Variables,
	})
}

// CreateInstanceWithResult starts an instance and waits until it completes,
// at most timeout (0: the gateway's default); it answers the variables named
// in fetch (none named: all). A *Problem with status 504 means the instance
// did not complete in time (it goes on running).
func (c *Client) CreateInstanceWithResult(ctx context.Context, in CreateInstance, fetch []string, timeout time.Duration) (*ProcessInstance, error) {
	return c.create(ctx, createBody{
		ProcessDefinitionID: in.ProcessDefinitionID, ProcessDefinitionVersion: in.Version,
		ProcessDefinitionKey: in.ProcessDefinitionKey, Variables: in.Variables,
		AwaitCompletion: true, FetchVariables: fetch, RequestTimeout: timeout.Milliseconds(),
	})
}

func (c *Client) create(ctx context.Context, body createBody) (*ProcessInstance, error) {
	raw, err := body.encode()
	if err != nil {
		return nil, fmt.Errorf("POST /v2/process-instances: encode body: %w", err)
	}
	var pi ProcessInstance
	if err := c.do(ctx, request{method: http.MethodPost, path: "/v2/process-instances", raw: raw, contentType: jsonType}, &pi); err != nil {
		return nil, err
	}
	return &pi, nil
}

// encode writes the body as json.Marshal does (TestCreateBodyEncodesAsEncodingJSON),
// without reflection, and copies variables given as json.RawMessage after
// checking them instead of compacting them: the creation is the call the
// load generator makes most.
func (b *createBody) encode() ([]byte, error) {
	out := make([]byte, 0, 128)
	out = append(out, '{')
	field := func(name string) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, name...)
		out = append(out, '"', ':')
	}
	if b.ProcessDefinitionID != "" {
		field("processDefinitionId")
		out = appendString(out, b.ProcessDefinitionID)
	}
	if b.ProcessDefinitionVersion != 0 {
		field("processDefinitionVersion")
		out = strconv.AppendInt(out, int64(b.ProcessDefinitionVersion), 10)
	}
	if b.ProcessDefinitionKey != "" {
		field("processDefinitionKey")
		out = appendString(out, b.ProcessDefinitionKey)
	}
	if b.Variables != nil {
		vars, err := encodeVariables(b.Variables)
		if err != nil {
			return nil, fmt.Errorf("variables: %w", err)
		}
		field("variables")
		out = append(out, vars...)
	}
	if b.AwaitCompletion {
		field("awaitCompletion")
		out = append(out, "true"...)
	}
	if len(b.FetchVariables) > 0 {
		field("fetchVariables")
		out = append(out, '[')
		for i, name := range b.FetchVariables {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendString(out, name)
		}
		out = append(out, ']')
	}
	if b.RequestTimeout != 0 {
		field("requestTimeout")
		out = strconv.AppendInt(out, b.RequestTimeout, 10)
	}
	return append(out, '}'), nil
}

// encodeVariables encodes a variables document as json.Marshal does, but
// copies a json.RawMessage after checking it rather than compacting it.
func encodeVariables(v any) ([]byte, error) {
	raw, ok := v.(json.RawMessage)
	switch {
	case !ok:
		return json.Marshal(v)
	case raw == nil:
		return []byte("null"), nil
	case !json.Valid(raw):
		return nil, errors.New("the json.RawMessage is not valid JSON")
	}
	return raw, nil
}

// appendString appends s as json.Marshal writes a string: plain printable
// ASCII is copied, anything else goes through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// CancelInstance cancels a process instance.
func (c *Client) CancelInstance(ctx context.Context, processInstanceKey string) error {
	return c.do(ctx, request{method: http.MethodPost, path: "/v2/process-instances/" + url.PathEscape(processInstanceKey) + "/cancellation"}, nil)
}

// ResolveIncident resolves an incident; the instance continues from where
// it stopped (for a job incident, give the job retries first with UpdateJob).
func (c *Client) ResolveIncident(ctx context.Context, incidentKey string) error {
	return c.do(ctx, request{method: http.MethodPost, path: "/v2/incidents/" + url.PathEscape(incidentKey) + "/resolution"}, nil)
}

// SetVariables sets variables on a scope: a process instance or an element
// instance. With local they stay in that scope; otherwise each one goes to
// the outermost scope that has it (or the process instance).
func (c *Client) SetVariables(ctx context.Context, elementInstanceKey string, variables any, local bool) error {
	body := struct {
		Variables any  `json:"variables"`
		Local     bool `json:"local"`
	}{variables, local}
	return c.do(ctx, request{method: http.MethodPut, path: "/v2/element-instances/" + url.PathEscape(elementInstanceKey) + "/variables", json: body}, nil)
}

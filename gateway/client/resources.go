package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
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
	var pi ProcessInstance
	if err := c.do(ctx, request{method: http.MethodPost, path: "/v2/process-instances", json: body}, &pi); err != nil {
		return nil, err
	}
	return &pi, nil
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

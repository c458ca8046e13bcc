package gateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shoalbpm/shoal/broker"
)

func TestTopologyAnswersCamundaShapeWithEmptyAuthorizationAndJSONContentType(t *testing.T) {
	g := newTestGateway(t, 3, Config{Version: "1.2.3"})
	a := g.do(http.MethodGet, "/v2/topology", "")
	a.wantStatus(t, http.StatusOK)
	var top struct {
		Brokers []struct {
			NodeID     *int32 `json:"nodeId"`
			Host       string `json:"host"`
			Port       int32  `json:"port"`
			Version    string `json:"version"`
			Partitions []struct {
				PartitionID int32  `json:"partitionId"`
				Role        string `json:"role"`
				Health      string `json:"health"`
			} `json:"partitions"`
		} `json:"brokers"`
		ClusterSize           int32  `json:"clusterSize"`
		PartitionsCount       int32  `json:"partitionsCount"`
		ReplicationFactor     int32  `json:"replicationFactor"`
		GatewayVersion        string `json:"gatewayVersion"`
		LastCompletedChangeID string `json:"lastCompletedChangeId"`
	}
	a.decode(t, &top)
	if top.PartitionsCount != 3 || top.ClusterSize != 1 || top.ReplicationFactor != 1 || top.GatewayVersion != "1.2.3" || top.LastCompletedChangeID != "-1" {
		t.Fatalf("topology = %+v", top)
	}
	if len(top.Brokers) != 1 || top.Brokers[0].NodeID == nil || len(top.Brokers[0].Partitions) != 3 ||
		top.Brokers[0].Partitions[2].Role != "leader" || top.Brokers[0].Partitions[2].Health != "healthy" {
		t.Fatalf("brokers = %+v", top.Brokers)
	}
}

func TestUnknownRoutesAndMethodsAnswerProblems(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	g.do(http.MethodGet, "/v2/no-such-thing", "").wantProblem(t, http.StatusNotFound, "NOT_FOUND", "openapi.json")
	g.do(http.MethodDelete, "/v2/topology", "").wantProblem(t, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
}

func TestNonJSONContentTypeIsUnsupportedMediaType(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/v2/jobs/activation", strings.NewReader("type=x"))
	req.Header.Set("Content-Type", "text/plain")
	g.send(req).wantProblem(t, http.StatusUnsupportedMediaType, "Unsupported Media Type", "application/json")
}

func TestBodyOverTheLimitIsPayloadTooLarge(t *testing.T) {
	g := newTestGateway(t, 1, Config{MaxBodyBytes: 1024})
	big := `{"variables":{"x":"` + strings.Repeat("a", 2048) + `"},"processDefinitionId":"p"}`
	g.do(http.MethodPost, "/v2/process-instances", big).wantProblem(t, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "1024 bytes")

	// Without a Content-Length the limit is found while reading.
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/v2/process-instances", strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	g.send(req).wantProblem(t, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
}

func TestBrokerErrorsMapToProblems(t *testing.T) {
	tests := []struct {
		err    error
		status int
		title  string
	}{
		{broker.ErrResourceExhausted, http.StatusServiceUnavailable, "RESOURCE_EXHAUSTED"},
		{broker.ErrNoLeader, http.StatusServiceUnavailable, "UNAVAILABLE"},
		{broker.ErrClosed, http.StatusServiceUnavailable, "UNAVAILABLE"},
		{broker.ErrUnknownPartition, http.StatusNotFound, "NOT_FOUND"},
		{broker.ErrOutcomeUnknown, http.StatusGatewayTimeout, "DEADLINE_EXCEEDED"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			g := newTestGateway(t, 1, Config{})
			g.cluster.FailWith(tt.err)
			a := g.do(http.MethodPost, "/v2/jobs/2251799813685249/completion", "")
			a.wantProblem(t, tt.status, tt.title)
			if tt.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") == "" {
				t.Fatal("503 without Retry-After")
			}
		})
	}
}

func TestBadPathKeysNameTheParameter(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	tests := []struct{ method, path, field string }{
		{http.MethodPost, "/v2/jobs/abc/completion", "jobKey"},
		{http.MethodPost, "/v2/jobs/-1/failure", "jobKey"},
		{http.MethodPatch, "/v2/jobs/1x", "jobKey"},
		{http.MethodPost, "/v2/process-instances/x/cancellation", "processInstanceKey"},
		{http.MethodPost, "/v2/incidents/0/resolution", "incidentKey"},
		{http.MethodPut, "/v2/element-instances/zz/variables", "elementInstanceKey"},
	}
	for _, tt := range tests {
		g.do(tt.method, tt.path, `{}`).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", tt.field)
	}
}

func TestStatusIsNoContentWhileAPartitionHasAHealthyLeader(t *testing.T) {
	g := newTestGateway(t, 2, Config{})
	a := g.do(http.MethodGet, "/v2/status", "")
	a.wantStatus(t, http.StatusNoContent)
	if len(a.body) != 0 {
		t.Fatalf("204 with a body: %q", a.body)
	}

	down := &testGateway{t: t, gw: New(noLeaders{g.cluster}, Config{Logger: g.gw.log})}
	down.srv = httptest.NewServer(down.gw.Handler())
	defer down.srv.Close()
	down.do(http.MethodGet, "/v2/status", "").wantProblem(t, http.StatusServiceUnavailable, "UNAVAILABLE", "healthy leader")
}

// noLeaders reports every partition as a follower.
type noLeaders struct{ broker.Cluster }

func (n noLeaders) Topology() broker.Topology {
	t := n.Cluster.Topology()
	for i := range t.Brokers {
		for j := range t.Brokers[i].Partitions {
			t.Brokers[i].Partitions[j].Role = "follower"
		}
	}
	return t
}

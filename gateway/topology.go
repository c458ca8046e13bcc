package gateway

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// topologyResponse is Camunda's TopologyResponse.
type topologyResponse struct {
	Brokers               []brokerInfo `json:"brokers"`
	ClusterID             *string      `json:"clusterId"`
	ClusterSize           int32        `json:"clusterSize"`
	PartitionsCount       int32        `json:"partitionsCount"`
	ReplicationFactor     int32        `json:"replicationFactor"`
	GatewayVersion        string       `json:"gatewayVersion"`
	LastCompletedChangeID string       `json:"lastCompletedChangeId"`
}

type brokerInfo struct {
	NodeID     int32           `json:"nodeId"`
	BrokerID   string          `json:"brokerId"`
	Host       string          `json:"host"`
	Port       int32           `json:"port"`
	Partitions []partitionInfo `json:"partitions"`
	Version    string          `json:"version"`
}

type partitionInfo struct {
	PartitionID int32  `json:"partitionId"`
	Role        string `json:"role"`
	Health      string `json:"health"`
}

// getTopology answers GET /v2/topology from the broker's view of the cluster.
func (s *Server) getTopology(c echo.Context) error {
	t := s.cluster.Topology()
	out := topologyResponse{
		Brokers:               make([]brokerInfo, 0, len(t.Brokers)),
		ClusterSize:           t.ClusterSize,
		PartitionsCount:       t.PartitionsCount,
		ReplicationFactor:     t.ReplicationFactor,
		GatewayVersion:        s.cfg.Version,
		LastCompletedChangeID: "-1", // Shoal has no dynamic cluster changes
	}
	for _, b := range t.Brokers {
		bi := brokerInfo{
			NodeID: b.NodeID, BrokerID: strconv.Itoa(int(b.NodeID)), Host: b.Host, Port: b.Port,
			Version: b.Version, Partitions: make([]partitionInfo, 0, len(b.Partitions)),
		}
		for _, p := range b.Partitions {
			bi.Partitions = append(bi.Partitions, partitionInfo{PartitionID: p.PartitionID, Role: p.Role, Health: p.Health})
		}
		out.Brokers = append(out.Brokers, bi)
	}
	writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
	return nil
}

// errNoHealthyLeader answers GET /v2/status when no partition can work.
var errNoHealthyLeader = errors.New("no partition has a healthy leader")

// getStatus answers GET /v2/status as Camunda does: 204 when at least one
// partition has a healthy leader, 503 otherwise (for load balancers and
// readiness probes).
func (s *Server) getStatus(c echo.Context) error {
	for _, b := range s.cluster.Topology().Brokers {
		for _, p := range b.Partitions {
			if p.Role == "leader" && p.Health == "healthy" {
				return c.NoContent(http.StatusNoContent)
			}
		}
	}
	return errNoHealthyLeader
}

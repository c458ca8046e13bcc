package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
)

// readModel is the node's read model and the runner that feeds it from
// every local partition's record log.
type readModel struct {
	model  *readmodel.Model
	runner *exporter.Runner
}

// startReadModel opens the read model in dataDir/readmodel and starts
// exporting the node's local partitions to it.
func startReadModel(node *broker.Node, dataDir string, partitions int32, retention time.Duration, logger *slog.Logger) (*readModel, error) {
	var sources []exporter.Source
	local := []int32{}
	for id := int32(1); id <= partitions; id++ {
		if p := node.Partition(id); p != nil {
			sources = append(sources, exporter.Source{PartitionID: id, Log: p.Records()})
			local = append(local, id)
		}
	}
	// The gateway asks other nodes for the partitions not in local.
	m, err := readmodel.Open(filepath.Join(dataDir, "readmodel"), readmodel.Config{
		Retention: retention, Partitions: local, Logger: logger})
	if err != nil {
		return nil, err
	}
	r, err := exporter.Start(m, sources, exporter.Config{Logger: logger.With("exporter", "readmodel")})
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("read model: %w", err)
	}
	return &readModel{model: m, runner: r}, nil
}

// Close stops the export and closes the read model; call it before the
// node closes.
func (r *readModel) Close() error {
	r.runner.Stop()
	return r.model.Close()
}

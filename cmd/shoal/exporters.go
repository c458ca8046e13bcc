package main

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter"
	"github.com/shoalbpm/shoal/broker/exporter/jsonl"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
)

// exporters are the node's exporters and the runners that feed them from
// every local partition's record log: always the read model, and the
// JSON-lines file exporter when --exporter-jsonl names a directory.
type exporters struct {
	model   *readmodel.Model
	jsonl   *jsonl.Exporter
	runners []*exporter.Runner
}

// startExporters opens the read model in dataDir/readmodel (and the JSON-lines
// exporter in jsonlDir, if set) and starts exporting the local partitions.
func startExporters(node *broker.Node, s *nodeSettings, logger *slog.Logger) (*exporters, error) {
	var sources []exporter.Source
	local := []int32{}
	for id := int32(1); id <= s.partitions; id++ {
		if p := node.Partition(id); p != nil {
			sources = append(sources, exporter.Source{PartitionID: id, Log: p.Records()})
			local = append(local, id)
		}
	}
	ex := &exporters{}
	// The gateway asks other nodes for the partitions not in local.
	m, err := readmodel.Open(filepath.Join(s.dataDir, "readmodel"), readmodel.Config{
		Retention: s.retention, Partitions: local, Logger: logger})
	if err != nil {
		return nil, err
	}
	ex.model = m
	if err := ex.start("readmodel", m, sources, logger); err != nil {
		ex.Close()
		return nil, err
	}
	if s.exporterJSONL != "" {
		j, err := jsonl.Open(s.exporterJSONL)
		if err != nil {
			ex.Close()
			return nil, err
		}
		ex.jsonl = j
		if err := ex.start("jsonl", j, sources, logger); err != nil {
			ex.Close()
			return nil, err
		}
		logger.Info("exporting records as JSON lines", "dir", s.exporterJSONL)
	}
	return ex, nil
}

func (ex *exporters) start(name string, e exporter.Exporter, sources []exporter.Source, logger *slog.Logger) error {
	r, err := exporter.Start(e, sources, exporter.Config{Logger: logger.With("exporter", name)})
	if err != nil {
		return fmt.Errorf("%s exporter: %w", name, err)
	}
	ex.runners = append(ex.runners, r)
	return nil
}

// Exported is the lowest position every exporter has of a partition: the
// record log may be trimmed only below it.
func (ex *exporters) Exported(partitionID int32) (int64, bool) {
	lowest, known := int64(0), false
	for _, r := range ex.runners {
		pos, ok := r.Exported(partitionID)
		if !ok {
			return 0, false
		}
		if !known || pos < lowest {
			lowest, known = pos, true
		}
	}
	return lowest, known
}

// Close stops the export and closes the exporters; call it before the node
// closes.
func (ex *exporters) Close() error {
	for _, r := range ex.runners {
		r.Stop()
	}
	var errs []error
	if ex.model != nil {
		errs = append(errs, ex.model.Close())
	}
	if ex.jsonl != nil {
		errs = append(errs, ex.jsonl.Close())
	}
	return errors.Join(errs...)
}

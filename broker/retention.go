package broker

import "time"

// trimInterval is how often the record logs are trimmed. Often, and with a
// short retention: records deleted while they are still in pebble's
// memtable are never written to disk or compacted (at a thousand instances
// a second, thirty-odd records each, a 10 s rhythm sent every record
// through a flush and a compaction).
const trimInterval = time.Second

// defaultExporterLagWarning is the exporter lag, in records, above which the
// node warns at every trim round.
const defaultExporterLagWarning = 1_000_000

// exporterLag is the number of records of partition id not yet exported,
// or -1 when unknown (the exporter_lag_records metric).
func (n *Node) exporterLag(id int32) float64 {
	p, f := n.parts[id], n.exported.Load()
	if p == nil || f == nil {
		return -1
	}
	exported, ok := (*f)(id)
	last, written, err := p.Records().Last()
	if !ok || err != nil || !written {
		return -1
	}
	return float64(max(last-exported, 0))
}

// defaultRecordRetention is how many records are kept below the lowest
// exported position (or the log's end, without exporters), for debugging.
const defaultRecordRetention = 10_000

// SetExportedPosition sets where the record logs' exporters are (the
// exporter runner's Exported), once they run: trimming starts then.
func (n *Node) SetExportedPosition(f func(partitionID int32) (pos int64, ok bool)) {
	n.exported.Store(&f)
}

// trimRecordLogs keeps each local record log from growing without bound
// (and the snapshots, which carry it): records below the exported position
// minus the retention are deleted. Until an exported position is known
// (Config.ExportedPosition or SetExportedPosition), nothing is trimmed:
// a record is never deleted before its exporter had it.
func (n *Node) trimRecordLogs() {
	defer n.wg.Done()
	t := time.NewTicker(trimInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-n.closed:
			return
		}
		for id, p := range n.parts {
			if err := n.trimPartition(id, p.Records()); err != nil {
				n.logger.Warn("record log trim failed", "partition", id, "err", err)
			}
		}
	}
}

// recordTrimmer is the part of recordlog.Log that trimming needs.
type recordTrimmer interface {
	Bounds() (first, last int64, ok bool, err error)
	Trim(upTo int64) error
}

func (n *Node) trimPartition(id int32, log recordTrimmer) error {
	first, last, ok, err := log.Bounds()
	if err != nil || !ok {
		return err
	}
	f := n.exported.Load()
	if f == nil {
		return nil // no exporter known: keep everything
	}
	exported, ok := (*f)(id)
	if !ok {
		return nil // no exporter runs this partition yet: keep everything
	}
	if lag := last - exported; lag > n.cfg.ExporterLagWarning {
		n.logger.Warn("exporter falls behind; the record log grows until it catches up",
			"partition", id, "lagRecords", lag, "position", last, "exportedPosition", exported)
	}
	upTo := min(last+1, exported+1) - n.cfg.RecordRetention
	if upTo <= first {
		return nil
	}
	return log.Trim(upTo)
}

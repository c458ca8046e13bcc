package broker

import "time"

// trimInterval is how often the record logs are trimmed.
const trimInterval = 10 * time.Second

// defaultRecordRetention is how many records are kept below the lowest
// exported position (or the log's end, without exporters), for debugging.
const defaultRecordRetention = 100_000

// trimRecordLogs keeps each local record log from growing without bound
// (and the snapshots, which carry it): records below the exported position
// minus the retention are deleted. Without an exporter, the log's end
// stands for the exported position.
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
	upTo := last + 1
	if n.cfg.ExportedPosition != nil {
		exported, ok := n.cfg.ExportedPosition(id)
		if !ok {
			return nil // no exporter runs this partition yet: keep everything
		}
		upTo = min(upTo, exported+1)
	}
	upTo -= n.cfg.RecordRetention
	if upTo <= first {
		return nil
	}
	return log.Trim(upTo)
}

// Package exporter runs exporters over the record logs of a node's
// partitions (DESIGN.md §2 step 7, Zeebe's exporter director).
//
//	recordlog.Log ──Read(from)──► Runner (one goroutine per partition)
//	                                 │ up to BatchSize records, in position order
//	                                 ▼
//	                         Exporter.Export(partition, records)
//	                                 │ returns once they are durable,
//	                                 │ with the position of the last one
//	                                 ▼
//	                         Exporter.Position(partition) on the next start
//
// Contract:
//   - Records of a partition reach the exporter in position order, each batch
//     starting right after the position the exporter last reported.
//   - At least once: after a crash the runner starts again from
//     Exporter.Position, so a batch whose Export did not return may be
//     offered again. An exporter that stores its position in the same
//     atomic write as its data (the read model does) sees each record once.
//   - The exporter owns its position, persisted with its data; the runner
//     only reads it. Runner.Exported reports the lowest exported position of
//     a partition: the record log may be trimmed only below it.
//   - A failing Export is retried with a growing back-off (at most
//     MaxBackoff) and logged; records are never skipped. Records trimmed
//     from the log before they were exported (a replica that installed a
//     snapshot of a trimmed log) are logged as a warning.
//
// The runner notices new records when the log tells it of a commit
// (recordlog.Log.Subscribe) or Notify is called, and checks an idle log
// every IdleInterval (1 s) besides; after reading some records it waits
// PollInterval (5 ms) for more, so batches grow with load, and while a
// backlog remains it reads on without waiting. (Polling every 5 ms cost an
// idle node a tenth of a core.)
package exporter

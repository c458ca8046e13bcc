// Package jsonl is the JSON-lines file exporter: every record of a
// partition, one JSON object per line in Zeebe's exporter shape, appended to
// DIR/partition-<id>.jsonl. It is for debugging and for users who ship
// records elsewhere (tail the file with any log shipper). `shoal start
// --exporter-jsonl DIR` turns it on.
//
// The file is its own position store: the position of a partition is the
// position of the last complete line. Export appends and fsyncs before it
// returns, so a position it reports is durable; a line cut short by a crash
// is removed when the file is opened again, and the runner offers those
// records once more. Each record is therefore in the file exactly once.
package jsonl

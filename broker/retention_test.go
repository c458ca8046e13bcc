package broker

import (
	"testing"
)

// fakeLog is a record log's bounds, recording the trim.
type fakeLog struct {
	first, last int64
	empty       bool
	trimmedTo   int64
}

func (f *fakeLog) Bounds() (int64, int64, bool, error) { return f.first, f.last, !f.empty, nil }
func (f *fakeLog) Trim(upTo int64) error               { f.trimmedTo = upTo; return nil }

func TestRecordLogIsTrimmedBelowExportedMinusRetention(t *testing.T) {
	tests := []struct {
		name     string
		exported func(int32) (int64, bool)
		log      fakeLog
		want     int64 // 0: no trim
	}{
		{"no exporter known: nothing trimmed", nil, fakeLog{first: 1, last: 1000}, 0},
		{"exporter at the end", func(int32) (int64, bool) { return 1000, true }, fakeLog{first: 1, last: 1000}, 1001 - 100},
		{"exporter behind the end", func(int32) (int64, bool) { return 500, true }, fakeLog{first: 1, last: 1000}, 501 - 100},
		{"exporter not running the partition", func(int32) (int64, bool) { return 0, false }, fakeLog{first: 1, last: 1000}, 0},
		{"nothing beyond the retention", func(int32) (int64, bool) { return 1000, true }, fakeLog{first: 950, last: 1000}, 0},
		{"empty log", func(int32) (int64, bool) { return 1000, true }, fakeLog{empty: true}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &Node{cfg: Config{RecordRetention: 100, ExporterLagWarning: 200}, logger: testLogger()}
			if tt.exported != nil {
				n.SetExportedPosition(tt.exported)
			}
			log := tt.log
			if err := n.trimPartition(1, &log); err != nil {
				t.Fatal(err)
			}
			if log.trimmedTo != tt.want {
				t.Fatalf("trimmed below %d, want %d", log.trimmedTo, tt.want)
			}
		})
	}
}

func TestExporterLagIsReportedOnceAnExporterIsKnown(t *testing.T) {
	n := startNode(t, fastConfig(t.TempDir()))
	waitReady(t, n)
	if lag := n.exporterLag(1); lag != -1 {
		t.Fatalf("lag without an exporter = %v, want -1", lag)
	}
	deploy(t, n, 1)
	_, last, _, _ := n.Partition(1).Records().Bounds()
	n.SetExportedPosition(func(int32) (int64, bool) { return 1, true })
	if lag := n.exporterLag(1); lag != float64(last-1) {
		t.Fatalf("lag = %v, want %d", lag, last-1)
	}
}

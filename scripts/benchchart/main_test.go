package main

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

const sample = `{"workload":"one_task","mode":"open","jobs":"stream","offered_rate":100,"completed_per_sec":99,"load_average":3.5,"latency":{"p50_ms":4,"p99_ms":20}}
{"workload":"one_task","mode":"open","jobs":"stream","offered_rate":200,"completed_per_sec":190,"load_average":4,"latency":{"p50_ms":6,"p99_ms":80}}
{"workload":"one_task","mode":"open","jobs":"poll","offered_rate":100,"completed_per_sec":98,"load_average":4,"latency":{"p50_ms":9,"p99_ms":40}}
{"workload":"one_task","mode":"closed","jobs":"stream","completed_per_sec":900,"latency":{"p50_ms":50,"p99_ms":90}}
not json: passed over
`

// TestChartIsWellFormedSVG draws the sample and checks that the SVG parses
// as XML, has one series per workload and acquisition (closed loop left
// out), and names them in the legend.
func TestChartIsWellFormedSVG(t *testing.T) {
	pts, err := readPoints(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	ss := group(pts)
	if len(ss) != 2 || ss[0].name != "one_task, stream" || len(ss[0].points) != 2 || ss[1].name != "one_task, poll" {
		t.Fatalf("series = %+v", ss)
	}
	svg := draw("test <chart>", ss, maxLoad(pts))
	dec := xml.NewDecoder(strings.NewReader(svg))
	polylines := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			polylines++
		}
	}
	if polylines != 6 { // per series: throughput, p50, p99
		t.Errorf("%d polylines, want 6", polylines)
	}
	for _, want := range []string{"one_task, stream", "one_task, poll", "test &lt;chart&gt;", "load average up to 4.0"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
}

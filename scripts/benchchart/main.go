// Command benchchart draws the open-loop results of `shoal bench --json`
// as an SVG: throughput (instances completed per second) and latency (p50
// and p99, log scale) against the offered rate, one series per job
// acquisition (push stream, long polling) and workload.
//
//	benchchart [-o chart.svg] [-title TEXT] results.jsonl...   (stdin without files)
//
// Closed-loop results (no offered rate) are ignored.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
)

// point is the part of a bench result the chart uses.
type point struct {
	Workload    string  `json:"workload"`
	Mode        string  `json:"mode"`
	Jobs        string  `json:"jobs"`
	Offered     float64 `json:"offered_rate"`
	Completed   float64 `json:"completed_per_sec"`
	LoadAverage float64 `json:"load_average"`
	Latency     struct {
		P50 float64 `json:"p50_ms"`
		P99 float64 `json:"p99_ms"`
	} `json:"latency"`
}

type series struct {
	name   string
	points []point
}

func main() {
	out := flag.String("o", "", "write the SVG here (default: stdout)")
	title := flag.String("title", "Shoal, one_task, single node, fsync on, HTTP", "the chart's title")
	flag.Parse()
	if err := run(*out, *title, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "benchchart:", err)
		os.Exit(1)
	}
}

func run(out, title string, files []string) error {
	var pts []point
	read := func(r io.Reader, name string) error {
		p, err := readPoints(r)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		pts = append(pts, p...)
		return nil
	}
	if len(files) == 0 {
		if err := read(os.Stdin, "stdin"); err != nil {
			return err
		}
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		err = read(fh, f)
		fh.Close()
		if err != nil {
			return err
		}
	}
	ss := group(pts)
	if len(ss) == 0 {
		return errors.New("no open-loop results (with an offered_rate) to draw")
	}
	w := io.Writer(os.Stdout)
	if out != "" {
		fh, err := os.Create(out)
		if err != nil {
			return err
		}
		defer fh.Close()
		w = fh
	}
	_, err := io.WriteString(w, draw(title, ss, maxLoad(pts)))
	return err
}

// readPoints reads JSON lines; lines that are not JSON objects are skipped.
func readPoints(r io.Reader) ([]point, error) {
	var pts []point
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var p point
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			return nil, err
		}
		if p.Mode == "open" && p.Offered > 0 {
			pts = append(pts, p)
		}
	}
	return pts, sc.Err()
}

// group makes one series per workload and acquisition, sorted by rate.
func group(pts []point) []series {
	by := map[string][]point{}
	for _, p := range pts {
		name := p.Workload + ", " + p.Jobs
		by[name] = append(by[name], p)
	}
	var ss []series
	for name, p := range by {
		sort.Slice(p, func(i, j int) bool { return p[i].Offered < p[j].Offered })
		ss = append(ss, series{name, p})
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].name > ss[j].name }) // stream before poll
	return ss
}

func maxLoad(pts []point) float64 {
	m := 0.0
	for _, p := range pts {
		m = math.Max(m, p.LoadAverage)
	}
	return m
}

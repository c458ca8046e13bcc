// Command benchjson turns `go test -bench` output into JSON lines, one per
// benchmark result, so that `make bench` prints machine-readable figures.
//
// Lines that are not benchmark results are passed through to stderr.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	pkg := ""
	sc := bufio.NewScanner(os.Stdin)
	enc := json.NewEncoder(os.Stdout)
	failed := false
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p
		}
		if strings.HasPrefix(line, "FAIL") {
			failed = true
		}
		res, ok := parse(line)
		if !ok {
			fmt.Fprintln(os.Stderr, line)
			continue
		}
		res["package"] = pkg
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "benchjson:", err)
			os.Exit(1)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "benchjson:", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}

// parse reads "BenchmarkX-2  1000  1234 ns/op  56 B/op  7 allocs/op  8.9 widgets/s".
func parse(line string) (map[string]any, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return nil, false
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return nil, false
	}
	res := map[string]any{"benchmark": f[0], "iterations": n}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return nil, false
		}
		res[f[i+1]] = v
	}
	return res, true
}

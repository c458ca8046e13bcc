package bpmn

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden/bpmn")

// TestInvalidFixturesGolden pins every problem reported for the invalid
// fixtures, one per line as `shoal check` prints them. Run with -update
// after an intended change of wording, and review the diff.
func TestInvalidFixturesGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "invalid", "*.bpmn"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("invalid fixtures: %v", err)
	}
	var b strings.Builder
	for _, p := range paths {
		_, err := compilePath(p, Options{})
		for _, e := range problems(t, err) {
			b.WriteString(filepath.Base(p) + ":" + e.Error() + "\n")
		}
	}
	checkGolden(t, t.Name(), b.String())
}

// checkGolden compares got with testdata/golden/bpmn/<name>.txt, or
// rewrites the file when the test runs with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("..", "testdata", "golden", "bpmn", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if intended):\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

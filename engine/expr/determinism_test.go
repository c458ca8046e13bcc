package expr

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The engine's own grep (engine/determinism_test.go) skips this package;
// this is its check here. sync is allowed: the VM pool cannot change results.
var forbidden = []struct {
	pattern *regexp.Regexp
	why     string
}{
	{regexp.MustCompile(`time\.Now\(|time\.Since\(`), "now() must read the clock given with At, never the wall clock"},
	{regexp.MustCompile(`"math/rand|"crypto/rand"`), "evaluation draws no random numbers"},
	{regexp.MustCompile(`os\.Getenv\(`), "evaluation does not depend on the environment"},
	{regexp.MustCompile(`\bgo func\b`), "evaluation runs on the caller's goroutine"},
}

func TestNoWallClockRandomnessOrGoroutinesInNonTestFiles(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		checked++
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			for _, f := range forbidden {
				if f.pattern.MatchString(code) {
					t.Errorf("%s:%d: %s: %s", file, i+1, strings.TrimSpace(line), f.why)
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d files", checked)
	}
}

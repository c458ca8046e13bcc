package expr

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzCompile checks that parsing and compiling never panic, and that
// evaluating whatever compiles never panics either (it may fail).
func FuzzCompile(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.cases")
	for _, file := range files {
		fh, err := os.Open(file)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if i := strings.LastIndex(sc.Text(), " ==> "); i > 0 {
				f.Add(sc.Text()[:i])
			}
		}
		fh.Close()
	}
	vars := MapVars{
		"x": 5, "s": "text", "xs": []any{1, 2.5, "a", nil}, "m": map[string]any{"a": 1, "b": []any{true}},
		"items": []any{map[string]any{"price": 5}, map[string]any{"price": 50}},
	}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			if e != nil {
				t.Fatalf("Compile(%q) returned an Expr and an error", src)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Compile(%q): %v", src, err)
			}
			return
		}
		// vm.Run turns panics into errors, so look for the signs of one
		_, err = e.EvalAt(vars, now)
		if err != nil && isBug(err.Error()) {
			t.Fatalf("Eval(%q): %v", src, err)
		}
		_ = e.Variables()
	})
}

func isBug(msg string) bool {
	for _, sign := range []string{"internal error", "runtime error", "interface conversion", "invalid memory", "nil pointer"} {
		if strings.Contains(msg, sign) {
			return true
		}
	}
	return false
}

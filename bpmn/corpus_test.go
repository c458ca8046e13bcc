package bpmn

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// expectation is one line of testdata/corpus-expectations.tsv.
type expectation struct {
	outcome, msg, why string
}

func readExpectations(t *testing.T) map[string]expectation {
	t.Helper()
	f, err := os.Open("../testdata/corpus-expectations.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exp := map[string]expectation{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 4 || cols[1] != "reject" {
			t.Fatalf("corpus-expectations.tsv:%d: want path, reject, message, why", line)
		}
		exp[cols[0]] = expectation{cols[1], cols[2], cols[3]}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return exp
}

// zeebeDeployed reports whether a corpus file is one Zeebe itself deploys
// (or rejects): the Zeebe repository's models and the Camunda 8 SDK's.
func zeebeDeployed(rel string) bool {
	return strings.HasPrefix(rel, "zeebe/") || strings.HasPrefix(rel, "examples/camunda-8-js-sdk/")
}

// TestCorpus parses and compiles every .bpmn file under $SHOAL_CORPUS. No
// file may panic; the files Zeebe deploys compile, except those listed in
// testdata/corpus-expectations.tsv, which must be rejected with the listed
// problem.
func TestCorpus(t *testing.T) {
	root := os.Getenv("SHOAL_CORPUS")
	if root == "" {
		t.Skip("SHOAL_CORPUS is not set: it names the BPMN corpus directory (CI sets it to ../shared/corpus)")
	}
	root = fromRepoRoot(root, "..")
	exp := readExpectations(t)
	seen := map[string]bool{}
	files := 0
	var outcomes strings.Builder
	ran := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".bpmn") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		files++
		seen[rel] = true
		t.Run(rel, func(t *testing.T) {
			err := compileNoPanic(t, path)
			outcomes.WriteString(outcome(rel, err))
			ran++
			if !zeebeDeployed(rel) {
				checkLocated(t, err)
				return
			}
			e, listed := exp[rel]
			switch {
			case !listed && err != nil:
				t.Errorf("Zeebe deploys this file, Shoal rejects it:\n%v", err)
			case listed && err == nil:
				t.Errorf("compiled, but the expectations say it is rejected: %s", e.why)
			case listed && !strings.Contains(err.Error(), e.msg):
				t.Errorf("rejected, but not with %q (%s):\n%v", e.msg, e.why, err)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("no .bpmn files under SHOAL_CORPUS=%s", root)
	}
	for rel := range exp {
		if !seen[rel] {
			t.Errorf("corpus-expectations.tsv lists %s, which is not in the corpus", rel)
		}
	}
	if ran == files { // not when -run picked some files only
		checkGolden(t, "TestCorpus", outcomes.String())
	}
}

// outcome is one line of the corpus golden file: ok, or the number of
// problems and the first one.
func outcome(rel string, err error) string {
	if err == nil {
		return rel + ": ok\n"
	}
	var list ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return fmt.Sprintf("%s: %d problem(s), first %s\n", rel, len(list), list[0])
	}
	return fmt.Sprintf("%s: %v\n", rel, err)
}

// compileNoPanic parses and compiles a file, turning a panic into a test
// failure with its stack.
func compileNoPanic(t *testing.T, path string) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	_, err = compilePath(path, Options{})
	return err
}

// checkLocated checks that a rejection is made of located problems.
func checkLocated(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			if e.Line == 0 || e.Msg == "" {
				t.Errorf("problem without a position or message: %#v", e)
			}
		}
	case errors.As(err, &one):
		if one.Line == 0 && !strings.Contains(one.Msg, "larger than") {
			t.Errorf("parse error without a position: %v", one)
		}
	default:
		t.Errorf("error is not located: %v", err)
	}
}

// fromRepoRoot resolves a relative SHOAL_CORPUS the way a person at the
// repository root means it (go test runs in the package directory).
func fromRepoRoot(path, repoRoot string) string {
	if filepath.IsAbs(path) {
		return path
	}
	if _, err := os.Stat(path); err == nil {
		return path
	}
	return filepath.Join(repoRoot, path)
}

package bpmn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureDir holds the BPMN fixtures shared by every package's tests.
const fixtureDir = "../testdata/bpmn"

// compileFile parses and compiles a fixture and fails the test on any
// problem.
func compileFile(t *testing.T, name string) *Deployment {
	t.Helper()
	dep, err := compilePath(filepath.Join(fixtureDir, name), Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return dep
}

func compilePath(path string, opts Options) (*Deployment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	defs, err := Parse(f)
	if err != nil {
		return nil, err
	}
	return Compile(defs, opts)
}

// compileString parses and compiles XML held in a string.
func compileString(xml string, opts Options) (*Deployment, error) {
	defs, err := Parse(strings.NewReader(xml))
	if err != nil {
		return nil, err
	}
	return Compile(defs, opts)
}

// problems returns the located problems of err (one for a parse error).
func problems(t *testing.T, err error) ErrorList {
	t.Helper()
	if err == nil {
		t.Fatal("expected problems, got none")
	}
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	var one *Error
	if errors.As(err, &one) {
		return ErrorList{one}
	}
	t.Fatalf("error %v (%T) is neither ErrorList nor *Error", err, err)
	return nil
}

// node finds a node of the single process of dep, failing if absent.
func node(t *testing.T, g *Graph, id string) *Node {
	t.Helper()
	n := g.ByID[id]
	if n == nil {
		t.Fatalf("process %q has no node %q", g.ProcessID, id)
	}
	return n
}

// only returns the one graph of dep.
func only(t *testing.T, dep *Deployment) *Graph {
	t.Helper()
	if len(dep.Processes) != 1 {
		t.Fatalf("got %d processes, want 1", len(dep.Processes))
	}
	return dep.Processes[0]
}

func ids(nodes []*Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

func flowIDs(flows []*Flow) []string {
	out := make([]string, len(flows))
	for i, f := range flows {
		out[i] = f.ID
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzParseCompile feeds arbitrary bytes to Parse and Compile. Whatever the
// input, they must not panic, must return located errors, and a graph they
// return must be fully wired.
func FuzzParseCompile(f *testing.F) {
	for _, pattern := range []string{"*.bpmn", "invalid/*.bpmn"} {
		paths, _ := filepath.Glob(filepath.Join(fixtureDir, pattern))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(minimal))
	f.Fuzz(func(t *testing.T, data []byte) {
		defs, err := Parse(bytes.NewReader(data))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("parse error %v is not an *Error", err)
			}
			return
		}
		checkPositions(t, data)
		dep, err := Compile(defs, Options{Expressions: recordingCompiler{}})
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("compile error %v is not a non-empty ErrorList", err)
			}
			return
		}
		for _, g := range dep.Processes {
			checkWired(t, g)
		}
	})
}

// checkWired checks the invariants the engine relies on.
func checkWired(t *testing.T, g *Graph) {
	t.Helper()
	for _, f := range g.Flows {
		if f.Source == nil || f.Target == nil {
			t.Fatalf("flow %q is not connected", f.ID)
		}
	}
	for _, n := range g.Nodes[1:] {
		if n.Scope == nil || g.ByID[n.ID] != n {
			t.Fatalf("node %q: scope %v, by id %v", n.ID, n.Scope, g.ByID[n.ID])
		}
		if n.Kind == KindBoundaryEvent && n.AttachedTo == nil {
			t.Fatalf("boundary %q has no host", n.ID)
		}
	}
}

// checkPositions compares where prescan found the start tags of an accepted
// document with where encoding/xml's tokenizer finds them: the byte scan
// must agree with a real XML parser, or elements get wrong positions.
func checkPositions(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.Equal(positionText(data), data) {
		return // a Latin-1 file: the decoder counts converted bytes
	}
	starts, err := prescan(data)
	if err != nil {
		t.Fatalf("Parse accepted what prescan refuses: %v", err)
	}
	var want []int
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	for {
		off := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Parse accepted what encoding/xml refuses: %v", err)
		}
		if _, ok := tok.(xml.StartElement); ok {
			want = append(want, int(off))
		}
	}
	if !slices.Equal(starts, want) {
		t.Fatalf("prescan start tags at %v, encoding/xml at %v", starts, want)
	}
}

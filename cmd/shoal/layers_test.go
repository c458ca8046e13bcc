package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/shoalbpm/shoal"

// layerRule says which imports a group of our packages may not have.
type layerRule struct {
	name      string
	applies   func(pkg string) bool
	forbidden []string // import path prefixes
	fix       string
	allowed   []string // exceptions to forbidden: import path prefixes
}

func under(prefixes ...string) func(string) bool {
	return func(pkg string) bool {
		for _, p := range prefixes {
			if pkg == module+"/"+p || strings.HasPrefix(pkg, module+"/"+p+"/") {
				return true
			}
		}
		return false
	}
}

// The import rules of DESIGN.md §1 and STYLE.md: imports point down
// cmd -> gateway -> broker -> engine -> bpmn, never up.
var layerRules = []layerRule{
	{"bpmn imports nothing of ours", under("bpmn"),
		[]string{module + "/"}, "move shared types into bpmn or take them as an interface",
		[]string{module + "/bpmn"}},
	{"engine never imports broker, gateway, storage or network", under("engine"),
		[]string{module + "/broker", module + "/gateway", module + "/cmd", module + "/modeler",
			"github.com/cockroachdb/pebble", "github.com/hashicorp/raft", "github.com/labstack/echo", "net/http"},
		"the engine sees state only through state.KV; side effects belong to the broker", nil},
	{"broker never imports the gateway or echo", under("broker"),
		[]string{module + "/gateway", module + "/cmd", "github.com/labstack/echo"},
		"define the interface in broker and implement it in gateway", nil},
	{"broker uses the engine only through its public API", under("broker"),
		[]string{module + "/engine/proc", module + "/engine/behavior", module + "/engine/element", module + "/engine/applier"},
		"use engine.Engine, engine/record and engine/state", nil},
	{"gateway never touches storage or raft", under("gateway"),
		[]string{"github.com/cockroachdb/pebble", "github.com/hashicorp/raft", module + "/engine/state", module + "/cmd"},
		"go through broker.Cluster", nil},
	{"the Go client and the modeler are stdlib only", under("gateway/client", "modeler"),
		[]string{module + "/", "github.com/"},
		"the client must stay importable on its own; copy the small types it needs",
		[]string{module + "/gateway/client", module + "/modeler"}},
}

type listedPackage struct {
	ImportPath string
	Imports    []string
}

// TestImportLayers checks every package of the module against the layer
// rules, so that a wrong import fails CI instead of waiting for review.
func TestImportLayers(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		seen++
		for _, r := range layerRules {
			if !r.applies(p.ImportPath) {
				continue
			}
			for _, imp := range p.Imports {
				if hasPrefix(imp, r.forbidden) && !hasPrefix(imp, r.allowed) {
					t.Errorf("%s imports %s: rule %q broken; %s", p.ImportPath, imp, r.name, r.fix)
				}
			}
		}
	}
	if seen < 3 {
		t.Fatalf("go list saw %d packages; expected the whole module", seen)
	}
}

func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

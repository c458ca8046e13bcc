package client

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsOnlyTheStandardLibrary keeps the client importable on its own
// (it may become a module of its own): no dependency, direct or indirect,
// outside the standard library.
func TestImportsOnlyTheStandardLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg != "github.com/shoalbpm/shoal/gateway/client" {
			t.Errorf("the client depends on %s; copy the small types it needs instead", pkg)
		}
	}
}

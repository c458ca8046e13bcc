package gateway

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIDocumentsExactlyTheServedRoutes checks both directions: every
// route of the gateway is in openapi.json, and every operation there is
// served (a request to it does not answer 404/405 from the router).
func TestOpenAPIDocumentsExactlyTheServedRoutes(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	a := g.do(http.MethodGet, "/v2/openapi.json", "")
	a.wantStatus(t, http.StatusOK)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	a.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || doc.Servers[0].URL != "/v2" {
		t.Fatalf("openapi %q servers %+v", doc.OpenAPI, doc.Servers)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range routes {
		served[r.method+" "+echoPathToOpenAPI(r.path)] = true
	}
	var missing, extra []string
	for op := range served {
		if !documented[op] {
			missing = append(missing, op)
		}
	}
	for op := range documented {
		if !served[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("routes not documented: %v; documented but not served: %v", missing, extra)
	}
	// And the router really serves each documented operation.
	for op := range documented {
		method, path, _ := strings.Cut(op, " ")
		path = "/v2" + strings.NewReplacer("{jobKey}", "1", "{processInstanceKey}", "1", "{incidentKey}", "1", "{elementInstanceKey}", "1", "{processDefinitionKey}", "1", "{variableKey}", "1").Replace(path)
		if path == "/v2/jobs/stream" || path == "/v2/jobs/activation" {
			continue // these park; their routing is covered by their own tests
		}
		got := g.do(method, path, "x")
		if got.status == http.StatusNotFound || got.status == http.StatusMethodNotAllowed {
			var p Problem
			got.decode(t, &p)
			if p.Title == "NOT_FOUND" && strings.Contains(p.Detail, "No such endpoint") || got.status == http.StatusMethodNotAllowed {
				t.Fatalf("%s is documented but the router does not serve it: %s", op, got.body)
			}
		}
	}
}

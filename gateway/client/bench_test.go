package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkCallsPerInstance measures the client's side of one one-task
// instance as `shoal bench` drives it: a creation awaiting its result with
// a 512-byte payload, and the job's completion, over loopback HTTP against
// a server that answers at once.
func BenchmarkCallsPerInstance(b *testing.B) {
	answer := []byte(`{"processDefinitionId":"one_task","processDefinitionVersion":1,"processDefinitionKey":"2251799813685249",` +
		`"processInstanceKey":"2251799813685251","tenantId":"<default>","variables":{"n":42},"tags":[]}` + "\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if strings.HasSuffix(r.URL.Path, "/completion") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	c := New(srv.URL)
	vars := json.RawMessage(`{"n":42,"payload":{"currency":"EUR","customerId":"customer-4711","items":[{"qty":2,"sku":"SKU-1"},{"qty":1,"sku":"SKU-2"}],` +
		`"note":"` + strings.Repeat("x", 300) + `","orderId":"order-00000042","total":129.95},"route":"a"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		pi, err := c.CreateInstanceWithResult(ctx, CreateInstance{ProcessDefinitionID: "one_task", Variables: vars}, []string{"n"}, 0)
		if err != nil || pi.ProcessInstanceKey == "" {
			b.Fatal(pi, err)
		}
		if err := c.CompleteJob(ctx, "2251799813685252", nil); err != nil {
			b.Fatal(err)
		}
	}
}

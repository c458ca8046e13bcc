package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

// BenchmarkHTTPOverheadPerRequest measures what the gateway adds to a
// command: HTTP over loopback with keep-alive, routing, JSON decoding and
// validation, the command record, the answer. The fake cluster answers at
// once, so the broker's and engine's work is not included.
func BenchmarkHTTPOverheadPerRequest(b *testing.B) {
	t := &testing.T{}
	g := newTestGateway(t, 3, Config{})
	defer g.gw.Close()
	defer g.srv.Close()
	g.cluster.Handle(record.Job, record.Complete, func(p int32, cmd record.Record) (record.Record, error) {
		return fakecluster.Answer(cmd, record.Event, record.Completed, cmd.Value), nil
	})
	url := g.srv.URL + "/v2/jobs/" + itoa(record.NewKey(2, 5)) + "/completion"
	body := `{"variables":{"paid":true,"amount":12.5,"items":["a","b"]}}`
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := hc.Post(url, "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkStreamPushesJobs measures jobs pushed per second to one stream:
// jobs waiting on 3 partitions, one stream of capacity 256 whose reader
// gives each job's credit back as it reads it (as a worker completing it
// would, without the completion's own HTTP request).
func BenchmarkStreamPushesJobs(b *testing.B) {
	t := &testing.T{}
	g := newTestGateway(t, 3, Config{})
	defer g.gw.Close()
	defer g.srv.Close()
	for i := 0; i < b.N; i++ {
		g.cluster.AddJob(int32(i%3)+1, "bench", map[string]any{"i": i})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, g.srv.URL+"/v2/jobs/stream",
		strings.NewReader(`{"type":"bench","worker":"w","timeout":600000,"capacity":256}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for n := 0; n < b.N; n++ {
		if !sc.Scan() {
			b.Fatalf("stream ended after %d jobs: %v", n, sc.Err())
		}
		var j struct {
			JobKey jsonKey `json:"jobKey"`
		}
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			b.Fatal(err)
		}
		g.gw.jobs.Release(int64(j.JobKey))
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
}

// benchPayload is a variables document like `shoal bench` sends: about 512
// bytes, a small order.
const benchPayload = `{"n":42,"route":"a","payload":{"currency":"EUR","customerId":"customer-4711",` +
	`"items":[{"qty":2,"sku":"SKU-1"},{"qty":1,"sku":"SKU-2"}],"orderId":"order-00000042",` +
	`"note":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",` +
	`"total":129.95}}`

// BenchmarkCreateInstanceWithResult measures what the gateway adds to the
// hottest request, POST /v2/process-instances with awaitCompletion and a
// 512-byte payload, over loopback HTTP with keep-alive: decoding and
// checking the body, the command record, encoding the result (the fake
// cluster answers at once with the variable asked for).
func BenchmarkCreateInstanceWithResult(b *testing.B) {
	t := &testing.T{}
	g := newTestGateway(t, 1, Config{})
	defer g.gw.Close()
	defer g.srv.Close()
	g.cluster.Handle(record.ProcessInstanceCreation, record.CreateWithAwaitingResult, func(p int32, cmd record.Record) (record.Record, error) {
		c := cmd.Value.(*record.ProcessInstanceCreationRecord)
		return fakecluster.Answer(cmd, record.Event, record.Completed, &record.ProcessInstanceResultRecord{
			BpmnProcessID: c.BpmnProcessID, ProcessDefinitionKey: record.NewKey(1, 1), Version: 1,
			ProcessInstanceKey: record.NewKey(1, 7), Variables: map[string]any{"n": c.Variables["n"]},
			TenantID: record.DefaultTenant,
		}), nil
	})
	body := `{"processDefinitionId":"one_task","variables":` + benchPayload +
		`,"awaitCompletion":true,"fetchVariables":["n"],"requestTimeout":30000}`
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := hc.Post(g.srv.URL+"/v2/process-instances", "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

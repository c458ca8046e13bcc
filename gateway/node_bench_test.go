package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/gateway/client"
)

// BenchmarkRealNodeStreamPush measures jobs pushed per second to one stream
// by a real node (pebble, raft, engine): b.N jobs wait, then one stream of
// capacity 256 receives them, and 32 goroutines complete each as it arrives
// (so the figure includes the completions, as with a real worker: credits
// come back only as jobs are completed).
func BenchmarkRealNodeStreamPush(b *testing.B) {
	rn := startNode(b, 1)
	ctx := context.Background()
	if _, err := rn.c.Deploy(ctx, client.Resource{Name: "order.bpmn", Content: []byte(orderBPMN)}); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= b.N {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				if _, err := rn.c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "order"}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	completer := client.New(rn.url)
	b.ResetTimer()
	start := time.Now()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, _ := http.NewRequestWithContext(sctx, http.MethodPost, rn.url+"/v2/jobs/stream",
		strings.NewReader(`{"type":"charge","worker":"bench","timeout":600000,"capacity":256}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	keys := make(chan string, 256)
	var done sync.WaitGroup
	for w := 0; w < 32; w++ {
		done.Add(1)
		go func() {
			defer done.Done()
			for k := range keys {
				if err := completer.CompleteJob(ctx, k, nil); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	sc := bufio.NewScanner(resp.Body)
	for n := 0; n < b.N; n++ {
		if !sc.Scan() {
			b.Fatalf("stream ended after %d jobs", n)
		}
		var j client.Job
		json.Unmarshal(sc.Bytes(), &j)
		keys <- j.Key
	}
	close(keys)
	done.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
}

package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoalbpm/shoal/broker"
	"github.com/shoalbpm/shoal/broker/exporter"
	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
	"github.com/shoalbpm/shoal/gateway"
	"github.com/shoalbpm/shoal/gateway/client"
)

// searchNode is a real node with its read model behind a real gateway.
type searchNode struct {
	url    string
	c      *client.Client
	node   *broker.Node
	runner *exporter.Runner
}

func startSearchNode(t *testing.T, partitions int32) *searchNode {
	t.Helper()
	dir := t.TempDir()
	n, err := broker.NewNode(broker.Config{
		DataDir: filepath.Join(dir, "node"), PartitionsCount: partitions, InternalBind: "127.0.0.1:0", Logger: quiet,
		HeartbeatTimeout: time.Second, ElectionTimeout: time.Second, LeaderLeaseTimeout: 500 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := readmodel.Open(filepath.Join(dir, "readmodel"), readmodel.Config{VariablePreview: 20})
	if err != nil {
		t.Fatal(err)
	}
	var sources []exporter.Source
	for id := int32(1); id <= partitions; id++ {
		sources = append(sources, exporter.Source{PartitionID: id, Log: n.Partition(id).Records()})
	}
	r, err := exporter.Start(m, sources, exporter.Config{PollInterval: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.New(n, gateway.Config{Logger: quiet, Version: "e2e", ReadModel: m})
	srv := httptest.NewServer(gw.Handler())
	t.Cleanup(func() {
		gw.Close()
		srv.Close()
		r.Stop()
		m.Close()
		n.Close()
	})
	waitFor(t, "the node to be ready", n.Ready)
	return &searchNode{url: srv.URL, c: client.New(srv.URL), node: n, runner: r}
}

// caughtUp waits until every record of every partition is in the read model.
func (s *searchNode) caughtUp(t *testing.T, partitions int32) {
	t.Helper()
	waitFor(t, "the read model to catch up", func() bool {
		for id := int32(1); id <= partitions; id++ {
			_, last, ok, err := s.node.Partition(id).Records().Bounds()
			pos, _ := s.runner.Exported(id)
			if err != nil || ok && pos < last {
				return false
			}
		}
		return true
	})
}

// post sends a JSON body and decodes the answer into out; it returns the
// status.
func (s *searchNode) call(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	if resp.StatusCode != http.StatusOK {
		t.Logf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode
}

type page struct {
	Items []map[string]any `json:"items"`
	Page  struct {
		TotalItems  int64   `json:"totalItems"`
		StartCursor *string `json:"startCursor"`
		EndCursor   *string `json:"endCursor"`
	} `json:"page"`
}

func (p page) keys(field string) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i], _ = it[field].(string)
	}
	return out
}

func TestSearchEndpointsOnARealNode(t *testing.T) {
	s := startSearchNode(t, 1)
	ctx := context.Background()
	if _, err := s.c.Deploy(ctx, client.Resource{Name: "three-tasks.bpmn", Content: []byte(threeTasks)}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := range 5 {
		pi, err := s.c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks",
			Variables: map[string]any{"n": i, "note": strings.Repeat("y", 30)}})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, pi.ProcessInstanceKey)
	}
	// Instance 0 is canceled, instance 1 gets an incident, the rest wait.
	if err := s.c.CancelInstance(ctx, keys[0]); err != nil {
		t.Fatal(err)
	}
	jobs, err := s.c.ActivateJobs(ctx, client.ActivateJobs{Type: "e2e-reserve", Worker: "w", MaxJobs: 10, Timeout: time.Minute, RequestTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	var failed string
	for _, j := range jobs {
		if j.ProcessInstanceKey == keys[1] {
			failed = j.Key
			if err := s.c.FailJob(ctx, j.Key, client.FailJob{Retries: 0, ErrorMessage: "no stock"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if failed == "" {
		t.Fatalf("no job of instance %s among %d", keys[1], len(jobs))
	}
	s.caughtUp(t, 1)

	var p page
	if st := s.call(t, "POST", "/v2/process-instances/search", `{"filter":{"state":"TERMINATED"}}`, &p); st != 200 ||
		!slices.Equal(p.keys("processInstanceKey"), keys[:1]) || p.Page.TotalItems != 1 || p.Items[0]["endDate"] == nil {
		t.Fatalf("terminated: %d %+v", st, p)
	}
	if s.call(t, "POST", "/v2/process-instances/search", `{"filter":{"hasIncident":true}}`, &p); !slices.Equal(p.keys("processInstanceKey"), keys[1:2]) {
		t.Fatalf("with incident: %+v", p)
	}
	// Paging through the active instances two at a time by descending key.
	active := slices.Clone(keys[1:])
	slices.Reverse(active) // keys grow with creation
	var got []string
	body := `{"filter":{"state":{"$eq":"ACTIVE"}},"sort":[{"field":"processInstanceKey","order":"DESC"}],"page":{"limit":2}}`
	for range 5 {
		p = page{}
		if st := s.call(t, "POST", "/v2/process-instances/search", body, &p); st != 200 || p.Page.TotalItems != 4 {
			t.Fatalf("page: %d %+v", st, p.Page)
		}
		if len(p.Items) == 0 {
			break
		}
		got = append(got, p.keys("processInstanceKey")...)
		body = fmt.Sprintf(`{"filter":{"state":{"$eq":"ACTIVE"}},"sort":[{"field":"processInstanceKey","order":"DESC"}],"page":{"limit":2,"after":%q}}`, *p.Page.EndCursor)
	}
	if !slices.Equal(got, active) {
		t.Fatalf("paged %v, want %v", got, active)
	}

	var inc page
	s.call(t, "POST", "/v2/incidents/search", `{"filter":{"errorType":"JOB_NO_RETRIES","processInstanceKey":"`+keys[1]+`"}}`, &inc)
	if inc.Page.TotalItems != 1 || inc.Items[0]["jobKey"] != failed || inc.Items[0]["state"] != "ACTIVE" || inc.Items[0]["errorMessage"] != "no stock" {
		t.Fatalf("incidents: %+v", inc)
	}
	var one map[string]any
	if st := s.call(t, "GET", "/v2/incidents/"+inc.Items[0]["incidentKey"].(string), "", &one); st != 200 || one["elementId"] != "reserve" {
		t.Fatalf("get incident: %d %v", st, one)
	}

	var vars page
	s.call(t, "POST", "/v2/variables/search", `{"filter":{"name":"note","processInstanceKey":"`+keys[2]+`"}}`, &vars)
	if vars.Page.TotalItems != 1 || vars.Items[0]["isTruncated"] != true || len(vars.Items[0]["value"].(string)) != 20 {
		t.Fatalf("variables: %+v", vars)
	}
	s.call(t, "GET", "/v2/variables/"+vars.Items[0]["variableKey"].(string), "", &one)
	if one["value"] != `"`+strings.Repeat("y", 30)+`"` {
		t.Fatalf("variable: %v", one)
	}

	var els page
	s.call(t, "POST", "/v2/element-instances/search", `{"filter":{"processInstanceKey":"`+keys[0]+`"},"sort":[{"field":"startDate"}]}`, &els)
	if fmt.Sprint(els.keys("elementId")) != "[start reserve]" || els.Items[1]["state"] != "TERMINATED" {
		t.Fatalf("element instances: %+v", els)
	}
	s.call(t, "GET", "/v2/element-instances/"+els.Items[1]["elementInstanceKey"].(string), "", &one)
	if one["type"] != "SERVICE_TASK" {
		t.Fatalf("element instance: %v", one)
	}
	var tl page
	s.call(t, "GET", "/v2/process-instances/"+keys[0]+"/timeline", "", &tl)
	if fmt.Sprint(tl.keys("elementId")) != "[start reserve]" {
		t.Fatalf("timeline: %+v", tl)
	}

	var jp page
	s.call(t, "POST", "/v2/jobs/search", `{"filter":{"state":{"$in":["FAILED","CANCELED"]}},"sort":[{"field":"state"}]}`, &jp)
	if fmt.Sprint(jp.keys("state")) != "[CANCELED FAILED]" || jp.Items[1]["jobKey"] != failed || jp.Items[1]["worker"] != "w" {
		t.Fatalf("jobs: %+v", jp)
	}

	var defs page
	s.call(t, "POST", "/v2/process-definitions/search", `{}`, &defs)
	if defs.Page.TotalItems != 1 || defs.Items[0]["processDefinitionId"] != "three-tasks" {
		t.Fatalf("definitions: %+v", defs)
	}
	defKey := defs.Items[0]["processDefinitionKey"].(string)
	var stats struct {
		Items []readmodel.ElementStatistics `json:"items"`
	}
	s.call(t, "POST", "/v2/process-definitions/"+defKey+"/statistics/element-instances", `{"filter":{}}`, &stats)
	want := []readmodel.ElementStatistics{{ElementID: "reserve", Active: 3, Canceled: 1, Incidents: 1}, {ElementID: "start", Completed: 5}}
	slices.SortFunc(stats.Items, func(a, b readmodel.ElementStatistics) int { return strings.Compare(a.ElementID, b.ElementID) })
	if fmt.Sprint(stats.Items) != fmt.Sprint(want) {
		t.Fatalf("statistics %v, want %v", stats.Items, want)
	}
	s.call(t, "GET", "/v2/process-instances/"+keys[1]+"/statistics/element-instances", "", &stats)
	if fmt.Sprint(stats.Items) != fmt.Sprint([]readmodel.ElementStatistics{{ElementID: "reserve", Incidents: 1}, {ElementID: "start", Completed: 1}}) {
		t.Fatalf("instance statistics %v", stats.Items)
	}
	resp, err := http.Get(s.url + "/v2/process-definitions/" + defKey + "/xml")
	if err != nil {
		t.Fatal(err)
	}
	xml, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(xml) != threeTasks {
		t.Fatalf("xml: %d %.60s", resp.StatusCode, xml)
	}

	problems := []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/v2/process-instances/123", "", 404},
		{"GET", "/v2/variables/123", "", 404},
		{"GET", "/v2/process-definitions/123/xml", "", 404},
		{"POST", "/v2/process-instances/search", `{"filter":{"nope":1}}`, 400},
		{"POST", "/v2/process-instances/search", `{"sort":[{"field":"state","order":"UP"}]}`, 400},
		{"POST", "/v2/process-instances/search", `{"page":{"limit":20000}}`, 400},
		{"POST", "/v2/process-instances/search", `{"page":{"after":"zzz"}}`, 400},
		{"POST", "/v2/process-instances/search", `{"filter":{"startDate":{"$gt":"today"}}}`, 400},
		{"POST", "/v2/process-definitions/" + defKey + "/statistics/element-instances", `{"filter":{"state":"ACTIVE"}}`, 400},
	}
	for _, pr := range problems {
		if st := s.call(t, pr.method, pr.path, pr.body, nil); st != pr.status {
			t.Errorf("%s %s %s: %d, want %d", pr.method, pr.path, pr.body, st, pr.status)
		}
	}
}

func TestInstanceFeedStreamsChanges(t *testing.T) {
	s := startSearchNode(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := s.c.Deploy(ctx, client.Resource{Name: "three-tasks.bpmn", Content: []byte(threeTasks)}); err != nil {
		t.Fatal(err)
	}
	pi, err := s.c.CreateInstance(ctx, client.CreateInstance{ProcessDefinitionID: "three-tasks"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/v2/process-instances/"+pi.ProcessInstanceKey+"/feed", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), ": subscribed") {
		t.Fatalf("first line %q", lines.Text())
	}
	if err := s.c.CancelInstance(ctx, pi.ProcessInstanceKey); err != nil {
		t.Fatal(err)
	}
	var event string
	for lines.Scan() {
		line := lines.Text()
		if e, ok := strings.CutPrefix(line, "event: "); ok {
			event = e
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok && event == "processInstance" {
			var p map[string]any
			if err := json.Unmarshal([]byte(data), &p); err != nil {
				t.Fatal(err)
			}
			if p["processInstanceKey"] != pi.ProcessInstanceKey {
				t.Fatalf("event of another instance: %s", data)
			}
			if p["state"] == "TERMINATED" {
				return
			}
		}
	}
	t.Fatalf("feed ended without the instance's termination: %v", lines.Err())
}

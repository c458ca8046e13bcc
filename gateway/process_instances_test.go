package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

// answerCreation makes the fake engine create instances, and finish them
// at once (echoing the variables) for awaited creations.
func answerCreation(g *testGateway) {
	g.cluster.Handle(record.ProcessInstanceCreation, record.Create, func(p int32, cmd record.Record) (record.Record, error) {
		v := *cmd.Value.(*record.ProcessInstanceCreationRecord)
		v.BpmnProcessID, v.Version, v.ProcessDefinitionKey = "order", 2, record.NewKey(1, 5)
		v.ProcessInstanceKey = record.NewKey(p, 100)
		return fakecluster.Answer(cmd, record.Event, record.Created, &v), nil
	})
	g.cluster.Handle(record.ProcessInstanceCreation, record.CreateWithAwaitingResult, func(p int32, cmd record.Record) (record.Record, error) {
		v := cmd.Value.(*record.ProcessInstanceCreationRecord)
		res := &record.ProcessInstanceResultRecord{BpmnProcessID: "order", Version: 2, ProcessDefinitionKey: record.NewKey(1, 5),
			ProcessInstanceKey: record.NewKey(p, 101), Variables: v.Variables, TenantID: record.DefaultTenant}
		return fakecluster.Answer(cmd, record.Event, record.Completed, res), nil
	})
}

type creationAnswer struct {
	ProcessDefinitionID      string         `json:"processDefinitionId"`
	ProcessDefinitionVersion int32          `json:"processDefinitionVersion"`
	ProcessDefinitionKey     string         `json:"processDefinitionKey"`
	ProcessInstanceKey       string         `json:"processInstanceKey"`
	TenantID                 string         `json:"tenantId"`
	Variables                map[string]any `json:"variables"`
}

func TestCreateInstanceSpreadsOverPartitionsAndAnswersKeysAsStrings(t *testing.T) {
	g := newTestGateway(t, 3, Config{})
	answerCreation(g)
	seen := map[int32]int{}
	for i := 0; i < 6; i++ {
		a := g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionId":"order","variables":{"n":1}}`)
		a.wantStatus(t, http.StatusOK)
		var res creationAnswer
		a.decode(t, &res)
		if res.ProcessDefinitionID != "order" || res.ProcessDefinitionVersion != 2 || res.ProcessDefinitionKey != "2251799813685253" || res.TenantID != "<default>" || res.Variables == nil {
			t.Fatalf("result = %+v", res)
		}
		var raw map[string]any
		a.decode(t, &raw)
		if _, ok := raw["processInstanceKey"].(string); !ok {
			t.Fatalf("processInstanceKey is not a string: %s", a.body)
		}
	}
	for _, cmd := range g.cluster.Submitted() {
		seen[cmd.PartitionID]++
		v := cmd.Value.(*record.ProcessInstanceCreationRecord)
		if v.BpmnProcessID != "order" || v.Version != -1 || v.ProcessDefinitionKey != -1 || v.Variables["n"] != 1.0 {
			t.Fatalf("command value = %+v", v)
		}
	}
	if seen[1] != 2 || seen[2] != 2 || seen[3] != 2 {
		t.Fatalf("instances per partition = %v, want 2 each", seen)
	}
}

func TestCreateInstanceByKeyOrVersion(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	answerCreation(g)
	g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionKey":"2251799813685253"}`).wantStatus(t, http.StatusOK)
	g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionKey":2251799813685253}`).wantStatus(t, http.StatusOK)
	g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionId":"order","processDefinitionVersion":3}`).wantStatus(t, http.StatusOK)
	cmds := g.cluster.Submitted()
	if v := cmds[0].Value.(*record.ProcessInstanceCreationRecord); v.ProcessDefinitionKey != 2251799813685253 || v.BpmnProcessID != "" {
		t.Fatalf("by key = %+v", v)
	}
	if v := cmds[1].Value.(*record.ProcessInstanceCreationRecord); v.ProcessDefinitionKey != 2251799813685253 {
		t.Fatalf("by numeric key = %+v", v)
	}
	if v := cmds[2].Value.(*record.ProcessInstanceCreationRecord); v.Version != 3 {
		t.Fatalf("by version = %+v", v)
	}
}

func TestCreateInstanceWithResultRoundTripsVariablesExactly(t *testing.T) {
	g := newTestGateway(t, 2, Config{})
	answerCreation(g)
	vars := `{"nil":null,"f":0.1,"big":1e+21,"neg":-3.5,"list":[1,"two",[3],{"four":4}],"nested":{"a":{"b":true}},"text":"grüße, 日本 <&>"}`
	a := g.do(http.MethodPost, "/v2/process-instances",
		`{"processDefinitionId":"order","awaitCompletion":true,"fetchVariables":["f"],"requestTimeout":5000,"variables":`+vars+`}`)
	a.wantStatus(t, http.StatusOK)
	var res struct {
		Variables json.RawMessage `json:"variables"`
	}
	a.decode(t, &res)
	var got, want any
	json.Unmarshal(res.Variables, &got)
	json.Unmarshal([]byte(vars), &want)
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Fatalf("variables = %s, want %s", res.Variables, vars)
	}
	cmd := g.cluster.Submitted()[0]
	if cmd.Intent != record.CreateWithAwaitingResult || cmd.Value.(*record.ProcessInstanceCreationRecord).FetchVariables[0] != "f" {
		t.Fatalf("command = %+v", cmd)
	}
}

func TestCreateInstanceWithResultTimesOutWith504(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	g.cluster.Handle(record.ProcessInstanceCreation, record.CreateWithAwaitingResult, func(p int32, cmd record.Record) (record.Record, error) {
		return record.Record{}, context.DeadlineExceeded // the instance never completes in time
	})
	g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionId":"order","awaitCompletion":true,"requestTimeout":50}`).
		wantProblem(t, http.StatusGatewayTimeout, "DEADLINE_EXCEEDED")
}

func TestCreateInstanceProblems(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	g.cluster.Handle(record.ProcessInstanceCreation, record.Create, func(p int32, cmd record.Record) (record.Record, error) {
		return fakecluster.Reject(cmd, record.NotFound, "Expected to find process definition with process ID 'nope', but none found"), nil
	})
	tests := []struct {
		name, body string
		status     int
		title      string
		detail     string
	}{
		{"unknown process", `{"processDefinitionId":"nope"}`, 404, "NOT_FOUND", "process ID 'nope'"},
		{"no body", ``, 400, "INVALID_ARGUMENT", "empty"},
		{"neither id nor key", `{"variables":{}}`, 400, "INVALID_ARGUMENT", "processDefinitionId"},
		{"both id and key", `{"processDefinitionId":"a","processDefinitionKey":"1"}`, 400, "INVALID_ARGUMENT", "both"},
		{"variables not an object", `{"processDefinitionId":"a","variables":[1]}`, 400, "INVALID_ARGUMENT", "variables"},
		{"key not a number", `{"processDefinitionKey":"abc"}`, 400, "INVALID_ARGUMENT", `processDefinitionKey: expected a key as a positive decimal string, but got "abc"`},
		{"wrong type", `{"processDefinitionId":5}`, 400, "INVALID_ARGUMENT", "processDefinitionId"},
		{"broken JSON", `{"processDefinitionId":`, 400, "INVALID_ARGUMENT", "not valid JSON"},
		{"other tenant", `{"processDefinitionId":"a","tenantId":"t2"}`, 400, "INVALID_ARGUMENT", "tenantId"},
		{"negative timeout", `{"processDefinitionId":"a","requestTimeout":-1}`, 400, "INVALID_ARGUMENT", "requestTimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g.do(http.MethodPost, "/v2/process-instances", tt.body).wantProblem(t, tt.status, tt.title, tt.detail)
		})
	}
}

func TestCancelInstanceGoesToTheKeysPartition(t *testing.T) {
	g := newTestGateway(t, 3, Config{})
	g.cluster.Handle(record.ProcessInstance, record.Cancel, func(p int32, cmd record.Record) (record.Record, error) {
		switch cmd.Key {
		case record.NewKey(2, 1):
			return fakecluster.Answer(cmd, record.Event, record.ElementTerminating, cmd.Value), nil
		case record.NewKey(2, 2):
			return fakecluster.Reject(cmd, record.InvalidState, "Expected to cancel a process instance, but it is already terminating"), nil
		}
		return fakecluster.Reject(cmd, record.NotFound, "Expected to cancel a process instance with key, but no such process was found"), nil
	})
	key := record.NewKey(2, 1)
	g.do(http.MethodPost, "/v2/process-instances/"+itoa(key)+"/cancellation", "").wantStatus(t, http.StatusNoContent)
	cmd := g.cluster.Submitted()[0]
	if cmd.PartitionID != 2 || cmd.Key != key || cmd.Value.(*record.ProcessInstanceRecord).ProcessInstanceKey != key {
		t.Fatalf("cancel command = %+v", cmd)
	}
	g.do(http.MethodPost, "/v2/process-instances/"+itoa(record.NewKey(2, 2))+"/cancellation", `{}`).wantProblem(t, http.StatusConflict, "INVALID_STATE")
	g.do(http.MethodPost, "/v2/process-instances/"+itoa(record.NewKey(2, 9))+"/cancellation", "").wantProblem(t, http.StatusNotFound, "NOT_FOUND")
	g.do(http.MethodPost, "/v2/process-instances/"+itoa(record.NewKey(7, 9))+"/cancellation", "").wantProblem(t, http.StatusNotFound, "NOT_FOUND")
}

func TestCreateInstanceTreatsAnEmptyKeyAsUnset(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	answerCreation(g)
	g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionId":"order","processDefinitionKey":""}`).wantStatus(t, http.StatusOK)
}

func TestCreateInstanceFallsBackToTheDeploymentPartitionWhileTheDeploymentIsDistributed(t *testing.T) {
	g := newTestGateway(t, 3, Config{})
	var tried []int32
	g.cluster.Handle(record.ProcessInstanceCreation, record.Create, func(p int32, cmd record.Record) (record.Record, error) {
		tried = append(tried, p)
		if p != 1 { // not distributed here yet
			return fakecluster.Reject(cmd, record.NotFound, "Expected to find process definition with process ID 'order', but none found"), nil
		}
		v := *cmd.Value.(*record.ProcessInstanceCreationRecord)
		v.ProcessInstanceKey = record.NewKey(p, 100)
		return fakecluster.Answer(cmd, record.Event, record.Created, &v), nil
	})
	for range 3 {
		if a := g.do(http.MethodPost, "/v2/process-instances", `{"processDefinitionId":"order"}`); a.status != http.StatusOK {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
	}
	// Round-robin over the three partitions; each miss is retried on 1.
	ones := 0
	for i, p := range tried {
		if p == 1 {
			ones++
		} else if i+1 >= len(tried) || tried[i+1] != 1 {
			t.Fatalf("partitions tried %v: a miss on %d not retried on partition 1", tried, p)
		}
	}
	if len(tried) != 5 || ones != 3 {
		t.Fatalf("partitions tried %v, want each of 1, 2, 3 once and two retries on 1", tried)
	}
}

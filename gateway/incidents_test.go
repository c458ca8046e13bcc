package gateway

import (
	"net/http"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

func TestResolveIncidentAcceptsAnEmptyBodyWithJSONContentType(t *testing.T) {
	g := newTestGateway(t, 3, Config{})
	known := record.NewKey(3, 42)
	g.cluster.Handle(record.Incident, record.Resolve, func(p int32, cmd record.Record) (record.Record, error) {
		if cmd.Key != known {
			return fakecluster.Reject(cmd, record.NotFound, "Expected to resolve incident with key, but no such incident was found"), nil
		}
		return fakecluster.Answer(cmd, record.Event, record.Resolved, cmd.Value), nil
	})
	g.do(http.MethodPost, "/v2/incidents/"+itoa(known)+"/resolution", "").wantStatus(t, http.StatusNoContent)
	if cmd := g.cluster.Submitted()[0]; cmd.PartitionID != 3 || cmd.Key != known {
		t.Fatalf("resolve = %+v", cmd)
	}
	g.do(http.MethodPost, "/v2/incidents/"+itoa(record.NewKey(3, 1))+"/resolution", "{}").wantProblem(t, http.StatusNotFound, "NOT_FOUND", "no such incident")
}

func TestSetVariablesUpdatesTheScopeOnItsPartition(t *testing.T) {
	g := newTestGateway(t, 2, Config{})
	g.cluster.Handle(record.VariableDocument, record.Update, func(p int32, cmd record.Record) (record.Record, error) {
		if cmd.Value.(*record.VariableDocumentRecord).ScopeKey == record.NewKey(2, 9) {
			return fakecluster.Reject(cmd, record.NotFound, "Expected to update variables for element with key, but no such element was found"), nil
		}
		return fakecluster.Answer(cmd, record.Event, record.Updated, cmd.Value), nil
	})
	scope := record.NewKey(2, 5)
	g.do(http.MethodPut, "/v2/element-instances/"+itoa(scope)+"/variables", `{"variables":{"a":[1,2]},"local":true}`).wantStatus(t, http.StatusNoContent)
	g.do(http.MethodPut, "/v2/element-instances/"+itoa(scope)+"/variables", `{"variables":{"b":"x"}}`).wantStatus(t, http.StatusNoContent)
	cmds := g.cluster.Submitted()
	local, propagate := cmds[0].Value.(*record.VariableDocumentRecord), cmds[1].Value.(*record.VariableDocumentRecord)
	if cmds[0].PartitionID != 2 || local.ScopeKey != scope || local.UpdateSemantics != record.SemanticsLocal || propagate.UpdateSemantics != record.SemanticsPropagate {
		t.Fatalf("commands = %+v / %+v", local, propagate)
	}
	g.do(http.MethodPut, "/v2/element-instances/"+itoa(scope)+"/variables", `{"local":true}`).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", "variables")
	g.do(http.MethodPut, "/v2/element-instances/"+itoa(scope)+"/variables", `{"variables":7}`).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", "variables")
	g.do(http.MethodPut, "/v2/element-instances/"+itoa(record.NewKey(2, 9))+"/variables", `{"variables":{}}`).wantProblem(t, http.StatusNotFound, "NOT_FOUND")
}

package gateway

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/internal/fakecluster"
)

type formFile struct {
	name, contentType string
	data              []byte
}

// deployForm builds the multipart body Camunda's SDK sends.
func deployForm(t *testing.T, tenant string, files ...formFile) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="resources"; filename="`+f.name+`"`)
		if f.contentType != "" {
			h.Set("Content-Type", f.contentType)
		}
		part, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f.data)
	}
	if tenant != "" {
		w.WriteField("tenantId", tenant)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

func (g *testGateway) deploy(body *bytes.Buffer, contentType string) answer {
	g.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/v2/deployments", body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "")
	return g.send(req)
}

func TestDeploymentSendsAllResourcesInOneCommandToPartitionOne(t *testing.T) {
	g := newTestGateway(t, 3, Config{})
	g.cluster.Handle(record.Deployment, record.Create, func(p int32, cmd record.Record) (record.Record, error) {
		d := cmd.Value.(*record.DeploymentRecord)
		out := &record.DeploymentRecord{DeploymentKey: record.NewKey(1, 7), TenantID: d.TenantID}
		for i, r := range d.Resources {
			out.ProcessesMetadata = append(out.ProcessesMetadata, record.ProcessMetadata{
				BpmnProcessID: "proc" + string(rune('A'+i)), Version: 1, ProcessDefinitionKey: record.NewKey(1, int64(10+i)),
				ResourceName: r.ResourceName, TenantID: d.TenantID,
			})
		}
		return fakecluster.Answer(cmd, record.Event, record.Created, out), nil
	})
	body, ct := deployForm(t, "<default>",
		formFile{"a.bpmn", "", []byte("<a/>")},
		formFile{"b.bpmn", "application/xml", []byte("<b/>")},
		formFile{"c.bpmn", "application/octet-stream", []byte("<c/>")})
	a := g.deploy(body, ct)
	a.wantStatus(t, http.StatusOK)
	var res struct {
		DeploymentKey string `json:"deploymentKey"`
		TenantID      string `json:"tenantId"`
		Deployments   []struct {
			ProcessDefinition struct {
				ProcessDefinitionID      string `json:"processDefinitionId"`
				ProcessDefinitionVersion int32  `json:"processDefinitionVersion"`
				ProcessDefinitionKey     string `json:"processDefinitionKey"`
				ResourceName             string `json:"resourceName"`
			} `json:"processDefinition"`
		} `json:"deployments"`
	}
	a.decode(t, &res)
	if res.DeploymentKey != "2251799813685255" || res.TenantID != "<default>" || len(res.Deployments) != 3 {
		t.Fatalf("result = %+v", res)
	}
	if p := res.Deployments[1].ProcessDefinition; p.ProcessDefinitionID != "procB" || p.ResourceName != "b.bpmn" || p.ProcessDefinitionKey != "2251799813685259" {
		t.Fatalf("second process = %+v", p)
	}
	cmds := g.cluster.Submitted()
	if len(cmds) != 1 || cmds[0].PartitionID != 1 {
		t.Fatalf("commands = %+v, want one to partition 1", cmds)
	}
	d := cmds[0].Value.(*record.DeploymentRecord)
	if len(d.Resources) != 3 || string(d.Resources[2].Resource) != "<c/>" || d.Resources[0].ResourceName != "a.bpmn" {
		t.Fatalf("resources = %+v", d.Resources)
	}
}

func TestDeploymentProblems(t *testing.T) {
	g := newTestGateway(t, 1, Config{})
	g.cluster.Handle(record.Deployment, record.Create, func(p int32, cmd record.Record) (record.Record, error) {
		return fakecluster.Reject(cmd, record.InvalidArgument,
			"'bad.bpmn': element 'task' (line 7): no job type; element 'gw' (line 9): no default flow"), nil
	})

	body, ct := deployForm(t, "", formFile{"bad.bpmn", "", []byte("<x/>")})
	g.deploy(body, ct).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", "line 7", "line 9", "Command 'CREATE' rejected")

	body, ct = deployForm(t, "")
	g.deploy(body, ct).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", "resources")

	body, ct = deployForm(t, "tenant-b", formFile{"a.bpmn", "", []byte("<a/>")})
	g.deploy(body, ct).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", "tenantId")

	g.do(http.MethodPost, "/v2/deployments", `{"resources":[]}`).wantProblem(t, http.StatusBadRequest, "INVALID_ARGUMENT", "multipart")
}

func TestDeploymentOverTheLimitIsPayloadTooLarge(t *testing.T) {
	g := newTestGateway(t, 1, Config{MaxBodyBytes: 4096})
	body, ct := deployForm(t, "", formFile{"big.bpmn", "", bytes.Repeat([]byte("x"), 8192)})
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/v2/deployments", body)
	req.Header.Set("Content-Type", ct)
	req.ContentLength = -1 // found while reading the parts
	g.send(req).wantProblem(t, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
}

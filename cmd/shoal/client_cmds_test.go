package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shoalbpm/shoal/gateway/client"
)

// runShoal runs the root command with args and returns stdout, stderr and
// the exit code it would set.
func runShoal(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCmd()
	var out, errw bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errw)
	root.SetArgs(args)
	err := root.Execute()
	code := 0
	var ee exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case err != nil:
		code = 1
		errw.WriteString(err.Error())
	}
	return out.String(), errw.String(), code
}

func fakeGateway(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method + " " + r.URL.Path {
		case "POST /v2/deployments":
			w.Write([]byte(`{"deploymentKey":"11","tenantId":"<default>","deployments":[{"processDefinition":{"processDefinitionId":"order","processDefinitionVersion":2,"processDefinitionKey":"22","resourceName":"order.bpmn"}}]}`))
		case "POST /v2/process-instances":
			body, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(body), `"variables":{"amount":10}`) {
				http.Error(w, "unexpected body "+string(body), 400)
				return
			}
			w.Write([]byte(`{"processDefinitionId":"order","processDefinitionVersion":2,"processDefinitionKey":"22","processInstanceKey":"33","variables":{}}`))
		case "POST /v2/process-instances/44/cancellation":
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(404)
			w.Write([]byte(`{"type":"about:blank","title":"NOT_FOUND","status":404,"detail":"no such instance 44"}`))
		default:
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, 500)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestDeployPrintsProcessesOrJSON(t *testing.T) {
	addr := fakeGateway(t)
	file := filepath.Join(t.TempDir(), "order.bpmn")
	os.WriteFile(file, []byte("<definitions/>"), 0o644)
	out, _, code := runShoal(t, "deploy", "--address", addr, file)
	if code != 0 || !strings.Contains(out, "deployed order version 2 (key 22) from order.bpmn") || !strings.Contains(out, "deployment 11") {
		t.Fatalf("code %d, out %q", code, out)
	}
	out, _, code = runShoal(t, "deploy", "--json", "--address", addr, file)
	if code != 0 || !strings.Contains(out, `"deploymentKey": "11"`) {
		t.Fatalf("code %d, out %q", code, out)
	}
}

func TestCreateSendsVarsAndRejectsBadOnes(t *testing.T) {
	addr := fakeGateway(t)
	out, _, code := runShoal(t, "create", "order", "--vars", `{"amount":10}`, "--address", addr)
	if code != 0 || !strings.Contains(out, "created instance 33 of order version 2") {
		t.Fatalf("code %d, out %q", code, out)
	}
	_, errOut, code := runShoal(t, "create", "order", "--vars", `[1]`, "--address", addr)
	if code != 1 || !strings.Contains(errOut, "--vars") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestAddressComesFromTheEnvironment(t *testing.T) {
	t.Setenv("SHOAL_ADDRESS", fakeGateway(t))
	_, errOut, code := runShoal(t, "cancel", "44")
	if code != 1 || !strings.Contains(errOut, "shoal cancel: 404 NOT_FOUND: no such instance 44") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestWorkerCommandHandler(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	job := client.Job{Key: "77", Type: "pay", Variables: []byte(`{"amount":10}`)}
	tests := []struct {
		name    string
		command []string
		want    string // JSON of the variables, or the error's fragment
		fails   bool
	}{
		{"stdout JSON completes with variables", []string{"cat"}, `{"amount":10}`, false},
		{"environment has the job", []string{`printf '{"key":"%s","type":"%s"}' "$SHOAL_JOB_KEY" "$SHOAL_JOB_TYPE"`}, `{"key":"77","type":"pay"}`, false},
		{"no output completes without variables", []string{"true"}, `null`, false},
		{"arguments run without a shell", []string{"echo", `{"a":"$HOME"}`}, `{"a":"$HOME"}`, false},
		{"non-zero exit fails with stderr", []string{"echo card declined >&2; exit 3"}, "card declined", true},
		{"output that is not an object fails", []string{"echo hello"}, "not a JSON object", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars, err := commandHandler(tt.command, quiet)(context.Background(), job)
			if tt.fails {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want one containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(vars)
			if string(got) != tt.want {
				t.Fatalf("variables = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestWorkerNeedsADash(t *testing.T) {
	_, errOut, code := runShoal(t, "worker", "pay", "cat")
	if code != 1 || !strings.Contains(errOut, "TYPE -- COMMAND") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

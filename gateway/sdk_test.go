package gateway_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const orderBPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://shoal.dev/test">
  <bpmn:process id="order" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="charge"><bpmn:extensionElements><zeebe:taskDefinition type="charge" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="charge" />
    <bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`

// TestCamundaJavaScriptSDK runs Camunda's own JavaScript SDK (8.8, its REST
// client and REST job worker) against a real node behind the gateway. It
// needs node and the SDK installed beside the script:
//
//	cd gateway/testdata/camunda-sdk && npm install
//
// and is skipped without them (CI has no node_modules).
func TestCamundaJavaScriptSDK(t *testing.T) {
	dir, _ := filepath.Abs("testdata/camunda-sdk")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@camunda8", "sdk")); err != nil {
		t.Skip("Camunda's SDK is not installed: cd gateway/testdata/camunda-sdk && npm install")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	rn := startRealNodeWithoutDeployment(t)
	bpmn := filepath.Join(t.TempDir(), "order.bpmn")
	if err := os.WriteFile(bpmn, []byte(orderBPMN), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "check.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ADDR="+rn.url, "BPMN="+bpmn)
	done := make(chan struct{})
	var out []byte
	var err error
	go func() {
		out, err = cmd.CombinedOutput()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the SDK check did not finish in 60s:\n%s", out)
	}
	t.Logf("%s", out)
	if err != nil || !strings.Contains(string(out), "ok unknown process") {
		t.Fatalf("the SDK check failed (%v)", err)
	}
}

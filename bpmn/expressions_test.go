package bpmn

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recordingCompiler compiles any source to itself, prefixed, and fails on
// sources containing "!!". It sees the text as written, "=" included.
type recordingCompiler struct{ seen *[]string }

func (r recordingCompiler) CompileExpression(src string) (any, error) {
	if r.seen != nil {
		*r.seen = append(*r.seen, src)
	}
	if strings.Contains(src, "!!") {
		return nil, errors.New("unexpected token at 3")
	}
	return "compiled:" + src, nil
}

func TestCompileCompilesEveryExpression(t *testing.T) {
	var seen []string
	dep, err := compilePath(filepath.Join(fixtureDir, "service-task.bpmn"), Options{Expressions: recordingCompiler{&seen}})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	equalStrings(t, "compiled sources", seen, []string{`="ship-" + region`, "=order.total", "=retries", "=transactionId"})
	g := only(t, dep)
	charge := node(t, g, "charge")
	equal(t, "program", charge.Inputs[0].Source.Compiled, any("compiled:=order.total"))
	if charge.Inputs[1].Source.Compiled != nil {
		t.Error("a literal was compiled")
	}
}

func TestCompileReportsExpressionErrors(t *testing.T) {
	xml := `<bpmn:definitions xmlns:bpmn="` + NSModel + `" xmlns:zeebe="` + NSZeebe + `" id="d">
<bpmn:process id="p" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:serviceTask id="charge">
    <bpmn:extensionElements><zeebe:taskDefinition type="=a !! b" /></bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:exclusiveGateway id="g" default="f3" />
  <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="charge" />
  <bpmn:sequenceFlow id="f0" sourceRef="charge" targetRef="g" />
  <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e1"><bpmn:conditionExpression>=x !! y</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="e2" />
</bpmn:process></bpmn:definitions>`
	_, err := compileString(xml, Options{Expressions: recordingCompiler{}})
	list := problems(t, err)
	want := []string{
		`4:3: serviceTask "charge": zeebe:taskDefinition type: invalid expression "=a !! b": unexpected token at 3`,
		`11:3: sequenceFlow "f2": conditionExpression: invalid expression "=x !! y": unexpected token at 3`,
	}
	equal(t, "problems", list.Error(), strings.Join(want, "\n"))
	// Without a compiler, expressions stay text and the model is valid.
	if _, err := compileString(xml, Options{}); err != nil {
		t.Errorf("without a compiler: %v", err)
	}
}

// TestGraphIsSafeForConcurrentReaders reads one compiled graph from many
// goroutines (run with -race): the engine shares graphs between partitions.
func TestGraphIsSafeForConcurrentReaders(t *testing.T) {
	g := only(t, compileFile(t, "error-events.bpmn"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, n := range g.Nodes {
				_ = g.ByID[n.ID].Outgoing
				_ = n.expressions()
			}
		}()
	}
	wg.Wait()
}

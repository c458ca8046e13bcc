package bpmn

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// process200 builds a process of 200 flow nodes (and 239 sequence flows):
// 40 blocks of service task -> exclusive gateway -> two tasks -> join,
// with zeebe extensions as Camunda Modeler writes them.
func process200() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="` + NSModel + `" xmlns:zeebe="` + NSZeebe + `" id="d">
  <bpmn:process id="bench" isExecutable="true">
    <bpmn:startEvent id="start" />
`)
	prev := "start"
	flow := 0
	seq := func(from, to, cond string) {
		flow++
		if cond == "" {
			fmt.Fprintf(&b, "    <bpmn:sequenceFlow id=\"f%d\" sourceRef=\"%s\" targetRef=\"%s\" />\n", flow, from, to)
			return
		}
		fmt.Fprintf(&b, "    <bpmn:sequenceFlow id=\"f%d\" sourceRef=\"%s\" targetRef=\"%s\"><bpmn:conditionExpression>%s</bpmn:conditionExpression></bpmn:sequenceFlow>\n", flow, from, to, cond)
	}
	for i := range 40 {
		fmt.Fprintf(&b, `    <bpmn:serviceTask id="task%[1]d" name="Task %[1]d">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="worker-%[1]d" retries="3" />
        <zeebe:ioMapping><zeebe:input source="=order.items[%[1]d]" target="item" /><zeebe:output source="=result" target="r%[1]d" /></zeebe:ioMapping>
        <zeebe:taskHeaders><zeebe:header key="k" value="v" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:exclusiveGateway id="xor%[1]d" default="f%[2]d" />
    <bpmn:task id="a%[1]d" />
    <bpmn:task id="b%[1]d" />
    <bpmn:exclusiveGateway id="join%[1]d" />
`, i, flow+4)
		seq(prev, fmt.Sprintf("task%d", i), "")
		seq(fmt.Sprintf("task%d", i), fmt.Sprintf("xor%d", i), "")
		seq(fmt.Sprintf("xor%d", i), fmt.Sprintf("a%d", i), fmt.Sprintf("=r%d &gt; 10", i))
		seq(fmt.Sprintf("xor%d", i), fmt.Sprintf("b%d", i), "")
		seq(fmt.Sprintf("a%d", i), fmt.Sprintf("join%d", i), "")
		seq(fmt.Sprintf("b%d", i), fmt.Sprintf("join%d", i), "")
		prev = fmt.Sprintf("join%d", i)
	}
	b.WriteString("    <bpmn:endEvent id=\"end\" />\n")
	seq(prev, "end", "")
	b.WriteString("  </bpmn:process>\n</bpmn:definitions>\n")
	return []byte(b.String())
}

func TestBenchmarkProcessCompiles(t *testing.T) {
	dep, err := Compile(mustParse(t, process200()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := only(t, dep)
	if len(g.Nodes) < 200 {
		t.Errorf("benchmark process has %d nodes, want at least 200", len(g.Nodes))
	}
}

func mustParse(tb testing.TB, data []byte) *Definitions {
	tb.Helper()
	defs, err := Parse(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return defs
}

// BenchmarkParseCompile200 measures what a deployment costs: parse and
// compile a 200-element process, without and with an expression compiler.
func BenchmarkParseCompile200(b *testing.B) {
	data := process200()
	for _, bc := range []struct {
		name string
		opts Options
	}{{"text", Options{}}, {"expressions", Options{Expressions: recordingCompiler{}}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				defs, err := Parse(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Compile(defs, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompile200 measures Compile alone on a parsed model.
func BenchmarkCompile200(b *testing.B) {
	defs := mustParse(b, process200())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(defs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

package graph

import (
	"strings"
	"testing"

	"github.com/shoalbpm/shoal/engine/state"
)

const diamond = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="s" />
<bpmn:inclusiveGateway id="fork" />
<bpmn:task id="a" />
<bpmn:task id="b" />
<bpmn:task id="c" />
<bpmn:inclusiveGateway id="join" />
<bpmn:endEvent id="e" />
<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork" />
<bpmn:sequenceFlow id="fa" sourceRef="fork" targetRef="a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=true</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="b"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=true</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="ab" sourceRef="a" targetRef="c" />
<bpmn:sequenceFlow id="ja" sourceRef="c" targetRef="join" />
<bpmn:sequenceFlow id="jb" sourceRef="b" targetRef="join" />
<bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="e" />
</bpmn:process>
</bpmn:definitions>`

func compiled(t *testing.T) *Process {
	t.Helper()
	c := New(nil)
	dep, err := c.Compile([]byte(diamond))
	if err != nil {
		t.Fatal(err)
	}
	c.Put(1, 1, dep.Graph("p"))
	p, err := c.Get(state.New(state.NewMemKV()), 1)
	if err != nil || p == nil {
		t.Fatalf("get: %v %v", p, err)
	}
	return p
}

func TestCanReach_FollowsFlowsBackwardsButNotThroughTheJoin(t *testing.T) {
	p := compiled(t)
	join := p.Graph.ByID["join"]
	ja := p.Graph.FlowByID["ja"]
	for id, want := range map[string]bool{"c": true, "a": true, "fork": true, "s": true, "b": false, "join": false, "e": false} {
		if got := p.CanReach(join, ja, p.Graph.ByID[id]); got != want {
			t.Errorf("CanReach(join, ja, %s) = %v, want %v", id, got, want)
		}
	}
}

func TestJoins_ListsTheJoiningGatewaysOfAScope(t *testing.T) {
	p := compiled(t)
	var ids []string
	for _, n := range p.Joins(p.Graph.Process) {
		ids = append(ids, n.ID)
	}
	if strings.Join(ids, ",") != "join" {
		t.Fatalf("joins = %v", ids)
	}
	if IsJoin(p.Graph.ByID["fork"]) {
		t.Fatal("a fork counted as a join")
	}
}

func TestGet_UnknownKeyIsNilAndABadResourceIsAnError(t *testing.T) {
	c := New(nil)
	st := state.New(state.NewMemKV())
	if p, err := c.Get(st, 42); p != nil || err != nil {
		t.Fatalf("unknown key: %v %v", p, err)
	}
	if _, err := c.Compile([]byte("<nope")); err == nil {
		t.Fatal("compiled garbage")
	}
}

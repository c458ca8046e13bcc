package graph

import (
	"bytes"
	"fmt"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/state"
)

// Cache maps process definition keys to compiled graphs. It is used by one
// goroutine at a time.
type Cache struct {
	compiler bpmn.ExprCompiler
	graphs   map[int64]*Process
}

// Process is a deployed process with its graph and facts derived from it.
type Process struct {
	Key     int64
	Version int32
	Graph   *bpmn.Graph
	// reach caches, per inclusive joining gateway, the nodes from which a
	// token can still reach each of its incoming flows.
	reach map[*bpmn.Node]map[*bpmn.Flow]map[*bpmn.Node]bool
	joins map[*bpmn.Node][]*bpmn.Node
}

// Joins returns the joining gateways directly inside a scope node.
func (p *Process) Joins(scope *bpmn.Node) []*bpmn.Node {
	if scope == nil {
		return nil
	}
	if p.joins == nil {
		p.joins = map[*bpmn.Node][]*bpmn.Node{}
	}
	js, ok := p.joins[scope]
	if !ok {
		for _, n := range scope.Children {
			if IsJoin(n) {
				js = append(js, n)
			}
		}
		p.joins[scope] = js
	}
	return js
}

// New returns an empty cache that compiles expressions with compiler.
func New(compiler bpmn.ExprCompiler) *Cache {
	return &Cache{compiler: compiler, graphs: map[int64]*Process{}}
}

// Compile parses and compiles a BPMN resource.
func (c *Cache) Compile(resource []byte) (*bpmn.Deployment, error) {
	defs, err := bpmn.Parse(bytes.NewReader(resource))
	if err != nil {
		return nil, err
	}
	return bpmn.Compile(defs, bpmn.Options{Expressions: c.compiler})
}

// Put adds a graph compiled at deployment, so the deployment does not
// compile twice.
func (c *Cache) Put(key int64, version int32, g *bpmn.Graph) {
	c.graphs[key] = &Process{Key: key, Version: version, Graph: g}
}

// Get returns the process with a definition key, compiling it from state if
// needed; nil if no such process is deployed.
func (c *Cache) Get(st *state.State, key int64) (*Process, error) {
	if p, ok := c.graphs[key]; ok {
		return p, nil
	}
	rec, err := st.GetProcess(key)
	if err != nil || rec == nil {
		return nil, err
	}
	dep, err := c.Compile(rec.Resource)
	if err != nil {
		return nil, fmt.Errorf("graph: compile deployed process %s (key %d): %w", rec.BpmnProcessID, key, err)
	}
	g := dep.Graph(rec.BpmnProcessID)
	if g == nil {
		return nil, fmt.Errorf("graph: deployed resource has no process %s", rec.BpmnProcessID)
	}
	p := &Process{Key: key, Version: rec.Version, Graph: g}
	c.graphs[key] = p
	return p, nil
}

// Node returns the node with an element id, or an error naming it.
func (p *Process) Node(id string) (*bpmn.Node, error) {
	n := p.Graph.ByID[id]
	if n == nil {
		return nil, fmt.Errorf("graph: process %s has no element %q", p.Graph.ProcessID, id)
	}
	return n, nil
}

// IsJoin reports whether a node is a joining gateway: a parallel or
// inclusive gateway with more than one incoming flow.
func IsJoin(n *bpmn.Node) bool {
	return (n.Kind == bpmn.KindParallelGateway || n.Kind == bpmn.KindInclusiveGateway) && len(n.Incoming) > 1
}

// CanReach reports whether a token at node from (or on a flow into from)
// can still arrive at the incoming flow in of join without passing through
// join itself.
func (p *Process) CanReach(join *bpmn.Node, in *bpmn.Flow, from *bpmn.Node) bool {
	if p.reach == nil {
		p.reach = map[*bpmn.Node]map[*bpmn.Flow]map[*bpmn.Node]bool{}
	}
	byFlow := p.reach[join]
	if byFlow == nil {
		byFlow = map[*bpmn.Flow]map[*bpmn.Node]bool{}
		p.reach[join] = byFlow
	}
	set := byFlow[in]
	if set == nil {
		set = reachingNodes(join, in)
		byFlow[in] = set
	}
	return set[from]
}

// reachingNodes walks backwards from the flow's source over incoming flows
// (never through join) and collects every node on the way.
func reachingNodes(join *bpmn.Node, in *bpmn.Flow) map[*bpmn.Node]bool {
	set := map[*bpmn.Node]bool{}
	stack := []*bpmn.Node{in.Source}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == join || set[n] {
			continue
		}
		set[n] = true
		for _, f := range n.Incoming {
			stack = append(stack, f.Source)
		}
	}
	return set
}

// Package bpmn reads BPMN 2.0 files as Camunda Modeler, bpmn-js and other
// tools write them, checks them against what Shoal (like Zeebe) can run, and
// compiles each executable process into an execution graph for the engine.
//
// The flow is two steps:
//
//	defs, err := bpmn.Parse(r)                     // XML -> *Definitions (model.go)
//	dep, err := bpmn.Compile(defs, bpmn.Options{}) // -> *Deployment: one *Graph per executable process (graph.go)
//
// Compile returns a Deployment rather than a single Graph (as STYLE.md
// sketched) because one file may hold several executable processes, as in
// a collaboration of two pools; Zeebe deploys each of them.
//
// Parse fails only when the input is not a BPMN document it can read: not
// XML, truncated, too large, too deep, or with a DOCTYPE. Its error is
// located (line and column). Compile reports every problem it finds, not
// just the first, as an ErrorList; each Error names the element id, its XML
// kind, the line and column of the element, and what is wrong.
//
// Namespaces are matched by URI, never by prefix: files use bpmn:, bpmn2:,
// semantic: or the default namespace for the same model. Zeebe extension
// elements (namespace http://camunda.org/schema/zeebe/1.0) are read into
// typed structs (zeebe.go); any other extension element is kept as plain XML
// and ignored, as Zeebe does.
//
// etree does not record positions, so Parse first makes a light byte-level
// pass over the markup (markup.go) that records where each start tag
// begins, in document order, and hands the positions to the elements of the
// etree document in the same order. The same pass enforces the size, depth
// and DOCTYPE limits before etree builds a tree. When etree refuses the
// input, a pass with encoding/xml finds the line and column of the error.
//
// Limits: a resource is at most MaxResourceSize (4 MiB) of at most
// MaxElements (50,000) XML elements with MaxAttributes (200,000) attributes,
// nested at most MaxDepth (256) deep; a DOCTYPE is refused, so no entity is ever
// expanded. Each limit fails with an error that says so.
//
// Expressions ("=order.total > 100") stay text unless Options.Expressions is
// set; then Compile compiles each one and reports failures on the element.
// The package imports nothing else of Shoal's; engine/expr implements
// ExprCompiler. Timer values are checked with ParseTimeDate,
// ParseTimeDuration and ParseTimeCycle, which the engine uses too.
//
// Files: parse.go (limits, positions), read.go and readzeebe.go (etree ->
// model), compile.go and configure.go (model -> graph), events.go and
// timer.go (event definitions), validate_tasks.go and validate_flows.go (the
// remaining rule families), expressions.go (expression compilation).
package bpmn

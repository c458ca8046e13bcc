// Package expr is Shoal's FEEL front end: it parses the subset of FEEL that
// BPMN processes made with Camunda tools use, and compiles it onto
// github.com/expr-lang/expr programs that are compiled once (per process
// version) and evaluated many times.
//
// The tokenizer and parser are our own, so that every error names a column in
// the source. The parser builds a small AST; the code generator turns it into
// expr source text in which every FEEL operator is a call to a Go function
// of this package with FEEL's meaning (null propagation, three-valued logic,
// 1-based indexes, decimal arithmetic). expr itself only provides the
// bytecode VM, let-bindings, conditionals and the map builtin for loops; none
// of expr's own operator semantics reach a FEEL result.
//
// # Values
//
// Variables come in as what encoding/json produces (nil, bool, string,
// float64 or json.Number, []any, map[string]any) plus Go integers. Results
// are JSON-compatible: numbers are int64 when integral and in range, else
// float64; inside an evaluation numbers are exact decimals
// (shopspring/decimal), so 0.1 + 0.2 = 0.3. Temporal values are the types
// Date, Time, DateTime, Duration and YearsMonths, which marshal to JSON as
// FEEL's ISO strings ("2024-01-31", "PT5S", "P1Y2M", ...). A range value
// ([1..10]) is a Range; it is only meaningful inside an expression.
//
// # Determinism
//
// The engine evaluates inside raft's apply, so evaluation is deterministic:
// contexts are Go maps, and everything that exposes their order (get
// entries, JSON output) sorts the keys. now() and today() read the clock
// given with At(vars, now); without one they fail rather than read the wall
// clock.
//
// # Variables
//
// Variables are fetched lazily through Vars.Get, only for names the
// expression reads; Expr.Variables lists them so a caller can fetch just
// those. Inside a filter (items[price > 10]) a bare name is first looked up
// in the current item, then as a variable, so such names appear in
// Variables as well.
package expr

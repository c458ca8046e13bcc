// Package expr is Shoal's FEEL front end: it parses the subset of FEEL that
// BPMN processes made with Camunda tools use, and compiles it onto
// github.com/expr-lang/expr programs that are compiled once (per process
// version) and evaluated many times, concurrently if need be.
//
//	e, err := expr.Compile(`=order.total > 100 and customer.tier = "gold"`)
//	ok, err := e.EvalBool(expr.At(vars, recordTime))
//
// # How it works
//
// The tokenizer and parser are our own, so that every error names a column
// (token.go, parser*.go). The parser builds a small AST (ast.go); the code
// generator (codegen*.go) turns it into expr source text in which every
// FEEL operator is a call to a Go function of this package (runtime.go,
// arith.go, lists.go, builtins_*.go) with FEEL's meaning. expr itself only
// provides the bytecode VM, let-bindings, the ternary for if/and/or, and its
// map builtin for loops and filters; none of expr's own operator semantics
// (nil handling, 0-based indexes, integer division) reach a FEEL result.
// Each run-time function takes the index of its sub-expression's span as
// last argument, so a failure names the sub-expression and its values.
// Evaluation reuses expr VMs from a pool and passes the caller's Vars as
// expr's environment, so a typical condition allocates once.
//
// # What it covers
//
// Literals (numbers, strings with escapes, true/false/null, lists,
// contexts whose entries may use earlier ones, @"..." temporal literals);
// names, `quoted names`, paths (a missing variable or key is null, a path
// on null is null, a path on a list maps over it); + - * / ** and unary
// minus; = != < <= > >= (null = null is true, values of different types
// compare to null, < on null is null); between; in with values, lists,
// ranges and unary tests (x in (< 5, 7)); and/or with three-valued logic,
// short-circuited; if-then-else (a non-true condition takes else);
// instance of; 1-based and negative indexes, filters with item or the
// item's fields as bare names; for (several iterators, integer ranges),
// some, every; named arguments. Built-in functions: see the tables in
// builtins_*.go (string, numeric, list, context, conversion, temporal, and
// Camunda's is defined, get or else, assert).
//
// Not supported, and rejected at compile time with a *NotSupportedError
// (errors.Is(err, ErrNotSupported)) rather than answered wrongly: function
// definitions, calling a value, parameterized types (list<number>), and
// partial in a for loop. Functions outside the tables are unknown-function
// syntax errors. Regular expressions are Go's RE2 with the flags i, s, m,
// close to but not exactly XPath's; compiled patterns are cached.
//
// # Values
//
// Variables come in as what encoding/json produces (nil, bool, string,
// float64 or json.Number, []any, map[string]any) plus Go integers. Results
// are JSON-compatible: numbers are int64 when integral and in range, else
// float64; inside an evaluation numbers are exact decimals
// (shopspring/decimal; division keeps 34 decimal places), so 0.1 + 0.2 =
// 0.3, and a float64 variable is read as the decimal it prints as. Small
// fractions take an allocation-free fixed-point form (fixed.go) that gives
// the same results as the decimals. Temporal
// values are the types Date, Time, DateTime, Duration (days and time) and
// YearsMonths, which marshal to JSON as FEEL's ISO strings ("2024-01-31",
// "10:00:00+01:00", "2024-01-31T10:00:00Z", "PT5S", "P1Y2M"); a date-time
// with a zone id prints like Java's ZonedDateTime
// ("...+02:00[Europe/Paris]") and parses back. A range value leaves as its
// FEEL text ("[1..10]"). Variables are never modified: functions that
// change a list or context return a copy.
//
// # Errors
//
// Compile returns *SyntaxError (column, what was found, what was expected)
// or *NotSupportedError; its columns count the leading "=" when the source
// has one (callers quote the attribute as written). Eval returns *EvalError
// naming the expression (as Source(), without "="), the failing
// sub-expression, its column in Source() and the values involved.
//
// Where Camunda answers null to a mistake, Shoal fails with a message,
// because a silent null in a condition is the hardest thing to debug: an
// operator or function applied to the wrong types (1 + "a", upper case(5)),
// division by zero, an invalid date (date("2024-06-31")), a path on a
// number. A null operand or argument still gives null, and a missing
// variable is null. The typed evaluations (EvalBool, EvalString, ...)
// report a result of the wrong type, and for a null result they name the
// variables the expression reads that are not set. A run-away evaluation
// (a loop over a million items) stops with expr's memory budget error.
//
// # Determinism
//
// The engine evaluates inside raft's apply, so evaluation is deterministic:
// contexts are Go maps, and whatever exposes their order (get entries,
// string(), JSON output) sorts the keys. now() and today() read the clock
// of At(vars, now) — the engine passes the record's timestamp — and fail
// without one rather than read the wall clock. Zone ids resolve through
// the embedded tz database (time/tzdata), the same on every node.
//
// # Variables
//
// Variables are fetched lazily through Vars.Get, only for names the
// expression reads, and only on the branches it takes; Expr.Variables lists
// them so a caller can fetch just those. Variables read inside a loop or a
// filter are fetched once, just before the outermost one, not per item. Inside a filter (items[price >
// 10]) a bare name is first looked up in the current item, then as a
// variable, so such names appear in Variables as well.
package expr

package expr

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustCompile(t *testing.T, src string) *Expr {
	t.Helper()
	e, err := Compile(src)
	if err != nil {
		t.Fatalf("Compile(%q): %v", src, err)
	}
	return e
}

func TestSyntaxErrorCarriesColumnAndExpectation(t *testing.T) {
	tests := []struct {
		src      string
		column   int
		msg      string
		expected string
	}{
		{"=amount >> 5", 10, "unexpected '>'", "an expression"},
		{"amount >> 5", 9, "unexpected '>'", "an expression"},
		{"é + ", 5, "unexpected end of input", "an expression"},
		{"\"ü\" + )", 7, "unexpected ')'", "an expression"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Compile(%q): got %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if se.Column != tt.column || se.Msg != tt.msg || se.Expected != tt.expected {
			t.Errorf("Compile(%q) = %+v, want column %d, %q, expected %q", tt.src, se, tt.column, tt.msg, tt.expected)
		}
	}
}

func TestNotSupportedIsDistinguishable(t *testing.T) {
	for _, src := range []string{"function(a) a", "x instance of list<number>", "(x)(1)"} {
		_, err := Compile(src)
		if !errors.Is(err, ErrNotSupported) {
			t.Errorf("Compile(%q) = %v, want ErrNotSupported", src, err)
		}
	}
}

func TestEvalErrorNamesSubExpression(t *testing.T) {
	e := mustCompile(t, `=count > 0 and total / count > limit`)
	_, err := e.Eval(MapVars{"count": 2, "total": "lots", "limit": 3})
	var ee *EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want *EvalError", err)
	}
	want := EvalError{Expr: "count > 0 and total / count > limit", Sub: "total / count", Column: 15, Msg: `cannot divide string "lots" by number 2`}
	if *ee != want {
		t.Errorf("got %+v\nwant %+v", *ee, want)
	}
}

func TestVariablesListsTopLevelNamesSorted(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`order.total > 100 and customer.tier = "gold"`, []string{"customer", "order"}},
		{`for x in items return x.price * rate`, []string{"items", "rate"}},
		{`{a: 1, b: a + c}`, []string{"c"}},
		{`items[price > min]`, []string{"items", "min", "price"}},
		{`some x in xs satisfies x = y`, []string{"xs", "y"}},
		{`1 + 2`, nil},
		{`x + x + x`, []string{"x"}},
	}
	for _, tt := range tests {
		if got := mustCompile(t, tt.src).Variables(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Variables(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// countingVars records which names were fetched.
type countingVars struct {
	m    map[string]any
	gets []string
}

func (c *countingVars) Get(name string) (any, bool) {
	c.gets = append(c.gets, name)
	v, ok := c.m[name]
	return v, ok
}

func TestVariablesAreFetchedLazily(t *testing.T) {
	e := mustCompile(t, `if a then b else c`)
	vars := &countingVars{m: map[string]any{"a": true, "b": 1, "c": 2}}
	if _, err := e.Eval(vars); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vars.gets, []string{"a", "b"}) {
		t.Errorf("fetched %v, want [a b] (c is not needed)", vars.gets)
	}
}

func TestResultNumbersAreInt64OrFloat64(t *testing.T) {
	tests := []struct {
		src  string
		want any
	}{
		{"1 + 2", int64(3)},
		{"0.5 * 4", int64(2)},
		{"0.1 + 0.2", 0.3},
		{"10 / 4", 2.5},
		{"[1, 1.5]", []any{int64(1), 1.5}},
		{"{a: 2.0}", map[string]any{"a": int64(2)}},
		{"x", int64(7)},
		{"y + 1", int64(3)},
		{"z", 2.5},
	}
	vars := MapVars{"x": json.Number("7"), "y": 2.0, "z": float32(2.5)}
	for _, tt := range tests {
		got, err := mustCompile(t, tt.src).Eval(vars)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %#v, %v; want %#v", tt.src, got, err, tt.want)
		}
	}
}

func TestEvalNeverModifiesVariables(t *testing.T) {
	in := map[string]any{"xs": []any{1.0, 2.5}, "c": map[string]any{"a": 1.0}}
	vars := MapVars{"data": in}
	for _, src := range []string{"data", "data.xs", "context put(data.c, \"b\", 2)", "append(data.xs, 3)", "sort(data.xs)", "reverse(data.xs)"} {
		if _, err := mustCompile(t, src).Eval(vars); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]any{"xs": []any{1.0, 2.5}, "c": map[string]any{"a": 1.0}}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("variables were modified: %#v", in)
	}
}

func TestTypedEvaluations(t *testing.T) {
	vars := MapVars{"n": 3, "s": "x", "l": []any{1}, "d": "PT5S", "due": "2024-06-01T09:00:00Z"}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	if b, err := mustCompile(t, "n > 2").EvalBool(vars); err != nil || !b {
		t.Errorf("EvalBool = %v, %v", b, err)
	}
	if s, err := mustCompile(t, `s + "y"`).EvalString(vars); err != nil || s != "xy" {
		t.Errorf("EvalString = %q, %v", s, err)
	}
	if f, err := mustCompile(t, "n / 2").EvalNumber(vars); err != nil || f != 1.5 {
		t.Errorf("EvalNumber = %v, %v", f, err)
	}
	if i, err := mustCompile(t, "n * 2").EvalInt(vars); err != nil || i != 6 {
		t.Errorf("EvalInt = %v, %v", i, err)
	}
	if l, err := mustCompile(t, "append(l, 2)").EvalList(vars); err != nil || len(l) != 2 {
		t.Errorf("EvalList = %v, %v", l, err)
	}
	if d, err := mustCompile(t, "d").EvalDuration(vars); err != nil || d != 5*time.Second {
		t.Errorf("EvalDuration(string) = %v, %v", d, err)
	}
	if d, err := mustCompile(t, `duration("PT1M") * n`).EvalDuration(vars); err != nil || d != 3*time.Minute {
		t.Errorf("EvalDuration = %v, %v", d, err)
	}
	if dt, err := mustCompile(t, "date and time(due)").EvalDateTime(vars); err != nil || !dt.Equal(time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("EvalDateTime = %v, %v", dt, err)
	}
	if dt, err := mustCompile(t, `duration("P1M")`).EvalDueDate(vars, now); err != nil || !dt.Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("EvalDueDate = %v, %v", dt, err)
	}
}

func TestEvalBoolRejectsNonBooleanNamingExpressionAndMissingVariables(t *testing.T) {
	tests := []struct {
		src  string
		vars MapVars
		want string
	}{
		{"amount > limit", MapVars{"amount": 5}, "failed to evaluate expression 'amount > limit': expected a boolean, but got null (not set: limit)"},
		{"amount", MapVars{"amount": 5}, "failed to evaluate expression 'amount': expected a boolean, but got number 5"},
		{`"yes"`, nil, `failed to evaluate expression '"yes"': expected a boolean, but got string "yes"`},
	}
	for _, tt := range tests {
		_, err := mustCompile(t, tt.src).EvalBool(tt.vars)
		if err == nil || err.Error() != tt.want {
			t.Errorf("EvalBool(%s) error = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestNowWithoutClockFails(t *testing.T) {
	_, err := mustCompile(t, "now()").Eval(nil)
	if err == nil || !strings.Contains(err.Error(), "no clock") {
		t.Errorf("now() without clock: %v, want a 'no clock' error", err)
	}
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	got, err := mustCompile(t, "now()").EvalAt(nil, now)
	if err != nil || got != (DateTime{T: now}) {
		t.Errorf("now() = %v, %v", got, err)
	}
}

func TestTemporalValuesMarshalAsISOStrings(t *testing.T) {
	v, err := mustCompile(t, `{d: @"2024-01-31", t: @"10:00:00", dt: @"2024-01-31T10:00:00Z", p: @"PT5S", ym: @"P1Y2M"}`).Eval(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	want := `{"d":"2024-01-31","dt":"2024-01-31T10:00:00Z","p":"PT5S","t":"10:00:00","ym":"P1Y2M"}`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

func TestSameInputGivesSameOutput(t *testing.T) {
	e := mustCompile(t, `get entries(m).key`)
	m := map[string]any{}
	for _, k := range strings.Fields("q w e r t y u i o p a s d f g h j k l") {
		m[k] = 1
	}
	first, _ := e.Eval(MapVars{"m": m})
	for range 20 {
		again, _ := e.Eval(MapVars{"m": m})
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("get entries order changed: %v vs %v", first, again)
		}
	}
}

func TestConcurrentEvaluation(t *testing.T) {
	e := mustCompile(t, `sum(for x in xs return x * k) > 10 and substring(s, 2) = "bc" and matches(s, p)`)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				got, err := e.EvalBool(MapVars{"xs": []any{1, 2, 3}, "k": i + 1, "s": "abc", "p": "^a" + strings.Repeat("b?", i)})
				if err != nil || got != (6*(i+1) > 10) {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent evaluation failed: %v", err)
	}
}

func TestBPMNCompilerReturnsExpr(t *testing.T) {
	v, err := BPMNCompiler{}.CompileExpression("=a + 1")
	if e, ok := v.(*Expr); err != nil || !ok || e.Source() != "a + 1" {
		t.Errorf("CompileExpression = %#v, %v", v, err)
	}
	if _, err := (BPMNCompiler{}).CompileExpression("=a +"); err == nil {
		t.Error("CompileExpression accepted a broken expression")
	}
}

func TestLongExpressionsCompile(t *testing.T) {
	items := strings.Repeat("1, ", 5000) + "1"
	got, err := mustCompile(t, "count(["+items+"])").Eval(nil)
	if err != nil || got != int64(5001) {
		t.Errorf("count of 5001 items = %v, %v", got, err)
	}
	_, err = Compile(strings.Repeat("1+", MaxSourceLen))
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "too long") {
		t.Errorf("over-long expression: %v, want 'too long'", err)
	}
}

func TestDeepNestingIsASyntaxErrorNotACrash(t *testing.T) {
	_, err := Compile(strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000))
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "nested too deeply") {
		t.Errorf("deep nesting: %v", err)
	}
	if _, err := Compile(strings.Repeat("(", 50) + "1" + strings.Repeat(")", 50)); err != nil {
		t.Errorf("50 levels: %v", err)
	}
}

func TestResultsAreNotSharedBetweenEvaluations(t *testing.T) {
	for _, src := range []string{`["a", "b"]`, `{a: "x"}`, `[["a"], "b"]`, `{a: ["x"]}`} {
		e := mustCompile(t, src)
		first, _ := e.Eval(nil)
		switch x := first.(type) {
		case []any:
			x[0] = "changed"
		case map[string]any:
			x["a"] = "changed"
		}
		again, _ := e.Eval(nil)
		if reflect.DeepEqual(first, again) {
			t.Errorf("%s: changing one result changed the next: %v", src, again)
		}
	}
}

func TestTypedEvaluationsRejectOtherTypes(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	vars := At(MapVars{"s": "x", "at": "2024-03-01T12:00:00Z", "d": "PT1H"}, now)
	if _, err := mustCompile(t, "s").EvalNumber(vars); err == nil || !strings.Contains(err.Error(), `expected a number, but got string "x"`) {
		t.Errorf("EvalNumber(string): %v", err)
	}
	if _, err := mustCompile(t, "1.5").EvalInt(vars); err == nil || !strings.Contains(err.Error(), "expected an integer, but got number 1.5") {
		t.Errorf("EvalInt(1.5): %v", err)
	}
	if m, err := mustCompile(t, "{a: 1}").EvalContext(vars); err != nil || m["a"] != int64(1) {
		t.Errorf("EvalContext = %v, %v", m, err)
	}
	if _, err := mustCompile(t, "[1]").EvalContext(vars); err == nil {
		t.Error("EvalContext accepted a list")
	}
	if _, err := mustCompile(t, `duration("P1M")`).EvalDuration(vars); err == nil || !strings.Contains(err.Error(), "expected a days and time duration, but got years and months duration P1M") {
		t.Errorf("EvalDuration(P1M): %v", err)
	}
	for src, want := range map[string]time.Time{
		"at":                       time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC),
		"d":                        now.Add(time.Hour),
		`date("2024-05-01")`:       time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		`now() + duration("PT5M")`: now.Add(5 * time.Minute),
		`@"2024-01-31T00:00:00Z"`:  time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := mustCompile(t, src).EvalDueDate(vars, now); err != nil || !got.Equal(want) {
			t.Errorf("EvalDueDate(%s) = %v, %v; want %v", src, got, err, want)
		}
	}
	if _, err := mustCompile(t, "5").EvalDueDate(vars, now); err == nil {
		t.Error("EvalDueDate accepted a number")
	}
}

func TestContextEqualityDoesNotDependOnMapOrder(t *testing.T) {
	e := mustCompile(t, "x = y")
	x := map[string]any{}
	y := map[string]any{}
	for _, k := range strings.Fields("a b c d e f g h i j k l m n o p") {
		x[k], y[k] = 1, 2
	}
	y["h"] = "text" // incomparable with 1, but "a" already differs
	for range 50 {
		got, err := e.Eval(MapVars{"x": x, "y": y})
		if err != nil || got != false {
			t.Fatalf("x = y gave %v, %v; want false every time", got, err)
		}
	}
}

func TestVariablesInsideLoopsAreFetchedOnce(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"for x in xs return x * factor", []string{"factor", "xs"}},
		{"xs[item > min]", []string{"min", "xs"}},
		{"some x in xs satisfies x > limit.max", []string{"limit", "xs"}},
		{"for x in xs return for y in xs return x + y + k", []string{"k", "xs"}},
		{"false and xs[item > min] = []", nil},
	}
	for _, tt := range tests {
		vars := &countingVars{m: map[string]any{"xs": []any{1, 2, 3}, "factor": 2, "min": 1, "limit": map[string]any{"max": 2}, "k": 1}}
		if _, err := mustCompile(t, tt.src).Eval(vars); err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		got := append([]string(nil), vars.gets...)
		sort.Strings(got)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s fetched %v, want each of %v once", tt.src, vars.gets, tt.want)
		}
	}
}

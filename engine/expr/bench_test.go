package expr

import (
	"testing"
	"time"
)

const typicalCondition = `=order.total > 100 and customer.tier = "gold"`

func BenchmarkCompileTypicalCondition(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(typicalCondition); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileLargerExpression(b *testing.B) {
	src := `=if count(items[price > 10]) > 2 then sum(for i in items return i.price * i.qty) else string join(for i in items return upper case(i.name), ", ")`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalTypicalCondition(b *testing.B) {
	e := MustCompile(typicalCondition)
	vars := MapVars{
		"order":    map[string]any{"total": 150.0, "id": "o-1"},
		"customer": map[string]any{"tier": "gold", "name": "Ann"},
	}
	b.ReportAllocs()
	for b.Loop() {
		ok, err := e.EvalBool(vars)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkEvalArithmetic(b *testing.B) {
	e := MustCompile(`=price * quantity * (1 - discount)`)
	vars := MapVars{"price": 19.99, "quantity": 3.0, "discount": 0.1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalFilterAndSum(b *testing.B) {
	e := MustCompile(`=sum(items[price > 10].price)`)
	items := make([]any, 20)
	for i := range items {
		items[i] = map[string]any{"price": float64(i * 2)}
	}
	vars := MapVars{"items": items}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalTimerDuration(b *testing.B) {
	e := MustCompile(`=duration("PT" + string(delay) + "S")`)
	vars := At(MapVars{"delay": 30.0}, time.Unix(0, 0))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.EvalDuration(vars); err != nil {
			b.Fatal(err)
		}
	}
}

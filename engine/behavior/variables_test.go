package behavior

import (
	"encoding/json"
	"math"
	"testing"
)

func TestPutPath_BuildsNestedObjectsForDottedTargets(t *testing.T) {
	doc := map[string]any{}
	putPath(doc, "order.customer.id", 7)
	putPath(doc, "order.total", 9)
	putPath(doc, "flat", "x")
	b, _ := json.Marshal(doc)
	if got := string(b); got != `{"flat":"x","order":{"customer":{"id":7},"total":9}}` {
		t.Fatalf("doc = %s", got)
	}
}

func TestHeaderText_RendersStringsAndStringLists(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
		ok   bool
	}{
		{"ada", "ada", true},
		{[]any{"a", "b"}, `["a","b"]`, true},
		{[]any{"a", 1}, "", false},
		{3.0, "", false},
	} {
		got, ok := headerText(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("headerText(%v) = %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestToInt_AcceptsWholeNumbersOnly(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want int64
		ok   bool
	}{
		{int64(3), 3, true}, {3.0, 3, true}, {3.5, 0, false}, {json.Number("12"), 12, true}, {"3", 0, false},
	} {
		got, ok := toInt(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("toInt(%v) = %d %v", tc.in, got, ok)
		}
	}
}

func TestCheckDocument_RefusesValuesWithoutJSONAndEmptyNames(t *testing.T) {
	if err := CheckDocument(map[string]any{"a": 1, "b": []any{"x"}}); err != nil {
		t.Fatal(err)
	}
	if err := CheckDocument(map[string]any{"a": math.Inf(1)}); err == nil {
		t.Fatal("infinity accepted")
	}
	if err := CheckDocument(map[string]any{"": 1}); err == nil {
		t.Fatal("empty name accepted")
	}
}

func TestToJSON_FastPathsMatchEncodingJSON(t *testing.T) {
	for _, v := range []any{nil, true, false, int64(-7), 42, 3.0, math.Copysign(0, -1), -3.0, 1e15, 1e14, 2.5, 1e21, "s", []any{1.0}, map[string]any{"a": nil}} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := toJSON(v)
		if err != nil || string(got) != string(want) {
			t.Errorf("toJSON(%#v) = %s, want %s", v, got, want)
		}
	}
}

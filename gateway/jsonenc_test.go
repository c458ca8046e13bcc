package gateway

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/jobstream"
)

// stdJSON is what jsonEncode writes for v.
func stdJSON(t testing.TB, v any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := jsonEncode(&buf, v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return buf.String()
}

// jsonValues are values of every kind the hand-written encoder meets, and
// some it hands to encoding/json.
var jsonValues = []any{
	nil, true, false, "", "plain", `quote " and \ backslash`, "tab\tnew line\n\r\b\f\x00\x1f",
	"<html> & 'apos'", "grüße, 日本語, emoji 🐟", "bad utf-8 \xff\xfe end", "line sep \u2028 para \u2029",
	0.0, math.Copysign(0, -1), 1.0, -1.5, 0.1, 129.95, 1e20, 1e21, 123456789012345678901234.0,
	1e-6, 1e-7, 5e-324, math.MaxFloat64, -2.5e-9, 42.0, float64(1 << 53),
	int64(-7), int(12), int32(3), int64(math.MaxInt64),
	[]any{}, []any(nil), []any{1.0, "a", nil, []any{true}}, map[string]any{}, map[string]any(nil),
	map[string]any{"b": 1.0, "a": map[string]any{"z": "last", "é": "accent", "": "empty key"}, "A": []any{}},
	map[string]string{"y": "2", "x": "1"}, map[string]string(nil), []string{"a", `"q"`}, []string(nil),
	json.RawMessage(`{"a": [1, 2], "s":"<x> \u00e9"}`), json.RawMessage(`42`), json.RawMessage(nil),
	map[string]any{"n": json.RawMessage(`7`), "doc": json.RawMessage(` { "k" : null } `)},
	json.Number("12.50"), struct {
		X int    `json:"x"`
		Y string `json:"y,omitempty"`
	}{X: 1}, []int{1, 2},
}

func TestAppendJSONValueWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, v := range jsonValues {
		got, err := appendJSONValue(nil, v)
		if err != nil {
			t.Errorf("%#v: %v", v, err)
			continue
		}
		if want := stdJSON(t, v); string(got)+"\n" != want {
			t.Errorf("%#v:\n got %s\nwant %s", v, got, want)
		}
	}
	// Inside an object too (the variables of an answer).
	doc := map[string]any{}
	for i, v := range jsonValues {
		doc[string(rune('a'+i%26))+itoa(int64(i))] = v
	}
	got, err := appendJSONObject(nil, doc)
	if err != nil || string(got)+"\n" != stdJSON(t, doc) {
		t.Errorf("object: %v\n got %s\nwant %s", err, got, stdJSON(t, doc))
	}
}

func TestAppendJSONValueRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), map[string]any{"x": []any{math.Inf(-1)}}, make(chan int),
		json.RawMessage(`{"a":`), map[string]any{"x": json.RawMessage{}}} {
		if got, err := appendJSONValue(nil, v); err == nil {
			t.Errorf("%v: encoded as %s, want an error as encoding/json gives", v, got)
		}
	}
}

// FuzzAppendJSONValue compares the hand-written encoder with encoding/json
// on any JSON document (decoded as the gateway decodes variables) and on
// any string.
func FuzzAppendJSONValue(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":[true,null,"x\u2028"],"c":{"d":1e-7}}`))
	f.Add([]byte(`"\u0000<>&\ud800"`))
	f.Add([]byte("{\"k\xff\":\"v\xc3\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := appendJSONString(nil, string(data))
		if want := stdJSON(t, string(data)); string(got)+"\n" != want {
			t.Fatalf("string %q:\n got %s\nwant %s", data, got, want)
		}
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		out, err := appendJSONValue(nil, v)
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if want := stdJSON(t, v); string(out)+"\n" != want {
			t.Fatalf("%s:\n got %s\nwant %s", data, out, want)
		}
	})
}

// testJobs are jobs as the engine hands them to the gateway.
var testJobs = []jobstream.Job{
	{Key: record.NewKey(1, 9), JobRecord: record.JobRecord{Type: "pay"}},
	{Key: record.NewKey(2, 77), JobRecord: record.JobRecord{
		Type: "ship", Worker: "w-1", Retries: 3, Deadline: 1_790_000_000_123,
		CustomHeaders: map[string]string{"b": "2", "a": "x\"y"}, BpmnProcessID: "order",
		ProcessDefinitionVersion: 4, ProcessDefinitionKey: record.NewKey(1, 1), ProcessInstanceKey: record.NewKey(2, 5),
		ElementID: "Task_1", ElementInstanceKey: record.NewKey(2, 6), TenantID: record.DefaultTenant,
		Variables: map[string]any{"n": 42.0, "payload": map[string]any{"items": []any{"ä", 1.5}, "ok": true}},
	}},
}

func TestAppendActivatedJobWritesCamundasShape(t *testing.T) {
	for _, j := range testJobs {
		got, err := appendActivatedJob(nil, &j)
		if err != nil {
			t.Fatal(err)
		}
		if want := stdJSON(t, toActivatedJob(j)); string(got)+"\n" != want {
			t.Errorf("job %d:\n got %s\nwant %s", j.Key, got, want)
		}
	}
}

func TestCreateInstanceResultAppendJSON(t *testing.T) {
	results := []record.Record{
		{Key: record.NewKey(1, 3), Value: &record.ProcessInstanceCreationRecord{
			BpmnProcessID: "order", Version: 2, ProcessDefinitionKey: record.NewKey(1, 1), ProcessInstanceKey: record.NewKey(1, 3)}},
		{Key: record.NewKey(1, 4), Value: &record.ProcessInstanceResultRecord{
			BpmnProcessID: "order", Version: 1, ProcessDefinitionKey: record.NewKey(1, 1), ProcessInstanceKey: record.NewKey(1, 4),
			TenantID: record.DefaultTenant, Variables: map[string]any{"n": 7.0, "s": "日本", "nested": []any{nil, 0.5}}}},
	}
	for _, answer := range results {
		out, err := creationResult(answer)
		if err != nil {
			t.Fatal(err)
		}
		got, err := out.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := stdJSON(t, out); string(got)+"\n" != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	}
}

// BenchmarkEncodeActivatedJob compares encoding/json on the job's struct
// (how the gateway wrote jobs before) with the hand-written encoder.
func BenchmarkEncodeActivatedJob(b *testing.B) {
	var vars map[string]any
	if err := json.Unmarshal([]byte(benchPayload), &vars); err != nil {
		b.Fatal(err)
	}
	j := testJobs[1]
	j.Variables = vars
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := jsonEncode(&buf, toActivatedJob(j)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = appendActivatedJob(buf[:0], &j); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEncodeStoredVariables encodes variables as the engine hands
// them over (each a json.RawMessage of the stored value).
func BenchmarkEncodeStoredVariables(b *testing.B) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(benchPayload), &doc); err != nil {
		b.Fatal(err)
	}
	vars := map[string]any{}
	for k, v := range doc {
		vars[k] = v
	}
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := jsonEncode(&buf, vars); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = appendJSONObject(buf[:0], vars); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package client

import (
	"encoding/json"
	"reflect"
	"testing"
)

// decodeCases are answers the fast path takes and answers it must leave to
// encoding/json; either way the result must be encoding/json's.
var decodeCases = []string{
	`{"jobKey":"2251799813685252","type":"bench-task","processDefinitionId":"one_task","processDefinitionVersion":1,` +
		`"processDefinitionKey":"2251799813685249","processInstanceKey":"2251799813685251","elementId":"task",` +
		`"elementInstanceKey":"2251799813685254","customHeaders":{},"worker":"bench-0","retries":3,"deadline":1790000000123,` +
		`"variables":{"n":42,"payload":{"items":[{"qty":2}],"note":"x\"y"}},"tenantId":"<default>","kind":"BPMN_ELEMENT",` +
		`"listenerEventType":"UNSPECIFIED","tags":[],"userTask":null,"priority":0}`,
	` { "jobKey" : "5" , "customHeaders" : {"a":"1","b":"\u00e9"} , "variables" : [1, {"}":"]"}] } `,
	`{"jobKey":"escaped\n","type":"t"}`,                                               // an escape
	`{"jobKey":null,"retries":null}`,                                                  // nulls leave fields alone
	`{"retries":1.5}`, `{"retries":4294967296}`, `{"deadline":"12"}`, `{"jobKey":12}`, // type errors
	`{"JobKey":"7"}`, `{"jobkey":"7"}`, // other case
	`{"customHeaders":{"a":"1"},"customHeaders":{"b":"2"}}`, // repeated: merged
	`{"customHeaders":{"a":1}}`, `{"customHeaders":[]}`, `{"customHeaders":null}`,
	"{\"type\":\"bad utf-8 \xff\"}", `{"variables":null}`, `{"variables":"s"}`,
	`{"processInstanceKey":"9","processDefinitionVersion":2,"variables":{"n":1},"tenantId":"<default>","tags":[]}`,
	`[]`, `null`, `"s"`, `{`, `{"a":}`, `{"jobKey":"1"} x`, ``,
}

func TestFastDecodingIsEncodingJSONs(t *testing.T) {
	for _, data := range decodeCases {
		compareDecoders(t, []byte(data))
	}
}

func FuzzFastDecoding(f *testing.F) {
	for _, data := range decodeCases {
		f.Add([]byte(data))
	}
	f.Fuzz(func(t *testing.T, data []byte) { compareDecoders(t, data) })
}

func compareDecoders(t *testing.T, data []byte) {
	t.Helper()
	var got, want Job
	gotErr, wantErr := got.unmarshal(data), json.Unmarshal(data, &want)
	if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
		t.Errorf("job %q:\n got %+v, %v\nwant %+v, %v", data, got, gotErr, want, wantErr)
	}
	var gotPI, wantPI ProcessInstance
	gotErr, wantErr = gotPI.unmarshal(data), json.Unmarshal(data, &wantPI)
	if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(gotPI, wantPI) {
		t.Errorf("instance %q:\n got %+v, %v\nwant %+v, %v", data, gotPI, gotErr, wantPI, wantErr)
	}
}

func TestTheGatewaysJobTakesTheFastPath(t *testing.T) {
	var j Job
	var fields []field
	if !decodeFast([]byte(decodeCases[0]), append(fields, field{"jobKey", &j.Key}, field{"customHeaders", &j.CustomHeaders},
		field{"retries", &j.Retries}, field{"variables", &j.Variables})) {
		t.Fatal("a job as the gateway writes it left the fast path")
	}
	if j.Key != "2251799813685252" || j.Retries != 3 || j.CustomHeaders == nil || len(j.Variables) == 0 {
		t.Fatalf("job = %+v", j)
	}
}

// BenchmarkDecodeJob compares encoding/json with the fast path on a job as
// the gateway pushes it (the bench's 512-byte payload).
func BenchmarkDecodeJob(b *testing.B) {
	var vars json.RawMessage = []byte(`{"n":42,"payload":{"currency":"EUR","customerId":"customer-4711","items":[{"qty":2,"sku":"SKU-1"},{"qty":1,"sku":"SKU-2"}],` +
		`"note":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","orderId":"order-00000042","total":129.95},"route":"a"}`)
	line := []byte(`{"jobKey":"2251799813685252","type":"bench-task","processDefinitionId":"one_task","processDefinitionVersion":1,` +
		`"processDefinitionKey":"2251799813685249","processInstanceKey":"2251799813685251","elementId":"task",` +
		`"elementInstanceKey":"2251799813685254","customHeaders":{},"worker":"bench-0","retries":3,"deadline":1790000000123,` +
		`"variables":` + string(vars) + `,"tenantId":"<default>","kind":"BPMN_ELEMENT",` +
		`"listenerEventType":"UNSPECIFIED","tags":[],"userTask":null,"priority":0}`)
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var j Job
			if err := json.Unmarshal(line, &j); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var j Job
			if err := j.unmarshal(line); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package gateway

import (
	"reflect"
	"testing"
)

// createBodies are creation requests the fast path takes and requests it
// must leave to encoding/json.
var createBodies = []string{
	`{"processDefinitionId":"one_task","variables":` + benchPayload + `,"awaitCompletion":true,"fetchVariables":["n"],"requestTimeout":30000}`,
	` { "processDefinitionKey" : "2251799813685249" , "processDefinitionVersion" : 3 , "tenantId" : "<default>" ,` +
		` "variables" : { "a" : [ 1 , -2.5e3 , true , false , null , { } , [ ] , "ü" ] , "b" : { "c" : { } } } , "awaitCompletion" : false } `,
	`{"processDefinitionKey":2251799813685249,"operationReference":{"x":[1,"}"]},"unknown":"\"q\""}`,
	`{"processDefinitionId":"esc\u0061ped"}`, `{"processDefinitionId":"p","variables":{"k\n":1}}`,
	`{"processDefinitionId":"p","variables":{"s":"bad \xff"}}`, `{"processDefinitionId":"p","variables":{"big":1e400}}`,
	`{"processDefinitionId":"p","variables":null}`, `{"processDefinitionId":"p","variables":[1]}`, `{"processDefinitionId":"p","variables":"x"}`,
	`{"processDefinitionId":"p","variables":{"a":1,"a":2}}`, // repeated variable: the last wins in both
	`{"processDefinitionId":"p","processDefinitionId":"q"}`, `{"ProcessDefinitionId":"p"}`, `{"processdefinitionid":"p"}`,
	`{"processDefinitionKey":"-1"}`, `{"processDefinitionKey":"x"}`, `{"processDefinitionKey":null}`, `{"processDefinitionKey":""}`,
	`{"processDefinitionVersion":1.5}`, `{"processDefinitionVersion":null}`, `{"requestTimeout":"5"}`, `{"requestTimeout":-1}`,
	`{"awaitCompletion":"true"}`, `{"awaitCompletion":null}`, `{"fetchVariables":null}`, `{"fetchVariables":[]}`, `{"fetchVariables":["a",1]}`,
	`{"startInstructions":[]}`, `{"startInstructions":[{"elementId":"x"}]}`, `{"tenantId":7}`,
	`[]`, `null`, `{`, `{"a":1} {}`, `"s"`, `{}`,
}

func TestFastCreationDecodingIsEncodingJSONs(t *testing.T) {
	for _, body := range createBodies {
		compareCreationDecoders(t, []byte(body))
	}
	var req createInstanceRequest
	if !req.decodeFast([]byte(createBodies[0])) || !req.varsDecoded || req.vars["n"] != 42.0 {
		t.Fatalf("the bench's creation left the fast path: %+v", req)
	}
}

func FuzzFastCreationDecoding(f *testing.F) {
	for _, body := range createBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { compareCreationDecoders(t, body) })
}

// compareCreationDecoders checks that when the fast path takes body, it
// gives what encoding/json and variablesMap give.
func compareCreationDecoders(t *testing.T, body []byte) {
	t.Helper()
	var fast createInstanceRequest
	if !fast.decodeFast(body) {
		return // decodeBody resets and takes the slow path
	}
	var slow createInstanceRequest
	if err := unmarshalStrict(body, &slow); err != nil {
		t.Fatalf("%s: the fast path took a body encoding/json refuses: %v", body, err)
	}
	vars, err := variablesMap("variables", slow.Variables)
	if err != nil {
		t.Fatalf("%s: the fast path took variables the slow path refuses: %v", body, err)
	}
	if !fast.varsDecoded && vars != nil {
		t.Fatalf("%s: the slow path found variables %v, the fast path none", body, vars)
	}
	if fast.varsDecoded && !reflect.DeepEqual(fast.vars, vars) {
		t.Fatalf("%s: variables\nfast %#v\nslow %#v", body, fast.vars, vars)
	}
	fast.vars, fast.varsDecoded, fast.Variables, slow.Variables = nil, false, nil, nil
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s:\nfast %+v\nslow %+v", body, fast, slow)
	}
}

// BenchmarkDecodeCreation compares encoding/json (the body, then its
// variables) with the fast path on the bench's creation request.
func BenchmarkDecodeCreation(b *testing.B) {
	body := []byte(createBodies[0])
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var req createInstanceRequest
			if err := unmarshalStrict(body, &req); err != nil {
				b.Fatal(err)
			}
			if _, err := variablesMap("variables", req.Variables); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var req createInstanceRequest
			if !req.decodeFast(body) {
				b.Fatal("slow path")
			}
		}
	})
}

package client

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The two answers a worker and a starter read most (a pushed job, a created
// instance) are decoded by a fast path that handles what the gateway
// writes: string fields without escapes, integers, a custom headers object,
// the variables kept raw. Anything else (an escape, a null, a number out of
// range, a field name in another case, a repeated field) makes it give up,
// and encoding/json decodes the whole answer instead, so the result and the
// errors are always encoding/json's (decode_test.go fuzzes both against
// each other).

// field is one field of a struct the fast path fills: ptr is a *string,
// *int32, *int64, *json.RawMessage or *map[string]string.
type field struct {
	name string
	ptr  any
}

// decodeFast fills fields from the JSON object data and reports whether it
// could; false leaves some fields written, to be reset by the caller.
func decodeFast(data []byte, fields []field) bool {
	if len(fields) > 64 || !json.Valid(data) {
		return false
	}
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	var seen uint64
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] != '}' {
		// A key: valid JSON, so a string; one with escapes is left to
		// encoding/json.
		end := skipValue(data, i)
		key := data[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return false
		}
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // past ':'
		end = skipValue(data, i)
		value := data[i:end]
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
		n := fieldIndex(fields, key)
		if n == -2 {
			return false // a known field in another case: encoding/json matches it
		}
		if n < 0 {
			continue
		}
		if seen&(1<<n) != 0 {
			return false // repeated: encoding/json merges objects
		}
		seen |= 1 << n
		if !setField(fields[n].ptr, value) {
			return false
		}
	}
	return true
}

// fieldIndex returns the index of the field named key, -1 for an unknown
// key, -2 for a key that equals a field's name but for case.
func fieldIndex(fields []field, key []byte) int {
	for n, f := range fields {
		if string(key) == f.name {
			return n
		}
	}
	for _, f := range fields {
		if strings.EqualFold(string(key), f.name) {
			return -2
		}
	}
	return -1
}

// setField stores a raw JSON value into ptr, or reports that it cannot
// decode it the way encoding/json would without help.
func setField(ptr any, value []byte) bool {
	switch p := ptr.(type) {
	case *string:
		s, ok := plainString(value)
		*p = s
		return ok
	case *int32:
		n, err := strconv.ParseInt(string(value), 10, 32)
		*p = int32(n)
		return err == nil
	case *int64:
		n, err := strconv.ParseInt(string(value), 10, 64)
		*p = n
		return err == nil
	case *json.RawMessage:
		*p = append(json.RawMessage(nil), value...)
		return true
	case *map[string]string:
		if string(value) == "{}" {
			*p = map[string]string{}
			return true
		}
		return value[0] == '{' && json.Unmarshal(value, p) == nil
	}
	return false
}

// plainString returns a JSON string without escapes and of valid UTF-8 as
// Go string; anything else is not plain.
func plainString(value []byte) (string, bool) {
	if len(value) < 2 || value[0] != '"' {
		return "", false
	}
	s := value[1 : len(value)-1]
	if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) {
		return "", false
	}
	return string(s), true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value that starts at i in
// valid JSON.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at i.
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// unmarshal decodes a pushed or activated job.
func (j *Job) unmarshal(data []byte) error {
	if decodeFast(data, []field{
		{"jobKey", &j.Key}, {"type", &j.Type}, {"processDefinitionId", &j.ProcessDefinitionID},
		{"processDefinitionVersion", &j.ProcessDefinitionVersion}, {"processDefinitionKey", &j.ProcessDefinitionKey},
		{"processInstanceKey", &j.ProcessInstanceKey}, {"elementId", &j.ElementID},
		{"elementInstanceKey", &j.ElementInstanceKey}, {"customHeaders", &j.CustomHeaders},
		{"worker", &j.Worker}, {"retries", &j.Retries}, {"deadline", &j.Deadline},
		{"variables", &j.Variables}, {"tenantId", &j.TenantID},
	}) {
		return nil
	}
	*j = Job{}
	return json.Unmarshal(data, j)
}

// unmarshal decodes a created instance.
func (pi *ProcessInstance) unmarshal(data []byte) error {
	if decodeFast(data, []field{
		{"processDefinitionId", &pi.ProcessDefinitionID}, {"processDefinitionVersion", &pi.ProcessDefinitionVersion},
		{"processDefinitionKey", &pi.ProcessDefinitionKey}, {"processInstanceKey", &pi.ProcessInstanceKey},
		{"tenantId", &pi.TenantID}, {"variables", &pi.Variables},
	}) {
		return nil
	}
	*pi = ProcessInstance{}
	return json.Unmarshal(data, pi)
}

// unmarshaler is an answer with a fast path.
type unmarshaler interface{ unmarshal([]byte) error }

// unmarshalAnswer decodes an answer into out.
func unmarshalAnswer(data []byte, out any) error {
	if u, ok := out.(unmarshaler); ok {
		return u.unmarshal(data)
	}
	return json.Unmarshal(data, out)
}

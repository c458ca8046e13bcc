package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// The hot answers (a created instance, an activated job) are written by
// hand rather than through encoding/json's reflection: the bytes are the
// same as jsonEncode's (jsonenc_test.go compares them on every kind of
// value), at a fraction of the CPU and allocations. Values of the types
// JSON decoding produces (maps, slices, strings, float64, bool, nil), raw
// messages (the engine answers stored variables as json.RawMessage) and Go
// integers are written here; anything else (values an expression made, say)
// goes through encoding/json, so the output never differs.

// appendJSONString appends s as a JSON string, as encoding/json does with
// HTML escaping off. Strings of plain printable ASCII and valid UTF-8 are
// copied; the rare string that needs escaping goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				return appendStdJSONString(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return appendStdJSONString(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendStdJSONString appends s escaped by encoding/json.
func appendStdJSONString(b []byte, s string) []byte {
	out, err := appendStdJSON(b, s)
	if err != nil { // a string always encodes
		return append(b, `""`...)
	}
	return out
}

// appendStdJSON appends v encoded by encoding/json with HTML escaping off
// (jsonEncode's settings), without the newline.
func appendStdJSON(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

// appendJSONFloat appends f as encoding/json writes a float64.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 -> e-9, as encoding/json
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendJSONValue appends v as encoding/json would.
func appendJSONValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case float64:
		return appendJSONFloat(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), nil
	case map[string]any:
		return appendJSONObject(b, v)
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONValue(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case json.RawMessage: // the engine answers stored variables so
		if v == nil {
			return append(b, "null"...), nil
		}
		buf := bytes.NewBuffer(b) // appends to b: what encoding/json does with a raw message
		if err := json.Compact(buf, v); err != nil {
			return b, fmt.Errorf("json: error calling MarshalJSON for type json.RawMessage: %w", err)
		}
		return buf.Bytes(), nil
	case map[string]string:
		return appendJSONStrings(b, v), nil
	case []string:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		return append(b, ']'), nil
	}
	return appendStdJSON(b, v)
}

// appendJSONObject appends m with its keys sorted, as encoding/json does.
func appendJSONObject(b []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendJSONValue(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendJSONStrings appends a map of strings with its keys sorted.
func appendJSONStrings(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendJSONKey appends a key as Camunda wants it: a decimal string.
func appendJSONKey(b []byte, k jsonKey) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(k), 10)
	return append(b, '"')
}

// jsonField appends `,"name":` (without the comma for the first field).
func jsonField(b []byte, name string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// answerBuffers recycles the buffers answers are encoded into.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooledAnswer is the largest buffer put back: a rare huge answer should
// not stay in memory.
const maxPooledAnswer = 64 << 10

func getAnswerBuffer() *[]byte { return answerBuffers.Get().(*[]byte) }

func putAnswerBuffer(b *[]byte) {
	if cap(*b) > maxPooledAnswer {
		return
	}
	*b = (*b)[:0]
	answerBuffers.Put(b)
}

package gateway

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The creation request, the call every instance starts with, is decoded by
// a fast path in one pass over the body: its fields and its variables
// straight into the map the command carries. It handles what clients send
// (strings without escapes, numbers, booleans, the variables document);
// anything else (an escape, a field name in another case, a repeated field,
// a value of the wrong type, start instructions) makes it give up, and
// encoding/json decodes the whole body as before, so results and error
// messages never differ (jsondec_test.go fuzzes both against each other).

// jsonScan walks a body that json.Valid accepted.
type jsonScan struct {
	data []byte
	i    int
}

func (s *jsonScan) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space (0 at the end).
func (s *jsonScan) peek() byte {
	s.space()
	if s.i >= len(s.data) {
		return 0
	}
	return s.data[s.i]
}

// object calls fn for each member of the object at the current position,
// with the key (plain strings only) and the scanner at its value; fn must
// consume the value. It returns false when a key has escapes or fn fails.
func (s *jsonScan) object(fn func(key []byte) bool) bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	for s.peek() != '}' {
		key, ok := s.memberKey()
		if !ok || !fn(key) {
			return false
		}
		s.memberEnd()
	}
	s.i++
	return true
}

// memberKey reads an object member's key (a plain string) and the colon.
func (s *jsonScan) memberKey() ([]byte, bool) {
	key, ok := s.plainString()
	if !ok {
		return nil, false
	}
	s.peek()
	s.i++ // ':'
	s.space()
	return key, true
}

// memberEnd passes the comma after a member's value, if any.
func (s *jsonScan) memberEnd() {
	if s.peek() == ',' {
		s.i++
	}
}

// plainString returns the string at the current position if it has no
// escapes and is valid UTF-8 (encoding/json would change it otherwise).
func (s *jsonScan) plainString() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.i + 1
	end := bytes.IndexByte(s.data[start:], '"')
	if end < 0 {
		return nil, false
	}
	str := s.data[start : start+end]
	if bytes.IndexByte(str, '\\') >= 0 || !utf8.Valid(str) {
		return nil, false
	}
	s.i = start + end + 1
	return str, true
}

// token returns the number or literal at the current position.
func (s *jsonScan) token() []byte {
	s.space()
	start := s.i
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return s.data[start:s.i]
		}
		s.i++
	}
	return s.data[start:s.i]
}

// value decodes any value as encoding/json does into an interface:
// map[string]any, []any, string, float64, bool or nil.
func (s *jsonScan) value() (any, bool) {
	switch s.peek() {
	case '{': // the loop of object, without a closure per object
		s.i++
		m := map[string]any{}
		for s.peek() != '}' {
			key, ok := s.memberKey()
			if !ok {
				return nil, false
			}
			v, ok := s.value()
			if !ok {
				return nil, false
			}
			m[string(key)] = v
			s.memberEnd()
		}
		s.i++
		return m, true
	case '[':
		s.i++
		a := []any{}
		for s.peek() != ']' {
			v, ok := s.value()
			if !ok {
				return nil, false
			}
			a = append(a, v)
			if s.peek() == ',' {
				s.i++
			}
		}
		s.i++
		return a, true
	case '"':
		str, ok := s.plainString()
		return string(str), ok
	}
	tok := s.token()
	switch string(tok) {
	case "true":
		return true, true
	case "false":
		return false, true
	case "null":
		return nil, true
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	return f, err == nil
}

// createRequestFields are the JSON names of createInstanceRequest, for the
// check of names that differ only in case.
var createRequestFields = []string{"processDefinitionId", "processDefinitionVersion", "processDefinitionKey",
	"variables", "tenantId", "awaitCompletion", "fetchVariables", "requestTimeout", "startInstructions"}

// decodeFast fills req from body in one pass, the variables decoded into
// req.vars, and reports whether it could; when not, decodeBody resets req
// and decodes the body with encoding/json.
func (req *createInstanceRequest) decodeFast(body []byte) bool {
	if !json.Valid(body) {
		return false
	}
	s := &jsonScan{data: body}
	var seen uint32
	ok := s.object(func(key []byte) bool {
		name := string(key)
		for n, f := range createRequestFields {
			if name == f {
				if seen&(1<<n) != 0 {
					return false // repeated: encoding/json's rules for it differ by type
				}
				seen |= 1 << n
			}
		}
		switch name {
		case "processDefinitionId":
			return s.stringInto(&req.ProcessDefinitionID)
		case "tenantId":
			return s.stringInto(&req.TenantID)
		case "processDefinitionVersion":
			n, err := strconv.ParseInt(string(s.token()), 10, 32)
			v := int32(n)
			req.ProcessDefinitionVersion = &v
			return err == nil
		case "processDefinitionKey":
			return s.peek() != 'n' && req.ProcessDefinitionKey.UnmarshalJSON(s.rawScalar()) == nil
		case "requestTimeout":
			n, err := strconv.ParseInt(string(s.token()), 10, 64)
			req.RequestTimeout = n
			return err == nil
		case "awaitCompletion":
			switch string(s.token()) {
			case "true":
				req.AwaitCompletion = true
			case "false":
				req.AwaitCompletion = false
			default:
				return false
			}
			return true
		case "variables":
			if s.peek() != '{' {
				return false // absent, null or not an object: left to the slow path
			}
			v, ok := s.value()
			m, isMap := v.(map[string]any)
			req.vars, req.varsDecoded = m, ok && isMap
			return req.varsDecoded
		case "fetchVariables":
			return s.stringsInto(&req.FetchVariables)
		}
		for _, f := range createRequestFields {
			if strings.EqualFold(name, f) {
				return false // encoding/json matches names case-insensitively
			}
		}
		s.skip()
		return true
	})
	return ok && s.peek() == 0
}

// stringInto decodes a plain string.
func (s *jsonScan) stringInto(dst *string) bool {
	str, ok := s.plainString()
	*dst = string(str)
	return ok
}

// stringsInto decodes an array of plain strings.
func (s *jsonScan) stringsInto(dst *[]string) bool {
	if s.peek() != '[' {
		return false
	}
	s.i++
	out := []string{}
	for s.peek() != ']' {
		str, ok := s.plainString()
		if !ok {
			return false
		}
		out = append(out, string(str))
		if s.peek() == ',' {
			s.i++
		}
	}
	s.i++
	*dst = out
	return true
}

// rawScalar returns the string or number at the current position, raw.
func (s *jsonScan) rawScalar() []byte {
	if s.peek() == '"' {
		start := s.i
		if _, ok := s.plainString(); ok {
			return s.data[start:s.i]
		}
		return nil
	}
	return s.token()
}

// skip passes over any value.
func (s *jsonScan) skip() {
	switch s.peek() {
	case '"':
		for s.i++; s.i < len(s.data); s.i++ {
			if s.data[s.i] == '\\' {
				s.i++
			} else if s.data[s.i] == '"' {
				s.i++
				return
			}
		}
	case '{', '[':
		s.i++
		for s.peek() != '}' && s.peek() != ']' {
			s.skip()
			if c := s.peek(); c == ',' || c == ':' {
				s.i++
			}
		}
		s.i++
	default:
		s.token()
	}
}

func (req *createInstanceRequest) reset() { *req = createInstanceRequest{} }

// fastDecoder is a request body with a fast path (see decodeBody).
type fastDecoder interface {
	decodeFast(body []byte) bool
	reset()
}

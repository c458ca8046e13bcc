package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/engine/record"
)

// jsonKey is a key in a JSON body or answer. Camunda sends and expects keys
// as decimal strings (they exceed JavaScript's safe integers); a bare number
// is accepted too.
type jsonKey int64

func (k jsonKey) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, strconv.FormatInt(int64(k), 10)), nil
}

func (k *jsonKey) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		return nil // unset, as some clients send it
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		// A type error, so that encoding/json adds the field's name.
		return &json.UnmarshalTypeError{Value: string(b), Type: keyType}
	}
	*k = jsonKey(n)
	return nil
}

var keyType = reflect.TypeOf(jsonKey(0))

// pathKey reads a key from the URL path.
func pathKey(c echo.Context, name string) (int64, error) {
	raw := c.Param(name)
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, badField(name, "expected a key as a positive decimal number, but got %q", raw)
	}
	return n, nil
}

// decodeBody reads an optional JSON body into v. An empty body leaves v as
// it is (Camunda's SDK sends content-type: application/json with empty
// bodies); required says whether an empty body is an error.
func decodeBody(c echo.Context, v any, required bool) error {
	req := c.Request()
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	body, err := readBody(*buf, req)
	*buf = body
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errRequestTooLarge
		}
		return fmt.Errorf("read request body: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if required {
			return badField("", "expected a JSON object as the request body, but it is empty")
		}
		return nil
	}
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" && ct != echo.MIMEApplicationJSON {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || mt == "text/json" || (len(mt) > 5 && mt[len(mt)-5:] == "+json")) {
			return echo.NewHTTPError(http.StatusUnsupportedMediaType,
				fmt.Sprintf("Expected content-type application/json, but got %q", ct))
		}
	}
	// v keeps no reference to body (encoding/json and the fast paths copy
	// strings and raw messages), so the buffer is reused.
	if f, ok := v.(fastDecoder); ok {
		if f.decodeFast(body) {
			return nil
		}
		f.reset()
	}
	return unmarshalStrict(body, v)
}

// readBody reads the request body into buf, in one read when its length is
// declared.
func readBody(buf []byte, req *http.Request) ([]byte, error) {
	if n := req.ContentLength; n > int64(cap(buf)) {
		buf = make([]byte, 0, n+1) // +1: room to see io.EOF without growing
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := req.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// unmarshalStrict decodes JSON and names the offending field on error.
// Unknown fields are ignored: newer SDKs send fields Shoal does not use.
func unmarshalStrict(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var (
		typeErr *json.UnmarshalTypeError
		synErr  *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr) && typeErr.Type == keyType:
		return badField(typeErr.Field, "expected a key as a positive decimal string, but got %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return badField(typeErr.Field, "expected %s, but got JSON %s", typeErr.Type, typeErr.Value)
	case errors.As(err, &synErr):
		return badField("", "expected a JSON object, but the body is not valid JSON (offset %d: %v)", synErr.Offset, err)
	}
	// A field's own UnmarshalJSON failed (a key that is not a number, ...):
	// encoding/json does not say which field, but the message names the value.
	return badField("", "%v", err)
}

// variablesDocument checks that raw is a JSON object (or absent/null, meaning
// none) and returns it as the engine's variable document.
func variablesDocument(field string, raw json.RawMessage) (json.RawMessage, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, nil
	}
	if t[0] != '{' {
		return nil, badField(field, "expected a JSON object, but got %.40s", t)
	}
	return t, nil
}

// partitionPicker spreads new process instances round-robin over the
// partitions, as Zeebe's gateway does.
type partitionPicker struct{ n atomic.Uint64 }

func (p *partitionPicker) next(count int32) int32 {
	if count <= 0 {
		return 1
	}
	return int32(p.n.Add(1)%uint64(count)) + 1
}

// partitionOfKey is the partition that owns key.
func partitionOfKey(key int64) int32 { return record.PartitionOf(key) }

// jsonEncode writes v as one line of JSON without escaping HTML characters
// (variables must round-trip exactly).
func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

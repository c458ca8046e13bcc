package readmodel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// Entities are stored in a compact binary form rather than JSON: a search
// decodes every stored entity of its kind, and JSON (with keys as strings
// and dates as ISO text) cost most of a search's time. The form is the
// struct's scalar fields in declaration order:
//
//	version byte (1), then per field: string = uvarint length + bytes;
//	int, Key, Date = varint; bool = 1 byte; *string, *bool = 1 byte
//	present + value; map[string]string = uvarint count + pairs.
//
// Adding a field to an entity changes the form: bump codecVersion and
// rebuild the read model (delete its directory; it is re-exported from
// the record log, as long as the log is not trimmed).
const codecVersion = 1

var errCodec = errors.New("readmodel: stored entity is corrupt")

type codecPlan struct {
	fields [][]int // field indexes, in order
}

var plans sync.Map // reflect.Type → *codecPlan

func planOf(t reflect.Type) *codecPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*codecPlan)
	}
	p := &codecPlan{}
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous || !f.IsExported() {
			continue
		}
		p.fields = append(p.fields, f.Index)
	}
	plans.Store(t, p)
	return p
}

// encode appends the binary form of *v (a pointer to an entity struct).
func encode(v any) ([]byte, error) {
	rv := reflect.ValueOf(v).Elem()
	buf := []byte{codecVersion}
	for _, idx := range planOf(rv.Type()).fields {
		f := rv.FieldByIndex(idx)
		var err error
		if buf, err = encodeValue(buf, f); err != nil {
			return nil, fmt.Errorf("readmodel: encode %s: %w", rv.Type().FieldByIndex(idx).Name, err)
		}
	}
	return buf, nil
}

func encodeValue(buf []byte, f reflect.Value) ([]byte, error) {
	switch f.Kind() {
	case reflect.String:
		buf = binary.AppendUvarint(buf, uint64(f.Len()))
		return append(buf, f.String()...), nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(buf, f.Int()), nil
	case reflect.Bool:
		if f.Bool() {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case reflect.Pointer:
		if f.IsNil() {
			return append(buf, 0), nil
		}
		return encodeValue(append(buf, 1), f.Elem())
	case reflect.Map:
		buf = binary.AppendUvarint(buf, uint64(f.Len()))
		it := f.MapRange()
		for it.Next() {
			k, v := it.Key().String(), it.Value().String()
			buf = append(binary.AppendUvarint(buf, uint64(len(k))), k...)
			buf = append(binary.AppendUvarint(buf, uint64(len(v))), v...)
		}
		return buf, nil
	}
	return nil, fmt.Errorf("unsupported kind %s", f.Kind())
}

// decode reads the binary form into *v.
func decode(data []byte, v any) error {
	rv := reflect.ValueOf(v).Elem()
	if len(data) == 0 || data[0] != codecVersion {
		return fmt.Errorf("%w: unknown version", errCodec)
	}
	d := decoder{b: data[1:]}
	for _, idx := range planOf(rv.Type()).fields {
		d.value(rv.FieldByIndex(idx))
	}
	if d.err != nil {
		return fmt.Errorf("%w: %s: %v", errCodec, rv.Type(), d.err)
	}
	return nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
	d.b = nil
}

func (d *decoder) str() string {
	n := d.uvarint()
	if uint64(len(d.b)) < n {
		d.fail("short string")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) byte1() byte {
	if len(d.b) == 0 {
		d.fail("short")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) value(f reflect.Value) {
	switch f.Kind() {
	case reflect.String:
		f.SetString(d.str())
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, k := binary.Varint(d.b)
		if k <= 0 {
			d.fail("bad varint")
			return
		}
		d.b = d.b[k:]
		f.SetInt(n)
	case reflect.Bool:
		f.SetBool(d.byte1() == 1)
	case reflect.Pointer:
		if d.byte1() == 1 {
			p := reflect.New(f.Type().Elem())
			d.value(p.Elem())
			f.Set(p)
		}
	case reflect.Map:
		n := d.uvarint()
		if n == 0 {
			return
		}
		m := reflect.MakeMapWithSize(f.Type(), int(min(n, 64)))
		for range n {
			k, v := d.str(), d.str()
			if d.err != nil {
				return
			}
			m.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(v))
		}
		f.Set(m)
	default:
		d.fail("unsupported kind " + f.Kind().String())
	}
}

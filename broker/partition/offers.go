package partition

import (
	"encoding/binary"
	"fmt"

	"github.com/shoalbpm/shoal/engine"
)

// appendOffer encodes a push offer: type, worker (strings), timeout varint,
// credits uvarint, fetch variables and tenant ids (count, strings).
func appendOffer(buf []byte, o *engine.PushOffer) []byte {
	buf = appendString(buf, o.Type)
	buf = appendString(buf, o.Worker)
	buf = binary.AppendVarint(buf, o.Timeout)
	buf = binary.AppendUvarint(buf, uint64(o.Credits))
	buf = appendStrings(buf, o.FetchVariables)
	return appendStrings(buf, o.TenantIDs)
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func appendStrings(buf []byte, ss []string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(ss)))
	for _, s := range ss {
		buf = appendString(buf, s)
	}
	return buf
}

// decoder reads an entry's fields; the first failure sticks in err and
// later reads return zero values.
type decoder struct {
	rest []byte
	err  error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorruptEntry, what)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, w := binary.Uvarint(d.rest)
	if w <= 0 {
		d.fail(what)
		return 0
	}
	d.rest = d.rest[w:]
	return v
}

func (d *decoder) varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, w := binary.Varint(d.rest)
	if w <= 0 {
		d.fail(what)
		return 0
	}
	d.rest = d.rest[w:]
	return v
}

// count reads a number of items, each at least one byte long.
func (d *decoder) count(what string) uint64 {
	n := d.uvarint(what)
	if n > uint64(len(d.rest)) {
		d.fail(what)
		return 0
	}
	return n
}

func (d *decoder) bytes(what string) []byte {
	l := d.uvarint(what + " length")
	if d.err != nil {
		return nil
	}
	if l > uint64(len(d.rest)) {
		d.fail(what + " length")
		return nil
	}
	b := d.rest[:l]
	d.rest = d.rest[l:]
	return b
}

func (d *decoder) strings(what string) []string {
	n := d.count(what)
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, string(d.bytes(what)))
	}
	return out
}

func (d *decoder) offer() engine.PushOffer {
	var o engine.PushOffer
	o.Type = string(d.bytes("offer type"))
	o.Worker = string(d.bytes("offer worker"))
	o.Timeout = d.varint("offer timeout")
	credits := d.uvarint("offer credits")
	if credits > 1<<31-1 {
		d.fail("offer credits")
	}
	o.Credits = int32(credits)
	o.FetchVariables = d.strings("offer variables")
	o.TenantIDs = d.strings("offer tenants")
	return o
}

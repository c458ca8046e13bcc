package partition

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/shoalbpm/shoal/engine"
	"github.com/shoalbpm/shoal/engine/record"
)

// entryType numbers the kinds of raft entry a partition writes. Numbers are
// append-only: never reuse or renumber one (Nomad structs.go).
type entryType uint8

const (
	// entryCommands carries a batch of client or scheduler commands.
	entryCommands entryType = 1
	// entryCommandsPush carries commands and the push offers the leader
	// reserved for them (see broker/jobpush). It is written only when
	// there are offers, so a node without push streams writes what older
	// binaries read. It is not flagged ignoreUnknown: the offers change
	// what the engine writes, so a replica that skipped them would diverge;
	// an older binary stops at it instead.
	entryCommandsPush entryType = 2

	// ignoreUnknown marks an entry type that an older binary may skip
	// instead of stopping the partition (Nomad IgnoreUnknownTypeFlag).
	ignoreUnknown entryType = 128
)

// entryVersion is the version of the payload of both entry types.
const entryVersion = 1

// errUnknownEntry is returned for a committed entry this binary cannot
// read; the partition stops rather than diverge from its replicas.
var errUnknownEntry = errors.New("broker: unknown raft entry type")

// ErrCorruptEntry is returned for a committed entry that cannot be decoded.
var ErrCorruptEntry = errors.New("broker: corrupt raft entry")

// Entry layout: type u8 | version u8 | count uvarint | { len uvarint | record.Marshal }*
// and in entryCommandsPush after the commands: ref uvarint | offers uvarint |
// offer* (see appendOffer).
func encodeCommands(cmds []record.Record) ([]byte, error) {
	return encodeEntry(cmds, 0, nil)
}

// encodeEntry encodes commands with the push offers reserved for them under
// ref (the leader's handle on the reservation; version 1 without offers).
func encodeEntry(cmds []record.Record, ref uint64, offers []engine.PushOffer) ([]byte, error) {
	buf := make([]byte, 0, 64+200*len(cmds)+64*len(offers))
	t := entryCommands
	if len(offers) > 0 {
		t = entryCommandsPush
	}
	buf = append(buf, byte(t), entryVersion)
	buf = binary.AppendUvarint(buf, uint64(len(cmds)))
	e := record.Encoder{}
	for i := range cmds {
		e.B = e.B[:0]
		if err := record.AppendRecord(&e, &cmds[i]); err != nil {
			return nil, fmt.Errorf("encode command %d: %w", i, err)
		}
		buf = binary.AppendUvarint(buf, uint64(len(e.B)))
		buf = append(buf, e.B...)
	}
	if len(offers) > 0 {
		buf = binary.AppendUvarint(buf, ref)
		buf = binary.AppendUvarint(buf, uint64(len(offers)))
		for i := range offers {
			buf = appendOffer(buf, &offers[i])
		}
	}
	return buf, nil
}

// entry is a decoded commands entry.
type entry struct {
	cmds   []record.Record
	ref    uint64 // the reservation of the offers on the leader that built it
	offers []engine.PushOffer
}

// decodeEntry returns the commands of an entry; skip is true for an entry of
// an unknown type flagged ignoreUnknown.
func decodeEntry(data []byte) (cmds []record.Record, skip bool, err error) {
	e, skip, err := readEntry(data)
	return e.cmds, skip, err
}

// readEntry decodes an entry with its push offers.
func readEntry(data []byte) (e entry, skip bool, err error) {
	if len(data) < 2 {
		return e, false, fmt.Errorf("%w: %d bytes", ErrCorruptEntry, len(data))
	}
	t := entryType(data[0])
	if t != entryCommands && t != entryCommandsPush {
		if t&ignoreUnknown != 0 {
			return e, true, nil
		}
		return e, false, fmt.Errorf("%w: %d", errUnknownEntry, t)
	}
	if data[1] != entryVersion {
		return e, false, fmt.Errorf("%w: commands version %d", errUnknownEntry, data[1])
	}
	d := decoder{rest: data[2:]}
	n := d.count("count")
	e.cmds = make([]record.Record, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		b := d.bytes("command")
		if d.err != nil {
			break
		}
		r, err := record.Unmarshal(b)
		if err != nil {
			return e, false, fmt.Errorf("%w: command %d: %v", ErrCorruptEntry, i, err)
		}
		e.cmds = append(e.cmds, r)
	}
	if t == entryCommandsPush && d.err == nil {
		e.ref = d.uvarint("ref")
		n := d.count("offers")
		e.offers = make([]engine.PushOffer, 0, n)
		for i := uint64(0); i < n && d.err == nil; i++ {
			e.offers = append(e.offers, d.offer())
		}
	}
	if d.err == nil && len(d.rest) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", ErrCorruptEntry, len(d.rest))
	}
	return e, false, d.err
}

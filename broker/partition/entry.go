package partition

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/shoalbpm/shoal/engine/record"
)

// entryType numbers the kinds of raft entry a partition writes. Numbers are
// append-only: never reuse or renumber one (Nomad structs.go).
type entryType uint8

const (
	// entryCommands carries a batch of client or scheduler commands.
	entryCommands entryType = 1

	// ignoreUnknown marks an entry type that an older binary may skip
	// instead of stopping the partition (Nomad IgnoreUnknownTypeFlag).
	ignoreUnknown entryType = 128
)

// entryVersion is the version of entryCommands' payload.
const entryVersion = 1

// errUnknownEntry is returned for a committed entry this binary cannot
// read; the partition stops rather than diverge from its replicas.
var errUnknownEntry = errors.New("broker: unknown raft entry type")

// ErrCorruptEntry is returned for a committed entry that cannot be decoded.
var ErrCorruptEntry = errors.New("broker: corrupt raft entry")

// Entry layout: type u8 | version u8 | count uvarint | { len uvarint | record.Marshal }*
func encodeCommands(cmds []record.Record) ([]byte, error) {
	buf := make([]byte, 0, 64+200*len(cmds))
	buf = append(buf, byte(entryCommands), entryVersion)
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
	return buf, nil
}

// decodeEntry returns the commands of an entry; skip is true for an entry of
// an unknown type flagged ignoreUnknown.
func decodeEntry(data []byte) (cmds []record.Record, skip bool, err error) {
	if len(data) < 2 {
		return nil, false, fmt.Errorf("%w: %d bytes", ErrCorruptEntry, len(data))
	}
	t := entryType(data[0])
	if t != entryCommands {
		if t&ignoreUnknown != 0 {
			return nil, true, nil
		}
		return nil, false, fmt.Errorf("%w: %d", errUnknownEntry, t)
	}
	if data[1] != entryVersion {
		return nil, false, fmt.Errorf("%w: commands version %d", errUnknownEntry, data[1])
	}
	rest := data[2:]
	n, w := binary.Uvarint(rest)
	if w <= 0 || n > uint64(len(rest)) {
		return nil, false, fmt.Errorf("%w: count", ErrCorruptEntry)
	}
	rest = rest[w:]
	cmds = make([]record.Record, 0, n)
	for i := uint64(0); i < n; i++ {
		l, w := binary.Uvarint(rest)
		if w <= 0 || uint64(len(rest)-w) < l {
			return nil, false, fmt.Errorf("%w: command %d length", ErrCorruptEntry, i)
		}
		r, err := record.Unmarshal(rest[w : w+int(l)])
		if err != nil {
			return nil, false, fmt.Errorf("%w: command %d: %v", ErrCorruptEntry, i, err)
		}
		cmds = append(cmds, r)
		rest = rest[w+int(l):]
	}
	if len(rest) != 0 {
		return nil, false, fmt.Errorf("%w: %d trailing bytes", ErrCorruptEntry, len(rest))
	}
	return cmds, false, nil
}

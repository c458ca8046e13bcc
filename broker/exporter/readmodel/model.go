package readmodel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"

	"github.com/shoalbpm/shoal/broker/exporter"
	"github.com/shoalbpm/shoal/engine/record"
)

// Errors of the query methods; the gateway maps them to 400 and 404.
var (
	ErrInvalidQuery = errors.New("readmodel: invalid query")
	ErrNotFound     = errors.New("readmodel: not found")
)

// Key prefixes (first byte of every key; big-endian numbers after it).
const (
	kPosition    = 'P' // pid(4) → last exported position (8)
	kDefinition  = 'd' // defKey → ProcessDefinition JSON
	kXML         = 'x' // defKey → BPMN XML
	kInstance    = 'i' // piKey → storedInstance JSON
	kElement     = 'e' // eiKey → ElementInstance JSON
	kVariable    = 'v' // varKey → Variable JSON (full value)
	kIncident    = 'c' // incidentKey → Incident JSON
	kJob         = 'j' // jobKey → Job JSON
	kStats       = 'S' // defKey elementId → 4 × int64 (active, completed, canceled, incidents)
	kEnded       = 'T' // endDate(8) piKey → nothing: retention queue
	kByInstance  = 'I' // piKey kind(1) entityKey → nothing: an instance's elements, variables, incidents, jobs
	defaultLimit = 100
)

// Config tunes a Model. Zero values take the defaults in brackets.
type Config struct {
	// Retention is how long a finished process instance (and everything of
	// it) is kept after its end [7 days].
	Retention time.Duration
	// RetentionInterval is how often finished instances past Retention are
	// removed [1 minute].
	RetentionInterval time.Duration
	// VariablePreview is the size in bytes at which a variable's value is
	// cut in search results (isTruncated) [8191, Camunda's default].
	VariablePreview int
	// Partitions lists the partitions whose records this model receives
	// (the node's replicas); a search for others must ask other nodes.
	// Nil: every partition.
	Partitions []int32
	// MemTableSize is the largest memtable of the model's pebble [32 MiB].
	MemTableSize uint64
	Logger       *slog.Logger     // [discard]
	Now          func() time.Time // clock for retention [time.Now]
}

func (c *Config) setDefaults() {
	if c.Retention <= 0 {
		c.Retention = 7 * 24 * time.Hour
	}
	if c.RetentionInterval <= 0 {
		c.RetentionInterval = time.Minute
	}
	if c.VariablePreview <= 0 {
		c.VariablePreview = 8191
	}
	if c.MemTableSize == 0 {
		c.MemTableSize = 32 << 20
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Model is a node's read model: an exporter that keeps query indexes in its
// own pebble database, and the queries over them.
type Model struct {
	cfg   Config
	db    *pebble.DB
	mu    sync.Mutex                  // serializes writers: Export (all partitions) and retention
	names map[int64]map[string]string // definition key → element id → name; guarded by mu
	// defNames holds each exported definition's name (nil: none); guarded by mu.
	defNames map[int64]*string
	feeds    *feeds

	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
}

var _ exporter.Exporter = (*Model)(nil)

// Open opens (or creates) the read model in dir and starts its retention
// loop.
func Open(dir string, cfg Config) (*Model, error) {
	cfg.setDefaults()
	// Exporting reads an entity for almost every record (state changes,
	// counters): a block cache and bloom filters keep those reads off the
	// disk. Most entities change a few times within milliseconds of their
	// creation (an instance, its elements, its jobs), so a memtable large
	// enough to hold a few seconds of them absorbs those rewrites: with
	// pebble's default 4 MiB one, flushes and compactions of a small L6
	// rewrote the whole level every few seconds (under load, compacting
	// the read model cost a fifth of the node's CPU; 32 MiB: a tenth of
	// the bytes compacted). Pebble grows the memtable to this size only
	// as writes come.
	cache := pebble.NewCache(64 << 20)
	defer cache.Unref()
	opts := &pebble.Options{Logger: quietLogger{cfg.Logger}, Cache: cache, MemTableSize: cfg.MemTableSize}
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("readmodel: open %s: %w", dir, err)
	}
	m := &Model{cfg: cfg, db: db, feeds: newFeeds(), names: map[int64]map[string]string{},
		defNames: map[int64]*string{}, stop: make(chan struct{})}
	m.done.Add(1)
	go m.retentionLoop()
	return m, nil
}

// Close stops the retention loop and closes the database. Stop the runner
// feeding the model first.
func (m *Model) Close() error {
	var err error
	m.once.Do(func() {
		close(m.stop)
		m.done.Wait()
		m.feeds.closeAll()
		if cerr := m.db.Close(); cerr != nil {
			err = fmt.Errorf("readmodel: close: %w", cerr)
		}
	})
	return err
}

// Partitions returns the partitions the model holds (Config.Partitions;
// nil: every partition).
func (m *Model) Partitions() []int32 { return m.cfg.Partitions }

// Position returns the last exported position of partition, -1 if none.
func (m *Model) Position(partitionID int32) (int64, error) {
	v, ok, err := get(m.db, positionKey(partitionID))
	if err != nil || !ok {
		return -1, err
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

// Export applies the events of recs to the indexes and stores the position
// of the last record, in one synced pebble batch: each record counts once
// even when the runner offers it again after a crash.
func (m *Model) Export(partitionID int32, recs []record.Record) error {
	if len(recs) == 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	last, err := m.Position(partitionID)
	if err != nil {
		return err
	}
	b := m.db.NewIndexedBatch()
	defer b.Close()
	tx := newTxn(m, b)
	for i := range recs {
		r := &recs[i]
		if r.Position <= last {
			continue // exported before a crash
		}
		if r.RecordType != record.Event {
			continue
		}
		if err := tx.apply(r); err != nil {
			return fmt.Errorf("readmodel: partition %d position %d (%s %s): %w", partitionID, r.Position, r.ValueType, r.Intent, err)
		}
	}
	if err := tx.flush(); err != nil {
		return fmt.Errorf("readmodel: partition %d: %w", partitionID, err)
	}
	pos := binary.BigEndian.AppendUint64(nil, uint64(recs[len(recs)-1].Position))
	if err := b.Set(positionKey(partitionID), pos, nil); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("readmodel: commit: %w", err)
	}
	m.feeds.publish(tx.changes)
	return nil
}

// keys

func positionKey(pid int32) []byte {
	return binary.BigEndian.AppendUint32([]byte{kPosition}, uint32(pid))
}

func entityKey(prefix byte, key int64) []byte {
	return binary.BigEndian.AppendUint64([]byte{prefix}, uint64(key))
}

func byInstanceKey(pik int64, kind byte, key int64) []byte {
	k := binary.BigEndian.AppendUint64([]byte{kByInstance}, uint64(pik))
	return binary.BigEndian.AppendUint64(append(k, kind), uint64(key))
}

func statsKey(defKey int64, elementID string) []byte {
	return append(entityKey(kStats, defKey), elementID...)
}

func endedKey(end Date, pik int64) []byte {
	return binary.BigEndian.AppendUint64(entityKey(kEnded, int64(end)), uint64(pik))
}

// prefixEnd is the smallest key above every key starting with p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// storage helpers

func get(r pebble.Reader, key []byte) ([]byte, bool, error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("readmodel: get: %w", err)
	}
	defer closer.Close()
	return append([]byte(nil), v...), true, nil
}

// getEntity reads the entity stored under key into *v.
func getEntity(r pebble.Reader, key []byte, v any) (bool, error) {
	b, ok, err := get(r, key)
	if err != nil || !ok {
		return ok, err
	}
	if err := decode(b, v); err != nil {
		return false, fmt.Errorf("readmodel: key %x: %w", key, err)
	}
	return true, nil
}

// setEntity stores *v under key.
func setEntity(b *pebble.Batch, key []byte, v any) error {
	data, err := encode(v)
	if err != nil {
		return err
	}
	return b.Set(key, data, nil)
}

// quietLogger sends pebble's info lines to Debug.
type quietLogger struct{ l *slog.Logger }

func (q quietLogger) Infof(format string, args ...any) {
	q.l.Debug("readmodel pebble", "msg", fmt.Sprintf(format, args...))
}
func (q quietLogger) Errorf(format string, args ...any) {
	q.l.Error("readmodel pebble", "msg", fmt.Sprintf(format, args...))
}
func (q quietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("readmodel pebble: "+format, args...))
}

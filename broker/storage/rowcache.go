package storage

import "sync"

// rowCache is a read cache of one partition's state values, in front of
// pebble.
//
// The engine reads most state keys shortly after writing them (an element
// instance created when a task starts is read when its job completes), and
// reads many keys that are absent (a variable looked for in a scope that
// does not have it). Pebble answers each Get by looking in its memtables and
// then in every level of the LSM tree, opening table iterators and reading
// blocks from disk when they are not cached; an in-memory map answers both
// kinds of read at once.
//
// It is write-through: every write of a batch goes to pebble and to the
// cache, so the cache holds what the partition's newest batch sees. A batch
// closed without its commit (a failed apply) and a restored snapshot clear
// it. Eviction is by generation: when the current map holds maxBytes, it
// becomes the previous one and the one before is dropped; a read served
// from the previous generation moves the entry to the current one.
type rowCache struct {
	mu        sync.Mutex
	cur, prev map[string]cachedRow
	curBytes  int
	maxBytes  int
}

// cachedRow is a value (found) or the knowledge that the key is absent.
type cachedRow struct {
	value []byte
	found bool
}

// rowOverhead approximates a map entry's own memory.
const rowOverhead = 64

func newRowCache(maxBytes int) *rowCache {
	return &rowCache{cur: map[string]cachedRow{}, maxBytes: maxBytes}
}

// get returns the cached row of key; ok is false on a miss.
func (c *rowCache) get(key []byte) (row cachedRow, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if row, ok = c.cur[string(key)]; ok {
		return row, true
	}
	if row, ok = c.prev[string(key)]; ok {
		c.putLocked(string(key), row)
	}
	return row, ok
}

// put caches the row of key; value must not change afterwards.
func (c *rowCache) put(key []byte, row cachedRow) {
	c.mu.Lock()
	c.putLocked(string(key), row)
	c.mu.Unlock()
}

func (c *rowCache) putLocked(key string, row cachedRow) {
	c.cur[key] = row
	c.curBytes += len(key) + len(row.value) + rowOverhead
	if c.curBytes >= c.maxBytes {
		c.prev, c.cur, c.curBytes = c.cur, make(map[string]cachedRow, len(c.cur)), 0
	}
}

// clear forgets everything.
func (c *rowCache) clear() {
	c.mu.Lock()
	c.cur, c.prev, c.curBytes = map[string]cachedRow{}, nil, 0
	c.mu.Unlock()
}

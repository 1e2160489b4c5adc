package api

import (
	"encoding/json"
	"sync"
)

// pageCache keeps encoded list pages for as long as the data version they
// were read at is current. It is bounded: when full it starts afresh.
type pageCache struct {
	mu      sync.RWMutex
	max     int
	version int64
	pages   map[string][]byte
}

func newPageCache(max int) *pageCache { return &pageCache{max: max, pages: map[string][]byte{}} }

func (c *pageCache) get(key string, version int64) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return nil, false
	}
	b, ok := c.pages[key]
	return b, ok
}

func (c *pageCache) put(key string, version int64, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return // read before a newer commit: stale already
	}
	if version > c.version || len(c.pages) >= c.max {
		c.version = version
		clear(c.pages)
	}
	c.pages[key] = b
}

func marshal(v any) ([]byte, error) { return json.Marshal(v) }

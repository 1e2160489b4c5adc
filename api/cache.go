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

// answerCache keeps encoded answers, each valid while the version it was
// read at stays current: a pitch's answer lives until a commit changes
// that pitch. It holds at most budget bytes; when full it drops answers at
// random, which under an even spread of reads costs as much as any order.
type answerCache struct {
	mu     sync.RWMutex
	budget int
	size   int
	items  map[string]answer
}

type answer struct {
	version uint64
	body    []byte
}

func newAnswerCache(budget int) *answerCache {
	return &answerCache{budget: budget, items: map[string]answer{}}
}

func (c *answerCache) get(key string, version uint64) ([]byte, bool) {
	c.mu.RLock()
	a, ok := c.items[key]
	c.mu.RUnlock()
	if !ok || a.version != version {
		return nil, false
	}
	return a.body, true
}

func (c *answerCache) put(key string, version uint64, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.items[key]; ok {
		c.size -= len(old.body) + len(key)
	}
	for k, a := range c.items { // map order is random: random eviction
		if c.size+len(b)+len(key) <= c.budget {
			break
		}
		delete(c.items, k)
		c.size -= len(a.body) + len(k)
	}
	c.items[key] = answer{version: version, body: b}
	c.size += len(b) + len(key)
}

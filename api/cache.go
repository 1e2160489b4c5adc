package api

import (
	"encoding/json"
	"sync"
)

// pageCache keeps encoded list pages for as long as the data version they
// were read at is current. It holds at most budget bytes (answers and
// keys): when full it drops pages at random, and a page larger than the
// budget is not kept. Callers key it by the normalised request, never by
// the raw query, so that parameters it ignores do not add entries.
type pageCache struct {
	mu      sync.RWMutex
	budget  int
	size    int
	version int64
	pages   map[string][]byte
}

func newPageCache(budget int) *pageCache {
	return &pageCache{budget: budget, pages: map[string][]byte{}}
}

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
	if version > c.version {
		c.version, c.size = version, 0
		clear(c.pages)
	}
	cost := len(key) + len(b)
	if cost > c.budget {
		return
	}
	if old, ok := c.pages[key]; ok {
		c.size -= len(key) + len(old)
		delete(c.pages, key)
	}
	for k, old := range c.pages { // map order is random: random eviction
		if c.size+cost <= c.budget {
			break
		}
		delete(c.pages, k)
		c.size -= len(k) + len(old)
	}
	c.pages[key] = b
	c.size += cost
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

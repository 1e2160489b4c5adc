package web

import "sync"

// cache keeps rendered parts of pages. Whether a part is still current is
// for its user to tell (each part records the versions it was read at);
// the cache only bounds the memory: when its budget is spent it drops
// parts at random, which under an even spread of reads costs as much as
// any order and needs no bookkeeping on a hit.
type cache[K comparable, V any] struct {
	mu     sync.RWMutex
	budget int
	size   int
	items  map[K]cached[V]
}

type cached[V any] struct {
	v    V
	size int
}

func newCache[K comparable, V any](budget int) *cache[K, V] {
	return &cache[K, V]{budget: budget, items: map[K]cached[V]{}}
}

func (c *cache[K, V]) get(k K) (V, bool) {
	c.mu.RLock()
	e, ok := c.items[k]
	c.mu.RUnlock()
	return e.v, ok
}

// put keeps v under k, counting size bytes against the budget.
func (c *cache[K, V]) put(k K, v V, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.items[k]; ok {
		c.size -= old.size
		delete(c.items, k)
	}
	for k2, e := range c.items { // map order is random: random eviction
		if c.size+size <= c.budget {
			break
		}
		delete(c.items, k2)
		c.size -= e.size
	}
	c.items[k] = cached[V]{v: v, size: size}
	c.size += size
}

// grow counts delta more bytes for the part under k, if it is kept.
func (c *cache[K, V]) grow(k K, delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.size += delta
		c.items[k] = e
		c.size += delta
	}
}

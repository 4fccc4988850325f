package resolver

import (
	"container/list"
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"time"
)

// cache is a size-bounded LRU of answers with expiry times, split in
// shards by name so that concurrent lookups rarely share a lock.
type cache struct {
	seed   maphash.Seed
	shards []cacheShard
}

// newCache makes a cache of at most max entries: 16 shards of max/16 each,
// or one shard for small caches, where exact LRU order matters more.
func newCache(max int) *cache {
	n := 16
	if max < 1024 {
		n = 1
	}
	c := &cache{seed: maphash.MakeSeed(), shards: make([]cacheShard, n)}
	for i := range c.shards {
		c.shards[i] = cacheShard{max: max / n, items: make(map[cacheKey]*list.Element)}
	}
	return c
}

func (c *cache) shard(k cacheKey) *cacheShard {
	if len(c.shards) == 1 {
		return &c.shards[0]
	}
	return &c.shards[maphash.String(c.seed, k.name)%uint64(len(c.shards))]
}

func (c *cache) get(k cacheKey, now time.Time) *answer { return c.shard(k).get(k, now) }

func (c *cache) put(k cacheKey, a *answer, ttl time.Duration, now time.Time) {
	c.shard(k).put(k, a, ttl, now)
}

// cacheShard is one LRU.
type cacheShard struct {
	mu    sync.Mutex
	max   int
	items map[cacheKey]*list.Element
	lru   list.List // front: most recently used
}

type cacheEntry struct {
	key     cacheKey
	a       *answer
	expires time.Time
}

func (c *cacheShard) get(k cacheKey, now time.Time) *answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if now.After(e.expires) {
		c.lru.Remove(el)
		delete(c.items, k)
		return nil
	}
	c.lru.MoveToFront(el)
	return e.a
}

func (c *cacheShard) put(k cacheKey, a *answer, ttl time.Duration, now time.Time) {
	if ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		e := el.Value.(*cacheEntry)
		e.a, e.expires = a, now.Add(ttl)
		c.lru.MoveToFront(el)
		return
	}
	c.items[k] = c.lru.PushFront(&cacheEntry{key: k, a: a, expires: now.Add(ttl)})
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).key)
	}
}

// flightGroup joins concurrent identical queries into one.
type flightGroup struct {
	mu    sync.Mutex
	calls map[cacheKey]*flight
}

type flight struct {
	done chan struct{}
	a    *answer
	err  error
}

// do runs f once for concurrent callers with the same key; the first
// caller runs it with its own context and the others wait for its answer.
// A successful answer is passed to store before the waiters are released.
// If the first caller's context ends, a waiter whose context is still live
// runs the query itself.
func (g *flightGroup) do(ctx context.Context, k cacheKey, f func(context.Context) (*answer, time.Duration, error), store func(*answer, time.Duration)) (*answer, error) {
	for {
		g.mu.Lock()
		if g.calls == nil {
			g.calls = make(map[cacheKey]*flight)
		}
		fl, ok := g.calls[k]
		if !ok {
			fl = &flight{done: make(chan struct{})}
			g.calls[k] = fl
			g.mu.Unlock()
			a, ttl, err := f(ctx)
			if err == nil && store != nil {
				store(a, ttl)
			}
			fl.a, fl.err = a, err
			g.mu.Lock()
			delete(g.calls, k)
			g.mu.Unlock()
			close(fl.done)
			return a, err
		}
		g.mu.Unlock()
		select {
		case <-fl.done:
			if fl.err != nil && (errors.Is(fl.err, context.Canceled) || errors.Is(fl.err, context.DeadlineExceeded)) && ctx.Err() == nil {
				continue // the leader gave up, not the query
			}
			return fl.a, fl.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

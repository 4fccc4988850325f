package smtpclient

import (
	"bufio"
	"context"
	"io"
	"sync"
	"time"
)

// hostPool holds the sessions of one destination key.
type hostPool struct {
	t       *Transport
	key     poolKey
	mu      sync.Mutex
	idle    []*conn // most recently used last
	n       int     // sessions open or being opened
	waiters []chan *conn
	dead    bool // removed from Transport.pools
}

func newReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 4096) }
func newWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 16<<10) }

// get returns a session for d: an idle one that passes the health check,
// a new one when fewer than MaxConnsPerHost are open, or the next one freed.
// With fresh set, idle sessions are not taken.
func (t *Transport) get(ctx context.Context, d *dest, fresh bool) (*conn, error) {
	key := d.key()
	for {
		if t.closed.Load() {
			return nil, ErrClosed
		}
		t.mu.Lock()
		p := t.pools[key]
		if p == nil {
			p = &hostPool{t: t, key: key}
			t.pools[key] = p
		}
		t.mu.Unlock()
		c, err, again := p.get(ctx, d, fresh)
		if !again {
			return c, err
		}
	}
}

func (p *hostPool) get(ctx context.Context, d *dest, fresh bool) (c *conn, err error, again bool) {
	t := p.t
	for {
		p.mu.Lock()
		if p.dead {
			p.mu.Unlock()
			return nil, nil, true
		}
		if !fresh && len(p.idle) > 0 {
			c := p.idle[len(p.idle)-1]
			p.idle = p.idle[:len(p.idle)-1]
			c.idleTimer.Stop()
			p.mu.Unlock()
			if time.Since(c.idleSince) < t.idleTimeout() && c.alive() {
				c.dest = d
				if t.Metrics != nil {
					t.Metrics.ConnReused(d.host)
				}
				return c, nil, false
			}
			t.log("smtp: dropping stale idle session", "addr", d.addr)
			c.broken = true
			c.close(false)
			p.release()
			continue
		}
		if p.n < t.maxConns() {
			p.n++
			p.mu.Unlock()
			return p.dial(ctx, d)
		}
		w := make(chan *conn, 1)
		p.waiters = append(p.waiters, w)
		p.mu.Unlock()
		select {
		case c := <-w:
			if c == nil { // a slot was handed over
				return p.dial(ctx, d)
			}
			// A session handed on with a reply pending is in use: the
			// reply is the previous sender's, not a sign of trouble.
			if c.pending != nil || c.alive() {
				c.dest = d
				if t.Metrics != nil {
					t.Metrics.ConnReused(d.host)
				}
				return c, nil, false
			}
			c.broken = true
			c.close(false)
			p.release()
		case <-ctx.Done():
			p.mu.Lock()
			removed := false
			for i, x := range p.waiters {
				if x == w {
					p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
					removed = true
					break
				}
			}
			p.mu.Unlock()
			if !removed { // something was handed to us meanwhile: pass it on
				if c := <-w; c != nil {
					t.put(c)
				} else {
					p.release()
				}
			}
			return nil, ctx.Err(), false
		}
	}
}

func (p *hostPool) dial(ctx context.Context, d *dest) (*conn, error, bool) {
	if p.t.closed.Load() {
		p.release()
		return nil, ErrClosed, false
	}
	c, err := p.t.connect(ctx, d)
	if err != nil {
		p.release()
		return nil, err, false
	}
	c.pool = p
	return c, nil, false
}

// release gives up one session slot: to a waiter, or back to the pool.
func (p *hostPool) release() {
	p.mu.Lock()
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.mu.Unlock()
		w <- nil
		return
	}
	p.n--
	empty := p.n == 0
	p.mu.Unlock()
	if empty {
		t := p.t
		t.mu.Lock()
		p.mu.Lock()
		if p.n == 0 && len(p.waiters) == 0 && !p.dead {
			p.dead = true
			delete(t.pools, p.key)
		}
		p.mu.Unlock()
		t.mu.Unlock()
	}
}

// waiting reports whether a sender waits for a session of p.
func (p *hostPool) waiting() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.waiters) > 0
}

// handOn gives c, in the middle of sending the end of a message, to the
// first sender waiting for a session of p, which will flush it with its
// own commands and read the final reply first (see pending). It returns
// nil when nobody waits any more.
func (p *hostPool) handOn(c *conn, deadline time.Time) *pending {
	p.mu.Lock()
	if len(p.waiters) == 0 || p.t.closed.Load() {
		p.mu.Unlock()
		return nil
	}
	w := p.waiters[0]
	p.waiters = p.waiters[1:]
	p.mu.Unlock()
	pd := pendings.Get().(*pending)
	pd.deadline = deadline
	c.pending = pd
	p.t.handOns.Add(1)
	w <- c
	return pd
}

// put returns a session after a message: to a waiter, to the idle list, or
// closed when broken, worn out (MaxMessagesPerConn) or surplus.
func (t *Transport) put(c *conn) {
	p := c.pool
	c.settle() // a session handed on to a sender that gave up
	if c.broken || t.closed.Load() || c.msgs >= t.maxMsgs() {
		c.close(!c.broken)
		p.release()
		return
	}
	p.mu.Lock()
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.mu.Unlock()
		w <- c
		return
	}
	if len(p.idle) >= t.maxIdle() {
		p.mu.Unlock()
		c.close(true)
		p.release()
		return
	}
	c.idleSince = time.Now()
	p.idle = append(p.idle, c)
	if c.idleTimer == nil {
		c.idleTimer = time.AfterFunc(t.idleTimeout(), func() { p.expire(c) })
	} else {
		c.idleTimer.Reset(t.idleTimeout())
	}
	p.mu.Unlock()
}

// expire closes c if it is still idle when its idle timer fires.
func (p *hostPool) expire(c *conn) {
	p.mu.Lock()
	found := false
	for i, x := range p.idle {
		if x == c {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			found = true
			break
		}
	}
	p.mu.Unlock()
	if found {
		c.close(true)
		p.release()
	}
}

// CloseIdleConnections closes every idle session (with QUIT).
func (t *Transport) CloseIdleConnections() {
	t.init()
	t.mu.Lock()
	pools := make([]*hostPool, 0, len(t.pools))
	for _, p := range t.pools {
		pools = append(pools, p)
	}
	t.mu.Unlock()
	for _, p := range pools {
		p.mu.Lock()
		idle := p.idle
		p.idle = nil
		p.mu.Unlock()
		for _, c := range idle {
			c.idleTimer.Stop()
			c.close(true)
			p.release()
		}
	}
}

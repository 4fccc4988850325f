package smtpclient

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// hostPool holds the sessions to one host name. MaxConnsPerHost bounds
// them all, whatever their address, TLS policy or source; a session is
// reused only for a sender whose destination has the same poolKey.
type hostPool struct {
	t       *Transport
	host    string
	mu      sync.Mutex
	idle    []*conn // most recently used last
	n       int     // sessions open or being opened
	waiters []waiter
	dead    bool // removed from Transport.pools
}

// waiter is a sender waiting for a session with key: it receives one
// (with that key), or nil when a slot was freed for it to dial. m and
// size are its message, for a session handed on with its commands
// already sent (see conn.handOn).
type waiter struct {
	key  poolKey
	ch   chan *conn
	m    *message
	size int64
}

// recentlyUsed is how long a session may have been idle and still be
// reused without the health check (a system call): whatever the server
// did in that moment shows in the first reply, and a failure there is
// retried on another session (errRetry), as for a session that dies on
// reuse.
const recentlyUsed = 5 * time.Millisecond

func newReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 4096) }
func newWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 16<<10) }

// get returns a session for d: an idle one with d's key that passes the
// health check, a new one when fewer than MaxConnsPerHost are open to d's
// host, or the next one freed. With fresh set, idle sessions are not taken.
func (t *Transport) get(ctx context.Context, d *dest, m *message, size int64, fresh bool) (*conn, error) {
	host := strings.ToLower(d.host)
	for {
		if t.closed.Load() {
			return nil, localFailure(ErrClosed)
		}
		t.mu.Lock()
		p := t.pools[host]
		if p == nil {
			p = &hostPool{t: t, host: host}
			t.pools[host] = p
		}
		t.mu.Unlock()
		c, err, again := p.get(ctx, d, m, size, fresh)
		if !again {
			return c, err
		}
	}
}

func (p *hostPool) get(ctx context.Context, d *dest, m *message, size int64, fresh bool) (c *conn, err error, again bool) {
	t := p.t
	key := d.key()
	for {
		p.mu.Lock()
		if p.dead {
			p.mu.Unlock()
			return nil, nil, true
		}
		if c := p.takeIdle(key, fresh); c != nil {
			p.mu.Unlock()
			idle := time.Since(c.idleSince)
			if idle < t.idleTimeout() && (idle < recentlyUsed && c.br.Buffered() == 0 || c.alive()) {
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
		if p.n < t.hostMaxConns(p.host) {
			p.n++
			p.mu.Unlock()
			return p.dial(ctx, d)
		}
		if !fresh && len(p.idle) > 0 {
			// Every slot is taken and some sessions idle for other
			// destinations of this host: close one to make room.
			c := p.idle[0]
			p.idle = p.idle[1:]
			c.idleTimer.Stop()
			p.mu.Unlock()
			c.close(true)
			return p.dial(ctx, d) // its slot is ours
		}
		w := waiter{key: key, ch: t.waitChan(), m: m, size: size}
		p.waiters = append(p.waiters, w)
		p.mu.Unlock()
		select {
		case c := <-w.ch:
			// Whoever sent took w off the list first: nothing more comes.
			t.waitChans.Put(w.ch)
			if c == nil { // a slot was handed over
				return p.dial(ctx, d)
			}
			// A session handed on with this sender's commands sent
			// has their replies coming: not a sign of trouble. One
			// that broke after they were sent took nothing of them.
			if c.sent && !c.broken || !c.sent && c.alive() {
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
				if x.ch == w.ch {
					p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
					removed = true
					break
				}
			}
			p.mu.Unlock()
			if !removed { // something was handed to us meanwhile: pass it on
				if c := <-w.ch; c != nil {
					t.put(c)
				} else {
					p.release()
				}
			}
			t.waitChans.Put(w.ch) // empty, and off the list
			return nil, localFailure(fmt.Errorf("smtpclient: waiting for a session to %s: %w", d.host, ctx.Err())), false
		}
	}
}

// waitChan returns an empty channel for a waiter: one a previous waiter
// was done with, or a new one. Each waiter is taken off the list by the
// one that sends to it, so at most one value is ever sent per turn.
func (t *Transport) waitChan() chan *conn {
	if ch, ok := t.waitChans.Get().(chan *conn); ok {
		return ch
	}
	return make(chan *conn, 1)
}

// takeIdle removes and returns the most recently used idle session with
// key, or nil. p.mu is held.
func (p *hostPool) takeIdle(key poolKey, fresh bool) *conn {
	if fresh {
		return nil
	}
	for i := len(p.idle) - 1; i >= 0; i-- {
		if c := p.idle[i]; c.key == key {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			c.idleTimer.Stop()
			return c
		}
	}
	return nil
}

func (p *hostPool) dial(ctx context.Context, d *dest) (*conn, error, bool) {
	if p.t.closed.Load() {
		p.release()
		return nil, localFailure(ErrClosed), false
	}
	release, err := p.t.openConn(ctx, d)
	if err != nil {
		p.release()
		return nil, err, false
	}
	c, err := p.t.connect(ctx, d)
	if err != nil {
		if release != nil {
			release()
		}
		p.release()
		return nil, err, false
	}
	c.pool, c.release = p, release
	return c, nil, false
}

// release gives up one session slot: to a waiter, or back to the pool.
func (p *hostPool) release() {
	p.mu.Lock()
	if len(p.waiters) > 0 && p.n <= p.t.hostMaxConns(p.host) {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.mu.Unlock()
		w.ch <- nil
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
			delete(t.pools, p.host)
		}
		p.mu.Unlock()
		t.mu.Unlock()
	}
}

// waiterFor removes and returns the first waiter for key. p.mu is held.
func (p *hostPool) waiterFor(key poolKey) (waiter, bool) {
	for i, w := range p.waiters {
		if w.key == key {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			return w, true
		}
	}
	return waiter{}, false
}

// takeNext removes and returns the first sender waiting for a session
// like c, if c can carry its message (see conn.handOn).
func (p *hostPool) takeNext(c *conn) (waiter, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.t.closed.Load() {
		return waiter{}, false
	}
	for i, w := range p.waiters {
		if w.key != c.key {
			continue
		}
		if w.m == nil || c.check(w.m, w.size) != nil {
			return waiter{}, false // it gets the session the usual way
		}
		p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
		return w, true
	}
	return waiter{}, false
}

// put returns a session after a message: to a waiter for a session like
// it, to the idle list, or closed when broken, worn out
// (MaxMessagesPerConn), surplus, or wanted as a slot by a sender for
// another destination of the host.
func (t *Transport) put(c *conn) {
	p := c.pool
	if c.sent {
		// Handed on to a sender that gave up: its commands were sent
		// and no data will follow. Closing drops the transaction.
		c.broken = true
	}
	if c.broken || t.closed.Load() || c.msgs >= t.maxMsgs() {
		c.close(!c.broken)
		p.release()
		return
	}
	p.mu.Lock()
	if p.n > t.hostMaxConns(p.host) { // the Shaper lowered the cap
		p.mu.Unlock()
		c.close(true)
		p.release()
		return
	}
	if w, ok := p.waiterFor(c.key); ok {
		p.mu.Unlock()
		w.ch <- c
		return
	}
	if len(p.waiters) > 0 || len(p.idle) >= t.maxIdle() {
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

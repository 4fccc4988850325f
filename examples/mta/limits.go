package main

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// connLimits caps the connections open at once, in total and per client:
// an IPv4 address or an IPv6 /64 (what one subscriber usually holds).
type connLimits struct {
	max       int
	perClient int                   // -1: no limit per client
	exempt    func(netip.Addr) bool // clients not limited per client; may be nil

	mu       sync.Mutex
	open     int
	byClient map[netip.Prefix]int
}

func newConnLimits(max, perClient int, exempt func(netip.Addr) bool) *connLimits {
	return &connLimits{max: max, perClient: perClient, exempt: exempt, byClient: map[netip.Prefix]int{}}
}

// clientPrefix is what a client's connections are counted under.
func clientPrefix(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// acquire counts a connection from a, or reports false when it would go
// over a limit.
func (l *connLimits) acquire(a netip.Addr) bool {
	p := clientPrefix(a)
	perClient := l.perClient >= 0 && (l.exempt == nil || !l.exempt(a))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max || perClient && l.byClient[p] >= l.perClient {
		return false
	}
	l.open++
	l.byClient[p]++
	return true
}

func (l *connLimits) release(a netip.Addr) {
	p := clientPrefix(a)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byClient[p]--; l.byClient[p] <= 0 {
		delete(l.byClient, p)
	}
}

// count returns the connections open.
func (l *connLimits) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// limitListener accepts connections within limits. One over them gets
// refuse (if not nil: the SMTP server's 421) and is closed at once, so
// that the connections a flood holds open never pass the limits.
type limitListener struct {
	net.Listener
	limits  *connLimits
	refuse  []byte
	refused func() // counts a refusal; may be nil
}

func (l limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		a := remoteAddr(c)
		if l.limits.acquire(a) {
			return &limitedConn{Conn: c, limits: l.limits, addr: a}, nil
		}
		if l.refused != nil {
			l.refused()
		}
		if l.refuse != nil {
			// A new connection's send buffer is empty: this does not
			// block, and the deadline makes sure.
			c.SetWriteDeadline(time.Now().Add(time.Second))
			c.Write(l.refuse)
		}
		c.Close()
	}
}

// remoteAddr is c's client address (the zero Addr for other networks).
func remoteAddr(c net.Conn) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap() // without formatting and parsing
	}
	ap, _ := netip.ParseAddrPort(c.RemoteAddr().String())
	return ap.Addr().Unmap()
}

// limitedConn gives its place back when it closes, once.
type limitedConn struct {
	net.Conn
	limits *connLimits
	addr   netip.Addr
	once   sync.Once
}

func (c *limitedConn) Close() error {
	c.once.Do(func() { c.limits.release(c.addr) })
	return c.Conn.Close()
}

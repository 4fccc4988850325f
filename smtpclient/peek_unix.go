//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package smtpclient

import "syscall"

// peeker looks at an idle socket without blocking and without taking
// anything from it (recv with MSG_PEEK|MSG_DONTWAIT).
type peeker struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool
	n   int
	err error
	buf [1]byte
}

// alive reports whether the peer has neither sent anything (an unsolicited
// reply is a 421 or garbage) nor closed the connection.
func (p *peeker) alive() bool {
	if p.fn == nil {
		p.fn = func(fd uintptr) bool {
			p.n, _, p.err = syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			return true // never wait for readiness
		}
	}
	if err := p.rc.Read(p.fn); err != nil {
		return false
	}
	// Only "nothing to read yet" is healthy; data, end of file (n == 0
	// without error) and errors such as ECONNRESET are not.
	return p.err == syscall.EAGAIN || p.err == syscall.EWOULDBLOCK
}

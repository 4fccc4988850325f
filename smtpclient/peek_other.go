//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package smtpclient

import "syscall"

// peeker cannot look at a socket without blocking on this system: idle
// sessions are taken as alive, and a dead one shows at the first reply,
// after which the message goes on a fresh session (see errRetry).
type peeker struct{ rc syscall.RawConn }

func (p *peeker) alive() bool { return true }

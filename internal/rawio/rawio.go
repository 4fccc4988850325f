// Package rawio reads and writes a plain TCP connection with raw
// non-blocking system calls (Linux; elsewhere it leaves connections as
// they are). smtpclient uses it for the sessions it dials, examples/mta
// for the connections its SMTP server accepts. See Conn for why.
package rawio

import "net"

// Listener returns ln, with every connection it accepts passed through
// Wrap.
func Listener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return Wrap(c), nil
}

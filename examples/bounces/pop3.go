package main

// A small POP3 client (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595)
// and UIDL. It is our own rather than a library's: reading a mailbox needs
// eight commands, the maintained Go libraries are not among mxkit's chosen
// dependencies and add little over that, and this way the limits (line
// length, message size), the refusal of CR and LF in arguments and the
// rule that the password is sent only over TLS are in our hands.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// pop3Error is a -ERR reply.
type pop3Error struct {
	Cmd  string // the command, without its arguments
	Text string // the server's text
}

func (e *pop3Error) Error() string { return fmt.Sprintf("pop3: %s: -ERR %s", e.Cmd, e.Text) }

// maxPOP3Line bounds one line of a reply (RFC 2449 §4 allows 512 octets
// for a status line; message lines may be longer).
const maxPOP3Line = 64 << 10

// pop3Conn is one POP3 session.
type pop3Conn struct {
	conn    net.Conn
	r       *bufio.Reader
	timeout time.Duration
}

// dialPOP3 connects with implicit TLS, or in the clear followed by STLS,
// which must succeed.
func dialPOP3(ctx context.Context, addr string, implicit bool, tlsConf *tls.Config, timeout time.Duration) (*pop3Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	var conn net.Conn
	var err error
	if implicit {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tlsConf}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("pop3: %w", err)
	}
	p := &pop3Conn{conn: conn, r: bufio.NewReaderSize(conn, 4096), timeout: timeout}
	if _, err := p.status("greeting"); err != nil {
		conn.Close()
		return nil, err
	}
	if implicit {
		return p, nil
	}
	// RFC 2595 §4: STLS; the capability list must offer it.
	caps, err := p.capa()
	if err != nil || !caps["STLS"] {
		conn.Close()
		return nil, errors.New("pop3: the server does not offer STLS")
	}
	if _, err := p.cmd("STLS"); err != nil {
		conn.Close()
		return nil, err
	}
	tc := tls.Client(conn, tlsConf)
	tc.SetDeadline(time.Now().Add(timeout))
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("pop3: STLS: %w", err)
	}
	p.conn, p.r = tc, bufio.NewReaderSize(tc, 4096)
	return p, nil
}

// readLine reads one line without its CRLF.
func (p *pop3Conn) readLine() ([]byte, error) {
	p.conn.SetReadDeadline(time.Now().Add(p.timeout))
	line, err := p.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A long line: gather it, up to the limit.
		buf := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) && len(buf) <= maxPOP3Line {
			line, err = p.r.ReadSlice('\n')
			buf = append(buf, line...)
		}
		if len(buf) > maxPOP3Line {
			return nil, errors.New("pop3: line too long")
		}
		line = buf
	}
	if err != nil {
		return nil, fmt.Errorf("pop3: %w", err)
	}
	return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), nil
}

// status reads a one-line reply: "+OK text" or "-ERR text".
func (p *pop3Conn) status(cmd string) (string, error) {
	line, err := p.readLine()
	if err != nil {
		return "", err
	}
	s := string(line)
	switch {
	case strings.HasPrefix(s, "+OK"):
		return strings.TrimSpace(s[3:]), nil
	case strings.HasPrefix(s, "-ERR"):
		return "", &pop3Error{Cmd: cmd, Text: strings.TrimSpace(s[4:])}
	}
	return "", fmt.Errorf("pop3: %s: unexpected reply %q", cmd, s)
}

// cmd sends a command and reads its one-line reply. Arguments with CR or
// LF are refused: they would inject commands.
func (p *pop3Conn) cmd(name string, args ...string) (string, error) {
	line := name
	for _, a := range args {
		if strings.ContainsAny(a, "\r\n\x00") {
			return "", fmt.Errorf("pop3: %s: argument with CR, LF or NUL", name)
		}
		line += " " + a
	}
	p.conn.SetWriteDeadline(time.Now().Add(p.timeout))
	if _, err := io.WriteString(p.conn, line+"\r\n"); err != nil {
		return "", fmt.Errorf("pop3: %s: %w", name, err)
	}
	return p.status(name)
}

// multi reads the lines of a multi-line reply up to the "." line, with the
// leading dot of stuffed lines removed (RFC 1939 §3), lines ending CRLF.
// Past max octets the rest is read and dropped.
func (p *pop3Conn) multi(max int) ([]byte, error) {
	var out []byte
	for {
		line, err := p.readLine()
		if err != nil {
			return nil, err
		}
		if len(line) > 0 && line[0] == '.' {
			if len(line) == 1 {
				return out, nil
			}
			line = line[1:]
		}
		if len(out)+len(line)+2 <= max {
			out = append(append(out, line...), '\r', '\n')
		}
	}
}

// capa returns the capabilities (RFC 2449 §5), upper-cased names.
func (p *pop3Conn) capa() (map[string]bool, error) {
	if _, err := p.cmd("CAPA"); err != nil {
		return nil, err
	}
	b, err := p.multi(64 << 10)
	if err != nil {
		return nil, err
	}
	caps := map[string]bool{}
	for _, l := range strings.Split(string(b), "\r\n") {
		if f := strings.Fields(l); len(f) > 0 {
			caps[strings.ToUpper(f[0])] = true
		}
	}
	return caps, nil
}

// login sends USER and PASS (RFC 1939 §7).
func (p *pop3Conn) login(user, password string) error {
	if _, err := p.cmd("USER", user); err != nil {
		return err
	}
	_, err := p.cmd("PASS", password)
	return err
}

// pop3Msg is a message of the maildrop: its number in this session and
// its unique ID.
type pop3Msg struct {
	num int
	uid string
}

// list returns the messages with their UIDL IDs (RFC 1939 §7); servers
// without UIDL give numbers only, good for this session.
func (p *pop3Conn) list() ([]pop3Msg, error) {
	cmd := "UIDL"
	_, err := p.cmd(cmd)
	var perr *pop3Error
	if errors.As(err, &perr) {
		cmd = "LIST"
		_, err = p.cmd(cmd)
	}
	if err != nil {
		return nil, err
	}
	b, err := p.multi(16 << 20)
	if err != nil {
		return nil, err
	}
	var msgs []pop3Msg
	for _, l := range strings.Split(string(b), "\r\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("pop3: %s: bad line %q", cmd, l)
		}
		m := pop3Msg{num: n, uid: f[1]}
		if cmd == "LIST" {
			m.uid = f[0]
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// retr returns a message, at most max octets of it.
func (p *pop3Conn) retr(n, max int) ([]byte, error) {
	if _, err := p.cmd("RETR", strconv.Itoa(n)); err != nil {
		return nil, err
	}
	return p.multi(max)
}

func (p *pop3Conn) close() error {
	_, err := p.cmd("QUIT")
	p.conn.Close()
	return err
}

// pop3Box is the maildrop of one user, as a mailbox.
type pop3Box struct {
	p     *pop3Conn
	nums  map[string]int // UID to message number
	after string
}

func dialPOP3Mailbox(ctx context.Context, addr string, implicit bool, tlsConf *tls.Config, timeout time.Duration,
	user, password, after string) (*pop3Box, error) {
	p, err := dialPOP3(ctx, addr, implicit, tlsConf, timeout)
	if err != nil {
		return nil, err
	}
	if err := p.login(user, password); err != nil {
		p.conn.Close()
		return nil, err
	}
	return &pop3Box{p: p, nums: map[string]int{}, after: after}, nil
}

func (b *pop3Box) each(ctx context.Context, fn func(id string, msg []byte) error) error {
	stop := context.AfterFunc(ctx, func() { b.p.conn.Close() })
	defer stop()
	msgs, err := b.p.list()
	if err != nil {
		return err
	}
	for _, m := range msgs {
		raw, err := b.p.retr(m.num, maxMessage)
		if err != nil {
			return err
		}
		b.nums[m.uid] = m.num
		if err := fn(m.uid, raw); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// done marks the messages deleted; QUIT (close) commits it (RFC 1939 §6).
func (b *pop3Box) done(ctx context.Context, ids []string) error {
	if b.after != "delete" {
		return nil
	}
	for _, id := range ids {
		if _, err := b.p.cmd("DELE", strconv.Itoa(b.nums[id])); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (b *pop3Box) close() error { return b.p.close() }

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/queue"
)

// newSMTPServer makes the submission server (RFC 6409): clients
// authenticate with AUTH PLAIN or LOGIN (RFC 4954), or connect from a
// trusted network; anyone else may not send.
func (m *MTA) newSMTPServer() *smtp.Server {
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		ss := &session{m: m, conn: c}
		if ap, err := netip.ParseAddrPort(c.Conn().RemoteAddr().String()); err == nil {
			ss.remote = ap.Addr().Unmap()
			for _, p := range m.trusted {
				if p.Contains(ss.remote) {
					ss.trusted = true
					break
				}
			}
		}
		return ss, nil
	}))
	s.Domain = m.cfg.Hostname
	s.MaxMessageBytes = m.cfg.SMTP.MaxMessageBytes
	s.MaxRecipients = m.cfg.SMTP.MaxRecipients
	s.ReadTimeout = 5 * time.Minute
	s.WriteTimeout = 5 * time.Minute
	s.AllowInsecureAuth = m.cfg.SMTP.AllowInsecureAuth
	s.EnableSMTPUTF8 = true
	s.EnableDSN = true
	s.ErrorLog = smtpLog{m.log}
	return s
}

// smtpLog passes go-smtp's connection errors (mostly clients hanging up)
// to the logger at debug level.
type smtpLog struct{ log *slog.Logger }

func (l smtpLog) Printf(format string, v ...any) { l.log.Debug("smtp: " + fmt.Sprintf(format, v...)) }
func (l smtpLog) Println(v ...any)               { l.log.Debug("smtp: " + strings.TrimSpace(fmt.Sprintln(v...))) }

type session struct {
	m       *MTA
	conn    *smtp.Conn
	remote  netip.Addr
	trusted bool
	user    string
	env     queue.Envelope
	mail    bool
}

var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errAuthFailed   = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
)

func (s *session) AuthMechanisms() []string {
	if len(s.m.users) == 0 {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(identity, user, pass string) error {
		if identity != "" && identity != user {
			return errAuthFailed
		}
		if !s.m.checkPassword(user, pass) {
			s.m.metrics.authFailures.Inc()
			return errAuthFailed
		}
		s.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(check), nil
	case sasl.Login:
		return &loginServer{check: func(u, p string) error { return check("", u, p) }}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.user == "" && !s.trusted {
		return errAuthRequired
	}
	if s.user != "" && !s.m.mayUse(s.user, from) {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender address not allowed for this login"}
	}
	s.env = queue.Envelope{From: from, Tenant: s.user}
	if opts != nil {
		s.env.Ret = string(opts.Return)
		s.env.EnvID = opts.EnvelopeID
	}
	s.mail = true
	return nil
}

func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	if !s.mail {
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "MAIL first"}
	}
	if err := queue.CheckAddress(to); err != nil {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"}
	}
	r := queue.Recipient{Addr: to}
	if opts != nil {
		var n []string
		for _, v := range opts.Notify {
			n = append(n, string(v))
		}
		r.Notify = strings.Join(n, ",")
		if opts.OriginalRecipient != "" {
			r.ORcpt = string(opts.OriginalRecipientType) + ";" + opts.OriginalRecipient
		}
	}
	for _, have := range s.env.Recipients {
		if strings.EqualFold(have.Addr, to) {
			return nil // a duplicate RCPT: accepted once
		}
	}
	s.env.Recipients = append(s.env.Recipients, r)
	return nil
}

func (s *session) Data(r io.Reader) error {
	buf := s.m.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			s.m.bufs.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	if s.user != "" && !s.m.headerFromAllowed(s.user, buf.Bytes()) {
		s.Reset()
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "From header address not allowed for this login"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, err := s.m.submit(ctx, &s.env, s.received(), buf.Bytes())
	s.Reset()
	if err != nil {
		switch {
		case errors.Is(err, queue.ErrTooLarge):
			return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too big"}
		case queue.IsBadInput(err):
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message refused: " + sanitize(err.Error())}
		}
		s.m.log.Error("enqueue", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Queue unavailable, try again later"}
	}
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: "Ok: queued as " + string(id)}
}

// received is the trace field of RFC 5321 §4.4, with the protocol names
// of RFC 3848 (ESMTP, ESMTPS with TLS, ESMTPA with AUTH, ESMTPSA).
func (s *session) received() string {
	helo := sanitize(s.conn.Hostname())
	with := "ESMTP"
	if _, ok := s.conn.TLSConnectionState(); ok {
		with += "S"
	}
	if s.user != "" {
		with += "A"
	}
	return fmt.Sprintf("Received: from %s ([%s])\r\n\tby %s with %s;\r\n\t%s\r\n",
		helo, s.remote, s.m.cfg.Hostname, with, time.Now().Format(time.RFC1123Z))
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func (s *session) Reset() {
	s.env = queue.Envelope{}
	s.mail = false
}

func (s *session) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism
// (draft-murchison-sasl-login): the user name and the password, each
// asked for with a base64 challenge. go-sasl has only the client side.
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if resp == nil {
			return []byte("Username:"), false, nil
		}
		l.user = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	case 1:
		l.user = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		return nil, true, l.check(l.user, string(resp))
	}
	return nil, true, errors.New("sasl: LOGIN exchange already finished")
}

// coalescingListener hands out connections that cut system calls: the
// server's replies are gathered and written with one call when the server
// next has to wait for input (or closes), and input is read in 16 KiB
// pieces (go-smtp reads 4 KiB at a time). go-smtp flushes every reply
// line (an EHLO answer is ten writes). Replies are flushed before any read
// that could block, so a client waiting for a reply always gets it. The
// buffers are pooled and held only while they hold data: a client opens a
// connection per message.
type coalescingListener struct{ net.Listener }

var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}
)

func (l coalescingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &coalescingConn{Conn: c}, nil
}

type coalescingConn struct {
	net.Conn
	r  *bufio.Reader // nil when empty; used by the server's goroutine only
	mu sync.Mutex    // guards w: Close may come from another goroutine
	w  *bufio.Writer // nil when empty
}

func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w == nil {
		c.w = writers.Get().(*bufio.Writer)
		c.w.Reset(c.Conn)
	}
	return c.w.Write(p)
}

func (c *coalescingConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w == nil {
		return nil
	}
	err := c.w.Flush()
	if err == nil {
		c.w.Reset(nil)
		writers.Put(c.w)
		c.w = nil
	}
	return err
}

func (c *coalescingConn) Read(p []byte) (int, error) {
	if c.r == nil {
		// Nothing buffered: the server waits for the client, who may be
		// waiting for the replies.
		if err := c.flush(); err != nil {
			return 0, err
		}
		c.r = readers.Get().(*bufio.Reader)
		c.r.Reset(c.Conn)
	}
	n, err := c.r.Read(p)
	if c.r.Buffered() == 0 {
		c.r.Reset(nil)
		readers.Put(c.r)
		c.r = nil
	}
	return n, err
}

func (c *coalescingConn) Close() error {
	c.flush()
	return c.Conn.Close()
}

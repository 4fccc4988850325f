package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
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
		ss := &session{m: m, conn: c, remote: remoteAddr(c.Conn())}
		ss.trusted = ss.remote.IsValid() && m.isTrusted(ss.remote)
		return ss, nil
	}))
	s.Domain = m.cfg.Hostname
	s.MaxMessageBytes = m.cfg.SMTP.MaxMessageBytes
	s.MaxRecipients = m.cfg.SMTP.MaxRecipients
	// go-smtp sets ReadTimeout before each command line it reads (it
	// covers the message data that follows DATA or BDAT too), and
	// WriteTimeout before each reply; smtpConn brings the read deadlines
	// forward to the idle and session limits. MaxLineLength stays at
	// go-smtp's 2000 (twice RFC 5321 §4.5.3.1.6's 1000).
	s.ReadTimeout = time.Duration(m.cfg.SMTP.CommandTimeout)
	s.WriteTimeout = time.Duration(m.cfg.SMTP.CommandTimeout)
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
	acct    *account // after AUTH
	env     queue.Envelope
	mail    bool
}

var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errAuthFailed   = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	// RFC 4954 §6: 454 4.7.0 is a temporary authentication failure.
	errAuthBlocked = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins, try again later"}
	errAuthBusy    = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure, try again later"}
	errAuthHangup  = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins, closing connection"}
)

// loginWait bounds the wait for a free bcrypt comparison.
const loginWait = 30 * time.Second

func (s *session) AuthMechanisms() []string {
	if len(s.m.users) == 0 {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if !s.m.logins.blocked(clientKey(s.remote)).IsZero() {
		s.m.metrics.limited.WithLabelValues("login_blocked").Inc()
		return nil, s.refuseLogin(errAuthBlocked)
	}
	check := func(identity, user, pass string) error {
		if !s.m.logins.blocked(userKey(user)).IsZero() {
			s.m.metrics.limited.WithLabelValues("login_blocked").Inc()
			return s.refuseLogin(errAuthBlocked)
		}
		ctx, cancel := context.WithTimeout(context.Background(), loginWait)
		defer cancel()
		a, err := s.m.passwords.check(ctx, user, pass)
		if err == nil && identity != "" && identity != user {
			err = errLoginFailed // no acting as another user
		}
		switch {
		case errors.Is(err, errLoginFailed):
			s.m.metrics.authFailures.Inc()
			s.m.logins.failed(clientKey(s.remote), userKey(user))
			return s.refuseLogin(errAuthFailed)
		case err != nil:
			return errAuthBusy
		}
		s.m.logins.succeeded(userKey(user))
		s.acct = a
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

// refuseLogin counts a refused login against the connection: after
// smtp.session_login_failures of them it answers 421 and hangs up, as
// Postfix does past smtpd_hard_error_limit.
func (s *session) refuseLogin(reply *smtp.SMTPError) error {
	c := connOf(s.conn)
	if c == nil {
		return reply
	}
	if c.loginFailures++; c.loginFailures >= s.m.cfg.SMTP.SessionLoginFailures {
		s.m.metrics.limited.WithLabelValues("login_hangup").Inc()
		c.hangUp()
		return errAuthHangup
	}
	return reply
}

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.acct == nil && !s.trusted {
		return errAuthRequired
	}
	if !s.acct.mayUse(from) {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender address not allowed for this login"}
	}
	s.env = queue.Envelope{From: from, Tenant: s.acct.tenant()}
	if opts != nil {
		s.env.Ret = string(opts.Return)
		s.env.EnvID = opts.EnvelopeID
	}
	s.mail = true
	if c := connOf(s.conn); c != nil {
		c.transaction(true)
	}
	return nil
}

func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	if !s.mail {
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "MAIL first"}
	}
	if err := queue.CheckAddress(to); err != nil {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"}
	}
	if rf := s.m.rep.screen(context.Background(), s.env.Tenant, to); rf != nil {
		return rf.smtpError()
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

// dataHead is the room left before the message data in the session's
// buffer, where submit puts the Received and DKIM-Signature fields when
// they fit (queuedMessage): about 200 octets, 300–700 a signature.
const dataHead = 2048

// noHead is dataHead zero bytes, only ever read.
var noHead [dataHead]byte

func (s *session) Data(r io.Reader) error {
	buf := s.m.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			s.m.bufs.Put(buf)
		}
	}()
	// The room, zeroed from a package array (one in this frame would put
	// 2 KiB on the stack of every session's goroutine): nothing of it is
	// sent but what queuedMessage writes.
	buf.Write(noHead[:])
	submit := s.m.submit
	if c := connOf(s.conn); c != nil && c.takeData() {
		// A plaintext DATA: read here (data.go); go-smtp's reader then
		// sees an empty message.
		canonical, err := c.readData(buf, s.m.cfg.SMTP.MaxMessageBytes)
		if err != nil {
			return err
		}
		if canonical {
			submit = s.m.submitCRLF // no line end to mend
		}
	} else if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(s.logContext(), time.Minute)
	defer cancel()
	all := buf.Bytes()
	id, err := submit(ctx, s.acct, &s.env, s.received(), all[dataHead:], all[:dataHead])
	s.Reset()
	if err != nil {
		var he *headerError
		switch {
		case errors.As(err, &he):
			return he.smtpError()
		case errors.Is(err, queue.ErrTooLarge):
			return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too big"}
		case queue.IsBadInput(err):
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message refused: " + sanitize(err.Error())}
		}
		s.m.log.Error("enqueue", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Queue unavailable, try again later"}
	}
	if c := connOf(s.conn); c != nil {
		c.delivered()
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
	if s.acct != nil {
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
	if c := connOf(s.conn); c != nil {
		c.transaction(false)
	}
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

// smtpListener hands out the server's connections (smtpConn).
type smtpListener struct {
	net.Listener
	idle, session time.Duration
}

var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}
)

func (l smtpListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	return &smtpConn{Conn: c, end: now.Add(l.session), idle: l.idle, idleEnd: now.Add(l.idle)}, nil
}

// smtpConn is one SMTP session's connection. It cuts system calls: the
// server's replies are gathered and written with one call when the server
// next has to wait for input (or closes), and input is read in 64 KiB
// pieces (go-smtp reads 4 KiB at a time and flushes every reply line: an
// EHLO answer is ten writes). Replies are flushed before any read that
// could block, so a client waiting for a reply always gets it. The
// buffers are pooled and held only while they hold data: a client opens
// a connection per message. Under it, on Linux, the socket is read and
// written with raw system calls (internal/rawio says why).
//
// It also keeps the read deadlines go-smtp sets within the session's
// limits: the whole session within smtp.session_timeout, and, outside a
// mail transaction, within smtp.idle_timeout of its start or of its last
// message. A client sending NOOP every few minutes cannot hold a
// connection for ever.
type smtpConn struct {
	net.Conn
	r  *bufio.Reader // nil when empty; used by the server's goroutine only
	mu sync.Mutex    // guards w: Close may come from another goroutine
	w  *bufio.Writer // nil when empty

	dl      sync.Mutex // guards the deadline state: BDAT runs Data on a goroutine of its own
	end     time.Time  // of the session
	idle    time.Duration
	idleEnd time.Time // of the session outside a transaction
	inTx    bool

	hungUp        atomic.Bool
	loginFailures int // server's goroutine only

	// What the replies written so far say about the input to come
	// (guarded by mu). Until STARTTLS succeeds (a 220 after the
	// greeting) the session is plain: commands go up to go-smtp a line
	// at a time, so that its buffer never holds what follows DATA, and
	// after a 354 reply the message data is the session's to read
	// (takeData, readData). Then go-smtp is handed endData.
	greeted, tls, data, ended bool
}

// endData is what go-smtp reads of a message that readData read: its end.
const endData = ".\r\n"

// connOf returns the smtpConn under an SMTP connection (go-smtp puts a
// *tls.Conn over it after STARTTLS), or nil.
func connOf(c *smtp.Conn) *smtpConn {
	nc := c.Conn()
	if t, ok := nc.(*tls.Conn); ok {
		nc = t.NetConn()
	}
	sc, _ := nc.(*smtpConn)
	return sc
}

// transaction records whether a mail transaction is open: one is not
// idle.
func (c *smtpConn) transaction(open bool) {
	c.dl.Lock()
	c.inTx = open
	c.dl.Unlock()
}

// delivered restarts the idle time: a message was accepted.
func (c *smtpConn) delivered() {
	c.dl.Lock()
	c.idleEnd = time.Now().Add(c.idle)
	c.dl.Unlock()
}

// readDeadline is t, brought forward to the session's end and, outside a
// transaction, to the end of its idle time.
func (c *smtpConn) readDeadline(t time.Time) time.Time {
	c.dl.Lock()
	defer c.dl.Unlock()
	limit := c.end
	if !c.inTx && c.idleEnd.Before(limit) {
		limit = c.idleEnd
	}
	if t.IsZero() || limit.Before(t) {
		return limit
	}
	return t
}

func (c *smtpConn) SetReadDeadline(t time.Time) error {
	return c.Conn.SetReadDeadline(c.readDeadline(t))
}

func (c *smtpConn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return c.SetReadDeadline(t)
}

// hangUp ends the session once the replies written so far are sent: the
// next read reports the end of input, and go-smtp closes.
func (c *smtpConn) hangUp() { c.hungUp.Store(true) }

func (c *smtpConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// go-smtp writes each reply line with a call of its own.
	if !c.tls && len(p) >= 4 {
		switch string(p[:4]) {
		case "220 ":
			c.tls = c.greeted // 220 after the greeting: STARTTLS begins
			c.greeted = true
		case "354 ":
			c.data = true
		}
	}
	if c.w == nil {
		c.w = writers.Get().(*bufio.Writer)
		c.w.Reset(c.Conn)
	}
	return c.w.Write(p)
}

func (c *smtpConn) flush() error {
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

func (c *smtpConn) Read(p []byte) (int, error) {
	if c.hungUp.Load() {
		c.flush()
		return 0, io.EOF
	}
	c.mu.Lock()
	plain, ended := !c.tls, c.ended
	c.ended = false
	c.mu.Unlock()
	if ended {
		return copy(p, endData), nil
	}
	if err := c.fill(); err != nil {
		return 0, err
	}
	var n int
	var err error
	if plain {
		// Up to the end of the line.
		b, _ := c.r.Peek(c.r.Buffered())
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[:i+1]
		}
		n = copy(p, b)
		c.r.Discard(n)
	} else {
		n, err = c.r.Read(p)
	}
	c.release()
	return n, err
}

// fill makes sure c.r holds input, waiting for the client if it has
// none.
func (c *smtpConn) fill() error {
	if c.r == nil {
		// Nothing buffered: the server waits for the client, who may be
		// waiting for the replies.
		if err := c.flush(); err != nil {
			return err
		}
		c.r = readers.Get().(*bufio.Reader)
		c.r.Reset(c.Conn)
	}
	_, err := c.r.Peek(1)
	if err != nil {
		c.release()
	}
	return err
}

// release gives c.r back to the pool when it holds nothing.
func (c *smtpConn) release() {
	if c.r != nil && c.r.Buffered() == 0 {
		c.r.Reset(nil)
		readers.Put(c.r)
		c.r = nil
	}
}

// takeData reports whether the message data that follows is the
// session's to read with readData: a 354 was the last reply, on a plain
// session.
func (c *smtpConn) takeData() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	ok := c.data && !c.tls
	c.data = false
	return ok
}

// readData reads the message data after a 354 reply into dst (data.go),
// and reports whether its line ends are all CRLF already.
// Once its end has been read, go-smtp reads endData.
func (c *smtpConn) readData(dst *bytes.Buffer, max int64) (canonical bool, err error) {
	// The 354 goes out before any wait for the client: fill flushes only
	// when nothing is buffered.
	if err := c.flush(); err != nil {
		return false, err
	}
	if err := c.fill(); err != nil {
		return false, err
	}
	canonical, err = readData(c.r, dst, max, maxDataLine)
	c.release()
	var reply *smtp.SMTPError
	if err == nil || errors.As(err, &reply) {
		c.mu.Lock()
		c.ended = true
		c.mu.Unlock()
	}
	return canonical, err
}

// closeFlush bounds the last flush of a closing connection. Replies take
// no time to write unless the client stopped reading them; go-smtp's
// Close of the whole server closes its sessions one after the other.
const closeFlush = 250 * time.Millisecond

// Close sends the replies still buffered, then closes. The flush needs a
// deadline of its own: closing a TLS session, crypto/tls writes its
// close_notify alert (into the buffer here) and then sets the write
// deadline to now, which would lose the final replies (the 250 to the
// message, the 221 to QUIT) and make the client send the message again.
func (c *smtpConn) Close() error {
	c.Conn.SetWriteDeadline(time.Now().Add(closeFlush))
	c.flush()
	return c.Conn.Close()
}

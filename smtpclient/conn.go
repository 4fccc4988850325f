package smtpclient

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

// extensions are what the server's EHLO reply offers.
type extensions struct {
	esmtp, pipelining, starttls, eightBit, smtputf8 bool
	chunking, dsn, requireTLS, enhanced, binaryMIME bool
	sizeOffered                                     bool
	size                                            int64 // SIZE limit; 0 means none given
	auth                                            []string
}

// conn is one SMTP session. It is used by one goroutine at a time: the pool
// hands it out exclusively.
type conn struct {
	t        *Transport
	nc       net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	dest     *dest
	ext      extensions
	tls      bool
	tlsVer   uint16
	msgs     int            // transactions started on this session
	consumed bool           // the current transaction has read from the message
	binary   bool           // the current message is BINARYMIME: chunks go as read
	dirty    bool           // the server may hold transaction state: RSET before reuse
	broken   bool           // never reuse
	stage    delivery.Stage // where the session is, for failures without a reply

	// pool bookkeeping
	key       poolKey // what a session can be reused for
	pool      *hostPool
	idleSince time.Time
	idleTimer *time.Timer
	release   func() // from the Shaper's ConnGate, called on close

	// per-operation
	ctxDeadline time.Time
	lines       []string
	cmd         []byte
	dw          dataWriter
	chunk       bytes.Buffer
	readBuf     []byte
	raw         *peeker // for the idle health check
	gw          gatherWriter
	blk         blockWriter

	// sent: the MAIL, RCPT and DATA of the sender this session was
	// handed on to went out with the end of the previous message (see
	// handOn); skip: replies to read and drop before its own, owed to
	// a previous sender that gave up waiting for them.
	sent  bool
	skip  int
	fired chan struct{} // handOn's ctx callback has finished
}

var aLongTimeAgo = time.Unix(1, 0)

// errRetry marks a failure on a reused connection before the server acted
// on anything: the message can go on a fresh connection.
type errRetry struct{ err error }

func (e *errRetry) Error() string { return e.err.Error() }
func (e *errRetry) Unwrap() error { return e.err }

// watch bounds the connection by ctx: cancelling ctx aborts any blocked
// read or write. The returned func must be called when the operation ends.
func (c *conn) watch(ctx context.Context) func() {
	c.ctxDeadline, _ = ctx.Deadline()
	if ctx.Done() == nil {
		return func() {}
	}
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(aLongTimeAgo) })
	return func() {
		if !stop() {
			// The deadline was poisoned; the session state is unknown.
			c.broken = true
		}
	}
}

func (c *conn) deadline(d time.Duration) time.Time {
	t := time.Now().Add(d)
	if !c.ctxDeadline.IsZero() && c.ctxDeadline.Before(t) {
		return c.ctxDeadline
	}
	return t
}

// ioErr adds context to a network failure at the session's stage and
// marks the session broken. A cancelled or expired ctx is reported as such.
func (c *conn) ioErr(ctx context.Context, what string, err error) error {
	c.broken = true
	if cerr := ctx.Err(); cerr != nil {
		err = cerr
	} else if errors.Is(err, os.ErrDeadlineExceeded) && !c.ctxDeadline.IsZero() && !time.Now().Before(c.ctxDeadline) {
		// The context's deadline, set on the connection, passed.
		err = context.DeadlineExceeded
	}
	return networkFailure(c.stage, fmt.Errorf("smtp %s: %s: %w", c.dest.addr, what, err))
}

// read reads one reply within timeout, the reply to what.
func (c *conn) read(ctx context.Context, what string, timeout time.Duration) (reply, error) {
	return c.readAt(ctx, what, stageOf(what), timeout)
}

// readAt is read at a given stage.
func (c *conn) readAt(ctx context.Context, what string, stage delivery.Stage, timeout time.Duration) (reply, error) {
	c.stage = stage
	if !replyBuffered(c.br) {
		c.nc.SetReadDeadline(c.deadline(timeout))
	}
	// The text of positive replies to these is not used.
	keep := what != "MAIL" && what != "RCPT" && what != "DATA" && what != "RSET"
	r, err := readReplyText(c.br, c.lines, keep)
	c.lines = r.lines[:0]
	if err != nil {
		return r, c.ioErr(ctx, "reading reply to "+what, err)
	}
	if m := c.t.Metrics; m != nil {
		m.Reply(c.dest.host, what, r.code)
	}
	if r.code == 421 {
		// RFC 5321 §3.8: the server is closing the session.
		c.broken = true
	}
	return r, nil
}

// flush writes the buffered commands within timeout.
func (c *conn) flush(ctx context.Context, timeout time.Duration) error {
	c.nc.SetWriteDeadline(c.deadline(timeout))
	if err := c.bw.Flush(); err != nil {
		return c.ioErr(ctx, "writing", err)
	}
	return nil
}

// command writes one command line and reads its reply.
func (c *conn) command(ctx context.Context, what, line string, timeout time.Duration) (reply, error) {
	c.bw.WriteString(line)
	c.bw.WriteString("\r\n")
	if err := c.flush(ctx, timeout); err != nil {
		return reply{}, err
	}
	return c.read(ctx, what, timeout)
}

// hello sends EHLO, falling back to HELO when the server does not know
// EHLO (RFC 5321 §3.2), and records the extensions offered.
func (c *conn) hello(ctx context.Context) error {
	to := c.t.timeouts()
	name := c.t.localName()
	hello := "EHLO"
	if c.t.LMTP {
		hello = "LHLO" // RFC 2033 §4.1; there is nothing to fall back to
	}
	r, err := c.command(ctx, hello, hello+" "+name, to.Command)
	if err != nil {
		return err
	}
	c.ext = extensions{}
	if r.code == 250 {
		c.ext.esmtp = true
		for _, l := range r.lines[1:] {
			c.ext.parse(l)
		}
		return nil
	}
	if c.t.LMTP { // no HELO to fall back to
		if err := r.err(delivery.StageHello); err != nil {
			return err
		}
		c.broken = true
		return protocolErr(delivery.StageHello, "LHLO answered %d", r.code)
	}
	if r.code/100 != 5 {
		if r.code/100 == 2 {
			return nil // not 250: no extensions
		}
		if err := r.err(delivery.StageHello); err != nil {
			return err
		}
		c.broken = true
		return protocolErr(delivery.StageHello, "EHLO answered %d", r.code)
	}
	r, err = c.command(ctx, "HELO", "HELO "+name, to.Command)
	if err != nil {
		return err
	}
	return r.expect(250, "HELO")
}

func (e *extensions) parse(line string) {
	kw, params, _ := strings.Cut(line, " ")
	switch strings.ToUpper(kw) {
	case "PIPELINING":
		e.pipelining = true
	case "STARTTLS":
		e.starttls = true
	case "8BITMIME":
		e.eightBit = true
	case "SMTPUTF8":
		e.smtputf8 = true
	case "CHUNKING":
		e.chunking = true
	case "BINARYMIME":
		e.binaryMIME = true
	case "DSN":
		e.dsn = true
	case "REQUIRETLS":
		e.requireTLS = true
	case "ENHANCEDSTATUSCODES":
		e.enhanced = true
	case "SIZE":
		e.sizeOffered = true
		if n, err := strconv.ParseInt(strings.TrimSpace(params), 10, 64); err == nil && n > 0 {
			e.size = n
		}
	case "AUTH":
		e.auth = append(e.auth, strings.Fields(strings.ToUpper(params))...)
	default:
		// Old servers write "AUTH=LOGIN PLAIN".
		if u := strings.ToUpper(kw); strings.HasPrefix(u, "AUTH=") {
			e.auth = append(e.auth, u[5:])
			e.auth = append(e.auth, strings.Fields(strings.ToUpper(params))...)
		}
	}
}

// startTLS runs STARTTLS (RFC 3207) and the handshake.
func (c *conn) startTLS(ctx context.Context, cfg *tls.Config) error {
	to := c.t.timeouts()
	r, err := c.command(ctx, "STARTTLS", "STARTTLS", to.Command)
	if err != nil {
		return err
	}
	if r.code != 220 {
		if r.code < 400 {
			return protocolErr(delivery.StageTLS, "STARTTLS answered %d", r.code)
		}
		// A refused STARTTLS leaves TLS not established: under a
		// required policy the message waits, whatever the code says.
		o := r.outcome(delivery.StageTLS)
		o.Status, o.Err = delivery.Deferred, ErrTLSRequired
		return o
	}
	if c.br.Buffered() > 0 {
		// Data after the 220 was sent in plain text before the handshake:
		// a command injection attempt (CVE-2011-0411 style).
		c.broken = true
		return protocolErr(delivery.StageTLS, "data pipelined after STARTTLS reply")
	}
	return c.handshake(ctx, cfg)
}

func (c *conn) handshake(ctx context.Context, cfg *tls.Config) error {
	tc := tls.Client(c.nc, cfg)
	c.stage = delivery.StageTLS
	c.nc.SetDeadline(c.deadline(c.t.timeouts().Connect))
	if err := tc.HandshakeContext(ctx); err != nil {
		c.broken = true
		return failure(delivery.Deferred, delivery.StageTLS, codeTLSFailed,
			fmt.Errorf("smtp %s: TLS handshake: %w: %w", c.dest.addr, ErrTLSRequired, err))
	}
	c.nc = tc
	c.br.Reset(tc)
	c.gw.nc = tc
	c.bw.Reset(&c.gw)
	c.tls = true
	c.tlsVer = tc.ConnectionState().Version
	return nil
}

// auth authenticates with the SASL client (RFC 4954).
func (c *conn) auth(ctx context.Context) error {
	t := c.t
	c.stage = delivery.StageAuth
	if !c.tls && !t.AllowInsecureAuth {
		return failure(delivery.Deferred, delivery.StageAuth, codeEncryptNeeded, ErrInsecureAuth)
	}
	to := t.timeouts()
	cl := t.Auth()
	mech, ir, err := cl.Start()
	if err != nil {
		return config("AUTH: %w", err)
	}
	offered := false
	for _, m := range c.ext.auth {
		if strings.EqualFold(m, mech) {
			offered = true
		}
	}
	if !offered {
		return config("%w: AUTH %s not offered (server offers %v)", ErrUnsupported, mech, c.ext.auth)
	}
	line := "AUTH " + mech
	if ir != nil {
		if len(ir) == 0 {
			line += " =" // RFC 4954 §4: empty initial response
		} else {
			line += " " + base64.StdEncoding.EncodeToString(ir)
		}
	}
	r, err := c.command(ctx, "AUTH", line, to.Command)
	for err == nil && r.code == 334 {
		var chal []byte
		chal, err = base64.StdEncoding.DecodeString(strings.Join(r.lines, ""))
		if err != nil {
			c.command(ctx, "AUTH", "*", to.Command) // RFC 4954 §4: cancel
			return protocolErr(delivery.StageAuth, "AUTH challenge is not base64")
		}
		resp, nerr := cl.Next(chal)
		if nerr != nil {
			c.command(ctx, "AUTH", "*", to.Command)
			return config("AUTH %s: %w", mech, nerr)
		}
		r, err = c.command(ctx, "AUTH", base64.StdEncoding.EncodeToString(resp), to.Command)
	}
	if err != nil {
		return err
	}
	return r.expect(235, "AUTH")
}

// quit ends the session politely without waiting long, and closes it.
func (c *conn) close(polite bool) {
	if polite && !c.broken {
		c.nc.SetDeadline(time.Now().Add(time.Second))
		c.bw.WriteString("QUIT\r\n")
		if c.bw.Flush() == nil {
			readReply(c.br, c.lines)
		}
	}
	c.nc.Close()
	if c.release != nil {
		c.release()
		c.release = nil
	}
}

// alive checks an idle session without a round trip: the server must not
// have said anything (a 421 on timeout) nor closed the connection.
func (c *conn) alive() bool {
	if c.br.Buffered() > 0 {
		return false
	}
	if c.raw == nil {
		nc := c.nc
		if tc, ok := nc.(*tls.Conn); ok {
			// Peek below TLS. A post-handshake TLS message (a late session
			// ticket) would also count as trouble: a needless reconnect,
			// never a wrong result.
			nc = tc.NetConn()
		}
		sc, ok := nc.(syscall.Conn)
		if !ok {
			return true // cannot tell: the first reply will (see errRetry)
		}
		rc, err := sc.SyscallConn()
		if err != nil {
			return true
		}
		c.raw = &peeker{rc: rc}
	}
	return c.raw.alive()
}

// mailCommand appends "MAIL FROM:<from> params" for this session.
func (c *conn) appendMail(b []byte, m *message, size int64) []byte {
	b = append(b, "MAIL FROM:<"...)
	b = append(b, m.from...)
	b = append(b, '>')
	if c.ext.sizeOffered && size > 0 {
		b = append(b, " SIZE="...)
		b = appendInt(b, size)
	}
	switch {
	case m.binary:
		b = append(b, " BODY=BINARYMIME"...)
	case m.eightBit:
		b = append(b, " BODY=8BITMIME"...)
	}
	if m.utf8 {
		b = append(b, " SMTPUTF8"...)
	}
	if m.reqTLS {
		b = append(b, " REQUIRETLS"...)
	}
	if d := m.dsn; d != nil && c.ext.dsn {
		if d.Ret != "" {
			b = append(b, " RET="...)
			b = append(b, strings.ToUpper(d.Ret)...)
		}
		if d.EnvID != "" {
			b = append(b, " ENVID="...)
			b = appendXtext(b, d.EnvID)
		}
	}
	return append(b, "\r\n"...)
}

func (c *conn) appendRcpt(b []byte, m *message, i int) []byte {
	b = append(b, "RCPT TO:<"...)
	b = append(b, m.to[i]...)
	b = append(b, '>')
	if d := m.dsn; d != nil && c.ext.dsn {
		if len(d.Notify) > 0 {
			b = append(b, " NOTIFY="...)
			for j, n := range d.Notify {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, strings.ToUpper(n)...)
			}
		}
		if d.ORCPT != nil && d.ORCPT[i] != "" {
			b = append(b, " ORCPT=rfc822;"...)
			b = appendXtext(b, d.ORCPT[i])
		}
	}
	return append(b, "\r\n"...)
}

// appendCommands appends MAIL and, pipelining, an RCPT for each recipient
// not refused before the session (whose address may hold a CR or LF) and
// (unless chunked) DATA (RFC 2920 §3.1: DATA ends the group).
func (c *conn) appendCommands(b []byte, m *message, size int64, pipe, chunked bool) []byte {
	b = c.appendMail(b, m, size)
	if pipe {
		for i := range m.to {
			if !m.refused(i) {
				b = c.appendRcpt(b, m, i)
			}
		}
		if !chunked {
			b = append(b, "DATA\r\n"...)
		}
	}
	return b
}

// check refuses a message the session cannot carry, before any command.
func (c *conn) check(m *message, size int64) error {
	local := func(code delivery.EnhancedCode, format string, args ...any) error {
		return failure(delivery.Failed, delivery.StageLocal, code, fmt.Errorf(format, args...))
	}
	if m.utf8 && !c.ext.smtputf8 {
		// RFC 6531 §3.5: undeliverable without SMTPUTF8.
		return local(codeNonASCIIAddress, "%w: SMTPUTF8 (RFC 6531) needed for a non-ASCII address", ErrUnsupported)
	}
	if m.eightBit && !m.binary && !c.ext.eightBit {
		return local(codeConversion, "%w: 8BITMIME (RFC 6152)", ErrUnsupported)
	}
	if m.binary && (!c.ext.binaryMIME || !c.ext.chunking || c.t.DisableChunking || c.t.LMTP) {
		return local(codeConversion, "%w: BINARYMIME and CHUNKING (RFC 3030)", ErrUnsupported)
	}
	if m.reqTLS {
		// RFC 8689 §4.2.1: a message that requires TLS is not relayed to
		// a host that cannot give it; it is returned with 5.7.30 (§5).
		if !c.tls || !c.dest.policy.verifies() {
			return local(codeRequireTLS, "%w: REQUIRETLS needs a verified TLS session (RFC 8689 §4.1)", ErrTLSRequired)
		}
		if !c.ext.requireTLS {
			return local(codeRequireTLS, "%w: REQUIRETLS (RFC 8689)", ErrUnsupported)
		}
	}
	if c.ext.size > 0 && size > c.ext.size {
		// RFC 1870 §6: do not send a message the server declared too big.
		return local(codeTooBig, "%w: %d octets, limit %d", ErrTooBig, size, c.ext.size)
	}
	return nil
}

// transact sends one message on the session: MAIL, RCPT for each
// recipient, then DATA or BDAT, pipelined when the server allows
// (RFC 2920). It fills res and returns the transaction's error: nil only
// when the server gave the final 2xx for at least one recipient.
//
// With handed true the session went to another sender before the final
// reply was read (see handOn): it is no longer the caller's to use.
func (c *conn) transact(ctx context.Context, m *message, msg io.Reader, size int64, res *Result) (handed bool, err error) {
	stop := c.watch(ctx)
	defer func() {
		if stop != nil {
			stop()
		}
		if !handed && c.gw.drop() {
			c.broken = true // message data never written: in the middle of DATA
		}
	}()
	// Handed on with this message's commands already sent (see handOn).
	sent := c.sent
	c.sent = false
	to := c.t.timeouts()
	reused := c.msgs > 0
	c.msgs++
	c.consumed = false
	c.stage = delivery.StageMail
	if err := c.check(m, size); err != nil {
		if sent { // checked by handOn: cannot happen, but the commands are out
			c.broken = true
		}
		return false, err
	}
	res.DSNNotSent = m.dsn != nil && !c.ext.dsn
	pipe := c.ext.pipelining
	first := true // the next reply read is the first of this transaction
	// retryable wraps a failure of the first reply on a reused session:
	// nothing of this message reached the server's queue.
	retryable := func(err error, r *reply) error {
		if first && reused && (err != nil || r.code == 421) {
			if err == nil {
				err = r.err(delivery.StageMail)
			}
			return &errRetry{err}
		}
		return err
	}
	// After a completed transaction the server has cleared its state
	// (RFC 5321 §4.1.1.4); after anything else, RSET first (§4.1.1.5).
	sendRSET := reused && c.dirty && !sent
	c.dirty = true
	// readRSET reads the answer to the RSET that cleared the previous
	// transaction; a session that cannot reset is not reused.
	readRSET := func() error {
		r, err := c.read(ctx, "RSET", to.Command)
		if err == nil {
			err = r.expect(250, "RSET")
		}
		if err != nil {
			c.broken = true
			return retryable(err, &r)
		}
		first = false
		return nil
	}
	if sendRSET && !pipe {
		c.bw.WriteString("RSET\r\n")
		if err := c.flush(ctx, to.Command); err != nil {
			return false, retryable(err, nil)
		}
		if err := readRSET(); err != nil {
			return false, err
		}
	}

	// Read the first chunk for BDAT now: a message that fits in it goes in
	// the same round trip as the commands.
	// LMTP's per-recipient replies are read after DATA only.
	chunked := c.ext.chunking && !c.t.DisableChunking && !c.t.LMTP
	c.binary = m.binary // checked above: chunked
	var eof bool
	if chunked {
		var err error
		eof, err = c.fillChunk(msg, true)
		if err != nil {
			return false, err
		}
	}

	if !sent {
		b := c.cmd[:0]
		if sendRSET && pipe {
			b = append(b, "RSET\r\n"...)
		}
		b = c.appendCommands(b, m, size, pipe, chunked)
		c.bw.Write(b)
		c.cmd = b[:0]
		if chunked && pipe && eof {
			c.writeChunk(true)
		}
		if err := c.flush(ctx, to.Command); err != nil {
			return false, retryable(err, nil)
		}
	}
	// Replies owed to a sender that gave up come before ours: a failure
	// among them, or a 421, took nothing of this message.
	for ; c.skip > 0; c.skip-- {
		r, err := c.read(ctx, "end of data", to.DataEnd)
		if err != nil || r.code == 421 {
			return false, retryable(err, &r)
		}
	}
	if sendRSET && pipe {
		if err := readRSET(); err != nil {
			return false, err
		}
	}
	r, err := c.read(ctx, "MAIL", to.Command)
	if err != nil || r.code == 421 {
		if err == nil {
			err = r.err(delivery.StageMail)
		}
		return false, retryable(err, &r)
	}
	first = false
	mailErr := r.err(delivery.StageMail)
	if mailErr == nil && r.code != 250 {
		mailErr = protocolErr(delivery.StageMail, "MAIL answered %d", r.code)
		c.broken = true
	}

	// Recipients.
	accepted := 0
	var firstRcptErr error
	for i := range m.to {
		rr := &res.Recipients[i]
		if m.refused(i) {
			continue // not sent: refused before the session
		}
		if !pipe {
			if mailErr != nil {
				break
			}
			c.bw.Write(c.appendRcpt(c.cmd[:0], m, i))
			if err := c.flush(ctx, to.Command); err != nil {
				return false, err
			}
		}
		r, err := c.read(ctx, "RCPT", to.Command)
		if err != nil {
			return false, err
		}
		var rerr *delivery.Outcome
		switch {
		case mailErr != nil:
			continue // refused for the sender: MAIL's reply is every recipient's
		case r.code >= 400:
			rerr = r.outcome(delivery.StageRcpt)
		case r.code != 250 && r.code != 251:
			rerr = protocolErr(delivery.StageRcpt, "RCPT answered %d", r.code)
		default:
			accepted++
			continue
		}
		setOutcome(rr, rerr)
		if firstRcptErr == nil {
			firstRcptErr = rerr
		}
	}
	txErr := mailErr
	if txErr == nil && accepted == 0 {
		txErr = firstRcptErr
	}

	if chunked {
		return false, c.finishBDAT(ctx, msg, pipe, eof, txErr, res)
	}
	return c.finishDATA(ctx, msg, pipe, txErr, res, &stop)
}

// finishDATA reads the DATA reply (sent pipelined) or sends DATA, streams
// the message and reads the final reply, or has the next sender read it
// (handed true; stop is the transaction's ctx watch).
func (c *conn) finishDATA(ctx context.Context, msg io.Reader, pipe bool, txErr error, res *Result, stop *func()) (handed bool, err error) {
	to := c.t.timeouts()
	if !pipe {
		if txErr != nil {
			return false, failAll(txErr, res)
		}
		c.stage = delivery.StageData
		c.bw.WriteString("DATA\r\n")
		if err := c.flush(ctx, to.Command); err != nil {
			return false, err
		}
	}
	r, err := c.read(ctx, "DATA", to.DataInit)
	if err != nil {
		return false, err
	}
	if r.code != 354 {
		if txErr == nil {
			txErr = r.err(delivery.StageData)
			if txErr == nil {
				c.broken = true
				txErr = protocolErr(delivery.StageData, "DATA answered %d", r.code)
			}
		}
		return false, failAll(txErr, res)
	}
	if txErr != nil {
		// RFC 2920 §3.1: a server that said 354 although no recipient was
		// accepted gets an empty message, which it must reject.
		c.bw.WriteString(".\r\n")
		if err := c.flush(ctx, to.DataBlock); err != nil {
			return false, err
		}
		if _, err := c.read(ctx, "end of data", to.DataEnd); err != nil {
			return false, err
		}
		return false, failAll(txErr, res)
	}
	c.nc.SetWriteDeadline(time.Time{})
	c.dw.reset(c.bw, true)
	if err := c.copyData(ctx, msg, &c.dw); err != nil {
		// The data cannot be taken back: only closing the connection
		// before the final "." stops delivery (RFC 5321 §4.1.1.4).
		c.broken = true
		return false, failAll(c.reason(ctx, err), res)
	}
	c.dw.finish()
	if c.dw.err != nil {
		return false, failAll(c.reason(ctx, c.ioErr(ctx, "writing data", c.dw.err)), res)
	}
	if pipe && !c.t.LMTP && c.msgs < c.t.maxMsgs() && !c.broken && c.pool != nil {
		if w, ok := c.pool.takeNext(c); ok {
			return true, c.handOn(ctx, w, res, stop)
		}
	}
	if err := c.flush(ctx, to.DataBlock); err != nil {
		return false, failAll(c.reason(ctx, err), res)
	}
	if c.t.LMTP {
		return false, c.finalLMTP(ctx, res)
	}
	r, err = c.read(ctx, "end of data", to.DataEnd)
	if err != nil {
		// No final reply: the message may or may not have been taken. It is
		// not reported delivered (RFC 5321 §4.1.1.4, §6.1).
		return false, err
	}
	return false, c.final(&r, delivery.StageFinal, res)
}

// finalLMTP reads the reply for each recipient accepted at RCPT, in order
// (RFC 2033 §4.2), and gives each its own outcome. As with SMTP's RCPT
// refusals, the transaction's error is nil when any recipient got the
// message, else the first failure.
func (c *conn) finalLMTP(ctx context.Context, res *Result) error {
	var first error
	delivered := false
	for i := range res.Recipients {
		rr := &res.Recipients[i]
		if rr.Status != 0 {
			continue // refused at RCPT: no reply after the data
		}
		r, err := c.read(ctx, "end of data", c.t.timeouts().DataEnd)
		if err != nil {
			// This and the later recipients are not known to be
			// delivered; failAll gives them err.
			return failAll(err, res)
		}
		res.Reply = r.text()
		o := r.outcome(delivery.StageFinal)
		if r.code/100 == 2 {
			setOutcome(rr, o)
			delivered = true
			continue
		}
		if r.code < 400 {
			c.broken = true
			o = protocolErr(delivery.StageFinal, "end of data answered %d", r.code)
		}
		setOutcome(rr, o)
		if first == nil {
			first = o
		}
	}
	c.dirty = false // every reply was read: the transaction is over
	if delivered {
		return nil
	}
	return first
}

// handOn sends the end of this message together with the MAIL, RCPT and
// DATA of w, the next sender waiting for a session like this one (RFC 2920
// §3.1: message content may open a command group), so that one write and
// one round trip serve both. It then reads this message's final reply and
// gives the session to w, which reads its own replies next. stop is the
// transaction's ctx watch.
//
// If ctx ends before any of the reply has come, the session is still
// whole: this sender gets ctx's error, never a delivery, and w reads and
// drops the reply (skip). Any other failure breaks the session, and w,
// of whose message the server took nothing, starts over on another.
func (c *conn) handOn(ctx context.Context, w waiter, res *Result, stop *func()) error {
	to := c.t.timeouts()
	c.dirty = false // the end of data ends the transaction, whatever the reply
	c.sent = true
	c.t.handOns.Add(1)
	defer func() { w.ch <- c }() // w is no longer among the waiters
	// From here ctx bounds the write and the wait for the first octet of
	// the reply without a timer firing later on the next sender's reads.
	(*stop)()
	*stop = nil
	if c.broken { // ctx ended before
		return failAll(c.ioErr(ctx, "writing data", ctx.Err()), res)
	}
	var unwatch func() bool
	if ctx.Done() != nil {
		if c.fired == nil {
			c.fired = make(chan struct{}, 1)
		}
		unwatch = context.AfterFunc(ctx, func() {
			c.nc.SetDeadline(aLongTimeAgo)
			c.fired <- struct{}{}
		})
	}
	c.bw.Write(c.appendCommands(c.cmd[:0], w.m, w.size, true, false))
	err := c.flush(ctx, to.DataBlock)
	var perr error
	if err == nil {
		c.stage = delivery.StageFinal
		c.nc.SetReadDeadline(time.Now().Add(to.DataEnd))
		if perr = ctx.Err(); perr == nil {
			// Interrupted, Peek consumes nothing.
			_, perr = c.br.Peek(1)
		}
	}
	if unwatch != nil && !unwatch() {
		<-c.fired // the deadlines it set are reset by the next reads and writes
	}
	if err != nil {
		return failAll(c.reason(ctx, err), res)
	}
	if perr != nil && ctx.Err() != nil && c.br.Buffered() == 0 {
		// Nothing of the reply read: the session is whole.
		c.skip++
		return failAll(networkFailure(delivery.StageFinal,
			fmt.Errorf("smtp %s: waiting for the reply to end of data: %w", c.dest.addr, ctx.Err())), res)
	}
	if perr != nil {
		return failAll(c.ioErr(ctx, "reading reply to end of data", perr), res)
	}
	r, err := c.read(ctx, "end of data", to.DataEnd)
	if err != nil {
		return failAll(err, res)
	}
	return c.final(&r, delivery.StageFinal, res)
}

// reason looks, after a failed write of message data, for a reply in
// which the server said why it stopped reading (smtp-sink -A, a size
// limit); it returns that refusal, or err.
func (c *conn) reason(ctx context.Context, err error) error {
	var ne net.Error
	if ctx.Err() != nil || !errors.As(err, &ne) && !errors.Is(err, io.ErrClosedPipe) && !isConnReset(err) {
		return err
	}
	c.nc.SetReadDeadline(time.Now().Add(time.Second))
	r, rerr := readReply(c.br, c.lines)
	if rerr != nil || r.code < 400 {
		return err
	}
	return r.err(delivery.StageData)
}

// copyData streams msg through w, bounding each network write by the
// data block timeout (RFC 5321 §4.5.3.2.5).
func (c *conn) copyData(ctx context.Context, msg io.Reader, w io.Writer) error {
	c.consumed = true
	c.stage = delivery.StageData
	to := c.t.timeouts()
	if wt, ok := msg.(io.WriterTo); ok {
		// The message writes itself (one in memory hands over its bytes
		// in one piece) without a copy into readBuf first. An error
		// that w did not return is the reader's.
		bw := &c.blk // a field: as an interface argument it would escape
		*bw = blockWriter{c: c, w: w, timeout: to.DataBlock}
		if d, ok := w.(*dataWriter); ok && stableWriterTo(msg) {
			d.holdIn(&c.gw, c.bw)
			defer d.holdIn(nil, nil)
		}
		if _, err := wt.WriteTo(bw); err != nil {
			if bw.err == nil {
				return readFailure(err)
			}
			return c.ioErr(ctx, "writing data", err)
		}
		return nil
	}
	if c.readBuf == nil {
		c.readBuf = make([]byte, 32<<10)
	}
	for {
		n, rerr := msg.Read(c.readBuf)
		if n > 0 {
			c.nc.SetWriteDeadline(c.deadline(to.DataBlock))
			if _, err := w.Write(c.readBuf[:n]); err != nil {
				return c.ioErr(ctx, "writing data", err)
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return readFailure(rerr)
		}
	}
}

// stableWriterTo reports whether msg's WriteTo hands over slices of
// memory that stay unchanged while Send runs, so they can be written
// after Write returned: a message the caller holds in memory.
func stableWriterTo(msg io.Reader) bool {
	switch msg.(type) {
	case *bytes.Reader, *bytes.Buffer:
		return true
	}
	return false
}

// readFailure is the outcome of a message reader that failed: the
// message waits (the session carrying it is given up).
func readFailure(err error) error {
	return localFailure(fmt.Errorf("smtpclient: reading the message: %w", err))
}

// blockWriter writes to w in blocks of at most 256 KiB, each bounded by
// the data block timeout.
type blockWriter struct {
	c       *conn
	w       io.Writer
	timeout time.Duration
	err     error // w's
}

func (b *blockWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), 256<<10)
		b.c.nc.SetWriteDeadline(b.c.deadline(b.timeout))
		m, err := b.w.Write(p[:k])
		n += m
		if err != nil {
			b.err = err
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}

// chunkSize is the BDAT chunk size; at most maxPendingChunks chunks are
// sent ahead of their replies.
const (
	chunkSize        = 64 << 10
	maxPendingChunks = 16
)

// fillChunk reads from msg into c.chunk (line endings normalised) until it
// holds chunkSize octets or msg ends. The line-ending state carries over
// from one chunk to the next of the same message.
func (c *conn) fillChunk(msg io.Reader, first bool) (eof bool, err error) {
	c.consumed = true
	c.chunk.Reset()
	if first {
		c.dw.reset(&c.chunk, false)
	}
	if c.readBuf == nil {
		c.readBuf = make([]byte, 32<<10)
	}
	for c.chunk.Len() < chunkSize {
		n, rerr := msg.Read(c.readBuf)
		if n > 0 {
			if c.binary {
				c.chunk.Write(c.readBuf[:n])
			} else {
				c.dw.Write(c.readBuf[:n])
			}
		}
		if rerr == io.EOF {
			if !c.binary {
				c.dw.finish()
			}
			return true, nil
		}
		if rerr != nil {
			return false, readFailure(rerr)
		}
	}
	return false, nil
}

// writeChunk buffers "BDAT n [LAST]" and the chunk (RFC 3030 §2).
func (c *conn) writeChunk(last bool) {
	b := append(c.cmd[:0], "BDAT "...)
	b = appendInt(b, int64(c.chunk.Len()))
	if last {
		b = append(b, " LAST"...)
	}
	b = append(b, "\r\n"...)
	c.bw.Write(b)
	c.bw.Write(c.chunk.Bytes())
	c.cmd = b[:0]
}

// finishBDAT sends the message in BDAT chunks and reads their replies.
func (c *conn) finishBDAT(ctx context.Context, msg io.Reader, pipe, eof bool, txErr error, res *Result) error {
	to := c.t.timeouts()
	sentFirst := pipe && eof // the single chunk went with the commands
	if txErr != nil && !sentFirst {
		return failAll(txErr, res)
	}
	// Replies to read for chunks already sent.
	pending := 0
	if sentFirst {
		pending = 1
	} else {
		for {
			c.nc.SetWriteDeadline(c.deadline(to.DataBlock))
			c.writeChunk(eof)
			pending++
			if !pipe || eof {
				if err := c.flush(ctx, to.DataBlock); err != nil {
					return err
				}
			}
			if !pipe && !eof || pending > maxPendingChunks {
				// Lockstep, or enough replies outstanding: read one so
				// the server never blocks writing replies we do not read.
				if pipe {
					if err := c.flush(ctx, to.DataBlock); err != nil {
						return err
					}
				}
				r, err := c.read(ctx, "BDAT", to.DataBlock)
				if err != nil {
					return err
				}
				pending--
				if r.code != 250 {
					if pending > 0 {
						c.broken = true // replies still due: the session is out of step
					}
					return c.chunkFailed(&r, res)
				}
			}
			if eof {
				break
			}
			var err error
			if eof, err = c.fillChunk(msg, false); err != nil {
				c.broken = true // a transaction cut in the middle of BDAT
				return err
			}
		}
	}
	var failed *reply
	for ; pending > 0; pending-- {
		timeout, stage := to.DataBlock, delivery.StageData
		if pending == 1 {
			timeout, stage = to.DataEnd, delivery.StageFinal
		}
		r, err := c.readAt(ctx, "BDAT", stage, timeout)
		if err != nil {
			return err
		}
		if pending == 1 {
			if failed != nil {
				r = *failed
			}
			if txErr != nil {
				return failAll(txErr, res)
			}
			return c.final(&r, delivery.StageFinal, res)
		}
		if r.code != 250 && failed == nil {
			rc := r
			rc.lines = append([]string(nil), r.lines...)
			failed = &rc
		}
	}
	return nil
}

func (c *conn) chunkFailed(r *reply, res *Result) error {
	err := r.err(delivery.StageData)
	if err == nil {
		c.broken = true
		err = protocolErr(delivery.StageData, "BDAT answered %d", r.code)
	}
	return failAll(err, res)
}

// final applies the reply to the message data to the accepted recipients.
func (c *conn) final(r *reply, stage delivery.Stage, res *Result) error {
	err := applyFinal(r, stage, res)
	switch {
	case err == nil:
		c.dirty = false
	case errors.Is(err, ErrProtocol):
		c.broken = true
	}
	return err
}

// applyFinal is final without the session: it only fills res.
func applyFinal(r *reply, stage delivery.Stage, res *Result) error {
	res.Reply = r.text()
	if r.code/100 != 2 {
		err := r.err(stage)
		if err == nil {
			err = protocolErr(stage, "end of data answered %d", r.code)
		}
		return failAll(err, res)
	}
	o := r.outcomeValue(stage)
	for i := range res.Recipients {
		if res.Recipients[i].Status == 0 {
			setOutcome(&res.Recipients[i], &o)
		}
	}
	return nil
}

// failAll gives err to every recipient without an outcome yet and
// returns it.
func failAll(err error, res *Result) error {
	o := outcomeOf(err)
	for i := range res.Recipients {
		if rr := &res.Recipients[i]; rr.Status == 0 {
			setOutcome(rr, &o)
		}
	}
	return err
}

func isConnReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

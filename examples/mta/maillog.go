package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/smtpclient"
	"github.com/mxkit/mxkit/suppression"
)

// The mail log: what a Postfix operator greps maillog for. One info line
// per message accepted, one per recipient outcome (each attempt), and one
// per operator action on the queue, each carrying the queue ID. The
// package comment documents the lines; TestMailLog reads them back.
//
// The message of each line says what happened:
//
//	queued      a message was accepted: id, from, size, nrcpt, proto, client, user, dkim
//	delivered   a recipient's attempt: id, to, relay, delay and its parts, dsn, reply
//	deferred    ... and retry_at, the next attempt
//	bounced     ... a permanent failure (a DSN goes to the sender)
//	expired     ... a deferral past queue.max_age: failed
//	refused     a submission refused by dkim.require: from, nrcpt, proto, client, user, reason
//	suppressed  a recipient not tried, by a suppression list: id (none at
//	            intake, where RCPT is refused), to, reason, where (intake or
//	            delivery: the bounced line of its outcome follows), tenant
//	held, released, flushed, requeued, removed
//	            an operator's queue command: id, client
type mailLog struct {
	log  *slog.Logger
	file *logFile // maillog.file, or nil
}

// newMailLog opens the mail log: maillog.file if set, else the main log.
func newMailLog(c MailLogConfig, main *slog.Logger) (*mailLog, error) {
	if c.File == "" {
		return &mailLog{log: main}, nil
	}
	f, err := openLogFile(c.File)
	if err != nil {
		return nil, fmt.Errorf("maillog.file: %w", err)
	}
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	var h slog.Handler = slog.NewTextHandler(f, opts)
	if c.Format == "json" {
		h = slog.NewJSONHandler(f, opts)
	}
	return &mailLog{log: slog.New(h), file: f}, nil
}

// reopen opens maillog.file again (after logrotate moved it).
func (l *mailLog) reopen() error {
	if l.file == nil {
		return nil
	}
	return l.file.reopen()
}

func (l *mailLog) close() error {
	if l.file == nil {
		return nil
	}
	return l.file.close()
}

// logFile is a file appended to, which can be reopened under its name.
type logFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

func openLogFile(path string) (*logFile, error) {
	l := &logFile{path: path}
	if err := l.reopen(); err != nil {
		return nil, err
	}
	return l, nil
}

// Write writes one log record; slog's handlers write each with one call.
func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	return l.f.Write(p)
}

// reopen opens the file at path again (or for the first time), as after
// it was rotated, and closes the one written before.
func (l *logFile) reopen() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	l.mu.Lock()
	old := l.f
	l.f = f
	l.mu.Unlock()
	if old != nil {
		return old.Close()
	}
	return nil
}

func (l *logFile) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// origin is where a submission came from, for its queued line.
type origin struct {
	proto  string // smtp or http
	client netip.Addr
	user   string // the login's user name; "" for a trusted network or the operator
}

// originKey is the context key of a submission's origin.
type originKey struct{}

func withOrigin(ctx context.Context, o origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

// logContext is the context of a submission over this session.
func (s *session) logContext() context.Context {
	return withOrigin(context.Background(), origin{proto: "smtp", client: s.remote, user: s.acct.tenant()})
}

// addr writes an address as Postfix does, in angle brackets: the null
// sender is "<>".
func addr(a string) string { return "<" + a + ">" }

// queued logs an accepted message. size is what was queued (with the
// trace and signature fields); signing is how it was signed.
func (l *mailLog) queued(ctx context.Context, id queue.ID, env *queue.Envelope, size int, s signing) {
	o, ok := ctx.Value(originKey{}).(origin)
	if !ok {
		o.proto = "local" // this MTA's own notices
	}
	attrs := []slog.Attr{
		slog.String("id", string(id)), slog.String("from", addr(env.From)),
		slog.Int("size", size), slog.Int("nrcpt", len(env.Recipients)), slog.String("proto", o.proto),
	}
	if o.client.IsValid() {
		attrs = append(attrs, slog.String("client", o.client.String()))
	}
	if o.user != "" {
		attrs = append(attrs, slog.String("user", o.user))
	}
	if env.Tenant != "" && env.Tenant != o.user {
		attrs = append(attrs, slog.String("tenant", env.Tenant))
	}
	if s.keys != "" {
		attrs = append(attrs, slog.String("dkim", "signed"), slog.String("dkim_keys", s.keys))
	} else {
		attrs = append(attrs, slog.String("dkim", "unsigned"), slog.String("dkim_reason", s.unsigned))
	}
	l.log.LogAttrs(ctx, slog.LevelInfo, "queued", attrs...)
}

// sendTrace times the transactions of one delivery attempt, for the
// delay parts of its outcome lines: for each recipient, when its
// transaction (Deliver or Send) began and ended, how much of that was
// transmission, and the port of the host that answered.
type sendTrace struct {
	rcpts map[string]sendTiming
}

type sendTiming struct {
	start, end time.Time
	xmit       time.Duration
	port       string
}

// add records the transaction that gave res, begun at start. A nil
// trace records nothing.
func (t *sendTrace) add(res *smtpclient.Result, start time.Time) {
	if t == nil || res == nil {
		return
	}
	if t.rcpts == nil {
		t.rcpts = map[string]sendTiming{}
	}
	st := sendTiming{start: start, end: time.Now(), xmit: res.Transmission}
	if _, port, err := net.SplitHostPort(res.Addr); err == nil {
		st.port = port
	}
	for _, o := range res.Recipients {
		t.rcpts[o.Recipient] = st
	}
}

// timing returns the timing of rcpt's transaction, if there was one.
func (t *sendTrace) timing(rcpt string) (sendTiming, bool) {
	if t == nil {
		return sendTiming{}, false
	}
	st, ok := t.rcpts[rcpt]
	return st, ok
}

// seconds rounds d to milliseconds, in seconds.
func seconds(d time.Duration) float64 {
	return math.Round(max(d, 0).Seconds()*1000) / 1000
}

// outcomes logs what Complete decided for each recipient of msg.
func (l *mailLog) outcomes(msg *queue.Message, decided []queue.Decision, tr *sendTrace) {
	attempts := map[string]int{}
	for _, r := range msg.Recipients {
		attempts[r.Addr] = r.Attempts
	}
	for i := range decided {
		d := &decided[i]
		o := &d.Outcome
		what := "delivered"
		switch {
		case d.State == queue.Pending:
			what = "deferred"
		case d.Expired:
			what = "expired"
		case d.State == queue.Failed:
			what = "bounced"
		}
		st := sendTiming{start: d.Time, end: d.Time} // decided before any transaction
		if t, ok := tr.timing(d.Recipient); ok {
			st = t
		}
		relay := "none"
		if o.Host != "" || o.IP.IsValid() {
			relay = o.Host
			if o.IP.IsValid() {
				relay += "[" + o.IP.String() + "]"
			}
			if st.port != "" {
				relay += ":" + st.port
			}
		}
		c := bounce.ClassifyOutcome(o)
		dsn := c.Status
		switch {
		case dsn == "" && d.Expired:
			dsn = "4.4.7" // RFC 3463 X.4.7: delivery time expired
		case dsn == "" && o.Status == delivery.Deferred:
			dsn = "4.0.0"
		case dsn == "" && o.Status == delivery.Failed:
			dsn = "5.0.0"
		}
		reply := o.Reply()
		if reply == "" {
			reply = o.Text
		}
		total := st.end.Sub(msg.Created)
		inQueue := st.start.Sub(msg.Created)
		attrs := []slog.Attr{
			slog.String("id", string(msg.ID)), slog.String("to", addr(d.Recipient)), slog.String("relay", relay),
			slog.Float64("delay", seconds(total)), slog.Float64("delay_queue", seconds(inQueue)),
			slog.Float64("delay_conn", seconds(st.end.Sub(st.start)-st.xmit)), slog.Float64("delay_xmit", seconds(st.xmit)),
			slog.String("dsn", dsn),
		}
		if o.Stage != delivery.StageNone {
			attrs = append(attrs, slog.String("stage", o.Stage.String()))
		}
		attrs = append(attrs, slog.String("reply", reply), slog.Int("attempts", attempts[d.Recipient]+1))
		if what != "delivered" && c.Reason != "" {
			attrs = append(attrs, slog.String("reason", string(c.Reason)))
		}
		if d.State == queue.Pending {
			attrs = append(attrs, slog.String("retry_at", d.RetryAt.UTC().Format(time.RFC3339)))
		}
		if msg.Tenant != "" {
			attrs = append(attrs, slog.String("tenant", msg.Tenant))
		}
		l.log.LogAttrs(context.Background(), slog.LevelInfo, what, attrs...)
	}
}

// suppressed logs a recipient the suppression list stopped, where (intake
// or delivery), with the entry's reason.
func (l *mailLog) suppressed(id, rcpt, where, tenant string, reason suppression.Reason) {
	attrs := make([]slog.Attr, 0, 5)
	if id != "" {
		attrs = append(attrs, slog.String("id", id))
	}
	attrs = append(attrs, slog.String("to", addr(rcpt)), slog.String("reason", string(reason)), slog.String("where", where))
	if tenant != "" {
		attrs = append(attrs, slog.String("tenant", tenant))
	}
	l.log.LogAttrs(context.Background(), slog.LevelInfo, "suppressed", attrs...)
}

// action logs an operator's queue command on one message.
func (l *mailLog) action(what string, id queue.ID, client netip.Addr) {
	attrs := []slog.Attr{slog.String("id", string(id))}
	if client.IsValid() {
		attrs = append(attrs, slog.String("client", client.String()))
	}
	l.log.LogAttrs(context.Background(), slog.LevelInfo, what, attrs...)
}

// fromDomain returns the domain of the From address of msg's header, or
// "" when it has no single readable one.
func fromDomain(msg []byte) string {
	fields, err := headerFields(msg)
	if err != nil {
		return ""
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, "From") {
			list, err := parseAddressList(f.value)
			if err != nil || len(list) != 1 {
				return ""
			}
			if at := strings.LastIndexByte(list[0].Address, '@'); at >= 0 {
				return strings.ToLower(list[0].Address[at+1:])
			}
		}
	}
	return ""
}

// remoteIP is the client's address of an HTTP request.
func remoteIP(r *http.Request) netip.Addr {
	ap, _ := netip.ParseAddrPort(r.RemoteAddr)
	return ap.Addr().Unmap()
}

// apiOrigin is the context of a submission over the API by login.
func (m *MTA) apiOrigin(r *http.Request, login *account) context.Context {
	return withOrigin(r.Context(), origin{proto: "http", client: remoteIP(r), user: login.tenant()})
}

// openMailLog opens maillog.file, when set, in place of the main log.
func (m *MTA) openMailLog() error {
	if m.cfg.MailLog.File == "" {
		return nil
	}
	l, err := newMailLog(m.cfg.MailLog, m.log)
	if err != nil {
		return err
	}
	m.maillog = l
	return nil
}

// ReopenLogs opens maillog.file again, for logrotate (SIGHUP).
func (m *MTA) ReopenLogs() error { return m.maillog.reopen() }

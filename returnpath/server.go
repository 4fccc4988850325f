package returnpath

import (
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
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/verp"
)

// Refusal reasons besides the verp errors, matched with errors.Is.
var (
	// ErrRelay: a recipient outside the return-path domain.
	ErrRelay = errors.New("returnpath: relaying denied")
	// ErrUnknownUser: a local part of the domain that is neither a VERP
	// address nor a feedback address.
	ErrUnknownUser = errors.New("returnpath: no such address")
	// ErrTooManyConnections: over MaxConnections or MaxConnectionsPerIP.
	ErrTooManyConnections = errors.New("returnpath: too many connections")
	// ErrBadAddress: a recipient that is not a valid address.
	ErrBadAddress = errors.New("returnpath: malformed address")
	// ErrHandler: the Handler failed; the message was refused with a
	// temporary error so that it comes again.
	ErrHandler = errors.New("returnpath: handler failed")
)

// Handler takes each accepted message, once per accepted recipient.
// Returning an error refuses the message with 451 4.3.0, so the sending
// MTA retries: HandleBounce must be idempotent.
type Handler interface {
	HandleBounce(ctx context.Context, b *Bounce) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, b *Bounce) error

// HandleBounce calls f.
func (f HandlerFunc) HandleBounce(ctx context.Context, b *Bounce) error { return f(ctx, b) }

// Match says how a bounce's recipient was found.
type Match int

const (
	// MatchNone: no recipient confirmed (no tag, or nothing matched the
	// tag's key and no Lookup found one). MessageID and the tag still say
	// which message it was.
	MatchNone Match = iota
	// MatchReport: an address the report names has the tag's key.
	MatchReport
	// MatchLookup: Server.Lookup gave the address, and it has the key.
	MatchLookup
)

func (m Match) String() string {
	switch m {
	case MatchReport:
		return "report"
	case MatchLookup:
		return "lookup"
	}
	return "none"
}

// Bounce is one accepted message for one of its recipients.
type Bounce struct {
	Received time.Time
	Client   netip.AddrPort // the sending MTA
	Helo     string
	MailFrom string // the envelope sender, "" for a bounce (null reverse-path)
	To       string // the accepted recipient it came to
	Feedback bool   // To is a feedback-loop address

	// Tag is the VERP tag, from To or, for a feedback report, from the
	// returned message's Return-Path; Tagged says there is one. TagErr
	// says why a feedback report's Return-Path gave none (nil when the
	// report has no Return-Path).
	Tag    verp.Tag
	Tagged bool
	TagErr error

	// Recipient is the recipient the message is about, normalised
	// (verp.Normalize), "" when Match is MatchNone.
	Recipient string
	Match     Match

	// Report is what bounce.Parse found; nil when ParseErr is set.
	Report   *bounce.Report
	ParseErr error
	// Verdict is the report's entry for Recipient (or, when the report
	// names another address, the entry that decides: the first hard
	// failure, else the first failure, else the first entry), nil when
	// the report has none.
	Verdict *bounce.Recipient

	// Raw is the start of the message as received, up to ParseBytes;
	// Size is its whole size and Truncated says Raw is not all of it.
	Raw       []byte
	Size      int64
	Truncated bool
}

// MessageID returns the sender's message ID from the tag, or "".
func (b *Bounce) MessageID() string {
	if !b.Tagged {
		return ""
	}
	return b.Tag.MessageID
}

// ForRecipient returns the report reduced to the confirmed recipient: its
// Kind, Feedback and returned header, and the Verdict with
// FinalRecipient set to Recipient. It is what to give a suppression list
// (suppression.List.Report): only the tagged recipient can be suppressed,
// whatever address the report names. Nil when there is no confirmed
// recipient or no report.
func (b *Bounce) ForRecipient() *bounce.Report {
	if b.Report == nil || b.Match == MatchNone {
		return nil
	}
	r := &bounce.Report{
		Kind: b.Report.Kind, ReportingMTA: b.Report.ReportingMTA, Feedback: b.Report.Feedback,
		Original: b.Report.Original, MessageID: b.Report.MessageID, Truncated: b.Report.Truncated,
	}
	v := bounce.Recipient{FinalRecipient: b.Recipient}
	if b.Verdict != nil {
		v = *b.Verdict
		if !strings.EqualFold(v.FinalRecipient, b.Recipient) && v.OriginalRecipient == "" {
			v.OriginalRecipient = v.FinalRecipient
		}
		v.FinalRecipient = b.Recipient
	}
	r.Recipients = []bounce.Recipient{v}
	return r
}

// Refusal is a connection or recipient the server refused.
type Refusal struct {
	Time     time.Time
	Client   netip.AddrPort
	MailFrom string
	Rcpt     string // "" for a refused connection
	Code     int    // the SMTP reply code sent
	Err      error  // ErrRelay, ErrUnknownUser, ErrBadAddress, ErrTooManyConnections, ErrHandler or a *verp.Error
}

// Defaults for the zero fields of Server.
const (
	DefaultMaxMessageBytes     = 32 << 20
	DefaultParseBytes          = 2 << 20
	DefaultMaxConnections      = 100
	DefaultMaxConnectionsPerIP = 10
	DefaultMaxRecipients       = 10
	DefaultTimeout             = 2 * time.Minute
)

// Server receives mail for one return-path domain. Set Codec and Handler;
// the zero value of every other field is a good default. Serve may be
// called for several listeners; Close or Shutdown stops them all.
type Server struct {
	Codec   *verp.Codec
	Handler Handler
	// Feedback lists the addresses of Codec.Domain accepted as they are:
	// the feedback-loop address registered with mailbox providers, and
	// any other fixed address (such as postmaster@, RFC 5321 §4.5.1).
	Feedback []string
	// Lookup, if set, finds the recipient of a tag the report does not
	// name: the sender's own record of message ID and recipient key
	// (verp.Codec.RecipientKey). It returns "" when it does not know.
	// Its answer is used only if it has the tag's key.
	Lookup func(ctx context.Context, tag verp.Tag) (string, error)
	// Hostname is the name in the greeting; "" means Codec.Domain.
	Hostname string
	// TLSConfig, if set, offers STARTTLS.
	TLSConfig *tls.Config
	// Logger logs each accepted message and each refusal; nil is silent.
	Logger *slog.Logger
	// OnRefusal, if set, is called for each refusal, as well as the log.
	OnRefusal func(Refusal)

	MaxMessageBytes     int64         // refused beyond with 552 5.3.4
	ParseBytes          int64         // kept and parsed of each message
	MaxConnections      int           // at once, from all clients
	MaxConnectionsPerIP int           // at once, from one client address
	MaxRecipients       int           // per transaction
	Timeout             time.Duration // per command and reply

	now func() time.Time // for tests

	once    sync.Once
	srv     *smtp.Server
	initErr error
	mu      sync.Mutex
	conns   int
	perIP   map[netip.Addr]int
	feeds   map[string]bool
}

func (s *Server) init() error {
	s.once.Do(func() {
		if s.Codec == nil || s.Handler == nil {
			s.initErr = errors.New("returnpath: Server needs a Codec and a Handler")
			return
		}
		dom, err := address.ParseDomain(s.Codec.Domain)
		if err != nil {
			s.initErr = fmt.Errorf("returnpath: Codec.Domain: %w", err)
			return
		}
		s.feeds = map[string]bool{}
		for _, f := range s.Feedback {
			n, err := verp.Normalize(f)
			if err != nil {
				s.initErr = fmt.Errorf("returnpath: Feedback address: %w", err)
				return
			}
			if !strings.HasSuffix(n, "@"+dom.ASCII()) {
				s.initErr = fmt.Errorf("returnpath: Feedback address %q is not at %s", f, dom.ASCII())
				return
			}
			s.feeds[n] = true
		}
		s.perIP = map[netip.Addr]int{}
		srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
		srv.Domain = s.Hostname
		if srv.Domain == "" {
			srv.Domain = dom.ASCII()
		}
		srv.MaxMessageBytes = orDefault(s.MaxMessageBytes, DefaultMaxMessageBytes)
		srv.MaxRecipients = int(orDefault(int64(s.MaxRecipients), DefaultMaxRecipients))
		t := s.Timeout
		if t <= 0 {
			t = DefaultTimeout
		}
		srv.ReadTimeout, srv.WriteTimeout = t, t
		srv.TLSConfig = s.TLSConfig
		srv.EnableSMTPUTF8 = true
		// Lines longer than RFC 5321 §4.5.3.1.6 allows are common in
		// returned messages; refusing them would lose the bounce.
		srv.MaxLineLength = 64 << 10
		srv.ErrorLog = logAdapter{s.Logger}
		s.srv = srv
	})
	return s.initErr
}

func orDefault(v, d int64) int64 {
	if v <= 0 {
		return d
	}
	return v
}

func (s *Server) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Server) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// Serve accepts connections on l until Close or Shutdown.
func (s *Server) Serve(l net.Listener) error {
	if err := s.init(); err != nil {
		return err
	}
	return s.srv.Serve(&limitListener{Listener: l, s: s})
}

// Close stops the listeners and closes every connection.
func (s *Server) Close() error {
	if err := s.init(); err != nil {
		return err
	}
	return s.srv.Close()
}

// Shutdown stops the listeners and waits for the sessions to end, or ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.init(); err != nil {
		return err
	}
	return s.srv.Shutdown(ctx)
}

// refuse logs a refusal and tells OnRefusal.
func (s *Server) refuse(r Refusal) {
	s.log().Info("refused", "client", r.Client.String(), "from", r.MailFrom, "to", r.Rcpt, "code", r.Code, "err", r.Err)
	if s.OnRefusal != nil {
		s.OnRefusal(r)
	}
}

// limitListener answers 421 to connections over the limits and closes
// them, instead of leaving them waiting in the accept queue.
type limitListener struct {
	net.Listener
	s *Server
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap := addrPort(c.RemoteAddr())
		s := l.s
		s.mu.Lock()
		over := s.conns >= int(orDefault(int64(s.MaxConnections), DefaultMaxConnections)) ||
			s.perIP[ap.Addr()] >= int(orDefault(int64(s.MaxConnectionsPerIP), DefaultMaxConnectionsPerIP))
		if !over {
			s.conns++
			s.perIP[ap.Addr()]++
		}
		s.mu.Unlock()
		if over {
			// Recorded before the client can see the 421, as every other
			// refusal is.
			s.refuse(Refusal{Time: s.clock(), Client: ap, Code: 421, Err: ErrTooManyConnections})
			go func() {
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				io.WriteString(c, "421 4.7.0 Too many connections, try again later\r\n")
				c.Close()
			}()
			continue
		}
		return &countedConn{Conn: c, s: s, ip: ap.Addr()}, nil
	}
}

type countedConn struct {
	net.Conn
	s    *Server
	ip   netip.Addr
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.s.mu.Lock()
		c.s.conns--
		if c.s.perIP[c.ip]--; c.s.perIP[c.ip] <= 0 {
			delete(c.s.perIP, c.ip)
		}
		c.s.mu.Unlock()
	})
	return c.Conn.Close()
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

// session is one SMTP connection.
type session struct {
	s      *Server
	c      *smtp.Conn
	client netip.AddrPort
	from   string
	rcpts  []rcpt
}

// rcpt is an accepted recipient.
type rcpt struct {
	to       string
	feedback bool
	tag      verp.Tag
	tagged   bool
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, c: c, client: addrPort(c.Conn().RemoteAddr())}, nil
}

func (ss *session) Reset()        { ss.from, ss.rcpts = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	ss.rcpts = nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := ss.s
	refuse := func(code int, ec smtp.EnhancedCode, msg string, err error) error {
		s.refuse(Refusal{Time: s.clock(), Client: ss.client, MailFrom: ss.from, Rcpt: to, Code: code, Err: err})
		return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: msg}
	}
	a, err := address.Parse(to)
	if err != nil {
		return refuse(501, smtp.EnhancedCode{5, 1, 3}, "Bad recipient address syntax", fmt.Errorf("%w: %w", ErrBadAddress, err))
	}
	dom, _ := address.ParseDomain(s.Codec.Domain)
	if a.Domain != dom {
		// RFC 5321 §3.6.2: no relaying for others.
		return refuse(550, smtp.EnhancedCode{5, 7, 1}, "Relay access denied", ErrRelay)
	}
	if n, err := verp.Normalize(to); err == nil && s.feeds[n] {
		ss.rcpts = append(ss.rcpts, rcpt{to: to, feedback: true})
		return nil
	}
	tag, err := s.Codec.Decode(to, s.clock())
	switch {
	case err == nil:
		ss.rcpts = append(ss.rcpts, rcpt{to: to, tag: tag, tagged: true})
		return nil
	case errors.Is(err, verp.ErrNotVERP):
		return refuse(550, smtp.EnhancedCode{5, 1, 1}, "No such user here", fmt.Errorf("%w: %w", ErrUnknownUser, err))
	}
	// BATV: a return path we did not sign, or signed too long ago, gets
	// no bounce accepted (no backscatter).
	return refuse(550, smtp.EnhancedCode{5, 7, 1}, "Invalid or expired return path signature", err)
}

func (ss *session) Data(r io.Reader) error {
	s := ss.s
	keep := orDefault(s.ParseBytes, DefaultParseBytes)
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, keep))
	if err == nil {
		var rest int64
		rest, err = io.Copy(io.Discard, r)
		n += rest
	}
	if err != nil {
		// Too large (go-smtp answers 552) or the connection broke: the
		// sending MTA keeps the message.
		s.log().Info("message not received", "client", ss.client.String(), "from", ss.from, "size", n, "err", err)
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), orDuration(s.Timeout, DefaultTimeout))
	defer cancel()
	raw := buf.Bytes()
	rep, perr := (&bounce.Parser{MaxBytes: keep}).Parse(bytes.NewReader(raw))
	now := s.clock()
	for _, rc := range ss.rcpts {
		b := &Bounce{
			Received: now, Client: ss.client, Helo: ss.c.Hostname(), MailFrom: ss.from, To: rc.to,
			Feedback: rc.feedback, Tag: rc.tag, Tagged: rc.tagged,
			Report: rep, ParseErr: perr, Raw: raw, Size: n, Truncated: n > int64(len(raw)),
		}
		s.match(ctx, b)
		attrs := []any{"client", ss.client.String(), "from", ss.from, "to", rc.to, "size", n,
			"kind", kindOf(b), "message_id", b.MessageID(), "recipient", b.Recipient, "match", b.Match.String()}
		if b.Verdict != nil {
			attrs = append(attrs, "reason", string(b.Verdict.Reason), "status", b.Verdict.Status, "hard", b.Verdict.Hard)
		}
		if b.ParseErr != nil {
			attrs = append(attrs, "parse_err", b.ParseErr)
		}
		if b.TagErr != nil {
			attrs = append(attrs, "tag_err", b.TagErr)
		}
		if err := s.Handler.HandleBounce(ctx, b); err != nil {
			s.log().Warn("handler failed, message refused for now", append(attrs, "err", err)...)
			s.refuse(Refusal{Time: now, Client: ss.client, MailFrom: ss.from, Rcpt: rc.to, Code: 451, Err: fmt.Errorf("%w: %w", ErrHandler, err)})
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Cannot record the message now, try again later"}
		}
		s.log().Info("received", attrs...)
	}
	return nil
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func kindOf(b *Bounce) string {
	if b.Report == nil {
		return "unreadable"
	}
	return b.Report.Kind.String()
}

// match finds the tag of a feedback report, the recipient and its verdict.
func (s *Server) match(ctx context.Context, b *Bounce) {
	rep := b.Report
	if !b.Tagged && rep != nil && rep.Original != nil {
		// A feedback report returns the original message, whose
		// Return-Path (added at final delivery, RFC 5321 §4.4) is the
		// VERP address it was sent with.
		if rp := strings.Trim(strings.TrimSpace(rep.Original.Get("Return-Path")), "<>"); rp != "" {
			tag, err := s.Codec.Decode(rp, b.Received)
			if err == nil {
				b.Tag, b.Tagged = tag, true
			} else {
				b.TagErr = err
			}
		}
	}
	if !b.Tagged {
		return
	}
	if rep != nil {
		for i := range rep.Recipients {
			r := &rep.Recipients[i]
			if addr, ok := s.Codec.Match(b.Tag, r.FinalRecipient, r.OriginalRecipient); ok {
				b.Recipient, b.Match, b.Verdict = addr, MatchReport, r
				return
			}
		}
		var more []string
		if rep.Feedback != nil {
			more = append(more, rep.Feedback.OriginalRcptTo...)
		}
		if rep.Original != nil {
			for _, h := range []string{"To", "Cc"} {
				if list, err := rep.Original.AddressList(h); err == nil {
					for _, a := range list {
						more = append(more, a.Address)
					}
				}
			}
		}
		if addr, ok := s.Codec.Match(b.Tag, more...); ok {
			b.Recipient, b.Match = addr, MatchReport
		}
	}
	if b.Match == MatchNone && s.Lookup != nil {
		addr, err := s.Lookup(ctx, b.Tag)
		if err != nil {
			s.log().Warn("lookup failed", "message_id", b.Tag.MessageID, "key", b.Tag.Recipient.String(), "err", err)
		} else if got, ok := s.Codec.Match(b.Tag, addr); ok {
			b.Recipient, b.Match = got, MatchLookup
		} else if addr != "" {
			s.log().Warn("lookup gave an address without the tag's key", "message_id", b.Tag.MessageID, "address", addr)
		}
	}
	if b.Verdict == nil && rep != nil && len(rep.Recipients) > 0 {
		b.Verdict = decisive(rep.Recipients)
	}
}

// decisive picks the entry that decides for a one-recipient envelope whose
// report names other addresses (a forward, an alias that expanded): the
// first hard failure, else the first failure, else the first entry.
func decisive(rs []bounce.Recipient) *bounce.Recipient {
	for i := range rs {
		if rs[i].Hard {
			return &rs[i]
		}
	}
	for i := range rs {
		if rs[i].Action == "failed" {
			return &rs[i]
		}
	}
	return &rs[0]
}

// logAdapter sends go-smtp's own error log to the Logger.
type logAdapter struct{ l *slog.Logger }

func (a logAdapter) Printf(format string, v ...any) {
	if a.l != nil {
		a.l.Warn(fmt.Sprintf(format, v...))
	}
}

func (a logAdapter) Println(v ...any) {
	if a.l != nil {
		a.l.Warn(strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
	}
}

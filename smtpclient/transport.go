package smtpclient

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
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/rawio"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver"
)

// TLSPolicy says how a connection must be protected.
type TLSPolicy int

const (
	// TLSVerified (the default) requires TLS, STARTTLS or implicit, with a
	// certificate that chains to a trusted root and matches the host name.
	// There is never a fallback to plain text.
	TLSVerified TLSPolicy = iota
	// TLSRequired requires TLS but does not check the certificate.
	TLSRequired
	// TLSOpportunistic uses STARTTLS when offered, without checking the
	// certificate (RFC 7435), and plain text otherwise or when the
	// handshake fails. This is what direct delivery uses without a policy.
	TLSOpportunistic
	// TLSNone never starts TLS.
	TLSNone

	// Policies that come from mx routes.
	tlsDANE   // RFC 7672: TLSA records authenticate the server
	tlsMTASTS // RFC 8461 §5: verified TLS to a host the policy lists
)

func (p TLSPolicy) String() string {
	switch p {
	case TLSVerified:
		return "verified"
	case TLSRequired:
		return "required"
	case TLSOpportunistic:
		return "opportunistic"
	case TLSNone:
		return "none"
	case tlsDANE:
		return "dane"
	case tlsMTASTS:
		return "mta-sts"
	}
	return "TLSPolicy(" + strconv.Itoa(int(p)) + ")"
}

func (p TLSPolicy) required() bool { return p != TLSOpportunistic && p != TLSNone }

// verifies reports whether the policy authenticates the server, as
// REQUIRETLS demands (RFC 8689 §4.1).
func (p TLSPolicy) verifies() bool { return p == TLSVerified || p == tlsDANE || p == tlsMTASTS }

// Timeouts bound each stage of a session. Zero fields take the defaults of
// RFC 5321 §4.5.3.2; all are further bounded by the context's deadline.
type Timeouts struct {
	Connect   time.Duration // TCP connect and each TLS handshake (default 30s)
	Greeting  time.Duration // the 220 greeting (§4.5.3.2.1: 5 min)
	Command   time.Duration // EHLO, STARTTLS, AUTH, MAIL, RCPT, RSET (§4.5.3.2.2-3: 5 min)
	DataInit  time.Duration // the 354 reply to DATA (§4.5.3.2.4: 2 min)
	DataBlock time.Duration // each write of message data (§4.5.3.2.5: 3 min)
	DataEnd   time.Duration // the reply after the data (§4.5.3.2.6: 10 min)
}

func (t Timeouts) withDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.Connect, 30*time.Second)
	def(&t.Greeting, 5*time.Minute)
	def(&t.Command, 5*time.Minute)
	def(&t.DataInit, 2*time.Minute)
	def(&t.DataBlock, 3*time.Minute)
	def(&t.DataEnd, 10*time.Minute)
	return t
}

// Router finds where mail for a domain goes; *mx.Router implements it.
type Router interface {
	Lookup(ctx context.Context, domain string) (*mx.Route, error)
}

// Metrics receives events for counting; implementations must be safe for
// concurrent use and fast (they are called on the sending path).
type Metrics interface {
	// ConnOpened is called when a session is ready (after TLS and AUTH).
	ConnOpened(host string, tls bool)
	// ConnReused is called when an idle session is taken for a message.
	ConnReused(host string)
	// Reply is called for every reply, with the command it answers.
	Reply(host, command string, code int)
	// Message is called once per message attempt on a host, with its
	// duration and outcome.
	Message(host string, d time.Duration, err error)
}

// Transport sends messages over pooled SMTP sessions. Its zero value is
// usable (for Deliver it needs a Router); fields must not change after first
// use. It is safe for concurrent use.
type Transport struct {
	// Host is the destination of Send: a relay or submission server.
	Host string
	// Port is the TCP port of both entry points: Send's Host (default
	// 25, or 465 with ImplicitTLS) and the mail exchangers of Deliver
	// (default 25, the SMTP port of RFC 5321 §4.5.4; change it for tests
	// only).
	Port int
	// ImplicitTLS starts TLS on connect instead of STARTTLS (RFC 8314
	// §3.3, port 465). Applies to Send.
	ImplicitTLS bool
	// TLS is the TLS policy of Send (default TLSVerified). Deliver takes its
	// policy from the route: DANE, MTA-STS enforce, or opportunistic.
	TLS TLSPolicy
	// TLSConfig is the base TLS configuration (RootCAs, client certificates,
	// MinVersion); nil means defaults. ServerName is set per host.
	TLSConfig *tls.Config
	// Auth, when set, returns a new SASL client for each session of Send,
	// for example sasl.NewPlainClient("", user, pass) (RFC 4954).
	Auth func() sasl.Client
	// AllowInsecureAuth permits AUTH over a session without TLS.
	AllowInsecureAuth bool
	// LocalName is the name sent in EHLO; default the system host name.
	LocalName string

	// Router resolves domains for Deliver, normally an *mx.Router.
	Router Router

	// DialContext, when set, opens the connections instead of a
	// net.Dialer (for a proxy, a custom network, or net.Pipe in tests).
	// With Sources set it must bind the local address LocalAddr(ctx)
	// returns. The Connect timeout bounds ctx.
	DialContext func(ctx context.Context, network, address string) (net.Conn, error)

	// MaxConnsPerHost limits the sessions open to one host name (a relay
	// or an MX host), whatever its addresses, TLS policies and source
	// addresses (default 10); senders wait for a free one.
	MaxConnsPerHost int
	// MaxIdleConnsPerHost limits idle sessions kept per host name
	// (default MaxConnsPerHost).
	MaxIdleConnsPerHost int
	// IdleConnTimeout closes sessions idle longer than this (default 30s).
	IdleConnTimeout time.Duration
	// MaxMessagesPerConn ends a session after this many transactions
	// (default 100).
	MaxMessagesPerConn int
	// DisableChunking sends with DATA even when CHUNKING is offered.
	DisableChunking bool
	// LMTP speaks LMTP (RFC 2033) to Host instead of SMTP, for handing
	// mail to a mailbox server: LHLO, and after the data one reply per
	// accepted recipient, each recipient getting its own. Send only.
	LMTP bool

	// Timeouts per stage; zero fields take RFC 5321 defaults.
	Timeouts Timeouts

	// RateLimits cap the message rate to destinations (all that match a
	// host apply).
	RateLimits []RateLimit
	// Sources are local addresses to send from, chosen by weight among
	// those of the destination's address family that have capacity left;
	// empty lets the system choose.
	Sources []Source
	// WarmupCounter keeps the counts of the Sources' Warmup caps; nil
	// keeps them in memory, so the caps start over when the process does.
	WarmupCounter WarmupCounter
	// Shaper, when set, adjusts the limits at run time per destination
	// host and source: it admits each message (waiting for a rate,
	// refusing a suspended destination) and may lower or raise
	// MaxConnsPerHost. See Shaper; the shaping package implements it.
	Shaper Shaper

	// TLSReport, when set, receives how TLS came out for each session
	// Deliver opens, under the route's policy, for SMTP TLS Reporting
	// (RFC 8460). It is called on the sending path: keep it fast.
	TLSReport func(TLSResult)

	// Logger receives debug events; nil is silent.
	Logger *slog.Logger
	// Metrics receives counters; nil for none.
	Metrics Metrics

	once        sync.Once
	mu          sync.Mutex
	pools       map[string]*hostPool // by host name
	closed      atomic.Bool
	waitChans   sync.Pool    // of chan *conn, see waitChan
	handOns     atomic.Int64 // sessions handed on with the next sender's commands (conn.handOn)
	limits      limiterSet
	sources     sourceSet
	to          Timeouts
	name        string
	relay       *dest // Send's destination, made on first use
	tlsSessions tls.ClientSessionCache
	nameErr     error
}

// validLocalName accepts a domain name or an address literal for EHLO
// (RFC 5321 §4.1.1.1), and nothing that could end the command line.
func validLocalName(s string) bool {
	if len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '-' || c == '[' || c == ']' || c == ':' || c == '_') {
			return false
		}
	}
	return true
}

// Result is the outcome of one message.
type Result struct {
	Host  string // the host that answered last (MX or relay name)
	Addr  string // its address, "ip:port"
	TLS   bool   // whether the session used TLS
	Reply string // the text of the final reply (often the server's queue id)
	// Source is the local address the session was opened from, when
	// Sources are set.
	Source netip.Addr
	// Recipients has one outcome per Envelope.To, in order: delivered,
	// deferred or failed, with the reply or cause that decided it.
	Recipients []delivery.Outcome
	// DSNNotSent reports that Envelope.DSN was not passed on because the
	// server does not offer DSN. RFC 3461 §4.1 then makes the sender the
	// last hop able to honour it: a NOTIFY=SUCCESS recipient is owed a
	// "relayed" notice.
	DSNNotSent bool
	// Transmission is how long the transaction took on the session that
	// carried it: from MAIL to the reply after the data (zero when no
	// session was reached). The rest of a Send or Deliver is setup: the
	// route lookup, rate-limit waits, and opening a session (TCP,
	// greeting, EHLO, STARTTLS, AUTH, on every host tried) or taking a
	// pooled one; Postfix logs the two as the last parts of delays=.
	Transmission time.Duration
}

// dest is one place to connect to and how.
type dest struct {
	host        string // name: for TLS verification and logs
	addr        string // "ip:port" or "host:port"
	policy      TLSPolicy
	tlsa        []resolver.TLSA
	names       []string // DANE reference identifiers
	src         netip.Addr
	auth        bool
	implicitTLS bool
	limitHost   string        // host name rate limits match
	report      *reportPolicy // for TLSReport; nil for Send
}

type poolKey struct {
	host, addr  string
	policy      TLSPolicy
	src         netip.Addr
	implicitTLS bool
}

func (d *dest) key() poolKey {
	return poolKey{host: d.host, addr: d.addr, policy: d.policy, src: d.src, implicitTLS: d.implicitTLS}
}

func (t *Transport) init() {
	t.once.Do(func() {
		t.pools = make(map[string]*hostPool)
		t.to = t.Timeouts.withDefaults()
		t.name = t.LocalName
		if t.name != "" && !validLocalName(t.name) {
			t.nameErr = fmt.Errorf("smtpclient: Transport.LocalName %q is not a host name or address literal", t.name)
		}
		if t.name == "" {
			if h, err := os.Hostname(); err == nil && h != "" {
				t.name = h
			} else {
				t.name = "localhost"
			}
		}
		t.tlsSessions = tls.NewLRUClientSessionCache(256)
		t.limits.init(t.RateLimits)
		t.sources.init(t.Sources, t.WarmupCounter)
	})
}

func (t *Transport) timeouts() *Timeouts { return &t.to }
func (t *Transport) localName() string   { return t.name }

func (t *Transport) log(msg string, args ...any) {
	if t.Logger != nil {
		t.Logger.Debug(msg, args...)
	}
}

func (t *Transport) maxConns() int {
	if t.MaxConnsPerHost > 0 {
		return t.MaxConnsPerHost
	}
	return 10
}

func (t *Transport) maxIdle() int {
	if t.MaxIdleConnsPerHost > 0 {
		return t.MaxIdleConnsPerHost
	}
	return t.maxConns()
}

func (t *Transport) idleTimeout() time.Duration {
	if t.IdleConnTimeout > 0 {
		return t.IdleConnTimeout
	}
	return 30 * time.Second
}

func (t *Transport) maxMsgs() int {
	if t.MaxMessagesPerConn > 0 {
		return t.MaxMessagesPerConn
	}
	return 100
}

// Send sends one message to the fixed destination Host:Port.
// The Result has one entry per recipient; the error is nil when at least
// one recipient was delivered, else it says why none was (an *Error for a
// refusal). Result is never nil.
func (t *Transport) Send(ctx context.Context, env Envelope, msg io.Reader) (*Result, error) {
	t.init()
	res, m := newResult(&env)
	if t.nameErr != nil {
		return finish(res, t.nameErr)
	}
	if t.Host == "" {
		return finish(res, config("Transport.Host not set"))
	}
	t.mu.Lock()
	d := t.relay
	t.mu.Unlock()
	err := prepare(&env, m)
	resetResult(res, m)
	if err != nil {
		return finish(res, err)
	}
	port := t.Port
	if port == 0 {
		port = 25
		if t.ImplicitTLS {
			port = 465
		}
	}
	if d == nil {
		d = &dest{host: t.Host, addr: net.JoinHostPort(t.Host, strconv.Itoa(port)),
			policy: t.TLS, auth: t.Auth != nil, implicitTLS: t.ImplicitTLS, limitHost: t.Host}
		if d.policy == TLSNone && t.ImplicitTLS {
			d.policy = TLSRequired
		}
		t.mu.Lock()
		t.relay = d
		t.mu.Unlock()
	}
	_, err = t.sendTo(ctx, d, m, msg, messageSize(&env, msg), res)
	return finish(res, err)
}

// Deliver sends one message directly to the mail exchangers of domain,
// found with Router: hosts in order, each of their addresses in order,
// moving on after a connection failure, a 4xx or 5xx greeting or a failed
// session setup (RFC 5321 §5.1). A transaction the server answered is not
// retried elsewhere. A body that is not an io.Seeker goes on to the next
// host only while none of it was read: once a host has taken part of it,
// that host's outcome is the message's.
//
// Every recipient must be in domain (compared in canonical form, see the
// address package): otherwise nothing is sent, and the error and every
// outcome wrap ErrDomainMismatch. A route the mx package calls permanent
// (no such domain, a null MX, no usable host) fails every recipient; DNS
// trouble defers them.
func (t *Transport) Deliver(ctx context.Context, domain string, env Envelope, msg io.Reader) (*Result, error) {
	t.init()
	res, m := newResult(&env)
	if t.nameErr != nil {
		return finish(res, t.nameErr)
	}
	if t.Router == nil {
		return finish(res, config("Transport.Router not set"))
	}
	if t.LMTP {
		return finish(res, config("LMTP is for Send to a mailbox server, not for Deliver"))
	}
	err := prepare(&env, m)
	resetResult(res, m)
	if err != nil {
		return finish(res, err)
	}
	dom, err := address.ParseDomain(domain)
	if err != nil {
		return finish(res, routeFailure(domain, fmt.Errorf("%w: %w", mx.ErrInvalidDomain, err)))
	}
	for i, to := range env.To {
		if m.refused(i) {
			continue
		}
		if a, _ := address.Parse(to); a.Domain != dom {
			return finish(res, config("%w: %s is not in %s", ErrDomainMismatch, to, dom))
		}
	}
	route, err := t.Router.Lookup(ctx, dom.ASCII())
	if err != nil {
		return finish(res, routeFailure(domain, err))
	}
	if route == nil || len(route.Hosts) == 0 {
		return finish(res, routeFailure(domain, ErrNoRoute))
	}
	port := t.Port
	if port == 0 {
		port = 25
	}
	size := messageSize(&env, msg)
	seeker, _ := msg.(io.Seeker)
	var start int64
	// A body that cannot rewind can still go to the next host while
	// nothing of it was read: after a refused connection, a refused
	// greeting or a failed session setup.
	var untouched func() bool
	switch b := msg.(type) {
	case io.Seeker:
		start, _ = seeker.Seek(0, io.SeekCurrent)
	case *bytes.Buffer: // as it is, for the in-memory writes (data.go)
		n := b.Len()
		untouched = func() bool { return b.Len() == n }
	default:
		once := &unrewound{r: msg}
		msg = once
		untouched = func() bool { return !once.used }
	}
	var lastErr error
	tried := 0
	for _, h := range route.Hosts {
		if h.Err != nil {
			// A host mx could not resolve now: a temporary failure if no
			// other host takes the message.
			if lastErr == nil {
				lastErr = failure(delivery.Deferred, delivery.StageRoute, codeDirectory,
					fmt.Errorf("smtpclient: %s: %w", h.Name, h.Err))
			}
			continue
		}
		policy, names := hostPolicy(route, &h)
		var report *reportPolicy
		if t.TLSReport != nil {
			report = routeReport(route, &h, policy)
		}
		for _, a := range h.Addrs {
			d := &dest{host: h.Name, addr: net.JoinHostPort(a.String(), strconv.Itoa(port)),
				policy: policy, tlsa: h.TLSA, names: names, limitHost: h.Name, report: report}
			if d.host == "" {
				d.host = a.String()
				d.limitHost = d.host
			}
			if tried > 0 {
				if seeker == nil {
					if !untouched() {
						return finish(res, lastErr)
					}
				} else if _, err := seeker.Seek(start, io.SeekStart); err != nil {
					return finish(res, readFailure(fmt.Errorf("rewinding: %w", err)))
				}
			}
			tried++
			resetResult(res, m)
			answered, err := t.sendTo(ctx, d, m, msg, size, res)
			if err == nil || answered || ctx.Err() != nil {
				return finish(res, err)
			}
			t.log("smtp: trying next host", "domain", domain, "host", d.host, "addr", d.addr, "err", err)
			lastErr = err
		}
	}
	if lastErr == nil {
		lastErr = routeFailure(domain, fmt.Errorf("%w: no host addresses", ErrNoRoute))
	}
	return finish(res, lastErr)
}

// unrewound is a body Deliver cannot rewind, and whether any of it was
// taken: until then, another host may have it.
type unrewound struct {
	r    io.Reader
	used bool
}

func (u *unrewound) Read(p []byte) (int, error) {
	u.used = true
	return u.r.Read(p)
}

// WriteTo keeps the body's own WriterTo, if it has one, in use.
func (u *unrewound) WriteTo(w io.Writer) (int64, error) {
	u.used = true
	return io.Copy(w, u.r)
}

// hostPolicy maps a route's policy to a host's TLS policy.
func hostPolicy(route *mx.Route, h *mx.Host) (TLSPolicy, []string) {
	switch route.Policy.Kind {
	case mx.PolicyDANE:
		if len(h.TLSA) > 0 {
			// RFC 7672 §3.2.2: the reference identifiers are the TLSA
			// base domain (the MX host name, or where its CNAME chain
			// ends, §2.2.3), the MX host name and the next-hop domain.
			names := []string{h.TLSABase, h.Name, route.Domain}
			if h.TLSABase == "" || h.TLSABase == h.Name {
				names = names[1:]
			}
			return tlsDANE, names
		}
	case mx.PolicyMTASTSEnforce:
		return tlsMTASTS, nil
	}
	return TLSOpportunistic, nil
}

// resultAlloc puts a Result and room for one recipient in one allocation.
type resultAlloc struct {
	res Result
	one [1]delivery.Outcome
	msg message
}

func newResult(env *Envelope) (*Result, *message) {
	a := &resultAlloc{}
	res := &a.res
	if len(env.To) == 1 {
		res.Recipients = a.one[:]
	} else {
		res.Recipients = make([]delivery.Outcome, len(env.To))
	}
	for i, to := range env.To {
		res.Recipients[i].Recipient = to
	}
	return res, &a.msg
}

// resetResult clears res for another host; recipients refused before
// any session keep their outcome.
func resetResult(res *Result, m *message) {
	res.Host, res.Addr, res.TLS, res.Reply, res.DSNNotSent, res.Source = "", "", false, "", false, netip.Addr{}
	res.Transmission = 0
	for i := range res.Recipients {
		o := &res.Recipients[i]
		if m.refused(i) {
			setOutcome(o, m.bad[i])
			continue
		}
		*o = delivery.Outcome{Recipient: o.Recipient}
	}
}

type lener interface{ Len() int }

func messageSize(env *Envelope, msg io.Reader) int64 {
	if env.Size > 0 {
		return env.Size
	}
	if l, ok := msg.(lener); ok {
		return int64(l.Len())
	}
	return 0
}

// sendTo sends on one destination. answered reports that a transaction
// was attempted (the server replied to MAIL): moving to another host would
// risk a duplicate or repeat a refusal.
func (t *Transport) sendTo(ctx context.Context, d *dest, m *message, msg io.Reader, size int64, res *Result) (answered bool, err error) {
	res.Host, res.Addr = d.host, d.addr
	if err := t.limits.wait(ctx, d.limitHost); err != nil {
		return false, localFailure(err)
	}
	seeker, _ := msg.(io.Seeker)
	var msgStart int64
	if seeker != nil {
		msgStart, _ = seeker.Seek(0, io.SeekCurrent)
	}
	base := d
	var adm admitted
	for attempt := 0; ; attempt++ {
		// The source address is chosen before the session and charged
		// against its warm-up caps only once a session will carry the
		// message: a failed connection costs nothing.
		src, err := t.sources.pick(base.addr, adm.refused)
		if err != nil {
			if adm.err != nil { // every source left was refused by the Shaper
				return false, adm.err
			}
			return false, localFailure(err)
		}
		if !t.admit(ctx, &adm, base.limitHost, src) {
			if len(adm.refused) == 0 || ctx.Err() != nil {
				return false, adm.err
			}
			attempt-- // another source, same attempt
			continue
		}
		d = base
		if src.IsValid() {
			dd := *base // base may be shared with other sends
			dd.src = src
			d = &dd
		}
		c, err := t.get(ctx, d, m, size, attempt >= 2)
		if err != nil {
			return false, err
		}
		if src.IsValid() {
			ok, err := t.sources.take(ctx, src)
			if err != nil || !ok {
				t.put(c)
				if err != nil {
					return false, localFailure(err)
				}
				attempt-- // another source, same attempt
				continue
			}
		}
		res.TLS, res.Source = c.tls, src
		start := time.Now()
		handed, err := c.transact(ctx, m, msg, size, res)
		res.Transmission = time.Since(start)
		if t.Metrics != nil {
			t.Metrics.Message(d.host, res.Transmission, err)
		}
		if handed {
			// The session went on to the next sender with this
			// message's final reply (see handOn); nothing to put back.
			return true, err
		}
		var re *errRetry
		if errors.As(err, &re) {
			// A stale pooled session: nothing was taken; use another.
			t.log("smtp: stale pooled session", "addr", d.addr, "err", re.err)
			c.broken = true
			t.put(c)
			resetResult(res, m)
			res.Host, res.Addr = base.host, base.addr
			if c.consumed {
				// BDAT read the first chunk before the failure showed.
				if seeker == nil {
					return false, re.err
				}
				if _, err := seeker.Seek(msgStart, io.SeekStart); err != nil {
					return false, re.err
				}
			}
			if attempt < 3 {
				continue
			}
			return false, re.err
		}
		t.put(c)
		return true, err
	}
}

// connect opens a session to d: TCP, TLS per policy, greeting, EHLO, AUTH.
func (t *Transport) connect(ctx context.Context, d *dest) (*conn, error) {
	c, err := t.connect1(ctx, d, false)
	t.reportTLS(d, c, err)
	if err != nil && d.policy == TLSOpportunistic && errors.Is(err, ErrTLSRequired) && ctx.Err() == nil {
		// RFC 7435: a failed opportunistic handshake falls back to a
		// plain-text session.
		if t.Logger != nil {
			t.Logger.Warn("smtp: STARTTLS failed, retrying without TLS", "host", d.host, "addr", d.addr, "err", err)
		}
		return t.connect1(ctx, d, true)
	}
	return c, err
}

func (t *Transport) connect1(ctx context.Context, d *dest, plain bool) (*conn, error) {
	nc, err := t.dial(ctx, d)
	if err != nil {
		return nil, failure(delivery.Deferred, delivery.StageConnect, codeNoAnswer,
			fmt.Errorf("smtp %s: connect: %w", d.addr, err))
	}
	nc = rawio.Wrap(nc)
	c := &conn{t: t, nc: nc, dest: d, key: d.key()}
	c.br = newReader(nc)
	c.gw.nc = nc
	c.bw = newWriter(&c.gw)
	err = c.setup(ctx, plain)
	if err != nil {
		c.close(true)
		return nil, err
	}
	if t.Metrics != nil {
		t.Metrics.ConnOpened(d.host, c.tls)
	}
	t.log("smtp: session ready", "host", d.host, "addr", d.addr, "tls", c.tls, "policy", d.policy.String())
	return c, nil
}

// dial opens the connection to d, with DialContext when it is set.
func (t *Transport) dial(ctx context.Context, d *dest) (net.Conn, error) {
	timeout := t.timeouts().Connect
	if t.DialContext == nil {
		dialer := net.Dialer{Timeout: timeout}
		if d.src.IsValid() {
			dialer.LocalAddr = &net.TCPAddr{IP: d.src.AsSlice()}
		}
		return dialer.DialContext(ctx, "tcp", d.addr)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if d.src.IsValid() {
		ctx = context.WithValue(ctx, localAddrKey{}, d.src)
	}
	return t.DialContext(ctx, "tcp", d.addr)
}

type localAddrKey struct{}

// LocalAddr returns the source address a Transport's DialContext must
// bind for the connection it is asked to open, when Sources are set.
func LocalAddr(ctx context.Context) (netip.Addr, bool) {
	a, ok := ctx.Value(localAddrKey{}).(netip.Addr)
	return a, ok
}

func (c *conn) setup(ctx context.Context, plain bool) error {
	defer c.watch(ctx)()
	t, d, to := c.t, c.dest, c.t.timeouts()
	if d.implicitTLS {
		if err := c.handshake(ctx, t.tlsConfig(d)); err != nil {
			return err
		}
	}
	r, err := c.read(ctx, "CONNECT", to.Greeting)
	if err != nil {
		return err
	}
	if r.code/100 != 2 {
		c.broken = true
		if r.code < 400 {
			return protocolErr(delivery.StageGreeting, "greeting %d", r.code)
		}
		return r.err(delivery.StageGreeting)
	}
	if err := c.hello(ctx); err != nil {
		return err
	}
	if !c.tls && !plain && d.policy != TLSNone {
		if c.ext.starttls {
			if err := c.startTLS(ctx, t.tlsConfig(d)); err != nil {
				return err
			}
			if err := c.hello(ctx); err != nil { // RFC 3207 §4.2
				return err
			}
		} else if d.policy.required() {
			return failure(delivery.Deferred, delivery.StageTLS, codeTLSNotOffered,
				fmt.Errorf("smtp %s: %w: %w", d.addr, ErrTLSRequired, errSTARTTLSNotOffered))
		}
	}
	if d.auth {
		if err := c.auth(ctx); err != nil {
			return err
		}
	}
	return nil
}

// tlsConfig builds the client TLS configuration for d.
func (t *Transport) tlsConfig(d *dest) *tls.Config {
	var cfg *tls.Config
	if t.TLSConfig != nil {
		cfg = t.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if cfg.ServerName == "" {
		cfg.ServerName = d.host
		if d.policy == tlsDANE && len(d.names) > 0 {
			cfg.ServerName = d.names[0] // the TLSA base domain (RFC 7672 §8.1)
		}
	}
	if cfg.ClientSessionCache == nil {
		// New sessions to a host resume TLS (one round trip less).
		cfg.ClientSessionCache = t.tlsSessions
	}
	switch d.policy {
	case TLSVerified, tlsMTASTS:
		// chain and name checked by crypto/tls
	case tlsDANE:
		// RFC 7672 §3.1: the TLSA records, not the WebPKI, authenticate.
		cfg.InsecureSkipVerify = true
		tlsa, names := d.tlsa, d.names
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return verifyDANE(tlsa, cs, names...)
		}
	default:
		cfg.InsecureSkipVerify = true
	}
	return cfg
}

// Close closes idle sessions and makes later sends fail with ErrClosed.
// Sessions in use are closed when their message is done.
func (t *Transport) Close() error {
	t.init()
	t.closed.Store(true)
	t.CloseIdleConnections()
	return nil
}

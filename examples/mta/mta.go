package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/internal/rawio"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/smtpclient"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// MTA is a running mail transfer agent: listeners, queue, workers.
type MTA struct {
	cfg     *Config
	log     *slog.Logger
	store   queue.Store
	q       *queue.Queue
	signer  *dkim.Signer // nil when no keys are configured
	tr      *smtpclient.Transport
	relay   bool
	trusted []netip.Prefix

	// Logins: the users by name, the API tokens by their SHA-256 (the
	// operator's map to a nil *account), the password checker and the
	// failure counts.
	users     map[string]*account
	tokens    map[[sha256.Size]byte]*account
	passwords *passwords
	logins    *loginLimits

	smtpLimits, httpLimits *connLimits

	metrics *metrics
	hooks   *webhook // nil without a URL
	maillog *mailLog
	admin   *adminAPI
	started time.Time

	delayNotices prometheus.Counter // delay.go
	rp           *returnPath        // returnpath.go; nil without return_path.domain
	reports      *tlsReports        // tlsrpt.go; nil without tlsrpt.dir
	rep          *reputation

	// queued counts the messages in the queue; delivered, deferred and
	// failed count recipients since start.
	queued, delivered, deferred, failed, received, signed atomic.Int64

	wake   chan struct{}
	jobs   chan *queue.Message
	bufs   sync.Pool
	smtpd  *smtp.Server
	httpd  *http.Server
	smtpLn net.Listener
	httpLn net.Listener

	stopLease context.CancelFunc // stops the dispatcher
	hardStop  context.CancelFunc // aborts in-flight deliveries
	workCtx   context.Context
	dispDone  chan struct{}
	workersWG sync.WaitGroup
	serveWG   sync.WaitGroup
}

// New builds an MTA from a checked configuration; Start runs it.
func New(ctx context.Context, cfg *Config, log *slog.Logger) (*MTA, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &MTA{
		cfg:      cfg,
		log:      log,
		users:    map[string]*account{},
		tokens:   map[[sha256.Size]byte]*account{},
		maillog:  &mailLog{log: log}, // maillog.file is opened by Start
		admin:    newAdminAPI(cfg.Admin),
		started:  time.Now(),
		wake:     make(chan struct{}, 1),
		jobs:     make(chan *queue.Message, cfg.Delivery.Workers),
		dispDone: make(chan struct{}),
	}
	m.bufs.New = func() any { return new(bytes.Buffer) }
	for _, u := range cfg.SMTP.Users {
		a := &account{name: u.Username, from: u.From}
		if len(a.from) == 0 {
			for _, k := range cfg.DKIM.Keys {
				a.from = append(a.from, "@"+k.Domain)
			}
		}
		if u.PasswordHash != "" {
			a.hash = []byte(u.PasswordHash)
		} else if u.Password != "" {
			a.pass = []byte(u.Password)
		}
		m.users[u.Username] = a
		for _, t := range u.APITokens {
			m.tokens[sha256.Sum256([]byte(t))] = a
		}
	}
	for _, t := range cfg.HTTP.APITokens {
		m.tokens[sha256.Sum256([]byte(t))] = nil // the operator
	}
	var cheaper []string
	m.passwords, cheaper = newPasswords(m.users)
	if len(cheaper) > 0 {
		log.Warn("these users' password hashes have a lower bcrypt cost than others: their failed logins are faster, which tells them apart; hash them again with mta -hash-password", "users", cheaper)
	}
	m.logins = newLoginLimits(cfg.SMTP.MaxLoginFailures, time.Duration(cfg.SMTP.LoginBlock))
	for _, n := range cfg.SMTP.TrustedNetworks {
		p, _ := parsePrefix(n) // checked by LoadConfig
		m.trusted = append(m.trusted, p)
	}
	m.smtpLimits = newConnLimits(cfg.SMTP.MaxSessions, cfg.SMTP.MaxSessionsPerIP, m.isTrusted)
	m.httpLimits = newConnLimits(cfg.HTTP.MaxConns, cfg.HTTP.MaxConnsPerIP, nil)
	m.metrics = newMetrics(m)
	m.initDelayNotices()

	// DKIM: configured keys and a key directory, used for mail whose From
	// domain (or a parent) has a key.
	if len(cfg.DKIM.Keys) > 0 || cfg.DKIM.Dir != "" {
		ks := &keyStore{}
		if cfg.DKIM.Dir != "" {
			ks.dir = &dkim.DirStore{Dir: cfg.DKIM.Dir}
		}
		for _, k := range cfg.DKIM.Keys {
			pem, err := os.ReadFile(k.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("dkim key %s/%s: %w", k.Domain, k.Selector, err)
			}
			priv, err := dkim.ParsePrivateKey(pem)
			if err != nil {
				return nil, fmt.Errorf("dkim key %s: %w", k.KeyFile, err)
			}
			d := dnsName(k.Domain)
			keys, _ := ks.mem.Keys(ctx, d)
			ks.mem.Set(d, append(keys, dkim.Key{Domain: d, Selector: k.Selector, Signer: priv})...)
		}
		// Check the configured keys now (size, type) rather than at the
		// first message.
		var all []dkim.Key
		for _, k := range cfg.DKIM.Keys {
			keys, _ := ks.mem.Keys(ctx, dnsName(k.Domain))
			all = append(all, keys...)
		}
		if len(all) > 0 {
			if _, err := dkim.NewSigner(dkim.SignOptions{Keys: all}); err != nil {
				return nil, fmt.Errorf("dkim keys: %w", err)
			}
		}
		opts := dkim.SignOptions{Store: ks}
		if c := cfg.DKIM.Canonicalization; c != "" {
			opts.HeaderCanonicalization, opts.BodyCanonicalization, _ = strings.Cut(c, "/")
		}
		s, err := dkim.NewSigner(opts)
		if err != nil {
			return nil, err
		}
		m.signer = s
	}

	// The queue.
	var err error
	if cfg.Queue.Dir != "" {
		m.store, err = queue.Open(cfg.Queue.Dir, &queue.Options{Logger: log, InlineLimit: queueInlineLimit})
	} else {
		m.store, err = pgstore.Open(ctx, cfg.Queue.PostgresDSN, &pgstore.Options{Schema: cfg.Queue.PostgresSchema, Logger: log, MaxConns: int32(min(cfg.Delivery.Workers, 32))})
	}
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	counts, err := m.store.Counts(ctx, time.Now())
	if err != nil {
		closeStore(m.store)
		return nil, fmt.Errorf("queue: %w", err)
	}
	m.queued.Store(int64(counts.Queued))
	m.q = &queue.Queue{
		Store: m.store,
		Default: queue.Schedule{
			Initial: time.Duration(cfg.Queue.RetryInitial),
			Max:     time.Duration(cfg.Queue.RetryMax),
			MaxAge:  time.Duration(cfg.Queue.MaxAge),
		},
		MaxSize:   cfg.SMTP.MaxMessageBytes + 64<<10, // room for the Received and DKIM-Signature fields
		LeaseTime: time.Duration(cfg.Queue.LeaseTime),
		Hook:      m.hook,
	}

	// Delivery.
	d := cfg.Delivery
	m.tr = &smtpclient.Transport{
		LocalName:          cfg.Hostname,
		MaxConnsPerHost:    d.MaxConnsPerHost,
		MaxMessagesPerConn: d.MaxMessagesPerConn,
		Logger:             log,
		Metrics:            m.metrics,
	}
	for _, l := range d.Limits {
		burst := l.Burst
		if burst <= 0 {
			burst = 1
		}
		m.tr.RateLimits = append(m.tr.RateLimits, smtpclient.RateLimit{Hosts: l.Hosts, Rate: rate.Limit(l.Rate), Burst: burst, PerHost: l.PerHost})
	}
	for _, s := range d.SourceIPs {
		m.tr.Sources = append(m.tr.Sources, smtpclient.Source{Addr: netip.MustParseAddr(s.Addr), Weight: s.Weight})
	}
	if d.Relay != "" {
		host, port, err := net.SplitHostPort(d.Relay)
		if err != nil {
			closeStore(m.store)
			return nil, fmt.Errorf("delivery.relay: %w", err)
		}
		m.relay = true
		m.tr.Host = host
		m.tr.Port, _ = strconv.Atoi(port)
		m.tr.TLS, _ = tlsPolicy(d.RelayTLS)
		if d.RelayUsername != "" {
			user, pass := d.RelayUsername, d.RelayPassword
			m.tr.Auth = func() sasl.Client { return sasl.NewPlainClient("", user, pass) }
		}
	} else {
		rc := &resolver.Client{Servers: d.DNSServers, Logger: log}
		m.tr.Router = &mx.Router{Resolver: rc, Logger: log}
		m.tr.Port = d.MXPort
		m.newTLSReports(rc)
	}
	m.guardDestinations()

	if cfg.Webhook.URL != "" {
		m.hooks = newWebhook(cfg.Webhook, log, m.metrics)
	}
	if m.rep, err = newReputation(ctx, m); err != nil {
		closeStore(m.store)
		return nil, err
	}
	if err := m.newReturnPath(); err != nil {
		m.rep.close()
		closeStore(m.store)
		return nil, err
	}
	return m, nil
}

// queueInlineLimit is the largest body the embedded queue keeps inside
// its database, written with the group commit of its record; larger ones
// are files of their own, each created, written, fsynced with its
// directory, and removed after delivery. At 100 KB (marketing mail) a file
// cost more CPU than the rest of the intake together; a body kept inside
// the database (its arena, written in place) costs its pages and no
// copy, since the intake hands it over as the *bytes.Buffer it read.
const queueInlineLimit = 256 << 10

func closeStore(s queue.Store) {
	if c, ok := s.(io.Closer); ok {
		c.Close()
	}
}

// isTrusted reports whether a is in smtp.trusted_networks.
func (m *MTA) isTrusted(a netip.Addr) bool {
	for _, p := range m.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// keyStore looks in the configured keys first, then in the key directory.
// It gives the keys of a domain only to a submitter who may use the
// domain (the *account in the context under signingFor, put there by
// submit): whatever From the signer reads, a user never gets a signature
// of a domain that is not its own.
type keyStore struct {
	mem dkim.MemoryStore
	dir *dkim.DirStore
}

// signingFor is the context key of the *account a message is signed for.
type signingFor struct{}

func (k *keyStore) Keys(ctx context.Context, domain string) ([]dkim.Key, error) {
	if a, ok := ctx.Value(signingFor{}).(*account); !ok || !a.mayUseDomain(domain) {
		return nil, nil
	}
	keys, err := k.mem.Keys(ctx, domain)
	if len(keys) > 0 || err != nil || k.dir == nil {
		return keys, err
	}
	return k.dir.Keys(ctx, domain)
}

func tlsPolicy(s string) (smtpclient.TLSPolicy, error) {
	switch strings.ToLower(s) {
	case "", "verified":
		return smtpclient.TLSVerified, nil
	case "required":
		return smtpclient.TLSRequired, nil
	case "opportunistic":
		return smtpclient.TLSOpportunistic, nil
	case "none":
		return smtpclient.TLSNone, nil
	}
	return 0, fmt.Errorf("delivery.relay_tls %q: want verified, required, opportunistic or none", s)
}

// Start opens the listeners and starts the workers.
func (m *MTA) Start() error {
	// Certificates and the mail log first: nothing has started if one is
	// missing.
	if err := m.openMailLog(); err != nil {
		return err
	}
	smtpTLS, err := loadTLS(m.cfg.SMTP.TLSCert, m.cfg.SMTP.TLSKey)
	if err != nil {
		return fmt.Errorf("smtp tls: %w", err)
	}
	httpTLS, err := loadTLS(m.cfg.HTTP.TLSCert, m.cfg.HTTP.TLSKey)
	if err != nil {
		return fmt.Errorf("http tls: %w", err)
	}
	if m.cfg.SMTP.Listen != "" {
		// No TCP keep-alive: the session's idle and command timeouts end
		// a dead client's session (as Postfix's smtpd does), and the
		// keep-alive settings cost four system calls per connection.
		lc := net.ListenConfig{KeepAlive: -1}
		ln, err := lc.Listen(context.Background(), "tcp", m.cfg.SMTP.Listen)
		if err != nil {
			return fmt.Errorf("smtp listener: %w", err)
		}
		m.smtpLn = ln
	}
	if m.cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", m.cfg.HTTP.Listen)
		if err != nil {
			if m.smtpLn != nil {
				m.smtpLn.Close()
			}
			return fmt.Errorf("http listener: %w", err)
		}
		m.httpLn = ln
	}
	if err := m.listenReturnPath(); err != nil {
		for _, ln := range []net.Listener{m.smtpLn, m.httpLn} {
			if ln != nil {
				ln.Close()
			}
		}
		return err
	}
	work, hard := context.WithCancel(context.Background())
	lease, stop := context.WithCancel(work)
	m.workCtx, m.hardStop, m.stopLease = work, hard, stop
	if m.hooks != nil {
		m.hooks.start()
	}
	m.rep.start()
	for i := 0; i < m.cfg.Delivery.Workers; i++ {
		m.workersWG.Add(1)
		go m.worker()
	}
	go m.dispatch(lease)

	if m.smtpLn != nil {
		m.smtpd = m.newSMTPServer()
		m.smtpd.TLSConfig = smtpTLS // nil: no STARTTLS
		// Sessions over the limits get 421 4.7.0 (RFC 5321 §4.2.2,
		// RFC 3463 §3.8) and are closed before go-smtp sees them.
		ln := smtpListener{
			Listener: limitListener{
				Listener: rawio.Listener(m.smtpLn),
				limits:   m.smtpLimits,
				refuse:   []byte("421 4.7.0 " + m.cfg.Hostname + " Too many connections, try again later\r\n"),
				refused:  m.metrics.limited.WithLabelValues("smtp_sessions").Inc,
			},
			idle:    time.Duration(m.cfg.SMTP.IdleTimeout),
			session: time.Duration(m.cfg.SMTP.SessionTimeout),
		}
		m.serveWG.Add(1)
		go func() {
			defer m.serveWG.Done()
			if err := m.smtpd.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
				m.log.Error("smtp listener", "err", err)
			}
		}()
		m.log.Info("smtp submission listening", "addr", m.smtpLn.Addr().String())
	}
	if m.httpLn != nil {
		m.startHTTP(httpTLS)
	}
	m.serveReturnPath(smtpTLS)
	m.startTLSReports()
	return nil
}

// loadTLS reads a certificate and its key, if given.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, nil
}

// HTTP timeouts: a request's header must arrive within httpHeaderTimeout
// and the whole request (a body of up to twice smtp.max_message_bytes)
// within httpReadTimeout; the response must be written within
// httpWriteTimeout of the request's header; an idle keep-alive connection
// is closed after httpIdleTimeout.
const (
	httpHeaderTimeout = 10 * time.Second
	httpReadTimeout   = 5 * time.Minute
	httpWriteTimeout  = 6 * time.Minute
	httpIdleTimeout   = 2 * time.Minute
)

// startHTTP serves the API and the metrics, over TLS if tlsConfig is not
// nil.
func (m *MTA) startHTTP(tlsConfig *tls.Config) {
	if len(m.tokens) == 0 && len(m.users) == 0 {
		if ap, err := netip.ParseAddrPort(m.httpLn.Addr().String()); err != nil || !ap.Addr().IsLoopback() {
			m.log.Warn("the HTTP API has no api_tokens and no users: anyone who reaches it can send mail", "addr", m.httpLn.Addr().String())
		}
	}
	m.httpd = &http.Server{
		Handler:           m.handler(),
		ReadHeaderTimeout: httpHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.log.Handler(), slog.LevelDebug),
	}
	var ln net.Listener = limitListener{
		Listener: m.httpLn,
		limits:   m.httpLimits,
		refused:  m.metrics.limited.WithLabelValues("http_conns").Inc,
	}
	if tlsConfig != nil {
		// Serve speaks HTTP/2 on TLS connections that negotiate h2.
		tlsConfig.NextProtos = []string{"h2", "http/1.1"}
		m.httpd.TLSConfig = tlsConfig
		ln = tls.NewListener(ln, tlsConfig)
	}
	m.serveWG.Add(1)
	go func() {
		defer m.serveWG.Done()
		if err := m.httpd.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error("http listener", "err", err)
		}
	}()
	m.log.Info("http api listening", "addr", m.httpLn.Addr().String(), "tls", tlsConfig != nil)
}

// SMTPAddr and HTTPAddr return the listeners' addresses.
func (m *MTA) SMTPAddr() string { return addrOf(m.smtpLn) }

// HTTPAddr returns the HTTP listener's address.
func (m *MTA) HTTPAddr() string { return addrOf(m.httpLn) }

func addrOf(ln net.Listener) string {
	if ln == nil {
		return ""
	}
	return ln.Addr().String()
}

// Shutdown stops accepting mail, lets in-flight deliveries finish (until
// ctx is done, then aborts them; their messages are retried later), flushes
// webhook events and closes the queue.
func (m *MTA) Shutdown(ctx context.Context) error {
	var errs []error
	if m.smtpd != nil {
		if err := m.smtpd.Shutdown(ctx); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			// Sessions still open when ctx ends are cut: no message
			// of theirs was acknowledged.
			m.smtpd.Close()
			errs = append(errs, err)
		}
		// go-smtp closes only the listeners its Serve has registered,
		// which a Serve just started may not have done yet.
		m.smtpLn.Close()
	}
	if m.httpd != nil {
		if err := m.httpd.Shutdown(ctx); err != nil {
			m.httpd.Close()
			errs = append(errs, err)
		}
	}
	if err := m.stopReturnPath(ctx); err != nil {
		errs = append(errs, err)
	}
	m.serveWG.Wait()
	if m.stopLease != nil {
		m.stopLease()
		<-m.dispDone
		done := make(chan struct{})
		go func() { m.workersWG.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			m.hardStop()
			<-done
		}
		m.hardStop()
	}
	m.tr.Close()
	if err := m.closeSendLog(); err != nil {
		errs = append(errs, err)
	}
	if err := m.stopTLSReports(ctx); err != nil {
		errs = append(errs, err)
	}
	m.rep.close()
	if m.hooks != nil {
		m.hooks.stop(ctx)
	}
	m.maillog.close()
	if c, ok := m.store.(io.Closer); ok {
		if err := c.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Stats are the counters of GET /api/stats. Queued, Active, Due, Held
// and Dead come from the queue there (they survive restarts); the others
// count since this process started (Since).
type Stats struct {
	Queued    int64     `json:"queued"`    // messages in the queue
	Active    int64     `json:"active"`    // ... in delivery now
	Due       int64     `json:"due"`       // ... due now, waiting for a worker
	Held      int64     `json:"held"`      // ... on hold
	Dead      int64     `json:"dead"`      // dead letters
	Received  int64     `json:"received"`  // messages accepted since start
	Delivered int64     `json:"delivered"` // recipients delivered since start
	Deferred  int64     `json:"deferred"`  // deferrals since start
	Failed    int64     `json:"failed"`    // recipients failed since start
	Signed    int64     `json:"signed"`    // messages DKIM-signed since start
	Since     time.Time `json:"since"`     // when this process started
}

// Stats returns the process's counters; Queued is this process's view
// of the queue (GET /api/stats asks the queue itself).
func (m *MTA) Stats() Stats {
	return Stats{
		Queued: m.queued.Load(), Received: m.received.Load(),
		Delivered: m.delivered.Load(), Deferred: m.deferred.Load(), Failed: m.failed.Load(),
		Signed: m.signed.Load(), Since: m.started.UTC(),
	}
}

// submit checks, signs and queues one message for a (nil: the
// operator): raw is the message as received, trace a Received field to
// put first (every submission has one; only this MTA's own notices, such
// as DSNs, come without). The line ends are made CRLF first, so that what
// is checked and signed is what will be sent. It returns once the message
// is durable, and logs it in the mail log with the origin in ctx
// (withOrigin); a message refused for its header, or unsigned under
// dkim.require, gets a *headerError. head, if not empty, is room just
// before raw in the same array (queuedMessage).
func (m *MTA) submit(ctx context.Context, a *account, env *queue.Envelope, trace string, raw, head []byte) (queue.ID, error) {
	return m.submitCRLF(ctx, a, env, trace, crlf(raw), head)
}

// submitCRLF is submit for a message whose every line already ends in
// CRLF, with no other CR or LF in it (as readData found it).
func (m *MTA) submitCRLF(ctx context.Context, a *account, env *queue.Envelope, trace string, raw, head []byte) (queue.ID, error) {
	start := time.Now()
	if err := checkHeader(raw, a); err != nil {
		return "", err
	}
	sig, signed, err := m.sign(ctx, a, env, raw, trace == "")
	if err != nil {
		return "", err
	}
	id, err := m.q.Enqueue(ctx, env, queuedMessage(head, trace, sig, raw))
	if err != nil {
		return "", err
	}
	m.maillog.queued(ctx, id, env, len(trace)+len(sig)+len(raw), signed)
	m.metrics.enqueue.Observe(time.Since(start).Seconds())
	m.queued.Add(1)
	m.received.Add(1)
	m.metrics.received.Inc()
	select {
	case m.wake <- struct{}{}:
	default:
	}
	return id, nil
}

// queuedMessage is what goes to the queue: the trace and signature fields, then
// raw. When they fit in head, room just before raw in the same array (the
// SMTP session reads DATA after some), they are copied there and the
// queue is given the whole as a *bytes.Buffer, which it stores without
// copying a 100 KB message once more (queue.Embedded.Enqueue).
func queuedMessage(head []byte, trace, sig string, raw []byte) io.Reader {
	n := len(trace) + len(sig)
	switch {
	case n == 0:
		return bytes.NewBuffer(raw)
	case n <= len(head) && len(raw) > 0 && cap(head) > len(head) && &head[:len(head)+1][len(head)] == &raw[0]:
		start := len(head) - n
		copy(head[start:], trace)
		copy(head[start+len(trace):], sig)
		return bytes.NewBuffer(head[start : len(head)+len(raw)])
	}
	return io.MultiReader(strings.NewReader(trace), strings.NewReader(sig), bytes.NewReader(raw))
}

// hook sees every durable queue change: counters, metrics, webhook
// events, and the failures of the Complete call being tracked (for DSNs).
func (m *MTA) hook(e queue.Event) {
	switch e.Kind {
	case queue.EventDelivered:
		m.delivered.Add(1)
		m.metrics.delivered.Inc()
	case queue.EventDeferred:
		m.deferred.Add(1)
		m.metrics.deferred.Inc()
	case queue.EventFailed:
		m.failed.Add(1)
		m.metrics.failed.Inc()
	default:
		return
	}
	if m.hooks != nil {
		m.hooks.add(eventFromQueue(e))
	}
}

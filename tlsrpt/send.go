package tlsrpt

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/resolver"
)

// Sender delivers reports to where a domain's TLSRPT record says (RFC
// 8460 §3, §5): by mail through SendMail for mailto: URIs, by HTTPS POST
// for https: URIs. Set Resolver; the other fields have useful zero values.
// It is safe for concurrent use; its fields must not change after the
// first Send.
type Sender struct {
	// Resolver finds the TLSRPT records and the addresses of https:
	// destinations. Required.
	Resolver resolver.Resolver

	// SendMail hands a report message (see WriteMail) to the normal
	// sending path, for example a queue: from is the message's From
	// address, to the mailbox of the mailto: URI. nil leaves mailto:
	// destinations unused. RFC 8460 §3 asks three things of that path:
	// sign the message with DKIM for the reporting domain, without l=;
	// deliver it despite TLS failures (even in the clear); and leave that
	// session out of the next report. An error with a Permanent() method
	// that returns true (a delivery.Outcome that failed, say) is not
	// retried; other errors are.
	SendMail func(ctx context.Context, from, to string, msg []byte) error
	// From is the From address of report mail; empty means the report's
	// contact-info.
	From string

	// HTTPClient posts to https: destinations. nil means a client with
	// verified TLS (on TLSConfig, or the system's roots), that resolves
	// names through Resolver, refuses addresses that are not public
	// unless AllowPrivateAddresses, and follows no redirect (a receiver
	// answers 200 or 201, RFC 8460 §5.4).
	HTTPClient *http.Client
	// TLSConfig is the base TLS configuration of the default client
	// (RootCAs, MinVersion); nil means defaults.
	TLSConfig *tls.Config
	// AllowPrivateAddresses lets the default client post to loopback,
	// private and link-local addresses (for tests; a published URI that
	// leads there is otherwise refused).
	AllowPrivateAddresses bool

	// MaxReportSize bounds the compressed report; a larger one is not
	// sent. Default 10 MB, a receiver limit RFC 8460 §5.2 reports as
	// common.
	MaxReportSize int
	// Timeout bounds the delivery to each destination (default 1 min).
	Timeout time.Duration
	// MaxDestinations bounds the destinations one report goes to: each
	// https: URI and each mailbox of a mailto: URI, in the record's
	// order; the rest are left out. RFC 8460 sets no bound, and without
	// one a domain whose record lists a thousand mailboxes has this
	// sender mail a thousand strangers each day. DMARC's rule for its
	// report URIs is the model (RFC 7489 §6.2: a limit may be imposed,
	// and at least two supported). Default 5.
	MaxDestinations int

	once sync.Once
	http *http.Client
}

// DeliveryError is a failed delivery to one destination.
type DeliveryError struct {
	URI       string // the rua URI
	Permanent bool   // trying again will not help
	Err       error
}

func (e *DeliveryError) Error() string {
	s := "tlsrpt: delivery to " + e.URI + ": " + e.Err.Error()
	if e.Permanent {
		s += " (permanent)"
	}
	return s
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// ErrNoDestination: a TLSRPT record names no URI this Sender can deliver
// to (only mailto: and https: are defined, and mailto: needs SendMail).
var ErrNoDestination = errors.New("tlsrpt: no usable destination")

// Send delivers rep to every destination of its policy domain's TLSRPT
// record and returns the first URI that accepted it. The report counts as
// delivered when one destination accepted it (RFC 8460 §3); the error is
// then nil. Otherwise the error wraps ErrNoRecord when the domain asks for
// no reports, the resolver's error when DNS failed, or *DeliveryError
// values, one per destination. uniqueID goes into the attachment's file
// name of report mail (see Report.Filename).
func (s *Sender) Send(ctx context.Context, rep *Report, uniqueID string) (string, error) {
	if s.Resolver == nil {
		return "", errors.New("tlsrpt: Sender.Resolver is nil")
	}
	rec, err := LookupRecord(ctx, s.Resolver, rep.PolicyDomain())
	if err != nil {
		return "", err
	}
	gz, err := rep.Gzip()
	if err != nil {
		return "", err
	}
	maxSize := s.MaxReportSize
	if maxSize <= 0 {
		maxSize = 10_000_000
	}
	var errs []error
	if len(gz) > maxSize {
		for _, u := range rec.RUA {
			errs = append(errs, &DeliveryError{URI: u.String(), Permanent: true,
				Err: fmt.Errorf("report of %d bytes, more than %d", len(gz), maxSize)})
		}
		return "", errors.Join(errs...)
	}
	accepted := ""
	usable := 0
	left := s.MaxDestinations
	if left <= 0 {
		left = 5
	}
	for _, u := range rec.RUA {
		if left == 0 {
			break
		}
		var err error
		switch strings.ToLower(u.Scheme) {
		case "https":
			left--
			err = s.post(ctx, u, gz)
		case "mailto":
			if s.SendMail == nil {
				continue
			}
			err = s.mail(ctx, u, rep, uniqueID, &left)
		default:
			continue
		}
		usable++
		if err != nil {
			errs = append(errs, err)
		} else if accepted == "" {
			accepted = u.String()
		}
	}
	switch {
	case accepted != "":
		return accepted, nil
	case usable == 0:
		return "", fmt.Errorf("%w among %d URIs of the TLSRPT record of %s", ErrNoDestination, len(rec.RUA), rep.PolicyDomain())
	}
	return "", errors.Join(errs...)
}

// mail sends rep to the mailboxes of a mailto: URI (RFC 6068: addresses
// percent-encoded, separated by commas; header fields ignored), while
// *left, the destinations left (MaxDestinations), is not 0.
func (s *Sender) mail(ctx context.Context, u *url.URL, rep *Report, uniqueID string, left *int) error {
	fail := func(permanent bool, err error) error {
		return &DeliveryError{URI: u.String(), Permanent: permanent, Err: err}
	}
	to, err := url.PathUnescape(u.Opaque)
	if err != nil || u.Opaque == "" {
		return fail(true, fmt.Errorf("malformed mailto: URI"))
	}
	from := cmpOr(s.From, rep.ContactInfo)
	var errs []error
	sent := false
	for addr := range strings.SplitSeq(to, ",") {
		if *left == 0 {
			break
		}
		*left--
		if _, err := address.Parse(addr); err != nil {
			errs = append(errs, fail(true, err))
			continue
		}
		var msg bytes.Buffer
		if err := rep.WriteMail(&msg, Mail{From: from, To: addr, UniqueID: uniqueID}); err != nil {
			errs = append(errs, fail(true, err))
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, s.timeout())
		err := s.SendMail(ctx, from, addr, msg.Bytes())
		cancel()
		if err != nil {
			var p interface{ Permanent() bool }
			errs = append(errs, fail(errors.As(err, &p) && p.Permanent(), err))
			continue
		}
		sent = true
	}
	if sent {
		return nil
	}
	return errors.Join(errs...)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Sender) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return time.Minute
}

// post sends the gzip report to an https: URI (RFC 8460 §5.4).
func (s *Sender) post(ctx context.Context, u *url.URL, gz []byte) error {
	fail := func(permanent bool, err error) error {
		return &DeliveryError{URI: u.String(), Permanent: permanent, Err: err}
	}
	if u.Host == "" || u.User != nil {
		return fail(true, errors.New("not an https URL with a host and no user"))
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(gz))
	if err != nil {
		return fail(true, err)
	}
	req.Header.Set("Content-Type", MediaTypeGzip)
	req.Header.Set("User-Agent", "mxkit-tlsrpt")
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return fail(errors.Is(err, errNotPublic), err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can close cleanly
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code >= 300 && code < 400:
		return fail(true, fmt.Errorf("HTTP %s: redirects are not followed", resp.Status))
	}
	// 408 and 429 say "later", as 5xx do; other 4xx refuse the report.
	temporary := code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests
	return fail(!temporary, fmt.Errorf("HTTP %s: %s", resp.Status, strings.TrimSpace(strings.ToValidUTF8(string(text), "?"))))
}

// httpClient returns HTTPClient or the default client.
func (s *Sender) httpClient() *http.Client {
	s.once.Do(func() {
		if s.HTTPClient != nil {
			s.http = s.HTTPClient
			return
		}
		conf := &tls.Config{MinVersion: tls.VersionTLS12}
		if s.TLSConfig != nil {
			conf = s.TLSConfig.Clone()
		}
		s.http = &http.Client{
			Transport: &http.Transport{
				DialContext:            s.dial,
				TLSClientConfig:        conf,
				TLSHandshakeTimeout:    10 * time.Second,
				ResponseHeaderTimeout:  30 * time.Second,
				MaxResponseHeaderBytes: 64 << 10,
				// Reports go out once a day: no idle connections,
				// no goroutines left behind.
				DisableKeepAlives: true,
				ForceAttemptHTTP2: true,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	})
	return s.http
}

// errNotPublic marks an https: destination whose addresses are all
// loopback, private or otherwise not on the public Internet.
var errNotPublic = errors.New("address not public")

// dial connects to a destination's host, its name resolved through the
// Resolver (so that every lookup goes where the caller said), trying its
// addresses in order.
func (s *Sender) dial(ctx context.Context, network, hostport string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		addrs = []netip.Addr{a}
	} else if addrs, _, err = s.Resolver.LookupIP(ctx, "ip", host); err != nil {
		return nil, err
	}
	var d net.Dialer
	var errs []error
	for _, a := range addrs {
		a = a.Unmap()
		if !s.AllowPrivateAddresses && !public(a) {
			continue
		}
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%s has no public address (%v): %w", host, addrs, errNotPublic)
	}
	return nil, errors.Join(errs...)
}

// cgnat is the shared address space of RFC 6598.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// public reports whether a is a global unicast address outside the
// private (RFC 1918, RFC 4193) and shared (RFC 6598) ranges.
func public(a netip.Addr) bool {
	return a.IsGlobalUnicast() && !a.IsPrivate() && !cgnat.Contains(a)
}

// Status is what became of a day's report for one policy domain.
type Status string

const (
	// StatusDelivered: a destination accepted the report.
	StatusDelivered Status = "delivered"
	// StatusNoRecord: the domain asks for no reports (no TLSRPT record,
	// several, or an invalid one).
	StatusNoRecord Status = "no-record"
	// StatusRetry: no destination took the report yet; it is tried again
	// later, with exponential backoff (RFC 8460 §5.5).
	StatusRetry Status = "retry"
	// StatusFailed: given up, because every destination refused the
	// report for good, or none took it in the 24 hours after the first
	// attempt (RFC 8460 §5.5).
	StatusFailed Status = "failed"
)

func (s Status) final() bool { return s == StatusDelivered || s == StatusNoRecord || s == StatusFailed }

// Outcome is one report SendDue sent, or gave up on.
type Outcome struct {
	Day      time.Time
	Domain   string
	ReportID string
	Status   Status
	To       string // the URI that accepted the report
	Err      error  // why it was not delivered
}

// Retry timing of RFC 8460 §5.5: redelivery for up to 24 hours after the
// first attempt, with exponential backoff.
const (
	retryWindow   = 24 * time.Hour
	firstBackoff  = 5 * time.Minute
	maxBackoff    = 4 * time.Hour
	sendParallel  = 8 // reports sent at once
	defaultDelay  = 2 * time.Hour
	giveUpMessage = "no destination took the report in the 24 hours after the first attempt (RFC 8460 §5.5)"
)

func backoff(attempts int) time.Duration {
	d := firstBackoff
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// SendDue sends the reports that are due at now and records what became
// of them in the Store: the reports of each UTC day that ended at least
// Delay ago, one per policy domain, except those already delivered, not
// wanted (no TLSRPT record) or given up, and those waiting for their next
// retry. A day is removed from the Store once every report of it is
// settled. Results Add receives for a day after its reports began to go
// out are dropped. Call it periodically (every few minutes) from one
// goroutine; concurrent calls wait for each other.
//
// The error reports a Store failure or a configuration error; how each
// report fared is in the Outcomes.
func (a *Aggregator) SendDue(ctx context.Context, s *Sender, now time.Time) ([]Outcome, error) {
	if err := a.checkConfig(); err != nil {
		return nil, err
	}
	a.sending.Lock()
	defer a.sending.Unlock()
	delay := a.Delay
	if delay <= 0 {
		delay = defaultDelay
	}
	// Days before boundary have ended at least delay ago.
	boundary := dayOf(now.Add(-delay))
	a.mu.Lock()
	if a.closed.Before(boundary) {
		a.closed = boundary
	}
	a.mu.Unlock()
	if err := a.Flush(ctx); err != nil {
		return nil, err
	}
	days, err := a.store().Days(ctx)
	if err != nil {
		return nil, fmt.Errorf("tlsrpt: listing days: %w", err)
	}
	slices.SortFunc(days, func(x, y time.Time) int { return x.Compare(y) })
	var outcomes []Outcome
	for _, day := range days {
		if !day.Before(boundary) {
			break
		}
		out, err := a.sendDay(ctx, s, dayOf(day), now)
		outcomes = append(outcomes, out...)
		if err != nil {
			return outcomes, err
		}
	}
	return outcomes, nil
}

// sendDay sends the due reports of one day.
func (a *Aggregator) sendDay(ctx context.Context, s *Sender, day, now time.Time) ([]Outcome, error) {
	st, err := a.load(ctx, day)
	if err != nil {
		return nil, err
	}
	if st.bad > 0 {
		a.log(ctx, slog.LevelWarn, "tlsrpt: stored records that could not be read were skipped", "day", day.Format(time.DateOnly), "records", st.bad)
	}
	type job struct {
		rep *Report
		out Outcome
	}
	var jobs []*job
	var outcomes []Outcome
	var done []attempt
	settled := 0
	domains := slices.Sorted(maps.Keys(st.tallies))
	for _, domain := range domains {
		tries := st.attempts[domain]
		if len(tries) > 0 && tries[len(tries)-1].Status.final() {
			settled++
			continue
		}
		rep := a.report(day, domain, st.tallies[domain])
		if len(tries) > 0 {
			if now.Sub(tries[0].At) >= retryWindow {
				o := Outcome{Day: day, Domain: domain, ReportID: rep.ReportID, Status: StatusFailed, Err: errors.New(giveUpMessage)}
				outcomes = append(outcomes, o)
				done = append(done, attempt{Domain: domain, At: now, Status: StatusFailed, Err: giveUpMessage})
				settled++
				continue
			}
			if now.Before(tries[len(tries)-1].At.Add(backoff(len(tries)))) {
				continue
			}
		}
		jobs = append(jobs, &job{rep: rep, out: Outcome{Day: day, Domain: domain, ReportID: rep.ReportID}})
	}

	var wg sync.WaitGroup
	sem := make(chan struct{}, sendParallel)
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			j.out.To, j.out.Err = s.Send(ctx, j.rep, a.UniqueID)
			j.out.Status = status(j.out.Err)
		}()
	}
	wg.Wait()

	for _, j := range jobs {
		if ctx.Err() != nil && j.out.Err != nil {
			continue // stopped, not tried: nothing to remember
		}
		o := j.out
		outcomes = append(outcomes, o)
		at := attempt{Domain: o.Domain, At: now, Status: o.Status, To: o.To}
		if o.Err != nil {
			at.Err = o.Err.Error()
		}
		done = append(done, at)
		if o.Status.final() {
			settled++
		}
		a.logOutcome(ctx, o)
	}
	if len(done) > 0 {
		lines := make([][]byte, 0, len(done))
		for i := range done {
			b, err := json.Marshal(entry{Attempt: &done[i]})
			if err != nil {
				return outcomes, err
			}
			lines = append(lines, b)
		}
		if err := a.appendDay(ctx, day, lines); err != nil {
			return outcomes, fmt.Errorf("tlsrpt: recording deliveries of %s: %w", day.Format(time.DateOnly), err)
		}
	}
	if settled == len(domains) {
		if err := a.removeDay(ctx, day); err != nil {
			return outcomes, fmt.Errorf("tlsrpt: removing %s: %w", day.Format(time.DateOnly), err)
		}
	}
	return outcomes, nil
}

// status classifies what Send returned.
func status(err error) Status {
	switch {
	case err == nil:
		return StatusDelivered
	case errors.Is(err, ErrNoRecord):
		return StatusNoRecord
	case errors.Is(err, ErrNoDestination), allPermanent(err):
		return StatusFailed
	}
	return StatusRetry
}

// allPermanent reports whether err is made of *DeliveryError values that
// are all permanent.
func allPermanent(err error) bool {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var d *DeliveryError
		if !errors.As(e, &d) || !d.Permanent {
			return false
		}
	}
	return len(list) > 0
}

func (a *Aggregator) log(ctx context.Context, level slog.Level, msg string, args ...any) {
	if a.Logger != nil {
		a.Logger.Log(ctx, level, msg, args...)
	}
}

func (a *Aggregator) logOutcome(ctx context.Context, o Outcome) {
	level := slog.LevelInfo
	switch o.Status {
	case StatusNoRecord:
		level = slog.LevelDebug
	case StatusRetry, StatusFailed:
		level = slog.LevelWarn
	}
	args := []any{"day", o.Day.Format(time.DateOnly), "domain", o.Domain, "status", string(o.Status)}
	if o.To != "" {
		args = append(args, "to", o.To)
	}
	if o.Err != nil {
		args = append(args, "err", o.Err)
	}
	a.log(ctx, level, "tlsrpt: report", args...)
}

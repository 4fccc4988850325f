package mx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mxkit/mxkit/resolver"
)

// STSPolicy is a parsed MTA-STS policy (RFC 8461 §3.2).
type STSPolicy struct {
	Version string        // "STSv1"
	Mode    string        // ModeEnforce, ModeTesting or ModeNone
	MX      []string      // lower-case patterns, possibly "*.example.net"
	MaxAge  time.Duration // max_age, at most 31557600 seconds
	ID      string        // the id from the _mta-sts TXT record ("" from ParsePolicy)
}

// MTA-STS policy modes (RFC 8461 §5).
const (
	ModeEnforce = "enforce"
	ModeTesting = "testing"
	ModeNone    = "none"
)

// MaxPolicySize is the largest policy accepted (RFC 8461 §3.2: 64 KiB).
const MaxPolicySize = 64 << 10

// maxMaxAge is the largest max_age (RFC 8461 §3.2: about one year).
const maxMaxAge = 31557600

// refetchDelay is how long a failed policy fetch is not retried for the
// same id (RFC 8461 §3.3: five minutes or longer).
const refetchDelay = 5 * time.Minute

// Errors of ParsePolicy.
var (
	// ErrPolicySyntax: the policy text is malformed; a *PolicyError wraps it.
	ErrPolicySyntax = errors.New("mx: MTA-STS policy syntax error")
	// ErrPolicyTooLarge: the policy is larger than MaxPolicySize.
	ErrPolicyTooLarge = errors.New("mx: MTA-STS policy larger than 64 KiB")
	// errRecordSyntax: the _mta-sts TXT record is malformed.
	errRecordSyntax = errors.New("mx: MTA-STS record syntax error")
	// errMediaType: the policy was served as something else than text/plain.
	errMediaType = errors.New("mx: MTA-STS policy not served as text/plain")
)

// STSFailure says why a domain's MTA-STS policy could not be fetched, in
// the terms of SMTP TLS Reporting, so that a TLS-RPT reporter can count
// it (RFC 8460 §4.3.2.2).
type STSFailure struct {
	// ResultType is the RFC 8460 result type: "sts-policy-fetch-error"
	// (no answer, or not 200 OK), "sts-policy-invalid" (a response that is
	// no valid policy) or "sts-webpki-invalid" (the HTTPS server's
	// certificate did not verify).
	ResultType string
	Detail     string // the error, as text
}

// stsFailure classifies a failed policy fetch.
func stsFailure(err error) *STSFailure {
	var verify *tls.CertificateVerificationError
	var host x509.HostnameError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	f := &STSFailure{ResultType: "sts-policy-fetch-error", Detail: err.Error()}
	switch {
	case errors.Is(err, ErrPolicySyntax), errors.Is(err, ErrPolicyTooLarge), errors.Is(err, errMediaType):
		f.ResultType = "sts-policy-invalid"
	case errors.As(err, &verify), errors.As(err, &host), errors.As(err, &unknown), errors.As(err, &invalid):
		f.ResultType = "sts-webpki-invalid"
	}
	return f
}

// PolicyError describes a malformed MTA-STS policy.
type PolicyError struct {
	Line int    // 1-based line number; 0 for the policy as a whole
	Msg  string // what is wrong
}

func (e *PolicyError) Error() string {
	if e.Line == 0 {
		return "mx: MTA-STS policy: " + e.Msg
	}
	return fmt.Sprintf("mx: MTA-STS policy line %d: %s", e.Line, e.Msg)
}

// Unwrap returns ErrPolicySyntax.
func (e *PolicyError) Unwrap() error { return ErrPolicySyntax }

// ParsePolicy reads and parses an MTA-STS policy (RFC 8461 §3.2): lines of
// "key: value" ended by LF or CRLF. version, mode and max_age are
// required, and at least one mx unless the mode is none. For every key but
// mx the first occurrence counts; unknown keys are ignored. max_age above
// the RFC's maximum is lowered to it. Errors wrap ErrPolicySyntax (as a
// *PolicyError) or ErrPolicyTooLarge.
func ParsePolicy(r io.Reader) (*STSPolicy, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPolicySize+1))
	if err != nil {
		return nil, fmt.Errorf("mx: reading MTA-STS policy: %w", err)
	}
	if len(data) > MaxPolicySize {
		return nil, ErrPolicyTooLarge
	}
	return parsePolicy(string(data))
}

func parsePolicy(s string) (*STSPolicy, error) {
	p := &STSPolicy{}
	var haveVersion, haveMode, haveMaxAge bool
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if strings.Trim(line, " \t") == "" {
			continue // blank lines, and the optional final terminator
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, &PolicyError{n, "expected \"key: value\""}
		}
		if !validPolicyKey(key) {
			return nil, &PolicyError{n, fmt.Sprintf("invalid key %q", key)}
		}
		value = strings.Trim(value, " \t")
		if value == "" {
			return nil, &PolicyError{n, fmt.Sprintf("empty value for %q", key)}
		}
		for j := 0; j < len(value); j++ {
			if c := value[j]; c < 0x20 && c != '\t' || c == 0x7f {
				return nil, &PolicyError{n, fmt.Sprintf("control character in value of %q", key)}
			}
		}
		// Keys and the known values are case-sensitive (RFC 8461 §3.2 ABNF %s).
		switch key {
		case "version":
			if haveVersion {
				continue
			}
			if value != "STSv1" {
				return nil, &PolicyError{n, fmt.Sprintf("unsupported version %q", value)}
			}
			p.Version, haveVersion = value, true
		case "mode":
			if haveMode {
				continue
			}
			if value != ModeEnforce && value != ModeTesting && value != ModeNone {
				return nil, &PolicyError{n, fmt.Sprintf("invalid mode %q", value)}
			}
			p.Mode, haveMode = value, true
		case "max_age":
			if haveMaxAge {
				continue
			}
			if len(value) > 10 || strings.Trim(value, "0123456789") != "" {
				return nil, &PolicyError{n, fmt.Sprintf("invalid max_age %q", value)}
			}
			secs, _ := strconv.ParseUint(value, 10, 64) // at most 10 digits: fits
			p.MaxAge, haveMaxAge = time.Duration(min(secs, maxMaxAge))*time.Second, true
		case "mx":
			pat, err := normalizePattern(value)
			if err != "" {
				return nil, &PolicyError{n, fmt.Sprintf("invalid mx %q: %s", value, err)}
			}
			p.MX = append(p.MX, pat)
		}
	}
	switch {
	case !haveVersion:
		return nil, &PolicyError{0, "missing version"}
	case !haveMode:
		return nil, &PolicyError{0, "missing mode"}
	case !haveMaxAge:
		return nil, &PolicyError{0, "missing max_age"}
	case len(p.MX) == 0 && p.Mode != ModeNone:
		return nil, &PolicyError{0, "missing mx"}
	}
	return p, nil
}

// validPolicyKey checks sts-policy-extension-name (RFC 8461 §3.2), which
// the known keys also match.
func validPolicyKey(k string) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '-' && c != '.') {
			return false
		}
	}
	return true
}

// normalizePattern checks an mx pattern (["*."] Domain in A-labels, RFC 8461
// §3.2) and returns it in lower case, or why it is invalid.
func normalizePattern(v string) (string, string) {
	v = strings.ToLower(strings.TrimSuffix(v, "."))
	name := strings.TrimPrefix(v, "*.")
	if why := checkHostname(name); why != "" {
		return "", why
	}
	return v, ""
}

// Match reports whether host (an MX host name) matches one of the policy's
// mx patterns (RFC 8461 §4.1): exactly, or for "*.example.net" by one
// more label on the left, so "mx.example.net" matches but neither
// "example.net" nor "a.mx.example.net" does. Case is ignored.
func (p *STSPolicy) Match(host string) bool {
	host = strings.TrimSuffix(host, ".")
	for _, pat := range p.MX {
		pat = strings.TrimSuffix(pat, ".")
		if suffix, ok := strings.CutPrefix(pat, "*."); ok {
			i := strings.IndexByte(host, '.')
			if i > 0 && strings.EqualFold(host[i+1:], suffix) {
				return true
			}
		} else if strings.EqualFold(host, pat) {
			return true
		}
	}
	return false
}

// isSTSRecord reports whether a TXT record is an MTA-STS record: it begins
// with "v=STSv1" followed by the end, ";" or white space (RFC 8461 §3.1).
func isSTSRecord(txt string) bool {
	rest, ok := strings.CutPrefix(txt, "v=STSv1")
	return ok && (rest == "" || rest[0] == ';' || rest[0] == ' ' || rest[0] == '\t')
}

// parseRecord parses an MTA-STS TXT record (RFC 8461 §3.1) and returns its
// id. Extension fields are checked for syntax and ignored.
func parseRecord(txt string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%w: %q: %s", errRecordSyntax, txt, why)
	}
	fields := strings.Split(txt, ";")
	if strings.TrimRight(fields[0], " \t") != "v=STSv1" {
		return bad("does not begin with v=STSv1")
	}
	id := ""
	for i, f := range fields[1:] {
		f = strings.Trim(f, " \t")
		if f == "" {
			if i == len(fields)-2 {
				break // sts-sep at the end is allowed
			}
			return bad("empty field")
		}
		k, v, ok := strings.Cut(f, "=")
		if !ok || !validPolicyKey(k) || v == "" {
			return bad(fmt.Sprintf("invalid field %q", f))
		}
		if k == "id" {
			if len(v) > 32 || !isAlnum(v) {
				return bad("invalid id")
			}
			if id == "" {
				id = v
			}
			continue
		}
		for j := 0; j < len(v); j++ {
			// sts-ext-value: %x21-3A / %x3C / %x3E-7E
			if c := v[j]; c < 0x21 || c > 0x7e || c == ';' || c == '=' {
				return bad(fmt.Sprintf("invalid value in field %q", f))
			}
		}
	}
	if id == "" {
		return bad("no id")
	}
	return id, nil
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// stsEntry is one domain in the policy cache.
type stsEntry struct {
	policy   *STSPolicy // nil when only a failure is remembered
	expires  time.Time  // of policy
	failedID string     // the id whose fetch last failed
	failedAt time.Time
	failure  *STSFailure // why it failed
}

// stsPolicy discovers the MTA-STS policy of domain (RFC 8461 §5.1) and says
// why it applies, and why the policy could not be fetched when that failed
// now or less than refetchDelay ago. Failures do not fail the route:
// without a cached policy, delivery proceeds as if the domain had none
// (RFC 8461 §5.1).
func (r *Router) stsPolicy(ctx context.Context, domain string) (*STSPolicy, string, *STSFailure) {
	now := r.timeNow()
	cached := r.cacheGet(domain, now)
	fallback := func(why string, f *STSFailure) (*STSPolicy, string, *STSFailure) {
		if cached.policy != nil {
			return cached.policy, fmt.Sprintf("MTA-STS mode %s from the cached policy (id %s): %s", cached.policy.Mode, cached.policy.ID, why), f
		}
		return nil, "no MTA-STS policy: " + why, f
	}

	txts, _, err := r.Resolver.LookupTXT(ctx, "_mta-sts."+domain)
	if err != nil {
		if resolver.IsNotFound(err) {
			return fallback("no _mta-sts record", nil)
		}
		r.debug(ctx, "mx: MTA-STS record lookup failed", "domain", domain, "err", err)
		return fallback(fmt.Sprintf("_mta-sts record lookup failed: %v", err), nil)
	}
	var rec string
	n := 0
	for _, t := range txts {
		if isSTSRecord(t) {
			rec, n = t, n+1
		}
	}
	if n != 1 {
		// RFC 8461 §3.1: not exactly one record means no policy.
		return fallback(fmt.Sprintf("%d v=STSv1 records", n), nil)
	}
	id, err := parseRecord(rec)
	if err != nil {
		return fallback(err.Error(), nil)
	}
	recentFailure := cached.failedID == id && now.Sub(cached.failedAt) < refetchDelay
	if cached.policy != nil && cached.policy.ID == id {
		cachedReason := fmt.Sprintf("MTA-STS mode %s (cached policy, id %s)", cached.policy.Mode, id)
		halfLife := cached.expires.Add(-cached.policy.MaxAge / 2)
		if now.Before(halfLife) {
			return cached.policy, cachedReason, nil
		}
		if recentFailure {
			return cached.policy, cachedReason, cached.failure
		}
		// Past half its max_age: fetch it again so that an unchanged
		// policy does not lapse. If that fails, the cached one stands.
		pol, err := r.fetchShared(ctx, domain, id, now)
		if err == nil {
			return pol, fmt.Sprintf("MTA-STS mode %s (policy id %s refreshed)", pol.Mode, id), nil
		}
		return cached.policy, cachedReason, fetchFailure(ctx, err)
	}
	if recentFailure {
		return fallback(fmt.Sprintf("fetching policy id %s failed less than %v ago", id, refetchDelay), cached.failure)
	}
	pol, err := r.fetchShared(ctx, domain, id, now)
	if err != nil {
		return fallback(err.Error(), fetchFailure(ctx, err))
	}
	return pol, fmt.Sprintf("MTA-STS mode %s (policy id %s fetched)", pol.Mode, id), nil
}

// fetchFailure classifies err, a failed fetch, unless the caller's context
// ended it: that says nothing about the policy server.
func fetchFailure(ctx context.Context, err error) *STSFailure {
	if ctx.Err() != nil {
		return nil
	}
	return stsFailure(err)
}

// stsFlight is one policy fetch that concurrent lookups wait for.
type stsFlight struct {
	done chan struct{}
	pol  *STSPolicy
	err  error
}

// fetchShared fetches the policy of domain for the record id once for all
// concurrent callers, and caches the outcome.
func (r *Router) fetchShared(ctx context.Context, domain, id string, now time.Time) (*STSPolicy, error) {
	key := domain + " " + id
	r.mu.Lock()
	for {
		fl, ok := r.flights[key]
		if !ok {
			break
		}
		r.mu.Unlock()
		select {
		case <-fl.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if !errors.Is(fl.err, context.Canceled) && !errors.Is(fl.err, context.DeadlineExceeded) {
			return fl.pol, fl.err
		}
		r.mu.Lock() // the first caller gave up, not the server: try again
	}
	if r.flights == nil {
		r.flights = map[string]*stsFlight{}
	}
	fl := &stsFlight{done: make(chan struct{})}
	r.flights[key] = fl
	r.mu.Unlock()

	fl.pol, fl.err = r.fetchPolicy(ctx, domain)
	switch {
	case fl.err == nil:
		fl.pol.ID = id
		r.cachePut(domain, fl.pol, now)
		r.debug(ctx, "mx: MTA-STS policy fetched", "domain", domain, "id", id, "mode", fl.pol.Mode, "max_age", fl.pol.MaxAge)
	case ctx.Err() == nil:
		// Not retried for a while (RFC 8461 §3.3); a canceled caller
		// says nothing about the server.
		r.debug(ctx, "mx: MTA-STS policy fetch failed", "domain", domain, "id", id, "err", fl.err)
		r.cacheFailure(domain, id, now, stsFailure(fl.err))
	}
	r.mu.Lock()
	delete(r.flights, key)
	r.mu.Unlock()
	close(fl.done)
	return fl.pol, fl.err
}

// fetchPolicy gets https://mta-sts.<domain>/.well-known/mta-sts.txt
// (RFC 8461 §3.3).
func (r *Router) fetchPolicy(ctx context.Context, domain string) (*STSPolicy, error) {
	url := "https://mta-sts." + domain + "/.well-known/mta-sts.txt"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("mx: fetching %s: %w", url, err)
	}
	resp, err := r.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("mx: fetching MTA-STS policy: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Redirects land here too: they must not be followed (RFC 8461 §3.3).
		return nil, fmt.Errorf("mx: fetching %s: HTTP status %s", url, resp.Status)
	}
	// RFC 8461 §3.2: the policy is served as "text/plain" (charset
	// parameters allowed); a web server's HTML error page is not a policy.
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "text/plain" {
		return nil, fmt.Errorf("%w: fetching %s: media type %q", errMediaType, url, resp.Header.Get("Content-Type"))
	}
	pol, err := ParsePolicy(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("mx: %s: %w", url, err)
	}
	return pol, nil
}

// httpClient returns the client for policy fetches: HTTPClient or a
// default one, never following redirects nor keeping cookies.
func (r *Router) httpClient() *http.Client {
	r.httpOnce.Do(func() {
		var c http.Client
		if r.HTTPClient != nil {
			c = *r.HTTPClient
		} else {
			c = http.Client{
				Timeout: 30 * time.Second,
				Transport: &http.Transport{
					Proxy:                 http.ProxyFromEnvironment,
					DialContext:           r.dial,
					TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
					TLSHandshakeTimeout:   10 * time.Second,
					ResponseHeaderTimeout: 20 * time.Second,
					// Fetches are rare (once per max_age): no idle
					// connections, no goroutines left behind.
					DisableKeepAlives: true,
					ForceAttemptHTTP2: true,
				},
			}
		}
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c.Jar = nil
		r.http = &c
	})
	return r.http
}

// dial connects the default policy client through the Router's Resolver,
// so that a Router given a resolver sends every DNS query there, the
// policy host's address lookup included (net/http would ask the system
// resolver). Addresses are tried in turn, IPv6 first with PreferIPv6.
func (r *Router) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	if _, err := netip.ParseAddr(host); err == nil {
		return d.DialContext(ctx, network, addr)
	}
	addrs, _, err := r.Resolver.LookupIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("mx: resolving %s: %w", host, err)
	}
	if r.PreferIPv6 {
		addrs = slices.Clone(addrs)
		slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
			switch {
			case a.Is6() && !b.Is6():
				return -1
			case b.Is6() && !a.Is6():
				return 1
			}
			return 0
		})
	}
	err = fmt.Errorf("mx: %s has no address", host)
	for _, a := range addrs {
		var c net.Conn
		if c, err = d.DialContext(ctx, network, net.JoinHostPort(a.String(), port)); err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, err
}

// cacheGet returns a copy of the domain's cache entry, dropping an expired
// policy (RFC 8461 §5.1: a policy is valid for max_age).
func (r *Router) cacheGet(domain string, now time.Time) stsEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.sts[domain]
	if e == nil {
		return stsEntry{}
	}
	if e.policy != nil && !now.Before(e.expires) {
		e.policy = nil
	}
	return *e
}

func (r *Router) cachePut(domain string, pol *STSPolicy, now time.Time) {
	if pol.MaxAge <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.makeRoom(domain, now)
	r.sts[domain] = &stsEntry{policy: pol, expires: now.Add(pol.MaxAge)}
}

func (r *Router) cacheFailure(domain, id string, now time.Time, f *STSFailure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.sts[domain]
	if e == nil {
		r.makeRoom(domain, now)
		e = &stsEntry{}
		r.sts[domain] = e
	}
	e.failedID, e.failedAt, e.failure = id, now, f
}

// makeRoom makes sure one more domain fits in the cache: it drops stale
// entries and, if that is not enough, an arbitrary one. r.mu is held.
func (r *Router) makeRoom(domain string, now time.Time) {
	if r.sts == nil {
		r.sts = map[string]*stsEntry{}
	}
	size := r.PolicyCacheSize
	if size <= 0 {
		size = 10000
	}
	if _, ok := r.sts[domain]; ok || len(r.sts) < size {
		return
	}
	for d, e := range r.sts {
		if (e.policy == nil || !now.Before(e.expires)) && now.Sub(e.failedAt) >= refetchDelay {
			delete(r.sts, d)
		}
	}
	for d := range r.sts {
		if len(r.sts) < size {
			break
		}
		delete(r.sts, d)
	}
}

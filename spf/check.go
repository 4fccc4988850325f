package spf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/resolver"
)

// Status is one of the seven results of check_host() (RFC 7208 §2.6).
type Status uint8

// The results of RFC 7208 §2.6.
const (
	None      Status = iota // no policy, or no checkable domain (§2.6.1)
	Neutral                 // the policy says nothing about the IP (§2.6.2)
	Pass                    // the IP is authorized (§2.6.3)
	Fail                    // the IP is not authorized (§2.6.4)
	Softfail                // the IP is probably not authorized (§2.6.5)
	Temperror               // a transient (DNS) error (§2.6.6)
	Permerror               // the policy cannot be interpreted (§2.6.7)
)

var statusNames = [...]string{"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"}

// String returns the result's name as RFC 7208 writes it ("pass",
// "softfail", …).
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status(" + fmt.Sprint(uint8(s)) + ")"
}

// Sentinel errors carried by Result.Err; test with errors.Is.
var (
	// ErrNoRecord: the domain publishes no SPF record (result none, or
	// permerror when it is the target of include or redirect, §5.2, §6.1).
	ErrNoRecord = errors.New("no SPF record")
	// ErrMultipleRecords: the domain publishes more than one SPF record
	// (§4.5).
	ErrMultipleRecords = errors.New("more than one SPF record")
	// ErrInvalidDomain: the domain to check is not a valid multi-label
	// domain name (§4.3); the result is none.
	ErrInvalidDomain = errors.New("invalid domain")
	// ErrInvalidIP: Args.IP is not set; the result is none.
	ErrInvalidIP = errors.New("no valid client IP address")
	// ErrTooManyLookups: more than 10 DNS-querying terms (§4.6.4).
	ErrTooManyLookups = errors.New("too many DNS-querying terms")
	// ErrTooManyVoidLookups: more than 2 lookups found nothing (§4.6.4).
	ErrTooManyVoidLookups = errors.New("too many void DNS lookups")
	// ErrTooManyMX: an mx mechanism found more than 10 MX names (§4.6.4).
	ErrTooManyMX = errors.New("more than 10 MX names")
)

// Args are the inputs of a check: the client's IP address and the SMTP
// identities (RFC 7208 §4.1).
type Args struct {
	IP       netip.Addr
	Helo     string // the HELO/EHLO name
	MailFrom string // the MAIL FROM address without angle brackets; "" for the null reverse-path
}

// Result is the outcome of a check.
type Result struct {
	Status Status
	// Identity is "mailfrom" or "helo" (RFC 7208 §2.3, §2.4).
	Identity string
	// Domain is the domain whose policy was checked; Sender the identity
	// as evaluated (postmaster@Helo when MAIL FROM was empty).
	Domain, Sender string
	Helo           string
	IP             netip.Addr
	// Receiver is the Checker's ReceiverHost.
	Receiver string
	// Explanation is the expanded exp= text of a fail (§6.2), "" if none.
	Explanation string
	// Mechanism is the directive that matched, as written ("-all",
	// "include:_spf.example.com"); after redirect= it is the one in the
	// target's record. "" when none matched.
	Mechanism string
	// Lookups is the number of DNS-querying terms evaluated, VoidLookups
	// the number of those that found nothing (§4.6.4).
	Lookups, VoidLookups int
	// Err says why the result is none, temperror or permerror: a
	// *SyntaxError, a *resolver.Error or one of the sentinel errors,
	// possibly wrapped.
	Err error
}

// Checker evaluates SPF policies. Its zero value is usable: it resolves with
// a resolver.Client using the system's resolvers. A Checker is safe for
// concurrent use; its fields must not change once it is in use.
type Checker struct {
	// Resolver does the DNS lookups; nil means a resolver.Client with the
	// servers of /etc/resolv.conf.
	Resolver resolver.Resolver
	// Logger receives a debug record per check; nil is silent.
	Logger *slog.Logger
	// ReceiverHost is the receiving host's name, for %{r} in explanations
	// and the Received-SPF header; "unknown" when empty (§7.3).
	ReceiverHost string
	// Timeout bounds a whole check (§4.6.4 recommends at least 20
	// seconds); a sooner deadline of the context bounds it too.
	// Default 20s.
	Timeout time.Duration
	// Now gives the time for %{t}; nil means time.Now.
	Now func() time.Time

	once    sync.Once
	res     resolver.Resolver
	mu      sync.Mutex
	records map[string]*Record // parsed records by text
}

// maxCachedRecords bounds the Checker's cache of parsed records.
const maxCachedRecords = 1024

// Limits of RFC 7208 §4.6.4.
const (
	maxLookups     = 10
	maxVoidLookups = 2
	maxNames       = 10
)

func (c *Checker) init() {
	c.once.Do(func() {
		c.res = c.Resolver
		if c.res == nil {
			c.res = &resolver.Client{}
		}
		c.records = make(map[string]*Record)
	})
}

// Check evaluates the MAIL FROM identity (RFC 7208 §2.4): check_host() with
// the domain of a.MailFrom, or of postmaster@a.Helo when MAIL FROM is empty.
func (c *Checker) Check(ctx context.Context, a Args) Result {
	sender := a.MailFrom
	if sender == "" {
		sender = "postmaster@" + a.Helo
	}
	return c.check(ctx, a, "mailfrom", sender)
}

// CheckHelo evaluates the HELO identity (RFC 7208 §2.3): check_host() with
// the domain a.Helo and the sender postmaster@a.Helo.
func (c *Checker) CheckHelo(ctx context.Context, a Args) Result {
	return c.check(ctx, a, "helo", "postmaster@"+a.Helo)
}

func (c *Checker) check(ctx context.Context, a Args, identity, sender string) Result {
	c.init()
	d := c.Timeout
	if d <= 0 {
		d = 20 * time.Second
	}
	// §4.6.4: bound the whole evaluation; a sooner deadline of the
	// caller's is kept as it is (and costs no timer).
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > d {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	e := eval{c: c, r: c.res, ip: a.IP.Unmap(), helo: a.Helo}
	// §4.3: a sender without local-part gets "postmaster".
	at := strings.LastIndexByte(sender, '@')
	if at < 0 {
		e.local, e.senderDomain = "postmaster", sender
		e.sender = "postmaster@" + sender
	} else {
		e.local, e.senderDomain, e.sender = sender[:at], sender[at+1:], sender
		if at == 0 {
			e.local = "postmaster"
			e.sender = "postmaster" + sender
		}
	}
	res := Result{Identity: identity, Sender: e.sender, Helo: a.Helo, IP: e.ip, Receiver: c.ReceiverHost}
	domain, ok := checkedDomain(e.senderDomain)
	res.Domain = domain
	if !ok || !e.ip.IsValid() {
		// §4.3: a malformed domain gives none without any lookup.
		res.Status, res.Err = None, fmt.Errorf("spf: %q: %w", e.senderDomain, ErrInvalidDomain)
		if !e.ip.IsValid() {
			res.Err = fmt.Errorf("spf: %w", ErrInvalidIP)
		}
		c.log(ctx, &res)
		return res
	}
	e.senderDomain = domain
	res.Status, res.Err = e.checkHost(ctx, domain)
	res.Lookups, res.VoidLookups = e.lookups, e.voids
	switch res.Status {
	case Fail:
		res.Mechanism = e.mech
		if e.exp != "" {
			res.Explanation = e.explain(ctx)
		}
	case Pass, Softfail, Neutral:
		res.Mechanism = e.mech
	}
	c.log(ctx, &res)
	return res
}

func (c *Checker) log(ctx context.Context, r *Result) {
	if c.Logger == nil {
		return
	}
	c.Logger.DebugContext(ctx, "spf check", "identity", r.Identity, "domain", r.Domain, "ip", r.IP,
		"result", r.Status.String(), "mechanism", r.Mechanism, "lookups", r.Lookups, "err", r.Err)
}

// checkedDomain returns the domain to evaluate in lower-case A-labels
// without a trailing dot, and whether check_host() can evaluate it: a
// domain by the rules of address.ParseDomain (IDNA, LDH labels, lengths)
// that is also multi-label and not an address literal, which RFC 7208
// §4.3 requires of <domain> (a single-label or malformed one gives
// "none" without a lookup). Names that macros expand to follow the DNS's
// looser rules instead (underscores allowed): see validTarget.
func checkedDomain(d string) (string, bool) {
	dom, err := address.ParseDomain(d)
	if err != nil || dom.Literal().IsValid() || dom.IsSingleLabel() {
		return strings.TrimSuffix(d, "."), false
	}
	return dom.ASCII(), true
}

// validTarget reports whether a name from a macro expansion can be looked
// up: labels of 1 to 63 bytes (RFC 7208 §4.3 applied to every
// check_host()). It is deliberately looser than checkedDomain: a
// domain-spec may expand to any DNS name (§7.1, §7.3), underscores and
// other octets included, as in "exists:%{l}._spf.%{d}".
func validTarget(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(d); i++ {
		if d[i] == '.' {
			if label == 0 {
				return false
			}
			label = 0
		} else if label++; label > 63 {
			return false
		}
	}
	return label > 0
}

// eval is the state of one check: the inputs and the counters shared by
// every nested check_host() (§4.6.4).
type eval struct {
	c                           *Checker
	r                           resolver.Resolver
	ip                          netip.Addr
	sender, local, senderDomain string
	helo                        string
	lookups, voids              int
	mech                        string // the directive that gave the result
	exp, expDomain              string // exp= of the record that gave the fail, and its domain
	ptrDone, ptrVoid            bool
	ptrNames                    []string // validated names of ip (§5.5)
	buf                         [256]byte
}

func (e *eval) now() time.Time {
	if e.c.Now != nil {
		return e.c.Now()
	}
	return time.Now()
}

// checkHost is check_host() of RFC 7208 §4 for domain.
func (e *eval) checkHost(ctx context.Context, domain string) (Status, error) {
	rec, st, err := e.record(ctx, domain)
	if rec == nil {
		return st, err
	}
	for i := range rec.Directives {
		d := &rec.Directives[i]
		match, st, err := e.match(ctx, d, domain)
		if err != nil {
			return st, err
		}
		if match {
			e.mech = d.Text
			st := d.status()
			if st == Fail {
				e.exp, e.expDomain = rec.Exp, domain
			}
			return st, nil
		}
	}
	// §6.1: redirect applies when no mechanism matched, and is ignored
	// when the record has an "all".
	if rec.Redirect != "" && !rec.hasAll {
		if err := e.countLookup(); err != nil {
			return Permerror, err
		}
		target, err := e.target(ctx, rec.Redirect, domain)
		if err != nil {
			return Permerror, err
		}
		if !validTarget(target) {
			return Permerror, fmt.Errorf("spf: redirect=%s: %w", target, ErrInvalidDomain)
		}
		st, err := e.checkHost(ctx, target)
		if st == None { // §6.1
			return Permerror, fmt.Errorf("spf: redirect=%s: %w", target, err)
		}
		return st, err
	}
	e.mech = ""
	return Neutral, nil // §4.7
}

// record finds and parses the SPF record of domain (RFC 7208 §4.4, §4.5).
func (e *eval) record(ctx context.Context, domain string) (*Record, Status, error) {
	txts, _, err := e.r.LookupTXT(ctx, queryName(domain))
	if err != nil {
		if resolver.IsNotFound(err) || errors.Is(err, resolver.ErrInvalidName) {
			return nil, None, fmt.Errorf("spf: %s: %w", domain, ErrNoRecord)
		}
		return nil, Temperror, err // §4.4
	}
	var text string
	n := 0
	for _, t := range txts {
		if isSPF(t) {
			text = t
			n++
		}
	}
	switch {
	case n == 0:
		return nil, None, fmt.Errorf("spf: %s: %w", domain, ErrNoRecord)
	case n > 1:
		return nil, Permerror, fmt.Errorf("spf: %s: %w", domain, ErrMultipleRecords)
	}
	rec, err := e.c.parsed(text)
	if err != nil {
		return nil, Permerror, err
	}
	return rec, None, nil
}

// parsed returns the parsed record, from the Checker's cache if it can.
func (c *Checker) parsed(text string) (*Record, error) {
	c.mu.Lock()
	rec := c.records[text]
	c.mu.Unlock()
	if rec != nil {
		return rec, nil
	}
	rec, err := Parse(text)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.records) >= maxCachedRecords {
		clear(c.records)
	}
	c.records[text] = rec
	c.mu.Unlock()
	return rec, nil
}

func (e *eval) countLookup() error {
	if e.lookups++; e.lookups > maxLookups {
		return fmt.Errorf("spf: more than %d: %w", maxLookups, ErrTooManyLookups)
	}
	return nil
}

// void counts a lookup that found nothing (§4.6.4).
func (e *eval) void() error {
	if e.voids++; e.voids > maxVoidLookups {
		return fmt.Errorf("spf: more than %d: %w", maxVoidLookups, ErrTooManyVoidLookups)
	}
	return nil
}

// target expands a domain-spec into the <target-name> (§4.8, §7.3).
func (e *eval) target(ctx context.Context, spec, domain string) (string, error) {
	if spec == "" {
		return domain, nil
	}
	if strings.IndexByte(spec, '%') < 0 {
		return truncateDomain(spec), nil
	}
	b, err := e.expand(ctx, e.buf[:0], spec, domain, false)
	if err != nil {
		return "", &SyntaxError{Record: spec, Term: spec, Msg: "invalid macro", Err: err}
	}
	return truncateDomain(string(b)), nil
}

// match evaluates one mechanism (RFC 7208 §5). A non-nil error comes with
// the temperror or permerror it causes.
func (e *eval) match(ctx context.Context, d *Directive, domain string) (bool, Status, error) {
	switch d.Mechanism {
	case MechAll:
		return true, None, nil
	case MechIP4, MechIP6:
		return d.Net.Contains(e.ip), None, nil
	}
	if err := e.countLookup(); err != nil {
		return false, Permerror, err
	}
	target, err := e.target(ctx, d.Domain, domain)
	if err != nil {
		return false, Permerror, err
	}
	if !validTarget(target) {
		if d.Mechanism == MechInclude {
			return false, Permerror, fmt.Errorf("spf: %s: %w", d.Text, ErrInvalidDomain)
		}
		return false, None, nil // a name that cannot exist matches nothing
	}
	switch d.Mechanism {
	case MechInclude: // §5.2
		st, err := e.checkHost(ctx, target)
		switch st {
		case Pass:
			return true, None, nil
		case Fail, Softfail, Neutral:
			return false, None, nil
		case None:
			return false, Permerror, fmt.Errorf("spf: %s: %w", d.Text, err)
		}
		return false, st, err
	case MechA: // §5.3
		ips, _, err := e.r.LookupIP(ctx, e.network(), queryName(target))
		if err != nil || len(ips) == 0 {
			return e.lookupFailed(d, err)
		}
		return e.matchIPs(ips, d), None, nil
	case MechMX: // §5.4
		mxs, _, err := e.r.LookupMX(ctx, queryName(target))
		if err != nil || len(mxs) == 0 {
			return e.lookupFailed(d, err)
		}
		if len(mxs) > maxNames { // §4.6.4
			return false, Permerror, fmt.Errorf("spf: %s: %w", d.Text, ErrTooManyMX)
		}
		for _, mx := range mxs {
			if mx.Host == "" { // null MX (RFC 7505)
				continue
			}
			ips, _, err := e.r.LookupIP(ctx, e.network(), mx.Host)
			if err != nil {
				if resolver.IsNotFound(err) || errors.Is(err, resolver.ErrInvalidName) {
					continue
				}
				return false, Temperror, fmt.Errorf("spf: %s: %w", d.Text, err)
			}
			if e.matchIPs(ips, d) {
				return true, None, nil
			}
		}
		return false, None, nil
	case MechPTR: // §5.5
		names := e.validatedNames(ctx)
		if e.ptrVoid {
			if err := e.void(); err != nil {
				return false, Permerror, err
			}
		}
		for _, n := range names {
			if isSubdomain(n, target) {
				return true, None, nil
			}
		}
		return false, None, nil
	case MechExists: // §5.7: an A lookup whatever the connection
		ips, _, err := e.r.LookupIP(ctx, "ip4", queryName(target))
		if err != nil || len(ips) == 0 {
			return e.lookupFailed(d, err)
		}
		return true, None, nil
	}
	return false, Permerror, fmt.Errorf("spf: unknown mechanism %v", d.Mechanism)
}

// lookupFailed turns a lookup that found nothing into a void lookup or an
// error, and stores the error for the result.
func (e *eval) lookupFailed(d *Directive, err error) (bool, Status, error) {
	st, err := e.lookupFailedStatus(err)
	if err != nil {
		err = fmt.Errorf("spf: %s: %w", d.Text, err)
	}
	return false, st, err
}

func (e *eval) lookupFailedStatus(err error) (Status, error) {
	switch {
	case err == nil || resolver.IsNotFound(err): // §4.6.4 void lookup
		if verr := e.void(); verr != nil {
			return Permerror, verr
		}
		return None, nil
	case errors.Is(err, resolver.ErrInvalidName):
		return None, nil
	}
	return Temperror, err // §5: server failure or timeout
}

func (e *eval) network() string {
	if e.ip.Is4() {
		return "ip4"
	}
	return "ip6"
}

// matchIPs reports whether one of ips with d's CIDR length contains the
// client address (§5.6).
func (e *eval) matchIPs(ips []netip.Addr, d *Directive) bool {
	bits := d.V6Len
	if e.ip.Is4() {
		bits = d.V4Len
	}
	for _, ip := range ips {
		ip = ip.Unmap()
		if ip.Is4() != e.ip.Is4() {
			continue
		}
		if bits < 0 {
			if ip == e.ip {
				return true
			}
		} else if netip.PrefixFrom(ip, bits).Contains(e.ip) {
			return true
		}
	}
	return false
}

// validatedNames returns the validated domain names of the client address
// (RFC 7208 §5.5): the PTR names, at most 10, whose forward lookup gives the
// address back. DNS errors skip a name.
func (e *eval) validatedNames(ctx context.Context) []string {
	if e.ptrDone {
		return e.ptrNames
	}
	e.ptrDone = true
	names, _, err := e.r.LookupAddr(ctx, e.ip)
	if err != nil {
		e.ptrVoid = resolver.IsNotFound(err)
		return nil
	}
	e.ptrVoid = len(names) == 0
	if len(names) > maxNames { // §4.6.4: ignore the rest
		names = names[:maxNames]
	}
	for _, n := range names {
		ips, _, err := e.r.LookupIP(ctx, e.network(), n)
		if err != nil {
			continue
		}
		for _, ip := range ips {
			if ip.Unmap() == e.ip {
				e.ptrNames = append(e.ptrNames, unescapeName(n))
				break
			}
		}
	}
	return e.ptrNames
}

// validatedName is %{p} (§7.3): a validated name equal to or under domain
// if there is one, else the first validated name, else "unknown".
func (e *eval) validatedName(ctx context.Context, domain string) string {
	names := e.validatedNames(ctx)
	for _, n := range names {
		if isSubdomain(n, domain) {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return "unknown"
}

// isSubdomain reports whether name is domain or under it, ignoring case
// and trailing dots.
func isSubdomain(name, domain string) bool {
	name, domain = strings.TrimSuffix(name, "."), strings.TrimSuffix(domain, ".")
	if len(name) < len(domain) {
		return false
	}
	if len(name) == len(domain) {
		return strings.EqualFold(name, domain)
	}
	return name[len(name)-len(domain)-1] == '.' && strings.EqualFold(name[len(name)-len(domain):], domain)
}

// explain computes the explanation of a fail (RFC 7208 §6.2). Any problem
// (DNS, not exactly one record, non-ASCII, bad macros) gives "".
func (e *eval) explain(ctx context.Context) string {
	target, err := e.target(ctx, e.exp, e.expDomain)
	if err != nil || !validTarget(target) {
		return ""
	}
	txts, _, err := e.r.LookupTXT(ctx, queryName(target))
	if err != nil || len(txts) != 1 {
		return ""
	}
	for i := 0; i < len(txts[0]); i++ {
		if c := txts[0][i]; c >= 0x80 || (c < 0x20) {
			return ""
		}
	}
	b, err := e.expand(ctx, e.buf[:0], txts[0], e.expDomain, true)
	if err != nil {
		return ""
	}
	return string(b)
}

// queryName returns name in the presentation format the resolver takes:
// bytes that are special in DNS names are escaped as miekg/dns does ("\ ",
// "\DDD"). Most names need nothing and are returned as they are.
func queryName(name string) string {
	i := 0
	for ; i < len(name); i++ {
		if c := name[i]; nameSpecial(c) || c < 0x21 || c > 0x7e {
			break
		}
	}
	if i == len(name) {
		return name
	}
	b := make([]byte, 0, len(name)+8)
	b = append(b, name[:i]...)
	for ; i < len(name); i++ {
		c := name[i]
		switch {
		case nameSpecial(c):
			b = append(b, '\\', c)
		case c < 0x21 || c > 0x7e:
			b = append(b, '\\', '0'+c/100, '0'+c/10%10, '0'+c%10)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func nameSpecial(c byte) bool {
	switch c {
	case ' ', '\'', '@', ';', '(', ')', '"', '\\':
		return true
	}
	return false
}

// unescapeName undoes queryName for names the resolver returns.
func unescapeName(name string) string {
	if strings.IndexByte(name, '\\') < 0 {
		return name
	}
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '\\' && i+1 < len(name) {
			if i+3 < len(name) && isDigit(name[i+1]) && isDigit(name[i+2]) && isDigit(name[i+3]) {
				b = append(b, (name[i+1]-'0')*100+(name[i+2]-'0')*10+(name[i+3]-'0'))
				i += 3
				continue
			}
			i++
			c = name[i]
		}
		b = append(b, c)
	}
	return string(b)
}

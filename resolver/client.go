package resolver

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Client is a caching stub resolver. Its zero value is ready to use: it reads
// /etc/resolv.conf on first use. A Client is safe for concurrent use and
// should be reused; its fields must not change after the first lookup.
type Client struct {
	// Servers are recursive servers as "host:port". Empty: the nameservers
	// of /etc/resolv.conf (127.0.0.1:53 when that cannot be read).
	Servers []string
	// Timeout bounds one query to one server. Default 2s.
	Timeout time.Duration
	// Attempts is how many rounds over all servers are made. Default 2.
	Attempts int
	// MaxCNAME bounds CNAME chains. Default 8.
	MaxCNAME int
	// CacheSize is the number of answers kept. 0 means 8192; negative
	// disables the cache (concurrent identical queries are still joined).
	CacheSize int
	// MinTTL and MaxTTL clamp how long answers are kept.
	// Defaults 5 seconds and 1 hour.
	MinTTL, MaxTTL time.Duration
	// NegativeTTL is used for negative answers that carry no SOA record
	// (RFC 2308 §5). Default: MinTTL.
	NegativeTTL time.Duration
	// Logger receives debug logs of queries; nil is silent.
	Logger *slog.Logger

	once    sync.Once
	servers []string
	cache   *cache
	flight  flightGroup
	udp     *dns.Client
	tcp     *dns.Client
}

func (c *Client) init() {
	c.once.Do(func() {
		c.servers = c.Servers
		if len(c.servers) == 0 {
			c.servers = []string{"127.0.0.1:53"}
			if cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf"); err == nil && len(cfg.Servers) > 0 {
				c.servers = c.servers[:0]
				for _, s := range cfg.Servers {
					c.servers = append(c.servers, net.JoinHostPort(s, cfg.Port))
				}
			}
		}
		size := c.CacheSize
		if size == 0 {
			size = 8192
		}
		if size > 0 {
			c.cache = newCache(size)
		}
		c.udp = &dns.Client{Net: "udp", UDPSize: 1232}
		c.tcp = &dns.Client{Net: "tcp"}
	})
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 2 * time.Second
}

func (c *Client) attempts() int {
	if c.Attempts > 0 {
		return c.Attempts
	}
	return 2
}

func (c *Client) maxCNAME() int {
	if c.MaxCNAME > 0 {
		return c.MaxCNAME
	}
	return 8
}

func (c *Client) clampTTL(ttl time.Duration) time.Duration {
	lo, hi := c.MinTTL, c.MaxTTL
	if lo == 0 {
		lo = 5 * time.Second
	}
	if hi == 0 {
		hi = time.Hour
	}
	return min(max(ttl, lo), hi)
}

// answer is what is cached for one (name, type).
type answer struct {
	rrs       []dns.RR // records of the asked type, after CNAMEs
	final     string   // where the CNAME chain ended (FQDN)
	once      sync.Once
	value     any // converted form ([]string, []MX, …), set once
	authentic bool
	err       error // a sentinel error for negative answers
	server    string
}

type cacheKey struct {
	name  string
	qtype uint16
}

// normalize returns the lower-case name without the trailing dot. It
// checks a DNS query name, not a mail domain: owner names such as
// "_dmarc.example.com" or "s1._domainkey.example.com" hold underscores
// (RFC 2181 §11 lets labels hold any octet), so the address package's
// stricter rules are for the callers, which parse mail domains with it
// before building query names.
func normalize(name string) (string, error) {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return "", ErrInvalidName
	}
	for i := 0; i < len(name); i++ {
		if b := name[i]; b >= 'A' && b <= 'Z' {
			name = strings.ToLower(name)
			break
		}
	}
	if _, ok := dns.IsDomainName(name); !ok {
		return "", ErrInvalidName
	}
	return name, nil
}

// lookup resolves (name, qtype), from the cache if it can.
func (c *Client) lookup(ctx context.Context, name string, qtype uint16) (*answer, error) {
	c.init()
	n, err := normalize(name)
	if err != nil {
		return nil, &Error{Name: name, Type: qtype, Err: err}
	}
	key := cacheKey{n, qtype}
	if c.cache != nil {
		if a := c.cache.get(key, time.Now()); a != nil {
			return a, a.error(name, qtype)
		}
	}
	var store func(*answer, time.Duration)
	if c.cache != nil {
		store = func(a *answer, ttl time.Duration) { c.cache.put(key, a, ttl, time.Now()) }
	}
	a, err := c.flight.do(ctx, key, func(ctx context.Context) (*answer, time.Duration, error) {
		return c.resolve(ctx, n, qtype)
	}, store)
	if err != nil {
		e := &Error{Name: name, Type: qtype, Err: err}
		if errors.Is(err, context.DeadlineExceeded) {
			e.Err, e.cause = ErrTimeout, err
		}
		return nil, e
	}
	return a, a.error(name, qtype)
}

func (a *answer) error(name string, qtype uint16) error {
	if a.err == nil {
		return nil
	}
	return &Error{Name: name, Type: qtype, Server: a.server, Err: a.err}
}

// resolve asks the servers and follows CNAMEs. A returned error is a failure
// that is not cached (timeout, server failure, context); negative answers
// come back as an answer with err set.
func (c *Client) resolve(ctx context.Context, name string, qtype uint16) (*answer, time.Duration, error) {
	qname := dns.Fqdn(name)
	authentic := true
	ttl := c.clampTTL(c.MaxTTL + time.Hour) // start at the ceiling
	seen := map[string]bool{}
	var server string
	for hop := 0; ; hop++ {
		if hop > c.maxCNAME() {
			return nil, 0, ErrCNAMELoop
		}
		m, srv, err := c.exchange(ctx, qname, qtype)
		server = srv
		if err != nil {
			return nil, 0, err
		}
		authentic = authentic && m.AuthenticatedData
		// Walk the answer section along the CNAME chain.
		var rrs []dns.RR
		cur := qname
		for steps := 0; ; steps++ {
			if seen[strings.ToLower(cur)] || steps > c.maxCNAME() {
				return nil, 0, ErrCNAMELoop
			}
			seen[strings.ToLower(cur)] = true
			var next string
			for _, rr := range m.Answer {
				h := rr.Header()
				if !strings.EqualFold(h.Name, cur) {
					continue
				}
				if h.Rrtype == qtype {
					rrs = append(rrs, rr)
					ttl = min(ttl, time.Duration(h.Ttl)*time.Second)
				} else if cn, ok := rr.(*dns.CNAME); ok && qtype != dns.TypeCNAME {
					next = cn.Target
					ttl = min(ttl, time.Duration(h.Ttl)*time.Second)
				}
			}
			if len(rrs) > 0 || next == "" {
				break
			}
			cur = next
		}
		a := &answer{authentic: authentic, server: server, final: cur}
		if len(rrs) > 0 {
			a.rrs = rrs
			return a, c.clampTTL(ttl), nil
		}
		if !strings.EqualFold(cur, qname) && m.Rcode == dns.RcodeSuccess && !hasNegativeProof(m) {
			// The chain left the answer section unresolved: ask for the target.
			qname = cur
			seen = map[string]bool{}
			continue
		}
		// A negative answer (RFC 2308): NXDOMAIN or NODATA, TTL from the SOA.
		if m.Rcode == dns.RcodeNameError {
			a.err = ErrNXDomain
		} else {
			a.err = ErrNoData
		}
		neg := c.NegativeTTL
		if neg == 0 {
			neg = c.MinTTL
		}
		for _, rr := range m.Ns {
			if soa, ok := rr.(*dns.SOA); ok {
				neg = time.Duration(min(soa.Hdr.Ttl, soa.Minttl)) * time.Second
			}
		}
		return a, c.clampTTL(min(neg, ttl)), nil
	}
}

// hasNegativeProof reports whether a NOERROR answer carries an SOA in the
// authority section: the server says the chain's target has no data.
func hasNegativeProof(m *dns.Msg) bool {
	for _, rr := range m.Ns {
		if _, ok := rr.(*dns.SOA); ok {
			return true
		}
	}
	return false
}

// exchange sends one question to the servers in turn, attempts times,
// with TCP when the UDP answer is truncated.
func (c *Client) exchange(ctx context.Context, qname string, qtype uint16) (*dns.Msg, string, error) {
	q := new(dns.Msg)
	q.SetQuestion(qname, qtype)
	q.RecursionDesired = true
	q.AuthenticatedData = true // RFC 6840 §5.7: ask for the AD bit
	q.SetEdns0(1232, true)     // DO bit

	var lastErr error = ErrTimeout
	var server string
	for attempt := 0; attempt < c.attempts(); attempt++ {
		for _, srv := range c.servers {
			if err := ctx.Err(); err != nil {
				return nil, server, err
			}
			server = srv
			q.Id = dns.Id()
			m, err := c.exchangeOne(ctx, c.udp, q, srv)
			if err == nil && m.Truncated {
				m, err = c.exchangeOne(ctx, c.tcp, q, srv)
			}
			if err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return nil, server, ctxErr
				}
				if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= time.Millisecond {
					// The per-query timer fired with the caller's deadline.
					return nil, server, context.DeadlineExceeded
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					lastErr = ErrTimeout
				} else {
					lastErr = ErrServFail
				}
				c.log(ctx, "dns query failed", qname, qtype, srv, err)
				continue
			}
			if m.Id != q.Id || len(m.Question) != 1 || !strings.EqualFold(m.Question[0].Name, qname) {
				lastErr = ErrServFail
				continue
			}
			switch m.Rcode {
			case dns.RcodeSuccess, dns.RcodeNameError:
				return m, srv, nil
			default:
				c.log(ctx, "dns server failure", qname, qtype, srv, errors.New(dns.RcodeToString[m.Rcode]))
				lastErr = ErrServFail
			}
		}
	}
	return nil, server, lastErr
}

func (c *Client) exchangeOne(ctx context.Context, dc *dns.Client, q *dns.Msg, srv string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	m, _, err := dc.ExchangeContext(ctx, q, srv)
	return m, err
}

func (c *Client) log(ctx context.Context, msg, qname string, qtype uint16, srv string, err error) {
	if c.Logger != nil {
		c.Logger.DebugContext(ctx, msg, "name", qname, "type", dns.TypeToString[qtype], "server", srv, "err", err)
	}
}

// LookupRR returns the records of any type for name, through the same
// cache, CNAME handling and typed errors as the other lookups. It is not
// part of [Resolver]; packages that can use it when present (spf.Lint
// looks for the obsolete SPF type 99) check for it with a type assertion
// on [RRLookuper]. The records must not be modified.
func (c *Client) LookupRR(ctx context.Context, name string, qtype uint16) ([]dns.RR, Result, error) {
	a, err := c.lookup(ctx, name, qtype)
	if err != nil {
		return nil, resultOf(a), err
	}
	return a.rrs, resultOf(a), nil
}

// LookupCNAME implements [CanonicalNamer]. It looks up host's A records,
// whose answer carries the chain (so a following LookupIP hits the
// cache); a chain that ends at a name without A records still has an
// end. Only a chain that ends at a name that does not exist is an error.
func (c *Client) LookupCNAME(ctx context.Context, host string) (string, Result, error) {
	a, err := c.lookup(ctx, host, dns.TypeA)
	if a == nil || err != nil && !errors.Is(err, ErrNoData) {
		return "", resultOf(a), err
	}
	return strings.ToLower(strings.TrimSuffix(a.final, ".")), resultOf(a), nil
}

// LookupTXT implements [Resolver].
func (c *Client) LookupTXT(ctx context.Context, name string) ([]string, Result, error) {
	a, err := c.lookup(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, resultOf(a), err
	}
	v := a.convert(func() any {
		out := make([]string, 0, len(a.rrs))
		for _, rr := range a.rrs {
			out = append(out, txtText(rr.(*dns.TXT).Txt))
		}
		return out
	})
	return v.([]string), resultOf(a), nil
}

// LookupMX implements [Resolver].
func (c *Client) LookupMX(ctx context.Context, name string) ([]MX, Result, error) {
	a, err := c.lookup(ctx, name, dns.TypeMX)
	if err != nil {
		return nil, resultOf(a), err
	}
	v := a.convert(func() any {
		out := make([]MX, 0, len(a.rrs))
		for _, rr := range a.rrs {
			mx := rr.(*dns.MX)
			out = append(out, MX{Host: strings.TrimSuffix(mx.Mx, "."), Pref: mx.Preference})
		}
		return out
	})
	return v.([]MX), resultOf(a), nil
}

// LookupIP implements [Resolver].
func (c *Client) LookupIP(ctx context.Context, network, host string) ([]netip.Addr, Result, error) {
	switch network {
	case "ip4":
		return c.lookupIP(ctx, host, dns.TypeA)
	case "ip6":
		return c.lookupIP(ctx, host, dns.TypeAAAA)
	case "ip":
		v4, r4, err4 := c.lookupIP(ctx, host, dns.TypeA)
		v6, r6, err6 := c.lookupIP(ctx, host, dns.TypeAAAA)
		res := Result{Authentic: r4.Authentic && r6.Authentic}
		switch {
		case err4 == nil && err6 == nil:
			return append(append(make([]netip.Addr, 0, len(v4)+len(v6)), v4...), v6...), res, nil
		case err4 == nil && IsNotFound(err6):
			return v4, r4, nil
		case err6 == nil && IsNotFound(err4):
			return v6, r6, nil
		case err4 == nil:
			return v4, r4, nil // AAAA failed temporarily; the A answer stands
		case err6 == nil:
			return v6, r6, nil
		case IsNotFound(err4) && !IsNotFound(err6):
			return nil, res, err6 // report the failure, not the negative
		default:
			return nil, res, err4
		}
	}
	return nil, Result{}, &Error{Name: host, Err: errors.New("resolver: network must be ip, ip4 or ip6")}
}

func (c *Client) lookupIP(ctx context.Context, host string, qtype uint16) ([]netip.Addr, Result, error) {
	a, err := c.lookup(ctx, host, qtype)
	if err != nil {
		return nil, resultOf(a), err
	}
	v := a.convert(func() any {
		out := make([]netip.Addr, 0, len(a.rrs))
		for _, rr := range a.rrs {
			switch rr := rr.(type) {
			case *dns.A:
				if ip, ok := netip.AddrFromSlice(rr.A.To4()); ok {
					out = append(out, ip)
				}
			case *dns.AAAA:
				if ip, ok := netip.AddrFromSlice(rr.AAAA.To16()); ok {
					out = append(out, ip)
				}
			}
		}
		return out
	})
	return v.([]netip.Addr), resultOf(a), nil
}

// LookupAddr implements [Resolver].
func (c *Client) LookupAddr(ctx context.Context, addr netip.Addr) ([]string, Result, error) {
	name, err := dns.ReverseAddr(addr.Unmap().String())
	if err != nil {
		return nil, Result{}, &Error{Name: addr.String(), Type: dns.TypePTR, Err: ErrInvalidName}
	}
	a, err := c.lookup(ctx, name, dns.TypePTR)
	if err != nil {
		return nil, resultOf(a), err
	}
	v := a.convert(func() any {
		out := make([]string, 0, len(a.rrs))
		for _, rr := range a.rrs {
			out = append(out, strings.TrimSuffix(rr.(*dns.PTR).Ptr, "."))
		}
		return out
	})
	return v.([]string), resultOf(a), nil
}

// LookupTLSA implements [Resolver].
func (c *Client) LookupTLSA(ctx context.Context, port int, protocol, host string) ([]TLSA, Result, error) {
	name := "_" + strconv.Itoa(port) + "._" + protocol + "." + host
	a, err := c.lookup(ctx, name, dns.TypeTLSA)
	if err != nil {
		return nil, resultOf(a), err
	}
	v := a.convert(func() any {
		out := make([]TLSA, 0, len(a.rrs))
		for _, rr := range a.rrs {
			t := rr.(*dns.TLSA)
			data, err := hex.DecodeString(t.Certificate)
			if err != nil {
				continue
			}
			out = append(out, TLSA{Usage: t.Usage, Selector: t.Selector, MatchingType: t.MatchingType, Data: data})
		}
		return out
	})
	return v.([]TLSA), resultOf(a), nil
}

func resultOf(a *answer) Result {
	if a == nil {
		return Result{}
	}
	return Result{Authentic: a.authentic}
}

// convert returns the cached converted value, computing it once.
func (a *answer) convert(f func() any) any {
	a.once.Do(func() { a.value = f() })
	return a.value
}

// txtText joins a TXT record's character-strings and undoes the
// presentation-format escapes (\" \\ \DDD) miekg/dns puts in them, so
// callers see the record's bytes.
func txtText(txt []string) string {
	s := strings.Join(txt, "")
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
				b = append(b, (s[i+1]-'0')*100+(s[i+2]-'0')*10+(s[i+3]-'0'))
				i += 3
				continue
			}
			i++
			c = s[i]
		}
		b = append(b, c)
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

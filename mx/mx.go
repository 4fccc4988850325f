package mx

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/resolver"
)

// Route is where mail for one domain goes, in the order to try.
type Route struct {
	Domain   string // the domain asked for, as an ASCII (A-label) name; "[addr]" for a literal
	Hosts    []Host // in order of preference, equal preferences shuffled
	Implicit bool   // no MX: the domain itself is the host (RFC 5321 §5.1)
	Literal  bool   // an address literal ([192.0.2.1]): one host, no DNS
	Policy   Policy // the TLS policy for delivery to these hosts
}

// Host is one mail exchanger with its addresses.
//
// A host whose Err is set could not be used now because a lookup for it
// failed temporarily; it stays in the route so that a caller which fails on
// the other hosts knows to try again later rather than give up. Use a host
// only when Err is nil.
type Host struct {
	Name  string       // ASCII host name without trailing dot ("" for a literal)
	Pref  int          // MX preference (0 for implicit MX and literals)
	Addrs []netip.Addr // addresses in the order to try (family preference applied)
	// TLSA are the host's DNSSEC-authenticated TLSA records for port 25;
	// empty when DANE does not apply to this host. Pass them to VerifyDANE.
	TLSA []resolver.TLSA
	// TLSABase is the name the TLSA records were found under: where
	// Name's CNAME chain ends, or Name itself (RFC 7672 §2.2.3). It is
	// the first reference identifier for VerifyDANE and the SNI name.
	TLSABase string
	// Policy is the TLS policy for this host: PolicyDANE when TLSA is set,
	// otherwise the route's MTA-STS mode, otherwise PolicyNone.
	Policy PolicyKind
	// Err is a temporary failure (of the address lookup, or under DANE of
	// the TLSA lookup, RFC 7672 §2.2) that makes the host unusable now.
	Err error
}

// PolicyKind says which TLS policy applies.
type PolicyKind int

const (
	PolicyNone          PolicyKind = iota // no policy: opportunistic STARTTLS
	PolicyMTASTSTesting                   // MTA-STS mode testing: report, do not enforce
	PolicyMTASTSEnforce                   // MTA-STS mode enforce: verified TLS to a matching MX
	PolicyDANE                            // DANE: TLSA records authenticate the hosts
)

func (k PolicyKind) String() string {
	switch k {
	case PolicyNone:
		return "none"
	case PolicyMTASTSTesting:
		return "mta-sts-testing"
	case PolicyMTASTSEnforce:
		return "mta-sts-enforce"
	case PolicyDANE:
		return "dane"
	}
	return fmt.Sprintf("PolicyKind(%d)", int(k))
}

// Policy is the TLS policy for a destination and why it applies.
//
// Kind is PolicyDANE when at least one host has TLSA records; hosts without
// them then follow MTASTS, if any. [Host.Policy] gives the policy per host.
type Policy struct {
	Kind   PolicyKind
	Reason string // human-readable: why this policy (or none) applies
	// MTASTS is the MTA-STS policy when one was found (also in testing and
	// none mode). It must not be modified: it is shared with the cache.
	MTASTS *STSPolicy
	// MTASTSFailure is set when the domain publishes an MTA-STS record
	// but its policy could not be fetched or was invalid, now or in a
	// fetch less than five minutes ago (RFC 8461 §3.3), for TLS
	// reporting. Delivery goes on as RFC 8461 §5.1 says: under the cached
	// policy when there is one (MTASTS is then set), otherwise without
	// MTA-STS.
	MTASTSFailure *STSFailure
}

// Errors returned by [Router.Lookup]. The first four are permanent.
var (
	// ErrInvalidDomain: the domain or address literal is not valid.
	ErrInvalidDomain = errors.New("mx: invalid domain")
	// ErrNoSuchDomain: the domain does not exist (NXDOMAIN).
	ErrNoSuchDomain = errors.New("mx: domain does not exist")
	// ErrNullMX: the domain publishes a null MX, it accepts no mail (RFC 7505 §3).
	ErrNullMX = errors.New("mx: domain accepts no mail (null MX)")
	// ErrNoHosts: no MX host (or, without MX, the domain itself) has an
	// address.
	ErrNoHosts = errors.New("mx: no mail host with an address")
	// ErrMTASTSNoMatch: an MTA-STS policy in enforce mode matches none of
	// the MX hosts. Not permanent: RFC 8461 §5.1 asks senders to look for
	// an updated policy before giving up.
	ErrMTASTSNoMatch = errors.New("mx: no MX host matches the MTA-STS policy")
)

// IsPermanent reports whether err from Lookup means the domain cannot
// receive mail (invalid, nonexistent, null MX, no hosts). Other errors are
// temporary: try again later.
func IsPermanent(err error) bool {
	return errors.Is(err, ErrInvalidDomain) || errors.Is(err, ErrNoSuchDomain) ||
		errors.Is(err, ErrNullMX) || errors.Is(err, ErrNoHosts)
}

// Router looks up routes. Set Resolver; the other fields have useful zero
// values. A Router is safe for concurrent use and should be reused: it holds
// the MTA-STS policy cache, where a policy is kept for its max_age, fetched
// again when the _mta-sts record's id changes or half its max_age has
// passed, and kept when a refetch fails (RFC 8461 §5.1). Concurrent lookups
// share one fetch; a failed fetch is not retried for five minutes (RFC 8461
// §3.3). Its fields must not change after the first Lookup.
type Router struct {
	// Resolver is used for every DNS lookup. Required.
	Resolver resolver.Resolver
	// PreferIPv6 puts each host's IPv6 addresses before its IPv4 ones.
	PreferIPv6 bool
	// HTTPClient fetches MTA-STS policies. nil: a client with verified TLS
	// and a 30-second timeout that resolves the policy host through
	// Resolver, like every other lookup of the Router. Redirects are
	// refused and cookies are not kept whatever client is given (RFC 8461
	// §3.3).
	HTTPClient *http.Client
	// DisableMTASTS and DisableDANE turn those policy lookups off.
	DisableMTASTS, DisableDANE bool
	// PolicyCacheSize bounds the MTA-STS policy cache (domains). 0: 10000.
	PolicyCacheSize int
	// Logger receives debug logs of decisions (hosts skipped, policies
	// fetched); nil is silent.
	Logger *slog.Logger

	mu       sync.Mutex
	sts      map[string]*stsEntry
	flights  map[string]*stsFlight // policy fetches under way
	httpOnce sync.Once
	http     *http.Client
	now      func() time.Time // for tests; nil: time.Now
}

func (r *Router) debug(ctx context.Context, msg string, args ...any) {
	if r.Logger != nil {
		r.Logger.DebugContext(ctx, msg, args...)
	}
}

func (r *Router) timeNow() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}

// maxParallel bounds concurrent host lookups in one Lookup.
const maxParallel = 8

// Lookup returns the route for mail to domain: a domain name (Unicode or
// A-labels, any case, with or without the trailing dot) or an address
// literal ("[192.0.2.1]", "[IPv6:2001:db8::1]").
//
// Permanent failures wrap ErrInvalidDomain, ErrNoSuchDomain, ErrNullMX or
// ErrNoHosts; DNS failures wrap the *resolver.Error, so
// resolver.IsTemporary reports them.
func (r *Router) Lookup(ctx context.Context, domain string) (*Route, error) {
	name, addr, err := normalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	if addr.IsValid() {
		return &Route{
			Domain:  name,
			Literal: true,
			Hosts:   []Host{{Addrs: []netip.Addr{addr}}},
			Policy:  Policy{Reason: "address literal: no DNS, so neither MTA-STS nor DANE applies"},
		}, nil
	}
	if r.Resolver == nil {
		return nil, errors.New("mx: Router.Resolver is nil")
	}

	route := &Route{Domain: name}
	mxs, res, err := r.Resolver.LookupMX(ctx, name)
	switch {
	case err == nil:
	case errors.Is(err, resolver.ErrNoData):
		// RFC 5321 §5.1: no MX, the domain is its own implicit MX.
		route.Implicit = true
	case errors.Is(err, resolver.ErrNXDomain):
		return nil, fmt.Errorf("%w: %s: %w", ErrNoSuchDomain, name, err)
	case errors.Is(err, resolver.ErrInvalidName):
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidDomain, name, err)
	default:
		return nil, fmt.Errorf("mx: %s: %w", name, err)
	}
	// DANE needs an authenticated MX answer, positive or negative (RFC 7672 §2.2.1).
	dane := !r.DisableDANE && res.Authentic

	var hosts []Host
	if route.Implicit {
		hosts = []Host{{Name: name}}
	} else {
		// RFC 7505 §3: a single MX with the root as target is a null MX.
		if len(mxs) == 1 && mxs[0].Host == "" {
			return nil, fmt.Errorf("%w: %s", ErrNullMX, name)
		}
		hosts, err = r.mxHosts(ctx, name, mxs)
		if err != nil {
			return nil, err
		}
	}

	r.resolveHosts(ctx, hosts, dane)
	kept := hosts[:0]
	var tempErr error
	usable := 0
	for _, h := range hosts {
		switch {
		case h.Err != nil:
			tempErr = cmp.Or(tempErr, h.Err)
		case len(h.Addrs) == 0:
			continue // no address: skipped
		default:
			usable++
		}
		kept = append(kept, h)
	}
	if usable == 0 {
		if tempErr != nil {
			return nil, fmt.Errorf("mx: %s: no host could be resolved: %w", name, tempErr)
		}
		if route.Implicit {
			return nil, fmt.Errorf("%w: %s has no MX and no address records", ErrNoHosts, name)
		}
		return nil, fmt.Errorf("%w: no MX host of %s has an address", ErrNoHosts, name)
	}
	route.Hosts = kept

	if err := r.applyPolicy(ctx, route); err != nil {
		return nil, err
	}
	return route, nil
}

// mxHosts turns MX records into hosts sorted by preference, equal
// preferences shuffled (RFC 5321 §5.1).
func (r *Router) mxHosts(ctx context.Context, domain string, mxs []resolver.MX) ([]Host, error) {
	hosts := make([]Host, 0, len(mxs))
	numeric := 0
	for _, m := range mxs {
		name := strings.ToLower(strings.TrimSuffix(m.Host, "."))
		if name == "" {
			// A null MX among other records is not a null MX (RFC 7505
			// §3 forbids the mix); the root is no host, skip it.
			r.debug(ctx, "mx: ignoring null MX mixed with other MX records", "domain", domain)
			continue
		}
		if isNumeric(name) {
			// RFC 5321 §5.1 requires a name. Like Postfix ("numeric
			// domain name in resource data of MX record"), the record
			// is ignored rather than the address used.
			r.debug(ctx, "mx: ignoring MX record with an IP address as target", "domain", domain, "target", name)
			numeric++
			continue
		}
		if why := checkHostname(name); why != "" {
			// Postfix too ignores a "malformed domain name in
			// resource data of MX record".
			r.debug(ctx, "mx: ignoring MX record with an invalid host name", "domain", domain, "target", name, "why", why)
			continue
		}
		if i := slices.IndexFunc(hosts, func(h Host) bool { return h.Name == name }); i >= 0 {
			hosts[i].Pref = min(hosts[i].Pref, int(m.Pref))
			continue
		}
		hosts = append(hosts, Host{Name: name, Pref: int(m.Pref)})
	}
	if len(hosts) == 0 {
		if numeric > 0 {
			return nil, fmt.Errorf("%w: the MX records of %s name IP addresses, not hosts", ErrNoHosts, domain)
		}
		return nil, fmt.Errorf("%w: %s has no usable MX record", ErrNoHosts, domain)
	}
	rand.Shuffle(len(hosts), func(i, j int) { hosts[i], hosts[j] = hosts[j], hosts[i] })
	slices.SortStableFunc(hosts, func(a, b Host) int { return cmp.Compare(a.Pref, b.Pref) })
	return hosts, nil
}

// isNumeric reports whether an MX target is an IP address rather than a name.
func isNumeric(name string) bool {
	if strings.HasPrefix(name, "[") {
		return true
	}
	_, err := netip.ParseAddr(name)
	return err == nil
}

// resolveHosts resolves every host's addresses (and TLSA records when dane),
// in parallel, and sets Addrs, TLSA and Err.
func (r *Router) resolveHosts(ctx context.Context, hosts []Host, dane bool) {
	if len(hosts) == 1 {
		r.resolveHost(ctx, &hosts[0], dane)
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallel)
	for i := range hosts {
		wg.Add(1)
		sem <- struct{}{}
		go func(h *Host) {
			defer wg.Done()
			defer func() { <-sem }()
			r.resolveHost(ctx, h, dane)
		}(&hosts[i])
	}
	wg.Wait()
}

func (r *Router) resolveHost(ctx context.Context, h *Host, dane bool) {
	v4, r4, err4 := r.Resolver.LookupIP(ctx, "ip4", h.Name)
	v6, r6, err6 := r.Resolver.LookupIP(ctx, "ip6", h.Name)
	// The addresses are secure when every answer used was authenticated,
	// negative ones included (RFC 7672 §2.2.2). A family whose lookup
	// failed gives no addresses and does not count: otherwise making one
	// lookup fail would be enough to switch DANE off.
	secure := true
	for _, a := range []struct {
		res resolver.Result
		err error
	}{{r4, err4}, {r6, err6}} {
		if a.err == nil || resolver.IsNotFound(a.err) {
			secure = secure && a.res.Authentic
		}
	}
	first, second := v4, v6
	if r.PreferIPv6 {
		first, second = v6, v4
	}
	addrs := make([]netip.Addr, 0, len(v4)+len(v6))
	for _, list := range [][]netip.Addr{first, second} {
		for _, a := range list {
			if a.IsUnspecified() || a.IsMulticast() {
				continue // cannot be connected to
			}
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		for _, err := range []error{err4, err6} {
			if err != nil && !resolver.IsNotFound(err) {
				h.Err = fmt.Errorf("mx: addresses of %s: %w", h.Name, err)
				return
			}
		}
		r.debug(ctx, "mx: host has no address, skipped", "host", h.Name)
		return
	}
	h.Addrs = addrs
	if !dane || !secure {
		return
	}
	// RFC 7672 §2.2: TLSA records only under an authenticated MX and
	// authenticated addresses. §2.2.3: for a host that is an alias, the
	// TLSA base domain is where its (secure) CNAME chain ends, and its
	// own name only when there are no TLSA records there.
	base := h.Name
	if cn, ok := r.Resolver.(resolver.CanonicalNamer); ok {
		if name, res, err := cn.LookupCNAME(ctx, h.Name); err == nil && res.Authentic && name != "" {
			base = name
		}
	}
	tlsa, res, err := r.Resolver.LookupTLSA(ctx, 25, "tcp", base)
	if base != h.Name && resolver.IsNotFound(err) {
		base = h.Name
		tlsa, res, err = r.Resolver.LookupTLSA(ctx, 25, "tcp", base)
	}
	switch {
	case err == nil && res.Authentic && len(tlsa) > 0:
		h.TLSA = slices.Clone(tlsa)
		h.TLSABase = base
		h.Policy = PolicyDANE
	case err == nil:
		r.debug(ctx, "mx: TLSA records not authenticated, DANE not used", "host", h.Name)
	case resolver.IsNotFound(err):
	default:
		// RFC 7672 §2.2: a failed TLSA lookup for a secure host makes
		// the host unusable; it must not be downgraded to no DANE.
		h.Err = fmt.Errorf("mx: TLSA records of %s: %w", base, err)
	}
}

// applyPolicy decides the route's TLS policy and, under MTA-STS enforce,
// removes the hosts the policy does not allow.
func (r *Router) applyPolicy(ctx context.Context, route *Route) error {
	daneHosts := 0
	for _, h := range route.Hosts {
		if len(h.TLSA) > 0 {
			daneHosts++
		}
	}
	p := &route.Policy
	if daneHosts == len(route.Hosts) {
		// DANE covers every host; it takes precedence (RFC 8461 §2).
		p.Kind = PolicyDANE
		p.Reason = "DANE: DNSSEC-authenticated TLSA records for every host"
		return nil
	}
	var reason string
	if r.DisableMTASTS {
		reason = "MTA-STS disabled"
	} else {
		p.MTASTS, reason, p.MTASTSFailure = r.stsPolicy(ctx, route.Domain)
	}
	kind := PolicyNone
	if p.MTASTS != nil {
		switch p.MTASTS.Mode {
		case ModeEnforce:
			kind = PolicyMTASTSEnforce
		case ModeTesting:
			kind = PolicyMTASTSTesting
		}
	}
	if kind == PolicyMTASTSEnforce {
		// RFC 8461 §4.1: under enforce, only MX hosts matching the
		// policy may be used. DANE hosts follow DANE instead (§2).
		kept := route.Hosts[:0]
		var dropped []string
		for _, h := range route.Hosts {
			if len(h.TLSA) > 0 || p.MTASTS.Match(h.Name) {
				kept = append(kept, h)
			} else {
				dropped = append(dropped, h.Name)
			}
		}
		if len(dropped) > 0 {
			r.debug(ctx, "mx: hosts removed by MTA-STS policy", "domain", route.Domain, "hosts", dropped)
		}
		route.Hosts = kept
		if len(kept) == 0 {
			return fmt.Errorf("%w: %s: hosts %s, policy allows %s", ErrMTASTSNoMatch,
				route.Domain, strings.Join(dropped, ", "), strings.Join(p.MTASTS.MX, ", "))
		}
	}
	for i := range route.Hosts {
		if len(route.Hosts[i].TLSA) == 0 {
			route.Hosts[i].Policy = kind
		}
	}
	p.Kind = kind
	p.Reason = reason
	if daneHosts > 0 {
		p.Kind = PolicyDANE
		p.Reason = "DANE for the hosts with authenticated TLSA records; others: " + reason
	}
	return nil
}

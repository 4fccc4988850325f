// Package dnsbl checks one's own sending IP addresses and domains against
// DNS blocklists (DNSBLs for addresses, RHSBLs for domains, RFC 5782),
// through a resolver.Resolver, and says what each list's answer means.
//
// An IPv4 address is looked up as its reversed octets under the zone
// (192.0.2.1 in zen.spamhaus.org: 1.2.0.192.zen.spamhaus.org), an IPv6
// address as its 32 reversed nibbles (RFC 5782 §2), a domain as itself
// under the zone (RFC 5782 §3). No answer (NXDOMAIN) means not listed; an
// A record in 127.0.0.0/8 means listed, and the zone's table of codes
// ([Zone.Codes], from the operator's published page) says why.
//
// What a careless checker gets wrong, and this one does not:
//
//   - Answers that mean "your query was refused", such as Spamhaus's
//     127.255.255.252/254/255 for a typo, a public resolver or too many
//     queries, are [Refused], never [Listed].
//   - A zone that does not list its RFC 5782 §5 test entry (127.0.0.2, or
//     "test" for a domain list) is not answering truthfully: public
//     resolvers that a list blocks answer NXDOMAIN for everything. Its
//     "not listed" answers are [Refused] too. A zone that lists the entry
//     that must never be listed (127.0.0.1, "invalid") lists everything,
//     as lists being shut down do: its answers are [Refused].
//   - A timeout or server failure is [Unknown], never clean; so is an
//     answer outside 127.0.0.0/8 (an expired zone domain that now
//     resolves to a web server).
//
// A [Checker] asks every zone concurrently, bounded in time by its Timeout,
// and answers come from the resolver's cache for their TTL (resolver.Client
// caches positive and negative answers, RFC 2308), so a monitor calling
// Check every minute asks a zone again only when its answer expires.
// Timeouts and failures are not cached.
//
// DefaultZones lists the zones used when none are given, each with its
// operator's page.
package dnsbl

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/resolver"
)

// Zone is one blocklist.
type Zone struct {
	// Name is the zone queried, such as "zen.spamhaus.org".
	Name string
	// Domains is set for a list of domain names (an RHSBL); otherwise the
	// zone lists IP addresses.
	Domains bool
	// IPv6 is set for an address list that also lists IPv6 addresses.
	// IPv6 addresses are not asked of a zone without it.
	IPv6 bool
	// Codes says what answers mean; the first whose Prefix holds the
	// answer applies. An answer in 127.0.0.0/8 that no Code holds is
	// still a listing, of unpublished meaning.
	Codes []Code
	// TestListed is an entry the zone always lists, asked to check that
	// the zone answers at all; "" means RFC 5782 §5's (127.0.0.2, or
	// "test" for a domain list), "-" means none is asked.
	TestListed string
	// TestNotListed is an entry the zone never lists; "" means RFC 5782
	// §5's (127.0.0.1, or "invalid"), "-" means none is asked.
	TestNotListed string
	// Source is the page that documents the zone and its codes.
	Source string
}

// Code is the meaning of answers in Prefix.
type Code struct {
	Prefix  netip.Prefix
	Meaning string
	// Refused marks answers that say the query was refused (an error
	// code), not that the entry is listed.
	Refused bool
}

// Status is what a zone said about one IP address or domain.
type Status uint8

const (
	// Unknown: no usable answer (timeout, server failure, an answer that
	// is not a blocklist's). Never to be taken as clean.
	Unknown Status = iota
	// NotListed: the zone answered, and it does not list the entry.
	NotListed
	// Listed: the zone lists the entry; Codes and Meanings say how.
	Listed
	// Refused: unknown, because the zone refused the query (an error
	// code, or its test entries show it does not answer truthfully).
	Refused
	// Skipped: not asked (an address the zone cannot list, such as a
	// private one, or IPv6 on an IPv4-only zone).
	Skipped
)

func (s Status) String() string {
	switch s {
	case Unknown:
		return "unknown"
	case NotListed:
		return "not listed"
	case Listed:
		return "listed"
	case Refused:
		return "refused"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// MarshalText returns String.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Result is one zone's answer about one IP address or domain.
type Result struct {
	Zone   string
	Query  string // the IP address or domain checked, as given (canonical form)
	Status Status
	// Codes are the A records answered (Listed or Refused), and Meanings
	// what the zone's table says of each.
	Codes    []netip.Addr
	Meanings []string
	// Text is the TXT record of a listing: often the page that explains
	// it and how to be removed.
	Text string
	// Reason says why a result is Refused, Unknown or Skipped.
	Reason string
	// Err is the DNS error behind an Unknown result.
	Err error
	// Source is the zone's documentation page.
	Source string
}

// Checker checks addresses and domains against zones. Set Resolver; the
// other fields have useful zero values. A Checker is safe for concurrent
// use.
type Checker struct {
	// Resolver does the lookups. Required. Use one of your own, not a
	// public resolver: several lists refuse those.
	Resolver resolver.Resolver
	// Zones are the lists asked; nil means DefaultZones().
	Zones []Zone
	// Timeout bounds one Check; a zone that has not answered by then is
	// Unknown. 0 means 10 seconds.
	Timeout time.Duration
	// Parallel bounds the lookups in flight. 0 means 16.
	Parallel int
}

// ErrNoResolver is returned by Check when the Checker has no Resolver.
var ErrNoResolver = errors.New("dnsbl: Checker.Resolver is nil")

// Check asks every address zone about each IP address and every domain
// zone about each domain, concurrently, and returns one Result per pair:
// the IP addresses first, in the order given, each with the zones in
// order, then the domains. Invalid domains are Skipped with the reason.
// The error is non-nil only for a Checker without a Resolver; a context
// that ends makes the results not yet in Unknown.
func (c *Checker) Check(ctx context.Context, ips []netip.Addr, domains []string) ([]Result, error) {
	if c.Resolver == nil {
		return nil, ErrNoResolver
	}
	zones := c.Zones
	if zones == nil {
		zones = DefaultZones()
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var results []Result
	var zoneOf []int // zone index of each result
	var jobs []job
	used := make([]bool, len(zones))
	for _, ip := range ips {
		for zi := range zones {
			z := &zones[zi]
			if z.Domains {
				continue
			}
			r := Result{Zone: z.Name, Query: ip.String(), Source: z.Source}
			if name, why := ipName(ip, z); why != "" {
				r.Status, r.Reason = Skipped, why
			} else {
				jobs = append(jobs, job{zone: zi, name: name, result: len(results)})
				used[zi] = true
			}
			results = append(results, r)
			zoneOf = append(zoneOf, zi)
		}
	}
	for _, d := range domains {
		dom, err := address.ParseDomain(d)
		for zi := range zones {
			z := &zones[zi]
			if !z.Domains {
				continue
			}
			r := Result{Zone: z.Name, Query: d, Source: z.Source}
			switch {
			case err != nil:
				r.Status, r.Reason = Skipped, err.Error()
			case dom.Literal().IsValid():
				r.Status, r.Reason = Skipped, "an address literal is not a domain: check the address"
			default:
				r.Query = dom.ASCII()
				jobs = append(jobs, job{zone: zi, name: dom.ASCII() + "." + z.Name, result: len(results)})
				used[zi] = true
			}
			results = append(results, r)
			zoneOf = append(zoneOf, zi)
		}
	}
	// The test entries of each zone asked (RFC 5782 §5).
	tests := make([]struct{ listed, notListed Result }, len(zones))
	var testJobs []job
	for zi := range zones {
		if !used[zi] {
			continue
		}
		listed, notListed := testEntries(&zones[zi])
		if listed != "" {
			testJobs = append(testJobs, job{zone: zi, name: listed + "." + zones[zi].Name, test: 1})
		}
		if notListed != "" {
			testJobs = append(testJobs, job{zone: zi, name: notListed + "." + zones[zi].Name, test: 2})
		}
	}

	parallel := c.Parallel
	if parallel <= 0 {
		parallel = 16
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	run := func(j job) {
		defer wg.Done()
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			c.store(&mu, results, tests, j, Result{Status: Unknown, Reason: "not asked before the check's time ran out", Err: ctx.Err()})
			return
		}
		defer func() { <-sem }()
		c.store(&mu, results, tests, j, c.ask(ctx, &zones[j.zone], j.name, j.test == 0))
	}
	for _, j := range append(testJobs, jobs...) {
		wg.Add(1)
		go run(j)
	}
	wg.Wait()

	// A zone whose test entries show it does not answer truthfully has
	// its answers discarded.
	verdict := make([]string, len(zones))
	for zi := range zones {
		verdict[zi] = zoneVerdict(&zones[zi], tests[zi].listed, tests[zi].notListed)
	}
	for i := range results {
		r := &results[i]
		if why := verdict[zoneOf[i]]; why != "" && (r.Status == Listed || r.Status == NotListed) {
			*r = Result{Zone: r.Zone, Query: r.Query, Status: Refused, Reason: why, Source: r.Source}
		}
	}
	return results, nil
}

// zoneVerdict says why z's answers cannot be trusted, from its test
// entries' answers, or "" when they can (or the tests had no answer).
func zoneVerdict(z *Zone, listed, notListed Result) string {
	l, n := testEntries(z)
	switch {
	case listed.Status == Refused:
		return "the zone refuses queries from this resolver: " + listed.Reason
	case notListed.Status == Refused:
		return "the zone refuses queries from this resolver: " + notListed.Reason
	case l != "" && listed.Status == NotListed:
		return fmt.Sprintf("the zone does not list its test entry %s (RFC 5782 §5): it is not answering this resolver truthfully (a blocked public resolver, or a zone no longer served), so its answer means nothing", l)
	case n != "" && notListed.Status == Listed:
		return fmt.Sprintf("the zone lists %s, which no list may list (RFC 5782 §5): it answers \"listed\" for everything, as lists being shut down do", n)
	}
	return ""
}

// job is one lookup: of results[result], or of a zone's test entry
// (test 1: always listed, 2: never listed).
type job struct {
	zone   int
	name   string
	result int
	test   int
}

func (c *Checker) store(mu *sync.Mutex, results []Result, tests []struct{ listed, notListed Result }, j job, got Result) {
	mu.Lock()
	defer mu.Unlock()
	switch j.test {
	case 1:
		tests[j.zone].listed = got
	case 2:
		tests[j.zone].notListed = got
	default:
		r := &results[j.result]
		r.Status, r.Codes, r.Meanings, r.Text, r.Reason, r.Err = got.Status, got.Codes, got.Meanings, got.Text, got.Reason, got.Err
	}
}

// ask looks name up in z and says what the answer means; with txt, a
// listing's TXT record is fetched too.
func (c *Checker) ask(ctx context.Context, z *Zone, name string, txt bool) Result {
	addrs, _, err := c.Resolver.LookupIP(ctx, "ip4", name)
	switch {
	case err == nil:
	case errors.Is(err, resolver.ErrNXDomain), errors.Is(err, resolver.ErrNoData):
		return Result{Status: NotListed}
	default:
		why := "the zone did not answer"
		if errors.Is(err, resolver.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			why = "no answer in time"
		} else if errors.Is(err, resolver.ErrServFail) {
			why = "the resolver could not get an answer (SERVFAIL or REFUSED)"
		}
		return Result{Status: Unknown, Reason: why, Err: err}
	}
	r := Result{Status: Listed, Codes: addrs}
	for _, a := range addrs {
		if !a.Is4() || a.As4()[0] != 127 {
			return Result{Status: Unknown, Codes: addrs,
				Reason: fmt.Sprintf("answer %s is outside 127.0.0.0/8, so it is not a blocklist's (RFC 5782 §2): the zone's domain may have expired or be wildcarded", a)}
		}
		meaning, refused := z.meaning(a)
		r.Meanings = append(r.Meanings, meaning)
		if refused {
			r.Status, r.Reason = Refused, meaning
		}
	}
	if r.Status == Listed && txt {
		if txts, _, err := c.Resolver.LookupTXT(ctx, name); err == nil {
			r.Text = strings.Join(txts, " ")
		}
	}
	return r
}

// meaning returns what z says of answer a, and whether it is a refusal.
func (z *Zone) meaning(a netip.Addr) (string, bool) {
	for _, code := range z.Codes {
		if code.Prefix.Contains(a) {
			return code.Meaning, code.Refused
		}
	}
	return fmt.Sprintf("listed (code %s, meaning not published in the zone's table)", a), false
}

// testEntries returns the names of z's RFC 5782 §5 test entries, "" for
// none, as they are queried (reversed for an address list).
func testEntries(z *Zone) (listed, notListed string) {
	listed, notListed = z.TestListed, z.TestNotListed
	if listed == "" {
		listed = "127.0.0.2"
		if z.Domains {
			listed = "test"
		}
	}
	if notListed == "" {
		notListed = "127.0.0.1"
		if z.Domains {
			notListed = "invalid"
		}
	}
	return queryForm(z, listed), queryForm(z, notListed)
}

// queryForm turns a test entry into what is queried: an address reversed,
// a name as it is, "-" into "".
func queryForm(z *Zone, entry string) string {
	if entry == "-" {
		return ""
	}
	if a, err := netip.ParseAddr(entry); err == nil && !z.Domains {
		return reverse(a.Unmap())
	}
	return entry
}

// ipName returns the name to query for ip in zone z, or why it is not
// asked.
func ipName(ip netip.Addr, z *Zone) (name, skip string) {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "", "not an IP address"
	case ip.IsLoopback(), ip.IsPrivate(), ip.IsUnspecified(), ip.IsLinkLocalUnicast(), ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "", "not a public address: no blocklist lists it"
	case ip.Is6() && !z.IPv6:
		return "", "the zone lists IPv4 addresses only"
	}
	return reverse(ip) + "." + z.Name, ""
}

// reverse writes ip as a DNSxL label sequence: reversed octets for IPv4,
// reversed nibbles for IPv6 (RFC 5782 §2).
func reverse(ip netip.Addr) string {
	var b strings.Builder
	if ip.Is4() {
		a := ip.As4()
		fmt.Fprintf(&b, "%d.%d.%d.%d", a[3], a[2], a[1], a[0])
		return b.String()
	}
	const hex = "0123456789abcdef"
	a := ip.As16()
	for i := 15; i >= 0; i-- {
		if i < 15 {
			b.WriteByte('.')
		}
		b.WriteByte(hex[a[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hex[a[i]>>4])
	}
	return b.String()
}

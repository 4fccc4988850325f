package dnsbl

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// zones serves the default zones' names from a resolvertest server, in the
// states a sender meets: listings with several codes, refusal codes, a
// zone that answers NXDOMAIN for everything (how a list answers a
// resolver it blocks), one that lists everything, one that times out, and
// one whose domain now points at a web server.
const zones = `
; zen.spamhaus.org answers truthfully (RFC 5782 §5 test entries).
2.0.0.127.zen.spamhaus.org.     A   127.0.0.2
2.0.0.127.zen.spamhaus.org.     A   127.0.0.10
5.113.0.203.zen.spamhaus.org.   A   127.0.0.2
5.113.0.203.zen.spamhaus.org.   A   127.0.0.10
5.113.0.203.zen.spamhaus.org.   TXT "https://check.spamhaus.org/listed/?searchterm=203.0.113.5"
7.113.0.203.zen.spamhaus.org.   A   127.255.255.254
9.113.0.203.zen.spamhaus.org.   A   127.0.0.77
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org. A 127.0.0.4
; dbl.spamhaus.org, with its documented test domain.
dbltest.com.dbl.spamhaus.org.   A   127.0.1.2
bad.example.dbl.spamhaus.org.   A   127.0.1.2
; bl.spamcop.net answers NXDOMAIN for everything, its test entry too.
bl.spamcop.net.                 TXT "zone apex"
; b.barracudacentral.org lists everything.
*.b.barracudacentral.org.       A   127.0.0.2
; slow.example.net never answers; gone.example.net is a parked domain.
*.slow.example.net.             A   127.0.0.2
*.gone.example.net.             A   192.0.2.80
`

func server(t *testing.T) *resolvertest.Server {
	t.Helper()
	srv := resolvertest.New(t, zones)
	srv.SetFault("5.113.0.203.slow.example.net.", 0, resolvertest.Timeout)
	return srv
}

func lookup(results []Result, zone, query string) *Result {
	for i := range results {
		if results[i].Zone == zone && results[i].Query == query {
			return &results[i]
		}
	}
	return nil
}

func TestCheck(t *testing.T) {
	srv := server(t)
	zs := append(DefaultZones(),
		Zone{Name: "slow.example.net", TestListed: "-", TestNotListed: "-"},
		Zone{Name: "gone.example.net"})
	c := &Checker{Resolver: srv.Client(), Zones: zs, Timeout: 5 * time.Second}
	ips := []netip.Addr{
		netip.MustParseAddr("203.0.113.5"), netip.MustParseAddr("203.0.113.6"),
		netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("203.0.113.9"),
		netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("10.1.2.3"),
		netip.MustParseAddr("::ffff:203.0.113.6"),
	}
	results, err := c.Check(context.Background(), ips, []string{"bad.example", "Good.Example.", "not a domain"})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(ips)*5+3*1 {
		t.Fatalf("%d results, want %d", len(results), len(ips)*5+3)
	}
	tests := []struct {
		zone, query string
		status      Status
		meaning     string // in Meanings or Reason
	}{
		{"zen.spamhaus.org", "203.0.113.5", Listed, "SBL: Spamhaus Block List"},
		{"zen.spamhaus.org", "203.0.113.5", Listed, "PBL: the ISP says"},
		{"zen.spamhaus.org", "203.0.113.6", NotListed, ""},
		{"zen.spamhaus.org", "203.0.113.6", NotListed, ""}, // the mapped form of the same address
		{"zen.spamhaus.org", "203.0.113.7", Refused, "public/open resolver"},
		{"zen.spamhaus.org", "203.0.113.9", Listed, "code 127.0.0.77, meaning not published"},
		{"zen.spamhaus.org", "2001:db8::1", Listed, "XBL"},
		{"zen.spamhaus.org", "10.1.2.3", Skipped, "not a public address"},
		{"bl.spamcop.net", "203.0.113.5", Refused, "does not list its test entry 2.0.0.127 (RFC 5782 §5)"},
		{"bl.spamcop.net", "2001:db8::1", Skipped, "IPv4 addresses only"},
		{"b.barracudacentral.org", "203.0.113.6", Refused, "lists 1.0.0.127, which no list may list"},
		{"slow.example.net", "203.0.113.5", Unknown, "no answer in time"},
		{"gone.example.net", "203.0.113.5", Unknown, "outside 127.0.0.0/8"},
		{"dbl.spamhaus.org", "bad.example", Listed, "spam domain"},
		{"dbl.spamhaus.org", "good.example", NotListed, ""},
		{"dbl.spamhaus.org", "not a domain", Skipped, "not allowed in a domain"},
	}
	for _, tt := range tests {
		r := lookup(results, tt.zone, tt.query)
		if r == nil {
			t.Errorf("no result for %s in %s", tt.query, tt.zone)
			continue
		}
		if r.Status != tt.status || !strings.Contains(strings.Join(r.Meanings, "; ")+" "+r.Reason, tt.meaning) {
			t.Errorf("%s in %s: %s (%q, %q); want %s with %q", tt.query, tt.zone, r.Status, r.Meanings, r.Reason, tt.status, tt.meaning)
		}
		if r.Source != "" && !strings.HasPrefix(r.Source, "http") {
			t.Errorf("%s: source %q", tt.zone, r.Source)
		}
	}
	if r := lookup(results, "zen.spamhaus.org", "203.0.113.5"); r == nil || !strings.Contains(r.Text, "searchterm=203.0.113.5") || len(r.Codes) != 2 {
		t.Errorf("listing without its TXT record or codes: %+v", r)
	}
	if r := lookup(results, "slow.example.net", "203.0.113.5"); r == nil || !errors.Is(r.Err, resolver.ErrTimeout) {
		t.Errorf("timeout result %+v, want Err wrapping resolver.ErrTimeout", r)
	}
	// The order is the input's: each address with the zones in order.
	if results[0].Query != "203.0.113.5" || results[0].Zone != "zen.spamhaus.org" || results[len(results)-1].Query != "not a domain" {
		t.Errorf("results out of order: first %s/%s, last %s", results[0].Query, results[0].Zone, results[len(results)-1].Query)
	}
}

// TestCheckCached: a second check within the answers' TTL asks the
// server nothing, except for what timed out, which is asked again.
func TestCheckCached(t *testing.T) {
	srv := server(t)
	zs := append(DefaultZones(), Zone{Name: "slow.example.net", TestListed: "-", TestNotListed: "-"})
	c := &Checker{Resolver: srv.Client(), Zones: zs}
	ips := []netip.Addr{netip.MustParseAddr("203.0.113.5"), netip.MustParseAddr("203.0.113.6")}
	if _, err := c.Check(context.Background(), ips, []string{"bad.example"}); err != nil {
		t.Fatal(err)
	}
	srv.ResetCounts()
	results, err := c.Check(context.Background(), ips, []string{"bad.example"})
	if err != nil {
		t.Fatal(err)
	}
	if n, slow := srv.TotalQueries(), srv.Queries("5.113.0.203.slow.example.net", 0); n != slow || slow == 0 {
		t.Errorf("second check sent %d queries, %d of them for the zone that timed out; want only those", n, slow)
	}
	if r := lookup(results, "zen.spamhaus.org", "203.0.113.5"); r == nil || r.Status != Listed {
		t.Errorf("cached listing: %+v", r)
	}
}

// TestCheckTimeBound: a check ends by its Timeout however many zones do
// not answer, and what did not answer is Unknown.
func TestCheckTimeBound(t *testing.T) {
	srv := resolvertest.New(t, `x. A 127.0.0.1`)
	var zs []Zone
	for _, n := range []string{"a.test", "b.test", "c.test", "d.test"} {
		srv.SetFault("5.113.0.203."+n+".", 0, resolvertest.Timeout)
		srv.SetFault("2.0.0.127."+n+".", 0, resolvertest.Timeout)
		srv.SetFault("1.0.0.127."+n+".", 0, resolvertest.Timeout)
		zs = append(zs, Zone{Name: n})
	}
	r := srv.Client()
	r.Timeout = 5 * time.Second // longer than the check may take
	c := &Checker{Resolver: r, Zones: zs, Timeout: 300 * time.Millisecond}
	results, err := c.Check(context.Background(), []netip.Addr{netip.MustParseAddr("203.0.113.5")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range results {
		if res.Status != Unknown {
			t.Errorf("%s: %s, want unknown", res.Zone, res.Status)
		}
	}
	if _, err := (&Checker{}).Check(context.Background(), nil, nil); !errors.Is(err, ErrNoResolver) {
		t.Errorf("no resolver: %v", err)
	}
}

func TestReverse(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":   "1.2.0.192",
		"2001:db8::1": "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2",
	} {
		if got := reverse(netip.MustParseAddr(in)); got != want {
			t.Errorf("reverse(%s) = %s, want %s", in, got, want)
		}
	}
}

package mx

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const routeZone = `
example.com.            MX 10 mx1.example.com.
example.com.            MX 20 mx2.example.com.
mx1.example.com.        A 192.0.2.1
mx1.example.com.        AAAA 2001:db8::1
mx2.example.com.        A 192.0.2.2
implicit.example.       A 192.0.2.10
implicit.example.       AAAA 2001:db8::10
nullmx.example.         MX 0 .
mixednull.example.      MX 0 .
mixednull.example.      MX 10 mx2.example.com.
nohosts.example.        MX 10 nowhere.example.
noaddr.example.         TXT "v=spf1 -all"
cname.example.          MX 10 alias.cname.example.
alias.cname.example.    CNAME mx1.example.com.
numeric.example.        MX 10 192.0.2.50.
numericmixed.example.   MX 5 192.0.2.50.
numericmixed.example.   MX 10 mx2.example.com.
someskip.example.       MX 10 nowhere.example.
someskip.example.       MX 20 mx2.example.com.
dup.example.            MX 20 mx1.example.com.
dup.example.            MX 10 mx1.example.com.
unspec.example.         MX 10 zero.example.
unspec.example.         MX 20 mx2.example.com.
zero.example.           A 0.0.0.0
xn--bcher-kva.example.  MX 10 mx2.example.com.
v6only.example.         MX 10 mx6.example.
mx6.example.            AAAA 2001:db8::6
temphost.example.       MX 10 broken.example.
temphost.example.       MX 20 mx2.example.com.
alltemp.example.        MX 10 broken.example.
broken.example.         A 192.0.2.99
tempmx.example.         MX 10 mx2.example.com.
slowmx.example.         MX 10 mx2.example.com.
badname.example.        MX 10 bad_name.example.
badname.example.        MX 20 mx2.example.com.
onlybadname.example.    MX 10 bad_name.example.
bad_name.example.       A 192.0.2.66
`

func routeServer(t *testing.T) (*Router, *resolvertest.Server) {
	t.Helper()
	srv := newDNS(t, routeZone)
	srv.SetFault("broken.example.", 0, resolvertest.ServFail)
	srv.SetFault("tempmx.example.", dns.TypeMX, resolvertest.ServFail)
	srv.SetFault("slowmx.example.", dns.TypeMX, resolvertest.Timeout)
	return &Router{Resolver: srv.Client()}, srv
}

func hostNames(r *Route) []string {
	var out []string
	for _, h := range r.Hosts {
		out = append(out, h.Name)
	}
	return out
}

func TestLookupRoutes(t *testing.T) {
	r, _ := routeServer(t)
	a := netip.MustParseAddr
	tests := []struct {
		name     string
		domain   string
		want     string       // Route.Domain
		hosts    []string     // in order
		addrs    []netip.Addr // of the first host
		implicit bool
	}{
		{"MX sorted by preference, IPv4 first", "example.com", "example.com",
			[]string{"mx1.example.com", "mx2.example.com"}, []netip.Addr{a("192.0.2.1"), a("2001:db8::1")}, false},
		{"case and trailing dot normalised", "EXAMPLE.Com.", "example.com",
			[]string{"mx1.example.com", "mx2.example.com"}, []netip.Addr{a("192.0.2.1"), a("2001:db8::1")}, false},
		{"implicit MX when the domain has no MX", "implicit.example", "implicit.example",
			[]string{"implicit.example"}, []netip.Addr{a("192.0.2.10"), a("2001:db8::10")}, true},
		{"null MX among other records is skipped", "mixednull.example", "mixednull.example",
			[]string{"mx2.example.com"}, []netip.Addr{a("192.0.2.2")}, false},
		{"CNAME MX target followed", "cname.example", "cname.example",
			[]string{"alias.cname.example"}, []netip.Addr{a("192.0.2.1"), a("2001:db8::1")}, false},
		{"IP address MX target ignored", "numericmixed.example", "numericmixed.example",
			[]string{"mx2.example.com"}, []netip.Addr{a("192.0.2.2")}, false},
		{"host without addresses skipped", "someskip.example", "someskip.example",
			[]string{"mx2.example.com"}, []netip.Addr{a("192.0.2.2")}, false},
		{"duplicate MX hosts merged at the best preference", "dup.example", "dup.example",
			[]string{"mx1.example.com"}, []netip.Addr{a("192.0.2.1"), a("2001:db8::1")}, false},
		{"unspecified addresses dropped", "unspec.example", "unspec.example",
			[]string{"mx2.example.com"}, []netip.Addr{a("192.0.2.2")}, false},
		{"IDNA U-labels to A-labels", "Bücher.example", "xn--bcher-kva.example",
			[]string{"mx2.example.com"}, []netip.Addr{a("192.0.2.2")}, false},
		{"A-label input", "xn--bcher-kva.example", "xn--bcher-kva.example",
			[]string{"mx2.example.com"}, []netip.Addr{a("192.0.2.2")}, false},
		{"MX target with an invalid name ignored", "badname.example", "badname.example",
			[]string{"mx2.example.com"}, []netip.Addr{a("192.0.2.2")}, false},
		{"IPv6-only host", "v6only.example", "v6only.example",
			[]string{"mx6.example"}, []netip.Addr{a("2001:db8::6")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			route, err := r.Lookup(context.Background(), tt.domain)
			if err != nil {
				t.Fatalf("Lookup(%q): %v", tt.domain, err)
			}
			if route.Domain != tt.want {
				t.Errorf("Domain = %q, want %q", route.Domain, tt.want)
			}
			if got := hostNames(route); !slices.Equal(got, tt.hosts) {
				t.Errorf("hosts = %q, want %q", got, tt.hosts)
			}
			if !slices.Equal(route.Hosts[0].Addrs, tt.addrs) {
				t.Errorf("addrs = %v, want %v", route.Hosts[0].Addrs, tt.addrs)
			}
			if route.Implicit != tt.implicit || route.Literal {
				t.Errorf("Implicit, Literal = %v, %v; want %v, false", route.Implicit, route.Literal, tt.implicit)
			}
			for _, h := range route.Hosts {
				if h.Err != nil || h.Policy != PolicyNone || len(h.TLSA) > 0 {
					t.Errorf("host %s: Err %v, Policy %v, TLSA %v; want none", h.Name, h.Err, h.Policy, h.TLSA)
				}
			}
			if route.Policy.Kind != PolicyNone || route.Policy.Reason == "" {
				t.Errorf("Policy = %+v, want none with a reason", route.Policy)
			}
		})
	}
}

func TestLookupPreferences(t *testing.T) {
	r, _ := routeServer(t)
	route, err := r.Lookup(context.Background(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if p := []int{route.Hosts[0].Pref, route.Hosts[1].Pref}; !slices.Equal(p, []int{10, 20}) {
		t.Errorf("prefs = %v, want [10 20]", p)
	}
	r.PreferIPv6 = true
	route, err = r.Lookup(context.Background(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("192.0.2.1")}
	if !slices.Equal(route.Hosts[0].Addrs, want) {
		t.Errorf("PreferIPv6 addrs = %v, want %v", route.Hosts[0].Addrs, want)
	}
}

func TestLookupShufflesEqualPreferences(t *testing.T) {
	srv := newDNS(t, `
shuffle.example.  MX 10 a.shuffle.example.
shuffle.example.  MX 10 b.shuffle.example.
shuffle.example.  MX 10 c.shuffle.example.
shuffle.example.  MX 5  first.shuffle.example.
shuffle.example.  MX 20 last.shuffle.example.
*.shuffle.example. A 192.0.2.1
`)
	r := &Router{Resolver: srv.Client(), DisableMTASTS: true}
	orders := map[string]int{}
	for range 200 {
		route, err := r.Lookup(context.Background(), "shuffle.example")
		if err != nil {
			t.Fatal(err)
		}
		names := hostNames(route)
		if len(names) != 5 || names[0] != "first.shuffle.example" || names[4] != "last.shuffle.example" {
			t.Fatalf("order %q breaks preferences", names)
		}
		orders[strings.Join(names[1:4], ",")]++
	}
	// 6 permutations; 200 draws all landing on fewer than 4 of them
	// would mean the shuffle does not work.
	if len(orders) < 4 {
		t.Errorf("equal preferences came in %d orders in 200 lookups, want (nearly) all 6: %v", len(orders), orders)
	}
}

func TestLookupErrors(t *testing.T) {
	r, _ := routeServer(t)
	tests := []struct {
		name      string
		domain    string
		is        []error
		permanent bool
		temporary bool // resolver.IsTemporary
	}{
		{"NXDOMAIN is permanent", "doesnotexist.example", []error{ErrNoSuchDomain, resolver.ErrNXDomain}, true, false},
		{"null MX", "nullmx.example", []error{ErrNullMX}, true, false},
		{"MX host does not exist", "nohosts.example", []error{ErrNoHosts}, true, false},
		{"no MX and no address", "noaddr.example", []error{ErrNoHosts}, true, false},
		{"only an IP address as MX", "numeric.example", []error{ErrNoHosts}, true, false},
		{"only an invalid MX host name", "onlybadname.example", []error{ErrNoHosts}, true, false},
		{"MX lookup SERVFAIL", "tempmx.example", []error{resolver.ErrServFail}, false, true},
		{"MX lookup timeout", "slowmx.example", []error{resolver.ErrTimeout}, false, true},
		{"every host fails temporarily", "alltemp.example", []error{resolver.ErrServFail}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			route, err := r.Lookup(context.Background(), tt.domain)
			if err == nil {
				t.Fatalf("Lookup(%q) = %+v, want an error", tt.domain, route)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("error %q is not %q", err, target)
				}
			}
			if IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent(%q) = %v, want %v", err, !tt.permanent, tt.permanent)
			}
			if resolver.IsTemporary(err) != tt.temporary {
				t.Errorf("resolver.IsTemporary(%q) = %v, want %v", err, !tt.temporary, tt.temporary)
			}
		})
	}
}

func TestLookupKeepsTemporarilyFailedHost(t *testing.T) {
	r, _ := routeServer(t)
	route, err := r.Lookup(context.Background(), "temphost.example")
	if err != nil {
		t.Fatal(err)
	}
	if got := hostNames(route); !slices.Equal(got, []string{"broken.example", "mx2.example.com"}) {
		t.Fatalf("hosts = %q, want the failed host kept in its place", got)
	}
	h := route.Hosts[0]
	if h.Err == nil || !resolver.IsTemporary(h.Err) || len(h.Addrs) != 0 {
		t.Errorf("failed host: Err %v (temporary %v), Addrs %v; want a temporary error and no addresses",
			h.Err, resolver.IsTemporary(h.Err), h.Addrs)
	}
	if route.Hosts[1].Err != nil || len(route.Hosts[1].Addrs) != 1 {
		t.Errorf("good host = %+v", route.Hosts[1])
	}
}

func TestLookupAddressLiterals(t *testing.T) {
	srv := newDNS(t, "")
	r := &Router{Resolver: srv.Client()}
	tests := []struct {
		in, domain, addr string
	}{
		{"[192.0.2.1]", "[192.0.2.1]", "192.0.2.1"},
		{"[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]", "2001:db8::1"},
		{"[ipv6:2001:DB8:0::1]", "[IPv6:2001:db8::1]", "2001:db8::1"},
		{"[IPv6:::ffff:192.0.2.1]", "[IPv6:::ffff:192.0.2.1]", "::ffff:192.0.2.1"},
	}
	for _, tt := range tests {
		route, err := r.Lookup(context.Background(), tt.in)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tt.in, err)
			continue
		}
		if !route.Literal || route.Domain != tt.domain || len(route.Hosts) != 1 ||
			route.Hosts[0].Name != "" || !slices.Equal(route.Hosts[0].Addrs, []netip.Addr{netip.MustParseAddr(tt.addr)}) {
			t.Errorf("Lookup(%q) = %+v, want literal %s with address %s", tt.in, route, tt.domain, tt.addr)
		}
		if route.Policy.Kind != PolicyNone {
			t.Errorf("literal policy = %v, want none", route.Policy.Kind)
		}
	}
	if n := srv.TotalQueries(); n != 0 {
		t.Errorf("address literals made %d DNS queries, want 0", n)
	}
}

func TestLookupInvalidDomains(t *testing.T) {
	srv := newDNS(t, "")
	r := &Router{Resolver: srv.Client()}
	for _, in := range []string{
		"", ".", "a..example", ".example", "-a.example", "a-.example", "exa mple.com",
		"a\r\nb.example", "under_score.example", strings.Repeat("a", 64) + ".example",
		strings.Repeat("abcdefghi.", 26) + "example", "xn--zz.example", "ex@mple.com",
		"[300.1.1.1]", "[192.0.2.1", "[2001:db8::1]", "[IPv6:192.0.2.1]", "[IPv6:fe80::1%eth0]",
		"[foo:bar]", "[]", "[192.0.2.01]",
	} {
		_, err := r.Lookup(context.Background(), in)
		if !errors.Is(err, ErrInvalidDomain) || !IsPermanent(err) {
			t.Errorf("Lookup(%q) error = %v, want ErrInvalidDomain", in, err)
		}
	}
	if n := srv.TotalQueries(); n != 0 {
		t.Errorf("invalid domains made %d DNS queries, want 0", n)
	}
}

func TestLookupNoResolver(t *testing.T) {
	var r Router
	if _, err := r.Lookup(context.Background(), "example.com"); err == nil {
		t.Error("Lookup without a Resolver succeeded")
	}
}

func TestLookupCanceled(t *testing.T) {
	r, _ := routeServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.Lookup(ctx, "example.com")
	if !errors.Is(err, context.Canceled) || IsPermanent(err) {
		t.Errorf("canceled Lookup error = %v, want context.Canceled, not permanent", err)
	}
}

func TestLookupLogs(t *testing.T) {
	r, _ := routeServer(t)
	var buf bytes.Buffer
	r.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, d := range []string{"numericmixed.example", "someskip.example", "mixednull.example"} {
		if _, err := r.Lookup(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"IP address as target", "target=192.0.2.50", "host has no address", "host=nowhere.example", "null MX mixed"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, buf.String())
		}
	}
}

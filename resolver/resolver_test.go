package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const zone = `
example.com.        300 IN SOA ns.example.com. host.example.com. 1 3600 600 86400 120
example.com.        300 IN MX 10 mx1.example.com.
example.com.        300 IN MX 20 mx2.example.com.
example.com.        300 IN TXT "v=spf1 " "ip4:192.0.2.0/24 " "-all"
example.com.        300 IN TXT "other"
mx1.example.com.    300 IN A 192.0.2.1
mx1.example.com.    300 IN AAAA 2001:db8::1
mx2.example.com.    300 IN A 192.0.2.2
v6only.example.com. 300 IN AAAA 2001:db8::2
alias.example.com.  300 IN CNAME alias2.example.com.
alias2.example.com. 60  IN CNAME mx1.example.com.
dangling.example.com. IN CNAME gone.example.com.
loop1.example.com.  IN CNAME loop2.example.com.
loop2.example.com.  IN CNAME loop1.example.com.
1.2.0.192.in-addr.arpa. IN PTR mx1.example.com.
_25._tcp.mx1.example.com. IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
deep.sub.example.com. IN A 192.0.2.9
`

func newClient(t *testing.T, srv *resolvertest.Server) *resolver.Client {
	c := srv.Client()
	return c
}

func TestLookups(t *testing.T) {
	srv := resolvertest.New(t, zone)
	c := newClient(t, srv)
	ctx := context.Background()

	txt, _, err := c.LookupTXT(ctx, "Example.COM.")
	if err != nil || len(txt) != 2 || txt[0] != "v=spf1 ip4:192.0.2.0/24 -all" || txt[1] != "other" {
		t.Errorf("LookupTXT = %q, %v; want the two records, strings joined", txt, err)
	}
	mxs, _, err := c.LookupMX(ctx, "example.com")
	if err != nil || len(mxs) != 2 || mxs[0] != (resolver.MX{Host: "mx1.example.com", Pref: 10}) {
		t.Errorf("LookupMX = %v, %v", mxs, err)
	}
	for _, tc := range []struct {
		network, host string
		want          string
	}{
		{"ip4", "mx1.example.com", "[192.0.2.1]"},
		{"ip6", "mx1.example.com", "[2001:db8::1]"},
		{"ip", "mx1.example.com", "[192.0.2.1 2001:db8::1]"},
		{"ip", "mx2.example.com", "[192.0.2.2]"},
		{"ip", "v6only.example.com", "[2001:db8::2]"},
		{"ip4", "alias.example.com", "[192.0.2.1]"},
	} {
		ips, _, err := c.LookupIP(ctx, tc.network, tc.host)
		if got := fmt.Sprint(ips); err != nil || got != tc.want {
			t.Errorf("LookupIP(%s, %s) = %s, %v; want %s", tc.network, tc.host, got, err, tc.want)
		}
	}
	names, _, err := c.LookupAddr(ctx, netip.MustParseAddr("192.0.2.1"))
	if err != nil || len(names) != 1 || names[0] != "mx1.example.com" {
		t.Errorf("LookupAddr = %v, %v", names, err)
	}
	tlsa, _, err := c.LookupTLSA(ctx, 25, "tcp", "mx1.example.com")
	if err != nil || len(tlsa) != 1 || tlsa[0].Usage != 3 || tlsa[0].Selector != 1 || tlsa[0].MatchingType != 1 || len(tlsa[0].Data) != 32 {
		t.Errorf("LookupTLSA = %+v, %v", tlsa, err)
	}
	if _, _, err := c.LookupIP(ctx, "ipx", "example.com"); err == nil {
		t.Error("LookupIP with a bad network: no error")
	}
}

func TestNegativeAnswers(t *testing.T) {
	srv := resolvertest.New(t, zone)
	c := newClient(t, srv)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"nxdomain", func() error { _, _, err := c.LookupTXT(ctx, "nope.example.com"); return err }, resolver.ErrNXDomain},
		{"nodata", func() error { _, _, err := c.LookupMX(ctx, "mx1.example.com"); return err }, resolver.ErrNoData},
		{"empty non-terminal is nodata", func() error { _, _, err := c.LookupIP(ctx, "ip4", "sub.example.com"); return err }, resolver.ErrNoData},
		{"nodata both families", func() error { _, _, err := c.LookupIP(ctx, "ip", "example.com"); return err }, resolver.ErrNoData},
		{"dangling cname", func() error { _, _, err := c.LookupIP(ctx, "ip4", "dangling.example.com"); return err }, resolver.ErrNXDomain},
		{"cname loop", func() error { _, _, err := c.LookupIP(ctx, "ip4", "loop1.example.com"); return err }, resolver.ErrCNAMELoop},
		{"invalid name", func() error { _, _, err := c.LookupTXT(ctx, "a..b"); return err }, resolver.ErrInvalidName},
		{"too long", func() error { _, _, err := c.LookupTXT(ctx, strings.Repeat("a.", 130)); return err }, resolver.ErrInvalidName},
		{"empty name", func() error { _, _, err := c.LookupTXT(ctx, ""); return err }, resolver.ErrInvalidName},
	} {
		err := tc.call()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
			continue
		}
		var e *resolver.Error
		if !errors.As(err, &e) || e.Temporary() {
			t.Errorf("%s: %v is not a permanent *resolver.Error", tc.name, err)
		}
		if resolver.IsTemporary(err) {
			t.Errorf("%s: IsTemporary(%v) = true", tc.name, err)
		}
	}
}

func TestFaults(t *testing.T) {
	srv := resolvertest.New(t, zone)
	ctx := context.Background()
	for _, tc := range []struct {
		fault resolvertest.Fault
		want  error
	}{
		{resolvertest.ServFail, resolver.ErrServFail},
		{resolvertest.Refused, resolver.ErrServFail},
		{resolvertest.Timeout, resolver.ErrTimeout},
	} {
		c := srv.Client()
		c.Timeout = 100 * time.Millisecond
		srv.SetFault("example.com", dns.TypeTXT, tc.fault)
		srv.ResetCounts()
		_, _, err := c.LookupTXT(ctx, "example.com")
		if !errors.Is(err, tc.want) || !resolver.IsTemporary(err) || resolver.IsNotFound(err) {
			t.Errorf("fault %d: err = %v, want temporary %v", tc.fault, err, tc.want)
		}
		// Failures are not cached: the next lookup asks again.
		srv.SetFault("example.com", dns.TypeTXT, resolvertest.NoFault)
		if _, _, err := c.LookupTXT(ctx, "example.com"); err != nil {
			t.Errorf("fault %d: after clearing the fault: %v", tc.fault, err)
		}
		if n := srv.Queries("example.com", dns.TypeTXT); n != 2 {
			t.Errorf("fault %d: %d queries, want 2 (a failure must not be cached)", tc.fault, n)
		}
		// Other types of the name are unaffected by a per-type fault.
		if _, _, err := c.LookupMX(ctx, "example.com"); err != nil {
			t.Errorf("MX while TXT faulted: %v", err)
		}
	}
}

func TestContextDeadlineIsTimeout(t *testing.T) {
	srv := resolvertest.New(t, zone)
	srv.SetFault("example.com", 0, resolvertest.Timeout)
	c := srv.Client()
	c.Timeout = 5 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := c.LookupTXT(ctx, "example.com")
	if !errors.Is(err, resolver.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrTimeout and context.DeadlineExceeded", err)
	}
}

func TestTruncationFallsBackToTCP(t *testing.T) {
	srv := resolvertest.New(t, zone)
	// A TXT answer far larger than the 1232-byte EDNS buffer.
	var b strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "big.example.com. IN TXT \"%s%02d\"\n", strings.Repeat("x", 200), i)
	}
	if err := srv.Add(b.String()); err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	txt, _, err := c.LookupTXT(context.Background(), "big.example.com")
	if err != nil || len(txt) != 20 {
		t.Fatalf("large TXT: %d records, %v; want 20", len(txt), err)
	}
	// Forced truncation of a small answer over UDP.
	srv.SetFault("mx1.example.com", dns.TypeA, resolvertest.Truncate)
	ips, _, err := c.LookupIP(context.Background(), "ip4", "mx1.example.com")
	if err != nil || len(ips) != 1 {
		t.Fatalf("truncated A: %v, %v", ips, err)
	}
}

func TestCache(t *testing.T) {
	srv := resolvertest.New(t, zone+"short.example.com. 1 IN A 192.0.2.7\n")
	c := srv.Client()
	c.MinTTL = time.Millisecond
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, _, err := c.LookupTXT(ctx, "example.com"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.LookupTXT(ctx, "nope.example.com"); !errors.Is(err, resolver.ErrNXDomain) {
			t.Fatal(err)
		}
		if _, _, err := c.LookupIP(ctx, "ip4", "short.example.com"); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Queries("example.com", dns.TypeTXT); n != 1 {
		t.Errorf("positive answer asked %d times, want 1", n)
	}
	if n := srv.Queries("nope.example.com", dns.TypeTXT); n != 1 {
		t.Errorf("negative answer asked %d times, want 1 (RFC 2308 negative caching)", n)
	}
	time.Sleep(1100 * time.Millisecond) // past the 1-second TTL
	if _, _, err := c.LookupIP(ctx, "ip4", "short.example.com"); err != nil {
		t.Fatal(err)
	}
	if n := srv.Queries("short.example.com", dns.TypeA); n != 2 {
		t.Errorf("expired answer asked %d times in all, want 2", n)
	}
	if n := srv.Queries("example.com", dns.TypeTXT); n != 1 {
		t.Errorf("unexpired answer asked %d times, want 1", n)
	}
}

func TestCacheTTLClamp(t *testing.T) {
	srv := resolvertest.New(t, "zero.example.com. 0 IN A 192.0.2.8\n")
	c := srv.Client() // MinTTL defaults to 5s: a zero TTL is still cached
	for i := 0; i < 3; i++ {
		if _, _, err := c.LookupIP(context.Background(), "ip4", "zero.example.com"); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Queries("zero.example.com", dns.TypeA); n != 1 {
		t.Errorf("TTL 0 answer asked %d times, want 1 (floor)", n)
	}
}

func TestCacheBounded(t *testing.T) {
	srv := resolvertest.New(t, zone)
	c := srv.Client()
	c.CacheSize = 2
	ctx := context.Background()
	for _, n := range []string{"mx1.example.com", "mx2.example.com", "deep.sub.example.com", "mx1.example.com"} {
		if _, _, err := c.LookupIP(ctx, "ip4", n); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Queries("mx1.example.com", dns.TypeA); n != 2 {
		t.Errorf("evicted entry asked %d times, want 2", n)
	}
	c = srv.Client()
	c.CacheSize = -1
	srv.ResetCounts()
	for i := 0; i < 2; i++ {
		c.LookupIP(ctx, "ip4", "mx2.example.com")
	}
	if n := srv.Queries("mx2.example.com", dns.TypeA); n != 2 {
		t.Errorf("with the cache off: %d queries, want 2", n)
	}
}

func TestConcurrentQueriesJoined(t *testing.T) {
	srv := resolvertest.New(t, zone)
	srv.SetDelay("example.com", 100*time.Millisecond)
	c := srv.Client()
	c.CacheSize = -1 // only the joining, not the cache, may save queries
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := c.LookupMX(context.Background(), "example.com")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Queries("example.com", dns.TypeMX); n > 2 {
		t.Errorf("20 concurrent lookups sent %d queries, want 1 (joined)", n)
	}
}

func TestCancelledWaiterDoesNotStopOthers(t *testing.T) {
	srv := resolvertest.New(t, zone)
	srv.SetDelay("example.com", 150*time.Millisecond)
	c := srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	done := make(chan error)
	go func() {
		_, _, err := c.LookupMX(ctx, "example.com") // the leader, cancelled early
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	if _, _, err := c.LookupMX(context.Background(), "example.com"); err != nil {
		t.Errorf("waiter with a live context: %v", err)
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled leader: %v", err)
	}
}

func TestAuthenticatedData(t *testing.T) {
	srv := resolvertest.New(t, zone)
	srv.SetSecure("example.com", true)
	srv.SetSecure("alias2.example.com", false)
	c := srv.Client()
	ctx := context.Background()
	_, res, err := c.LookupTLSA(ctx, 25, "tcp", "mx1.example.com")
	if err != nil || !res.Authentic {
		t.Errorf("secure zone: Authentic = %v, %v", res.Authentic, err)
	}
	_, res, err = c.LookupMX(ctx, "example.com")
	if err != nil || !res.Authentic {
		t.Errorf("secure MX (cached path too): %v, %v", res.Authentic, err)
	}
	_, res, err = c.LookupMX(ctx, "example.com")
	if err != nil || !res.Authentic {
		t.Errorf("secure MX from cache: %v, %v", res.Authentic, err)
	}
	srv2 := resolvertest.New(t, zone)
	_, res, err = srv2.Client().LookupMX(ctx, "example.com")
	if err != nil || res.Authentic {
		t.Errorf("insecure zone: Authentic = %v, %v", res.Authentic, err)
	}
}

func TestServerFailover(t *testing.T) {
	dead := resolvertest.New(t, "")
	dead.SetFault("example.com", 0, resolvertest.ServFail)
	good := resolvertest.New(t, zone)
	c := &resolver.Client{Servers: []string{dead.Addr(), good.Addr()}, Timeout: 200 * time.Millisecond}
	mxs, _, err := c.LookupMX(context.Background(), "example.com")
	if err != nil || len(mxs) != 2 {
		t.Fatalf("with a failing first server: %v, %v", mxs, err)
	}
	if dead.Queries("example.com", dns.TypeMX) != 1 || good.Queries("example.com", dns.TypeMX) != 1 {
		t.Errorf("queries: failing %d, good %d; want 1 and 1", dead.Queries("example.com", dns.TypeMX), good.Queries("example.com", dns.TypeMX))
	}
}

func TestNegativeTTLFromSOA(t *testing.T) {
	// The SOA minimum is 1 second: a negative answer expires after it.
	srv := resolvertest.New(t, "example.com. 300 IN SOA ns.example.com. h.example.com. 1 3600 600 86400 1\n")
	c := srv.Client()
	c.MinTTL = time.Millisecond
	ctx := context.Background()
	c.LookupTXT(ctx, "none.example.com")
	c.LookupTXT(ctx, "none.example.com")
	time.Sleep(1100 * time.Millisecond)
	c.LookupTXT(ctx, "none.example.com")
	if n := srv.Queries("none.example.com", dns.TypeTXT); n != 2 {
		t.Errorf("%d queries, want 2 (cached once for the SOA minimum, then asked again)", n)
	}
}

func BenchmarkLookupCached(b *testing.B) {
	srv := resolvertest.New(b, zone)
	c := srv.Client()
	ctx := context.Background()
	c.LookupMX(ctx, "example.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.LookupMX(ctx, "example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookupNetwork(b *testing.B) {
	srv := resolvertest.New(b, zone)
	c := srv.Client()
	c.CacheSize = -1
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.LookupMX(ctx, "example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLookupCNAME follows alias chains to their end, says whether every
// step was authenticated, and leaves the A answer in the cache.
func TestLookupCNAME(t *testing.T) {
	srv := resolvertest.New(t, zone+"v6alias.example.com. IN CNAME v6only.example.com.\n")
	c := newClient(t, srv)
	ctx := context.Background()
	for _, tc := range []struct{ host, want string }{
		{"alias.example.com", "mx1.example.com"},
		{"Alias.Example.COM.", "mx1.example.com"},
		{"mx1.example.com", "mx1.example.com"},
		{"v6alias.example.com", "v6only.example.com"}, // ends at a name without A
	} {
		got, _, err := c.LookupCNAME(ctx, tc.host)
		if err != nil || got != tc.want {
			t.Errorf("LookupCNAME(%s) = %q, %v; want %q", tc.host, got, err, tc.want)
		}
	}
	if _, _, err := c.LookupCNAME(ctx, "dangling.example.com"); !errors.Is(err, resolver.ErrNXDomain) {
		t.Errorf("dangling alias: %v, want NXDOMAIN", err)
	}
	if _, _, err := c.LookupCNAME(ctx, "loop1.example.com"); !errors.Is(err, resolver.ErrCNAMELoop) {
		t.Errorf("alias loop: %v, want ErrCNAMELoop", err)
	}
	srv.ResetCounts()
	if _, _, err := c.LookupIP(ctx, "ip4", "alias.example.com"); err != nil {
		t.Fatal(err)
	}
	if n := srv.TotalQueries(); n != 0 {
		t.Errorf("LookupIP after LookupCNAME asked the server %d times, want the cache", n)
	}

	// Authentic only when every step of the chain is.
	srv.SetSecure("example.com", true)
	c = newClient(t, srv)
	if _, res, err := c.LookupCNAME(ctx, "alias.example.com"); err != nil || !res.Authentic {
		t.Errorf("secure chain: authentic %v, %v", res.Authentic, err)
	}
	srv.SetSecure("alias2.example.com", false)
	c = newClient(t, srv)
	if _, res, err := c.LookupCNAME(ctx, "alias.example.com"); err != nil || res.Authentic {
		t.Errorf("chain with an insecure step: authentic %v, %v", res.Authentic, err)
	}
	var _ resolver.CanonicalNamer = c
}

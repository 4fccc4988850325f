package spf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const checkZone = `
ip.test.            TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"
a.test.             TXT "v=spf1 a/24 a:other.a.test//64 -all"
a.test.             A   192.0.2.1
other.a.test.       AAAA 2001:db8:1::1
mx.test.            TXT "v=spf1 mx -all"
mx.test.            MX 10 mx1.mx.test.
mx.test.            MX 20 mx2.mx.test.
mx1.mx.test.        A 198.51.100.1
mx2.mx.test.        A 198.51.100.2
mx2.mx.test.        AAAA 2001:db8:2::2
nullmx.test.        TXT "v=spf1 mx ?all"
nullmx.test.        MX 0 .
ptr.test.           TXT "v=spf1 ptr -all"
host.ptr.test.      A 203.0.113.5
5.113.0.203.in-addr.arpa. PTR host.ptr.test.
6.113.0.203.in-addr.arpa. PTR host.ptr.test.
exists.test.        TXT "v=spf1 exists:%{ir}.bl.exists.test -all"
5.2.0.192.bl.exists.test. A 127.0.0.2
inc.test.           TXT "v=spf1 include:ip.test ~all"
incneutral.test.    TXT "v=spf1 include:neutral.test -all"
incnone.test.       TXT "v=spf1 include:nothing.test -all"
incperm.test.       TXT "v=spf1 include:syntax.test -all"
inctemp.test.       TXT "v=spf1 include:slow.test -all"
slow.test.          TXT "v=spf1 -all"
redir.test.         TXT "v=spf1 redirect=ip.test"
redirall.test.      TXT "v=spf1 ?all redirect=ip.test"
redirnone.test.     TXT "v=spf1 redirect=nothing.test"
exp.test.           TXT "v=spf1 -all exp=why.exp.test"
why.exp.test.       TXT "%{i} is not one of %{d}'s designated mail servers (%{s}, via %{r})."
expinc.test.        TXT "v=spf1 include:exp.test -all exp=why2.exp.test"
why2.exp.test.      TXT "outer %{d}"
expredir.test.      TXT "v=spf1 exp=why2.exp.test redirect=exp.test"
expbad.test.        TXT "v=spf1 -all exp=bad.exp.test"
bad.exp.test.       TXT "100%"
multi.test.         TXT "v=spf1 -all"
multi.test.         TXT "v=spf1 +all"
mixed.test.         TXT "google-site-verification=x"
mixed.test.         TXT "v=spf1 +all"
syntax.test.        TXT "v=spf1 ip4:192.0.2.0/24 -all moo"
neutral.test.       TXT "v=spf1 ip4:10.0.0.1"
servfail.test.      TXT "v=spf1 +all"
toomany.test.       TXT "v=spf1 a a a a a a a a a a a -all"
toomany.test.       A 10.9.9.9
tenok.test.         TXT "v=spf1 a a a a a a a a a a ip4:192.0.2.0/24 -all"
tenok.test.         A 10.9.9.9
void.test.          TXT "v=spf1 a:n1.void.test a:n2.void.test a:n3.void.test -all"
twovoid.test.       TXT "v=spf1 a:n1.void.test a:n2.void.test -all"
loop1.test.         TXT "v=spf1 include:loop2.test -all"
loop2.test.         TXT "v=spf1 include:loop1.test -all"
mail.helo.test.     TXT "v=spf1 a -all"
mail.helo.test.     A 192.0.2.50
xn--bcher-kva.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"
mxtemp.test.        TXT "v=spf1 mx -all"
mxtemp.test.        MX 10 slow.test.
`

// newTestChecker serves zone on a resolvertest server and returns a Checker
// asking it without a cache.
func newTestChecker(t testing.TB, zone string) (*Checker, *resolvertest.Server) {
	srv := resolvertest.New(t, zone)
	client := srv.Client()
	client.CacheSize = -1
	client.Timeout = time.Second // only the injected timeouts should time out
	return &Checker{Resolver: client, ReceiverHost: "mx.receiver.test"}, srv
}

func TestCheck(t *testing.T) {
	c, srv := newTestChecker(t, checkZone)
	srv.SetFault("servfail.test", dns.TypeTXT, resolvertest.ServFail)
	srv.SetFault("slow.test", 0, resolvertest.Timeout)
	var manyMX strings.Builder
	manyMX.WriteString("manymx.test. TXT \"v=spf1 mx -all\"\n")
	for i := 0; i < 11; i++ {
		fmt.Fprintf(&manyMX, "manymx.test. MX %d mx%d.manymx.test.\nmx%d.manymx.test. A 10.0.0.%d\n", i, i, i, i)
	}
	if err := srv.Add(manyMX.String()); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		ip        string
		from      string
		want      Status
		mech      string
		err       error
		exp       string
		lookups   int
		anySyntax bool
	}{
		// §5.6 ip4/ip6, §5.1 all
		{"ip4 in range (§5.6)", "192.0.2.77", "a@ip.test", Pass, "ip4:192.0.2.0/24", nil, "", 0, false},
		{"ip6 in range (§5.6)", "2001:db8:ffff::1", "a@ip.test", Pass, "ip6:2001:db8::/32", nil, "", 0, false},
		{"IPv4-mapped IPv6 is IPv4 (§5)", "::ffff:192.0.2.5", "a@ip.test", Pass, "ip4:192.0.2.0/24", nil, "", 0, false},
		{"outside every range hits -all (§5.1)", "198.51.100.1", "a@ip.test", Fail, "-all", nil, "", 0, false},
		// §5.3 a with CIDR lengths
		{"a/24 matches the network (§5.3)", "192.0.2.200", "a@a.test", Pass, "a/24", nil, "", 1, false},
		{"a://64 matches IPv6 (§5.3)", "2001:db8:1::ffff", "a@a.test", Pass, "a:other.a.test//64", nil, "", 2, false},
		{"a outside (§5.3)", "198.51.100.1", "a@a.test", Fail, "-all", nil, "", 2, false},
		// §5.4 mx
		{"mx first host (§5.4)", "198.51.100.1", "a@mx.test", Pass, "mx", nil, "", 1, false},
		{"mx second host IPv6 (§5.4)", "2001:db8:2::2", "a@mx.test", Pass, "mx", nil, "", 1, false},
		{"mx no match (§5.4)", "192.0.2.1", "a@mx.test", Fail, "-all", nil, "", 1, false},
		{"null MX matches nothing (RFC 7505)", "192.0.2.1", "a@nullmx.test", Neutral, "?all", nil, "", 1, false},
		{"more than 10 MX names (§4.6.4)", "192.0.2.1", "a@manymx.test", Permerror, "", ErrTooManyMX, "", 1, false},
		{"MX host lookup timeout (§5)", "192.0.2.1", "a@mxtemp.test", Temperror, "", resolver.ErrTimeout, "", 1, false},
		// §5.5 ptr
		{"ptr validated (§5.5)", "203.0.113.5", "a@ptr.test", Pass, "ptr", nil, "", 1, false},
		{"ptr not validated (§5.5)", "203.0.113.6", "a@ptr.test", Fail, "-all", nil, "", 1, false},
		// §5.7 exists with macros (§7)
		{"exists with %{ir} (§5.7, §7)", "192.0.2.5", "a@exists.test", Pass, "exists:%{ir}.bl.exists.test", nil, "", 1, false},
		{"exists without A (§5.7)", "192.0.2.6", "a@exists.test", Fail, "-all", nil, "", 1, false},
		// §5.2 include
		{"include pass matches (§5.2)", "192.0.2.1", "a@inc.test", Pass, "include:ip.test", nil, "", 1, false},
		{"include fail does not match (§5.2)", "198.51.100.1", "a@inc.test", Softfail, "~all", nil, "", 1, false},
		{"include neutral does not match (§5.2)", "192.0.2.1", "a@incneutral.test", Fail, "-all", nil, "", 1, false},
		{"include none is permerror (§5.2)", "192.0.2.1", "a@incnone.test", Permerror, "", ErrNoRecord, "", 1, false},
		{"include permerror propagates (§5.2)", "192.0.2.1", "a@incperm.test", Permerror, "", nil, "", 1, true},
		{"include temperror propagates (§5.2)", "192.0.2.1", "a@inctemp.test", Temperror, "", resolver.ErrTimeout, "", 1, false},
		{"include loop hits the lookup limit (§4.6.4)", "192.0.2.1", "a@loop1.test", Permerror, "", ErrTooManyLookups, "", 11, false},
		// §6.1 redirect
		{"redirect (§6.1)", "192.0.2.1", "a@redir.test", Pass, "ip4:192.0.2.0/24", nil, "", 1, false},
		{"redirect ignored with all (§6.1)", "192.0.2.1", "a@redirall.test", Neutral, "?all", nil, "", 0, false},
		{"redirect to none is permerror (§6.1)", "192.0.2.1", "a@redirnone.test", Permerror, "", ErrNoRecord, "", 1, false},
		// §6.2 exp
		{"exp with macros (§6.2)", "198.51.100.7", "joe@exp.test", Fail, "-all", nil,
			"198.51.100.7 is not one of exp.test's designated mail servers (joe@exp.test, via mx.receiver.test).", 0, false},
		{"exp of an include is not used (§6.2)", "198.51.100.7", "joe@expinc.test", Fail, "-all", nil, "outer expinc.test", 1, false},
		{"exp after redirect is the target's (§6.2)", "198.51.100.7", "joe@expredir.test", Fail, "-all", nil,
			"198.51.100.7 is not one of exp.test's designated mail servers (joe@expredir.test, via mx.receiver.test).", 1, false},
		{"exp with bad macros is dropped (§6.2)", "198.51.100.7", "joe@expbad.test", Fail, "-all", nil, "", 0, false},
		// §4.3, §4.4, §4.5, §4.6, §4.7
		{"no local-part becomes postmaster (§4.3)", "198.51.100.7", "@exp.test", Fail, "-all", nil,
			"198.51.100.7 is not one of exp.test's designated mail servers (postmaster@exp.test, via mx.receiver.test).", 0, false},
		{"single-label domain is none (§4.3)", "192.0.2.1", "a@localhost", None, "", ErrInvalidDomain, "", 0, false},
		{"domain literal is none (§4.3)", "192.0.2.1", "a@[192.0.2.1]", None, "", ErrInvalidDomain, "", 0, false},
		{"empty label is none (§4.3)", "192.0.2.1", "a@a..test", None, "", ErrInvalidDomain, "", 0, false},
		{"IDN domain is checked as A-label", "192.0.2.1", "a@bücher.test", Pass, "ip4:192.0.2.0/24", nil, "", 0, false},
		{"no record is none (§4.4)", "192.0.2.1", "a@nothing.test", None, "", ErrNoRecord, "", 0, false},
		{"SERVFAIL is temperror (§4.4)", "192.0.2.1", "a@servfail.test", Temperror, "", resolver.ErrServFail, "", 0, false},
		{"two records is permerror (§4.5)", "192.0.2.1", "a@multi.test", Permerror, "", ErrMultipleRecords, "", 0, false},
		{"other TXT records are ignored (§4.5)", "192.0.2.1", "a@mixed.test", Pass, "+all", nil, "", 0, false},
		{"syntax error after the match (§4.6)", "192.0.2.1", "a@syntax.test", Permerror, "", nil, "", 0, true},
		{"ten lookups are allowed (§4.6.4)", "192.0.2.1", "a@tenok.test", Pass, "ip4:192.0.2.0/24", nil, "", 10, false},
		{"eleven lookups are permerror (§4.6.4)", "192.0.2.1", "a@toomany.test", Permerror, "", ErrTooManyLookups, "", 11, false},
		{"two void lookups are allowed (§4.6.4)", "192.0.2.1", "a@twovoid.test", Fail, "-all", nil, "", 2, false},
		{"three void lookups are permerror (§4.6.4)", "192.0.2.1", "a@void.test", Permerror, "", ErrTooManyVoidLookups, "", 3, false},
		{"no match is neutral (§4.7)", "192.0.2.1", "a@neutral.test", Neutral, "", nil, "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Check(context.Background(), Args{IP: netip.MustParseAddr(tt.ip), Helo: "client.example", MailFrom: tt.from})
			if res.Status != tt.want {
				t.Fatalf("status %v (err %v), want %v", res.Status, res.Err, tt.want)
			}
			if res.Mechanism != tt.mech {
				t.Errorf("mechanism %q, want %q", res.Mechanism, tt.mech)
			}
			if tt.err != nil && !errors.Is(res.Err, tt.err) {
				t.Errorf("err %v, want %v", res.Err, tt.err)
			}
			var se *SyntaxError
			if tt.anySyntax && !errors.As(res.Err, &se) {
				t.Errorf("err %v, want a *SyntaxError", res.Err)
			}
			if res.Explanation != tt.exp {
				t.Errorf("explanation %q, want %q", res.Explanation, tt.exp)
			}
			if res.Lookups != tt.lookups {
				t.Errorf("lookups %d, want %d", res.Lookups, tt.lookups)
			}
			if res.Identity != "mailfrom" {
				t.Errorf("identity %q", res.Identity)
			}
		})
	}
}

func TestCheckInvalidDomainAsksNothing(t *testing.T) {
	c, srv := newTestChecker(t, checkZone)
	for _, from := range []string{"a@localhost", "a@[192.0.2.1]", "a@" + strings.Repeat("x", 64) + ".test", "a@x..test"} {
		res := c.Check(context.Background(), Args{IP: netip.MustParseAddr("192.0.2.1"), MailFrom: from})
		if res.Status != None {
			t.Errorf("%s: %v, want none (RFC 7208 §4.3)", from, res.Status)
		}
	}
	if n := srv.TotalQueries(); n != 0 {
		t.Errorf("%d DNS queries for malformed domains, want 0", n)
	}
}

func TestCheckHeloIdentity(t *testing.T) {
	c, _ := newTestChecker(t, checkZone)
	ip := netip.MustParseAddr("192.0.2.50")
	// §2.3: the HELO identity on its own.
	res := c.CheckHelo(context.Background(), Args{IP: ip, Helo: "mail.helo.test", MailFrom: "x@ip.test"})
	if res.Status != Pass || res.Identity != "helo" || res.Domain != "mail.helo.test" || res.Sender != "postmaster@mail.helo.test" {
		t.Errorf("CheckHelo = %+v", res)
	}
	// §2.4: an empty MAIL FROM is checked as postmaster@HELO.
	res = c.Check(context.Background(), Args{IP: ip, Helo: "mail.helo.test"})
	if res.Status != Pass || res.Identity != "mailfrom" || res.Sender != "postmaster@mail.helo.test" {
		t.Errorf("Check with empty MAIL FROM = %+v", res)
	}
	res = c.Check(context.Background(), Args{IP: netip.MustParseAddr("192.0.2.51"), Helo: "mail.helo.test"})
	if res.Status != Fail {
		t.Errorf("other IP: %v, want fail", res.Status)
	}
}

func TestCheckTimeBudget(t *testing.T) {
	c, srv := newTestChecker(t, checkZone)
	c.Resolver.(*resolver.Client).Timeout = 5 * time.Second
	srv.SetDelay("ip.test", 2*time.Second)
	// §4.6.4: the context bounds the whole evaluation.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res := c.Check(ctx, Args{IP: netip.MustParseAddr("192.0.2.1"), MailFrom: "a@redir.test"})
	if res.Status != Temperror || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Errorf("status %v err %v, want temperror from the deadline", res.Status, res.Err)
	}
	// Checker.Timeout applies when the context has no deadline or a later one.
	c.Timeout = 100 * time.Millisecond
	res = c.Check(context.Background(), Args{IP: netip.MustParseAddr("192.0.2.1"), MailFrom: "a@redir.test"})
	if res.Status != Temperror {
		t.Errorf("with Checker.Timeout: %v, want temperror", res.Status)
	}
	long, cancelLong := context.WithTimeout(context.Background(), time.Hour)
	defer cancelLong()
	res = c.Check(long, Args{IP: netip.MustParseAddr("192.0.2.1"), MailFrom: "a@redir.test"})
	if res.Status != Temperror || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Errorf("with Checker.Timeout under a later deadline: %v %v, want temperror", res.Status, res.Err)
	}
}

func TestCheckInvalidIP(t *testing.T) {
	c, _ := newTestChecker(t, checkZone)
	res := c.Check(context.Background(), Args{MailFrom: "a@ip.test"})
	if res.Status != None || !errors.Is(res.Err, ErrInvalidIP) {
		t.Errorf("no IP: %v %v, want none with an error", res.Status, res.Err)
	}
}

func TestCheckLogs(t *testing.T) {
	c, _ := newTestChecker(t, checkZone)
	var buf bytes.Buffer
	c.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c.Check(context.Background(), Args{IP: netip.MustParseAddr("192.0.2.1"), MailFrom: "a@ip.test"})
	if s := buf.String(); !strings.Contains(s, "spf check") || !strings.Contains(s, "result=pass") || !strings.Contains(s, "domain=ip.test") {
		t.Errorf("log %q", s)
	}
}

// TestCheckConcurrent runs checks in parallel on one Checker (run with
// -race): the record cache and the resolver are shared.
func TestCheckConcurrent(t *testing.T) {
	srv := resolvertest.New(t, checkZone)
	client := srv.Client()
	client.Timeout = 2 * time.Second
	c := &Checker{Resolver: client}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				res := c.Check(context.Background(), Args{IP: netip.MustParseAddr("198.51.100.1"), MailFrom: "a@inc.test"})
				if res.Status != Softfail {
					t.Errorf("got %v, want softfail", res.Status)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// FuzzCheck evaluates arbitrary records served by resolvertest: whatever
// the record, a check gives one of the seven results and never panics.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"v=spf1 a mx ptr exists:%{ir}.%{l1r-}.%{d2} include:inc.fuzz.test -all",
		"v=spf1 redirect=%{d}.inc.fuzz.test exp=%{p}.fuzz.test",
		"v=spf1 a:%{H}.x//64 mx/0 ip6:::1/0 ?all",
		"v=spf1 include:fuzz.test",
	} {
		f.Add(s, "joe@fuzz.test", []byte{192, 0, 2, 1})
	}
	srv := resolvertest.New(f, "")
	client := srv.Client()
	client.CacheSize = -1
	client.Timeout = 200 * time.Millisecond
	c := &Checker{Resolver: client}
	f.Fuzz(func(t *testing.T, record, from string, ipBytes []byte) {
		ip, ok := netip.AddrFromSlice(ipBytes)
		if !ok {
			ip = netip.MustParseAddr("2001:db8::1")
		}
		if err := srv.SetZone(`
inc.fuzz.test. TXT "v=spf1 a -all"
inc.fuzz.test. A 192.0.2.1
fuzz.test. MX 10 inc.fuzz.test.
1.2.0.192.in-addr.arpa. PTR inc.fuzz.test.
`); err != nil {
			t.Fatal(err)
		}
		hdr := dns.RR_Header{Name: "fuzz.test.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}
		srv.AddRR(&dns.TXT{Hdr: hdr, Txt: txtStrings(record)})
		res := c.Check(context.Background(), Args{IP: ip, Helo: "helo.fuzz.test", MailFrom: from})
		if res.Status > Permerror {
			t.Fatalf("status %d", res.Status)
		}
		if (res.Status == Permerror || res.Status == Temperror) && res.Err == nil {
			t.Fatalf("%v without an error", res.Status)
		}
		_ = res.ReceivedSPF()
	})
}

// TestCheckedDomain pins where SPF's <domain> rules differ from
// address.ParseDomain's: a single-label name or an address literal is
// valid mail syntax but not a domain check_host() evaluates (RFC 7208
// §4.3).
func TestCheckedDomain(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Example.COM.", "example.com", true},
		{"bücher.example", "xn--bcher-kva.example", true},
		{"localhost", "localhost", false},
		{"[192.0.2.1]", "[192.0.2.1]", false},
		{"a..example", "a..example", false},
		{"under_score.example", "under_score.example", false}, // not a host name (RFC 5321 §4.1.2)
		{"xn--zz.example", "xn--zz.example", false},           // not a valid A-label
	}
	for _, tt := range tests {
		got, ok := checkedDomain(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("checkedDomain(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// A macro may still expand to a name with an underscore (§7.1).
	if !validTarget("user._spf.example.com") {
		t.Error("validTarget refuses an underscore label")
	}
}

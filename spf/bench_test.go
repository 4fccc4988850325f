package spf_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/spf"
)

// benchZone is a realistic policy: ip4 and ip6 ranges, mx, and three
// includes, one of which has an a: term. The benchmarked client matches in
// the third include, so the whole record is evaluated: 8 DNS queries.
const benchZone = `
example.com.        TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 mx include:_spf1.example.net include:_spf2.example.org include:_spf3.example.info ~all"
example.com.        MX 10 mx1.example.com.
example.com.        MX 20 mx2.example.com.
mx1.example.com.    A 198.51.100.1
mx2.example.com.    A 198.51.100.2
_spf1.example.net.  TXT "v=spf1 ip4:203.0.113.0/26 ip4:203.0.113.128/26 ip6:2001:db8:1::/48 ~all"
_spf2.example.org.  TXT "v=spf1 ip4:100.64.0.0/16 ip4:100.65.0.0/16 a:relay.example.org -all"
relay.example.org.  A 100.66.0.1
_spf3.example.info. TXT "v=spf1 ip4:172.16.0.0/12 ip6:2001:db8:3::/48 -all"
`

var benchArgs = spf.Args{IP: netip.MustParseAddr("172.16.5.5"), Helo: "mail.example.com", MailFrom: "alice@example.com"}

func BenchmarkCheckWarm(b *testing.B) {
	srv := resolvertest.New(b, benchZone)
	c := &spf.Checker{Resolver: srv.Client()}
	ctx := context.Background()
	if res := c.Check(ctx, benchArgs); res.Status != spf.Pass || res.Lookups != 5 {
		b.Fatalf("warm-up: %v after %d lookups (%v)", res.Status, res.Lookups, res.Err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := c.Check(ctx, benchArgs); res.Status != spf.Pass {
			b.Fatal(res.Status, res.Err)
		}
	}
}

// BenchmarkCheckWarmDeadline is the warm check with a context whose
// deadline comes before the Checker's 20s budget, as in an SMTP server with
// a per-command deadline: the Checker then adds no timer of its own, and
// the evaluation allocates nothing.
func BenchmarkCheckWarmDeadline(b *testing.B) {
	srv := resolvertest.New(b, benchZone)
	c := &spf.Checker{Resolver: srv.Client()}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.Check(ctx, benchArgs)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := c.Check(ctx, benchArgs); res.Status != spf.Pass {
			b.Fatal(res.Status, res.Err)
		}
	}
}

func BenchmarkCheckCold(b *testing.B) {
	srv := resolvertest.New(b, benchZone)
	client := srv.Client()
	client.CacheSize = -1 // every check asks the server
	client.Timeout = 2 * time.Second
	c := &spf.Checker{Resolver: client}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := c.Check(ctx, benchArgs); res.Status != spf.Pass {
			b.Fatal(res.Status, res.Err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	const rec = "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 mx include:_spf1.example.net include:_spf2.example.org include:_spf3.example.info ~all"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spf.Parse(rec); err != nil {
			b.Fatal(err)
		}
	}
}

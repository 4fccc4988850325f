package mx

import (
	"context"
	"testing"
)

// BenchmarkLookup measures a route lookup for a domain with two MX hosts
// and an MTA-STS enforce policy: "cached" with the resolver's cache and the
// policy cache warm (the steady state of a sending MTA), "uncached" with
// every DNS query going to the loopback server (the policy stays cached,
// the _mta-sts TXT record is asked for every time).
func BenchmarkLookup(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name   string
		cached bool
	}{{"cached", true}, {"uncached", false}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := newDNS(b, stsZone)
			web := newSTSWeb(b)
			web.serve(b, "mta-sts.sts.example")
			web.set("mta-sts.sts.example", enforcePolicy)
			r := &Router{Resolver: srv.Client(), HTTPClient: web.client()}
			if !bc.cached {
				r.Resolver = uncached(srv)
			}
			route, err := r.Lookup(ctx, "sts.example")
			if err != nil || route.Policy.Kind != PolicyMTASTSEnforce {
				b.Fatalf("%+v, %v", route, err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := r.Lookup(ctx, "sts.example"); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n := web.fetches(); n != 1 {
				b.Errorf("%d policy fetches, want 1", n)
			}
		})
	}
}

package dmarc

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"testing"
)

const benchZone = `
_dmarc.example.com.  TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com"
_dmarc.example.net.  TXT "v=DMARC1; p=quarantine"
www.example.com.     A   192.0.2.1
`

// BenchmarkEvaluate measures evaluations with a warm resolver cache: the
// CPU cost of discovery, alignment and policy, not the network.
func BenchmarkEvaluate(b *testing.B) {
	srv := newDNS(b, benchZone)
	cases := []struct {
		name   string
		method Method
		in     Input
	}{
		{"own record, SPF identical", TreeWalk, Input{FromDomain: "example.com",
			SPF: SPFInput{Result: "pass", Domain: "example.com"}}},
		{"subdomain, relaxed DKIM via tree walk", TreeWalk, Input{FromDomain: "www.example.com",
			SPF:  SPFInput{Result: "pass", Domain: "bounce.example.net"},
			DKIM: []DKIMInput{{Domain: "example.net", Result: "pass"}, {Domain: "mail.example.com", Selector: "s1", Result: "pass"}}}},
		{"subdomain, relaxed DKIM via PSL", PublicSuffixList, Input{FromDomain: "www.example.com",
			SPF:  SPFInput{Result: "pass", Domain: "bounce.example.net"},
			DKIM: []DKIMInput{{Domain: "example.net", Result: "pass"}, {Domain: "mail.example.com", Selector: "s1", Result: "pass"}}}},
		{"fail with sp", TreeWalk, Input{FromDomain: "www.example.com", SPF: SPFInput{Result: "fail", Domain: "spoof.example"}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			cl := srv.Client()
			e := &Evaluator{Resolver: cl, Method: c.method}
			ctx := context.Background()
			if _, err := e.Evaluate(ctx, c.in); err != nil { // warm the cache
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Evaluate(ctx, c.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	const txt = "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; rua=mailto:a@example.com,mailto:b@example.net; ruf=mailto:f@example.com; fo=1"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(txt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseReport(b *testing.B) {
	raw, err := os.ReadFile("testdata/microsoft.xml")
	if err != nil {
		b.Fatal(err)
	}
	gz := gzipped(b, raw)
	for _, c := range []struct {
		name string
		data []byte
	}{{"xml", raw}, {"gzip", gz}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := ParseReport(bytes.NewReader(c.data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAggregatorAdd(b *testing.B) {
	rec, _ := Parse("v=DMARC1; p=reject")
	res := &Result{Status: StatusPass, FromDomain: "example.com", Record: rec, RecordDomain: "example.com", Policy: PolicyReject, PolicyTag: "p", Disposition: PolicyNone, SPFAligned: true}
	in := Input{FromDomain: "example.com", SPF: SPFInput{Result: "pass", Domain: "example.com"}, DKIM: []DKIMInput{{Domain: "example.com", Selector: "s1", Result: "pass"}}}
	a := &Aggregator{OrgName: "r", Email: "r@example.org"}
	ips := []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2"), netip.MustParseAddr("2001:db8::1")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := a.Add(Event{SourceIP: ips[i%len(ips)], Input: in, Result: res}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

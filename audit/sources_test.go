package audit

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const sourcesZone = `
5.113.0.203.in-addr.arpa.   PTR mail.good.example.
mail.good.example.          A   203.0.113.5
7.113.0.203.in-addr.arpa.   PTR host.other.example.
host.other.example.         A   198.51.100.1
8.113.0.203.in-addr.arpa.   PTR mail8.good.example.
mail8.good.example.         A   203.0.113.8
9.113.0.203.in-addr.arpa.   PTR mail9.good.example.
mail9.good.example.         A   203.0.113.9
other.good.example.         A   203.0.113.9
10.113.0.203.in-addr.arpa.  PTR mail10.good.example.
mail10.good.example.        A   203.0.113.10
11.113.0.203.in-addr.arpa.  PTR a.good.example.
11.113.0.203.in-addr.arpa.  PTR b.good.example.
a.good.example.             A   203.0.113.11
5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR mail6.good.example.
mail6.good.example.         AAAA 2001:db8::25
`

func TestSources(t *testing.T) {
	srv := resolvertest.New(t, sourcesZone)
	srv.SetFault("12.113.0.203.in-addr.arpa.", 0, resolvertest.ServFail)
	ip := netip.MustParseAddr
	tests := []struct {
		src   Source
		check string
		sev   finding.Severity
		msg   string
		fix   string // in the fix; "" for none
	}{
		{Source{ip("203.0.113.5"), "mail.good.example"}, "rdns", finding.Info, "resolves back to it (forward-confirmed)", ""},
		{Source{ip("203.0.113.5"), "mail.good.example"}, "helo", finding.Info, "resolves to 203.0.113.5 and is its PTR name", ""},
		{Source{ip("203.0.113.6"), ""}, "rdns", finding.Error, "203.0.113.6 has no PTR record", "set its PTR record"},
		{Source{ip("203.0.113.7"), ""}, "rdns", finding.Error, "host.other.example, but that name does not resolve back", "add an A record for host.other.example pointing to 203.0.113.7"},
		{Source{ip("203.0.113.8"), "localhost"}, "helo", finding.Error, `EHLO name "localhost" is not a fully qualified domain name`, "use mail8.good.example as the EHLO name"},
		{Source{ip("203.0.113.8"), "[203.0.113.8]"}, "helo", finding.Warning, "address literal", "use it in EHLO"},
		{Source{ip("203.0.113.9"), "other.good.example"}, "helo", finding.Warning, "is not the PTR name mail9.good.example", "set the PTR of 203.0.113.9 to other.good.example"},
		{Source{ip("203.0.113.10"), "nx.good.example"}, "helo", finding.Error, "EHLO name nx.good.example has no A record", "publish an A record for nx.good.example"},
		{Source{ip("203.0.113.10"), "mail.good.example"}, "helo", finding.Warning, "resolves to 203.0.113.5, not to 203.0.113.10", ""},
		{Source{ip("203.0.113.11"), ""}, "rdns", finding.Warning, "has 2 PTR records", "keep one"},
		{Source{ip("203.0.113.11"), ""}, "rdns", finding.Info, "forward-confirmed", ""},
		{Source{ip("203.0.113.12"), ""}, "rdns", finding.Warning, "could not look up the PTR record", ""},
		{Source{ip("2001:db8::25"), "mail6.good.example"}, "rdns", finding.Info, "mail6.good.example, which resolves back", ""},
		{Source{ip("::ffff:203.0.113.5"), ""}, "rdns", finding.Info, "203.0.113.5 has reverse DNS mail.good.example", ""},
	}
	srcs := make([]Source, len(tests))
	for i, tt := range tests {
		srcs[i] = tt.src
	}
	reports := Sources(context.Background(), srv.Client(), srcs)
	for i, tt := range tests {
		rep := reports[i]
		found := false
		for _, f := range rep.Findings {
			if f.Check == tt.check && f.Severity == tt.sev && strings.Contains(f.Message, tt.msg) && strings.Contains(f.Fix, tt.fix) {
				found = true
			}
			if f.Severity > finding.Info && f.Fix == "" {
				t.Errorf("%s: finding without a fix: %s", tt.src.IP, f)
			}
			if f.Subject != tt.src.IP.Unmap().String() {
				t.Errorf("%s: subject %q", tt.src.IP, f.Subject)
			}
		}
		if !found {
			t.Errorf("%s %q: no %s %s finding %q (fix %q) in:\n%v", tt.src.IP, tt.src.EHLO, tt.sev, tt.check, tt.msg, tt.fix, rep.Findings)
		}
	}
	if r := reports[0]; len(r.Confirmed) != 1 || !r.EHLOMatches || len(r.PTR) != 1 {
		t.Errorf("report %+v", r)
	}
}

package spf

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const lintZone = `
good.test.        TXT "v=spf1 mx include:_spf.good.test -all"
type99.test.      TXT "v=spf1 -all"
type99.test.      SPF "v=spf1 -all"
good.test.        MX 10 mx.good.test.
mx.good.test.     A 192.0.2.1
_spf.good.test.   TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"
plusall.test.     TXT "v=spf1 +all"
ptr.test.         TXT "v=spf1 ptr -all"
noall.test.       TXT "v=spf1 ip4:192.0.2.1"
loop1.test.       TXT "v=spf1 include:loop2.test -all"
loop2.test.       TXT "v=spf1 include:loop1.test -all"
two.test.         TXT "v=spf1 -all"
two.test.         TXT "v=spf1 ~all"
syntax.test.      TXT "v=spf1 ip4:192.0.2.1/33 -all"
void.test.        TXT "v=spf1 a:n1.void.test a:n2.void.test a:n3.void.test -all"
incnone.test.     TXT "v=spf1 include:nothing.test -all"
after.test.       TXT "v=spf1 -all ip4:192.0.2.1"
redirall.test.    TXT "v=spf1 ~all redirect=good.test"
macro.test.       TXT "v=spf1 exists:%{ir}.bl.macro.test -all"
wide.test.        TXT "v=spf1 ip4:0.0.0.0/1 -all"
typo.test.        TXT "v=spf2 -all"
nospf.test.       A 192.0.2.1
`

func lintServer(t *testing.T) (*resolver.Client, *resolvertest.Server) {
	srv := resolvertest.New(t, lintZone)
	var many, deep strings.Builder
	for i := 0; i < 6; i++ {
		// deep.test includes 6 records with 2 lookups each: 6 + 12 = 18.
		fmt.Fprintf(&deep, "i%d.deep.test. TXT \"v=spf1 a mx -all\"\ni%d.deep.test. A 192.0.2.%d\ni%d.deep.test. MX 10 i%d.deep.test.\n", i, i, i, i, i)
	}
	deep.WriteString("deep.test. TXT \"v=spf1")
	for i := 0; i < 6; i++ {
		fmt.Fprintf(&deep, " include:i%d.deep.test", i)
	}
	deep.WriteString(" -all\"\n")
	many.WriteString("manymx.test. TXT \"v=spf1 mx -all\"\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&many, "manymx.test. MX %d mx%d.manymx.test.\n", i, i)
	}
	if err := srv.Add(deep.String() + many.String()); err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.CacheSize = -1
	c.Timeout = 2 * time.Second // no test here waits for a timeout
	return c, srv
}

func TestLint(t *testing.T) {
	r, _ := lintServer(t)
	tests := []struct {
		domain string
		want   []string         // substrings of Error or Warning findings, in any order
		sev    finding.Severity // severity of the first wanted finding
	}{
		{"plusall.test", []string{`"+all" authorizes every host`}, finding.Error},
		{"ptr.test", []string{"ptr is slow"}, finding.Warning},
		{"noall.test", []string{`no "all"`}, finding.Warning},
		{"loop1.test", []string{"loops: loop1.test -> loop2.test -> loop1.test"}, finding.Error},
		{"two.test", []string{"2 SPF records"}, finding.Error},
		{"syntax.test", []string{"syntax error at 7", "ip4:192.0.2.1/33"}, finding.Error},
		{"void.test", []string{"3 terms that find nothing", "a:n1.void.test finds nothing"}, finding.Error},
		{"incnone.test", []string{"include:nothing.test (incnone.test -> nothing.test): no SPF record"}, finding.Error},
		{"after.test", []string{`terms after "-all" are never evaluated`}, finding.Warning},
		{"redirall.test", []string{"redirect=good.test is ignored"}, finding.Warning},
		{"deep.test", []string{"needs 18 DNS-querying terms"}, finding.Error},
		{"manymx.test", []string{"finds 12 MX names"}, finding.Error},
		{"wide.test", []string{"huge part of the Internet"}, finding.Error},
		{"nospf.test", []string{"publishes no SPF record"}, finding.Error},
		{"type99.test", []string{"obsolete SPF type (99)"}, finding.Warning},
		{"typo.test", []string{"looks like SPF but is not v=spf1", "publishes no SPF record"}, finding.Warning},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			fs, err := Lint(context.Background(), r, tt.domain)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tt.want {
				found := false
				for _, f := range fs {
					if strings.Contains(f.Message, w) {
						found = true
						if i == 0 && f.Severity != tt.sev {
							t.Errorf("%q has severity %v, want %v", f.Message, f.Severity, tt.sev)
						}
						if f.Severity > finding.Info && f.Fix == "" {
							t.Errorf("%q has no fix", f.Message)
						}
					}
				}
				if !found {
					t.Errorf("no finding with %q in %v", w, fs)
				}
			}
		})
	}
}

func TestLintClean(t *testing.T) {
	r, _ := lintServer(t)
	fs, err := Lint(context.Background(), r, "good.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Severity > finding.Info {
			t.Errorf("unexpected finding on a good policy: %+v", f)
		}
	}
	fs, _ = Lint(context.Background(), r, "macro.test")
	if len(fs) != 1 || fs[0].Severity != finding.Info || !strings.Contains(fs[0].Message, "uses macros") {
		t.Errorf("macro.test findings %v, want one info about macros", fs)
	}
}

func TestLintErrors(t *testing.T) {
	r, srv := lintServer(t)
	srv.SetFault("good.test", dns.TypeTXT, resolvertest.ServFail)
	if _, err := Lint(context.Background(), r, "good.test"); !errors.Is(err, resolver.ErrServFail) {
		t.Errorf("err %v, want ErrServFail", err)
	}
	if _, err := Lint(context.Background(), r, "[192.0.2.1]"); !errors.Is(err, ErrInvalidDomain) {
		t.Errorf("err %v, want ErrInvalidDomain", err)
	}
}

package dmarc

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/authres"
	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// newEvaluator serves zone and returns an evaluator asking that server with
// no cache, so that the server's query counts show every lookup.
func newEvaluator(t *testing.T, zone string, m Method) (*resolvertest.Server, *Evaluator) {
	t.Helper()
	srv := newDNS(t, zone)
	return srv, &Evaluator{Resolver: client(srv, false), Method: m}
}

// newDNS is resolvertest.New, retried: the server takes a random UDP port
// and then the same TCP port, which another process may hold when many
// tests run on the machine ("bind: address already in use").
func newDNS(tb testing.TB, zone string) *resolvertest.Server {
	tb.Helper()
	var err error
	for range 10 {
		var s *resolvertest.Server
		if s, err = resolvertest.Start(zone); err == nil {
			tb.Cleanup(s.Close)
			return s
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	tb.Fatalf("resolvertest: %v", err)
	return nil
}

// client returns a client of srv with a timeout long enough for a loaded
// machine (the default 500ms makes tests flaky when CPUs are busy).
func client(srv *resolvertest.Server, cache bool) *resolver.Client {
	c := srv.Client()
	c.Timeout = 5 * time.Second
	if !cache {
		c.CacheSize = -1
	}
	return c
}

// checkQueried fails unless exactly the _dmarc names of want were queried
// for TXT, each once, and nothing else was asked.
func checkQueried(t *testing.T, srv *resolvertest.Server, want ...string) {
	t.Helper()
	for _, d := range want {
		if n := srv.Queries("_dmarc."+d, dns.TypeTXT); n != 1 {
			t.Errorf("_dmarc.%s queried %d times, want 1", d, n)
		}
	}
	if n := srv.TotalQueries(); n != len(want) {
		t.Errorf("%d queries in all, want %d", n, len(want))
	}
}

func TestWalkTargets(t *testing.T) {
	tests := []struct {
		domain string
		want   []string
	}{
		// RFC 9989 §4.10: "a full DNS Tree Walk would require the following
		// eight queries".
		{"a.b.c.d.e.f.g.h.i.j.mail.example.com", []string{
			"a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
			"i.j.mail.example.com", "j.mail.example.com", "mail.example.com", "example.com", "com"}},
		// RFC 9989 §5.1.8: the zone cut b.c.d.e.f.g.example.com is never queried.
		{"mail.a.b.c.d.e.f.g.example.com", []string{
			"mail.a.b.c.d.e.f.g.example.com", "c.d.e.f.g.example.com", "d.e.f.g.example.com",
			"e.f.g.example.com", "f.g.example.com", "g.example.com", "example.com", "com"}},
		{"a.mail.example.com", []string{"a.mail.example.com", "mail.example.com", "example.com", "com"}},
		{"h.g.f.e.d.c.b.a", []string{"h.g.f.e.d.c.b.a", "g.f.e.d.c.b.a", "f.e.d.c.b.a", "e.d.c.b.a", "d.c.b.a", "c.b.a", "b.a", "a"}},
		{"com", []string{"com"}},
	}
	for _, tt := range tests {
		got := walkTargets(tt.domain)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("walkTargets(%s)\n got %q\nwant %q", tt.domain, got, tt.want)
		}
		if len(got) > maxWalk {
			t.Errorf("walkTargets(%s): %d queries, more than %d", tt.domain, len(got), maxWalk)
		}
	}
}

// RFC 9989 §4.10: a walk for a long name with no records makes exactly the
// eight queries listed there, and DMARC does not apply.
func TestTreeWalkEightQueries(t *testing.T) {
	srv, e := newEvaluator(t, `example.com. TXT "v=spf1 -all"`, TreeWalk)
	res, err := e.Evaluate(context.Background(), Input{FromDomain: "a.b.c.d.e.f.g.h.i.j.mail.example.com"})
	if err != nil || res.Status != StatusNone {
		t.Fatalf("Evaluate = %s, %v; want none", res.Status, err)
	}
	checkQueried(t, srv, walkTargets("a.b.c.d.e.f.g.h.i.j.mail.example.com")...)
}

// RFC 9989 Appendix B.4.1.
func TestRFC9989SimpleExample(t *testing.T) {
	zone := `
_dmarc.example.com.         TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
_dmarc.signing.example.com. TXT "v=DMARC1; p=none"
`
	srv, e := newEvaluator(t, zone, TreeWalk)
	res, err := e.Evaluate(context.Background(), Input{
		FromDomain: "example.com",
		SPF:        SPFInput{Result: "fail", Domain: "example.com"},
		DKIM:       []DKIMInput{{Domain: "signing.example.com", Selector: "s1", Result: "pass"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusPass || !res.DKIMAligned || res.SPFAligned || res.DKIMDomain != "signing.example.com" {
		t.Fatalf("got %s dkim=%v spf=%v, want pass by DKIM\n%s", res.Status, res.DKIMAligned, res.SPFAligned, strings.Join(res.Reasons, "\n"))
	}
	if res.RecordDomain != "example.com" || res.OrgDomain != "example.com" || res.PolicyTag != "p" || res.Policy != PolicyReject {
		t.Errorf("record %s org %s policy %s=%s; want example.com, example.com, p=reject", res.RecordDomain, res.OrgDomain, res.PolicyTag, res.Policy)
	}
	// "query _dmarc.example.com and _dmarc.com" for the author domain, and
	// _dmarc.signing.example.com for the DKIM identifier.
	checkQueried(t, srv, "example.com", "com", "signing.example.com")
}

// RFC 9989 Appendix B.4.2.
func TestRFC9989DeepExample(t *testing.T) {
	zone := `
_dmarc.example.com.         TXT "v=DMARC1; p=quarantine; sp=reject"
_dmarc.signing.example.com. TXT "v=DMARC1; p=none"
`
	author := "a.b.c.d.e.f.g.h.i.j.k.example.com"
	srv, e := newEvaluator(t, zone, TreeWalk)
	res, err := e.Evaluate(context.Background(), Input{
		FromDomain: author,
		SPF:        SPFInput{Result: "pass", Domain: "example.com"},
		DKIM:       []DKIMInput{{Domain: "signing.example.com", Result: "pass"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusPass || !res.SPFAligned || !res.DKIMAligned {
		t.Fatalf("got %s spf=%v dkim=%v; want pass with both aligned\n%s", res.Status, res.SPFAligned, res.DKIMAligned, strings.Join(res.Reasons, "\n"))
	}
	if res.RecordDomain != "example.com" || res.OrgDomain != "example.com" {
		t.Errorf("record at %s, org %s; want example.com for both", res.RecordDomain, res.OrgDomain)
	}
	if res.PolicyTag != "sp" || res.Policy != PolicyReject {
		t.Errorf("policy %s=%s, want sp=reject for a subdomain", res.PolicyTag, res.Policy)
	}
	checkQueried(t, srv, "a.b.c.d.e.f.g.h.i.j.k.example.com", "g.h.i.j.k.example.com", "h.i.j.k.example.com",
		"i.j.k.example.com", "j.k.example.com", "k.example.com", "example.com", "com", "signing.example.com")
}

// RFC 9989 Appendix B.4.3.
func TestRFC9989PSDExample(t *testing.T) {
	zone := `
_dmarc.bank.example.       TXT "v=DMARC1; p=reject; psd=y"
_dmarc.giant.bank.example. TXT "v=DMARC1; p=quarantine"
`
	srv, e := newEvaluator(t, zone, TreeWalk)
	in := Input{
		FromDomain: "giant.bank.example",
		SPF:        SPFInput{Result: "pass", Domain: "mail.giant.bank.example"},
		DKIM:       []DKIMInput{{Domain: "mail.mega.bank.example", Result: "pass"}},
	}
	res, err := e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusPass || !res.SPFAligned || res.DKIMAligned {
		t.Fatalf("got %s spf=%v dkim=%v; want pass, SPF aligned, DKIM not\n%s", res.Status, res.SPFAligned, res.DKIMAligned, strings.Join(res.Reasons, "\n"))
	}
	if res.OrgDomain != "giant.bank.example" || res.RecordDomain != "giant.bank.example" {
		t.Errorf("org %s record %s; want giant.bank.example", res.OrgDomain, res.RecordDomain)
	}
	// _dmarc.example is never asked: the walk stops at psd=y.
	if n := srv.Queries("_dmarc.example", dns.TypeTXT); n != 0 {
		t.Errorf("_dmarc.example queried %d times; the walk should stop at psd=y", n)
	}
	org, err := e.OrganizationalDomain(context.Background(), "mail.mega.bank.example")
	if err != nil || org != "mega.bank.example" {
		t.Errorf("OrganizationalDomain(mail.mega.bank.example) = %q, %v; want mega.bank.example", org, err)
	}

	// Without its own record, a domain under the PSD gets the PSD's policy.
	in.FromDomain, in.SPF, in.DKIM = "mail.mega.bank.example", SPFInput{Result: "fail"}, nil
	res, err = e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusFail || res.RecordDomain != "bank.example" || res.OrgDomain != "mega.bank.example" || res.Disposition != PolicyReject {
		t.Errorf("got %s record %s org %s disposition %s; want fail with the PSD record of bank.example, org mega.bank.example, reject\n%s",
			res.Status, res.RecordDomain, res.OrgDomain, res.Disposition, strings.Join(res.Reasons, "\n"))
	}
}

// RFC 9989 §4.10.2, the three closing examples.
func TestRFC9989OrganizationalDomainExamples(t *testing.T) {
	tests := []struct {
		name, zone, want string
	}{
		{"fewest labels", `
_dmarc.mail.example.com. TXT "v=DMARC1; p=none"
_dmarc.example.com.      TXT "v=DMARC1; p=reject"`, "example.com"},
		{"psd=n", `
_dmarc.mail.example.com. TXT "v=DMARC1; p=none; psd=n"
_dmarc.example.com.      TXT "v=DMARC1; p=reject"`, "mail.example.com"},
		{"psd=y at the top", `
_dmarc.com. TXT "v=DMARC1; p=reject; psd=y"`, "example.com"},
		{"nothing found: the domain itself", `example.com. TXT "x"`, "a.mail.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, e := newEvaluator(t, tt.zone, TreeWalk)
			got, err := e.OrganizationalDomain(context.Background(), "a.mail.example.com")
			if err != nil || got != tt.want {
				t.Errorf("OrganizationalDomain(a.mail.example.com) = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// RFC 9989 §5.1.8: a psd=n record at a zone cut deeper than the walk reaches
// is never discovered; the apex record applies.
func TestRFC9989ZoneCutNotDiscovered(t *testing.T) {
	zone := `
_dmarc.example.com.               TXT "v=DMARC1; p=reject"
_dmarc.b.c.d.e.f.g.example.com.   TXT "v=DMARC1; p=none; psd=n"
`
	srv, e := newEvaluator(t, zone, TreeWalk)
	res, _ := e.Evaluate(context.Background(), Input{FromDomain: "mail.a.b.c.d.e.f.g.example.com", SPF: SPFInput{Result: "fail"}})
	if res.RecordDomain != "example.com" || res.Disposition != PolicyReject {
		t.Errorf("record at %q, disposition %s; want example.com, reject", res.RecordDomain, res.Disposition)
	}
	if n := srv.Queries("_dmarc.b.c.d.e.f.g.example.com", dns.TypeTXT); n != 0 {
		t.Errorf("zone cut queried %d times", n)
	}
	checkQueried(t, srv, walkTargets("mail.a.b.c.d.e.f.g.example.com")...)
}

func TestDiscoveryRecordSets(t *testing.T) {
	tests := []struct {
		name   string
		method Method
		zone   string
		status Status
		domain string // RecordDomain
		err    error
	}{
		{"junk beside the record", TreeWalk, `
_dmarc.example.com. TXT "v=spf1 -all"
_dmarc.example.com. TXT "google-site-verification=abc"
_dmarc.example.com. TXT "v=DMARC1; p=reject; foo=bar; junk"`, StatusFail, "example.com", nil},
		{"record split in strings", TreeWalk, `
_dmarc.example.com. TXT "v=DMARC1; " "p=reject"`, StatusFail, "example.com", nil},
		{"two records at the author: discarded, walk goes on", TreeWalk, `
_dmarc.mail.example.com. TXT "v=DMARC1; p=none"
_dmarc.mail.example.com. TXT "v=DMARC1; p=reject"
_dmarc.example.com.      TXT "v=DMARC1; p=quarantine"`, StatusFail, "example.com", nil},
		{"two records at the author under RFC 7489: no DMARC", PublicSuffixList, `
_dmarc.mail.example.com. TXT "v=DMARC1; p=none"
_dmarc.mail.example.com. TXT "v=DMARC1; p=reject"
_dmarc.example.com.      TXT "v=DMARC1; p=quarantine"`, StatusPermError, "", ErrMultipleRecords},
		{"invalid policy, no rua", TreeWalk, `
_dmarc.mail.example.com. TXT "v=DMARC1; p=bogus"`, StatusPermError, "", ErrInvalidPolicy},
		{"invalid policy with rua is none", TreeWalk, `
_dmarc.mail.example.com. TXT "v=DMARC1; p=bogus; rua=mailto:d@example.com"`, StatusFail, "mail.example.com", nil},
		{"record at the org domain only, RFC 7489", PublicSuffixList, `
_dmarc.example.com. TXT "v=DMARC1; p=reject"`, StatusFail, "example.com", nil},
		{"lower-case version is not a record", TreeWalk, `
_dmarc.mail.example.com. TXT "v=dmarc1; p=reject"`, StatusNone, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, e := newEvaluator(t, tt.zone, tt.method)
			res, err := e.Evaluate(context.Background(), Input{FromDomain: "mail.example.com", SPF: SPFInput{Result: "pass", Domain: "other.example"}})
			if res.Status != tt.status || res.RecordDomain != tt.domain {
				t.Fatalf("got %s at %q (%v); want %s at %q\n%s", res.Status, res.RecordDomain, err, tt.status, tt.domain, strings.Join(res.Reasons, "\n"))
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("error %v, want %v", err, tt.err)
			}
			if tt.err == nil && err != nil {
				t.Errorf("unexpected error %v", err)
			}
		})
	}
}

func TestTemporaryErrors(t *testing.T) {
	zone := `
_dmarc.example.com.      TXT "v=DMARC1; p=reject"
_dmarc.example.net.      TXT "v=DMARC1; p=reject"
`
	for _, tt := range []struct {
		name, faultName string
		in              Input
	}{
		{"author record", "_dmarc.mail.example.com.", Input{FromDomain: "mail.example.com"}},
		{"during the walk", "_dmarc.com.", Input{FromDomain: "mail.example.com"}},
		{"walking for alignment", "_dmarc.signing.example.net.", Input{FromDomain: "example.net", DKIM: []DKIMInput{{Domain: "signing.example.net", Result: "pass"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, e := newEvaluator(t, zone, TreeWalk)
			srv.SetFault(tt.faultName, dns.TypeTXT, resolvertest.ServFail)
			res, err := e.Evaluate(context.Background(), tt.in)
			if res.Status != StatusTempError || !resolver.IsTemporary(err) {
				t.Fatalf("got %s, %v; want temperror with a temporary DNS error", res.Status, err)
			}
			if res.DKIMAligned || res.SPFAligned {
				t.Error("alignment reported on temperror")
			}
		})
	}
}

// A temporary failure matters only when nothing aligns (RFC 9989 §5.3.6).
func TestTemporaryFailureWithAlignedIdentifier(t *testing.T) {
	zone := `_dmarc.example.com. TXT "v=DMARC1; p=reject"`
	tests := []struct {
		name   string
		fault  string
		in     Input
		status Status
	}{
		{"SPF aligned, DKIM walk fails", "_dmarc.signing.example.com.", Input{FromDomain: "example.com",
			SPF: SPFInput{Result: "pass", Domain: "example.com"}, DKIM: []DKIMInput{{Domain: "signing.example.com", Result: "pass"}}}, StatusPass},
		{"DKIM aligned, SPF walk fails", "_dmarc.bounce.example.com.", Input{FromDomain: "example.com",
			SPF: SPFInput{Result: "pass", Domain: "bounce.example.com"}, DKIM: []DKIMInput{{Domain: "example.com", Result: "pass"}}}, StatusPass},
		{"SPF temperror, nothing aligned", "", Input{FromDomain: "example.com",
			SPF: SPFInput{Result: "temperror", Domain: "example.com"}, DKIM: []DKIMInput{{Domain: "other.example", Result: "pass"}}}, StatusTempError},
		{"DKIM temperror, nothing aligned", "", Input{FromDomain: "example.com",
			SPF: SPFInput{Result: "fail", Domain: "example.com"}, DKIM: []DKIMInput{{Domain: "example.com", Result: "temperror"}}}, StatusTempError},
		{"DKIM temperror, SPF aligned", "", Input{FromDomain: "example.com",
			SPF: SPFInput{Result: "pass", Domain: "example.com"}, DKIM: []DKIMInput{{Domain: "example.com", Result: "temperror"}}}, StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, e := newEvaluator(t, zone, TreeWalk)
			if tt.fault != "" {
				srv.SetFault(tt.fault, dns.TypeTXT, resolvertest.ServFail)
			}
			res, err := e.Evaluate(context.Background(), tt.in)
			if res.Status != tt.status || (err != nil) != (tt.status == StatusTempError) {
				t.Errorf("got %s, %v; want %s\n%s", res.Status, err, tt.status, strings.Join(res.Reasons, "\n"))
			}
			if tt.status == StatusTempError && tt.fault == "" && !errors.Is(err, ErrUnderlyingTemporary) {
				t.Errorf("error %v, want ErrUnderlyingTemporary", err)
			}
		})
	}
}

func TestPolicySelection(t *testing.T) {
	zone := `
_dmarc.example.com. TXT "v=DMARC1; p=none; sp=quarantine; np=reject"
exists.example.com. A 192.0.2.1
_dmarc.example.org. TXT "v=DMARC1; p=quarantine"
_dmarc.example.net. TXT "v=DMARC1; p=reject; t=y"
_dmarc.strict.example. TXT "v=DMARC1; p=reject; adkim=s; aspf=s"
`
	tests := []struct {
		name        string
		method      Method
		in          Input
		status      Status
		tag         string
		policy      Policy
		disposition Policy
	}{
		{"own record uses p", TreeWalk, Input{FromDomain: "example.com"}, StatusFail, "p", PolicyNone, PolicyNone},
		{"existing subdomain uses sp", TreeWalk, Input{FromDomain: "exists.example.com"}, StatusFail, "sp", PolicyQuarantine, PolicyQuarantine},
		{"non-existent subdomain uses np", TreeWalk, Input{FromDomain: "nx.example.com"}, StatusFail, "np", PolicyReject, PolicyReject},
		{"np ignored under RFC 7489", PublicSuffixList, Input{FromDomain: "nx.example.com"}, StatusFail, "sp", PolicyQuarantine, PolicyQuarantine},
		{"subdomain without sp uses p", TreeWalk, Input{FromDomain: "a.example.org"}, StatusFail, "p", PolicyQuarantine, PolicyQuarantine},
		{"t=y lowers reject to quarantine", TreeWalk, Input{FromDomain: "example.net"}, StatusFail, "p", PolicyReject, PolicyQuarantine},
		{"t=y ignored under RFC 7489", PublicSuffixList, Input{FromDomain: "example.net"}, StatusFail, "p", PolicyReject, PolicyReject},
		{"pass has no disposition", TreeWalk, Input{FromDomain: "example.net", SPF: SPFInput{Result: "pass", Domain: "bounce.example.net"}}, StatusPass, "p", PolicyReject, PolicyNone},
		{"strict DKIM: parent domain not aligned", TreeWalk, Input{FromDomain: "mail.strict.example", DKIM: []DKIMInput{{Domain: "strict.example", Result: "pass"}}}, StatusFail, "p", PolicyReject, PolicyReject},
		{"strict SPF: identical domain aligned", TreeWalk, Input{FromDomain: "strict.example", SPF: SPFInput{Result: "pass", Domain: "STRICT.example."}}, StatusPass, "p", PolicyReject, PolicyNone},
		{"failed DKIM never aligns", TreeWalk, Input{FromDomain: "example.org", DKIM: []DKIMInput{{Domain: "example.org", Result: "fail"}}}, StatusFail, "p", PolicyQuarantine, PolicyQuarantine},
		{"softfail SPF never aligns", TreeWalk, Input{FromDomain: "example.org", SPF: SPFInput{Result: "softfail", Domain: "example.org"}}, StatusFail, "p", PolicyQuarantine, PolicyQuarantine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, e := newEvaluator(t, zone, tt.method)
			res, err := e.Evaluate(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.PolicyTag != tt.tag || res.Policy != tt.policy || res.Disposition != tt.disposition {
				t.Errorf("got %s %s=%s disposition %s; want %s %s=%s disposition %s\n%s",
					res.Status, res.PolicyTag, res.Policy, res.Disposition, tt.status, tt.tag, tt.policy, tt.disposition, strings.Join(res.Reasons, "\n"))
			}
			if len(res.Reasons) == 0 {
				t.Error("no reasons given")
			}
		})
	}
}

func TestPercentSampling(t *testing.T) {
	zone := `_dmarc.example.com. TXT "v=DMARC1; p=reject; pct=30"`
	for _, selected := range []bool{true, false} {
		_, e := newEvaluator(t, zone, PublicSuffixList)
		var asked int
		e.Sample = func(pct int) bool { asked = pct; return selected }
		res, err := e.Evaluate(context.Background(), Input{FromDomain: "example.com"})
		if err != nil {
			t.Fatal(err)
		}
		want := PolicyReject
		if !selected {
			want = PolicyQuarantine
		}
		if asked != 30 || res.SampledOut == selected || res.Disposition != want {
			t.Errorf("selected=%v: sampler asked %d, SampledOut %v, disposition %s; want 30, %v, %s", selected, asked, res.SampledOut, res.Disposition, !selected, want)
		}
	}
}

// RFC 7489 §3.2 with the Public Suffix List: multi-label suffixes, private
// suffixes and IDNA names.
func TestPublicSuffixList(t *testing.T) {
	zone := `
_dmarc.example.co.uk.          TXT "v=DMARC1; p=reject"
_dmarc.xn--bcher-kva.example.  TXT "v=DMARC1; p=quarantine"
_dmarc.xn--mnchen-3ya.de.      TXT "v=DMARC1; p=none"
_dmarc.alice.blogspot.com.     TXT "v=DMARC1; p=reject"
`
	tests := []struct {
		name    string
		in      Input
		org     string
		record  string
		status  Status
		queries int
	}{
		{"subdomain of co.uk", Input{FromDomain: "mail.example.co.uk", SPF: SPFInput{Result: "pass", Domain: "bounce.example.co.uk"}}, "example.co.uk", "example.co.uk", StatusPass, 2},
		{"co.uk siblings do not align", Input{FromDomain: "mail.example.co.uk", SPF: SPFInput{Result: "pass", Domain: "other.co.uk"}}, "example.co.uk", "example.co.uk", StatusFail, 2},
		{"IDNA author domain", Input{FromDomain: "Bücher.example", DKIM: []DKIMInput{{Domain: "mail.xn--bcher-kva.example", Result: "pass"}}}, "xn--bcher-kva.example", "xn--bcher-kva.example", StatusPass, 1},
		{"IDNA subdomain", Input{FromDomain: "post.münchen.de", SPF: SPFInput{Result: "pass", Domain: "münchen.de"}}, "xn--mnchen-3ya.de", "xn--mnchen-3ya.de", StatusPass, 2},
		{"private suffix blogspot.com", Input{FromDomain: "alice.blogspot.com", DKIM: []DKIMInput{{Domain: "bob.blogspot.com", Result: "pass"}}}, "alice.blogspot.com", "alice.blogspot.com", StatusFail, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, e := newEvaluator(t, zone, PublicSuffixList)
			res, err := e.Evaluate(context.Background(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if res.OrgDomain != tt.org || res.RecordDomain != tt.record || res.Status != tt.status {
				t.Errorf("org %s record %s status %s; want %s %s %s\n%s", res.OrgDomain, res.RecordDomain, res.Status, tt.org, tt.record, tt.status, strings.Join(res.Reasons, "\n"))
			}
			if n := srv.TotalQueries(); n != tt.queries {
				t.Errorf("%d queries, want %d", n, tt.queries)
			}
		})
	}
}

func TestInvalidFromDomain(t *testing.T) {
	_, e := newEvaluator(t, `example.com. TXT "x"`, TreeWalk)
	for _, d := range []string{"", "a..b", "xn--a.com\u0000", strings.Repeat("a", 64) + ".com"} {
		res, err := e.Evaluate(context.Background(), Input{FromDomain: d})
		if !errors.Is(err, ErrInvalidDomain) || res.Status != StatusPermError {
			t.Errorf("Evaluate(%q) = %s, %v; want permerror, ErrInvalidDomain", d, res.Status, err)
		}
	}
}

func TestAuthResult(t *testing.T) {
	zone := `_dmarc.example.com. TXT "v=DMARC1; p=reject; t=y"`
	_, e := newEvaluator(t, zone, TreeWalk)
	res, _ := e.Evaluate(context.Background(), Input{FromDomain: "example.com"})
	got := authres.Format("mx.example.org", []authres.Result{res.AuthResult()})
	want := `mx.example.org; dmarc=fail reason="p=reject dis=quarantine t=y" header.from=example.com`
	if got != want {
		t.Errorf("Authentication-Results:\n got %s\nwant %s", got, want)
	}
	// The header parses back.
	_, results, err := authres.Parse(got)
	if err != nil || len(results) != 1 {
		t.Fatalf("parse back: %v", err)
	}
	if r := results[0].(*authres.DMARCResult); r.Value != "fail" || r.From != "example.com" {
		t.Errorf("parsed back %+v", r)
	}
}

func TestAuthResultErrors(t *testing.T) {
	srv, e := newEvaluator(t, `_dmarc.example.com. TXT "v=DMARC1; p=reject"`, TreeWalk)
	srv.SetFault("_dmarc.example.com.", dns.TypeTXT, resolvertest.ServFail)
	res, _ := e.Evaluate(context.Background(), Input{FromDomain: "example.com"})
	got := authres.Format("mx.example.org", []authres.Result{res.AuthResult()})
	if !strings.HasPrefix(got, "mx.example.org; dmarc=temperror reason=") || !strings.HasSuffix(got, "header.from=example.com") {
		t.Errorf("Authentication-Results: %s", got)
	}
	if s := sanitize("a\r\nb\"c\\d\x00é"); s != "a  b c d   " {
		t.Errorf("sanitize = %q", s)
	}
}

func TestQueryBudget(t *testing.T) {
	srv, e := newEvaluator(t, `_dmarc.example.com. TXT "v=DMARC1; p=reject"`, TreeWalk)
	in := Input{FromDomain: "example.com"}
	for i := range 20 {
		in.DKIM = append(in.DKIM, DKIMInput{Domain: fmt.Sprintf("a.b.c.d.e.f.g.s%d.com", i), Result: "pass"})
	}
	res, err := e.Evaluate(context.Background(), in)
	if err != nil || res.Status != StatusFail {
		t.Fatalf("got %s, %v; want fail", res.Status, err)
	}
	if n := srv.TotalQueries(); n > maxQueries+maxWalk {
		t.Errorf("%d queries for one message, want at most %d", n, maxQueries+maxWalk)
	}
}

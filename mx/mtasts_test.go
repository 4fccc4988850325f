package mx

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *STSPolicy // nil: an error
	}{
		{"CRLF", "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 86400\r\n",
			&STSPolicy{Version: "STSv1", Mode: "enforce", MX: []string{"mail.example.com", "*.example.net"}, MaxAge: 86400 * time.Second}},
		{"LF without final terminator", "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 60",
			&STSPolicy{Version: "STSv1", Mode: "testing", MX: []string{"mail.example.com"}, MaxAge: time.Minute}},
		{"white space and tabs around values", "version:STSv1\nmode:\t enforce \nmx:  MAIL.Example.COM.\nmax_age: 5\t\n",
			&STSPolicy{Version: "STSv1", Mode: "enforce", MX: []string{"mail.example.com"}, MaxAge: 5 * time.Second}},
		{"mode none needs no mx", "version: STSv1\nmode: none\nmax_age: 86400\n",
			&STSPolicy{Version: "STSv1", Mode: "none", MaxAge: 86400 * time.Second}},
		{"first of duplicate fields counts", "version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 10\nmax_age: 20\n",
			&STSPolicy{Version: "STSv1", Mode: "testing", MX: []string{"a.example"}, MaxAge: 10 * time.Second}},
		{"unknown fields ignored", "version: STSv1\nmode: enforce\nx-thing: some value here\nmx: a.example\nmax_age: 10\n",
			&STSPolicy{Version: "STSv1", Mode: "enforce", MX: []string{"a.example"}, MaxAge: 10 * time.Second}},
		{"max_age clamped to one year", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 9999999999\n",
			&STSPolicy{Version: "STSv1", Mode: "enforce", MX: []string{"a.example"}, MaxAge: 31557600 * time.Second}},
		{"blank lines tolerated", "version: STSv1\n\nmode: enforce\r\n\r\nmx: a.example\nmax_age: 10\n\n",
			&STSPolicy{Version: "STSv1", Mode: "enforce", MX: []string{"a.example"}, MaxAge: 10 * time.Second}},
		{"missing version", "mode: enforce\nmx: a.example\nmax_age: 10\n", nil},
		{"missing mode", "version: STSv1\nmx: a.example\nmax_age: 10\n", nil},
		{"missing max_age", "version: STSv1\nmode: enforce\nmx: a.example\n", nil},
		{"missing mx in enforce", "version: STSv1\nmode: enforce\nmax_age: 10\n", nil},
		{"missing mx in testing", "version: STSv1\nmode: testing\nmax_age: 10\n", nil},
		{"wrong version", "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 10\n", nil},
		{"mode is case-sensitive", "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 10\n", nil},
		{"key is case-sensitive", "Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\n", nil},
		{"negative max_age", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", nil},
		{"max_age with 11 digits", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n", nil},
		{"empty max_age", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age:\n", nil},
		{"line without colon", "version: STSv1\nmode enforce\nmx: a.example\nmax_age: 10\n", nil},
		{"U-label mx", "version: STSv1\nmode: enforce\nmx: bücher.example\nmax_age: 10\n", nil},
		{"wildcard in the middle", "version: STSv1\nmode: enforce\nmx: mx.*.example\nmax_age: 10\n", nil},
		{"double wildcard", "version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 10\n", nil},
		{"bare wildcard", "version: STSv1\nmode: enforce\nmx: *\nmax_age: 10\n", nil},
		{"control character", "version: STSv1\nmode: enforce\nmx: a.example\x00\nmax_age: 10\n", nil},
		{"bare CR inside a line", "version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 10\n", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePolicy(strings.NewReader(tt.in))
			if tt.want == nil {
				var pe *PolicyError
				if err == nil || !errors.Is(err, ErrPolicySyntax) || !errors.As(err, &pe) {
					t.Fatalf("ParsePolicy = %+v, %v; want a *PolicyError", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePolicy: %v", err)
			}
			if got.Version != tt.want.Version || got.Mode != tt.want.Mode || got.MaxAge != tt.want.MaxAge || !slices.Equal(got.MX, tt.want.MX) {
				t.Errorf("ParsePolicy = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParsePolicySizeLimit(t *testing.T) {
	head := "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\n"
	pad := func(n int) string { return head + "x: " + strings.Repeat("y", n-len(head)-4) + "\n" }
	if _, err := ParsePolicy(strings.NewReader(pad(MaxPolicySize))); err != nil {
		t.Errorf("policy of exactly 64 KiB: %v", err)
	}
	if _, err := ParsePolicy(strings.NewReader(pad(MaxPolicySize + 1))); !errors.Is(err, ErrPolicyTooLarge) {
		t.Errorf("policy of 64 KiB + 1: error %v, want ErrPolicyTooLarge", err)
	}
}

func TestPolicyMatch(t *testing.T) {
	p := &STSPolicy{MX: []string{"mail.example.com", "*.example.net"}}
	tests := []struct {
		host string
		want bool
	}{
		{"mail.example.com", true},
		{"MAIL.Example.COM.", true},
		{"mx.example.net", true},
		{"MX1.EXAMPLE.NET", true},
		{"example.net", false},       // the wildcard needs one label
		{"a.mx.example.net", false},  // and only one
		{"other.example.com", false}, // no wildcard for example.com
		{"mail.example.com.evil", false},
		{"xexample.net", false},
		{".example.net", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := p.Match(tt.host); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestParseRecord(t *testing.T) {
	tests := []struct {
		in, id string // id "": an error
	}{
		{"v=STSv1; id=20160831085700Z;", "20160831085700Z"},
		{"v=STSv1;id=abc", "abc"},
		{"v=STSv1 ; id=abc ; ext=val", "abc"},
		{"v=STSv1; id=first; id=second", "first"},
		{"v=STSv1; id=" + strings.Repeat("a", 32), strings.Repeat("a", 32)},
		{"v=STSv1; id=" + strings.Repeat("a", 33), ""},
		{"v=STSv1; id=not-alnum", ""},
		{"v=STSv1;", ""},
		{"v=STSv1", ""},
		{"v=STSv1; id=abc;; x=y", ""},
		{"v=STSv1; id=", ""},
		{"v=STSv2; id=abc", ""},
		{" v=STSv1; id=abc", ""},
		{"v=STSv1; id=abc; bad value=x y", ""},
		{"v=STSv1; id=abc; =x", ""},
	}
	for _, tt := range tests {
		id, err := parseRecord(tt.in)
		if tt.id == "" {
			if err == nil || !errors.Is(err, errRecordSyntax) {
				t.Errorf("parseRecord(%q) = %q, %v; want a syntax error", tt.in, id, err)
			}
			continue
		}
		if err != nil || id != tt.id {
			t.Errorf("parseRecord(%q) = %q, %v; want %q", tt.in, id, err, tt.id)
		}
	}
}

const stsZone = `
sts.example.            MX 10 mx1.sts.example.
sts.example.            MX 20 mx.other.example.
mx1.sts.example.        A 192.0.2.1
mx.other.example.       A 192.0.2.2
_mta-sts.sts.example.   TXT "v=STSv1; id=one"
`

const enforcePolicy = "version: STSv1\r\nmode: enforce\r\nmx: *.sts.example\r\nmax_age: 86400\r\n"

// stsSetup serves stsZone on an uncached resolver and the policy of
// sts.example over HTTPS, with a fake clock.
func stsSetup(t *testing.T, policy string) (*Router, *resolvertest.Server, *stsWeb, *fakeClock) {
	t.Helper()
	srv := newDNS(t, stsZone)
	web := newSTSWeb(t)
	web.serve(t, "mta-sts.sts.example")
	web.set("mta-sts.sts.example", policy)
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	r := &Router{Resolver: uncached(srv), HTTPClient: web.client(), now: clock.now}
	return r, srv, web, clock
}

func (w *stsWeb) fetches() int { return w.count("mta-sts.sts.example", "/.well-known/mta-sts.txt") }

func TestMTASTSEnforce(t *testing.T) {
	r, _, web, _ := stsSetup(t, enforcePolicy)
	route, err := r.Lookup(context.Background(), "sts.example")
	if err != nil {
		t.Fatal(err)
	}
	if got := hostNames(route); !slices.Equal(got, []string{"mx1.sts.example"}) {
		t.Errorf("hosts = %q, want only the one matching *.sts.example", got)
	}
	if route.Policy.Kind != PolicyMTASTSEnforce || route.Hosts[0].Policy != PolicyMTASTSEnforce {
		t.Errorf("policy = %v (host %v), want enforce", route.Policy.Kind, route.Hosts[0].Policy)
	}
	p := route.Policy.MTASTS
	if p == nil || p.ID != "one" || p.Mode != ModeEnforce || p.MaxAge != 24*time.Hour {
		t.Errorf("MTASTS = %+v", p)
	}
	if n := web.fetches(); n != 1 {
		t.Errorf("%d policy fetches, want 1", n)
	}
	checkSTSFailure(t, "policy fetched", route, "")
}

func TestMTASTSModes(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		kind   PolicyKind
		hosts  []string
		reason string
	}{
		{"testing keeps every host", "version: STSv1\nmode: testing\nmx: *.sts.example\nmax_age: 600\n",
			PolicyMTASTSTesting, []string{"mx1.sts.example", "mx.other.example"}, "mode testing"},
		{"none means no policy", "version: STSv1\nmode: none\nmax_age: 600\n",
			PolicyNone, []string{"mx1.sts.example", "mx.other.example"}, "mode none"},
		{"enforce with exact names", "version: STSv1\nmode: enforce\nmx: mx.other.example\nmx: mx1.sts.example\nmax_age: 600\n",
			PolicyMTASTSEnforce, []string{"mx1.sts.example", "mx.other.example"}, "mode enforce"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, _, _ := stsSetup(t, tt.policy)
			route, err := r.Lookup(context.Background(), "sts.example")
			if err != nil {
				t.Fatal(err)
			}
			if route.Policy.Kind != tt.kind || route.Policy.MTASTS == nil || !strings.Contains(route.Policy.Reason, tt.reason) {
				t.Errorf("policy = %+v, want %v with reason containing %q", route.Policy, tt.kind, tt.reason)
			}
			if got := hostNames(route); !slices.Equal(got, tt.hosts) {
				t.Errorf("hosts = %q, want %q", got, tt.hosts)
			}
			for _, h := range route.Hosts {
				if h.Policy != tt.kind {
					t.Errorf("host %s policy %v, want %v", h.Name, h.Policy, tt.kind)
				}
			}
		})
	}
}

func TestMTASTSEnforceNoMatch(t *testing.T) {
	r, _, _, _ := stsSetup(t, "version: STSv1\nmode: enforce\nmx: *.elsewhere.example\nmax_age: 600\n")
	_, err := r.Lookup(context.Background(), "sts.example")
	if !errors.Is(err, ErrMTASTSNoMatch) || IsPermanent(err) {
		t.Errorf("error = %v, want ErrMTASTSNoMatch, not permanent", err)
	}
}

func TestMTASTSCache(t *testing.T) {
	r, srv, web, clock := stsSetup(t, enforcePolicy)
	ctx := context.Background()
	lookup := func() *Route {
		t.Helper()
		route, err := r.Lookup(ctx, "sts.example")
		if err != nil {
			t.Fatal(err)
		}
		return route
	}
	lookup()
	clock.advance(time.Hour)
	if route := lookup(); web.fetches() != 1 || route.Policy.Kind != PolicyMTASTSEnforce || !strings.Contains(route.Policy.Reason, "cached") {
		t.Fatalf("same id: %d fetches (want 1), policy %+v", web.fetches(), route.Policy)
	}

	// A new id makes the sender fetch again (RFC 8461 §3.1).
	web.set("mta-sts.sts.example", "version: STSv1\nmode: testing\nmx: *.sts.example\nmax_age: 7200\n")
	srv.SetZone(strings.Replace(stsZone, "id=one", "id=two", 1))
	if route := lookup(); web.fetches() != 2 || route.Policy.Kind != PolicyMTASTSTesting || route.Policy.MTASTS.ID != "two" {
		t.Fatalf("new id: %d fetches (want 2), policy %+v", web.fetches(), route.Policy)
	}

	// Half of max_age (now 7200 s) passes: refreshed although the id is the same.
	clock.advance(3599 * time.Second)
	lookup()
	if n := web.fetches(); n != 2 {
		t.Errorf("before half of max_age: %d fetches, want 2", n)
	}
	clock.advance(time.Second)
	if route := lookup(); web.fetches() != 3 || !strings.Contains(route.Policy.Reason, "refreshed") {
		t.Errorf("at half of max_age: %d fetches (want 3), reason %q", web.fetches(), route.Policy.Reason)
	}
	// A failed refresh keeps the cached policy until it expires.
	web.setStatus("mta-sts.sts.example", http.StatusInternalServerError, "")
	clock.advance(3600 * time.Second)
	if route := lookup(); web.fetches() != 4 || route.Policy.Kind != PolicyMTASTSTesting {
		t.Errorf("failed refresh: %d fetches (want 4), policy %+v; want the cached testing policy", web.fetches(), route.Policy)
	} else {
		checkSTSFailure(t, "failed refresh", route, "sts-policy-fetch-error")
	}
	clock.advance(3599 * time.Second)
	if route := lookup(); web.fetches() != 5 || route.Policy.Kind != PolicyMTASTSTesting {
		t.Errorf("failed refresh, 1 s before expiry: %d fetches (want 5), policy %+v", web.fetches(), route.Policy)
	}
	clock.advance(time.Second)
	if route := lookup(); route.Policy.Kind != PolicyNone {
		t.Errorf("after max_age: policy %+v, want none", route.Policy)
	}
}

func TestMTASTSCachedPolicySurvivesFailures(t *testing.T) {
	r, srv, web, clock := stsSetup(t, enforcePolicy)
	ctx := context.Background()
	if _, err := r.Lookup(ctx, "sts.example"); err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		route, err := r.Lookup(ctx, "sts.example")
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if route.Policy.Kind != PolicyMTASTSEnforce || len(route.Hosts) != 1 || !strings.Contains(route.Policy.Reason, "cached") {
			t.Errorf("%s: policy %+v, hosts %q; want the cached enforce policy", what, route.Policy, hostNames(route))
		}
	}
	// RFC 8461 §5.1: with a valid cached policy, a failed refresh keeps it.
	web.setStatus("mta-sts.sts.example", http.StatusNotFound, "")
	srv.SetZone(strings.Replace(stsZone, "id=one", "id=two", 1))
	check("new id, fetch fails")
	route, err := r.Lookup(ctx, "sts.example")
	if err != nil {
		t.Fatal(err)
	}
	checkSTSFailure(t, "new id, fetch fails, cached policy in force", route, "sts-policy-fetch-error")
	srv.SetZone(strings.Replace(stsZone, `_mta-sts.sts.example.   TXT "v=STSv1; id=one"`, "", 1))
	check("TXT record removed")
	srv.SetFault("_mta-sts.sts.example.", dns.TypeTXT, resolvertest.ServFail)
	check("TXT lookup fails")
	// Until the cached policy expires.
	clock.advance(24 * time.Hour)
	route, err = r.Lookup(ctx, "sts.example")
	if err != nil {
		t.Fatal(err)
	}
	if route.Policy.Kind != PolicyNone || route.Policy.MTASTS != nil {
		t.Errorf("after max_age: policy %+v, want none", route.Policy)
	}
}

func TestMTASTSFetchFailures(t *testing.T) {
	big := "version: STSv1\nmode: enforce\nmx: *.sts.example\nmax_age: 600\nx: " + strings.Repeat("a", MaxPolicySize) + "\n"
	tests := []struct {
		name   string
		setup  func(t *testing.T, web *stsWeb)
		reason string
		result string // RFC 8460 §4.3.2.2
	}{
		{"not found", func(t *testing.T, web *stsWeb) {
			web.setStatus("mta-sts.sts.example", http.StatusNotFound, "")
		}, "404", "sts-policy-fetch-error"},
		{"redirect not followed", func(t *testing.T, web *stsWeb) {
			web.setStatus("mta-sts.sts.example", http.StatusMovedPermanently, "https://mta-sts.sts.example/other")
		}, "301", "sts-policy-fetch-error"},
		{"invalid policy", func(t *testing.T, web *stsWeb) {
			web.set("mta-sts.sts.example", "version: STSv1\nmode: enforce\n")
		}, "missing", "sts-policy-invalid"},
		{"not text/plain", func(t *testing.T, web *stsWeb) {
			web.setType("mta-sts.sts.example", "text/html; charset=utf-8")
		}, "media type", "sts-policy-invalid"},
		{"policy too large", func(t *testing.T, web *stsWeb) {
			web.set("mta-sts.sts.example", big)
		}, "64 KiB", "sts-policy-invalid"},
		{"certificate for another name", func(t *testing.T, web *stsWeb) {
			web.serve(t, "mta-sts.sts.example", "mta-sts.other.example")
		}, "certificate", "sts-webpki-invalid"},
		{"no server", func(t *testing.T, web *stsWeb) {
			web.mu.Lock()
			delete(web.addrs, "mta-sts.sts.example")
			web.mu.Unlock()
		}, "refused", "sts-policy-fetch-error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, web, clock := stsSetup(t, enforcePolicy)
			tt.setup(t, web)
			route, err := r.Lookup(context.Background(), "sts.example")
			if err != nil {
				t.Fatal(err)
			}
			if route.Policy.Kind != PolicyNone || route.Policy.MTASTS != nil || len(route.Hosts) != 2 ||
				!strings.Contains(route.Policy.Reason, tt.reason) {
				t.Errorf("policy %+v, hosts %q; want none (reason with %q) and both hosts", route.Policy, hostNames(route), tt.reason)
			}
			checkSTSFailure(t, "failed fetch", route, tt.result)
			if n := web.count("mta-sts.sts.example", "/other"); n != 0 {
				t.Errorf("redirect target fetched %d times", n)
			}
			// RFC 8461 §3.3: a failed fetch is not retried for 5 minutes.
			before := web.fetches()
			clock.advance(time.Minute)
			route, _ = r.Lookup(context.Background(), "sts.example")
			if n := web.fetches(); n != before {
				t.Errorf("fetch retried after a minute: %d fetches, want %d", n, before)
			}
			checkSTSFailure(t, "a minute after the failed fetch", route, tt.result)
			web.setStatus("mta-sts.sts.example", 0, "")
			web.set("mta-sts.sts.example", enforcePolicy)
			web.serve(t, "mta-sts.sts.example")
			clock.advance(5 * time.Minute)
			route, err = r.Lookup(context.Background(), "sts.example")
			if err != nil || route.Policy.Kind != PolicyMTASTSEnforce {
				t.Errorf("after 6 minutes and a repaired server: policy %+v, %v; want enforce", route.Policy, err)
			}
			checkSTSFailure(t, "after the repair", route, "")
		})
	}
}

// checkSTSFailure checks the route's MTASTSFailure: of result type want,
// or none for "".
func checkSTSFailure(t *testing.T, what string, route *Route, want string) {
	t.Helper()
	f := route.Policy.MTASTSFailure
	switch {
	case want == "" && f != nil:
		t.Errorf("%s: MTASTSFailure %+v, want none", what, f)
	case want != "" && (f == nil || f.ResultType != want || f.Detail == ""):
		t.Errorf("%s: MTASTSFailure %+v, want result type %s with a detail", what, f, want)
	}
}

func TestMTASTSRecords(t *testing.T) {
	tests := []struct {
		name    string
		records string
		reason  string
	}{
		{"no record", "", "no _mta-sts record"},
		{"two STS records", `_mta-sts.sts.example. TXT "v=STSv1; id=a"
_mta-sts.sts.example. TXT "v=STSv1; id=b"`, "2 v=STSv1 records"},
		{"malformed record", `_mta-sts.sts.example. TXT "v=STSv1; id=bad-id"`, "syntax"},
		{"only other TXT records", `_mta-sts.sts.example. TXT "v=spf1 -all"
_mta-sts.sts.example. TXT "v=STSv10; id=a"`, "0 v=STSv1 records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, srv, web, _ := stsSetup(t, enforcePolicy)
			zone := strings.Replace(stsZone, `_mta-sts.sts.example.   TXT "v=STSv1; id=one"`, tt.records, 1)
			if err := srv.SetZone(zone); err != nil {
				t.Fatal(err)
			}
			route, err := r.Lookup(context.Background(), "sts.example")
			if err != nil {
				t.Fatal(err)
			}
			if route.Policy.Kind != PolicyNone || !strings.Contains(route.Policy.Reason, tt.reason) {
				t.Errorf("policy %+v, want none because %q", route.Policy, tt.reason)
			}
			if n := web.fetches(); n != 0 {
				t.Errorf("%d policy fetches, want 0", n)
			}
		})
	}
}

func TestMTASTSRecordSplitStrings(t *testing.T) {
	r, srv, web, _ := stsSetup(t, enforcePolicy)
	// RFC 8461 §3.1: the strings of one TXT record are concatenated.
	srv.SetZone(strings.Replace(stsZone, `"v=STSv1; id=one"`, `"v=STSv1; " "id=one"`, 1))
	route, err := r.Lookup(context.Background(), "sts.example")
	if err != nil || route.Policy.Kind != PolicyMTASTSEnforce || web.fetches() != 1 {
		t.Errorf("policy %+v, err %v, %d fetches; want enforce", route.Policy, err, web.fetches())
	}
}

func TestMTASTSDisabled(t *testing.T) {
	r, srv, web, _ := stsSetup(t, enforcePolicy)
	r.DisableMTASTS = true
	route, err := r.Lookup(context.Background(), "sts.example")
	if err != nil {
		t.Fatal(err)
	}
	if route.Policy.Kind != PolicyNone || len(route.Hosts) != 2 {
		t.Errorf("policy %+v, hosts %q", route.Policy, hostNames(route))
	}
	if n := srv.Queries("_mta-sts.sts.example.", dns.TypeTXT); n != 0 || web.fetches() != 0 {
		t.Errorf("%d TXT queries and %d fetches with MTA-STS disabled", n, web.fetches())
	}
}

func TestMTASTSImplicitMX(t *testing.T) {
	r, srv, web, _ := stsSetup(t, "")
	srv.Add(`
implicit.example.            A 192.0.2.9
_mta-sts.implicit.example.   TXT "v=STSv1; id=1"
`)
	web.serve(t, "mta-sts.implicit.example")
	web.set("mta-sts.implicit.example", "version: STSv1\nmode: enforce\nmx: mail.implicit.example\nmax_age: 600\n")
	// The implicit MX host is the domain itself, which the policy does not list.
	_, err := r.Lookup(context.Background(), "implicit.example")
	if !errors.Is(err, ErrMTASTSNoMatch) {
		t.Errorf("error %v, want ErrMTASTSNoMatch", err)
	}
}

func TestPolicyCacheBounded(t *testing.T) {
	r, srv, web, _ := stsSetup(t, enforcePolicy)
	r.PolicyCacheSize = 3
	for i := range 6 {
		d := fmt.Sprintf("d%d.example", i)
		srv.Add(fmt.Sprintf("%s. MX 10 mx.%s.\nmx.%s. A 192.0.2.1\n_mta-sts.%s. TXT \"v=STSv1; id=1\"\n", d, d, d, d))
		web.serve(t, "mta-sts."+d)
		web.set("mta-sts."+d, "version: STSv1\nmode: testing\nmx: *."+d+"\nmax_age: 600\n")
		route, err := r.Lookup(context.Background(), d)
		if err != nil || route.Policy.Kind != PolicyMTASTSTesting {
			t.Fatalf("%s: %+v, %v", d, route, err)
		}
	}
	r.mu.Lock()
	n := len(r.sts)
	r.mu.Unlock()
	if n > 3 {
		t.Errorf("policy cache holds %d domains, want at most 3", n)
	}
}

func TestMTASTSConcurrentLookupsFetchOnce(t *testing.T) {
	r, _, web, _ := stsSetup(t, enforcePolicy)
	web.mu.Lock()
	web.delay = 200 * time.Millisecond // every lookup starts while the fetch is under way
	web.mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			route, err := r.Lookup(context.Background(), "sts.example")
			if err == nil && route.Policy.Kind != PolicyMTASTSEnforce {
				err = fmt.Errorf("policy %+v", route.Policy)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := web.fetches(); n != 1 {
		t.Errorf("%d policy fetches for 10 concurrent lookups, want 1", n)
	}
}

func TestMTASTSCanceledFetchNotRemembered(t *testing.T) {
	r, _, web, _ := stsSetup(t, enforcePolicy)
	web.mu.Lock()
	web.delay = 300 * time.Millisecond
	web.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r.Lookup(ctx, "sts.example") // gives up during the fetch
	web.mu.Lock()
	web.delay = 0
	web.mu.Unlock()
	// The server did not fail: the next lookup fetches at once.
	route, err := r.Lookup(context.Background(), "sts.example")
	if err != nil || route.Policy.Kind != PolicyMTASTSEnforce {
		t.Errorf("after a canceled fetch: policy %+v, %v; want enforce", route.Policy, err)
	}
}

func TestHTTPClientDefaults(t *testing.T) {
	var r Router
	c := r.httpClient()
	tr, ok := c.Transport.(*http.Transport)
	if !ok || c.Timeout <= 0 || c.CheckRedirect == nil || c.Jar != nil {
		t.Fatalf("default client %+v: want a transport, a timeout, redirects refused, no cookies", c)
	}
	if tr.TLSClientConfig == nil || tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.MinVersion < tls.VersionTLS12 {
		t.Errorf("default TLS config %+v: want verified TLS 1.2 or later", tr.TLSClientConfig)
	}
	if err := c.CheckRedirect(nil, nil); err != http.ErrUseLastResponse {
		t.Errorf("CheckRedirect = %v, want http.ErrUseLastResponse", err)
	}

	mine := &http.Client{Timeout: time.Second}
	r2 := Router{HTTPClient: mine}
	if c := r2.httpClient(); c == mine || c.CheckRedirect == nil || c.Timeout != time.Second {
		t.Errorf("given client not copied with redirects refused: %+v", c)
	}
	if mine.CheckRedirect != nil {
		t.Error("the caller's client was modified")
	}
}

// TestPolicyDialResolver: the default policy client resolves the policy
// host through the Router's Resolver, not the system's: the name exists
// only on the test server, and the connection reaches the listener it
// names.
func TestPolicyDialResolver(t *testing.T) {
	srv := resolvertest.New(t, `
mta-sts.example.test.  A  127.0.0.1
mta-sts.v6.example.test. AAAA ::1
mta-sts.v6.example.test. A 127.0.0.1
`)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	r := &Router{Resolver: srv.Client()}
	c, err := r.dial(context.Background(), "tcp", net.JoinHostPort("mta-sts.example.test", port))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.Close()
	if srv.Queries("mta-sts.example.test", dns.TypeA) == 0 {
		t.Error("the policy host was not looked up on the Router's resolver")
	}
	if _, err := r.dial(context.Background(), "tcp", net.JoinHostPort("nowhere.example.test", port)); err == nil || !strings.Contains(err.Error(), "no such domain") {
		t.Errorf("unknown host: %v, want the resolver's NXDOMAIN", err)
	}
	// With PreferIPv6 the IPv6 address is tried first; nothing listens
	// on [::1], so the IPv4 address is tried next.
	r6 := &Router{Resolver: srv.Client(), PreferIPv6: true}
	if c, err := r6.dial(context.Background(), "tcp", net.JoinHostPort("mta-sts.v6.example.test", port)); err != nil {
		t.Errorf("dial with PreferIPv6: %v", err)
	} else {
		c.Close()
	}
	if r.httpClient().Transport.(*http.Transport).DialContext == nil {
		t.Error("the default policy client does not dial through the Router")
	}
}

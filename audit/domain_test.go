package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// newDNS serves zone for the test (resolvertest retries a taken port
// pair itself).
func newDNS(tb testing.TB, zone string) *resolvertest.Server { return resolvertest.New(tb, zone) }

// client is a resolver asking srv, caching unless told not to.
func client(srv *resolvertest.Server, cache bool) *resolver.Client {
	c := srv.Client()
	c.Timeout = 5 * time.Second
	if !cache {
		c.CacheSize = -1
	}
	return c
}

// keyTXT returns the DKIM key record of pub, split into 255-byte strings.
func keyTXT(t *testing.T, k string, der []byte) string {
	t.Helper()
	rec := fmt.Sprintf("v=DKIM1; k=%s; p=%s", k, base64.StdEncoding.EncodeToString(der))
	var parts []string
	for len(rec) > 255 {
		parts, rec = append(parts, `"`+rec[:255]+`"`), rec[255:]
	}
	return strings.Join(append(parts, `"`+rec+`"`), " ")
}

func rsaKeyTXT(t *testing.T, bits int) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return keyTXT(t, "rsa", der)
}

// stsServer serves an MTA-STS policy over HTTPS with a certificate valid
// for *.example.com, and returns a Router whose HTTP client reaches it for
// any name (the names are still verified against the certificate).
func stsServer(t *testing.T, r *resolvertest.Server, policy string) *mx.Router {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/.well-known/mta-sts.txt" {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "text/plain") // RFC 8461 §3.2
		fmt.Fprint(w, policy)
	}))
	t.Cleanup(srv.Close)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	return &mx.Router{Resolver: client(r, true), HTTPClient: &http.Client{Transport: tr}}
}

func TestDomainGoodDomain(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	zone := fmt.Sprintf(`
example.com.            MX  10 mail.example.com.
example.com.            TXT "v=spf1 ip4:192.0.2.0/24 -all"
mail.example.com.       A   127.0.0.1
_dmarc.example.com.     TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com,mailto:agg@reports.example.net"
example.com._report._dmarc.reports.example.net. TXT "v=DMARC1"
s2026._domainkey.example.com. TXT %s
ed._domainkey.example.com.    TXT %s
_mta-sts.example.com.   TXT "v=STSv1; id=20261123"
mta-sts.example.com.    A   127.0.0.1
_smtp._tls.example.com. TXT "v=TLSRPTv1; rua=mailto:tls@example.com"
`, rsaKeyTXT(t, 2048), keyTXT(t, "ed25519", pub))
	srv := newDNS(t, zone)
	router := stsServer(t, srv, "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n")
	fs, err := Domain(context.Background(), client(srv, true), "example.com", Options{Selectors: []string{"s2026", "ed"}, Router: router})
	if err != nil {
		t.Fatal(err)
	}
	onlyInfo(t, fs, "dmarc", "spf", "dkim", "mx", "mta-sts")
	want := []string{"2048-bit RSA key at s2026._domainkey.example.com", "Ed25519 key at ed._domainkey.example.com", "MTA-STS in enforce mode", "mail hosts: mail.example.com"}
	for _, w := range want {
		if !hasFinding(fs, "", finding.Info, w) {
			t.Errorf("no finding %q", w)
		}
	}
}

// onlyInfo fails unless every finding is informational and each check
// given has one.
func onlyInfo(t *testing.T, fs []finding.Finding, checks ...string) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range fs {
		seen[f.Check] = true
		if f.Severity != finding.Info {
			t.Errorf("unexpected finding: %s", f)
		}
	}
	for _, c := range checks {
		if !seen[c] {
			t.Errorf("no %s finding in %v", c, fs)
		}
	}
}

func hasFinding(fs []finding.Finding, check string, sev finding.Severity, substr string) bool {
	for _, f := range fs {
		if (check == "" || f.Check == check) && f.Severity == sev && strings.Contains(f.Message, substr) {
			return true
		}
	}
	return false
}

func TestDomainFindings(t *testing.T) {
	base := `
example.com.        MX  10 mail.example.com.
mail.example.com.   A   127.0.0.1
example.com.        TXT "v=spf1 mx -all"
`
	good := `_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"` + "\n"
	rsa1024 := rsaKeyTXT(t, 1024)
	tests := []struct {
		name      string
		zone      string
		selectors []string
		check     string
		sev       finding.Severity
		msg       string
	}{
		{"no DMARC record", base, nil, "dmarc", finding.Error, "no DMARC record applies"},
		{"two DMARC records", base + good + `_dmarc.example.com. TXT "v=DMARC1; p=none"`, nil, "dmarc", finding.Error, "2 DMARC records"},
		{"lower-case version", base + `_dmarc.example.com. TXT "v=dmarc1; p=reject"`, nil, "dmarc", finding.Error, "not a valid DMARC record"},
		{"p=none", base + `_dmarc.example.com. TXT "v=DMARC1; p=none; rua=mailto:d@example.com"`, nil, "dmarc", finding.Warning, "monitoring only"},
		{"pct", base + `_dmarc.example.com. TXT "v=DMARC1; p=reject; pct=20; rua=mailto:d@example.com"`, nil, "dmarc", finding.Warning, "pct=20"},
		{"unknown tag", base + `_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:d@example.com; pc=100"`, nil, "dmarc", finding.Warning, `unknown tag "pc"`},
		{"no rua", base + `_dmarc.example.com. TXT "v=DMARC1; p=reject"`, nil, "dmarc", finding.Warning, "no rua"},
		{"unauthorized external rua", base + `_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:x@reports.example.net"`, nil, "dmarc", finding.Error, "is not authorized"},
		{"sp=none", base + `_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com"`, nil, "dmarc", finding.Warning, "sp=none"},
		{"subdomain policy from the parent", base + `_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"
mail.example.com. MX 10 mail.example.com.`, nil, "dmarc", finding.Info, "the record of example.com applies"},
		{"no SPF", strings.Replace(base, `example.com.        TXT "v=spf1 mx -all"`, "", 1) + good, nil, "spf", finding.Error, "publishes no SPF record"},
		{"SPF +all", strings.Replace(base, "-all", "+all", 1) + good, nil, "spf", finding.Error, "+all"},
		{"DKIM key missing", base + good, []string{"s1"}, "dkim", finding.Error, "no DKIM key at s1._domainkey.example.com"},
		{"DKIM key revoked", base + good + `s1._domainkey.example.com. TXT "v=DKIM1; p="`, []string{"s1"}, "dkim", finding.Error, "revoked"},
		{"DKIM 1024-bit key", base + good + "s1._domainkey.example.com. TXT " + rsa1024, []string{"s1"}, "dkim", finding.Warning, "1024-bit RSA key"},
		{"DKIM key testing", base + good + `s1._domainkey.example.com. TXT "v=DKIM1; t=y; k=ed25519; p=` + base64.StdEncoding.EncodeToString(make([]byte, 32)) + `"`, []string{"s1"}, "dkim", finding.Warning, "testing mode"},
		{"DKIM key garbage", base + good + `s1._domainkey.example.com. TXT "v=DKIM1; p=AAAA"`, []string{"s1"}, "dkim", finding.Error, "does not parse"},
		{"no selectors", base + good, nil, "dkim", finding.Info, "no DKIM selectors given"},
		{"null MX", strings.Replace(base, "MX  10 mail.example.com.", "MX 0 .", 1) + good, nil, "mx", finding.Warning, "null MX"},
		{"implicit MX", strings.Replace(base, "example.com.        MX  10 mail.example.com.", "example.com. A 127.0.0.1", 1) + good, nil, "mx", finding.Warning, "implicit MX"},
		{"no MTA-STS", base + good, nil, "mta-sts", finding.Info, "no MTA-STS"},
		{"MTA-STS record without policy", base + good + `_mta-sts.example.com. TXT "v=STSv1; id=1"
mta-sts.example.com. A 127.0.0.1`, nil, "mta-sts", finding.Error, "the policy is unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newDNS(t, tt.zone)
			// A real refused connection for the policy fetch: a listener
			// closed before use.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			router := &mx.Router{Resolver: client(srv, true), HTTPClient: &http.Client{Transport: &http.Transport{
				DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
					return (&net.Dialer{}).DialContext(ctx, network, addr)
				},
			}}}
			domain := "example.com"
			if strings.HasPrefix(tt.name, "subdomain") {
				domain = "mail.example.com"
			}
			fs, err := Domain(context.Background(), client(srv, true), domain, Options{Selectors: tt.selectors, Router: router})
			if err != nil {
				t.Fatal(err)
			}
			if !hasFinding(fs, tt.check, tt.sev, tt.msg) {
				var b strings.Builder
				for _, f := range fs {
					b.WriteString("\n  " + f.String())
				}
				t.Fatalf("no %s %s finding containing %q; got:%s", tt.sev, tt.check, tt.msg, b.String())
			}
			for _, f := range fs {
				if f.Severity != finding.Info && f.Fix == "" {
					t.Errorf("finding without a fix: %s", f)
				}
				if strings.ContainsAny(f.Fix, "\r\n") {
					t.Errorf("fix is not one line: %q", f.Fix)
				}
			}
		})
	}
}

func TestDomainMTASTSMismatch(t *testing.T) {
	zone := `
example.com.            MX  10 mail.example.com.
example.com.            MX  20 backup.example.org.
mail.example.com.       A   127.0.0.1
backup.example.org.     A   127.0.0.1
example.com.            TXT "v=spf1 mx -all"
_dmarc.example.com.     TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"
_mta-sts.example.com.   TXT "v=STSv1; id=1"
mta-sts.example.com.    A   127.0.0.1
`
	srv := newDNS(t, zone)
	router := stsServer(t, srv, "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 86400\n")
	fs, err := Domain(context.Background(), client(srv, true), "example.com", Options{Router: router})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		check string
		sev   finding.Severity
		msg   string
	}{
		{"mta-sts", finding.Info, "testing mode"},
		{"mta-sts", finding.Error, "backup.example.org does not match"},
		{"tls-rpt", finding.Warning, "no TLS-RPT record"},
	} {
		if !hasFinding(fs, w.check, w.sev, w.msg) {
			t.Errorf("no %s %s finding %q in %v", w.sev, w.check, w.msg, fs)
		}
	}
}

func TestDomainInvalidDomain(t *testing.T) {
	srv := newDNS(t, `example.com. TXT "x"`)
	if _, err := Domain(context.Background(), client(srv, true), "exa mple..com", Options{}); !errors.Is(err, ErrInvalidDomain) {
		t.Error("invalid domain accepted")
	}
}

// TestDomainOneRootCause: a domain that does not exist, or whose DNS does
// not answer, gives one finding, not one per check.
func TestDomainOneRootCause(t *testing.T) {
	srv := newDNS(t, `
example.com. TXT "v=spf1 -all"
slow.example.com. TXT "v=spf1 -all"
`)
	srv.SetFault("slow.example.com.", 0, resolvertest.Timeout)
	r := client(srv, true)
	r.Timeout = 200 * time.Millisecond
	for _, tt := range []struct {
		domain string
		sev    finding.Severity
		msg    string
	}{
		{"nowhere.example.com", finding.Error, "nowhere.example.com does not exist (NXDOMAIN)"},
		{"slow.example.com", finding.Warning, "slow.example.com could not be looked up, so nothing was checked"},
	} {
		fs, err := Domain(context.Background(), r, tt.domain, Options{Selectors: []string{"s1"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].Check != "dns" || fs[0].Severity != tt.sev || !strings.Contains(fs[0].Message, tt.msg) || fs[0].Fix == "" {
			t.Errorf("%s: findings %v; want one %s dns finding %q with a fix", tt.domain, fs, tt.sev, tt.msg)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// TestNoSuchDomain: a domain that does not exist is one finding, not one
// per check.
func TestNoSuchDomain(t *testing.T) {
	srv := zone(t)
	var out, errw bytes.Buffer
	err := run(context.Background(), []string{"-json", "-dns", srv.Addr(), "nowhere.example", "-selector", "s1"}, &out, &errw)
	if !errors.Is(err, errProblems) {
		t.Fatalf("run: %v", err)
	}
	var rep jsonReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Errors != 1 || !strings.Contains(rep.Findings[0].Finding, "does not exist") {
		t.Errorf("findings %+v, want one error saying the domain does not exist", rep.Findings)
	}
}

// TestEveryLookupToTheGivenServer: with -dns, no name is resolved by any
// other server, the MTA-STS policy host's address included. The standard
// library's resolver is replaced for the test by one that records every
// query it would send; resolver.Client asks only the servers it is given.
func TestEveryLookupToTheGivenServer(t *testing.T) {
	srv := resolvertest.New(t, `
sts.example.         TXT "v=spf1 -all"
_dmarc.sts.example.  TXT "v=DMARC1; p=reject; rua=mailto:d@sts.example"
sts.example.         MX  10 mx.sts.example.
mx.sts.example.      A   127.0.0.1
_mta-sts.sts.example. TXT "v=STSv1; id=1"
mta-sts.sts.example. A   127.0.0.2
`)
	var mu sync.Mutex
	var leaked []string
	saved := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		leaked = append(leaked, network+" "+address)
		mu.Unlock()
		return nil, errors.New("test: the system resolver must not be used")
	}}
	t.Cleanup(func() { net.DefaultResolver = saved })
	for _, v := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		t.Setenv(v, "")
	}

	var out, errw bytes.Buffer
	err := run(context.Background(), []string{"-dns", srv.Addr(), "sts.example"}, &out, &errw)
	if !errors.Is(err, errProblems) { // the policy cannot be fetched: nothing listens on 127.0.0.2:443
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if leaked != nil {
		t.Errorf("queries went to other servers: %q", leaked)
	}
	if srv.Queries("mta-sts.sts.example", dns.TypeA) == 0 {
		t.Error("the policy host was not resolved on the given server")
	}
	if !tableHas(out.String(), "error", "mta-sts", "127.0.0.2:443") {
		t.Errorf("the policy fetch did not reach the address the given server gave:\n%s", out.String())
	}
}

// TestReady runs the -ready mode on a domain set up as the providers ask
// and on one that is not.
func TestReady(t *testing.T) {
	key, txt := newKey(t)
	srv := resolvertest.New(t, fmt.Sprintf(`
good.example.               TXT "v=spf1 ip4:203.0.113.5 -all"
_dmarc.good.example.        TXT "v=DMARC1; p=none; rua=mailto:d@good.example"
s1._domainkey.good.example. TXT "%s"
mail.good.example.          A   203.0.113.5
5.113.0.203.in-addr.arpa.   PTR mail.good.example.
bad.example.                TXT "v=spf1 -all"
2.0.0.127.bl.test.          A   127.0.0.2
7.113.0.203.bl.test.        A   127.0.0.2
`, txt))
	signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{{Domain: "good.example", Selector: "s1", Signer: key}}})
	if err != nil {
		t.Fatal(err)
	}
	msg := strings.ReplaceAll(`From: news@good.example
To: a@b.example
Subject: hi
Date: Mon, 07 Dec 2026 10:00:00 +0000
Message-ID: <1@good.example>
List-Unsubscribe: <https://good.example/u/1>
List-Unsubscribe-Post: List-Unsubscribe=One-Click

hello
`, "\n", "\r\n")
	sig, err := signer.Sign(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "sample.eml")
	if err := os.WriteFile(file, []byte(sig+msg), 0o600); err != nil {
		t.Fatal(err)
	}

	var out, errw bytes.Buffer
	err = run(context.Background(), []string{"-ready", "-dns", srv.Addr(), "good.example", "-ip", "203.0.113.5=mail.good.example",
		"-message", file, "-bulk", "-zones", "bl.test", "-json"}, &out, &errw)
	if err != nil {
		t.Fatalf("good: %v\n%s%s", err, out.String(), errw.String())
	}
	var rep struct {
		Errors, Warnings int
		Findings         []struct{ Severity, Check, Subject, Finding, Fix, Source string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 0 || rep.Warnings != 0 || len(rep.Findings) < 8 {
		t.Errorf("good: %d errors, %d warnings:\n%s", rep.Errors, rep.Warnings, out.String())
	}

	out.Reset()
	err = run(context.Background(), []string{"-ready", "-dns", srv.Addr(), "bad.example", "-ip", "203.0.113.7=localhost", "-bulk", "-zones", "bl.test"}, &out, &errw)
	if !errors.Is(err, errProblems) {
		t.Fatalf("bad: %v", err)
	}
	got := out.String()
	for _, w := range [][2]string{{"spf", "SPF does not pass for 203.0.113.7"}, {"dmarc", "no usable DMARC record"},
		{"rdns", "203.0.113.7 has no PTR record"}, {"helo", "not a fully qualified domain name"}, {"dnsbl", "203.0.113.7 is listed by bl.test"}} {
		if !tableHas(got, "error", w[0], w[1]) {
			t.Errorf("bad: no %s error %q:\n%s", w[0], w[1], got)
		}
	}
	if !strings.Contains(got, "source: Gmail email sender guidelines") {
		t.Errorf("bad: findings do not cite their sources:\n%s", got)
	}
}

// TestTableWrapAndColour: long findings wrap to the width, continuation
// lines indented under the finding; colour only when asked (a terminal).
func TestTableWrapAndColour(t *testing.T) {
	fs := []finding.Finding{
		{Check: "dmarc", Severity: finding.Error, Message: strings.Repeat("word ", 40) + "https://example.com/" + strings.Repeat("x", 80), Fix: strings.Repeat("fix ", 30), Source: "RFC 9989"},
		{Check: "spf", Severity: finding.Info, Message: "short\x1b[31m"},
	}
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		if err := writeTable(&b, "example.com", fs, 60, color); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "\x1b[31m") {
			t.Errorf("an escape sequence from a finding reached the terminal:\n%q", out)
		}
		if got := strings.Contains(out, "\x1b[1;31merror\x1b[0m"); got != color {
			t.Errorf("colour %v: coloured severity present = %v:\n%s", color, got, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			plain := strings.NewReplacer("\x1b[1;31m", "", "\x1b[2m", "", "\x1b[0m", "").Replace(line)
			if n := utf8.RuneCountInString(plain); n > 60 && !strings.Contains(plain, "https://") {
				t.Errorf("line of %d columns: %q", n, plain)
			}
		}
		if !strings.Contains(out, "\n"+strings.Repeat(" ", 16)+"fix: fix fix") || !strings.Contains(out, "\n"+strings.Repeat(" ", 16)+"source: RFC 9989") {
			t.Errorf("fix and source not under the finding:\n%s", out)
		}
	}
}

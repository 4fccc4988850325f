package audit

import (
	"context"
	"crypto"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/dnsbl"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// readinessZone serves good.example, set up as the providers ask, and
// bad.example, which misses each requirement; 203.0.113.7 (bad's source)
// is on the blocklist bl.test.
func readinessZone(t *testing.T) (*resolvertest.Server, map[string]crypto.Signer) {
	t.Helper()
	keys := map[string]crypto.Signer{}
	var records strings.Builder
	for _, d := range []string{"good.example", "other.example"} {
		k, err := dkim.GenerateKey("rsa")
		if err != nil {
			t.Fatal(err)
		}
		txt, err := dkim.TXTRecord(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		keys[d] = k
		fmt.Fprintf(&records, "s1._domainkey.%s. TXT \"%s\"\n", d, strings.Join(txt, `" "`))
	}
	return resolvertest.New(t, records.String()+`
good.example.               TXT  "v=spf1 ip4:203.0.113.5 -all"
_dmarc.good.example.        TXT  "v=DMARC1; p=none; rua=mailto:dmarc@good.example"
good.example.               MX   10 mail.good.example.
mail.good.example.          A    203.0.113.5
5.113.0.203.in-addr.arpa.   PTR  mail.good.example.
bad.example.                TXT  "v=spf1 ip4:198.51.100.0/24 -all"
bad.example.                MX   10 mail.bad.example.
mail.bad.example.           A    198.51.100.1
7.113.0.203.in-addr.arpa.   PTR  203-0-113-7.pool.isp.example.
other.example.              TXT  "v=spf1 -all"
2.0.0.127.bl.test.          A    127.0.0.2
7.113.0.203.bl.test.        A    127.0.0.2
7.113.0.203.bl.test.        TXT  "listed: see https://bl.test/203.0.113.7"
`), keys
}

// signed returns msg signed with domain's key at s1, with received (a
// receiver's trace field) put before it.
func signed(t *testing.T, keys map[string]crypto.Signer, domain, msg, received string) string {
	t.Helper()
	s, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{{Domain: domain, Selector: "s1", Signer: keys[domain]}}})
	if err != nil {
		t.Fatal(err)
	}
	msg = strings.ReplaceAll(msg, "\n", "\r\n")
	sig, err := s.Sign(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	return received + sig + msg
}

func TestReadinessGood(t *testing.T) {
	srv, keys := readinessZone(t)
	msg := signed(t, keys, "good.example", `From: News <news@good.example>
To: someone@gmail.example
Subject: This week
Date: Mon, 07 Dec 2026 10:00:00 +0000
Message-ID: <20261207100000.1@good.example>
List-Unsubscribe: <mailto:unsub@good.example?subject=u1>, <https://good.example/unsub/u1>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
MIME-Version: 1.0
Content-Type: text/plain

Hello.
`, "Received: from mail.good.example (mail.good.example [203.0.113.5])\r\n\tby mx.gmail.example with ESMTPS id x1;\r\n\tMon, 07 Dec 2026 10:00:01 +0000\r\n")
	bl := &dnsbl.Checker{Resolver: srv.Client(), Zones: []dnsbl.Zone{{Name: "bl.test"}}}
	fs, err := Readiness(context.Background(), srv.Client(), ReadinessInput{
		Domain:     "good.example",
		Sources:    []Source{{IP: netip.MustParseAddr("203.0.113.5"), EHLO: "mail.good.example"}},
		Message:    strings.NewReader(msg),
		Bulk:       true,
		Blocklists: bl,
	})
	if err != nil {
		t.Fatal(err)
	}
	onlyInfo(t, fs, "spf", "dkim", "dmarc", "rdns", "helo", "tls", "unsubscribe", "dnsbl")
	for _, w := range []string{"DKIM signature d=good.example s=s1 verifies and is aligned", "DMARC passes for the sample from every source",
		"one-click unsubscribe (RFC 8058) present and covered", "received from a source over TLS", "SPF passes for 203.0.113.5"} {
		if !hasFinding(fs, "", finding.Info, w) {
			t.Errorf("no finding %q", w)
		}
	}
}

func TestReadinessBroken(t *testing.T) {
	srv, keys := readinessZone(t)
	// Signed by another domain, without Date and Message-ID, with a
	// mailto-only List-Unsubscribe, received without TLS.
	msg := signed(t, keys, "other.example", `From: Offers <offers@bad.example>
To: someone@gmail.example
Subject: Sale
List-Unsubscribe: <mailto:unsub@bad.example>

Buy.
`, "Received: from x ([203.0.113.7]) by mx.gmail.example with ESMTP id y2; Mon, 07 Dec 2026 10:00:01 +0000\r\n")
	bl := &dnsbl.Checker{Resolver: srv.Client(), Zones: []dnsbl.Zone{{Name: "bl.test"}}}
	fs, err := Readiness(context.Background(), srv.Client(), ReadinessInput{
		Domain:     "bad.example",
		Sources:    []Source{{IP: netip.MustParseAddr("203.0.113.7"), EHLO: "localhost"}},
		Message:    strings.NewReader(msg),
		Bulk:       true,
		Blocklists: bl,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ check, msg, source string }{
		{"spf", "SPF does not pass for 203.0.113.7", "support.google.com"},
		{"dkim", "no DKIM signature that verifies has a d= aligned with From bad.example", "RFC 7489"},
		{"dmarc", "bad.example has no usable DMARC record", "senders.yahooinc.com"},
		{"rdns", "does not resolve back to 203.0.113.7", "support.google.com"},
		{"helo", `EHLO name "localhost" is not a fully qualified domain name`, "RFC 5321"},
		{"tls", "received from a source without TLS", "RFC 3848"},
		{"unsubscribe", "List-Unsubscribe has no HTTPS URI", "RFC 8058"},
		{"message", "no Date field", "RFC 5322"},
		{"message", "no Message-ID field", "Gmail"},
		{"dnsbl", "203.0.113.7 is listed by bl.test", ""},
	}
	for _, w := range want {
		found := false
		for _, f := range fs {
			if f.Check == w.check && f.Severity == finding.Error && strings.Contains(f.Message, w.msg) && strings.Contains(f.Source, w.source) {
				found = true
				if f.Fix == "" {
					t.Errorf("no fix: %s", f)
				}
			}
		}
		if !found {
			t.Errorf("no %s error %q citing %q", w.check, w.msg, w.source)
		}
	}
	if t.Failed() || testing.Verbose() {
		for _, f := range fs {
			t.Log(f)
		}
	}
	// The same message from a sender below the bulk threshold: the bulk
	// rules become warnings or notes.
	fs, err = Readiness(context.Background(), srv.Client(), ReadinessInput{
		Domain: "bad.example", Sources: []Source{{IP: netip.MustParseAddr("203.0.113.7")}}, Message: strings.NewReader(msg),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasFinding(fs, "dmarc", finding.Warning, "no usable DMARC record") || !hasFinding(fs, "unsubscribe", finding.Info, "no HTTPS URI") {
		t.Errorf("not bulk: findings %v", fs)
	}
}

// TestReadinessWithoutSample: without a message, DKIM is judged from the
// selectors' keys and SPF alignment from the envelope sender's domain.
func TestReadinessWithoutSample(t *testing.T) {
	srv, _ := readinessZone(t)
	fs, err := Readiness(context.Background(), srv.Client(), ReadinessInput{
		Domain: "good.example", MailFrom: "bounces@other.example", Selectors: []string{"s1"}, Bulk: true,
		Sources: []Source{{IP: netip.MustParseAddr("203.0.113.5")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasFinding(fs, "dkim", finding.Info, "2048-bit RSA key at s1._domainkey.good.example") ||
		!hasFinding(fs, "dmarc", finding.Error, "other.example is not aligned with good.example") ||
		!hasFinding(fs, "spf", finding.Error, "SPF does not pass for 203.0.113.5 sending as bounces@other.example") {
		for _, f := range fs {
			t.Log(f)
		}
		t.Error("findings lack the DKIM key, the alignment error or the SPF failure")
	}
	fs, err = Readiness(context.Background(), srv.Client(), ReadinessInput{Domain: "missing.example"})
	if err != nil || len(fs) != 1 || !strings.Contains(fs[0].Message, "does not exist") {
		t.Errorf("missing domain: %v, %v", fs, err)
	}
}

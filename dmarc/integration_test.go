package dmarc

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/spf"
)

// A message signed by dkim.Signer and checked by spf.Checker and
// dkim.Verifier, all against one resolvertest server, then evaluated.
func TestWithSPFAndDKIM(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	zone := fmt.Sprintf(`
bounce.example.com.           TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.example.com.           TXT "v=DMARC1; p=reject"
s1._domainkey.mail.example.com. TXT "v=DKIM1; k=ed25519; p=%s"
`, base64.StdEncoding.EncodeToString(pub))
	srv, e := newEvaluator(t, zone, TreeWalk)
	r := client(srv, true)

	signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{{Domain: "mail.example.com", Selector: "s1", Signer: priv}}})
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: hi\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nHello.\r\n"
	field, err := signer.Sign(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	signed := field + msg
	if !strings.HasSuffix(field, "\r\n") {
		signed = field + "\r\n" + msg
	}

	for _, tt := range []struct {
		name   string
		ip     string
		body   string
		status Status
		spf    bool
		dkim   bool
	}{
		{"both aligned", "192.0.2.7", signed, StatusPass, true, true},
		{"SPF fails, DKIM carries", "198.51.100.1", signed, StatusPass, false, true},
		{"tampered and from elsewhere", "198.51.100.1", strings.Replace(signed, "Hello.", "Buy now.", 1), StatusFail, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sr := (&spf.Checker{Resolver: r}).Check(context.Background(), spf.Args{IP: netip.MustParseAddr(tt.ip), Helo: "out.example.com", MailFrom: "bounces@bounce.example.com"})
			dr, err := (&dkim.Verifier{Resolver: r}).Verify(context.Background(), bytes.NewReader([]byte(tt.body)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Evaluate(context.Background(), Input{FromDomain: "example.com", SPF: SPFResult(&sr), DKIM: DKIMResults(dr)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.SPFAligned != tt.spf || res.DKIMAligned != tt.dkim {
				t.Errorf("got %s spf=%v dkim=%v; want %s %v %v\n%s", res.Status, res.SPFAligned, res.DKIMAligned, tt.status, tt.spf, tt.dkim, strings.Join(res.Reasons, "\n"))
			}
		})
	}
}

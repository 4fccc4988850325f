package audit_test

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/mxkit/mxkit/audit"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func ExampleDomain() {
	srv, err := resolvertest.Start(`
example.com.        MX  10 mail.example.com.
mail.example.com.   A   192.0.2.25
example.com.        TXT "v=spf1 mx -all"
_dmarc.example.com. TXT "v=DMARC1; p=none; pct=50; rua=mailto:reports@dmarc-vendor.example"
`)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	findings, err := audit.Domain(context.Background(), srv.Client(), "example.com", audit.Options{})
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		if f.Check == "dmarc" && f.Severity > finding.Info {
			fmt.Println(f.Severity, "-", f.Message)
			fmt.Println("  fix:", f.Fix)
		}
	}
	// Output:
	// warning - policy p=none: monitoring only, spoofed mail is not stopped
	//   fix: move to p=quarantine, then p=reject, once reports show all your mail aligned
	// warning - pct=50: removed by RFC 9989 and applied inconsistently by receivers
	//   fix: remove pct; use t=y while testing (RFC 9989 Appendix A.6)
	// error - rua mailto:reports@dmarc-vendor.example is not authorized: external destination without authorization record example.com._report._dmarc.dmarc-vendor.example
	//   fix: have dmarc-vendor.example publish TXT at example.com._report._dmarc.dmarc-vendor.example: "v=DMARC1"
}

func ExampleReadiness() {
	// example.com as a DNS server on loopback sees it: SPF for one
	// address, a DMARC record, reverse DNS; the second address is not in
	// the SPF record and has no PTR record.
	srv, err := resolvertest.Start(`
example.com.               TXT "v=spf1 ip4:192.0.2.25 -all"
_dmarc.example.com.        TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"
mail.example.com.          A   192.0.2.25
25.2.0.192.in-addr.arpa.   PTR mail.example.com.
`)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	findings, err := audit.Readiness(context.Background(), srv.Client(), audit.ReadinessInput{
		Domain: "example.com",
		Sources: []audit.Source{
			{IP: netip.MustParseAddr("192.0.2.25"), EHLO: "mail.example.com"},
			{IP: netip.MustParseAddr("192.0.2.26"), EHLO: "mail.example.com"},
		},
		Bulk: true,
	})
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		if f.Severity == finding.Error {
			fmt.Printf("%s [%s] %s\n  fix: %s\n", f.Check, f.Subject, f.Message, f.Fix)
		}
	}
	// Output:
	// spf [192.0.2.26] SPF does not pass for 192.0.2.26 sending as postmaster@example.com: fail (-all)
	//   fix: add ip4:192.0.2.26 to the SPF record of example.com
	// rdns [192.0.2.26] 192.0.2.26 has no PTR record: receivers refuse or distrust mail from addresses without reverse DNS
	//   fix: ask whoever runs the network of 192.0.2.26 (your hosting provider) to set its PTR record to your mail host's name, and give that name an A record pointing back
}

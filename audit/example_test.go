package audit_test

import (
	"context"
	"fmt"

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

package tlsrpt_test

import (
	"context"
	"fmt"
	"log"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/tlsrpt"
)

// Read a report as it arrives (here bare JSON; gzip files and whole
// messages are read the same way) and list the failures.
func ExampleParseReport() {
	rep, err := tlsrpt.ParseReport(strings.NewReader(`{
	  "organization-name": "Reporter Inc.",
	  "date-range": {"start-datetime": "2026-12-01T00:00:00Z", "end-datetime": "2026-12-01T23:59:59Z"},
	  "contact-info": "tlsrpt@reporter.example",
	  "report-id": "2026-12-01_example.org",
	  "policies": [{
	    "policy": {"policy-type": "sts", "policy-domain": "example.org", "mx-host": ["*.mail.example.org"]},
	    "summary": {"total-successful-session-count": 980, "total-failure-session-count": 20},
	    "failure-details": [{"result-type": "certificate-expired", "receiving-mx-hostname": "mx2.mail.example.org",
	                         "sending-mta-ip": "192.0.2.7", "failed-session-count": 20}]
	  }]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range rep.Policies {
		fmt.Printf("%s %s: %d ok, %d failed\n", p.Policy.Type, p.Policy.Domain,
			p.Summary.TotalSuccessfulSessionCount, p.Summary.TotalFailureSessionCount)
		for _, f := range p.FailureDetails {
			fmt.Printf("  %d× %s at %s from %s\n", f.FailedSessionCount, f.ResultType, f.ReceivingMXHostname, f.SendingMTAIP)
		}
	}
	// Output:
	// sts example.org: 980 ok, 20 failed
	//   20× certificate-expired at mx2.mail.example.org from 192.0.2.7
}

// Count sessions and send the daily reports. A sender feeds the
// Aggregator from smtpclient (see the tlsrptsmtp package), calls Flush
// every minute and SendDue every few minutes.
func ExampleAggregator() {
	dns, err := resolvertest.Start(`_smtp._tls.example.org. TXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.org"`)
	if err != nil {
		log.Fatal(err)
	}
	defer dns.Close()
	dir, err := os.MkdirTemp("", "tlsrpt")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	agg := &tlsrpt.Aggregator{
		OrganizationName: "Sender Inc.",
		ContactInfo:      "tlsrpt@sender.example",
		Store:            &tlsrpt.DirStore{Dir: dir}, // counts survive restarts
	}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	policy := tlsrpt.Policy{Type: tlsrpt.PolicyNone, Domain: "example.org"}
	agg.Add(tlsrpt.Result{Time: day.Add(9 * time.Hour), Policy: policy, MXHost: "mx.example.org", Success: true})
	agg.Add(tlsrpt.Result{Time: day.Add(10 * time.Hour), Policy: policy, MXHost: "mx.example.org",
		ReceivingIP: netip.MustParseAddr("192.0.2.25"), ResultType: tlsrpt.ResultSTARTTLSNotSupported})

	sender := &tlsrpt.Sender{
		Resolver: dns.Client(),
		// The normal sending path: a queue, DKIM signing, delivery.
		SendMail: func(ctx context.Context, from, to string, msg []byte) error {
			fmt.Printf("mail from %s to %s, %t\n", from, to, strings.Contains(string(msg), "report-type=tlsrpt"))
			return nil
		},
	}
	outcomes, err := agg.SendDue(context.Background(), sender, day.Add(27*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range outcomes {
		fmt.Println(o.Domain, o.ReportID, o.Status, o.To)
	}
	// Output:
	// mail from tlsrpt@sender.example to tlsrpt@example.org, true
	// example.org 2026-12-01T00:00:00Z_example.org delivered mailto:tlsrpt@example.org
}

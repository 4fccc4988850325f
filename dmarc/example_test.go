package dmarc_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/emersion/go-msgauth/authres"
	"github.com/mxkit/mxkit/dmarc"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// dnsServer starts a DNS server on loopback serving zone. (Start is retried
// because its random port may be taken on a busy machine.)
func dnsServer(zone string) *resolvertest.Server {
	var err error
	for range 10 {
		var srv *resolvertest.Server
		if srv, err = resolvertest.Start(zone); err == nil {
			return srv
		}
	}
	panic(err)
}

func ExampleEvaluator_Evaluate() {
	// A DNS server on loopback with the records of RFC 9989 Appendix B.4.3.
	srv := dnsServer(`
_dmarc.bank.example.       TXT "v=DMARC1; p=reject; psd=y"
_dmarc.giant.bank.example. TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@giant.bank.example"
`)
	defer srv.Close()

	e := &dmarc.Evaluator{Resolver: srv.Client()} // RFC 9989 tree walk
	res, err := e.Evaluate(context.Background(), dmarc.Input{
		FromDomain: "giant.bank.example",
		SPF:        dmarc.SPFInput{Result: "pass", Domain: "mail.giant.bank.example"},
		DKIM:       []dmarc.DKIMInput{{Domain: "mail.mega.bank.example", Selector: "s1", Result: "pass"}},
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(res.Status, "record at", res.RecordDomain, "org", res.OrgDomain)
	fmt.Println("SPF aligned:", res.SPFAligned, "DKIM aligned:", res.DKIMAligned)
	fmt.Println(authres.Format("mx.example.org", []authres.Result{res.AuthResult()}))
	// Output:
	// pass record at giant.bank.example org giant.bank.example
	// SPF aligned: true DKIM aligned: false
	// mx.example.org; dmarc=pass reason="p=quarantine dis=none" header.from=giant.bank.example
}

func ExampleParse() {
	rec, err := dmarc.Parse("v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:agg@example.com; foo=bar")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.Policy, rec.SubdomainPolicy, rec.NonexistentPolicy, rec.AggregateReports[0].Mailbox())
	fmt.Println(rec.Warnings)
	// Output:
	// reject quarantine reject agg@example.com
	// [unknown tag "foo" ignored]
}

func ExampleAggregator() {
	srv := dnsServer(`_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:agg@example.com"`)
	defer srv.Close()
	e := &dmarc.Evaluator{Resolver: srv.Client()}
	agg := &dmarc.Aggregator{OrgName: "Receiver Example", Email: "dmarc@receiver.example"}

	in := dmarc.Input{FromDomain: "example.com", SPF: dmarc.SPFInput{Result: "fail", Domain: "spoof.example"}}
	res, _ := e.Evaluate(context.Background(), in)
	err := agg.Add(dmarc.Event{Time: time.Unix(1763683200, 0), SourceIP: netip.MustParseAddr("192.0.2.66"), Input: in, Result: res})
	if err != nil {
		panic(err)
	}

	for _, rep := range agg.Flush(time.Unix(1763769600, 0)) {
		rep.Metadata.ReportID = "example-1" // normally random
		rep.WriteTo(os.Stdout)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <feedback>
	//   <report_metadata>
	//     <org_name>Receiver Example</org_name>
	//     <email>dmarc@receiver.example</email>
	//     <report_id>example-1</report_id>
	//     <date_range>
	//       <begin>1763683200</begin>
	//       <end>1763769600</end>
	//     </date_range>
	//   </report_metadata>
	//   <policy_published>
	//     <domain>example.com</domain>
	//     <adkim>r</adkim>
	//     <aspf>r</aspf>
	//     <p>reject</p>
	//     <sp>reject</sp>
	//     <pct>100</pct>
	//     <fo>0</fo>
	//   </policy_published>
	//   <record>
	//     <row>
	//       <source_ip>192.0.2.66</source_ip>
	//       <count>1</count>
	//       <policy_evaluated>
	//         <disposition>reject</disposition>
	//         <dkim>fail</dkim>
	//         <spf>fail</spf>
	//       </policy_evaluated>
	//     </row>
	//     <identifiers>
	//       <envelope_from>spoof.example</envelope_from>
	//       <header_from>example.com</header_from>
	//     </identifiers>
	//     <auth_results>
	//       <spf>
	//         <domain>spoof.example</domain>
	//         <scope>mfrom</scope>
	//         <result>fail</result>
	//       </spf>
	//     </auth_results>
	//   </record>
	// </feedback>
}

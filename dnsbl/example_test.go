package dnsbl_test

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/mxkit/mxkit/dnsbl"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func ExampleChecker_Check() {
	// A DNS server on loopback standing in for the lists' servers.
	srv, err := resolvertest.Start(`
2.0.0.127.zen.spamhaus.org.   A 127.0.0.2
5.113.0.203.zen.spamhaus.org. A 127.0.0.10
7.113.0.203.zen.spamhaus.org. A 127.255.255.254
`)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	c := &dnsbl.Checker{Resolver: srv.Client(), Zones: dnsbl.DefaultZones()[:1]}
	ips := []netip.Addr{netip.MustParseAddr("203.0.113.5"), netip.MustParseAddr("203.0.113.6"), netip.MustParseAddr("203.0.113.7")}
	results, err := c.Check(context.Background(), ips, nil)
	if err != nil {
		panic(err)
	}
	for _, r := range results {
		fmt.Printf("%s %s: %s\n", r.Query, r.Zone, r.Status)
		for _, m := range r.Meanings {
			fmt.Println("  " + m)
		}
	}
	// Output:
	// 203.0.113.5 zen.spamhaus.org: listed
	//   PBL: the ISP says this range should not send mail directly (policy, not abuse)
	// 203.0.113.6 zen.spamhaus.org: not listed
	// 203.0.113.7 zen.spamhaus.org: refused
	//   query refused: sent through a public/open resolver (Spamhaus blocks those; query through your own resolver or the Data Query Service)
}

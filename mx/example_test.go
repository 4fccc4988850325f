package mx_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"strings"

	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func ExampleRouter_Lookup() {
	// A DNS server on loopback stands in for the internet.
	srv, err := resolvertest.Start(`
example.com.       MX 10 mx1.example.com.
example.com.       MX 20 mx2.example.com.
mx1.example.com.   A    192.0.2.1
mx1.example.com.   AAAA 2001:db8::1
mx2.example.com.   A    192.0.2.2
null.example.      MX 0 .
`)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	r := &mx.Router{Resolver: srv.Client()}
	route, err := r.Lookup(context.Background(), "Example.COM.")
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range route.Hosts {
		fmt.Println(h.Pref, h.Name, h.Addrs, h.Policy)
	}
	fmt.Println(route.Policy.Kind, "-", route.Policy.Reason)

	_, err = r.Lookup(context.Background(), "null.example")
	fmt.Println(err, mx.IsPermanent(err))
	// Output:
	// 10 mx1.example.com [192.0.2.1 2001:db8::1] none
	// 20 mx2.example.com [192.0.2.2] none
	// none - no MTA-STS policy: no _mta-sts record
	// mx: domain accepts no mail (null MX): null.example true
}

func ExampleParsePolicy() {
	p, err := mx.ParsePolicy(strings.NewReader("version: STSv1\r\nmode: enforce\r\nmx: *.example.net\r\nmax_age: 604800\r\n"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Mode, p.MX, p.MaxAge)
	fmt.Println(p.Match("mx1.example.net"), p.Match("a.b.example.net"))
	// Output:
	// enforce [*.example.net] 168h0m0s
	// true false
}

// An SMTP client verifies a DANE host after STARTTLS: the PKIX checks do
// not apply (RFC 7672 §3.1), VerifyDANE replaces them.
func ExampleVerifyDANE() {
	var h mx.Host // from a Route, with h.Policy == mx.PolicyDANE
	conf := &tls.Config{
		ServerName:         h.Name,
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return mx.VerifyDANE(h.TLSA, cs, h.Name)
		},
	}
	_ = conf // tls.Client(conn, conf).HandshakeContext(ctx) after "220 Ready to start TLS"
}

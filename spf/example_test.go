package spf_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/spf"
)

func ExampleChecker_Check() {
	srv, err := resolvertest.Start(`
example.com.      TXT "v=spf1 mx include:_spf.example.net -all"
example.com.      MX  10 mx.example.com.
mx.example.com.   A   192.0.2.10
_spf.example.net. TXT "v=spf1 ip4:198.51.100.0/24 -all"
`)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	r := srv.Client() // a *resolver.Client asking srv
	r.Timeout = 2 * time.Second
	c := &spf.Checker{Resolver: r, ReceiverHost: "mx.receiver.example"}
	for _, ip := range []string{"192.0.2.10", "198.51.100.7", "203.0.113.1"} {
		res := c.Check(context.Background(), spf.Args{
			IP:       netip.MustParseAddr(ip),
			Helo:     "mail.example.com",
			MailFrom: "alice@example.com",
		})
		fmt.Println(ip, res.Status, res.Mechanism, res.Lookups)
	}
	// Output:
	// 192.0.2.10 pass mx 1
	// 198.51.100.7 pass include:_spf.example.net 2
	// 203.0.113.1 fail -all 2
}

func ExampleParse() {
	_, err := spf.Parse("v=spf1 ip4:192.0.2.0/33 -all")
	var se *spf.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Pos, se.Term, se.Msg)
	}
	// Output: 7 ip4:192.0.2.0/33 invalid ip4 prefix length
}

func ExampleLint() {
	srv, err := resolvertest.Start(`example.com. TXT "v=spf1 ptr +all"`)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	r := srv.Client()
	r.Timeout = 2 * time.Second
	findings, err := spf.Lint(context.Background(), r, "example.com")
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f.Severity, f.Message)
	}
	// Output:
	// warning example.com: ptr is slow and unreliable and SHOULD NOT be used (RFC 7208 §5.5)
	// error example.com: "+all" authorizes every host on the Internet to send as example.com
}

func ExampleResult_ReceivedSPF() {
	res := spf.Result{
		Status: spf.Softfail, Identity: "mailfrom", Sender: "bob@example.org", Helo: "client.example.org",
		IP: netip.MustParseAddr("203.0.113.9"), Receiver: "mx.example.com", Mechanism: "~all",
	}
	fmt.Println("Received-SPF: " + res.ReceivedSPF())
	// Output: Received-SPF: softfail (mx.example.com: domain of transitioning bob@example.org does not designate 203.0.113.9 as permitted sender) client-ip=203.0.113.9; envelope-from="bob@example.org"; helo=client.example.org; receiver=mx.example.com; identity=mailfrom; mechanism="~all"
}

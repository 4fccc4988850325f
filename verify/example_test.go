package verify_test

import (
	"context"
	"fmt"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/verify"
)

func ExampleChecker_Check() {
	// A DNS server on loopback stands in for the Internet.
	dns, err := resolvertest.Start(`
gmail.com.       MX 5 mx.gmail.com.
mx.gmail.com.    A  142.250.102.26
shop.com.        MX 10 mx.shop.com.
mx.shop.com.     A  45.33.10.1
closed.com.      MX 0 .
`)
	if err != nil {
		panic(err)
	}
	defer dns.Close()

	c := &verify.Checker{
		Resolver: dns.Client(), // in production: &resolver.Client{}
		Suppressions: verify.SuppressionsFunc(func(ctx context.Context, a address.Address) (string, bool, error) {
			return "hard bounce 2026-05-01", a.String() == "gone@shop.com", nil
		}),
	}
	for _, addr := range []string{"jane@shop.com", "info@shop.com", "jane@gmial.com", "jane@closed.com", "gone@shop.com", "jane@example.com", "jane..doe@shop.com"} {
		r := c.Check(context.Background(), addr)
		fmt.Printf("%-19s %-13s %v", addr, r.Verdict, r.Reasons)
		if r.Suggestion != "" {
			fmt.Printf(" → %s", r.Suggestion)
		}
		fmt.Println()
	}
	// Output:
	// jane@shop.com       deliverable   []
	// info@shop.com       risky         [role: RFC 2142 §3]
	// jane@gmial.com      undeliverable [no_such_domain: gmial.com does not exist (NXDOMAIN) typo: did you mean gmail.com?] → jane@gmail.com
	// jane@closed.com     undeliverable [null_mx: closed.com publishes a null MX: it accepts no mail (RFC 7505)]
	// gone@shop.com       undeliverable [suppressed: hard bounce 2026-05-01]
	// jane@example.com    undeliverable [reserved_domain: RFC 2606 §3, RFC 6761 §6.5: reserved for documentation]
	// jane..doe@shop.com  undeliverable [syntax: misplaced dot in local part]
}

func ExampleChecker_CheckAll() {
	dns, err := resolvertest.Start(`
shop.com.      MX 10 mx.shop.com.
mx.shop.com.   A  45.33.10.1
`)
	if err != nil {
		panic(err)
	}
	defer dns.Close()
	c := &verify.Checker{Resolver: dns.Client(), Concurrency: 8}
	// shop.com is looked up once for the three addresses.
	for _, r := range c.CheckAll(context.Background(), []string{"a@shop.com", "b@shop.com", "noreply@shop.com", "c@shop.con"}) {
		if r.Suggestion != "" {
			fmt.Println(r.Input, r.Verdict, "→ did you mean", r.Suggestion)
			continue
		}
		fmt.Println(r.Input, r.Verdict)
	}
	// Output:
	// a@shop.com deliverable
	// b@shop.com deliverable
	// noreply@shop.com risky
	// c@shop.con undeliverable → did you mean c@shop.com
}

package address_test

import (
	"errors"
	"fmt"

	"github.com/mxkit/mxkit/address"
)

func ExampleParse() {
	a, err := address.Parse("Jörg.Müller@Bücher.DE")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Local, a.Domain.ASCII(), a.Domain.Unicode(), a.NeedsSMTPUTF8())

	_, err = address.Parse("victim@example.com\r\nRCPT TO:<other@example.net>")
	var ae *address.Error
	fmt.Println(errors.Is(err, address.ErrInvalid), errors.As(err, &ae) && ae.Reason != "")
	// Output:
	// Jörg.Müller xn--bcher-kva.de bücher.de true
	// true true
}

func ExampleParseDomain() {
	for _, s := range []string{"Example.COM.", "faß.de", "[IPv6:2001:DB8::1]", "192.0.2.1"} {
		d, err := address.ParseDomain(s)
		if err != nil {
			fmt.Println("refused:", s)
			continue
		}
		fmt.Println(d, d.Unicode(), d.Literal().IsValid())
	}
	// Output:
	// example.com example.com false
	// xn--fa-hia.de faß.de false
	// [IPv6:2001:db8::1] [IPv6:2001:db8::1] true
	// refused: 192.0.2.1
}

package resolver_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func Example() {
	// A real DNS server on loopback, serving a small zone.
	srv, err := resolvertest.Start(`
example.com.    IN MX 10 mx.example.com.
mx.example.com. IN A  192.0.2.25
`)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	r := &resolver.Client{Servers: []string{srv.Addr()}}
	ctx := context.Background()
	mxs, _, err := r.LookupMX(ctx, "example.com")
	fmt.Println(mxs, err)

	_, _, err = r.LookupMX(ctx, "nonexistent.example.com")
	fmt.Println(errors.Is(err, resolver.ErrNXDomain), resolver.IsTemporary(err))
	// Output:
	// [{mx.example.com 10}] <nil>
	// true false
}

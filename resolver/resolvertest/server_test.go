package resolvertest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func TestZoneErrors(t *testing.T) {
	if _, err := resolvertest.Start("example.com. IN A not-an-address\n"); err == nil {
		t.Error("bad zone text accepted")
	}
}

func TestWildcardAndReplace(t *testing.T) {
	srv := resolvertest.New(t, `
*.wild.example.  IN TXT "wild"
exact.wild.example. IN A 192.0.2.1
`)
	c := srv.Client()
	c.CacheSize = -1
	ctx := context.Background()
	txt, _, err := c.LookupTXT(ctx, "anything.wild.example")
	if err != nil || len(txt) != 1 || txt[0] != "wild" {
		t.Errorf("wildcard: %q, %v", txt, err)
	}
	// An existing name does not match the wildcard (RFC 4592 §2.2).
	if _, _, err := c.LookupTXT(ctx, "exact.wild.example"); !errors.Is(err, resolver.ErrNoData) {
		t.Errorf("exact name under a wildcard: %v, want NODATA", err)
	}
	if err := srv.SetZone("other.example. IN TXT \"x\"\n"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.LookupTXT(ctx, "anything.wild.example"); !errors.Is(err, resolver.ErrNXDomain) {
		t.Errorf("after SetZone: %v, want NXDOMAIN", err)
	}
	if n := srv.Queries("anything.wild.example", dns.TypeTXT); n != 2 {
		t.Errorf("Queries = %d, want 2", n)
	}
	if srv.TotalQueries() != 3 {
		t.Errorf("TotalQueries = %d, want 3", srv.TotalQueries())
	}
}

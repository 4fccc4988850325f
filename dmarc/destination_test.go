package dmarc

import (
	"context"
	"testing"

	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func TestDestinations(t *testing.T) {
	zone := `
_dmarc.example.com. TXT "v=DMARC1; p=reject"
example.com._report._dmarc.thirdparty.example.net. TXT "v=DMARC1"
example.com._report._dmarc.wrong.example.org.      TXT "v=spf1 -all"
`
	srv, e := newEvaluator(t, zone, TreeWalk)
	rec, err := Parse("v=DMARC1; p=reject; rua=mailto:d@example.com,mailto:agg@thirdparty.example.net,mailto:x@wrong.example.org,mailto:y@none.example,https://r.example/up,mailto:z@mail.example.com")
	if err != nil {
		t.Fatal(err)
	}
	dsts, err := e.Destinations(context.Background(), "example.com", rec.AggregateReports)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		authorized, external bool
	}{{true, false}, {true, true}, {false, true}, {false, true}, {false, false}, {true, false}}
	if len(dsts) != len(want) {
		t.Fatalf("%d destinations", len(dsts))
	}
	for i, w := range want {
		if dsts[i].Authorized != w.authorized || dsts[i].External != w.external {
			t.Errorf("%s: authorized %v external %v (%s); want %v %v", dsts[i].URI.Address, dsts[i].Authorized, dsts[i].External, dsts[i].Reason, w.authorized, w.external)
		}
	}
	if n := srv.Queries("example.com._report._dmarc.d.example.com", 0); n != 0 {
		t.Error("internal destination looked up")
	}

	srv.SetFault("example.com._report._dmarc.thirdparty.example.net.", 0, resolvertest.ServFail)
	e.Resolver = client(srv, false)
	dsts, err = e.Destinations(context.Background(), "example.com", rec.AggregateReports[1:2])
	if err == nil || dsts[0].Authorized {
		t.Errorf("SERVFAIL: authorized %v, err %v; want unauthorized and an error", dsts[0].Authorized, err)
	}
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/bounce"
)

// TestQuickstart runs the demo on loopback and checks that every recipient
// ended as its sink rule says (checkDesign), and that the receiving side
// saw SPF, DKIM and DMARC pass on every message.
func TestQuickstart(t *testing.T) {
	var out, errw bytes.Buffer
	rep, err := run(context.Background(), config{n: 60, workers: 4, from: "news@shop.example"}, &out, &errw)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if !rep.asDesigned {
		t.Fatalf("the run did not go as designed:\n%s", out.String())
	}
	if rep.sent != 45 || rep.failed != 15 {
		t.Errorf("sent %d, failed %d; want 45 and 15", rep.sent, rep.failed)
	}
	if rep.reasons[bounce.UserUnknown] != 3 || len(rep.suppress) != 9 {
		t.Errorf("reasons %v, suppressed %d; want 3 userunknown and 9 hard bounces", rep.reasons, len(rep.suppress))
	}
	if !strings.Contains(out.String(), "DMARC map[pass:45]") {
		t.Errorf("receiving side did not pass DMARC for every message:\n%s", out.String())
	}
}

// TestProgressPlain: written to something that is not a terminal, the
// progress is plain lines at each quarter, without carriage returns.
func TestProgressPlain(t *testing.T) {
	var b strings.Builder
	p := newProgress(&b, 100)
	for i := int64(1); i <= 100; i++ {
		p.set(i)
	}
	p.finish()
	if strings.Contains(b.String(), "\r") || strings.Count(b.String(), "\n") != 5 {
		t.Errorf("progress wrote %q, want five plain lines", b.String())
	}
}

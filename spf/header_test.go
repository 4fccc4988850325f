package spf

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/authres"
	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func TestReceivedSPF(t *testing.T) {
	c, _ := newTestChecker(t, checkZone)
	res := c.Check(context.Background(), Args{IP: netip.MustParseAddr("192.0.2.77"), Helo: "client.example", MailFrom: "joe@ip.test"})
	got := res.ReceivedSPF()
	want := `pass (mx.receiver.test: domain of joe@ip.test designates 192.0.2.77 as permitted sender) client-ip=192.0.2.77; envelope-from="joe@ip.test"; helo=client.example; receiver=mx.receiver.test; identity=mailfrom; mechanism="ip4:192.0.2.0/24"`
	if got != want {
		t.Errorf("ReceivedSPF:\n got %s\nwant %s", got, want)
	}

	res = c.Check(context.Background(), Args{IP: netip.MustParseAddr("192.0.2.1"), Helo: "client.example", MailFrom: "a@multi.test"})
	if got := res.ReceivedSPF(); !strings.HasPrefix(got, "permerror (") || !strings.Contains(got, `problem="spf: multi.test: more than one SPF record"`) {
		t.Errorf("permerror ReceivedSPF: %s", got)
	}
}

func TestReceivedSPFRefusesLineBreaks(t *testing.T) {
	// Identities come from the SMTP client: CR, LF and other controls
	// must not reach the header (header injection).
	r := Result{Status: Fail, Identity: "mailfrom", Sender: "a\r\nX-Evil: 1@example.com", Helo: "x\r\ny", IP: netip.MustParseAddr("192.0.2.1"),
		Mechanism: `-all"(`}
	got := r.ReceivedSPF()
	if strings.ContainsAny(got, "\r\n") {
		t.Fatalf("line break in %q", got)
	}
	if !strings.Contains(got, `envelope-from="a??X-Evil: 1@example.com"`) || !strings.Contains(got, `helo="x??y"`) || !strings.Contains(got, `mechanism="-all\"("`) {
		t.Errorf("ReceivedSPF: %s", got)
	}
	ar := r.AuthResult()
	if strings.ContainsAny(ar.From+ar.Helo, "\r\n") {
		t.Errorf("line break in %+v", ar)
	}
}

func TestAuthResult(t *testing.T) {
	c, srv := newTestChecker(t, checkZone)
	srv.SetFault("servfail.test", dns.TypeTXT, resolvertest.ServFail)
	tests := []struct {
		from string
		ip   string
		want authres.ResultValue
	}{
		{"joe@ip.test", "192.0.2.1", authres.ResultPass},
		{"joe@ip.test", "198.51.100.1", authres.ResultFail},
		{"joe@inc.test", "198.51.100.1", authres.ResultSoftFail},
		{"joe@neutral.test", "198.51.100.1", authres.ResultNeutral},
		{"joe@nothing.test", "198.51.100.1", authres.ResultNone},
		{"joe@servfail.test", "198.51.100.1", authres.ResultTempError},
		{"joe@multi.test", "198.51.100.1", authres.ResultPermError},
	}
	for _, tt := range tests {
		res := c.Check(context.Background(), Args{IP: netip.MustParseAddr(tt.ip), Helo: "client.example", MailFrom: tt.from})
		ar := res.AuthResult()
		if ar.Value != tt.want || ar.From != tt.from || ar.Helo != "client.example" {
			t.Errorf("%s from %s: %+v, want %s", tt.from, tt.ip, ar, tt.want)
		}
		// The entry survives a trip through the header format.
		_, results, err := authres.Parse(authres.Format("mx.receiver.test", []authres.Result{ar}))
		if err != nil || len(results) != 1 {
			t.Fatalf("authres round trip: %v %v", results, err)
		}
		if back := results[0].(*authres.SPFResult); back.Value != ar.Value || back.From != ar.From {
			t.Errorf("round trip gave %+v, want %+v", back, ar)
		}
	}
	res := c.CheckHelo(context.Background(), Args{IP: netip.MustParseAddr("192.0.2.50"), Helo: "mail.helo.test"})
	if ar := res.AuthResult(); ar.Value != authres.ResultPass || ar.From != "" || ar.Helo != "mail.helo.test" {
		t.Errorf("HELO entry %+v", ar)
	}
}

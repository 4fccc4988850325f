package spf

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// macroEval returns an eval for the RFC 7208 §7.4 example: sender
// strong-bad@email.example.com from ip, with the PTR of 192.0.2.3 and
// 2001:db8::cb01 served by a resolvertest server.
func macroEval(t testing.TB, ip string) *eval {
	srv := resolvertest.New(t, `
3.2.0.192.in-addr.arpa. PTR mx.example.org.
1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR mx.example.org.
mx.example.org. A 192.0.2.3
mx.example.org. AAAA 2001:db8::cb01
`)
	client := srv.Client()
	client.Timeout = 2 * time.Second
	c := &Checker{
		Resolver:     client,
		ReceiverHost: "mx.receiver.example",
		Now:          func() time.Time { return time.Unix(1700000000, 0) },
	}
	c.init()
	return &eval{
		c: c, r: c.res, ip: netip.MustParseAddr(ip).Unmap(),
		sender: "strong-bad@email.example.com", local: "strong-bad", senderDomain: "email.example.com",
		helo: "helo.example.net",
	}
}

func TestMacroExpansion(t *testing.T) {
	// RFC 7208 §7.4, then the other letters of §7.3.
	tests := []struct {
		in, want string
		explain  bool
	}{
		{"%{s}", "strong-bad@email.example.com", false},
		{"%{o}", "email.example.com", false},
		{"%{d}", "email.example.com", false},
		{"%{d4}", "email.example.com", false},
		{"%{d3}", "email.example.com", false},
		{"%{d2}", "example.com", false},
		{"%{d1}", "com", false},
		{"%{dr}", "com.example.email", false},
		{"%{d2r}", "example.email", false},
		{"%{l}", "strong-bad", false},
		{"%{l-}", "strong.bad", false},
		{"%{lr}", "strong-bad", false},
		{"%{lr-}", "bad.strong", false},
		{"%{l1r-}", "strong", false},
		{"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com", false},
		{"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com", false},
		{"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com", false},
		{"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com", false},
		{"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net", false},
		{"%{h}", "helo.example.net", false},
		{"%{p}", "mx.example.org", false},
		{"%{i}", "192.0.2.3", false},
		{"%% %_ %-", "%   %20", true},
		{"%{c} %{r} %{t}", "192.0.2.3 mx.receiver.example 1700000000", true},
		{"%{S}", "strong-bad%40email.example.com", false},
		{"%{L}", "strong-bad", false},
		{"%{l+-=}", "strong.bad", false},
		{"%{d999}", "email.example.com", false},
	}
	e := macroEval(t, "192.0.2.3")
	for _, tt := range tests {
		got, err := e.expand(context.Background(), nil, tt.in, e.senderDomain, tt.explain)
		if err != nil || string(got) != tt.want {
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMacroExpansionIPv6(t *testing.T) {
	e := macroEval(t, "2001:db8::cb01")
	tests := []struct{ in, want string }{
		{"%{ir}.%{v}._spf.%{d2}", "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"},
		{"%{c}", "2001:db8::cb01"},
		{"%{p}", "mx.example.org"},
	}
	for _, tt := range tests {
		got, err := e.expand(context.Background(), nil, tt.in, e.senderDomain, true)
		if err != nil || string(got) != tt.want {
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMacroPWithoutValidName(t *testing.T) {
	e := macroEval(t, "192.0.2.99") // no PTR
	got, err := e.expand(context.Background(), nil, "%{p}", e.senderDomain, false)
	if err != nil || string(got) != "unknown" {
		t.Errorf("%%{p} = %q, %v; want unknown (RFC 7208 §7.3)", got, err)
	}
}

func TestMacroSyntaxErrors(t *testing.T) {
	e := macroEval(t, "192.0.2.3")
	for _, in := range []string{"%", "%x", "%{", "%{d", "%{q}", "%{d0}", "%{dx}", "%{r}", "a b", "caf\xc3\xa9"} {
		if _, err := e.expand(context.Background(), nil, in, "example.com", false); err == nil {
			t.Errorf("expand(%q) gave no error", in)
		}
	}
}

func TestTruncateDomain(t *testing.T) {
	long := strings.Repeat("abcdefghi.", 30) + "example.com" // 311 bytes
	got := truncateDomain(long + ".")
	if len(got) > 253 || !strings.HasSuffix(got, ".example.com") || strings.HasPrefix(got, ".") {
		t.Errorf("truncateDomain gave %d bytes: %q", len(got), got)
	}
	if got := truncateDomain("example.com."); got != "example.com" {
		t.Errorf("trailing dot kept: %q", got)
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{
		"%{ir}.%{v}._spf.%{d2}", "%{lr-}.lp._spf.%{d2}", "%{S}%{L}%{O}", "%% %_ %-", "%{c} %{r} %{t}",
		"%{l2r+-}.user.%{d2}", "%{p}", "%{d999r}", "%{h}.%{i}", "%", "%{",
	} {
		f.Add(s, "local.part+tag@example.com", "192.0.2.1", true)
	}
	f.Fuzz(func(t *testing.T, s, sender, ipText string, explain bool) {
		ip, err := netip.ParseAddr(ipText)
		if err != nil {
			ip = netip.MustParseAddr("2001:db8::1")
		}
		c := &Checker{Now: func() time.Time { return time.Unix(0, 0) }}
		local, domain, _ := strings.Cut(sender, "@")
		// ptrDone with a name: %{p} needs no DNS here.
		e := &eval{c: c, ip: ip.Unmap(), sender: sender, local: local, senderDomain: domain, helo: "h.example",
			ptrDone: true, ptrNames: []string{"ptr.example"}}
		out, err := e.expand(context.Background(), nil, s, domain, explain)
		_, msg := checkMacroString(s, explain, explain)
		if (err == nil) != (msg == "") {
			t.Fatalf("expand and checkMacroString disagree on %q: %v / %q", s, err, msg)
		}
		if err == nil && !strings.Contains(s, "%") && string(out) != s {
			t.Fatalf("literal %q expanded to %q", s, out)
		}
	})
}

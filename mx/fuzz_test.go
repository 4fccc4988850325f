package mx

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 86400\r\n",
		"version: STSv1\nmode: none\nmax_age: 0",
		"version: STSv1\nmode: testing\nmx: a.example\nmax_age: 9999999999\nx-ext: v a l\n",
		"version: STSv1\n\nmode: enforce\nmode: none\nmx: A.EXAMPLE.\nmax_age: 1\n",
		"version:STSv1\rmode:enforce",
		"mx: *.*.example\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePolicy(strings.NewReader(s))
		if err != nil {
			if p != nil {
				t.Fatal("policy and error both returned")
			}
			return
		}
		if p.Version != "STSv1" || (p.Mode != ModeEnforce && p.Mode != ModeTesting && p.Mode != ModeNone) {
			t.Fatalf("bad version or mode: %+v", p)
		}
		if p.MaxAge < 0 || p.MaxAge.Seconds() > maxMaxAge || (len(p.MX) == 0 && p.Mode != ModeNone) {
			t.Fatalf("bad max_age or mx: %+v", p)
		}
		for _, m := range p.MX {
			if why := checkHostname(strings.TrimPrefix(m, "*.")); why != "" {
				t.Fatalf("invalid mx %q accepted: %s", m, why)
			}
		}
		// What was parsed, written out again, parses to the same policy.
		var b strings.Builder
		fmt.Fprintf(&b, "version: %s\r\nmode: %s\r\nmax_age: %d\r\n", p.Version, p.Mode, int64(p.MaxAge.Seconds()))
		for _, m := range p.MX {
			fmt.Fprintf(&b, "mx: %s\r\n", m)
		}
		q, err := ParsePolicy(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("re-parsing %q: %v", b.String(), err)
		}
		if q.Mode != p.Mode || q.MaxAge != p.MaxAge || !slices.Equal(q.MX, p.MX) {
			t.Fatalf("round trip %+v != %+v", q, p)
		}
	})
}

func FuzzParseRecord(f *testing.F) {
	for _, s := range []string{
		"v=STSv1; id=20160831085700Z;",
		"v=STSv1;id=abc;ext=x",
		"v=STSv1 ; id=abc ;",
		"v=STSv1; id=;",
		"v=STSv10",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseRecord(s)
		if err != nil {
			return
		}
		if !isSTSRecord(s) {
			t.Fatalf("parsed %q, which is not an STS record", s)
		}
		if id == "" || len(id) > 32 || !isAlnum(id) {
			t.Fatalf("bad id %q from %q", id, s)
		}
	})
}

func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{
		"example.com", "EXAMPLE.com.", "Bücher.example", "xn--bcher-kva.example", "[192.0.2.1]",
		"[IPv6:2001:db8::1]", "[ipv6:::ffff:1.2.3.4]", "a..b", "[foo:bar]", "xn--zz", "ＥＸＡＭＰＬＥ.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, addr, err := normalizeDomain(s)
		if err != nil {
			return
		}
		if !addr.IsValid() {
			if why := checkHostname(name); why != "" {
				t.Fatalf("%q normalised to invalid %q: %s", s, name, why)
			}
		}
		// Normalising is idempotent.
		name2, addr2, err := normalizeDomain(name)
		if err != nil || name2 != name || addr2 != addr {
			t.Fatalf("%q -> %q -> %q, %v, %v", s, name, name2, addr2, err)
		}
	})
}

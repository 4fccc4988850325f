package address

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestParseDomain pins the domain rules every mxkit package shares.
func TestParseDomain(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	name253 := strings.Repeat(label63+".", 3) + strings.Repeat("b", 61) // 4*64-3 = 253
	for _, tc := range []struct {
		name, in     string
		ascii, uni   string // "" ascii: refused
		single       bool
		literal      string
		reasonSubstr string
	}{
		// Case and trailing dot.
		{name: "lower", in: "example.com", ascii: "example.com", uni: "example.com"},
		{name: "upper", in: "ExAmPlE.COM", ascii: "example.com", uni: "example.com"},
		{name: "trailing dot", in: "example.com.", ascii: "example.com", uni: "example.com"},
		{name: "two trailing dots", in: "example.com..", reasonSubstr: "empty label"},
		{name: "leading dot", in: ".example.com", reasonSubstr: "empty label"},
		{name: "root alone", in: ".", reasonSubstr: "empty domain"},
		{name: "empty", in: "", reasonSubstr: "empty domain"},
		// Single-label names are syntax; IsSingleLabel tells.
		{name: "single label", in: "localhost", ascii: "localhost", uni: "localhost", single: true},
		{name: "single label dot", in: "LOCALHOST.", ascii: "localhost", uni: "localhost", single: true},
		// IDNA: UTS #46 non-transitional.
		{name: "U-label", in: "bücher.de", ascii: "xn--bcher-kva.de", uni: "bücher.de"},
		{name: "U-label upper", in: "BÜCHER.DE", ascii: "xn--bcher-kva.de", uni: "bücher.de"},
		{name: "A-label", in: "xn--bcher-kva.de", ascii: "xn--bcher-kva.de", uni: "bücher.de"},
		{name: "A-label upper", in: "XN--BCHER-KVA.DE", ascii: "xn--bcher-kva.de", uni: "bücher.de"},
		{name: "sharp s non-transitional", in: "faß.de", ascii: "xn--fa-hia.de", uni: "faß.de"},
		{name: "final sigma kept", in: "ς.gr", ascii: "xn--3xa.gr", uni: "ς.gr"},
		{name: "full-width mapped", in: "ｅｘａｍｐｌｅ．ｃｏｍ", ascii: "example.com", uni: "example.com"},
		{name: "ideographic full stop", in: "例子。广告", ascii: "xn--fsqu00a.xn--4rr70v", uni: "例子.广告"},
		{name: "IDN with trailing dot", in: "münchen.de.", ascii: "xn--mnchen-3ya.de", uni: "münchen.de"},
		{name: "bad A-label", in: "xn--abc.de", reasonSubstr: "internationalised"},
		{name: "A-label with trailing hyphen", in: "xn--bcher-kva-.de", reasonSubstr: "internationalised"},
		{name: "hyphens 3-4 in ASCII label", in: "r3---sn.example.com", ascii: "r3---sn.example.com", uni: "r3---sn.example.com"},
		{name: "hyphens 3-4 beside an IDN", in: "ab--c.bücher.de", ascii: "ab--c.xn--bcher-kva.de", uni: "ab--c.bücher.de"},
		{name: "RTL Bidi rule", in: "a\u05d0.example", reasonSubstr: "internationalised"},
		{name: "invalid UTF-8", in: "ex\xffample.com", reasonSubstr: "UTF-8"},
		// Syntax.
		{name: "underscore", in: "_dmarc.example.com", reasonSubstr: "not allowed"},
		{name: "space", in: "exa mple.com", reasonSubstr: "not allowed"},
		{name: "NUL", in: "example.com\x00", reasonSubstr: "control"},
		{name: "CRLF", in: "example.com\r\nMAIL", reasonSubstr: "control"},
		{name: "leading hyphen", in: "-example.com", reasonSubstr: "hyphen"},
		{name: "trailing hyphen", in: "example-.com", reasonSubstr: "hyphen"},
		{name: "inner hyphen", in: "ex-ample.com", ascii: "ex-ample.com", uni: "ex-ample.com"},
		{name: "numeric labels", in: "123.example.com", ascii: "123.example.com", uni: "123.example.com"},
		{name: "numeric top label", in: "192.0.2.1", reasonSubstr: "all digits"},
		{name: "numeric single label", in: "12345", reasonSubstr: "all digits"},
		// Length limits.
		{name: "label 63", in: label63 + ".com", ascii: label63 + ".com", uni: label63 + ".com"},
		{name: "label 64", in: label63 + "a.com", reasonSubstr: "63 octets"},
		{name: "name 253", in: name253, ascii: name253, uni: name253},
		{name: "name 253 with dot", in: name253 + ".", ascii: name253, uni: name253},
		{name: "name 254", in: "a" + name253, reasonSubstr: "253 octets"},
		// Address literals.
		{name: "IPv4 literal", in: "[192.0.2.1]", ascii: "[192.0.2.1]", uni: "[192.0.2.1]", literal: "192.0.2.1"},
		{name: "IPv6 literal", in: "[ipv6:2001:DB8:0::1]", ascii: "[IPv6:2001:db8::1]", uni: "[IPv6:2001:db8::1]", literal: "2001:db8::1"},
		{name: "IPv4 in IPv6 tag", in: "[IPv6:192.0.2.1]", reasonSubstr: "IPv6"},
		{name: "IPv6 without tag", in: "[2001:db8::1]", reasonSubstr: "only IPv4 and IPv6"},
		{name: "bad IPv4 literal", in: "[300.0.2.1]", reasonSubstr: "IPv4"},
		{name: "zone in literal", in: "[IPv6:fe80::1%eth0]", reasonSubstr: "IPv6"},
		{name: "unclosed literal", in: "[192.0.2.1", reasonSubstr: "closing bracket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDomain(tc.in)
			if tc.ascii == "" {
				var ae *Error
				if !errors.As(err, &ae) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("ParseDomain(%q) = %q, %v; want an *Error", tc.in, d.ASCII(), err)
				}
				if !strings.Contains(ae.Reason, tc.reasonSubstr) {
					t.Errorf("reason %q, want it to mention %q", ae.Reason, tc.reasonSubstr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDomain(%q): %v", tc.in, err)
			}
			if d.ASCII() != tc.ascii || d.Unicode() != tc.uni || d.String() != tc.ascii {
				t.Errorf("ParseDomain(%q) = %q / %q, want %q / %q", tc.in, d.ASCII(), d.Unicode(), tc.ascii, tc.uni)
			}
			if d.IsSingleLabel() != tc.single {
				t.Errorf("IsSingleLabel = %v, want %v", d.IsSingleLabel(), tc.single)
			}
			if got := d.Literal(); (tc.literal == "" && got.IsValid()) || (tc.literal != "" && got.String() != tc.literal) {
				t.Errorf("Literal = %v, want %q", got, tc.literal)
			}
			// Canonical: parsing the ASCII or Unicode form gives the same Domain.
			for _, again := range []string{d.ASCII(), d.Unicode()} {
				if d2, err := ParseDomain(again); err != nil || d2 != d {
					t.Errorf("ParseDomain(%q) = %+v, %v; want %+v", again, d2, err, d)
				}
			}
		})
	}
}

// TestParse pins the mailbox rules (RFC 5321 §4.1.2, RFC 6531 §3.3).
func TestParse(t *testing.T) {
	local64 := strings.Repeat("l", 64)
	long := local64 + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 61) // 64+1+189 = 254
	for _, tc := range []struct {
		name, in      string
		local, domain string // "" local: refused
		utf8          bool
		reasonSubstr  string
	}{
		{name: "plain", in: "user@example.com", local: "user", domain: "example.com"},
		{name: "local case kept, domain lowered", in: "John.Doe+Tag@Example.COM", local: "John.Doe+Tag", domain: "example.com"},
		{name: "atext specials", in: "!#$%&'*+-/=?^_`{|}~@example.com", local: "!#$%&'*+-/=?^_`{|}~", domain: "example.com"},
		{name: "quoted with space", in: `"john doe"@example.com`, local: `"john doe"`, domain: "example.com"},
		{name: "quoted at sign", in: `"a@b"@example.com`, local: `"a@b"`, domain: "example.com"},
		{name: "quoted pair", in: `"a\"b"@example.com`, local: `"a\"b"`, domain: "example.com"},
		{name: "quoted dots", in: `"a..b."@example.com`, local: `"a..b."`, domain: "example.com"},
		{name: "UTF-8 local", in: "用户@例子.广告", local: "用户", domain: "xn--fsqu00a.xn--4rr70v", utf8: true},
		{name: "UTF-8 quoted", in: `"ü ü"@example.com`, local: `"ü ü"`, domain: "example.com", utf8: true},
		{name: "IDN domain only", in: "info@bücher.de", local: "info", domain: "xn--bcher-kva.de"},
		{name: "IPv4 literal", in: "postmaster@[192.0.2.1]", local: "postmaster", domain: "[192.0.2.1]"},
		{name: "IPv6 literal", in: "a@[IPv6:2001:db8::1]", local: "a", domain: "[IPv6:2001:db8::1]"},
		{name: "single-label domain", in: "root@localhost", local: "root", domain: "localhost"},
		{name: "64-octet local", in: local64 + "@example.com", local: local64, domain: "example.com"},
		{name: "254 octets", in: long, local: local64, domain: long[65:]},

		{name: "empty", in: "", reasonSubstr: "empty address"},
		{name: "no at", in: "user.example.com", reasonSubstr: "no @"},
		{name: "no local", in: "@example.com", reasonSubstr: "empty local"},
		{name: "no domain", in: "user@", reasonSubstr: "empty domain"},
		{name: "two at", in: "a@b@example.com", reasonSubstr: "not allowed"},
		{name: "two dots", in: "a..b@example.com", reasonSubstr: "dot"},
		{name: "leading dot", in: ".a@example.com", reasonSubstr: "dot"},
		{name: "trailing dot local", in: "a.@example.com", reasonSubstr: "dot"},
		{name: "trailing dot domain", in: "a@example.com.", reasonSubstr: "ends with a dot"},
		{name: "two dots domain", in: "a@example..com", reasonSubstr: "empty label"},
		{name: "65-octet local", in: local64 + "l@example.com", reasonSubstr: "64 octets"},
		{name: "255 octets", in: long + "f", reasonSubstr: "254 octets"},
		{name: "255-octet domain", in: "a@" + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 63) + "." + strings.Repeat("g", 62), reasonSubstr: "254 octets"},
		{name: "space", in: "john doe@example.com", reasonSubstr: "not allowed"},
		{name: "CRLF in local", in: "a\r\nRCPT TO:<b>@example.com", reasonSubstr: "control"},
		{name: "LF in domain", in: "a@example.com\nDATA", reasonSubstr: "control"},
		{name: "NUL", in: "a\x00@example.com", reasonSubstr: "control"},
		{name: "DEL", in: "a\x7f@example.com", reasonSubstr: "control"},
		{name: "C1 control", in: "a\u0085@example.com", reasonSubstr: "control"},
		{name: "NUL in quotes", in: "\"a\x00\"@example.com", reasonSubstr: "control"},
		{name: "CR in quotes", in: "\"a\r\"@example.com", reasonSubstr: "control"},
		{name: "NUL behind backslash", in: "\"\\\x00\"@example.com", reasonSubstr: "control"},
		{name: "CR behind backslash", in: "\"\\\r\"@example.com", reasonSubstr: "control"},
		{name: "angle bracket quoted", in: `"a>b"@example.com`, reasonSubstr: "angle bracket"},
		{name: "angle bracket escaped", in: `"a\>"@example.com`, reasonSubstr: "quoted pair"},
		{name: "angle bracket bare", in: "a<b@example.com", reasonSubstr: "not allowed"},
		{name: "unterminated quote", in: `"abc@example.com`, reasonSubstr: "unterminated"},
		{name: "empty quotes", in: `""@example.com`, reasonSubstr: "empty quoted"},
		{name: "text after quote", in: `"a"b@example.com`, reasonSubstr: "no @"},
		{name: "dangling backslash", in: `"a\`, reasonSubstr: "backslash"},
		{name: "invalid UTF-8", in: "a\xff@example.com", reasonSubstr: "UTF-8"},
		{name: "underscore domain", in: "a@ex_ample.com", reasonSubstr: "not allowed"},
		{name: "numeric domain", in: "a@192.0.2.1", reasonSubstr: "all digits"},
		{name: "bad literal", in: "a@[192.0.2.256]", reasonSubstr: "IPv4"},
		{name: "display name", in: "Joe <joe@example.com>", reasonSubstr: "not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse(tc.in)
			if tc.local == "" {
				var ae *Error
				if !errors.As(err, &ae) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse(%q) = %q, %v; want an *Error", tc.in, a, err)
				}
				if !strings.Contains(ae.Reason, tc.reasonSubstr) {
					t.Errorf("reason %q, want it to mention %q", ae.Reason, tc.reasonSubstr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if a.Local != tc.local || a.Domain.ASCII() != tc.domain {
				t.Errorf("Parse(%q) = %q @ %q, want %q @ %q", tc.in, a.Local, a.Domain.ASCII(), tc.local, tc.domain)
			}
			if a.NeedsSMTPUTF8() != tc.utf8 {
				t.Errorf("NeedsSMTPUTF8 = %v, want %v", a.NeedsSMTPUTF8(), tc.utf8)
			}
			if a2, err := Parse(a.String()); err != nil || a2 != a {
				t.Errorf("Parse(String()) = %+v, %v; want %+v", a2, err, a)
			}
		})
	}
}

func TestTextMarshal(t *testing.T) {
	var d Domain
	if err := d.UnmarshalText([]byte("Bücher.de")); err != nil || d.ASCII() != "xn--bcher-kva.de" {
		t.Fatalf("UnmarshalText: %v %q", err, d)
	}
	if b, _ := d.MarshalText(); string(b) != "xn--bcher-kva.de" {
		t.Errorf("MarshalText = %q", b)
	}
	var a Address
	if err := a.UnmarshalText([]byte("a\r\n@example.com")); !errors.Is(err, ErrInvalid) {
		t.Errorf("UnmarshalText of a bad address: %v", err)
	}
	if !a.IsZero() {
		t.Errorf("a bad address changed the value: %+v", a)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"user@example.com", `"a b"@[IPv6:2001:db8::1]`, "用户@例子.广告", "a@xn--bcher-kva.de",
		"\"\\\x00\"@x", "a@b.", "a@[1.2.3.4]", "x@ｅｘａｍｐｌｅ．ｃｏｍ", "a@faß.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		out := a.String()
		if len(a.Local) > maxLocal || len(a.Domain.ASCII()) > maxDomain || !utf8.ValidString(out) {
			t.Fatalf("Parse(%q) accepted %q beyond the limits", s, out)
		}
		for _, r := range out {
			if isControl(r) || r == '<' || r == '>' {
				t.Fatalf("Parse(%q) accepted %q with %q", s, out, r)
			}
		}
		// Canonical forms parse again to the same value (an IDN domain may
		// make the ASCII form longer than the input, past 254 octets).
		if len(out) <= maxAddress {
			if a2, err := Parse(out); err != nil || a2 != a {
				t.Fatalf("Parse(%q) = %+v; Parse(%q) = %+v, %v", s, a, out, a2, err)
			}
		}
		if d2, err := ParseDomain(a.Domain.Unicode()); err != nil || d2 != a.Domain {
			t.Fatalf("domain %q does not round-trip through %q: %+v, %v", a.Domain.ASCII(), a.Domain.Unicode(), d2, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("john.doe+news@mail.example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

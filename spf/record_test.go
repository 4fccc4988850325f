package spf

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, record string
		check        func(t *testing.T, r *Record)
	}{
		{"version only (§4.5)", "v=spf1", func(t *testing.T, r *Record) {
			if len(r.Directives) != 0 {
				t.Errorf("directives %v", r.Directives)
			}
		}},
		{"version case-insensitive, trailing and repeated spaces (§4.5, §4.6.1)", "V=SpF1  a   -all ", func(t *testing.T, r *Record) {
			if len(r.Directives) != 2 || r.Directives[1].Qualifier != '-' || r.Directives[1].Mechanism != MechAll {
				t.Errorf("directives %+v", r.Directives)
			}
		}},
		{"qualifiers (§4.6.2)", "v=spf1 +a -mx ~ptr ?all", func(t *testing.T, r *Record) {
			want := []Status{Pass, Fail, Softfail, Neutral}
			for i, d := range r.Directives {
				if d.status() != want[i] {
					t.Errorf("%s: status %v, want %v", d.Text, d.status(), want[i])
				}
			}
		}},
		{"dual CIDR on a and mx (§5.6)", "v=spf1 a:mail.example.com/24//64 mx//48 a/0", func(t *testing.T, r *Record) {
			d := r.Directives
			if d[0].Domain != "mail.example.com" || d[0].V4Len != 24 || d[0].V6Len != 64 {
				t.Errorf("a: %+v", d[0])
			}
			if d[1].Domain != "" || d[1].V4Len != -1 || d[1].V6Len != 48 {
				t.Errorf("mx: %+v", d[1])
			}
			if d[2].V4Len != 0 || d[2].V6Len != -1 {
				t.Errorf("a/0: %+v", d[2])
			}
		}},
		{"ip4 and ip6 networks (§5.6)", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip4:192.0.2.1 ip6:::ffff:1.2.3.4", func(t *testing.T, r *Record) {
			want := []string{"192.0.2.0/24", "2001:db8::/32", "192.0.2.1/32", "::ffff:1.2.3.4/128"}
			for i, d := range r.Directives {
				if d.Net.String() != want[i] {
					t.Errorf("%s: net %s, want %s", d.Text, d.Net, want[i])
				}
			}
		}},
		{"modifiers (§6)", "v=spf1 -all exp=explain.%{d} Redirect=_spf.example.com moo.cow-far_out=man:dog/cat", func(t *testing.T, r *Record) {
			if r.Exp != "explain.%{d}" || r.Redirect != "_spf.example.com" {
				t.Errorf("exp %q redirect %q", r.Exp, r.Redirect)
			}
			if len(r.Modifiers) != 1 || r.Modifiers[0].Name != "moo.cow-far_out" || r.Modifiers[0].Value != "man:dog/cat" {
				t.Errorf("modifiers %+v", r.Modifiers)
			}
		}},
		{"domain-spec with macros and odd literals (§7.1)", "v=spf1 exists:%{ir}.%{l1r-}.lp._spf.%{d2} a:foo:bar/baz.example.com include:%{d}. a:foo.xn--zckzah", func(t *testing.T, r *Record) {
			if r.Directives[1].Domain != "foo:bar/baz.example.com" {
				t.Errorf("domain %q", r.Directives[1].Domain)
			}
		}},
		{"mechanism names are case-insensitive", "v=spf1 IP4:192.0.2.1 Include:example.com MX -ALL", func(t *testing.T, r *Record) {
			if r.Directives[2].Mechanism != MechMX || r.Directives[3].Mechanism != MechAll {
				t.Errorf("%+v", r.Directives)
			}
		}},
		{"unknown modifier with an empty value", "v=spf1 default= -all", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.record)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.record, err)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
			// The normal form parses to the same record.
			r2, err := Parse(r.String())
			if err != nil || r2.String() != r.String() {
				t.Errorf("String %q does not round-trip: %v", r.String(), err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, record string
		pos          int
		term         string
	}{
		{"not SPF (§4.5)", "v=spf10 -all", 0, ""},
		{"no space after version", "v=spf1-all", 0, ""},
		{"unknown mechanism (§4.6.1)", "v=spf1 a moo", 9, "moo"},
		{"error after a match is still an error (§4.6)", "v=spf1 ip4:1.2.3.4 -all moo", 24, "moo"},
		{"control character between terms (§4.6.1)", "v=spf1 a:ctrl.example.com\rptr -all", 7, "a:ctrl.example.com\rptr"},
		{"non-ASCII (§3.1)", "v=spf1 a:example.net \x96all", 21, "\x96all"},
		{"all with argument (§5.1)", "v=spf1 -all:foobar", 7, "-all:foobar"},
		{"all with CIDR", "v=spf1 -all/8", 7, "-all/8"},
		{"all with a dot", "v=spf1 -all.", 7, "-all."},
		{"include without domain (§5.2)", "v=spf1 include -all", 7, "include"},
		{"include with empty domain", "v=spf1 include: -all", 7, "include:"},
		{"include with CIDR", "v=spf1 include:example.com/24", 7, "include:example.com/24"},
		{"ip4 CIDR over 32 (§5.6)", "v=spf1 ip4:1.2.3.4/33", 7, "ip4:1.2.3.4/33"},
		{"ip4 CIDR leading zero", "v=spf1 ip4:1.2.3.4/032", 7, "ip4:1.2.3.4/032"},
		{"ip4 short address", "v=spf1 ip4:1.2.3", 7, "ip4:1.2.3"},
		{"ip4 with port", "v=spf1 ip4:1.2.3.4:8080", 7, "ip4:1.2.3.4:8080"},
		{"ip4 dual CIDR", "v=spf1 ip4:1.2.3.4//32", 7, "ip4:1.2.3.4//32"},
		{"ip4 holding IPv6", "v=spf1 ip4:2001:db8::1", 7, "ip4:2001:db8::1"},
		{"ip6 CIDR over 128", "v=spf1 ip6:::1/129", 7, "ip6:::1/129"},
		{"ip6 bad address", "v=spf1 ip6::CAFE::BABE", 7, "ip6::CAFE::BABE"},
		{"bare ip6", "v=spf1 -all ip6", 12, "ip6"},
		{"a CIDR over 32 (§5.3)", "v=spf1 a/33", 7, "a/33"},
		{"a IPv6 CIDR over 128", "v=spf1 a//129", 7, "a//129"},
		{"a with two single-slash CIDRs", "v=spf1 a/24/64", 7, "a/24/64"},
		{"a numeric top label (§7.1)", "v=spf1 a:111.222.33.44", 7, "a:111.222.33.44"},
		{"a top label only", "v=spf1 a:museum", 7, "a:museum"},
		{"a top label starting with a dash", "v=spf1 a:example.-com", 7, "a:example.-com"},
		{"a with port", "v=spf1 a:example.com:8080", 7, "a:example.com:8080"},
		{"a with NUL", "v=spf1 a:foo.example.com\x00", 7, "a:foo.example.com\x00"},
		{"ptr with CIDR (§5.5)", "v=spf1 ptr/0 -all", 7, "ptr/0"},
		{"exists without domain (§5.7)", "v=spf1 exists", 7, "exists"},
		{"redirect twice (§6)", "v=spf1 redirect=a.example.com redirect=b.example.com", 30, "redirect=b.example.com"},
		{"exp twice", "v=spf1 exp=a.example.com exp=b.example.com", 25, "exp=b.example.com"},
		{"empty exp", "v=spf1 exp= -all", 7, "exp="},
		{"empty redirect", "v=spf1 ?all redirect=", 12, "redirect="},
		{"redirect as a mechanism", "v=spf1 redirect:example.com", 7, "redirect:example.com"},
		{"modifier name starting with a digit", "v=spf1 1up=foo", 7, "1up=foo"},
		{"empty modifier name", "v=spf1 =all", 7, "=all"},
		{"modifier name with slash", "v=spf1 moo.cow/far_out=man:dog/cat", 7, "moo.cow/far_out=man:dog/cat"},
		{"unknown modifier with bad macro", "v=spf1 -all foo=%abc", 12, "foo=%abc"},
		{"invalid macro character (§7.1)", "v=spf1 exists:%(ir).sbl.example.com", 7, "exists:%(ir).sbl.example.com"},
		{"percent before a dot", "v=spf1 exists:foo%.sbl.example.com", 7, "exists:foo%.sbl.example.com"},
		{"unknown macro letter", "v=spf1 a:%{a}.example.com", 7, "a:%{a}.example.com"},
		{"explanation-only letter in a domain", "v=spf1 -all exp=%{r}.example.com", 12, "exp=%{r}.example.com"},
		{"zero digit transformer", "v=spf1 exists:%{d0}.example.com", 7, "exists:%{d0}.example.com"},
		{"unterminated macro", "v=spf1 exists:%{d", 7, "exists:%{d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.record)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tt.record, r, err)
			}
			if se.Pos != tt.pos || se.Term != tt.term {
				t.Errorf("error at %d in %q, want %d in %q (%v)", se.Pos, se.Term, tt.pos, tt.term, err)
			}
			if se.Term != "" && !strings.HasPrefix(tt.record[se.Pos:], se.Term) {
				t.Errorf("Pos %d does not point at the term %q", se.Pos, se.Term)
			}
		})
	}
}

func TestParseNotSPF(t *testing.T) {
	_, err := Parse("google-site-verification=abc")
	if !errors.Is(err, ErrNotSPF) {
		t.Errorf("err %v, want ErrNotSPF", err)
	}
}

func TestDirectiveMatchesCIDR(t *testing.T) {
	r, err := Parse("v=spf1 ip4:192.0.2.77/24 ip6:2001:db8::1/32")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip   string
		want [2]bool
	}{
		{"192.0.2.1", [2]bool{true, false}},
		{"192.0.3.1", [2]bool{false, false}},
		{"2001:db8:ffff::1", [2]bool{false, true}},
		{"2001:db9::1", [2]bool{false, false}},
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		for i, d := range r.Directives {
			if got := d.Net.Contains(ip); got != tt.want[i] {
				t.Errorf("%s contains %s = %v, want %v", d.Text, ip, got, tt.want[i])
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=spf1 -all",
		"v=spf1 a mx ptr ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all",
		"v=spf1 a:mail.example.com/24//64 mx:%{d}/28 exists:%{ir}.%{l1r-}.lp._spf.%{d2} -all",
		"v=spf1 redirect=_spf.example.com exp=explain.%{d} moo=%{s}",
		"v=spf1 a/24/64",
		"v=spf1 %%{",
		"v=spf1 exists:%{d0}",
		"V=SPF1  ?all ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("position %d outside the record", se.Pos)
			}
			return
		}
		r2, err := Parse(r.String())
		if err != nil {
			t.Fatalf("normal form %q of %q does not parse: %v", r.String(), s, err)
		}
		if r2.String() != r.String() {
			t.Fatalf("normal form changed: %q then %q", r.String(), r2.String())
		}
	})
}

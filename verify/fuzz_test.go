package verify

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/address"
)

// FuzzCheck checks any input against the test zone (queries go to the
// loopback server only) and holds every result to the package's promises:
// no panic; the verdict is the worst of the reasons'; an address is set
// exactly when the syntax is valid and is one the address package parses
// back to itself; Unknown carries an error; a suggestion comes with a
// Typo reason; a refusal is given exactly for Undeliverable, in printable
// ASCII; CheckAll agrees with Check.
func FuzzCheck(f *testing.F) {
	for _, tc := range addressTable {
		f.Add(tc.addr)
	}
	for _, s := range []string{"a@b.c", "\"\\\x00\"@acme.com", "x@[IPv6:::ffff:127.0.0.1]", "x@xn--.com", "x@ß.de", "x@ａｃｍｅ.com", "x@gmail.com.com", "ab\u200d@acme.com"} {
		f.Add(s)
	}
	c := tableChecker(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, s string) {
		r := c.Check(ctx, s)
		if r.Input != s {
			t.Fatalf("Input %q for %q", r.Input, s)
		}
		want := Deliverable
		for _, x := range r.Reasons {
			if x.Kind == 0 || x.Kind >= numKinds {
				t.Fatalf("%q: reason of kind %d", s, x.Kind)
			}
			if x.Kind.Verdict().worse(want) {
				want = x.Kind.Verdict()
			}
		}
		if r.Verdict != want {
			t.Fatalf("%q: verdict %v, reasons %v", s, r.Verdict, r.Reasons)
		}
		if r.Address.IsZero() != r.Has(Syntax) {
			t.Fatalf("%q: address %q, reasons %v", s, r.Address, r.Reasons)
		}
		if !r.Address.IsZero() {
			back, err := address.Parse(r.Address.String())
			if err != nil || back != r.Address {
				t.Fatalf("%q: address %q parses back as %q, %v", s, r.Address, back, err)
			}
			if strings.ContainsAny(r.Address.String(), "\r\n\x00") {
				t.Fatalf("%q: address %q has CR, LF or NUL", s, r.Address)
			}
		}
		if r.Verdict == Unknown && r.Err == nil {
			t.Fatalf("%q: Unknown without an error: %v", s, r.Reasons)
		}
		if r.Err != nil && !r.Has(DNSError) && !r.Has(SuppressionError) {
			t.Fatalf("%q: Err %v without a failure reason: %v", s, r.Err, r.Reasons)
		}
		if (r.Suggestion != "") != r.Has(Typo) {
			t.Fatalf("%q: suggestion %q, reasons %v", s, r.Suggestion, r.Reasons)
		}
		if r.Suggestion != "" {
			if _, err := address.Parse(r.Suggestion); err != nil {
				t.Fatalf("%q: suggestion %q does not parse: %v", s, r.Suggestion, err)
			}
		}
		code, _, text, ok := r.Refusal()
		if ok != (r.Verdict == Undeliverable) || ok && (code < 550 || code > 556 || text == "") {
			t.Fatalf("%q: refusal %d %q %v for %v", s, code, text, ok, r.Verdict)
		}
		for _, b := range []byte(text) {
			if b < 0x20 || b > 0x7e {
				t.Fatalf("%q: refusal text %q", s, text)
			}
		}
		all := c.CheckAll(ctx, []string{s})
		if len(all) != 1 || all[0].Verdict != r.Verdict || !slices.Equal(all[0].Reasons, r.Reasons) || all[0].Suggestion != r.Suggestion {
			t.Fatalf("%q: CheckAll %v %v, Check %v %v", s, all[0].Verdict, all[0].Reasons, r.Verdict, r.Reasons)
		}
	})
}

// FuzzReadDomainList: any text either is refused with an error naming the
// line, or gives a list that holds each of its domain lines.
func FuzzReadDomainList(f *testing.F) {
	for _, s := range []string{"# src\nmailinator.com\n", "a.example\n\nb.example\r\n", "bücher.de\nXN--BCHER-KVA.de\n", "com\n", "a..b\n", "# only\n", "\xff.example\n", "[192.0.2.1]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ReadDomainList(strings.NewReader(s))
		if err != nil {
			if !strings.Contains(err.Error(), "line ") {
				var scanErr bool
				for line := range strings.Lines(s) {
					scanErr = scanErr || len(line) > 64*1024
				}
				if !scanErr {
					t.Fatalf("%q: error without a line number: %v", s, err)
				}
			}
			return
		}
		n := 0
		for line := range strings.Lines(s) {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			n++
			d, err := address.ParseDomain(line)
			if err != nil || !l.Contains(d) {
				t.Fatalf("%q: line %q accepted but not contained (%v)", s, line, err)
			}
		}
		if l.Len() > n {
			t.Fatalf("%q: %d domains from %d lines", s, l.Len(), n)
		}
	})
}

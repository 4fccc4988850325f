package suppression

import (
	"strings"
	"testing"
	"time"
)

// FuzzCheck: an address that Check takes on its fast path is one that
// Normalize leaves as it is (or refuses), so the fast path never misses an
// entry; and an entry added under Normalize's key is found for the
// address it came from.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"a@example.com", "A@example.com", "jörg@bücher.example", "x@[ipv6:2001:db8::1]",
		"\"q\"@x.example", "a@x.example.", "a@@x", "@x", "a@", "a@xn--bcher-kva.example", "a@XN--bcher-kva.example",
		"a.b@c", "a..b@c.example", "a@b\r\n", "a@1.2.3.4", "whole.example", "a@x.123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if k, at := quickKey(s); at >= 0 {
			if n, err := Normalize(s); err == nil && n != k {
				t.Fatalf("fast path takes %q as it is, but Normalize gives %q", s, n)
			}
		}
		k, err := Normalize(s)
		if err != nil {
			return
		}
		if k2, err := Normalize(k); err != nil || k2 != k {
			t.Fatalf("Normalize(%q) = %q, then %q, %v: not stable", s, k, k2, err)
		}
		l := benchList(0)
		l.remember("", k, Manual, time.Time{})
		if m, ok := l.Check("", s); !ok || m.Address != k {
			t.Fatalf("entry %q not found for %q: %+v", k, s, m)
		}
	})
}

// FuzzImport: any input gives a result or an error, never a panic, and
// every row taken is a valid entry.
func FuzzImport(f *testing.F) {
	f.Add("address,tenant,reason,created,expires,evidence\na@example.com,t,manual,2030-01-02T03:04:05.006Z,,{\"note\":\"x\"}\n")
	f.Add("email\n\"a\"\"b\"@x.example\nb@x.example\n")
	f.Add("address\n\"unterminated\n")
	f.Add("address,evidence\na@b.example,{\"soft_count\":1e99}\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Open(t.TempDir() + "/s.db")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		l, err := New(t.Context(), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, _ := l.Import(t.Context(), strings.NewReader(in))
		n := 0
		s.Scan(t.Context(), func(e Entry) error {
			n++
			if err := e.Check(); err != nil {
				t.Errorf("stored entry %+v: %v", e, err)
			}
			return nil
		})
		if n > res.Added {
			t.Errorf("%d entries stored, %d reported", n, res.Added)
		}
	})
}

// FuzzVerify: Verify never panics, and what it accepts a Signer made.
func FuzzVerify(f *testing.F) {
	g := &Signer{Keys: []Key{{ID: "k", Secret: []byte("0123456789abcdef")}}}
	tok, _ := g.Token(Subscription{Tenant: "t", Address: "a@example.com", List: "l", Issued: time.Unix(1e9, 0)})
	f.Add(tok)
	f.Add("")
	f.Add("AQFr")
	f.Fuzz(func(t *testing.T, s string) {
		sub, err := g.Verify(s)
		if err != nil {
			return
		}
		again, err := g.Token(sub)
		if err != nil || again != s {
			t.Fatalf("Verify accepted %q, which re-signs as %q (%v)", s, again, err)
		}
	})
}

package verify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/delivery"
)

func TestSuppressions(t *testing.T) {
	c := tableChecker(t)
	suppressed := map[string]string{"gone@acme.com": "hard bounce: 550 5.1.1 user unknown"}
	storeDown := errors.New("store unavailable")
	var asked atomic.Int32
	c.Suppressions = SuppressionsFunc(func(ctx context.Context, a address.Address) (string, bool, error) {
		asked.Add(1)
		if a.Local == "down" {
			return "", false, storeDown
		}
		reason, ok := suppressed[a.String()]
		return reason, ok, nil
	})
	ctx := context.Background()
	res := c.Check(ctx, "gone@acme.com")
	if r, ok := res.Reason(Suppressed); res.Verdict != Undeliverable || !ok || r.Detail != suppressed["gone@acme.com"] {
		t.Errorf("suppressed: %v %v", res.Verdict, res.Reasons)
	}
	if res := c.Check(ctx, "here@acme.com"); res.Verdict != Deliverable {
		t.Errorf("not suppressed: %v %v", res.Verdict, res.Reasons)
	}
	res = c.Check(ctx, "down@acme.com")
	if res.Verdict != Unknown || !res.Has(SuppressionError) || !errors.Is(res.Err, storeDown) {
		t.Errorf("store error: %v %v %v", res.Verdict, res.Reasons, res.Err)
	}
	// Undeliverable outranks Unknown: a null MX stays undeliverable
	// when the store fails.
	if res := c.Check(ctx, "down@nullmx.net"); res.Verdict != Undeliverable || !res.Has(SuppressionError) {
		t.Errorf("null MX and store error: %v %v", res.Verdict, res.Reasons)
	}
	asked.Store(0)
	results := c.CheckAll(ctx, []string{"gone@acme.com", "here@acme.com", "bad..x@acme.com", "down@acme.com"})
	if results[0].Verdict != Undeliverable || results[1].Verdict != Deliverable || results[3].Verdict != Unknown {
		t.Errorf("CheckAll: %v %v %v", results[0].Reasons, results[1].Reasons, results[3].Reasons)
	}
	if n := asked.Load(); n != 3 {
		t.Errorf("the store was asked %d times, want 3 (not for bad syntax)", n)
	}
}

func TestRefusal(t *testing.T) {
	c := tableChecker(t)
	c.Suppressions = SuppressionsFunc(func(ctx context.Context, a address.Address) (string, bool, error) {
		return "complaint", a.Local == "complained", nil
	})
	for _, tc := range []struct {
		addr     string
		code     int
		enhanced delivery.EnhancedCode
		text     string
	}{
		{"a..b@acme.com", 553, delivery.EnhancedCode{5, 1, 3}, "syntax: misplaced dot"},
		{"x@nullmx.net", 556, delivery.EnhancedCode{5, 1, 10}, "null_mx"},
		{"x@nonexistent.com", 550, delivery.EnhancedCode{5, 1, 2}, "no_such_domain"},
		{"x@example.com", 550, delivery.EnhancedCode{5, 1, 2}, "reserved_domain"},
		{"x@loopmx.net", 550, delivery.EnhancedCode{5, 1, 2}, "unroutable_host"},
		{"complained@acme.com", 550, delivery.EnhancedCode{5, 7, 1}, "suppressed: complaint"},
		{"jörg@gmial.com", 550, delivery.EnhancedCode{5, 1, 2}, "no_such_domain"},
	} {
		res := c.Check(context.Background(), tc.addr)
		code, enh, text, ok := res.Refusal()
		if !ok || code != tc.code || enh != tc.enhanced || !strings.HasPrefix(text, tc.text) {
			t.Errorf("%s: %d %v %q %v, want %d %v %q…", tc.addr, code, enh, text, ok, tc.code, tc.enhanced, tc.text)
		}
		for _, b := range []byte(text) {
			if b < 0x20 || b > 0x7e {
				t.Errorf("%s: reply text %q is not printable ASCII", tc.addr, text)
				break
			}
		}
	}
	for _, addr := range []string{"jane@acme.com", "info@acme.com", "x@tempfail.net"} {
		if res := c.Check(context.Background(), addr); func() bool { _, _, _, ok := res.Refusal(); return ok }() {
			t.Errorf("%s (%v) is refused", addr, res.Verdict)
		}
	}
}

func TestResultJSON(t *testing.T) {
	c := tableChecker(t)
	res := c.Check(context.Background(), "info@gmial.com")
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Input      string
		Address    string
		Verdict    Verdict
		Reasons    []Reason
		Suggestion string
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if back.Verdict != Undeliverable || back.Address != "info@gmial.com" || back.Suggestion != "info@gmail.com" ||
		len(back.Reasons) != 3 || back.Reasons[0].Kind != Role || back.Reasons[2].Kind != Typo {
		t.Errorf("round trip: %s -> %+v", b, back)
	}
	if !strings.Contains(string(b), `"kind":"no_such_domain"`) {
		t.Errorf("kinds are not written by name: %s", b)
	}
}

func TestKindNames(t *testing.T) {
	seen := map[string]bool{}
	for k := Kind(1); k < numKinds; k++ {
		name := k.String()
		if name == "" || strings.HasPrefix(name, "Kind(") || seen[name] {
			t.Errorf("kind %d: name %q", k, name)
		}
		seen[name] = true
		var back Kind
		if err := back.UnmarshalText([]byte(name)); err != nil || back != k {
			t.Errorf("%s: %v %v", name, back, err)
		}
	}
	for v := Unknown; v <= Undeliverable; v++ {
		var back Verdict
		if err := back.UnmarshalText([]byte(v.String())); err != nil || back != v {
			t.Errorf("%v: %v %v", v, back, err)
		}
	}
	if _, err := Kind(0).MarshalText(); err == nil {
		t.Error("Kind(0) marshals")
	}
}

func TestRole(t *testing.T) {
	for local, want := range map[string]bool{
		"postmaster": true, "PostMaster": true, "abuse+x": true, `"abuse"`: true, `"ab\use"`: true,
		"list-request": true, "owner-list": true, "-request": false, "owner-": false,
		"jane": false, "infos": false, "post.master": false, "+info": false, `"info "`: false,
	} {
		if got := role(local) != ""; got != want {
			t.Errorf("role(%q) = %v, want %v", local, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"gmail.com", "gmail.com", 0},
		{"gmial.com", "gmail.com", 1}, // transposition
		{"gmal.com", "gmail.com", 1},
		{"gmaill.com", "gmail.com", 1},
		{"gnail.com", "gmail.com", 1},
		{"gmal.con", "gmail.com", 2},
		{"hotmial.con", "hotmail.com", 2},
		{"ca", "abc", 3}, // OSA: no edit of a transposed pair
		{"", "abc", 3},
		{"abc", "", 3},
		{"yahoo.com", "gmail.com", 5},
	} {
		if got := editDistance(tc.a, tc.b, 10); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := editDistance(tc.b, tc.a, 10); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d (symmetry)", tc.b, tc.a, got, tc.want)
		}
		if got := editDistance(tc.a, tc.b, 2); got != min(tc.want, 2) {
			t.Errorf("editDistance(%q, %q, limit 2) = %d", tc.a, tc.b, got)
		}
	}
}

func TestReserved(t *testing.T) {
	for name, want := range map[string]bool{
		"test": true, "a.test": true, "example.com": true, "a.b.example.net": true, "localhost": true,
		"x.local": true, "x.onion": true, "home.arpa": true, "x.internal": true, "x.alt": true,
		"contest": false, "example.co": false, "myexample.com": false, "test.com": false, "localhost.com": false,
		"local.com": false, "internal.net": false,
	} {
		if got := reservedDomain(name) != ""; got != want {
			t.Errorf("reservedDomain(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestDomainLists(t *testing.T) {
	l, err := ReadDomainList(strings.NewReader("# mine, 2026\n# second line\n\nThrowAway.Example\nbücher.net\n# a comment\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"throwaway.example": true, "x.throwaway.example": true, "xn--bcher-kva.net": true, "bücher.net": true,
		"example": false, "nothrowaway.example": false, "net": false,
	} {
		d, err := address.ParseDomain(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Contains(d); got != want {
			t.Errorf("Contains(%q) = %v, want %v", name, got, want)
		}
	}
	if l.Len() != 2 || l.Source() != "mine, 2026\nsecond line\n" {
		t.Errorf("Len %d Source %q", l.Len(), l.Source())
	}
	if _, err := ReadDomainList(strings.NewReader("ok.example\nbad..name\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v", err)
	}
	for _, bad := range []string{"com", "[192.0.2.1]", "a_b.example"} {
		if _, err := NewDomainList(bad); err == nil {
			t.Errorf("NewDomainList(%q) accepted", bad)
		}
	}
	extra, _ := NewDomainList("mine.example")
	u := l.Union(extra)
	if u.Len() != 3 || l.Len() != 2 {
		t.Errorf("Union: %d, original %d", u.Len(), l.Len())
	}
	var empty DomainList
	if empty.Contains(address.Domain{}) || empty.Len() != 0 {
		t.Error("the zero DomainList is not empty")
	}
}

// TestEmbeddedLists checks the generated data: every entry is a domain in
// canonical form, the headers name sources, licences and dates, and the
// lists hold what they must (and not what they must not).
func TestEmbeddedLists(t *testing.T) {
	for _, tc := range []struct {
		name     string
		text     string
		list     *DomainList
		min      int
		in, out  []string
		licences []string
	}{
		{"disposable", disposableData, DisposableDomains(), 50000,
			[]string{"mailinator.com", "guerrillamail.com", "10minutemail.com", "x.33mail.com"},
			[]string{"gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de", "github.com"},
			[]string{"licence MIT", "licence CC0-1.0"}},
		{"freemail", freeMailData, FreeMailDomains(), 1000,
			[]string{"gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "gmx.de", "web.de", "qq.com"},
			[]string{"github.com", "acme.com", "google.com", "microsoft.com"},
			[]string{"licence MIT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.list.Len() < tc.min {
				t.Errorf("%d domains, want at least %d", tc.list.Len(), tc.min)
			}
			for line := range strings.Lines(tc.text) {
				line = strings.TrimSuffix(line, "\n")
				if strings.HasPrefix(line, "#") {
					continue
				}
				d, err := address.ParseDomain(line)
				if err != nil || d.ASCII() != line || d.IsSingleLabel() {
					t.Fatalf("entry %q is not a canonical multi-label domain (%v)", line, err)
				}
			}
			src := tc.list.Source()
			for _, want := range append([]string{"published 20", "Generated on 20", "sha512-"}, tc.licences...) {
				if !strings.Contains(src, want) {
					t.Errorf("Source lacks %q:\n%s", want, src)
				}
			}
			for _, name := range tc.in {
				if d, _ := address.ParseDomain(name); !tc.list.Contains(d) {
					t.Errorf("%s is not in the list", name)
				}
			}
			for _, name := range tc.out {
				if d, _ := address.ParseDomain(name); tc.list.Contains(d) {
					t.Errorf("%s is in the list", name)
				}
			}
		})
	}
	if first, again := DisposableDomains(), DisposableDomains(); first != again {
		t.Error("the embedded list is parsed again on every call")
	}
}

// TestDefaultLists: a Checker without lists of its own uses the embedded
// ones; an empty list turns a check off.
func TestDefaultLists(t *testing.T) {
	srv := newZone(t)
	c := &Checker{Resolver: srv.Client()}
	res := c.Check(context.Background(), "x@mailinator.com")
	if !res.Has(Disposable) {
		t.Errorf("embedded disposable list not used: %v", res.Reasons)
	}
	if res := c.Check(context.Background(), "x@gmail.com"); !res.Has(FreeMail) || res.Verdict != Deliverable {
		t.Errorf("embedded free-mail list not used: %v %v", res.Verdict, res.Reasons)
	}
	c = &Checker{Resolver: srv.Client(), Disposable: &DomainList{}}
	if res := c.Check(context.Background(), "x@mailinator.com"); res.Has(Disposable) {
		t.Errorf("empty list: %v", res.Reasons)
	}
}

// TestNoResolver: a Checker without a Resolver does not panic; every
// address that needs DNS is Unknown.
func TestNoResolver(t *testing.T) {
	c := &Checker{}
	res := c.Check(context.Background(), "jane@gmial.com")
	if res.Verdict != Unknown || res.Err == nil {
		t.Errorf("%v %v %v", res.Verdict, res.Reasons, res.Err)
	}
	if res := c.Check(context.Background(), "jane@example.com"); res.Verdict != Undeliverable {
		t.Errorf("reserved: %v", res.Verdict)
	}
}

package verify

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// tableChecker is a Checker on the test zone with small lists of its own,
// so that the table does not change when the embedded lists are
// regenerated.
func tableChecker(t testing.TB) *Checker {
	t.Helper()
	srv := newZone(t)
	disposable, err := NewDomainList("mailinator.com")
	if err != nil {
		t.Fatal(err)
	}
	free, err := NewDomainList("gmail.com", "yahoo.com", "hotmail.com")
	if err != nil {
		t.Fatal(err)
	}
	return &Checker{Resolver: srv.Client(), Disposable: disposable, FreeMail: free}
}

type tableCase struct {
	addr    string
	verdict Verdict
	kinds   []Kind // exactly the kinds of the reasons, in order
	suggest string // the expected Suggestion
}

var (
	d  = Deliverable
	ri = Risky
	un = Undeliverable
	uk = Unknown
)

// addressTable holds more than a hundred addresses with the verdict and
// the reasons each must get: tricky valid ones, tricky invalid ones, and
// every DNS case of the test zone.
var addressTable = []tableCase{
	// Plain, and the valid forms readers doubt.
	{"jane@acme.com", d, nil, ""},
	{"Jane.Doe@acme.com", d, nil, ""},
	{"jane+news@acme.com", d, nil, ""},
	{"jane+@acme.com", d, nil, ""},
	{"jane+news+2024@acme.com", d, nil, ""},
	{`"jane doe"@acme.com`, d, nil, ""},
	{`"jane@home"@acme.com`, d, nil, ""},
	{`"a\"b"@acme.com`, d, nil, ""},
	{`"a\\b"@acme.com`, d, nil, ""},
	{`"john..doe"@acme.com`, d, nil, ""},
	{`".jane"@acme.com`, d, nil, ""},
	{`"jane."@acme.com`, d, nil, ""},
	{"o'brien@acme.com", d, nil, ""},
	{"x@acme.com", d, nil, ""},
	{"a!#$%&'*+-/=?^_`{|}~@acme.com", d, nil, ""},
	{"1234567890@acme.com", d, nil, ""},
	{strings.Repeat("a", 64) + "@acme.com", d, nil, ""},
	{"jane@ACME.COM", d, nil, ""},
	{"JANE@Acme.Com", d, nil, ""},
	{"first.middle.last@acme.com", d, nil, ""},
	{"_jane_@acme.com", d, nil, ""},
	{"-jane-@acme.com", d, nil, ""},
	{"jane@cname.net", d, nil, ""},
	{"jane@partial.net", d, nil, ""},
	{"jane@v6only.net", d, nil, ""},
	{"jane@gmaill.com", d, nil, ""}, // one edit from gmail.com but takes mail: no suggestion
	{"information@acme.com", d, nil, ""},
	{"support-team@acme.com", d, nil, ""},
	{"postmasters@acme.com", d, nil, ""},
	{"sales.jane@acme.com", d, nil, ""},

	// Internationalised addresses (RFC 6531) and domains (IDNA).
	{"jörg@acme.com", d, []Kind{SMTPUTF8}, ""},
	{"用户@acme.com", d, []Kind{SMTPUTF8}, ""},
	{"δοκιμή@acme.com", d, []Kind{SMTPUTF8}, ""},
	{`"jörg müller"@acme.com`, d, []Kind{SMTPUTF8}, ""},
	{"jane@bücher.com", d, []Kind{IDN}, ""},
	{"jane@BÜCHER.com", d, []Kind{IDN}, ""},
	{"jane@xn--bcher-kva.com", d, []Kind{IDN}, ""},
	{"jörg@bücher.com", d, []Kind{SMTPUTF8, IDN}, ""},

	// Address literals (RFC 5321 §4.1.3).
	{"jane@[45.33.10.1]", ri, []Kind{AddressLiteral}, ""},
	{"jane@[IPv6:2a01:4f8::1]", ri, []Kind{AddressLiteral}, ""},
	{"jane@[IPv6:2A01:4F8:0:0::1]", ri, []Kind{AddressLiteral}, ""},
	{"jane@[127.0.0.1]", un, []Kind{AddressLiteral, UnroutableHost}, ""},
	{"jane@[IPv6:::1]", un, []Kind{AddressLiteral, UnroutableHost}, ""},
	{"jane@[10.0.0.1]", un, []Kind{AddressLiteral, UnroutableHost}, ""},
	{"jane@[192.168.1.1]", un, []Kind{AddressLiteral, UnroutableHost}, ""},
	{"jane@[192.0.2.1]", un, []Kind{AddressLiteral, UnroutableHost}, ""},
	{"jane@[IPv6:fe80::1]", un, []Kind{AddressLiteral, UnroutableHost}, ""},

	// Domains that are risky in DNS.
	{"n@ai", ri, []Kind{SingleLabel}, ""},
	{"jane@implicit.net", ri, []Kind{ImplicitMX}, ""},
	{"jane@mx1.acme.com", ri, []Kind{ImplicitMX}, ""},

	// Free mail and disposable domains.
	{"jane@gmail.com", d, []Kind{FreeMail}, ""},
	{"jane@yahoo.com", d, []Kind{FreeMail}, ""},
	{"jane@hotmail.com", d, []Kind{FreeMail}, ""},
	{"jane@mailinator.com", ri, []Kind{Disposable}, ""},
	{"jane@box.mailinator.com", ri, []Kind{Disposable}, ""},

	// Role accounts (RFC 2142 and the others of roles.go).
	{"postmaster@acme.com", ri, []Kind{Role}, ""},
	{"Postmaster@acme.com", ri, []Kind{Role}, ""},
	{"POSTMASTER@acme.com", ri, []Kind{Role}, ""},
	{"abuse@acme.com", ri, []Kind{Role}, ""},
	{"info@acme.com", ri, []Kind{Role}, ""},
	{"info+newsletter@acme.com", ri, []Kind{Role}, ""},
	{`"info"@acme.com`, ri, []Kind{Role}, ""},
	{"noreply@acme.com", ri, []Kind{Role}, ""},
	{"no-reply@acme.com", ri, []Kind{Role}, ""},
	{"do-not-reply@acme.com", ri, []Kind{Role}, ""},
	{"webmaster@acme.com", ri, []Kind{Role}, ""},
	{"hostmaster@acme.com", ri, []Kind{Role}, ""},
	{"security@acme.com", ri, []Kind{Role}, ""},
	{"mailer-daemon@acme.com", ri, []Kind{Role}, ""},
	{"MAILER-DAEMON@acme.com", ri, []Kind{Role}, ""},
	{"announce-request@acme.com", ri, []Kind{Role}, ""},
	{"owner-announce@acme.com", ri, []Kind{Role}, ""},
	{"admin@acme.com", ri, []Kind{Role}, ""},
	{"sales@gmail.com", ri, []Kind{Role, FreeMail}, ""},
	{"info@mailinator.com", ri, []Kind{Role, Disposable}, ""},

	// Names that can never receive mail: no DNS is asked.
	{"jane@example.com", un, []Kind{ReservedDomain}, ""},
	{"jane@example.org", un, []Kind{ReservedDomain}, ""},
	{"jane@example.net", un, []Kind{ReservedDomain}, ""},
	{"jane@Example.COM", un, []Kind{ReservedDomain}, ""},
	{"jane@www.example.com", un, []Kind{ReservedDomain}, ""},
	{"jane@shop.example", un, []Kind{ReservedDomain}, ""},
	{"jane@shop.test", un, []Kind{ReservedDomain}, ""},
	{"jane@shop.invalid", un, []Kind{ReservedDomain}, ""},
	{"jane@localhost", un, []Kind{ReservedDomain}, ""},
	{"jane@app.localhost", un, []Kind{ReservedDomain}, ""},
	{"jane@printer.local", un, []Kind{ReservedDomain}, ""},
	{"jane@abcdefghijklmnop.onion", un, []Kind{ReservedDomain}, ""},
	{"jane@router.home.arpa", un, []Kind{ReservedDomain}, ""},
	{"jane@corp.internal", un, []Kind{ReservedDomain}, ""},
	{"jane@name.alt", un, []Kind{ReservedDomain}, ""},
	{"info@example.com", un, []Kind{Role, ReservedDomain}, ""},

	// Domains that take no mail, by DNS.
	{"jane@nonexistent.com", un, []Kind{NoSuchDomain}, ""},
	{"jane@nullmx.net", un, []Kind{NullMX}, ""},
	{"jane@nohosts.net", un, []Kind{NoMailHost}, ""},
	{"jane@loopmx.net", un, []Kind{UnroutableHost}, ""},
	{"jane@privmx.net", un, []Kind{UnroutableHost}, ""},
	{"jane@nosuchtld.zz", un, []Kind{NoSuchDomain}, ""},

	// DNS failures: the verdict is Unknown.
	{"jane@tempfail.net", uk, []Kind{DNSError}, ""},
	{"jane@hostfail.net", uk, []Kind{DNSError}, ""},
	{"info@tempfail.net", uk, []Kind{Role, DNSError}, ""},

	// Typos, suggested only because the typed domain takes no mail.
	{"jane@gmial.com", un, []Kind{NoSuchDomain, Typo}, "jane@gmail.com"},
	{"jane@gamil.com", un, []Kind{NoSuchDomain, Typo}, "jane@gmail.com"},
	{"jane@gmai.com", un, []Kind{NoSuchDomain, Typo}, "jane@gmail.com"},
	{"jane@hotmial.com", un, []Kind{NoSuchDomain, Typo}, "jane@hotmail.com"},
	{"jane@yaho.com", un, []Kind{NoSuchDomain, Typo}, "jane@yahoo.com"},
	{"jane@yahooo.com", un, []Kind{NoSuchDomain, Typo}, "jane@yahoo.com"},
	{"jane@gmail.con", un, []Kind{NoSuchDomain, Typo}, "jane@gmail.com"},
	{"jane@gmail.co", un, []Kind{NoSuchDomain, Typo}, "jane@gmail.com"},
	{"jane@gmailcom", un, []Kind{SingleLabel, NoSuchDomain, Typo}, "jane@gmail.com"},
	{"jane@acme.con", un, []Kind{NoSuchDomain, Typo}, "jane@acme.com"},
	{"jane@acme.cmo", un, []Kind{NoSuchDomain, Typo}, "jane@acme.com"},
	{"jane@acmecom", un, []Kind{SingleLabel, NoSuchDomain, Typo}, "jane@acme.com"},
	{"Jane.Doe@ACME.CON", un, []Kind{NoSuchDomain, Typo}, "Jane.Doe@acme.com"},
	{"jane@nowhere.con", un, []Kind{NoSuchDomain}, ""}, // nowhere.com takes no mail either
	{"jane@acme.co", un, []Kind{NoSuchDomain}, ""},     // .co exists: not a TLD typo
	{"postmaster@gmial.com", un, []Kind{Role, NoSuchDomain, Typo}, "postmaster@gmail.com"},

	// Invalid syntax: undeliverable, with no DNS asked.
	{"", un, []Kind{Syntax}, ""},
	{"plainaddress", un, []Kind{Syntax}, ""},
	{"@acme.com", un, []Kind{Syntax}, ""},
	{"jane@", un, []Kind{Syntax}, ""},
	{"jane..doe@acme.com", un, []Kind{Syntax}, ""},
	{".jane@acme.com", un, []Kind{Syntax}, ""},
	{"jane.@acme.com", un, []Kind{Syntax}, ""},
	{"jane@acme.com.", un, []Kind{Syntax}, ""},
	{"jane@acme..com", un, []Kind{Syntax}, ""},
	{"jane@.acme.com", un, []Kind{Syntax}, ""},
	{strings.Repeat("a", 65) + "@acme.com", un, []Kind{Syntax}, ""},
	{"jane@" + strings.Repeat(strings.Repeat("a", 63)+".", 3) + strings.Repeat("b", 63), un, []Kind{Syntax}, ""},     // a 255-octet domain
	{strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("c", 62)+".", 3) + "com", un, []Kind{Syntax}, ""}, // valid parts, 257 octets in all
	{"jane@" + strings.Repeat("a", 64) + ".com", un, []Kind{Syntax}, ""},                                             // a 64-octet label
	{"jane@-acme.com", un, []Kind{Syntax}, ""},
	{"jane@acme-.com", un, []Kind{Syntax}, ""},
	{"jane doe@acme.com", un, []Kind{Syntax}, ""},
	{"jane@acme.com\r\nRCPT TO:<x@acme.com>", un, []Kind{Syntax}, ""},
	{"jane\x00@acme.com", un, []Kind{Syntax}, ""},
	{"jane@acme.com\n", un, []Kind{Syntax}, ""},
	{`"jane@acme.com`, un, []Kind{Syntax}, ""},
	{`""@acme.com`, un, []Kind{Syntax}, ""},
	{`"<jane>"@acme.com`, un, []Kind{Syntax}, ""},
	{"jane@acme@com", un, []Kind{Syntax}, ""},
	{"<jane@acme.com>", un, []Kind{Syntax}, ""},
	{"Jane <jane@acme.com>", un, []Kind{Syntax}, ""},
	{" jane@acme.com", un, []Kind{Syntax}, ""},
	{"jane@acme.com ", un, []Kind{Syntax}, ""},
	{"jane(comment)@acme.com", un, []Kind{Syntax}, ""},
	{"jane,doe@acme.com", un, []Kind{Syntax}, ""},
	{"jane@[300.1.1.1]", un, []Kind{Syntax}, ""},
	{"jane@[IPv6:zz::1]", un, []Kind{Syntax}, ""},
	{"jane@[General:foo]", un, []Kind{Syntax}, ""},
	{"jane@[45.33.10.1", un, []Kind{Syntax}, ""},
	{"jane@192.168.1.1", un, []Kind{Syntax}, ""},
	{"jane@acme.123", un, []Kind{Syntax}, ""},
	{"jane@acme_corp.com", un, []Kind{Syntax}, ""},
	{"jane@xn--zz.com", un, []Kind{Syntax}, ""},
	{"\xff@acme.com", un, []Kind{Syntax}, ""},
	{"jane@acme.com\u0085", un, []Kind{Syntax}, ""},
}

func TestAddressTable(t *testing.T) {
	if len(addressTable) < 100 {
		t.Fatalf("the table has %d addresses, want at least 100", len(addressTable))
	}
	c := tableChecker(t)
	ctx := context.Background()
	check := func(t *testing.T, tc tableCase, r Result) {
		t.Helper()
		var kinds []Kind
		for _, x := range r.Reasons {
			kinds = append(kinds, x.Kind)
		}
		if r.Verdict != tc.verdict || !slices.Equal(kinds, tc.kinds) || r.Suggestion != tc.suggest {
			t.Errorf("%q: got %v %v suggestion %q; want %v %v suggestion %q",
				tc.addr, r.Verdict, r.Reasons, r.Suggestion, tc.verdict, tc.kinds, tc.suggest)
		}
		if (r.Verdict == Unknown) != (r.Err != nil) {
			t.Errorf("%q: verdict %v with Err %v", tc.addr, r.Verdict, r.Err)
		}
		if r.Address.IsZero() != r.Has(Syntax) {
			t.Errorf("%q: address %q with reasons %v", tc.addr, r.Address, r.Reasons)
		}
	}
	t.Run("Check", func(t *testing.T) {
		for _, tc := range addressTable {
			check(t, tc, c.Check(ctx, tc.addr))
		}
	})
	t.Run("CheckAll", func(t *testing.T) {
		addrs := make([]string, len(addressTable))
		for i, tc := range addressTable {
			addrs[i] = tc.addr
		}
		results := c.CheckAll(ctx, addrs)
		if len(results) != len(addrs) {
			t.Fatalf("%d results for %d addresses", len(results), len(addrs))
		}
		for i, tc := range addressTable {
			if results[i].Input != tc.addr {
				t.Fatalf("result %d is for %q, want %q", i, results[i].Input, tc.addr)
			}
			check(t, tc, results[i])
		}
	})
}

package dkim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// signTestServer serves the keys of signTestKeys and returns a Verifier
// and a go-msgauth lookup function both using it.
func signTestServer(t testing.TB) (*Verifier, func(string) ([]string, error)) {
	srv := resolvertest.New(t, "")
	publish(t, srv, "rsa", "football.example.com", testRSA().Public())
	publish(t, srv, "ed", "football.example.com", testEd().Public())
	publish(t, srv, "platform", "esp.example.net", testEd().Public())
	client := testClient(srv)
	lookup := func(name string) ([]string, error) {
		txts, _, err := client.LookupTXT(context.Background(), name)
		return txts, err
	}
	return &Verifier{Resolver: client}, lookup
}

// signTestKeys are the keys of signTestServer: RSA with i=, Ed25519, and a
// second domain's Ed25519.
func signTestKeys() []Key {
	return []Key{
		{Domain: "football.example.com", Selector: "rsa", Signer: testRSA(), Identifier: "joe@football.example.com"},
		{Domain: "football.example.com", Selector: "ed", Signer: testEd()},
		{Domain: "esp.example.net", Selector: "platform", Signer: testEd()},
	}
}

// signMessages are messages whose headers and bodies take every branch of
// the canonicalizations: folded fields, a field twice, bare LF line ends,
// WSP runs, a CR inside a value, trailing empty lines, no body.
var signMessages = map[string]string{
	"RFC 6376 example": testMessage,
	"10 KB":            string(benchMessage(10 << 10)),
	"folded and repeated fields": "Received: from a\r\n\tby b\r\n" +
		"From:   Joe  SixPack\r\n  <joe@football.example.com>  \r\n" +
		"To: a@example.net\r\nTo: b@example.net\r\nSUBJECT :\tHello \t  world\r\n" +
		"Cc: c@example.net\r\n\r\nbody  with\t\tWSP \r\n\r\n\r\n",
	"bare LF":           "From: joe@football.example.com\nSubject: LF\n\nline one\nline two  \n\n\n",
	"CR inside a value": "From: joe@football.example.com\r\nSubject: a\rb  c\r\n\r\nbody\r\n",
	"no body":           "From: joe@football.example.com\r\nSubject: empty\r\n\r\n",
	"header only":       "From: joe@football.example.com\r\nSubject: no blank line",
	"lone CRs in body":  "From: joe@football.example.com\r\n\r\na \r b\r\r\nc\r",
}

// TestSignVerifies: messages signed by mxkit verify with go-msgauth's
// Verify and with mxkit's Verifier, keys served by a real DNS server, for
// RSA and Ed25519 keys of two domains at once, i= and x=, over-signing,
// and every combination of canonicalizations; and over-signing catches a
// field added after signing.
func TestSignVerifies(t *testing.T) {
	v, lookup := signTestServer(t)
	for _, hcan := range []string{"relaxed", "simple"} {
		for _, bcan := range []string{"relaxed", "simple"} {
			s := newTestSigner(t, SignOptions{
				Keys:                   signTestKeys(),
				HeaderCanonicalization: hcan, BodyCanonicalization: bcan,
				Headers:    []string{"From", "To", "Subject", "Cc", "Received", "Date"},
				OverSign:   []string{"From", "Subject", "To"},
				Expiration: 3600e9,
			})
			for name, msg := range signMessages {
				t.Run(hcan+"/"+bcan+"/"+name, func(t *testing.T) {
					var out bytes.Buffer
					if err := s.SignTo(context.Background(), &out, strings.NewReader(msg)); err != nil {
						t.Fatal(err)
					}
					signed := out.String()
					checkLines(t, signed[:len(signed)-len(msg)])
					signed = completed(t, signed)
					verifs, err := msgdkim.VerifyWithOptions(strings.NewReader(signed), &msgdkim.VerifyOptions{LookupTXT: lookup})
					if err != nil {
						t.Fatal(err)
					}
					if len(verifs) != 3 {
						t.Fatalf("go-msgauth: %d signatures, want 3", len(verifs))
					}
					for i, vf := range verifs {
						if vf.Err != nil {
							t.Errorf("go-msgauth, signature %d (d=%s): %v\n%s", i, vf.Domain, vf.Err, signed)
						}
						if vf.Expiration.IsZero() {
							t.Errorf("signature %d: no x=", i)
						}
					}
					if verifs[0].Identifier != "joe@football.example.com" {
						t.Errorf("i=%q", verifs[0].Identifier)
					}
					res, err := v.Verify(context.Background(), strings.NewReader(signed))
					if err != nil {
						t.Fatal(err)
					}
					for i, r := range res {
						if r.Status != Pass {
							t.Errorf("mxkit Verifier, signature %d: %s %v", i, r.Status, r.Err)
						}
					}
					// A field of an over-signed name added on top: no pass.
					added := "Subject: added later\r\n" + signed
					verifs, _ = msgdkim.VerifyWithOptions(strings.NewReader(added), &msgdkim.VerifyOptions{LookupTXT: lookup})
					for i, vf := range verifs {
						if vf.Err == nil {
							t.Errorf("signature %d passes with a Subject added", i)
						}
					}
				})
			}
		}
	}
}

// completed adds the empty line to a message that ends in its header, as
// the Signer does when it signs it (go-msgauth cannot read it without).
func completed(t testing.TB, msg string) string {
	h, err := readHeader(newBufReader(msg), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if h.ended {
		return msg
	}
	return string(h.complete())
}

// checkLines: the signature fields have lines of at most 78 characters,
// each continuation line starts with a space, and each field ends in CRLF.
func checkLines(t *testing.T, sigs string) {
	t.Helper()
	if !strings.HasSuffix(sigs, "\r\n") {
		t.Errorf("signature fields do not end in CRLF: %q", sigs)
	}
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\r\n"), "\r\n") {
		if len(line) > maxLine {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
		if !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "DKIM-Signature: ") {
			t.Errorf("line is neither a continuation nor a field start: %q", line)
		}
	}
}

// TestSignAlgorithms: a= names the key's algorithm, an Ed25519 b= is a
// 64-byte Ed25519 signature over the SHA-256 of the signed data (RFC 8463
// §3), and h= lists over-signed names one more time than they occur.
func TestSignAlgorithms(t *testing.T) {
	s := newTestSigner(t, SignOptions{Keys: signTestKeys(), HeaderCanonicalization: "relaxed"})
	sigs, err := s.Sign(context.Background(), strings.NewReader(testMessage))
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Split(sigs, "DKIM-Signature:")[1:]
	for i := range fields {
		fields[i] = "DKIM-Signature:" + fields[i]
	}
	if len(fields) != 3 {
		t.Fatalf("%d fields, want 3:\n%s", len(fields), sigs)
	}
	for i, want := range []string{"rsa-sha256", "ed25519-sha256", "ed25519-sha256"} {
		if a := tagOf(t, fields[i], "a"); a != want {
			t.Errorf("field %d: a=%s, want %s", i, a, want)
		}
	}
	b, err := base64.StdEncoding.DecodeString(tagOf(t, fields[1], "b"))
	if err != nil || len(b) != ed25519.SignatureSize {
		t.Fatalf("Ed25519 b= of %d bytes (%v)", len(b), err)
	}
	if h := tagOf(t, fields[0], "h"); !strings.HasPrefix(h, "From:From:Reply-To:Subject:Subject:Date:Date:To:To:Cc:Message-ID:") {
		t.Errorf("h=%s: From, Reply-To, Subject, Date, To not over-signed in the default order", h)
	}
}

// FuzzSign: whatever message the Signer accepts, go-msgauth verifies the

// TestSignReaders: the body hash is the same whether the message comes
// in memory (a bytes.Reader, hashed where it lies) or as a stream read in
// pieces, down to one octet per Read.
func TestSignReaders(t *testing.T) {
	bh := func(sig string) string {
		_, v, _ := strings.Cut(sig, "bh=")
		v, _, _ = strings.Cut(v, ";")
		return v
	}
	for _, bcan := range []string{"relaxed", "simple"} {
		s := newTestSigner(t, SignOptions{Keys: signTestKeys()[:1], BodyCanonicalization: bcan})
		for name, msg := range signMessages {
			var want string
			for i, r := range []io.Reader{bytes.NewReader([]byte(msg)), strings.NewReader(msg), iotest.OneByteReader(strings.NewReader(msg))} {
				sig, err := s.Sign(context.Background(), r)
				if err != nil {
					t.Fatalf("%s %s, reader %d: %v", bcan, name, i, err)
				}
				if i == 0 {
					want = bh(sig)
				} else if got := bh(sig); got != want {
					t.Errorf("%s %s: reader %d gives bh=%s, a bytes.Reader %s", bcan, name, i, got, want)
				}
			}
		}
	}
}

// signatures it makes, in both canonicalizations.
func FuzzSign(f *testing.F) {
	for _, msg := range signMessages {
		if len(msg) <= 1024 {
			f.Add([]byte(msg), false)
			f.Add([]byte(msg), true)
		}
	}
	f.Add([]byte("From: a@football.example.com\r\nX: \r\n\r\n\r"), true)
	srv := resolvertest.New(f, "")
	publish(f, srv, "ed", "football.example.com", testEd().Public())
	client := testClient(srv)
	lookup := func(name string) ([]string, error) {
		txts, _, err := client.LookupTXT(context.Background(), name)
		return txts, err
	}
	signers := map[bool]*Signer{}
	for _, relaxed := range []bool{false, true} {
		canon := "simple"
		if relaxed {
			canon = "relaxed"
		}
		signers[relaxed] = newTestSigner(f, SignOptions{
			Keys:                   []Key{{Domain: "football.example.com", Selector: "ed", Signer: testEd()}},
			HeaderCanonicalization: canon, BodyCanonicalization: canon,
			Headers: []string{"From", "To", "Subject", "X"},
		})
	}
	f.Fuzz(func(t *testing.T, msg []byte, relaxed bool) {
		sig, err := signers[relaxed].Sign(context.Background(), bytes.NewReader(msg))
		if err != nil {
			return
		}
		verifs, err := msgdkim.VerifyWithOptions(strings.NewReader(completed(t, sig+string(msg))), &msgdkim.VerifyOptions{LookupTXT: lookup})
		if err != nil {
			t.Fatalf("go-msgauth: %v", err)
		}
		if len(verifs) != 1 {
			t.Fatalf("go-msgauth found %d signatures in %q", len(verifs), sig+string(msg))
		}
		if verifs[0].Err != nil {
			t.Fatalf("go-msgauth does not verify %q: %v", sig+string(msg), verifs[0].Err)
		}
	})
}

// TestFromDomain reads the From values keysFor is given (each with its
// line end), folded or not, and unfolds only a folded one: an unfolded
// value costs no more allocations with its line end than without.
func TestFromDomain(t *testing.T) {
	for _, tc := range []struct{ v, want string }{
		{" Shop <news@Shop.Example>\r\n", "shop.example"},
		{" news@shop.example\n", "shop.example"},
		{" Shop\r\n <news@shop.example>\r\n", "shop.example"},
		{" Shop\n <news@shop.example>\n", "shop.example"},
		{" news@shop.example", "shop.example"},
	} {
		got, err := fromDomain(tc.v)
		if err != nil || got != tc.want {
			t.Errorf("fromDomain(%q) = %q, %v; want %q", tc.v, got, err, tc.want)
		}
	}
	bare := testing.AllocsPerRun(100, func() { fromDomain(" Shop <news@shop.example>") })
	ended := testing.AllocsPerRun(100, func() { fromDomain(" Shop <news@shop.example>\r\n") })
	if ended > bare {
		t.Errorf("an unfolded From value with its CRLF: %v allocations, %v without", ended, bare)
	}
}

// TestFromCache checks that the Signer's cache of From domains answers as
// fromDomain does, for values seen before and not, long ones and ones it
// cannot read; that it keeps its own copy of a value (not the header's
// text around it); that a value seen before costs no allocation; and that
// it stays within maxFromEntries.
func TestFromCache(t *testing.T) {
	var c fromCache
	long := " " + strings.Repeat("Shop ", maxCachedFrom/5) + "<news@long.example>\r\n"
	values := []string{
		" Shop <news@Shop.Example>\r\n",
		" Shop\r\n <news@sub.shop.example>\r\n",
		" news@other.example\n",
		long,
		" <news@>\r\n",                  // no domain
		" a@x.example, b@y.example\r\n", // authors in two domains
	}
	for round := range 2 { // the second round from the cache
		for _, v := range values {
			want, wantErr := fromDomain(v)
			got, err := c.domain(v)
			if got != want || (err == nil) != (wantErr == nil) {
				t.Errorf("round %d: domain(%q) = %q, %v; fromDomain gives %q, %v", round, v, got, err, want, wantErr)
			}
		}
	}
	if _, ok := c.m[long]; ok {
		t.Errorf("a value of %d octets was kept (limit %d)", len(long), maxCachedFrom)
	}
	header := "From: Shop <news@kept.example>\r\nSubject: x\r\n"
	v := header[len("From:"):strings.Index(header, "Subject")]
	c.domain(v)
	for k := range c.m {
		if k == v && unsafe.StringData(k) == unsafe.StringData(v) {
			t.Error("the cache holds the header's text, not a copy of the value")
		}
	}
	if n := testing.AllocsPerRun(100, func() { c.domain(values[0]) }); n != 0 {
		t.Errorf("a value seen before: %v allocations", n)
	}
	for i := range 3 * maxFromEntries {
		if d, err := c.domain(fmt.Sprintf(" n@d%d.example\r\n", i)); err != nil || d != fmt.Sprintf("d%d.example", i) {
			t.Fatalf("value %d: %q, %v", i, d, err)
		}
		if len(c.m) > maxFromEntries {
			t.Fatalf("%d entries, limit %d", len(c.m), maxFromEntries)
		}
	}
}

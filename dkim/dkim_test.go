package dkim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/authres"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// TestRFC8463Vectors verifies the signed message of RFC 8463 Appendix A.3
// (one Ed25519 and one RSA signature) with the keys of Appendix A.2 served
// by a real DNS server.
func TestRFC8463Vectors(t *testing.T) {
	msg, err := os.ReadFile("testdata/rfc8463-a3.eml")
	if err != nil {
		t.Fatal(err)
	}
	msg = bytes.ReplaceAll(msg, []byte("\n"), []byte("\r\n"))
	srv := resolvertest.New(t, "")
	addTXT(srv, "brisbane._domainkey.football.example.com", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	addTXT(srv, "test._domainkey.football.example.com", "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB")
	v := &Verifier{Resolver: testClient(srv)}
	res, err := v.Verify(context.Background(), bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ sel, algo string }{{"brisbane", "ed25519-sha256"}, {"test", "rsa-sha256"}}
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(res), len(want), res)
	}
	for i, w := range want {
		r := res[i]
		if r.Status != Pass || r.Err != nil || r.Selector != w.sel || r.Algorithm != w.algo ||
			r.Domain != "football.example.com" || r.Identifier != "@football.example.com" {
			t.Errorf("signature %d: %+v, want pass for s=%s a=%s", i, r, w.sel, w.algo)
		}
	}

	// The same message with its body changed fails both.
	bad := bytes.Replace(msg, []byte("hungry"), []byte("HUNGRY"), 1)
	res, err = v.Verify(context.Background(), bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != Fail || !errors.Is(r.Err, ErrBodyHash) {
			t.Errorf("changed body: s=%s %s %v, want fail with ErrBodyHash", r.Selector, r.Status, r.Err)
		}
	}
}

// TestRFC6376Canonicalization checks the example of RFC 6376 §3.4.6 against
// mxkit's canonicalization (used by ARC) and against the signatures the
// Signer makes (its own canonicalization): bh= must be the hash of the RFC's
// canonical body, and b= must verify over the RFC's canonical header.
func TestRFC6376Canonicalization(t *testing.T) {
	header := "A: X\r\nB : Y\t\r\n\tZ  \r\n"
	body := " C \r\nD \t E\r\n\r\n\r\n"
	cases := []struct {
		name       string
		canon      string
		wantHeader string
		wantBody   string
	}{
		{"relaxed", "relaxed", "a:X\r\nb:Y Z\r\n", " C\r\nD E\r\n"},
		{"simple", "simple", "A: X\r\nB : Y\t\r\n\tZ  \r\n", " C \r\nD \t E\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := readHeader(newBufReader(header+"\r\n"), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			var gotHeader string
			for _, f := range h.fields {
				if c.canon == "relaxed" {
					gotHeader += relaxedHeader(f.raw)
				} else {
					gotHeader += f.raw
				}
			}
			if gotHeader != c.wantHeader {
				t.Errorf("header: %q, want %q", gotHeader, c.wantHeader)
			}
			var b bytes.Buffer
			bc := newBodyCanonicalizer(&b, c.canon == "relaxed")
			bc.Write([]byte(body))
			bc.Close()
			if b.String() != c.wantBody {
				t.Errorf("body: %q, want %q", b.String(), c.wantBody)
			}

			// Through the Signer (its own canonicalization, not ARC's).
			key := testRSA()
			s, err := NewSigner(SignOptions{
				Keys:                   []Key{{Domain: "example.com", Selector: "s", Signer: key}},
				Headers:                []string{"From", "A", "B"},
				OverSign:               []string{},
				HeaderCanonicalization: c.canon, BodyCanonicalization: c.canon,
			})
			if err != nil {
				t.Fatal(err)
			}
			from := "From: a@example.com\r\n"
			sig, err := s.Sign(context.Background(), strings.NewReader(from+header+"\r\n"+body))
			if err != nil {
				t.Fatal(err)
			}
			_, value, _ := strings.Cut(sig, ":")
			tags, err := parseTags(value)
			if err != nil {
				t.Fatal(err)
			}
			bodyHash := sha256.Sum256([]byte(c.wantBody))
			if bh, _ := tagValue(tags, "bh"); removeWSP(bh) != base64.StdEncoding.EncodeToString(bodyHash[:]) {
				t.Errorf("bh=%s is not the hash of the RFC's canonical body", bh)
			}
			fromCanon := from
			sigCanon := stripB(sig)
			if c.canon == "relaxed" {
				fromCanon = relaxedHeader(from)
				sigCanon = relaxedHeader(sigCanon)
			}
			hash := sha256.Sum256([]byte(fromCanon + c.wantHeader + strings.TrimSuffix(sigCanon, "\r\n")))
			b64, _ := tagValue(tags, "b")
			raw, _ := base64.StdEncoding.DecodeString(removeWSP(b64))
			if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, hash[:], raw); err != nil {
				t.Errorf("b= does not verify over the RFC's canonical header: %v", err)
			}
		})
	}
}

func newTestSigner(t testing.TB, opts SignOptions) *Signer {
	t.Helper()
	s, err := NewSigner(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRoundTrip signs with RSA and Ed25519 keys of two domains in one pass
// and verifies every signature through DNS, for each canonicalization.
func TestRoundTrip(t *testing.T) {
	srv := resolvertest.New(t, "")
	publish(t, srv, "rsa", "football.example.com", testRSA().Public())
	publish(t, srv, "ed", "football.example.com", testEd().Public())
	publish(t, srv, "platform", "esp.example.net", testEd().Public())
	v := &Verifier{Resolver: testClient(srv)}
	for _, canon := range []string{"relaxed", "simple"} {
		t.Run(canon, func(t *testing.T) {
			s := newTestSigner(t, SignOptions{
				Keys: []Key{
					{Domain: "football.example.com", Selector: "rsa", Signer: testRSA(), Identifier: "joe@football.example.com"},
					{Domain: "football.example.com", Selector: "ed", Signer: testEd()},
					{Domain: "esp.example.net", Selector: "platform", Signer: testEd()},
				},
				HeaderCanonicalization: canon, BodyCanonicalization: canon,
				Expiration: 3600e9,
			})
			var out bytes.Buffer
			if err := s.SignTo(context.Background(), &out, strings.NewReader(testMessage)); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(out.String(), testMessage) {
				t.Fatalf("SignTo changed the message:\n%s", out.String())
			}
			res, err := v.Verify(context.Background(), &out)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 3 {
				t.Fatalf("%d results, want 3", len(res))
			}
			want := []struct{ d, s, a, i string }{
				{"football.example.com", "rsa", "rsa-sha256", "joe@football.example.com"},
				{"football.example.com", "ed", "ed25519-sha256", "@football.example.com"},
				{"esp.example.net", "platform", "ed25519-sha256", "@esp.example.net"},
			}
			for i, w := range want {
				r := res[i]
				if r.Status != Pass || r.Domain != w.d || r.Selector != w.s || r.Algorithm != w.a || r.Identifier != w.i || r.Expiration.IsZero() {
					t.Errorf("signature %d: %+v, want pass d=%s s=%s a=%s i=%s with x=", i, r, w.d, w.s, w.a, w.i)
				}
			}
		})
	}
}

// TestTampering checks that each change an attacker or a careless relay
// makes is caught with the right status and error.
func TestTampering(t *testing.T) {
	srv := resolvertest.New(t, "")
	publish(t, srv, "s1", "football.example.com", testRSA().Public())
	addTXT(srv, "revoked._domainkey.football.example.com", "v=DKIM1; k=rsa; p=")
	publish(t, srv, "testing", "football.example.com", testRSA().Public())
	srv.SetFault("broken._domainkey.football.example.com", 0, resolvertest.ServFail)
	sign := func(selector, msg string) string {
		s := newTestSigner(t, SignOptions{Keys: []Key{{Domain: "football.example.com", Selector: selector, Signer: testRSA()}}})
		sig, err := s.Sign(context.Background(), strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		return sig + msg
	}
	// t=y: the same key published in testing mode.
	txt, _ := TXTRecord(testRSA().Public())
	rec := strings.Replace(strings.Join(txt, ""), "v=DKIM1;", "v=DKIM1; t=y;", 1)
	addTXT(srv, "testmode._domainkey.football.example.com", rec[:250], rec[250:])

	cases := []struct {
		name   string
		msg    string
		status Status
		err    error
	}{
		{"untouched", sign("s1", testMessage), Pass, nil},
		{"body changed", strings.Replace(sign("s1", testMessage), "hungry", "thirsty", 1), Fail, ErrBodyHash},
		{"body appended", sign("s1", testMessage) + "P.S. click here\r\n", Fail, ErrBodyHash},
		{"signed header changed", strings.Replace(sign("s1", testMessage), "Subject: Is dinner ready?", "Subject: Wire money", 1), Fail, ErrSignature},
		{"second From added (over-signed)", "From: ceo@football.example.com\r\n" + sign("s1", testMessage), Fail, ErrSignature},
		{"second Subject added (over-signed)", strings.Replace(sign("s1", testMessage), "To: ", "Subject: urgent\r\nTo: ", 1), Fail, ErrSignature},
		{"l= with content appended", signWithLength(t, testMessage, "football.example.com", "s1", testRSA(), 40) + "Appended by an attacker\r\n", Fail, ErrBodyLength},
		{"hand-made signature verifies", signCustom(t, testMessage, "football.example.com", "s1", testRSA(), -1, ""), Pass, nil},
		{"expired (x= in the past)", signCustom(t, testMessage, "football.example.com", "s1", testRSA(), -1, "1000000600"), Permerror, ErrExpired},
		{"key revoked (empty p=)", sign("revoked", testMessage), Permerror, ErrKeyRevoked},
		{"no key (NXDOMAIN)", sign("missing", testMessage), Permerror, resolver.ErrNXDomain},
		{"key lookup SERVFAIL", sign("broken", testMessage), Temperror, resolver.ErrServFail},
		{"testing mode t=y", strings.Replace(sign("testmode", testMessage), "hungry", "thirsty", 1), Neutral, ErrBodyHash},
		{"sha1", strings.Replace(sign("s1", testMessage), "a=rsa-sha256", "a=rsa-sha1", 1), Permerror, ErrAlgorithm},
		{"missing d=", strings.Replace(sign("s1", testMessage), "d=football.example.com;", "", 1), Permerror, ErrSyntax},
	}
	v := &Verifier{Resolver: testClient(srv)}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := v.Verify(context.Background(), strings.NewReader(c.msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 {
				t.Fatalf("%d results, want 1", len(res))
			}
			r := res[0]
			if r.Status != c.status || (c.err == nil) != (r.Err == nil) || c.err != nil && !errors.Is(r.Err, c.err) {
				t.Errorf("got %s (%v), want %s (%v)", r.Status, r.Err, c.status, c.err)
			}
		})
	}
	t.Run("temperror wraps ErrKeyUnavailable", func(t *testing.T) {
		res, _ := v.Verify(context.Background(), strings.NewReader(sign("broken", testMessage)))
		if !errors.Is(res[0].Err, ErrKeyUnavailable) || !resolver.IsTemporary(res[0].Err) {
			t.Errorf("err %v: want ErrKeyUnavailable and a temporary resolver error", res[0].Err)
		}
	})
}

// TestSignRefuses checks the typed errors for messages and keys that
// would not verify.
func TestSignRefuses(t *testing.T) {
	s := newTestSigner(t, SignOptions{Keys: []Key{{Domain: "example.com", Selector: "s", Signer: testEd()}}})
	msgs := []struct {
		name string
		msg  string
		err  error
	}{
		{"no From", "To: a@example.com\r\n\r\nhi\r\n", ErrNoFrom},
		{"two From", "From: a@example.com\r\nFrom: b@example.com\r\n\r\nhi\r\n", ErrMultipleFrom},
		{"bad header name", "From: a@example.com\r\nX Bad: 1\r\n\r\nhi\r\n", ErrHeaderName},
		{"header too large", "From: a@example.com\r\nX-Big: " + strings.Repeat("a", 2<<20) + "\r\n\r\n", ErrHeaderTooLarge},
	}
	for _, c := range msgs {
		t.Run(c.name, func(t *testing.T) {
			if _, err := s.Sign(context.Background(), strings.NewReader(c.msg)); !errors.Is(err, c.err) {
				t.Errorf("got %v, want %v", err, c.err)
			}
		})
	}
	weak, _ := rsa.GenerateKey(randReader{}, 1024)
	opts := []struct {
		name string
		opts SignOptions
		err  error
	}{
		{"no key", SignOptions{}, ErrNoKey},
		{"RSA 1024", SignOptions{Keys: []Key{{Domain: "example.com", Selector: "s", Signer: weak}}}, ErrWeakKey},
		{"selector with CRLF", SignOptions{Keys: []Key{{Domain: "example.com", Selector: "s\r\nBcc: x", Signer: testEd()}}}, ErrKeyName},
		{"identifier outside domain", SignOptions{Keys: []Key{{Domain: "example.com", Selector: "s", Signer: testEd(), Identifier: "@evil.test"}}}, ErrKeyName},
		{"bad header in list", SignOptions{Keys: []Key{{Domain: "example.com", Selector: "s", Signer: testEd()}}, Headers: []string{"From", "Sub ject"}}, ErrHeaderName},
		{"unknown canonicalization", SignOptions{Keys: []Key{{Domain: "example.com", Selector: "s", Signer: testEd()}}, BodyCanonicalization: "nowsp"}, ErrAlgorithm},
	}
	for _, c := range opts {
		t.Run(c.name, func(t *testing.T) {
			if _, err := NewSigner(c.opts); !errors.Is(err, c.err) {
				t.Errorf("got %v, want %v", err, c.err)
			}
		})
	}
}

// failingSigner is a crypto.Signer whose Sign fails, as an HSM or KMS
// might: the error must come back wrapped, naming the key.
type failingSigner struct{ crypto.Signer }

var errHSM = errors.New("hsm unavailable")

func (failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) { return nil, errHSM }

func TestSignKeyFails(t *testing.T) {
	s := newTestSigner(t, SignOptions{Keys: []Key{{Domain: "example.com", Selector: "hsm", Signer: failingSigner{testEd()}}}})
	_, err := s.Sign(context.Background(), strings.NewReader(testMessage))
	if !errors.Is(err, errHSM) || !strings.Contains(err.Error(), "hsm._domainkey.example.com") {
		t.Errorf("got %v, want errHSM naming the key", err)
	}
}

// randReader is crypto/rand for the weak test key.
type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return cryptoRandRead(p) }

// TestKeyStores signs for customers' domains picked by From, with the
// in-memory store and with PEM files, and rotates a key without a restart.
func TestKeyStores(t *testing.T) {
	srv := resolvertest.New(t, "")
	v := &Verifier{Resolver: uncached(srv)}
	verifyOne := func(t *testing.T, msg string, want string) {
		t.Helper()
		res, err := v.Verify(context.Background(), strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res {
			if r.Status != Pass {
				t.Errorf("%s._domainkey.%s: %s %v", r.Selector, r.Domain, r.Status, r.Err)
			}
			got = append(got, r.Selector+"@"+r.Domain)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("signed by %q, want %q", got, want)
		}
	}
	customer := "From: Shop <news@customer.example>\r\nSubject: Sale\r\n\r\nCheap.\r\n"
	sub := "From: Shop <news@mail.customer.example>\r\nSubject: Sale\r\n\r\nCheap.\r\n"
	other := "From: someone@other.example\r\nSubject: x\r\n\r\nx\r\n"

	t.Run("memory", func(t *testing.T) {
		var store MemoryStore
		store.Set("customer.example", Key{Domain: "customer.example", Selector: "m1", Signer: testEd()})
		publish(t, srv, "m1", "customer.example", testEd().Public())
		publish(t, srv, "esp", "esp.example.net", testEd().Public())
		s := newTestSigner(t, SignOptions{Store: &store, Keys: []Key{{Domain: "esp.example.net", Selector: "esp", Signer: testEd()}}})
		for _, c := range []struct{ msg, want string }{
			{customer, "esp@esp.example.net m1@customer.example"},
			{sub, "esp@esp.example.net m1@customer.example"},
			{other, "esp@esp.example.net"},
		} {
			sig, err := s.Sign(context.Background(), strings.NewReader(c.msg))
			if err != nil {
				t.Fatal(err)
			}
			verifyOne(t, sig+c.msg, c.want)
		}
		storeOnly := newTestSigner(t, SignOptions{Store: &store})
		if _, err := storeOnly.Sign(context.Background(), strings.NewReader(other)); !errors.Is(err, ErrNoKey) {
			t.Errorf("no key for other.example: got %v, want ErrNoKey", err)
		}
		// An internationalised domain: the key set under the Unicode
		// name signs mail from either form, with d= in A-labels.
		store.Set("Bücher.Example", Key{Domain: "bücher.example", Selector: "idn", Signer: testEd()})
		publish(t, srv, "idn", "xn--bcher-kva.example", testEd().Public())
		for _, from := range []string{"info@bücher.example", "info@XN--BCHER-KVA.example"} {
			msg := "From: " + from + "\r\nSubject: IDN\r\n\r\nHallo.\r\n"
			sig, err := storeOnly.Sign(context.Background(), strings.NewReader(msg))
			if err != nil {
				t.Fatalf("%s: %v", from, err)
			}
			if !strings.Contains(sig, "d=xn--bcher-kva.example") {
				t.Errorf("%s: signature %q, want d= in A-labels", from, sig)
			}
			verifyOne(t, sig+msg, "idn@xn--bcher-kva.example")
		}
	})

	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "customer.example"), 0o700)
		write := func(selector string, key crypto.Signer) {
			pemData, err := MarshalPrivateKey(key)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "customer.example", selector+".pem"), pemData, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write("2024", testRSA())
		publish(t, srv, "2024", "customer.example", testRSA().Public())
		s := newTestSigner(t, SignOptions{Store: &DirStore{Dir: dir}})
		sig, err := s.Sign(context.Background(), strings.NewReader(customer))
		if err != nil {
			t.Fatal(err)
		}
		verifyOne(t, sig+customer, "2024@customer.example")

		// Rotation: a new selector appears, the old one goes.
		newKey, err := GenerateKey("ed25519")
		if err != nil {
			t.Fatal(err)
		}
		write("2025", newKey)
		publish(t, srv, "2025", "customer.example", newKey.Public())
		os.Remove(filepath.Join(dir, "customer.example", "2024.pem"))
		sig, err = s.Sign(context.Background(), strings.NewReader(customer))
		if err != nil {
			t.Fatal(err)
		}
		verifyOne(t, sig+customer, "2025@customer.example")

		// A From domain that would escape the directory is refused.
		evil := "From: x@..\r\n\r\nx\r\n"
		if _, err := s.Sign(context.Background(), strings.NewReader(evil)); err == nil {
			t.Error("From domain '..' accepted")
		}
		if _, err := (&DirStore{Dir: dir}).Keys(context.Background(), "../etc"); err == nil {
			t.Error("DirStore accepted ../etc")
		}
	})
}

// TestKeys covers PEM loading, generation and TXT records.
func TestKeys(t *testing.T) {
	pkcs8, err := MarshalPrivateKey(testRSA())
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := pemEncode("RSA PRIVATE KEY", x509MarshalPKCS1(testRSA()))
	edPEM, err := MarshalPrivateKey(testEd())
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"PKCS#8 RSA": pkcs8, "PKCS#1 RSA": pkcs1, "PKCS#8 Ed25519": edPEM} {
		k, err := ParsePrivateKey(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		txt, err := TXTRecord(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range txt {
			if len(s) > 255 {
				t.Errorf("%s: TXT string of %d bytes", name, len(s))
			}
		}
		rec, err := parseKeyRecord(strings.Join(txt, ""))
		if err != nil {
			t.Errorf("%s: TXT record %q does not parse: %v", name, txt, err)
			continue
		}
		if !publicEqual(rec.pub, k.Public()) {
			t.Errorf("%s: TXT record holds another key", name)
		}
	}
	txt, _ := TXTRecord(testRSA().Public())
	if len(txt) != 2 {
		t.Errorf("RSA-2048 record in %d strings, want 2", len(txt))
	}
	for _, bad := range []string{"", "not pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"} {
		if _, err := ParsePrivateKey([]byte(bad)); !errors.Is(err, ErrKeyFormat) {
			t.Errorf("ParsePrivateKey(%q): %v, want ErrKeyFormat", bad, err)
		}
	}
	if _, err := GenerateKey("dsa"); !errors.Is(err, ErrKeyType) {
		t.Errorf("GenerateKey(dsa): %v, want ErrKeyType", err)
	}
}

// TestVerifyLimitsAndAuthRes checks MaxSignatures, unsigned messages and the
// Authentication-Results entry.
func TestVerifyLimitsAndAuthRes(t *testing.T) {
	srv := resolvertest.New(t, "")
	publish(t, srv, "a", "example.com", testEd().Public())
	keys := []Key{
		{Domain: "example.com", Selector: "a", Signer: testEd()},
		{Domain: "example.com", Selector: "a", Signer: testEd()},
		{Domain: "example.com", Selector: "a", Signer: testEd()},
	}
	s := newTestSigner(t, SignOptions{Keys: keys})
	msg := "From: a@example.com\r\n\r\nbody\r\n"
	sig, err := s.Sign(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Resolver: testClient(srv), MaxSignatures: 2}
	res, err := v.Verify(context.Background(), strings.NewReader(sig+msg))
	if err != nil || len(res) != 2 {
		t.Fatalf("got %d results, %v; want 2", len(res), err)
	}
	res, err = v.Verify(context.Background(), strings.NewReader(msg))
	if err != nil || len(res) != 0 {
		t.Errorf("unsigned: %d results, %v", len(res), err)
	}
	big := "X-Big: " + strings.Repeat("a", 2000) + "\r\n" + sig + msg
	if _, err := (&Verifier{Resolver: testClient(srv), MaxHeaderBytes: 1000}).Verify(context.Background(), strings.NewReader(big)); !errors.Is(err, ErrHeaderTooLarge) {
		t.Errorf("header over MaxHeaderBytes: %v, want ErrHeaderTooLarge", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.Verify(ctx, strings.NewReader(sig+msg)); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v, want context.Canceled", err)
	}
	// A message that ends with its header (no empty line, no body).
	noBody := "From: a@example.com\r\nSubject: x"
	sig, err = s.Sign(context.Background(), strings.NewReader(noBody))
	if err != nil {
		t.Fatal(err)
	}
	res, err = v.Verify(context.Background(), strings.NewReader(sig+noBody))
	if err != nil || len(res) != 2 || res[0].Status != Pass {
		t.Errorf("message without body: %+v, %v", res, err)
	}
	line := authres.Format("mx.example.org", []authres.Result{Result{Status: Pass, Domain: "example.com", Identifier: "@example.com"}.AuthResult()})
	if want := "mx.example.org; dkim=pass header.d=example.com header.i=@example.com"; line != want {
		t.Errorf("Authentication-Results %q, want %q", line, want)
	}
	fail := Result{Status: Fail, Domain: "example.com", Err: ErrBodyHash}.AuthResult()
	if fail.Value != authres.ResultFail || !strings.Contains(fail.Reason, "body hash") {
		t.Errorf("fail entry %+v", fail)
	}
}

// TestConcurrentSigning uses one Signer from several goroutines.
func TestConcurrentSigning(t *testing.T) {
	srv := resolvertest.New(t, "")
	publish(t, srv, "ed", "football.example.com", testEd().Public())
	s := newTestSigner(t, SignOptions{Keys: []Key{{Domain: "football.example.com", Selector: "ed", Signer: testEd()}}})
	v := &Verifier{Resolver: testClient(srv)}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			msg := strings.Replace(testMessage, "Joe.", "Joe "+strings.Repeat("x", i)+".", 1)
			sig, err := s.Sign(context.Background(), strings.NewReader(msg))
			if err != nil {
				errs <- err
				return
			}
			res, err := v.Verify(context.Background(), strings.NewReader(sig+msg))
			if err != nil || len(res) != 1 || res[0].Status != Pass {
				errs <- errors.New("concurrent signature did not verify")
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestContextCanceled stops signing and verifying when ctx is done.
func TestContextCanceled(t *testing.T) {
	s := newTestSigner(t, SignOptions{Keys: []Key{{Domain: "example.com", Selector: "a", Signer: testEd()}}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Sign(ctx, strings.NewReader(testMessage)); !errors.Is(err, context.Canceled) {
		t.Errorf("Sign: %v, want context.Canceled", err)
	}
}

package dkim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"

	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// sentinels are the verdict classes Result.Err can wrap.
var sentinels = []error{ErrSyntax, ErrExpired, ErrAlgorithm, ErrKeyNotFound, ErrKeyUnavailable,
	ErrKeyRevoked, ErrKeySyntax, ErrBodyLength, ErrBodyHash, ErrSignature}

func sentinelOf(err error) error {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// sameVerdicts verifies msg with the Verifier and with the go-msgauth
// oracle, and reports every difference: the error, the number of results,
// and for each its status, error class and fields.
func sameVerdicts(t testing.TB, v *Verifier, msg []byte) []Result {
	t.Helper()
	ctx := context.Background()
	got, gerr := v.Verify(ctx, bytes.NewReader(msg))
	want, werr := oracleVerify(ctx, v.Resolver, bytes.NewReader(msg), v.MaxSignatures, v.MaxHeaderBytes)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("error %v, go-msgauth %v\n%q", gerr, werr, msg)
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, go-msgauth %d\n%q", len(got), len(want), msg)
	}
	for i := range got {
		g, w := got[i], want[i]
		if w.Err != nil && strings.Contains(w.Err.Error(), "unknown go-msgauth error") {
			t.Fatalf("oracle: %v", w.Err)
		}
		if g.Status != w.Status || sentinelOf(g.Err) != sentinelOf(w.Err) {
			t.Fatalf("signature %d: %s (%v), go-msgauth %s (%v)\n%q", i, g.Status, g.Err, w.Status, w.Err, msg)
		}
		if g.Domain != w.Domain || g.Selector != w.Selector || g.Algorithm != w.Algorithm || g.Identifier != w.Identifier ||
			!slices.Equal(g.HeaderKeys, w.HeaderKeys) || !g.Time.Equal(w.Time) || !g.Expiration.Equal(w.Expiration) {
			t.Fatalf("signature %d:\n got %+v\nwant %+v\n%q", i, g, w, msg)
		}
	}
	return got
}

// diffEnv is a DNS server with the keys of the differential tests.
type diffEnv struct {
	srv     *resolvertest.Server
	v       *Verifier
	rsa1024 *rsa.PrivateKey
}

func newDiffEnv(t testing.TB) *diffEnv {
	t.Helper()
	srv := resolvertest.New(t, "")
	d := &diffEnv{srv: srv, v: &Verifier{Resolver: testClient(srv)}}
	dom := "football.example.com"
	publish(t, srv, "rsa", dom, testRSA().Public())
	publish(t, srv, "ed", dom, testEd().Public())
	rsaTXT, _ := TXTRecord(testRSA().Public())
	edTXT, _ := TXTRecord(testEd().Public())
	rsaRec, edRec := strings.Join(rsaTXT, ""), strings.Join(edTXT, "")
	_, rsaP, _ := strings.Cut(rsaRec, "p=")
	pkcs1 := base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&testRSA().PublicKey))
	for sel, rec := range map[string]string{
		"testing":  rsaRec + "; t=y",
		"testing2": "v=DKIM1; t=s:y; p=" + rsaP,
		"revoked":  "v=DKIM1; k=rsa; p=",
		"garbled":  "v=DKIM1; k=rsa; p=QUJD!!",
		"nop":      "v=DKIM1; k=rsa",
		"badver":   "v=DKIM2; p=" + rsaP,
		"vlast":    "p=" + rsaP + "; v=DKIM1",
		"sha1only": "v=DKIM1; h=sha1; p=" + rsaP,
		"sha256":   "v=DKIM1; h=sha1:sha256; p=" + rsaP,
		"service":  "v=DKIM1; s=other; p=" + rsaP,
		"anysvc":   "v=DKIM1; s=*; p=" + rsaP,
		"edasrsa":  strings.Replace(edRec, "k=ed25519", "k=rsa", 1),
		"ktype":    "v=DKIM1; k=dsa; p=" + rsaP,
		"pkcs1":    "v=DKIM1; p=" + pkcs1,
		"spaced":   "v=DKIM1; p=" + rsaP[:40] + " " + rsaP[40:],
		"edshort":  "v=DKIM1; k=ed25519; p=QUJD",
		"dup":      "v=DKIM1; p=" + rsaP + "; p=" + rsaP,
		"badtags":  "v=DKIM1; junk; p=" + rsaP,
	} {
		addTXT(srv, sel+"._domainkey."+dom, splitTXT(rec)...)
	}
	addTXT(srv, "multi._domainkey."+dom, rsaTXT...)
	addTXT(srv, "multi._domainkey."+dom, edTXT...)
	srv.SetFault("servfail._domainkey."+dom, dns.TypeTXT, resolvertest.ServFail)
	k1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	d.rsa1024 = k1024
	publish(t, srv, "r1024", dom, k1024.Public())
	return d
}

func splitTXT(s string) []string {
	var out []string
	for len(s) > 255 {
		out = append(out, s[:255])
		s = s[255:]
	}
	return append(out, s)
}

// messages to sign: CRLF, bare LF, trailing blank lines and white space,
// an empty body, no body at all, folded and repeated header fields.
var diffMessages = []string{
	testMessage,
	strings.ReplaceAll(testMessage, "\r\n", "\n"),
	"From: a@football.example.com\r\nSubject:  spaced \t out \r\n\t folded\r\nTo: x@y.example\r\nTo: z@y.example\r\n\r\n  lead\t \r\n\r\ntrailing  \t\r\n\r\n\r\n",
	"From: a@football.example.com\r\nSubject: empty body\r\n\r\n",
	"From: a@football.example.com\r\nSubject: no body",
	"From: a@football.example.com\r\nsubject: case\r\nX-Odd : spaced name\r\n\r\nbody\rwith bare CR\r\nand \x00 NUL\r\n",
}

func (d *diffEnv) sign(t testing.TB, msg string, sel string, key crypto.Signer, hc, bc string) string {
	t.Helper()
	s, err := NewSigner(SignOptions{Keys: []Key{{Domain: "football.example.com", Selector: sel, Signer: key}},
		HeaderCanonicalization: hc, BodyCanonicalization: bc})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.Sign(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// variants returns a signed message and the ways it can go wrong.
func (d *diffEnv) variants(t testing.TB) [][]byte {
	var out [][]byte
	add := func(s string) { out = append(out, []byte(s)) }
	for _, msg := range diffMessages {
		for _, can := range [][2]string{{"relaxed", "relaxed"}, {"simple", "simple"}, {"relaxed", "simple"}, {"simple", "relaxed"}} {
			for _, k := range []struct {
				sel string
				key crypto.Signer
			}{{"rsa", testRSA()}, {"ed", testEd()}} {
				add(d.sign(t, msg, k.sel, k.key, can[0], can[1]) + msg)
			}
		}
		// go-msgauth as the signer.
		var b bytes.Buffer
		if err := msgdkim.Sign(&b, strings.NewReader(msg), &msgdkim.SignOptions{Domain: "football.example.com", Selector: "ed", Signer: testEd(),
			HeaderCanonicalization: msgdkim.CanonicalizationSimple, BodyCanonicalization: msgdkim.CanonicalizationRelaxed}); err == nil {
			add(b.String())
		}
	}
	msg := testMessage
	sig := d.sign(t, msg, "rsa", testRSA(), "relaxed", "relaxed")
	ed := d.sign(t, msg, "ed", testEd(), "relaxed", "relaxed")
	add(sig + ed + msg)
	add(sig + ed + msg + "tampered\r\n")
	add(ed + sig + strings.Replace(msg, "dinner", "lunch", 1))
	add(sig + strings.Replace(msg, "dinner", "lunch", 1))
	add(strings.Replace(sig, "b=", "b=AAAA", 1) + msg)
	add(strings.Replace(sig, "bh=", "bh=AAAA", 1) + msg)
	add(strings.Replace(sig, "bh=", "bh=!!", 1) + msg)
	add(strings.Replace(sig, "b=", "b=!!", 1) + msg)
	add(sig + "From: second@football.example.com\r\n" + msg)
	add("X-Before: 1\r\n" + sig + "X-After: 2\r\n" + msg)
	add(strings.ToUpper(sig[:14]) + sig[14:] + msg)
	add(" " + sig + msg)
	for _, r := range [][2]string{
		{"v=1; ", ""}, {"v=1;", "v=2;"}, {"v=1;", "v=1; v=1;"}, {"a=rsa-sha256", "a=rsa-sha1"}, {"a=rsa-sha256", "a=rsa"},
		{"a=rsa-sha256", "a=ed25519-sha256"}, {"a=rsa-sha256", "a=rsa-sha512"}, {"a=rsa-sha256", "a=RSA-SHA256"},
		{"c=relaxed/relaxed", "c=relaxed/"}, {"c=relaxed/relaxed", "c=Relaxed/relaxed"}, {"c=relaxed/relaxed", "c=relaxed"},
		{"c=relaxed/relaxed", "c=relaxed/foo"}, {"c=relaxed/relaxed; ", ""}, {"d=football.example.com", "d=Football.Example.COM"},
		{"d=football.example.com", "d=other.example"}, {"d=football.example.com", "d=football.example.com; i=@football.example.com"},
		{"d=football.example.com", "d=football.example.com; i=joe@sub.football.example.com"},
		{"d=football.example.com", "d=football.example.com; i=joe@elsewhere.example"},
		{"d=football.example.com", "d=football.example.com; i= joe @ football.example.com"},
		{"d=football.example.com", "d=football.example.com; l=10"}, {"d=football.example.com", "d=football.example.com; q=dns/txt"},
		{"d=football.example.com", "d=football.example.com; q=http/well-known"}, {"d=football.example.com", "d=football.example.com; q=foo:dns/txt"},
		{"d=football.example.com", "d=football.example.com; x=1000"}, {"d=football.example.com", "d=football.example.com; x=99999999999"},
		{"d=football.example.com", "d=football.example.com; x=soon"}, {"d=football.example.com", "d=football.example.com; z=a|b=c"},
		{"d=football.example.com", "d=football.example.com; junk"}, {"d=football.example.com", "d=football.example.com; =x"},
		{"d=football.example.com", "d=football.example.com; xb=123"},
		{"s=rsa", "s=nosuchkey"}, {"s=rsa", "s=servfail"}, {"s=rsa", "s=multi"}, {"s=rsa", "s=r1024"}, {"s=rsa", "s= rsa "},
		{"h=From:", "h=To:"}, {"h=From:", "h=from:FROM:"}, {"h=From:", "h= From : X-Missing :"},
	} {
		add(strings.Replace(sig, r[0], r[1], 1) + msg)
	}
	for _, sel := range []string{"testing", "testing2", "revoked", "garbled", "nop", "badver", "vlast", "sha1only", "sha256",
		"service", "anysvc", "edasrsa", "ktype", "pkcs1", "spaced", "edshort", "dup", "badtags", "nosuchkey", "servfail", "multi"} {
		s := d.sign(t, msg, sel, testRSA(), "relaxed", "relaxed")
		add(s + msg)
		add(s + msg + "tampered\r\n")
	}
	// mxkit signs with no RSA key under 2048 bits; go-msgauth does, and
	// both verify 1024 (RFC 8301 §3.2).
	var b bytes.Buffer
	if err := msgdkim.Sign(&b, strings.NewReader(msg), &msgdkim.SignOptions{Domain: "football.example.com", Selector: "r1024", Signer: d.rsa1024}); err != nil {
		t.Fatal(err)
	}
	add(b.String())
	// More signatures than MaxSignatures.
	many := ""
	for i := 0; i < DefaultMaxSignatures+2; i++ {
		many += ed
	}
	add(many + msg)
	// l= signatures made without go-msgauth.
	add(signWithLength(t.(*testing.T), msg, "football.example.com", "rsa", testRSA(), 10))
	return out
}

// TestVerifyDifferential checks the Verifier against go-msgauth on
// signatures made by mxkit and by go-msgauth, with every canonicalization,
// and on each way a signature, a key record or a message can fail.
func TestVerifyDifferential(t *testing.T) {
	d := newDiffEnv(t)
	counts := map[Status]int{}
	for _, m := range d.variants(t) {
		for _, r := range sameVerdicts(t, d.v, m) {
			counts[r.Status]++
		}
	}
	// The cases must reach every verdict.
	for _, s := range []Status{Pass, Fail, Neutral, Permerror, Temperror} {
		if counts[s] == 0 {
			t.Errorf("no %s among the cases: %v", s, counts)
		}
	}
	t.Logf("verdicts: %v", counts)
}

// FuzzVerifyDifferential: any message, any mutation of a signed one,
// gets the same verdicts from the Verifier as from go-msgauth.
func FuzzVerifyDifferential(f *testing.F) {
	d := newDiffEnv(f)
	for _, m := range diffMessages {
		f.Add([]byte(d.sign(f, m, "rsa", testRSA(), "relaxed", "relaxed") + m))
		f.Add([]byte(d.sign(f, m, "ed", testEd(), "simple", "simple") + m))
		f.Add([]byte(d.sign(f, m, "testing", testRSA(), "simple", "relaxed") + m))
	}
	f.Add([]byte("DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=rsa; h=from; bh=; b=\r\nFrom: a\r\n\r\n"))
	f.Add([]byte(" DKIM-Signature: v=1\r\n\tb=x;\n\nbody"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		sameVerdicts(t, d.v, msg)
	})
}

// goMsgauthRemoveB is the regular expression go-msgauth empties b= with.
var goMsgauthRemoveB = regexp.MustCompile(`(b\s*=)[^;]+`)

// FuzzRemoveB checks the b= removal against go-msgauth's regular
// expression, on fields where a tag name or value also holds "b=".
func FuzzRemoveB(f *testing.F) {
	for _, s := range []string{
		"DKIM-Signature: a=1; b=abc; bh=xyz\r\n", "DKIM-Signature: b = abc\r\n def\r\n", "DKIM-Signature: b=;bh=x",
		"DKIM-Signature: xb=1; b=2", "DKIM-Signature: b=", "DKIM-Signature: b\t\f\r\n=x;y", "DKIM-Signature: b\v=x",
		"DKIM-Signature: z=Subject:ab=c\xff; b=d", "b=\xffb=b==;b=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := removeB(s), goMsgauthRemoveB.ReplaceAllString(s, "$1"); got != want {
			t.Fatalf("removeB(%q) = %q, go-msgauth %q", s, got, want)
		}
	})
}

package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/authres"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// env is a DNS zone with SPF, DMARC and DKIM records for example.com
// (mail from 192.0.2.7), local.example (mail from 127.0.0.1) and the ARC
// key of lists.example.org, and the private keys.
type env struct {
	dns              string
	rsaKey           *rsa.PrivateKey
	edKey            ed25519.PrivateKey
	txt              map[string]string // the DKIM records, for dkimpy
	rsaPEM, edSeed64 string
}

var testEnv = sync.OnceValues(func() (*env, error) {
	r, err := dkim.GenerateKey("rsa")
	if err != nil {
		return nil, err
	}
	e, err := dkim.GenerateKey("ed25519")
	if err != nil {
		return nil, err
	}
	v := &env{rsaKey: r.(*rsa.PrivateKey), edKey: e.(ed25519.PrivateKey), txt: map[string]string{}}
	v.rsaPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(v.rsaKey)}))
	v.edSeed64 = base64.StdEncoding.EncodeToString(v.edKey.Seed())
	zone := "example.com. TXT \"v=spf1 ip4:192.0.2.7 -all\"\n" +
		"_dmarc.example.com. TXT \"v=DMARC1; p=reject\"\n" +
		"local.example. TXT \"v=spf1 ip4:127.0.0.1 -all\"\n" +
		"_dmarc.local.example. TXT \"v=DMARC1; p=quarantine\"\n"
	for _, k := range []struct {
		name string
		pub  crypto.PublicKey
	}{
		{"rsa._domainkey.example.com.", v.rsaKey.Public()}, {"ed._domainkey.example.com.", v.edKey.Public()},
		{"rsa._domainkey.local.example.", v.rsaKey.Public()}, {"arc._domainkey.lists.example.org.", v.rsaKey.Public()},
	} {
		txt, err := dkim.TXTRecord(k.pub)
		if err != nil {
			return nil, err
		}
		v.txt[k.name] = strings.Join(txt, "")
		zone += fmt.Sprintf("%s TXT \"%s\"\n", k.name, strings.Join(txt, "\" \""))
	}
	srv, err := resolvertest.Start(zone)
	if err != nil {
		return nil, err
	}
	v.dns = srv.Addr() // left running for the test binary's life
	return v, nil
})

func getEnv(t *testing.T) *env {
	t.Helper()
	e, err := testEnv()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const message = "From: News <news@example.com>\r\nTo: <rcpt@mx.example.org>\r\nSubject: Weekly results\r\n" +
	"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\nMessage-ID: <w1@example.com>\r\n\r\n" +
	"We lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n"

// dkimpy runs testdata/dkimpy.py, or skips the test without python3-dkim.
func dkimpy(t *testing.T, req map[string]any) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import dkim, nacl, authres").Run(); err != nil {
		t.Skip("dkimpy not installed (Debian packages python3-dkim, python3-nacl and python3-authres): skipping")
	}
	in, _ := json.Marshal(req)
	cmd := exec.Command(py, "testdata/dkimpy.py")
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("dkimpy %s: %v\n%s", req["op"], err, errb.String())
	}
	return strings.ReplaceAll(strings.ReplaceAll(out.String(), "\r\n", "\n"), "\n", "\r\n")
}

// filter runs the command on msg from ip and returns the output and the
// results of its Authentication-Results field, by method.
func filter(t *testing.T, msg, ip, mailFrom string) (string, map[string][]authres.Result) {
	t.Helper()
	e := getEnv(t)
	var out, errw bytes.Buffer
	args := []string{"-authserv-id", "mx.example.org", "-dns", e.dns, "-ip", ip, "-helo", "mail.example.com", "-mail-from", mailFrom}
	if err := run(context.Background(), args, strings.NewReader(msg), &out, &errw, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, errw.String())
	}
	return out.String(), results(t, out.String())
}

// results parses the first Authentication-Results field of msg, which
// must be its first field, with go-msgauth's parser.
func results(t *testing.T, msg string) map[string][]authres.Result {
	t.Helper()
	if !strings.HasPrefix(msg, "Authentication-Results: mx.example.org;") {
		t.Fatalf("no Authentication-Results first:\n%s", msg)
	}
	lines := strings.Split(msg, "\r\n")
	value := strings.TrimPrefix(lines[0], "Authentication-Results:")
	for _, l := range lines[1:] {
		if l == "" || l[0] != '\t' && l[0] != ' ' {
			break
		}
		value += " " + strings.TrimSpace(l)
	}
	id, rs, err := authres.Parse(value)
	if err != nil || id != "mx.example.org" {
		t.Fatalf("Authentication-Results %q: %v", value, err)
	}
	by := map[string][]authres.Result{}
	for _, r := range rs {
		m := resultMethod(r)
		by[m] = append(by[m], r)
	}
	return by
}

func resultMethod(r authres.Result) string {
	switch r := r.(type) {
	case *authres.SPFResult:
		return "spf"
	case *authres.DKIMResult:
		return "dkim"
	case *authres.DMARCResult:
		return "dmarc"
	case *authres.ARCResult:
		return "arc"
	case *authres.GenericResult:
		return r.Method
	}
	return fmt.Sprintf("%T", r)
}

// value is the result value of r.
func value(r authres.Result) authres.ResultValue {
	switch r := r.(type) {
	case *authres.SPFResult:
		return r.Value
	case *authres.DKIMResult:
		return r.Value
	case *authres.DMARCResult:
		return r.Value
	case *authres.ARCResult:
		return r.Value
	case *authres.GenericResult:
		return r.Value
	}
	return ""
}

// want checks the methods' values; for dkim, one per signature in order.
func want(t *testing.T, name string, got map[string][]authres.Result, w map[string][]authres.ResultValue) {
	t.Helper()
	for method, values := range w {
		rs := got[method]
		if len(rs) != len(values) {
			t.Errorf("%s: %d %s results, want %d: %+v", name, len(rs), method, len(values), rs)
			continue
		}
		for i, v := range values {
			if value(rs[i]) != v {
				t.Errorf("%s: %s[%d] = %s, want %s (%+v)", name, method, i, value(rs[i]), v, rs[i])
			}
		}
	}
}

func mxkitSign(t *testing.T, msg string, keys ...dkim.Key) string {
	t.Helper()
	s, err := dkim.NewSigner(dkim.SignOptions{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.Sign(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	return sig + msg
}

// TestSignedByMxkit: a message signed by mxkit with RSA and Ed25519 from
// the right address passes everything; from another it fails SPF but
// DMARC still passes through DKIM; altered, both fail.
func TestSignedByMxkit(t *testing.T) {
	e := getEnv(t)
	signed := mxkitSign(t, message,
		dkim.Key{Domain: "example.com", Selector: "rsa", Signer: e.rsaKey},
		dkim.Key{Domain: "example.com", Selector: "ed", Signer: e.edKey})
	var pass, fail, none authres.ResultValue = authres.ResultPass, authres.ResultFail, authres.ResultNone
	_, got := filter(t, signed, "192.0.2.7", "news@example.com")
	want(t, "signed", got, map[string][]authres.ResultValue{"spf": {pass}, "dkim": {pass, pass}, "dmarc": {pass}, "arc": {none}})
	if d := got["dkim"][0].(*authres.DKIMResult); d.Domain != "example.com" {
		t.Errorf("header.d %q", d.Domain)
	}
	_, got = filter(t, signed, "198.51.100.1", "news@example.com")
	want(t, "other address", got, map[string][]authres.ResultValue{"spf": {fail}, "dkim": {pass, pass}, "dmarc": {pass}})
	_, got = filter(t, strings.Replace(signed, "hungry", "thirsty", 1), "198.51.100.1", "news@example.com")
	want(t, "altered", got, map[string][]authres.ResultValue{"spf": {fail}, "dkim": {fail, fail}, "dmarc": {fail}})
	_, got = filter(t, message, "192.0.2.7", "")
	want(t, "unsigned bounce", got, map[string][]authres.ResultValue{"spf": {none}, "dkim": {none}, "dmarc": {fail}})

	// dkimpy, an independent verifier, accepts what mxkit signed.
	if v := dkimpy(t, map[string]any{"op": "verify", "msg": signed, "txt": e.txt}); v != "pass" {
		t.Errorf("dkimpy: %s", v)
	}
}

// TestSignedByDkimpy: signatures made by dkimpy, RSA and Ed25519, with
// relaxed/simple and simple/simple, verify; altered, they fail.
func TestSignedByDkimpy(t *testing.T) {
	e := getEnv(t)
	msg := message
	for _, s := range []map[string]any{
		{"selector": "rsa", "key": e.rsaPEM, "alg": "rsa-sha256", "canon": "relaxed/simple"},
		{"selector": "ed", "key": e.edSeed64, "alg": "ed25519-sha256", "canon": "simple/simple"},
	} {
		s["op"], s["msg"], s["domain"] = "sign", msg, "example.com"
		msg = dkimpy(t, s) + msg
	}
	var pass, fail authres.ResultValue = authres.ResultPass, authres.ResultFail
	_, got := filter(t, msg, "192.0.2.7", "news@example.com")
	want(t, "dkimpy", got, map[string][]authres.ResultValue{"spf": {pass}, "dkim": {pass, pass}, "dmarc": {pass}})
	_, got = filter(t, strings.Replace(msg, "Weekly", "Daily", 1), "192.0.2.7", "news@example.com")
	want(t, "dkimpy, subject changed", got, map[string][]authres.ResultValue{"dkim": {fail, fail}, "dmarc": {pass}})
}

// TestARC: a list that checked the message and sealed it (dkimpy, then
// mxkit as a second hop) gives arc=pass; a changed seal gives arc=fail.
func TestARC(t *testing.T) {
	e := getEnv(t)
	signed := mxkitSign(t, message, dkim.Key{Domain: "example.com", Selector: "rsa", Signer: e.rsaKey})
	// The list's own check, then its seal.
	atList := "Authentication-Results: lists.example.org; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=example.com\r\n" + signed
	sealed := dkimpy(t, map[string]any{"op": "arc", "msg": atList, "selector": "arc", "domain": "lists.example.org",
		"key": e.rsaPEM, "srv_id": "lists.example.org"}) + atList
	var pass, fail authres.ResultValue = authres.ResultPass, authres.ResultFail
	_, got := filter(t, sealed, "203.0.113.9", "list-bounces@lists.example.org")
	want(t, "sealed by dkimpy", got, map[string][]authres.ResultValue{"arc": {pass}, "dkim": {pass}, "dmarc": {pass}})

	// A second hop, mxkit's sealer, over the first.
	hop2 := "Authentication-Results: lists.example.org; arc=pass; dkim=pass header.d=example.com\r\n" + sealed
	sealer := &dkim.ARCSealer{Domain: "lists.example.org", Selector: "arc", Signer: e.rsaKey, AuthServID: "lists.example.org"}
	set, err := sealer.Seal(context.Background(), strings.NewReader(hop2))
	if err != nil {
		t.Fatal(err)
	}
	_, got = filter(t, set+hop2, "203.0.113.9", "list-bounces@lists.example.org")
	want(t, "sealed twice", got, map[string][]authres.ResultValue{"arc": {pass}})
	_, got = filter(t, strings.Replace(set+hop2, "cv=pass", "cv=none", 1), "203.0.113.9", "")
	want(t, "seal altered", got, map[string][]authres.ResultValue{"arc": {fail}})
}

// TestForgedResults: a field claiming this authserv-id is removed; one of
// another is kept.
func TestForgedResults(t *testing.T) {
	forged := "Authentication-Results: MX.example.org; dkim=pass header.d=bank.example;\r\n\tdmarc=pass\r\n" +
		"Authentication-Results: other.example; spf=pass\r\n" + message
	out, got := filter(t, forged, "198.51.100.1", "news@example.com")
	want(t, "forged", got, map[string][]authres.ResultValue{"spf": {authres.ResultFail}, "dkim": {authres.ResultNone}, "dmarc": {authres.ResultFail}})
	if strings.Count(out, "Authentication-Results:") != 2 || strings.Contains(out, "bank.example") || !strings.Contains(out, "other.example; spf=pass") {
		t.Errorf("output:\n%s", out)
	}
}

// TestSMTP: the server mode takes the client address, HELO and MAIL FROM
// from the session and delivers into the Maildir.
func TestSMTP(t *testing.T) {
	e := getEnv(t)
	dir := filepath.Join(t.TempDir(), "Maildir")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, []string{"-authserv-id", "mx.example.org", "-dns", e.dns, "-listen", "127.0.0.1:0", "-maildir", dir},
			nil, &bytes.Buffer{}, &logs, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	msg := strings.ReplaceAll(message, "example.com", "local.example")
	signed := mxkitSign(t, msg, dkim.Key{Domain: "local.example", Selector: "rsa", Signer: e.rsaKey})
	if err := smtp.SendMail(addr, nil, "news@local.example", []string{"rcpt@mx.example.org"}, []byte(signed)); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	entries, _ := os.ReadDir(filepath.Join(dir, "new"))
	if len(entries) != 1 {
		t.Fatalf("%d messages delivered\n%s", len(entries), logs.String())
	}
	b, _ := os.ReadFile(filepath.Join(dir, "new", entries[0].Name()))
	var pass authres.ResultValue = authres.ResultPass
	want(t, "smtp", results(t, string(b)), map[string][]authres.ResultValue{"spf": {pass}, "dkim": {pass}, "dmarc": {pass}})
	if !strings.HasSuffix(string(b), signed) {
		t.Errorf("the message was changed:\n%s", b)
	}
}

// FuzzStrip: strip never panics, leaves no field claiming this
// authserv-id, and keeps every other byte of the message in order.
func FuzzStrip(f *testing.F) {
	f.Add([]byte("Authentication-Results: mx.example.org; spf=pass\r\n\tdkim=pass\r\nFrom: a@b\r\n\r\nAuthentication-Results: mx.example.org\r\n"))
	f.Add([]byte("authentication-results:MX.EXAMPLE.ORG (comment);\nX: y\n\nbody"))
	f.Add([]byte(" Authentication-Results: mx.example.org; none\r\n"))
	a := &authenticator{servID: "mx.example.org"}
	f.Fuzz(func(t *testing.T, msg []byte) {
		out := a.strip(msg)
		if len(out) > len(msg) {
			t.Fatalf("strip grew the message: %q", out)
		}
		// What is left is the input with whole fields taken out: a
		// subsequence of it.
		i := 0
		for _, c := range out {
			for i < len(msg) && msg[i] != c {
				i++
			}
			if i == len(msg) {
				t.Fatalf("%q is not what remains of %q", out, msg)
			}
			i++
		}
		if again := a.strip(out); !bytes.Equal(again, out) {
			t.Fatalf("strip is not idempotent: %q then %q", out, again)
		}
	})
}

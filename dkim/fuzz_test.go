package dkim

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// FuzzParseTags: the tag-list parser behind DKIM-Signature, ARC and key
// records must never panic, and what it accepts must hold no repeated or
// malformed tag names.
func FuzzParseTags(f *testing.F) {
	for _, s := range []string{
		"v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to; bh=abc=; b=def",
		" a = b ;c=d;",
		"a=b;;c=d",
		"=x",
		"a=1; a=2",
		"i=1; a=rsa-sha256; b=Zm9v\r\n YmFy; cv=none",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := parseTags(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, tg := range tags {
			if !validTagName(tg.name) || seen[tg.name] {
				t.Fatalf("accepted bad or repeated tag %q in %q", tg.name, s)
			}
			seen[tg.name] = true
		}
	})
}

// FuzzParseKeyRecord: key records come from DNS, anyone's DNS.
func FuzzParseKeyRecord(f *testing.F) {
	f.Add("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	f.Add("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB")
	f.Add("v=DKIM1; p=")
	f.Add("k=rsa; t=y:s; h=sha256; s=email; p=AAAA")
	f.Add("v=DKIM2; p=abc")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := parseKeyRecord(s)
		if err == nil && k.pub == nil {
			t.Fatalf("accepted %q without a key", s)
		}
	})
}

// FuzzReadHeader: header splitting and canonicalization on any bytes; the
// bytes consumed must be a prefix of the input and the canonical forms
// must be well formed.
func FuzzReadHeader(f *testing.F) {
	f.Add([]byte("From: a@b\r\nSubject: x\r\n y\r\n\r\nbody\r\n"))
	f.Add([]byte("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n"))
	f.Add([]byte(" leading continuation\nno colon\n\n"))
	f.Add([]byte("X: \r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := readHeader(newBufReader(string(data)), 4096)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(data, h.raw) {
			t.Fatalf("raw %q is not a prefix of the input", h.raw)
		}
		for _, fl := range h.fields {
			c := relaxedHeader(fl.raw)
			if !strings.HasSuffix(c, "\r\n") || strings.Count(c, "\n") != 1 {
				t.Fatalf("relaxed %q of %q is not one line", c, fl.raw)
			}
		}
		for _, relaxed := range []bool{false, true} {
			var out bytes.Buffer
			bc := newBodyCanonicalizer(&out, relaxed)
			io.Copy(bc, bytes.NewReader(data[len(h.raw):]))
			bc.Close()
			b := out.Bytes()
			if len(b) > 0 && !bytes.HasSuffix(b, []byte("\r\n")) || bytes.HasSuffix(b, []byte("\r\n\r\n")) {
				t.Fatalf("canonical body %q (relaxed %v) ends badly", b, relaxed)
			}
		}
		arcSets(h) // must not panic

		// readHeaderFrom (used by Signer) must cut the same header, fed
		// one byte at a time so every boundary case of headerEnd runs.
		h2, rest, err := readHeaderFrom(iotest.OneByteReader(bytes.NewReader(data)), 4096)
		if err != nil {
			t.Fatalf("readHeaderFrom: %v where readHeader succeeded", err)
		}
		if !bytes.Equal(h2.raw, h.raw) || h2.ended != h.ended || len(h2.fields) != len(h.fields) {
			t.Fatalf("readHeaderFrom raw %q ended %v, readHeader raw %q ended %v", h2.raw, h2.ended, h.raw, h.ended)
		}
		for i := range h.fields {
			if h.fields[i] != h2.fields[i] {
				t.Fatalf("field %d: %q vs %q", i, h2.fields[i].raw, h.fields[i].raw)
			}
		}
		if !bytes.HasPrefix(data[len(h.raw):], rest) {
			t.Fatalf("rest %q is not what follows the header", rest)
		}
		sigs := signatureFields(bytes.TrimRight(h.raw, "\r\n"))
		n := 0
		for _, f := range h.fields {
			if strings.EqualFold(strings.TrimSpace(f.name), "DKIM-Signature") {
				n++
			}
		}
		if len(sigs) != n {
			t.Fatalf("signatureFields found %d, header has %d", len(sigs), n)
		}
		// The Verifier's tap, also one byte at a time.
		tap := &headerTap{ctx: context.Background(), r: iotest.OneByteReader(bytes.NewReader(data)), max: 4096}
		if _, err := io.Copy(io.Discard, struct{ io.Reader }{tap}); err != nil {
			t.Fatalf("tap: %v", err)
		}
		if !tap.done || len(tap.sigs) != n {
			t.Fatalf("tap: done %v, %d signatures, want %d", tap.done, len(tap.sigs), n)
		}
	})
}

// FuzzVerify runs whole messages through the DKIM and ARC verifiers, keys
// served by a real DNS server: no panic, and no pass without a signature.
func FuzzVerify(f *testing.F) {
	srv := resolvertest.New(f, "")
	publish(f, srv, "ed", "example.com", testEd().Public())
	s := newTestSigner(f, SignOptions{Keys: []Key{{Domain: "example.com", Selector: "ed", Signer: testEd()}}})
	msg := "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
	sig, err := s.Sign(context.Background(), strings.NewReader(msg))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(sig + msg))
	f.Add([]byte("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=ed; h=from; bh=; b=\r\nFrom: a\r\n\r\n"))
	f.Add([]byte("ARC-Seal: i=1; cv=none; a=rsa-sha256; d=example.com; s=ed; b=\r\nARC-Message-Signature: i=1; a=rsa-sha256; d=example.com; s=ed; h=from; bh=; b=\r\nARC-Authentication-Results: i=1; x; none\r\nFrom: a\r\n\r\n"))
	v := &Verifier{Resolver: testClient(srv)}
	av := &ARCVerifier{Resolver: testClient(srv)}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := v.Verify(context.Background(), bytes.NewReader(data))
		if err == nil {
			for _, r := range res {
				if r.Status == "" {
					t.Fatalf("result without status: %+v", r)
				}
			}
		}
		ar, err := av.Verify(context.Background(), bytes.NewReader(data))
		if err == nil && ar.Status == Pass && !bytes.Contains(bytes.ToLower(data), []byte("arc-seal")) {
			t.Fatalf("ARC pass without a seal")
		}
	})
}

package dkim

import (
	"bytes"
	"context"
	"crypto"
	"fmt"
	"io"
	"strings"
	"testing"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// benchMessage is a message of about size bytes with a realistic header.
func benchMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Newsletter <news@football.example.com>\r\n" +
		"To: Suzie Q <suzie@shopping.example.net>\r\n" +
		"Subject: Weekly results\r\n" +
		"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n" +
		"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"List-Unsubscribe: <https://football.example.com/u/123>\r\n" +
		"\r\n")
	line := "The quick brown fox jumps over the lazy dog, and the  game was lost.  \r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// BenchmarkSign compares mxkit's Signer with calling go-msgauth directly,
// on the same message with the same h= list: "mxkit" and "go-msgauth"
// return the signature header only (both stream; "mxkit-store" takes the
// key from a KeyStore by the From domain, as examples/mta does), "mxkit-SignTo" and
// "go-msgauth-Sign" also write the signed message (go-msgauth's Sign
// buffers it in memory; SignTo re-reads it).
func BenchmarkSign(b *testing.B) {
	keys := map[string]crypto.Signer{"rsa2048": testRSA(), "ed25519": testEd()}
	for _, size := range []int{10 << 10, 100 << 10, 1 << 20} {
		msg := benchMessage(size)
		for _, algo := range []string{"rsa2048", "ed25519"} {
			key := Key{Domain: "football.example.com", Selector: "s", Signer: keys[algo]}
			s := newTestSigner(b, SignOptions{Keys: []Key{key}})
			h, _ := readHeader(newBufReader(string(msg)), 1<<20)
			opts := &msgdkim.SignOptions{
				Domain: key.Domain, Selector: key.Selector, Signer: key.Signer,
				HeaderCanonicalization: msgdkim.CanonicalizationRelaxed, BodyCanonicalization: msgdkim.CanonicalizationRelaxed,
				HeaderKeys: s.headerKeys(h),
			}
			name := fmt.Sprintf("%dKB/%s", size>>10, algo)
			// As examples/mta signs: the key from a store, by From domain.
			var store MemoryStore
			store.Set(key.Domain, key)
			withStore := newTestSigner(b, SignOptions{Store: &store})
			for _, v := range []struct {
				name string
				s    *Signer
			}{{"mxkit", s}, {"mxkit-store", withStore}} {
				b.Run(name+"/"+v.name, func(b *testing.B) {
					b.SetBytes(int64(len(msg)))
					b.ReportAllocs()
					for b.Loop() {
						if _, err := v.s.Sign(context.Background(), bytes.NewReader(msg)); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run(name+"/go-msgauth", func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					sg, err := msgdkim.NewSigner(opts)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.Copy(sg, bytes.NewReader(msg)); err != nil {
						b.Fatal(err)
					}
					if err := sg.Close(); err != nil {
						b.Fatal(err)
					}
					_ = sg.Signature()
				}
			})
			b.Run(name+"/mxkit-SignTo", func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					if err := s.SignTo(context.Background(), io.Discard, bytes.NewReader(msg)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/go-msgauth-Sign", func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					if err := msgdkim.Sign(io.Discard, bytes.NewReader(msg), opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkVerify compares mxkit's Verifier with go-msgauth's
// VerifyWithOptions, both asking the same caching resolver (a real DNS
// server on loopback behind it).
func BenchmarkVerify(b *testing.B) {
	srv := resolvertest.New(b, "")
	publish(b, srv, "rsa", "football.example.com", testRSA().Public())
	publish(b, srv, "ed", "football.example.com", testEd().Public())
	client := testClient(srv)
	v := &Verifier{Resolver: client}
	lookup := func(name string) ([]string, error) {
		txts, _, err := client.LookupTXT(context.Background(), name)
		return txts, err
	}
	for _, size := range []int{10 << 10, 1 << 20} {
		for _, c := range []struct {
			algo, sel string
			key       crypto.Signer
		}{{"rsa2048", "rsa", testRSA()}, {"ed25519", "ed", testEd()}} {
			s := newTestSigner(b, SignOptions{Keys: []Key{{Domain: "football.example.com", Selector: c.sel, Signer: c.key}}})
			var signed bytes.Buffer
			if err := s.SignTo(context.Background(), &signed, bytes.NewReader(benchMessage(size))); err != nil {
				b.Fatal(err)
			}
			msg := signed.Bytes()
			name := fmt.Sprintf("%dKB/%s", size>>10, c.algo)
			b.Run(name+"/mxkit", func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					res, err := v.Verify(context.Background(), bytes.NewReader(msg))
					if err != nil || len(res) != 1 || res[0].Status != Pass {
						b.Fatalf("%v %v", res, err)
					}
				}
			})
			b.Run(name+"/go-msgauth", func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(msg), &msgdkim.VerifyOptions{LookupTXT: lookup})
					if err != nil || len(vs) != 1 || vs[0].Err != nil {
						b.Fatalf("%v %v", vs, err)
					}
				}
			})
		}
	}
}

// BenchmarkARC seals and validates a 10 KB message.
func BenchmarkARC(b *testing.B) {
	srv := resolvertest.New(b, "")
	publish(b, srv, "arc", "lists.example.org", testRSA().Public())
	msg := "Authentication-Results: lists.example.org; dkim=pass; arc=none\r\n" + string(benchMessage(10<<10))
	sealer := &ARCSealer{Domain: "lists.example.org", Selector: "arc", Signer: testRSA(), AuthServID: "lists.example.org"}
	set, err := sealer.Seal(context.Background(), strings.NewReader(msg))
	if err != nil {
		b.Fatal(err)
	}
	v := &ARCVerifier{Resolver: testClient(srv)}
	b.Run("seal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sealer.Seal(context.Background(), strings.NewReader(msg)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if res, err := v.Verify(context.Background(), strings.NewReader(set+msg)); err != nil || res.Status != Pass {
				b.Fatal(res, err)
			}
		}
	})
}

package dkim

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func newBufReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }

// Test keys, made once per test binary (RSA generation is slow).
var (
	testRSA = sync.OnceValue(func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	})
	testEd = sync.OnceValue(func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	})
)

// publish adds the TXT record of pub at selector._domainkey.domain.
func publish(t testing.TB, srv *resolvertest.Server, selector, domain string, pub crypto.PublicKey) {
	t.Helper()
	txt, err := TXTRecord(pub)
	if err != nil {
		t.Fatal(err)
	}
	addTXT(srv, selector+"._domainkey."+domain, txt...)
}

func addTXT(srv *resolvertest.Server, name string, strs ...string) {
	srv.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: dns.Fqdn(name), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: strs})
}

// uncached returns a client of srv without a cache, so zone changes show.
func uncached(srv *resolvertest.Server) *resolver.Client {
	c := testClient(srv)
	c.CacheSize = -1
	return c
}

const testMessage = "From: Joe SixPack <joe@football.example.com>\r\n" +
	"To: Suzie Q <suzie@shopping.example.net>\r\n" +
	"Subject: Is dinner ready?\r\n" +
	"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n" +
	"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n" +
	"\r\n" +
	"Hi.\r\n" +
	"\r\n" +
	"We lost the game.  Are you hungry yet?\r\n" +
	"\r\n" +
	"Joe.\r\n"

// signWithLength makes a relaxed/relaxed rsa-sha256 DKIM-Signature with an
// l= tag covering the first l bytes of the canonical body, without
// go-msgauth (which cannot produce l=), for the l= tests.
func signWithLength(t *testing.T, msg, domain, selector string, key *rsa.PrivateKey, l int64) string {
	t.Helper()
	return signCustom(t, msg, domain, selector, key, l, "")
}

// signCustom is signWithLength with an optional x= (l < 0: no l= tag).
func signCustom(t *testing.T, msg, domain, selector string, key *rsa.PrivateKey, l int64, x string) string {
	t.Helper()
	h, err := readHeader(newBufReader(msg), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	body := msg[len(h.raw):]
	bh := sha256.New()
	bc := newBodyCanonicalizer(bh, true)
	bc.limit = l
	bc.Write([]byte(body))
	bc.Close()
	tags := []tag{{"v", "1"}, {"a", "rsa-sha256"}, {"c", "relaxed/relaxed"}, {"d", domain}, {"s", selector}}
	if l >= 0 {
		tags = append(tags, tag{"l", strconv.FormatInt(l, 10)})
	}
	if x != "" {
		tags = append(tags, tag{"t", "1000000000"}, tag{"x", x})
	}
	tags = append(tags, tag{"h", "from:to:subject"}, tag{"bh", base64.StdEncoding.EncodeToString(bh.Sum(nil))}, tag{"b", ""})
	hash := sha256.New()
	picked := map[string]int{}
	for _, n := range []string{"from", "to", "subject"} {
		hash.Write([]byte(relaxedHeader(pick(h.fields, n, picked).raw)))
	}
	hash.Write([]byte(strings.TrimSuffix(relaxedHeader(formatTags("DKIM-Signature", tags, true)), "\r\n")))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, hash.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	tags[len(tags)-1].value = base64.StdEncoding.EncodeToString(sig)
	return formatTags("DKIM-Signature", tags, true) + msg
}

func cryptoRandRead(p []byte) (int, error) { return rand.Read(p) }

func pemEncode(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func x509MarshalPKCS1(k *rsa.PrivateKey) []byte { return x509.MarshalPKCS1PrivateKey(k) }

func publicEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// testClient is a client of srv with a timeout long enough for a loaded
// machine: these tests are about DKIM, not about DNS timeouts.
func testClient(srv *resolvertest.Server) *resolver.Client {
	c := srv.Client()
	c.Timeout = 5 * time.Second
	return c
}

// The line-based canonicalizer of RFC 6376 §3.4.3 and §3.4.4, written
// from the RFC's wording: a second, independent reading of it for the
// tests (the package hashes bodies with bodyHasher).

// bodyCanonicalizer writes the canonical form of a body to w (RFC 6376
// §3.4.3 simple, §3.4.4 relaxed). Bare LF counts as a line end. Empty lines
// are held back so that those at the end of the body can be dropped.
type bodyCanonicalizer struct {
	w       io.Writer
	relaxed bool
	line    []byte // the current line, without its ending
	empty   int    // empty lines held back
	written bool
	limit   int64 // bytes of canonical body still to write; <0 unlimited
}

func newBodyCanonicalizer(w io.Writer, relaxed bool) *bodyCanonicalizer {
	return &bodyCanonicalizer{w: w, relaxed: relaxed, limit: -1}
}

func (c *bodyCanonicalizer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.line = append(c.line, p...)
			break
		}
		c.line = append(c.line, p[:i]...)
		p = p[i+1:]
		c.line = bytes.TrimSuffix(c.line, []byte{'\r'})
		if err := c.endLine(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func (c *bodyCanonicalizer) endLine() error {
	line := c.line
	if c.relaxed {
		line = relaxedLine(line)
	}
	c.line = c.line[:0]
	if len(line) == 0 {
		c.empty++
		return nil
	}
	for ; c.empty > 0; c.empty-- {
		if err := c.emit([]byte("\r\n")); err != nil {
			return err
		}
	}
	if err := c.emit(line); err != nil {
		return err
	}
	return c.emit([]byte("\r\n"))
}

func (c *bodyCanonicalizer) emit(b []byte) error {
	c.written = true
	if c.limit >= 0 {
		if int64(len(b)) > c.limit {
			b = b[:c.limit]
		}
		c.limit -= int64(len(b))
	}
	_, err := c.w.Write(b)
	return err
}

// Close ends the body: a last line without a line ending counts as a line;
// a simple body that is empty becomes one CRLF (RFC 6376 §3.4.3).
func (c *bodyCanonicalizer) Close() error {
	if len(c.line) > 0 {
		if err := c.endLine(); err != nil {
			return err
		}
	}
	if !c.written && !c.relaxed {
		return c.emit([]byte("\r\n"))
	}
	return nil
}

// relaxedLine reduces runs of WSP to one space and removes WSP at the end
// of the line (RFC 6376 §3.4.4).
func relaxedLine(line []byte) []byte {
	out := line[:0:0]
	wsp := false
	for _, c := range line {
		if c == ' ' || c == '\t' {
			wsp = true
			continue
		}
		if wsp {
			out = append(out, ' ')
			wsp = false
		}
		out = append(out, c)
	}
	return out
}

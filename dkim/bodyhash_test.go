package dkim

import (
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"

	msgdkim "github.com/emersion/go-msgauth/dkim"
)

// goMsgauthBodyHash returns the bh= go-msgauth's signer gives body under
// canon: the oracle for mxkit's own body canonicalization.
func goMsgauthBodyHash(t testing.TB, body []byte, canon string) string {
	t.Helper()
	sg, err := msgdkim.NewSigner(&msgdkim.SignOptions{
		Domain: "example.com", Selector: "s", Signer: testEd(),
		HeaderCanonicalization: msgdkim.Canonicalization(canon),
		BodyCanonicalization:   msgdkim.Canonicalization(canon),
		HeaderKeys:             []string{"From"},
	})
	if err != nil {
		t.Fatal(err)
	}
	sg.Write([]byte("From: a@example.com\r\n\r\n"))
	sg.Write(body)
	if err := sg.Close(); err != nil {
		t.Fatal(err)
	}
	return tagOf(t, sg.Signature(), "bh")
}

// tagOf returns the value of tag name in a DKIM-Signature field, without
// whitespace.
func tagOf(t testing.TB, field, name string) string {
	t.Helper()
	_, value, _ := strings.Cut(field, ":")
	tags, err := parseTags(value)
	if err != nil {
		t.Fatalf("%v in %q", err, field)
	}
	v, ok := tagValue(tags, name)
	if !ok {
		t.Fatalf("no %s= in %q", name, field)
	}
	return removeWSP(v)
}

// bodyHash is mxkit's bh= for body, written in chunks of the sizes in cuts
// (cycled; 0 counts as 1), or in one piece if cuts is empty.
func bodyHash(body []byte, relaxed bool, cuts []byte) string {
	c := newBodyHasher()
	c.reset(relaxed)
	for i := 0; len(body) > 0; i++ {
		n := len(body)
		if len(cuts) > 0 {
			n = min(n, max(1, int(cuts[i%len(cuts)])))
		}
		c.Write(body[:n])
		body = body[n:]
	}
	return base64.StdEncoding.EncodeToString(c.sum(nil))
}

// bodyCases are bodies with the edge cases of both canonicalizations:
// line ends (CRLF, bare LF, bare CR, CR CR LF), WSP in runs, at line ends
// and alone on lines, empty lines at the end and in the middle, no final
// line end, and the empty body.
var bodyCases = []string{
	"",
	"\r\n",
	"\n",
	"\r",
	"\r\n\r\n\r\n",
	" \t \r\n",
	"Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n",
	" C \r\nD \t E\r\n\r\n\r\n",
	"no line end",
	"trailing WSP  ",
	"trailing WSP and CRLF \t\r\n",
	"bare\nLF\n\nlines\n\n",
	"mixed\r\nends\nhere\r\n\n\r\n",
	"lone\rCR\r",
	"CR CR LF\r\r\n",
	"CR CR LF at end\r\n\r\r\n",
	"ends in CR LF CR\r\n\r",
	"WSP \r before CR\r\nx \r \r\n y",
	"\t\tindented\r\n    code  block\r\n\r\n\r\nafter gap\r\n",
	"a  \t  b\t\tc \t\r\n",
	"  leading and trailing  \r\n \r\n\t\r\n",
	strings.Repeat("\r\n", 1000) + "x" + strings.Repeat("\r\n", 1000),
	strings.Repeat("\n", 700) + "after many bare LF\n" + strings.Repeat(" \r\n", 400),
	strings.Repeat("\r", 600) + "x" + strings.Repeat("\r", 600),
	strings.Repeat("a ", 6000) + "\r\n" + strings.Repeat("word  ", 3000) + "\r\n",
	strings.Repeat("base64+line/of/76/octets/VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRo\r\n", 300),
	variedLines(600),
	// Runs of plain lines, which writeRelaxed takes whole, ending in WSP,
	// empty lines or no line end, and lines after them that begin with a
	// control character, DEL, UTF-8 or a dot.
	strings.Repeat("plain line\r\n", 500) + "then WSP  \r\n\r\n" + strings.Repeat("more\r\n", 300) + "\r\n\r\n",
	strings.Repeat("a\r\n\x01b\r\n\x7fc\r\n\xc3\xa9d\r\n.e\r\n", 200),
	strings.Repeat("line\r\n", 400) + "end",
	"X\r\n \r\n",
	"X\r\n \t \r\n\r\n",
	"X\r\n  ",
}

// variedLines is n lines of 0 to 18 letters, some with one SP inside or at
// the start, ended in turn by CRLF, SP CRLF, CRLF CRLF, bare LF, HTAB CRLF,
// CRLF SP and CR CRLF: line ends land at every place in a word of eight
// octets.
func variedLines(n int) string {
	ends := []string{"\r\n", " \r\n", "\r\n\r\n", "\n", "\t\r\n", "\r\n ", "\r\r\n"}
	var b strings.Builder
	for k := range n {
		line := []byte(strings.Repeat("x", k%19))
		if len(line) > 2 && k%3 == 0 {
			line[k%len(line)] = ' '
		}
		b.Write(line)
		b.WriteString(ends[k%len(ends)])
	}
	return b.String()
}

// TestBodyHashMatchesGoMsgauth: for each body, canonicalization and way of
// cutting it into Writes, mxkit's bh= is go-msgauth's.
func TestBodyHashMatchesGoMsgauth(t *testing.T) {
	cutss := [][]byte{nil, {1}, {2}, {3}, {1, 7, 2}, {64}, {255, 1}}
	for i, body := range bodyCases {
		for _, canon := range []string{"simple", "relaxed"} {
			want := goMsgauthBodyHash(t, []byte(body), canon)
			for _, cuts := range cutss {
				if got := bodyHash([]byte(body), canon == "relaxed", cuts); got != want {
					t.Errorf("case %d %q, %s, cuts %v: bh=%s, go-msgauth %s", i, trunc(body), canon, cuts, got, want)
				}
			}
			// Every place to cut it in two.
			if len(body) <= 64 {
				for k := 0; k <= len(body); k++ {
					c := newBodyHasher()
					c.reset(canon == "relaxed")
					c.Write([]byte(body[:k]))
					c.Write([]byte(body[k:]))
					if got := base64.StdEncoding.EncodeToString(c.sum(nil)); got != want {
						t.Errorf("case %d %q, %s, cut at %d: bh=%s, go-msgauth %s", i, body, canon, k, got, want)
					}
				}
			}
		}
	}
}

// TestBodyHashRFC6376 checks the example of RFC 6376 §3.4.6 directly.
func TestBodyHashRFC6376(t *testing.T) {
	body := []byte(" C \r\nD \t E\r\n\r\n\r\n")
	for _, c := range []struct {
		relaxed bool
		want    string
	}{{false, " C \r\nD \t E\r\n"}, {true, " C\r\nD E\r\n"}} {
		sum := sha256.Sum256([]byte(c.want))
		if got := bodyHash(body, c.relaxed, nil); got != base64.StdEncoding.EncodeToString(sum[:]) {
			t.Errorf("relaxed %v: bh=%s is not the hash of %q", c.relaxed, got, c.want)
		}
	}
	// The empty body: CRLF for simple (§3.4.3), nothing for relaxed (§3.4.4).
	crlfSum, emptySum := sha256.Sum256([]byte("\r\n")), sha256.Sum256(nil)
	if got := bodyHash(nil, false, nil); got != base64.StdEncoding.EncodeToString(crlfSum[:]) {
		t.Errorf("simple empty body: %s", got)
	}
	if got := bodyHash(nil, true, nil); got != base64.StdEncoding.EncodeToString(emptySum[:]) {
		t.Errorf("relaxed empty body: %s", got)
	}
}

// TestBodyHasherReuse: a pooled hasher reset after a body that ended in
// many withheld line ends (its state saved and restored) hashes the next
// body afresh.
func TestBodyHasherReuse(t *testing.T) {
	c := newBodyHasher()
	for _, body := range bodyCases {
		for _, relaxed := range []bool{true, false} {
			c.reset(relaxed)
			c.Write([]byte(body))
			got := base64.StdEncoding.EncodeToString(c.sum(nil))
			if want := bodyHash([]byte(body), relaxed, nil); got != want {
				t.Errorf("%q relaxed %v: reused hasher %s, fresh %s", trunc(body), relaxed, got, want)
			}
		}
	}
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// FuzzBodyHash: mxkit's bh= is go-msgauth's for any body, canonicalization
// and cutting of the body into Writes.
func FuzzBodyHash(f *testing.F) {
	for i, body := range bodyCases {
		if len(body) <= 256 { // large seeds make minimizing slow
			f.Add([]byte(body), []byte{byte(i%5 + 1)}, i%2 == 0)
		}
	}
	f.Add([]byte("a\r"), []byte{1}, true)
	f.Add([]byte("a \r\n\r\n b\n"), []byte{2, 1}, false)
	f.Add([]byte("\r\r\n\n \t\r"), []byte{1}, false)
	f.Fuzz(func(t *testing.T, body, cuts []byte, relaxed bool) {
		canon := "simple"
		if relaxed {
			canon = "relaxed"
		}
		want := goMsgauthBodyHash(t, body, canon)
		if got := bodyHash(body, relaxed, cuts); got != want {
			t.Fatalf("%s body %q cut %v: bh=%s, go-msgauth %s", canon, body, cuts, got, want)
		}
	})
}

// plainNextSpecial is nextSpecial octet by octet.
func plainNextSpecial(p []byte, i int) int {
	for ; i < len(p); i++ {
		if c := p[i]; c < ' ' || c == ' ' && (i+1 == len(p) || p[i+1] <= ' ') {
			return i
		}
	}
	return len(p)
}

// TestNextSpecial compares the eight-octets-at-a-time search with a plain
// loop, from every start: on all inputs of up to 7 octets over SP, HTAB,
// CR, LF, a letter and the octets either side of SP and 0x80, and of up to
// 9 octets over the first five; and, for the word at a time path, on
// random inputs of 16 to 64 octets, most of them letters.
func TestNextSpecial(t *testing.T) {
	alphabet := []byte{' ', '\t', '\r', '\n', 'a', 0x1f, 0x21, 0xa0}
	for n := 0; n <= 9; n++ {
		if n > 7 && len(alphabet) > 5 {
			alphabet = alphabet[:5]
		}
		p := make([]byte, n)
		total := 1
		for range n {
			total *= len(alphabet)
		}
		for k := range total {
			for i, x := 0, k; i < n; i, x = i+1, x/len(alphabet) {
				p[i] = alphabet[x%len(alphabet)]
			}
			for i := 0; i <= n; i++ {
				if got, want := nextSpecial(p, i), plainNextSpecial(p, i); got != want {
					t.Fatalf("%q from %d: %d, want %d", p, i, got, want)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet = []byte{' ', '\t', '\r', '\n', 0x1f, 0x21, 0xa0}
	for range 50000 {
		p := make([]byte, 16+rng.IntN(49))
		for i := range p {
			p[i] = 'a'
			if rng.IntN(4) == 0 {
				p[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		for i := 0; i <= len(p); i++ {
			if got, want := nextSpecial(p, i), plainNextSpecial(p, i); got != want {
				t.Fatalf("%q from %d: %d, want %d", p, i, got, want)
			}
		}
	}
}

// FuzzNextSpecial: the word at a time search finds what the plain loop
// finds.
func FuzzNextSpecial(f *testing.F) {
	f.Add([]byte("abcdefg\r\nhijklmnopq \r\n\r\nrstuvwxyz"), uint8(0))
	f.Add([]byte("0123456\r\n 89abcdef\r\n\tx"), uint8(3))
	f.Fuzz(func(t *testing.T, p []byte, start uint8) {
		i := min(int(start), len(p))
		if got, want := nextSpecial(p, i), plainNextSpecial(p, i); got != want {
			t.Fatalf("%q from %d: %d, want %d", p, i, got, want)
		}
	})
}

// BenchmarkBodyHash measures bh= alone, for bodies of 100 KB and 1 MB
// read in 64 KiB pieces: text with runs of WSP and WSP at line ends
// (benchMessage), quoted-printable HTML (a space every few words, soft
// line breaks) and base64 lines (no WSP at all).
func BenchmarkBodyHash(b *testing.B) {
	b64 := []byte(strings.Repeat("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZywgYW5kIHRoZSBn\r\n", 14000))
	html := []byte(strings.Repeat("<tr><td class=3D\"content\" style=3D\"padding:0 24px;font-family:Helvetica,Ari=\r\n"+
		"al,sans-serif;color:#333333\">Weekly deals on shoes, bags and more &mdash; u=\r\n"+
		"p to 50% off this weekend only.</td></tr>\r\n", 700))
	for _, body := range []struct {
		name string
		b    []byte
	}{
		{"text/100KB", benchMessage(100 << 10)},
		{"text/1MB", benchMessage(1 << 20)},
		{"html-qp/100KB", html[:100<<10]},
		{"base64/100KB", b64[:100<<10]},
	} {
		for _, canon := range []string{"relaxed", "simple"} {
			b.Run(body.name+"/"+canon, func(b *testing.B) {
				c := newBodyHasher()
				b.SetBytes(int64(len(body.b)))
				b.ReportAllocs()
				for b.Loop() {
					c.reset(canon == "relaxed")
					for p := body.b; len(p) > 0; {
						n := min(len(p), readSize)
						c.Write(p[:n])
						p = p[n:]
					}
					c.sum(nil)
				}
			})
		}
	}
}

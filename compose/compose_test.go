package compose

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	htmltemplate "html/template"
	"io"
	"mime"
	"os"
	"runtime"
	"strings"
	"testing"
	texttemplate "text/template"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/dkim"
)

func minimal() *Message {
	return &Message{From: Mailbox{Address: "a@shop.example"}, To: []Mailbox{{Address: "b@example.net"}}, Text: "hi"}
}

// TestRefused checks that bad input gives an *Error naming the field and
// wrapping the cause, and that nothing is written.
func TestRefused(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(m *Message)
		field string
		cause error
	}{
		{"no From", func(m *Message) { m.From = Mailbox{} }, "From", ErrMissing},
		{"no recipient", func(m *Message) { m.To = nil }, "To", ErrMissing},
		{"bad address", func(m *Message) { m.To[0].Address = "b@exa mple.net" }, "To", address.ErrInvalid},
		{"CRLF in an address", func(m *Message) { m.Cc = []Mailbox{{Address: "c@example.net\r\nBcc: x@evil.example"}} }, "Cc", address.ErrInvalid},
		{"bad Bcc", func(m *Message) { m.Bcc = []Mailbox{{Address: "nobody"}} }, "Bcc", address.ErrInvalid},
		{"CRLF in a name", func(m *Message) { m.From.Name = "Shop\r\nBcc: x@evil.example" }, "From", ErrControl},
		{"LF in a To name", func(m *Message) { m.To[0].Name = "B\nX-Evil: 1" }, "To", ErrControl},
		{"CR in the subject", func(m *Message) { m.Subject = "hi\rthere" }, "Subject", ErrControl},
		{"NUL in the subject", func(m *Message) { m.Subject = "hi\x00" }, "Subject", ErrControl},
		{"C1 control in the subject", func(m *Message) { m.Subject = "hi\u0085there" }, "Subject", ErrControl},
		{"invalid UTF-8 subject", func(m *Message) { m.Subject = "hi\xff" }, "Subject", ErrSyntax},
		{"LF in a custom value", func(m *Message) { m.Header = []Field{{"X-Tag", "a\nBcc: x@evil.example"}} }, "X-Tag", ErrControl},
		{"colon in a field name", func(m *Message) { m.Header = []Field{{"X-Tag: y", "a"}} }, "Header", ErrSyntax},
		{"space in a field name", func(m *Message) { m.Header = []Field{{"X Tag", "a"}} }, "Header", ErrSyntax},
		{"own field through Header", func(m *Message) { m.Header = []Field{{"bcc", "x@evil.example"}} }, "bcc", ErrSyntax},
		{"Content-Type through Header", func(m *Message) { m.Header = []Field{{"Content-Type", "text/html"}} }, "Content-Type", ErrSyntax},
		{"message id too long", func(m *Message) { m.MessageID = strings.Repeat("i", 990) + "@shop.example" }, "Message-ID", ErrTooLong},
		{"URL too long", func(m *Message) { m.Unsubscribe = "https://shop.example/" + strings.Repeat("u", 990) }, "List-Unsubscribe", ErrTooLong},
		{"bad message id", func(m *Message) { m.MessageID = "no-at-sign" }, "Message-ID", ErrSyntax},
		{"message id with space", func(m *Message) { m.MessageID = "a b@shop.example" }, "Message-ID", ErrSyntax},
		{"bad reference", func(m *Message) { m.References = []string{"ok@shop.example", "x>\r\n<y@z"} }, "References", ErrSyntax},
		{"http unsubscribe", func(m *Message) { m.Unsubscribe = "http://shop.example/u" }, "List-Unsubscribe", ErrSyntax},
		{"unsubscribe with a bracket", func(m *Message) { m.Unsubscribe = "https://shop.example/u>, <https://evil.example/" }, "List-Unsubscribe", ErrSyntax},
		{"bad unsubscribe address", func(m *Message) { m.UnsubscribeMailto = "x" }, "List-Unsubscribe", address.ErrInvalid},
		{"invalid UTF-8 text", func(m *Message) { m.Text = "\xff" }, "Text", ErrSyntax},
		{"inline without HTML", func(m *Message) { m.Inline = []Attachment{{ContentID: "a", Content: strings.NewReader("x")}} }, "Inline", ErrSyntax},
		{"inline without id", func(m *Message) {
			m.HTML = "<p>"
			m.Inline = []Attachment{{Filename: "a.png", Content: strings.NewReader("x")}}
		}, "Inline[0]", ErrMissing},
		{"attachment without content", func(m *Message) { m.Attachments = []Attachment{{Filename: "a.pdf"}} }, "Attachments[0]", ErrMissing},
		{"CRLF in a file name", func(m *Message) {
			m.Attachments = []Attachment{{Filename: "a\r\nContent-Type: text/html", Content: strings.NewReader("x")}}
		}, "Attachments[0]", ErrControl},
		{"bad content type", func(m *Message) {
			m.Attachments = []Attachment{{Filename: "a", ContentType: "text/plain\r\nX: y", Content: strings.NewReader("x")}}
		}, "Attachments[0]", ErrSyntax},
		{"multipart content type", func(m *Message) {
			m.Attachments = []Attachment{{Filename: "a", ContentType: "multipart/mixed", Content: strings.NewReader("x")}}
		}, "Attachments[0]", ErrSyntax},
		{"bad content id", func(m *Message) {
			m.Attachments = []Attachment{{ContentID: "a b", Content: strings.NewReader("x")}}
		}, "Attachments[0]", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := minimal()
			tt.edit(m)
			var b bytes.Buffer
			n, err := m.WriteTo(&b)
			var ce *Error
			if !errors.As(err, &ce) || ce.Field != tt.field || !errors.Is(err, tt.cause) {
				t.Fatalf("WriteTo: %v; want an *Error for %s wrapping %v", err, tt.field, tt.cause)
			}
			if n != 0 || b.Len() != 0 {
				t.Errorf("%d octets written with the error", b.Len())
			}
		})
	}
}

// TestRewrite checks that a message is written the same way twice when
// its attachments can seek, and that a second rendering of one that
// cannot fails instead of losing the attachment.
func TestRewrite(t *testing.T) {
	m := minimal()
	f, err := os.CreateTemp(t.TempDir(), "att")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("skip this: the attachment starts here")
	f.Seek(int64(len("skip this: ")), io.SeekStart)
	m.Attachments = []Attachment{{Filename: "a.txt", Content: f}}
	var one, two bytes.Buffer
	if _, err := m.WriteTo(&one); err != nil {
		t.Fatal(err)
	}
	if m.MessageID == "" || m.Date.IsZero() {
		t.Errorf("the first rendering did not fill in MessageID (%q) and Date (%v)", m.MessageID, m.Date)
	}
	if _, err := m.WriteTo(&two); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Errorf("two renderings differ:\n%s\n---\n%s", one.String(), two.String())
	}
	if p := goMessage(t, one.Bytes()); p.Body.Parts[1].Text != "the attachment starts here" {
		t.Errorf("attachment read as %q", p.Body.Parts[1].Text)
	}

	m = minimal()
	m.Attachments = []Attachment{{Filename: "a.txt", Content: io.MultiReader(strings.NewReader("once"))}}
	if _, err := m.WriteTo(io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := m.WriteTo(io.Discard); !errors.Is(err, ErrConsumed) {
		t.Errorf("second rendering of a reader that cannot seek: %v, want ErrConsumed", err)
	}

	// A message refused before anything is read can be fixed and written.
	m = minimal()
	m.Subject = "bad\n"
	m.Attachments = []Attachment{{Filename: "a.txt", Content: io.MultiReader(strings.NewReader("once"))}}
	if _, err := m.WriteTo(io.Discard); !errors.Is(err, ErrControl) {
		t.Fatalf("WriteTo: %v, want ErrControl", err)
	}
	m.Subject = "good"
	if _, err := m.WriteTo(io.Discard); err != nil {
		t.Errorf("WriteTo after fixing the subject: %v", err)
	}
}

// TestReadError checks that an attachment that fails to read fails the
// rendering with its error.
func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	m := minimal()
	m.Attachments = []Attachment{{Filename: "a.bin", Content: io.MultiReader(strings.NewReader("some"), errReader{boom})}}
	if _, err := io.Copy(io.Discard, mustReader(t, m)); !errors.Is(err, boom) {
		t.Errorf("Read: %v, want the attachment's error", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func mustReader(t *testing.T, m *Message) *Reader {
	t.Helper()
	r, err := m.Reader()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReaderMatchesWriteTo reads a message through Read in odd-sized
// pieces and compares it with WriteTo's output.
func TestReaderMatchesWriteTo(t *testing.T) {
	data := make([]byte, 300_000)
	rand.Read(data)
	mk := func() *Message {
		m := minimal()
		m.MessageID, m.Date, m.boundary = "fixed@shop.example", time.Unix(1e9, 0), "FIXED"
		m.HTML = "<p>hi</p>"
		m.Attachments = []Attachment{{Filename: "a.bin", Content: bytes.NewReader(data)}, {Filename: "b.bin", Content: bytes.NewReader(data[:100])}}
		return m
	}
	var want bytes.Buffer
	if _, err := mk().WriteTo(&want); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 7, 4096, 100_000} {
		r := mustReader(t, mk())
		var got []byte
		buf := make([]byte, size)
		for {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("reading %d octets at a time gives %d octets, WriteTo %d", size, len(got), want.Len())
		}
	}
}

// prng is a 50 MB attachment that is never in memory: an xorshift
// stream.
type prng struct {
	left  int64
	state uint64
}

func (p *prng) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.left)) &^ 7
	if n == 0 {
		n = int(min(int64(len(b)), p.left))
	}
	x := p.state
	if x == 0 {
		x = 0x9e3779b97f4a7c15
	}
	for i := 0; i+8 <= n; i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		binary.LittleEndian.PutUint64(b[i:], x)
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(x >> (8 * (i & 7)))
	}
	p.state = x
	p.left -= int64(n)
	return n, nil
}

// TestLargeAttachmentMemory writes a message with a 50 MB attachment and
// checks that the heap grows by less than 4 MB in all (the bytes
// allocated while writing, an upper bound of the peak), then decodes the
// output with go-message and compares the attachment's hash.
func TestLargeAttachmentMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB through base64 and back")
	}
	const size = 50 << 20
	src := &prng{left: size}
	want := sha256.New()
	io.Copy(want, &prng{left: size})

	m := minimal()
	m.Attachments = []Attachment{{Filename: "big.bin", Content: src}}
	mime.TypeByExtension(".bin") // its tables load on the first call
	out := sha256.New()
	var counted countingWriter
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := m.WriteTo(io.MultiWriter(out, &counted)); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("50 MB attachment: %d octets written, %d KB allocated while writing", counted.n, alloc>>10)
	if alloc >= 4<<20 {
		t.Errorf("writing allocated %d KB, want under 4 MB", alloc>>10)
	}

	// Decode what is written, streaming, and compare the attachment.
	m.Attachments[0].Content = &prng{left: size}
	m.rendered = false
	pr, pw := io.Pipe()
	go func() { _, err := m.WriteTo(pw); pw.CloseWithError(err) }()
	mr, err := mail.CreateReader(pr)
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.Header.(*mail.AttachmentHeader); ok {
			got := sha256.New()
			n, err := io.Copy(got, p.Body)
			if err != nil {
				t.Fatal(err)
			}
			if n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
				t.Errorf("decoded attachment: %d octets, hash differs: %v", n, !bytes.Equal(got.Sum(nil), want.Sum(nil)))
			}
			break
		}
	}
	pr.Close()
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestDKIMVerifies signs built messages with mxkit's dkim and verifies
// them with go-msgauth, which also checks that the List-Unsubscribe
// fields are covered, as RFC 8058 §4 requires.
func TestDKIMVerifies(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	txt, err := dkim.TXTRecord(pub)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{{Domain: "shop.example", Selector: "s1", Signer: priv}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range oracleCases() {
		m := tc.m()
		m.From.Address = "orders@shop.example"
		m.From.Name = "Shop"
		fillContents(m)
		var raw bytes.Buffer
		if _, err := m.WriteTo(&raw); err != nil {
			t.Fatal(err)
		}
		var signed bytes.Buffer
		if err := signer.SignTo(context.Background(), &signed, bytes.NewReader(raw.Bytes())); err != nil {
			t.Fatalf("%s: sign: %v", tc.name, err)
		}
		vs, err := msgauth.VerifyWithOptions(bytes.NewReader(signed.Bytes()), &msgauth.VerifyOptions{
			LookupTXT: func(domain string) ([]string, error) {
				if domain != "s1._domainkey.shop.example" {
					return nil, errors.New("no such record")
				}
				return []string{strings.Join(txt, "")}, nil
			},
		})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Fatalf("%s: go-msgauth: %v %+v", tc.name, err, vs)
		}
		if m.Unsubscribe != "" {
			covered := strings.Join(vs[0].HeaderKeys, ":")
			if !strings.Contains(covered, "List-Unsubscribe:") || !strings.Contains(covered, "List-Unsubscribe-Post") {
				t.Errorf("%s: signature covers %s, not both List-Unsubscribe fields", tc.name, covered)
			}
		}
	}
}

// TestTemplates checks that html/template escapes the data and text/template
// does not.
func TestTemplates(t *testing.T) {
	data := struct{ Name string }{`<script>alert("x")</script> & Co`}
	m := minimal()
	if err := m.ExecuteText(texttemplate.Must(texttemplate.New("t").Parse("Hello {{.Name}}")), data); err != nil {
		t.Fatal(err)
	}
	if err := m.ExecuteHTML(htmltemplate.Must(htmltemplate.New("h").Parse("<p>Hello {{.Name}}</p>")), data); err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := m.WriteTo(&raw); err != nil {
		t.Fatal(err)
	}
	p := goMessage(t, raw.Bytes())
	if got := p.Body.Parts[0].Text; got != "Hello "+data.Name+"\n" {
		t.Errorf("text part %q", got)
	}
	if got := p.Body.Parts[1].Text; got != "<p>Hello &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co</p>\n" {
		t.Errorf("html part %q", got)
	}
	err := m.ExecuteText(texttemplate.Must(texttemplate.New("t").Parse("{{.Missing}}")), data)
	if err == nil {
		t.Errorf("a failing template gave no error")
	}
}

// TestEnvelope checks the recipients (To, Cc and Bcc once each) and the
// SMTPUTF8 report.
func TestEnvelope(t *testing.T) {
	m := &Message{
		From: Mailbox{Address: "orders@shop.example"},
		To:   []Mailbox{{Address: "a@example.net"}, {Address: "b@EXAMPLE.net"}},
		Cc:   []Mailbox{{Address: "b@example.net"}, {Address: "c@bücher.example"}},
		Bcc:  []Mailbox{{Address: "a@example.net"}, {Address: "d@example.org"}},
	}
	env, err := m.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a@example.net", "b@example.net", "c@xn--bcher-kva.example", "d@example.org"}
	if strings.Join(env.To, " ") != strings.Join(want, " ") || env.From != "orders@shop.example" || env.SMTPUTF8 || env.EightBit {
		t.Errorf("envelope %+v, want From orders@shop.example, To %v, no SMTPUTF8", env, want)
	}
	m.Bcc = append(m.Bcc, Mailbox{Address: "jörg@example.org"})
	if env, err := m.Envelope(); err != nil || !env.SMTPUTF8 || !env.EightBit {
		t.Errorf("envelope with a UTF-8 local part: %+v, %v; want SMTPUTF8 and 8BITMIME", env, err)
	}
}

// TestParsesWithDefaults spot-checks a message with nothing optional set
// through go-message's mail reader.
func TestParsesWithDefaults(t *testing.T) {
	m := minimal()
	var raw bytes.Buffer
	if _, err := m.WriteTo(&raw); err != nil {
		t.Fatal(err)
	}
	e, err := message.Read(&raw)
	if err != nil {
		t.Fatal(err)
	}
	h := mail.Header{Header: e.Header}
	d, err := h.Date()
	if err != nil || d.Unix() != m.Date.Unix() {
		t.Errorf("Date %v (%v), want %v", d, err, m.Date)
	}
	if id, _ := h.MessageID(); !strings.HasSuffix(id, "@shop.example") || id != m.MessageID {
		t.Errorf("Message-ID %q, want %q on the From domain", id, m.MessageID)
	}
}

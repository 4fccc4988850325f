package compose

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// parsed is what a parser found in a message, the same shape for
// go-message and Python's email package (testdata/parse.py).
type parsed struct {
	From      [][2]string       `json:"from"`
	To        [][2]string       `json:"to"`
	Cc        [][2]string       `json:"cc"`
	ReplyTo   [][2]string       `json:"reply_to"`
	Bcc       bool              `json:"bcc"`
	Subject   *string           `json:"subject"`
	MessageID string            `json:"message_id"`
	Headers   map[string]string `json:"headers"`
	Body      entity            `json:"body"`
	Defects   []string          `json:"defects"`
}

type entity struct {
	Type        string   `json:"type"`
	Parts       []entity `json:"parts,omitempty"`
	SHA256      string   `json:"sha256,omitempty"`
	Size        int      `json:"size,omitempty"`
	Filename    string   `json:"filename,omitempty"`
	CID         string   `json:"cid,omitempty"`
	Disposition string   `json:"disposition,omitempty"`
	Text        string   `json:"text,omitempty"`
}

// expected is what m should parse to, from its fields alone.
func expected(t *testing.T, m *Message, contents map[string][]byte) parsed {
	t.Helper()
	boxes := func(list []Mailbox) [][2]string {
		var out [][2]string
		for _, mb := range list {
			out = append(out, [2]string{mb.Name, mb.Address})
		}
		return out
	}
	p := parsed{From: boxes([]Mailbox{m.From}), To: boxes(m.To), Cc: boxes(m.Cc), ReplyTo: boxes(m.ReplyTo),
		MessageID: "<" + m.MessageID + ">", Headers: map[string]string{}}
	if m.Subject != "" {
		s := strings.Trim(m.Subject, " \t")
		p.Subject = &s
	}
	for _, f := range m.Header {
		p.Headers[f.Name] = strings.Trim(f.Value, " \t")
	}
	if m.InReplyTo != "" {
		p.Headers["In-Reply-To"] = "<" + m.InReplyTo + ">"
	}
	if len(m.References) > 0 {
		p.Headers["References"] = "<" + strings.Join(m.References, "> <") + ">"
	}
	text := func(typ, s string) entity {
		b := bytes.ReplaceAll(normalizeLines(s), []byte("\r\n"), []byte("\n"))
		return entity{Type: typ, SHA256: sum(b), Size: len(b), Text: string(b)}
	}
	att := func(a Attachment, disp string) entity {
		b := contents[a.Filename+a.ContentID]
		typ := a.ContentType
		if typ == "" {
			typ = "application/octet-stream"
			if strings.HasSuffix(a.Filename, ".pdf") {
				typ = "application/pdf"
			} else if strings.HasSuffix(a.Filename, ".png") {
				typ = "image/png"
			}
		}
		typ, _, _ = strings.Cut(typ, ";")
		e := entity{Type: typ, SHA256: sum(b), Size: len(b), Filename: a.Filename, Disposition: disp}
		if a.ContentID != "" {
			e.CID = "<" + a.ContentID + ">"
		}
		return e
	}
	var core *entity
	html := func() entity {
		h := text("text/html", m.HTML)
		if len(m.Inline) == 0 {
			return h
		}
		r := entity{Type: "multipart/related", Parts: []entity{h}}
		for _, a := range m.Inline {
			r.Parts = append(r.Parts, att(a, "inline"))
		}
		return r
	}
	switch {
	case m.Text != "" && m.HTML != "":
		core = &entity{Type: "multipart/alternative", Parts: []entity{text("text/plain", m.Text), html()}}
	case m.HTML != "":
		h := html()
		core = &h
	case m.Text != "" || len(m.Attachments) == 0:
		tp := text("text/plain", m.Text)
		core = &tp
	}
	if len(m.Attachments) == 0 {
		p.Body = *core
		return p
	}
	p.Body = entity{Type: "multipart/mixed"}
	if core != nil {
		p.Body.Parts = append(p.Body.Parts, *core)
	}
	for _, a := range m.Attachments {
		p.Body.Parts = append(p.Body.Parts, att(a, "attachment"))
	}
	return p
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// goMessage parses raw with github.com/emersion/go-message.
func goMessage(t *testing.T, raw []byte) parsed {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	h := mail.Header{Header: e.Header}
	list := func(name string) [][2]string {
		if !h.Has(name) {
			return nil
		}
		as, err := h.AddressList(name)
		if err != nil {
			t.Fatalf("go-message: %s: %v", name, err)
		}
		var out [][2]string
		for _, a := range as {
			out = append(out, [2]string{a.Name, a.Address})
		}
		return out
	}
	p := parsed{From: list("From"), To: list("To"), Cc: list("Cc"), ReplyTo: list("Reply-To"), Bcc: h.Has("Bcc"), Headers: map[string]string{}}
	if h.Has("Subject") {
		s, err := h.Subject()
		if err != nil {
			t.Fatalf("go-message: Subject: %v", err)
		}
		p.Subject = &s
	}
	id, err := h.MessageID()
	if err != nil {
		t.Fatalf("go-message: Message-ID: %v", err)
	}
	p.MessageID = "<" + id + ">"
	fields := h.Fields()
	for fields.Next() {
		k := fields.Key()
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-") || strings.HasPrefix(lk, "list-") || lk == "in-reply-to" || lk == "references" {
			v, err := fields.Text()
			if err != nil {
				t.Fatalf("go-message: %s: %v", k, err)
			}
			p.Headers[k] = v
		}
	}
	p.Body = goEntity(t, e)
	return p
}

func goEntity(t *testing.T, e *message.Entity) entity {
	t.Helper()
	typ, _, err := e.Header.ContentType()
	if err != nil {
		t.Fatalf("go-message: Content-Type: %v", err)
	}
	out := entity{Type: typ}
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("go-message: next part: %v", err)
			}
			out.Parts = append(out.Parts, goEntity(t, p))
		}
		return out
	}
	b, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatalf("go-message: body: %v", err)
	}
	if strings.HasPrefix(typ, "text/") {
		// Text line breaks are compared as LF, as Python gives them.
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		out.Text = string(b)
	}
	out.SHA256, out.Size = sum(b), len(b)
	if disp, _, err := e.Header.ContentDisposition(); err == nil {
		out.Disposition = disp
	}
	ah := mail.AttachmentHeader{Header: e.Header}
	if fn, err := ah.Filename(); err != nil {
		t.Fatalf("go-message: filename: %v", err)
	} else {
		out.Filename = fn
	}
	out.CID = e.Header.Get("Content-Id")
	return out
}

// python parses the files with Python's email package (testdata/parse.py),
// or skips the test when python3 is missing.
func python(t *testing.T, files []string) []parsed {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the check against Python's email package needs it (apt-get install python3)")
	}
	cmd := exec.Command(py, append([]string{"testdata/parse.py"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 parse.py: %v\n%s", err, stderr.String())
	}
	var docs []parsed
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var p parsed
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("python3 output: %v", err)
		}
		if len(p.Defects) == 0 {
			p.Defects = nil
		}
		docs = append(docs, p)
	}
	if len(docs) != len(files) {
		t.Fatalf("python3 parsed %d of %d messages", len(docs), len(files))
	}
	return docs
}

// render writes m and checks what every message must be: CRLF lines of
// at most 998 octets, header lines within 78 unless told otherwise, no Bcc.
func render(t *testing.T, m *Message, longHeader bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	raw := b.Bytes()
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n\x00") {
			t.Fatalf("line %d has a bare CR, LF or NUL: %q", i+1, line)
		}
		if len(line) > maxLine {
			t.Fatalf("line %d is %d octets long", i+1, len(line))
		}
		if !longHeader && i < bytes.Count(header, []byte("\r\n"))+1 && len(line) > 78 {
			t.Errorf("header line %d is %d octets long: %q", i+1, len(line), line)
		}
	}
	if bytes.Contains(bytes.ToLower(header), []byte("\nbcc:")) {
		t.Errorf("the Bcc field was written")
	}
	return raw
}

// oracleCases are messages of every shape, with the attachment contents
// they were made from.
func oracleCases() []struct {
	name       string
	m          func() *Message
	headers    map[string]string // further header fields expected
	longHeader bool
	noPython   bool // Python's parser does not read raw UTF-8 header fields (RFC 6532)
} {
	return []struct {
		name       string
		m          func() *Message
		headers    map[string]string
		longHeader bool
		noPython   bool
	}{
		{name: "text only", m: func() *Message {
			return &Message{From: Mailbox{Address: "orders@shop.example"}, To: []Mailbox{{Address: "alice@example.net"}},
				Subject: "Your order has shipped", Text: "It is on its way.\nThanks."}
		}},
		{name: "html only", m: func() *Message {
			return &Message{From: Mailbox{Name: "Shop", Address: "orders@shop.example"}, To: []Mailbox{{Address: "alice@example.net"}},
				Subject: "HTML", HTML: "<p>It is on its way.</p>"}
		}},
		{name: "order confirmation", headers: map[string]string{
			"List-Unsubscribe":      "<https://shop.example/unsubscribe?u=42&l=orders>, <mailto:unsubscribe%2B42@shop.example?subject=unsubscribe>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		}, m: func() *Message {
			return &Message{
				From:    Mailbox{Name: "Shöp, Inc.", Address: "orders@shop.example"},
				ReplyTo: []Mailbox{{Name: "Support", Address: "help@shop.example"}},
				To:      []Mailbox{{Name: "Alice Q. Public", Address: "alice@example.net"}, {Name: `"Bob" \ Builder`, Address: "bob@example.org"}},
				Cc:      []Mailbox{{Name: "Zoë Ünicode-Ñame", Address: "zoe@example.org"}, {Address: "carol@example.com"}},
				Bcc:     []Mailbox{{Name: "Audit", Address: "audit@shop.example"}},
				Subject: "Your order #1234 has shipped — thank you for shopping with us, we hope to see you again soon",
				Text:    "Hello Alice,\r\nyour order is on its way: 3 × café crème.\nTotal: 12,50 €\n",
				HTML:    `<p>Hello Alice, your order is on its way <img src="cid:logo@shop.example"></p>`,
				Inline:  []Attachment{{Filename: "logo.png", ContentID: "logo@shop.example"}},
				Attachments: []Attachment{
					{Filename: "invoice.pdf"},
					{Filename: "Rechnung für März 2026 – sehr langer Dateiname, damit er umbricht (Kopie).pdf"},
					{Filename: `quote"and\backslash.bin`, ContentType: "application/octet-stream"},
				},
				InReplyTo:         "req-1@shop.example",
				References:        []string{"a1@shop.example", "b2@[192.0.2.1]"},
				Unsubscribe:       "https://shop.example/unsubscribe?u=42&l=orders",
				UnsubscribeMailto: "unsubscribe+42@shop.example",
				Header:            []Field{{Name: "X-Campaign", Value: "spring-2026"}, {Name: "X-Note", Value: "Grüße aus Köln"}},
			}
		}},
		{name: "attachments only", m: func() *Message {
			return &Message{From: Mailbox{Address: "a@shop.example"}, To: []Mailbox{{Address: "b@example.net"}},
				Attachments: []Attachment{{Filename: "a.pdf"}, {Filename: "empty.txt", ContentType: "text/plain; charset=utf-8"}}}
		}},
		{name: "non-ASCII bodies", m: func() *Message {
			return &Message{From: Mailbox{Address: "a@shop.example"}, To: []Mailbox{{Address: "b@example.net"}},
				Subject: "日本語の件名はとても長いのでいくつかのエンコードされた単語に分割されなければなりません",
				Text:    "日本語のテキスト。\n二行目。\n",
				HTML:    "<p>Ça marche très bien, naïve façade.</p>\n<p>" + strings.Repeat("x", 1200) + "</p>"}
		}},
		{name: "headers that need care", m: func() *Message {
			return &Message{
				From:    Mailbox{Name: "=?utf-8?q?not_encoded?=", Address: "a@shop.example"},
				To:      manyRecipients(30),
				Subject: "=?utf-8?q?looks_encoded?= but is not; and a long word: " + strings.Repeat("w", 200),
				Text:    ".\n..leading dots\nFrom the start\n\ttab   trailing spaces   \n",
				Header:  []Field{{Name: "X-Long", Value: strings.Repeat("word ", 100)}},
			}
		}},
		{name: "SMTPUTF8 address", noPython: true, m: func() *Message {
			return &Message{From: Mailbox{Name: "Jörg", Address: "jörg@shop.example"}, To: []Mailbox{{Address: "użytkownik@example.net"}},
				Subject: "UTF-8", Text: "hi"}
		}},
		{name: "word longer than a line", longHeader: true, m: func() *Message {
			return &Message{From: Mailbox{Address: "a@shop.example"}, To: []Mailbox{{Address: "b@example.net"}},
				Subject: strings.Repeat("x", 1200), Header: []Field{{Name: "X-Token", Value: strings.Repeat("t", 900)}}, Text: "hi"}
		}},
	}
}

func manyRecipients(n int) []Mailbox {
	var list []Mailbox
	for i := range n {
		list = append(list, Mailbox{Name: fmt.Sprintf("Recipient %d", i), Address: fmt.Sprintf("r%d@example.net", i)})
	}
	return list
}

// fillContents gives every attachment of m content and returns it by
// Filename+ContentID.
func fillContents(m *Message) map[string][]byte {
	contents := map[string][]byte{}
	fill := func(list []Attachment) {
		for i := range list {
			a := &list[i]
			var b []byte
			switch {
			case strings.HasSuffix(a.Filename, ".png"):
				b = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
			case strings.HasPrefix(a.Filename, "empty"):
			default:
				b = bytes.Repeat([]byte("%PDF-1.7\n\x00\x01\x02binary\xff\xfe\r"), 3000+i)
			}
			contents[a.Filename+a.ContentID] = b
			a.Content = bytes.NewReader(b)
		}
	}
	fill(m.Inline)
	fill(m.Attachments)
	return contents
}

// TestOracles writes messages of every shape and parses them with
// go-message and with Python's email package: both must find the same
// header fields, parts, names, file names and bytes as were put in, and
// Python must report no defect.
func TestOracles(t *testing.T) {
	dir := t.TempDir()
	var files []string
	var want []parsed
	var names []string
	for _, tc := range oracleCases() {
		m := tc.m()
		contents := fillContents(m)
		raw := render(t, m, tc.longHeader)
		exp := expected(t, m, contents)
		maps.Copy(exp.Headers, tc.headers)
		if got := goMessage(t, raw); !reflect.DeepEqual(got, exp) {
			t.Errorf("%s: go-message differs (-found +want):\n%s\nmessage:\n%s", tc.name, diff(got, exp), clip(raw))
		}
		if tc.noPython {
			continue
		}
		f := filepath.Join(dir, fmt.Sprintf("%d.eml", len(files)))
		if err := os.WriteFile(f, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		files, want, names = append(files, f), append(want, exp), append(names, tc.name)
	}
	for i, got := range python(t, files) {
		raw, _ := os.ReadFile(files[i])
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%s: Python's email package differs (-found +want):\n%s\nmessage:\n%s", names[i], diff(got, want[i]), clip(raw))
		}
	}
}

// diff returns the lines of a and b as JSON that differ, in order.
func diff(a, b any) string {
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	var out strings.Builder
	for i := range max(len(la), len(lb)) {
		x, y := "", ""
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			fmt.Fprintf(&out, "-%s\n+%s\n", x, y)
		}
	}
	return out.String()
}

func clip(b []byte) string {
	if len(b) > 6000 {
		return string(b[:6000]) + "\n[...]"
	}
	return string(b)
}

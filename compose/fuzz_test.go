package compose

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"

	"github.com/mxkit/mxkit/address"
)

// FuzzHeader writes messages with arbitrary display names, subjects,
// custom field values and file names. Each must be refused with an *Error
// or written so that go-message reads back exactly what was given, with
// no line over 998 octets and no field that was not asked for.
func FuzzHeader(f *testing.F) {
	f.Add("Shop", "Your order", "spring", "invoice.pdf")
	f.Add("Shöp, Inc.", "Grüße — 日本語", "Köln", "Rechnung für März.pdf")
	f.Add(`"Bob" \ Builder`, "=?utf-8?q?x?=", "a  b\tc", `q"uote\.bin`)
	f.Add("a\r\nBcc: x@evil.example", "s\nX-Evil: 1", "v\r\n\r\nbody", "f\x00")
	f.Add("=?", strings.Repeat("long ", 300), strings.Repeat("x", 1500), strings.Repeat("ü", 300))
	f.Add(" lead", "  spaces  around  ", "\t", " ")
	f.Fuzz(func(t *testing.T, name, subject, value, filename string) {
		m := &Message{
			From:        Mailbox{Name: name, Address: "a@shop.example"},
			To:          []Mailbox{{Name: name, Address: "b@example.net"}, {Address: "c@example.net"}},
			Subject:     subject,
			Header:      []Field{{"X-Fuzz", value}},
			Text:        "hi",
			Attachments: []Attachment{{Filename: filename, Content: strings.NewReader("data")}},
		}
		var b bytes.Buffer
		_, err := m.WriteTo(&b)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if b.Len() != 0 {
				t.Fatalf("%d octets written with the error", b.Len())
			}
			return
		}
		raw := b.Bytes()
		for _, line := range bytes.Split(raw, []byte("\r\n")) {
			if len(line) > maxLine || bytes.ContainsAny(line, "\r\n\x00") {
				t.Fatalf("bad line %q", line)
			}
		}
		e, err := message.Read(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("go-message: %v\n%s", err, raw)
		}
		h := mail.Header{Header: e.Header}
		// Date From To Message-ID X-Fuzz MIME-Version Content-Type, and
		// Subject when there is one: nothing else, however the values try.
		want := 7
		if subject != "" {
			want++
		}
		if n := h.Len(); n != want {
			t.Fatalf("%d header fields, want %d:\n%s", n, want, raw)
		}
		from, err := h.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != name || from[0].Address != "a@shop.example" {
			t.Fatalf("From read back as %v (%v), want %q <a@shop.example>\n%s", from, err, name, raw)
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != 2 || to[0].Name != name || to[1].Address != "c@example.net" {
			t.Fatalf("To read back as %v (%v)\n%s", to, err, raw)
		}
		// go-message unfolds by joining lines with one space, so runs of
		// white space are compared as one (Python's exact unfolding is
		// checked in TestOracles).
		if s, err := h.Subject(); err != nil || !sameText(s, subject) {
			t.Fatalf("Subject read back as %q (%v), want %q\n%s", s, err, subject, raw)
		}
		if v, err := h.Text("X-Fuzz"); err != nil || !sameText(v, value) {
			t.Fatalf("X-Fuzz read back as %q (%v), want %q\n%s", v, err, value, raw)
		}
		mr := e.MultipartReader()
		mr.NextPart()
		att, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		if fn, err := (&mail.AttachmentHeader{Header: att.Header}).Filename(); err != nil || fn != filename {
			t.Fatalf("file name read back as %q (%v), want %q\n%s", fn, err, filename, raw)
		}
	})
}

func sameText(got, want string) bool {
	return got == strings.Trim(want, " \t") || strings.Join(strings.Fields(got), " ") == strings.Join(strings.Fields(want), " ")
}

// FuzzAddress writes arbitrary addresses: refused with an error wrapping
// address.ErrInvalid, or written so that go-message reads the address
// back.
func FuzzAddress(f *testing.F) {
	for _, s := range []string{"b@example.net", `"john doe"@example.net`, "a.b+c@[192.0.2.1]", "jörg@bücher.example",
		"x@example.net\r\nBcc: y@evil.example", "<x@y>", "a@b", "@b", `"a\"b"@c.example`, "a@-b.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		m := &Message{From: Mailbox{Address: "a@shop.example"}, To: []Mailbox{{Name: "N", Address: addr}}, Bcc: []Mailbox{{Address: addr}}, Text: "hi"}
		var b bytes.Buffer
		_, err := m.WriteTo(&b)
		a, perr := address.Parse(addr)
		if addr == "" {
			if !errors.Is(err, ErrMissing) {
				t.Fatalf("empty address: %v, want ErrMissing", err)
			}
			return
		}
		if perr != nil {
			if !errors.Is(err, address.ErrInvalid) {
				t.Fatalf("address.Parse refuses %q (%v) but WriteTo says %v", addr, perr, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("WriteTo(%q): %v", addr, err)
		}
		env, err := m.Envelope()
		if err != nil || len(env.To) != 1 || env.To[0] != a.String() {
			t.Fatalf("envelope %v (%v), want [%s]", env.To, err, a)
		}
		raw := b.Bytes()
		e, err := message.Read(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("go-message: %v", err)
		}
		// Date From To Message-ID MIME-Version Content-Type
		// Content-Transfer-Encoding: no Bcc, nothing injected.
		h := mail.Header{Header: e.Header}
		if h.Has("Bcc") || h.Len() != 7 {
			t.Fatalf("%d header fields (Bcc %v), want 7 and no Bcc:\n%s", h.Len(), h.Has("Bcc"), raw)
		}
		if a.NeedsSMTPUTF8() {
			return // go-message's address parser (net/mail) does not read UTF-8 local parts
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Name != "N" {
			t.Fatalf("To read back as %v (%v) from %q\n%s", to, err, addr, raw)
		}
	})
}

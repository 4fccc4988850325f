package compose

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"
)

// BenchmarkWriteTo builds and writes an order confirmation: text, HTML and
// a 1 MB PDF attachment (bench/compose compares it with go-mail).
func BenchmarkWriteTo(b *testing.B) {
	pdf := make([]byte, 1<<20)
	rand.Read(pdf)
	b.SetBytes(int64(len(pdf)))
	b.ReportAllocs()
	for b.Loop() {
		m := &Message{
			From:        Mailbox{Name: "Shop", Address: "orders@shop.example"},
			To:          []Mailbox{{Name: "Alice", Address: "alice@example.net"}},
			Subject:     "Your order has shipped",
			Text:        "It is on its way.",
			HTML:        "<p>It is on its way.</p>",
			Attachments: []Attachment{{Filename: "invoice.pdf", Content: bytes.NewReader(pdf)}},
		}
		if _, err := m.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

package compose_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mxkit/mxkit/compose"
)

func ExampleMessage() {
	m := &compose.Message{
		From:    compose.Mailbox{Name: "Shop", Address: "orders@shop.example"},
		To:      []compose.Mailbox{{Name: "Zoë Martin", Address: "zoe@example.net"}},
		Bcc:     []compose.Mailbox{{Address: "archive@shop.example"}},
		Subject: "Your order has shipped",
		Text:    "It is on its way.",
		// Fixed here for the output; left empty they are filled in.
		Date:      time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC),
		MessageID: "order-1234@shop.example",
	}
	env, err := m.Envelope()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("MAIL FROM", env.From, "RCPT TO", env.To)
	var out strings.Builder
	if _, err := m.WriteTo(&out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) // lines end in CRLF
	// Output:
	// MAIL FROM orders@shop.example RCPT TO [zoe@example.net archive@shop.example]
	// Date: Tue, 24 Nov 2026 09:30:00 +0000
	// From: Shop <orders@shop.example>
	// To: =?utf-8?q?Zo=C3=AB_Martin?= <zoe@example.net>
	// Subject: Your order has shipped
	// Message-ID: <order-1234@shop.example>
	// MIME-Version: 1.0
	// Content-Type: text/plain; charset=utf-8
	// Content-Transfer-Encoding: 7bit
	//
	// It is on its way.
}

func ExampleMessage_attachments() {
	invoice, err := os.Open("testdata/invoice.pdf")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer invoice.Close()
	m := &compose.Message{
		From:        compose.Mailbox{Name: "Shop", Address: "orders@shop.example"},
		To:          []compose.Mailbox{{Address: "zoe@example.net"}},
		Subject:     "Your invoice",
		Text:        "Your invoice is attached.",
		HTML:        `<p><img src="cid:logo"> Your invoice is attached.</p>`,
		Inline:      []compose.Attachment{{Filename: "logo.png", ContentID: "logo", Content: strings.NewReader("\x89PNG...")}},
		Attachments: []compose.Attachment{{Filename: "invoice.pdf", Content: invoice}},
		Unsubscribe: "https://shop.example/unsubscribe?u=8f3a",
	}
	var out strings.Builder
	if _, err := m.WriteTo(&out); err != nil {
		fmt.Println(err)
		return
	}
	// The structure: each part's media type, and the unsubscribe fields.
	for line := range strings.SplitSeq(out.String(), "\r\n") {
		if typ, ok := strings.CutPrefix(line, "Content-Type: "); ok {
			typ, _, _ = strings.Cut(typ, ";")
			fmt.Println(typ)
		} else if strings.HasPrefix(line, "List-Unsubscribe") {
			fmt.Println(line)
		}
	}
	// Output:
	// List-Unsubscribe: <https://shop.example/unsubscribe?u=8f3a>
	// List-Unsubscribe-Post: List-Unsubscribe=One-Click
	// multipart/mixed
	// multipart/alternative
	// text/plain
	// multipart/related
	// text/html
	// image/png
	// application/pdf
}

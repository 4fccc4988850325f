package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/mxkit/mxkit"
	"github.com/mxkit/mxkit/compose"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver"
)

// sendWithMxkit does the job with mxkit: build the message, sign it, look
// up the recipient's MX hosts (with MTA-STS and DANE), deliver, print the
// recipient's outcome.
func sendWithMxkit(ctx context.Context, j *job) error {
	keys := &dkim.MemoryStore{}
	keys.Set(j.Domain, dkim.Key{Domain: j.Domain, Selector: j.Selector, Signer: j.Key})
	sender := &mxkit.Sender{Hostname: j.Hostname, DKIM: keys, Resolver: &resolver.Client{Servers: []string{j.DNS}}}
	sender.Transport.Port = j.Port
	defer sender.Close()
	outcomes, err := sender.Send(ctx, &compose.Message{
		From:        compose.Mailbox{Name: "Shop", Address: j.From},
		To:          []compose.Mailbox{{Address: j.To}},
		Subject:     "Your order has shipped",
		Text:        "It is on its way.",
		HTML:        "<p>It is on its way.</p>",
		Attachments: []compose.Attachment{{Filename: "invoice.pdf", Content: bytes.NewReader(j.PDF)}},
	})
	for _, o := range outcomes {
		fmt.Fprintln(j.Out, o.Recipient, o.Status, o.Reply())
	}
	return err
}

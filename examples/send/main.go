// Command send is a Go backend sending an order confirmation (text and
// HTML from templates, an optional attachment such as the invoice PDF)
// straight to the recipients' mail servers, signed with DKIM: the smallest
// complete use of mxkit, written to be copied into a service.
//
// Like a backend, it takes its configuration from the environment and the
// recipients as its arguments:
//
//	openssl genpkey -algorithm ed25519 -out dkim.pem   # or -algorithm rsa (2048 bits)
//	export MAIL_FROM=orders@example.com      # the sender (and DKIM d= domain)
//	export MAIL_HOSTNAME=mail.example.com    # this host's name in DNS, sent in EHLO
//	export DKIM_KEY_FILE=dkim.pem            # PEM private key (PKCS#8 or PKCS#1)
//	export DKIM_SELECTOR=s1                  # public key at s1._domainkey.example.com
//	send -attach invoice.pdf alice@example.net bob@example.org
//
// (dkim.TXTRecord gives the TXT record to publish for the key, and
// examples/domaincheck checks it: domaincheck example.com -selector s1.)
// MAIL_HOSTNAME must be a fully qualified name, ideally the one the
// sending address's PTR record gives; without it the system's host name is
// used if it is fully qualified, and otherwise nothing is sent.
//
// It prints one line per recipient (status, the host that answered, the
// stage and reply) and exits non-zero unless every recipient got the
// message. DNS queries go to the servers of /etc/resolv.conf unless -dns
// names others ("host[:port]", comma-separated); -mx-port changes the SMTP
// port of the mail exchangers (the test runs it against a DNS server and an
// SMTP sink on loopback). Many hosting networks block outgoing port 25.
package main

import (
	"context"
	"flag"
	"fmt"
	htmltemplate "html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"

	"github.com/mxkit/mxkit"
	"github.com/mxkit/mxkit/compose"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/examples/internal/dnsflag"
	"github.com/mxkit/mxkit/resolver"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "send:", err)
		os.Exit(1)
	}
}

// order is what the templates show.
type order struct {
	Number string
	Items  []string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("send [-attach file] [-dns host:port] [-mx-port n] recipient...", flag.ExitOnError)
	fs.SetOutput(stderr)
	attach := fs.String("attach", "", "a file to attach, such as the invoice PDF")
	dnsServers := fs.String("dns", "", dnsflag.Usage)
	port := fs.Int("mx-port", 25, "SMTP port of the mail exchangers")
	fs.Parse(args) // exits on a bad flag, like flag.Parse

	// Once per process: the DKIM key, the templates, the Sender (it keeps
	// connections open between messages).
	from := os.Getenv("MAIL_FROM")
	pem, err := os.ReadFile(os.Getenv("DKIM_KEY_FILE"))
	if err != nil {
		return fmt.Errorf("DKIM_KEY_FILE: %w", err)
	}
	key, err := dkim.ParsePrivateKey(pem)
	if err != nil {
		return err
	}
	domain := from[strings.LastIndexByte(from, '@')+1:]
	keys := &dkim.MemoryStore{}
	keys.Set(domain, dkim.Key{Domain: domain, Selector: os.Getenv("DKIM_SELECTOR"), Signer: key})
	sender := &mxkit.Sender{Hostname: os.Getenv("MAIL_HOSTNAME"), DKIM: keys}
	if *dnsServers != "" {
		servers, err := dnsflag.Parse(*dnsServers)
		if err != nil {
			return err
		}
		sender.Resolver = &resolver.Client{Servers: servers}
	}
	sender.Transport.Port = *port
	defer sender.Close()
	text := texttemplate.Must(texttemplate.New("text").Parse("Order {{.Number}} has shipped:\n{{range .Items}}- {{.}}\n{{end}}"))
	html := htmltemplate.Must(htmltemplate.New("html").Parse("<p>Order {{.Number}} has shipped:</p><ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>"))

	// Per message.
	data := order{Number: "1234", Items: []string{"Espresso cups <set of 2>", "Café crème beans, 1 kg"}}
	msg := &compose.Message{From: compose.Mailbox{Name: "Orders", Address: from}, Subject: "Your order " + data.Number + " has shipped"}
	for _, to := range fs.Args() {
		msg.To = append(msg.To, compose.Mailbox{Address: to})
	}
	if err := msg.ExecuteText(text, data); err != nil {
		return err
	}
	if err := msg.ExecuteHTML(html, data); err != nil {
		return err
	}
	if *attach != "" {
		f, err := os.Open(*attach)
		if err != nil {
			return err
		}
		defer f.Close()
		msg.Attachments = []compose.Attachment{{Filename: filepath.Base(*attach), Content: f}}
	}
	outcomes, err := sender.Send(ctx, msg)
	for _, o := range outcomes { // one per recipient, even when err is set
		fmt.Fprintf(stdout, "%s\t%s\t%s [%s]\t%s %s %s\n", o.Recipient, o.Status, o.Host, o.IP, o.Stage, o.Enhanced, o.Text)
	}
	return err
}

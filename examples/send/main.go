// Command send is a Go backend sending one transactional message straight
// to the recipient's mail exchangers, signed with DKIM: the smallest
// complete use of mxkit, written to be copied into a service.
//
// Like a backend, it takes its configuration from the environment and the
// recipient as its argument:
//
//	openssl genpkey -algorithm ed25519 -out dkim.pem   # or -algorithm rsa (2048 bits)
//	export MAIL_FROM=orders@example.com    # the sender (and DKIM d= domain)
//	export DKIM_KEY_FILE=dkim.pem          # PEM private key (PKCS#8 or PKCS#1)
//	export DKIM_SELECTOR=s1                # public key at s1._domainkey.example.com
//	send alice@example.net
//
// (dkim.TXTRecord gives the TXT record to publish for the key, and
// examples/domaincheck checks it: domaincheck example.com -selector s1.)
//
// It prints the recipient's result (status, the host that answered, whether
// TLS was used, the error) and exits non-zero when the message was not
// delivered. DNS queries go to the servers of /etc/resolv.conf unless -dns
// names others ("host:port", space-separated); -mx-port changes the SMTP
// port of the mail exchangers (the test runs it against a DNS server and an
// SMTP sink on loopback). Many hosting networks block outgoing port 25.
//
// The message is built with fmt.Sprintf from the addresses: that is safe
// because Deliver refuses addresses holding CR, LF, other control
// characters or angle brackets before anything is sent.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/smtpclient"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "send:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("send [-dns host:port] [-mx-port n] recipient", flag.ExitOnError)
	fs.SetOutput(stderr)
	dnsServers := fs.String("dns", "", "DNS servers as host:port, space-separated (default: /etc/resolv.conf)")
	port := fs.Int("mx-port", 25, "SMTP port of the mail exchangers")
	fs.Parse(args) // exits on a bad flag, like flag.Parse
	from, to := os.Getenv("MAIL_FROM"), fs.Arg(0)
	pem, err := os.ReadFile(os.Getenv("DKIM_KEY_FILE"))
	if err != nil {
		return fmt.Errorf("DKIM_KEY_FILE: %w", err)
	}
	key, err := dkim.ParsePrivateKey(pem)
	if err != nil {
		return err
	}
	_, domain, _ := strings.Cut(from, "@")
	signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{{Domain: domain, Selector: os.Getenv("DKIM_SELECTOR"), Signer: key}}})
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: Your order has shipped\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIt is on its way.\r\n",
		from, to, time.Now().Format(time.RFC1123Z), rand.Text(), domain)
	sig, err := signer.Sign(ctx, strings.NewReader(msg)) // the DKIM-Signature field(s) to prepend
	if err != nil {
		return err
	}
	tr := &smtpclient.Transport{Router: &mx.Router{Resolver: &resolver.Client{Servers: strings.Fields(*dnsServers)}}, Port: *port}
	defer tr.Close()
	res, err := tr.Deliver(ctx, to[strings.LastIndexByte(to, '@')+1:], smtpclient.Envelope{From: from, To: []string{to}}, strings.NewReader(sig+msg))
	rc := res.Recipients[0] // res is never nil and has a result per recipient
	fmt.Fprintf(stdout, "%s\t%s\t%s (%s) tls=%v\t%s %s %s\n", rc.Recipient, rc.Status, res.Host, res.Addr, res.TLS, rc.Stage, rc.Enhanced, rc.Text)
	return err
}

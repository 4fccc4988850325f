package mxkit_test

import (
	"context"
	"crypto"
	"fmt"
	"io"
	"log"
	"net"
	"strings"

	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit"
	"github.com/mxkit/mxkit/compose"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// Example is the README's "start here": build a message, send it straight
// to the recipient's mail server signed with DKIM, and check the outcome
// of each recipient. Here the DNS and the recipient's mail server run on
// loopback.
func Example() {
	ctx := context.Background()
	key, lb := startLoopback() // this example's DNS and mail server on 127.0.0.1
	defer lb.close()

	keys := &dkim.MemoryStore{} // or &dkim.DirStore{Dir: "/etc/dkim"}
	keys.Set("shop.example", dkim.Key{Domain: "shop.example", Selector: "s1", Signer: key})
	sender := &mxkit.Sender{Hostname: "mail.shop.example", DKIM: keys}
	lb.use(sender) // for this example only: its DNS, and its mail server's port
	defer sender.Close()

	outcomes, err := sender.Send(ctx, &compose.Message{
		From:    compose.Mailbox{Name: "Shop", Address: "orders@shop.example"},
		To:      []compose.Mailbox{{Name: "Alice", Address: "alice@example.net"}},
		Subject: "Your order has shipped",
		Text:    "It is on its way.",
	})
	for _, o := range outcomes {
		fmt.Println(o.Recipient, o.Status) // delivered, deferred or failed, with the reply
	}
	if err != nil {
		fmt.Println(err) // the first recipient not delivered, or why nothing was sent
	}
	fmt.Println("received:", lb.received())
	// Output:
	// alice@example.net delivered
	// received: 1 message from orders@shop.example, DKIM pass
}

// loopback is the example's world: DNS for shop.example (with the DKIM
// key) and example.net, whose MX is a go-smtp server on 127.0.0.1 that
// checks signatures with dkim.Verifier.
type loopback struct {
	dns  *resolvertest.Server
	smtp *smtp.Server
	port int
	msgs chan string
}

func startLoopback() (crypto.Signer, *loopback) {
	key, err := dkim.GenerateKey("ed25519")
	if err != nil {
		log.Fatal(err)
	}
	txt, err := dkim.TXTRecord(key.Public())
	if err != nil {
		log.Fatal(err)
	}
	dns, err := resolvertest.Start(`s1._domainkey.shop.example. TXT "` + strings.Join(txt, `" "`) + `"
example.net.    MX 10 mx.example.net.
mx.example.net. A  127.0.0.1
`)
	if err != nil {
		log.Fatal(err)
	}
	lb := &loopback{dns: dns, msgs: make(chan string, 10)}
	verifier := &dkim.Verifier{Resolver: dns.Client()}
	lb.smtp = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &exampleSession{lb: lb, verifier: verifier}, nil
	}))
	lb.smtp.Domain = "mx.example.net"
	lb.smtp.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	lb.port = l.Addr().(*net.TCPAddr).Port
	go lb.smtp.Serve(l)
	return key, lb
}

// use points the sender at the loopback DNS and at the mail server's port
// (25 in real use).
func (lb *loopback) use(s *mxkit.Sender) {
	s.Resolver = lb.dns.Client()
	s.Transport.Port = lb.port
}

func (lb *loopback) received() string {
	select {
	case m := <-lb.msgs:
		return m
	default:
		return "nothing"
	}
}

func (lb *loopback) close() {
	lb.smtp.Close()
	lb.dns.Close()
}

type exampleSession struct {
	lb       *loopback
	verifier *dkim.Verifier
	from     string
}

func (s *exampleSession) Reset()        {}
func (s *exampleSession) Logout() error { return nil }
func (s *exampleSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *exampleSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *exampleSession) Data(r io.Reader) error {
	results, err := s.verifier.Verify(context.Background(), r)
	status := "none"
	if err == nil && len(results) > 0 {
		status = string(results[0].Status)
	}
	s.lb.msgs <- fmt.Sprintf("1 message from %s, DKIM %s", s.from, status)
	return nil
}

package smtpclient_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/smtpclient"
)

// sink is a tiny SMTP server for the examples: it accepts everything
// except recipients starting with "nobody".
type sink struct{}

func (sink) NewSession(*smtp.Conn) (smtp.Session, error) { return sinkSession{}, nil }

type sinkSession struct{}

func (sinkSession) Reset()                               {}
func (sinkSession) Logout() error                        { return nil }
func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func (sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	return nil
}

func startSink(addr string) (port int, stop func()) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	s := smtp.NewServer(sink{})
	s.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() { s.Serve(l); close(done) }()
	return l.Addr().(*net.TCPAddr).Port, func() { s.Close(); l.Close(); <-done }
}

// Send a message to a fixed server, with a result per recipient.
func ExampleTransport_Send() {
	port, stop := startSink("127.0.0.1:0")
	defer stop()

	t := &smtpclient.Transport{
		Host: "127.0.0.1",
		Port: port,
		TLS:  smtpclient.TLSNone, // the example server has no TLS; the default is verified TLS
	}
	defer t.Close()

	msg := "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: hello\r\n\r\nHi Bob.\r\n"
	res, err := t.Send(context.Background(), smtpclient.Envelope{
		From: "alice@example.org",
		To:   []string{"bob@example.com", "nobody@example.com"},
	}, strings.NewReader(msg))
	if err != nil {
		log.Fatal(err) // no recipient got the message
	}
	for _, r := range res.Recipients {
		// Each outcome is data: the verdict, the stage, the reply.
		fmt.Println(r.Recipient, r.Status, r.Stage, r.Code, r.Enhanced, r.Text)
	}
	// Output:
	// bob@example.com delivered final 250 2.0.0 OK: queued
	// nobody@example.com failed rcpt 550 5.1.1 no such user
}

// Deliver directly to a domain's mail exchangers, found with mx. A domain
// that takes no mail fails at once: retrying could not help.
func ExampleTransport_Deliver() {
	port, stop := startSink("127.0.0.1:0")
	defer stop()
	// A DNS server on loopback stands in for the Internet's.
	dns, err := resolvertest.Start(`
example.com.      MX 10 mx.example.com.
mx.example.com.   A  127.0.0.1
example.net.      MX 0 .
`)
	if err != nil {
		log.Fatal(err)
	}
	defer dns.Close()

	t := &smtpclient.Transport{
		Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true},
		Port:   port, // 25 in real life
	}
	defer t.Close()
	for _, rcpt := range []string{"bob@example.com", "carol@example.net"} {
		_, domain, _ := strings.Cut(rcpt, "@")
		res, _ := t.Deliver(context.Background(), domain, smtpclient.Envelope{
			From: "alice@example.org",
			To:   []string{rcpt},
		}, strings.NewReader("Subject: hi\r\n\r\nHi.\r\n"))
		o := res.Recipients[0]
		fmt.Println(o.Recipient, o.Status, o.Stage, o.Enhanced, o.Host, o.Permanent())
	}
	// Output:
	// bob@example.com delivered final 2.0.0 mx.example.com false
	// carol@example.net failed route 5.1.10  true
}

// Submission on port 587 with STARTTLS and AUTH PLAIN, pooled, rate
// limited, with explicit timeouts.
func ExampleTransport_submission() {
	t := &smtpclient.Transport{
		Host: "smtp.example.org",
		Port: 587,
		TLS:  smtpclient.TLSVerified, // the default: STARTTLS with a checked certificate
		Auth: func() sasl.Client {
			return sasl.NewPlainClient("", "alice@example.org", "app-password")
		},
		MaxConnsPerHost: 4,
		RateLimits:      []smtpclient.RateLimit{{Hosts: []string{"*"}, Rate: 10, Burst: 5}},
		Timeouts:        smtpclient.Timeouts{Connect: 10 * time.Second},
	}
	defer t.Close()
	_ = t // t.Send(ctx, env, msg) as in the Send example
}

// Hand mail to a mailbox server over LMTP: each recipient gets its own
// reply after the data.
func ExampleTransport_lmtp() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	s := smtp.NewServer(sink{}) // go-smtp in LMTP mode stands in for Dovecot
	s.LMTP = true
	s.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() { s.Serve(l); close(done) }()
	defer func() { s.Close(); l.Close(); <-done }()

	t := &smtpclient.Transport{
		Host: "127.0.0.1",
		Port: l.Addr().(*net.TCPAddr).Port, // 24 in real life
		TLS:  smtpclient.TLSNone,
		LMTP: true,
	}
	defer t.Close()
	res, err := t.Send(context.Background(), smtpclient.Envelope{
		From: "alice@example.org",
		To:   []string{"bob@example.com", "carol@example.com"},
	}, strings.NewReader("Subject: hi\r\n\r\nHi.\r\n"))
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res.Recipients {
		fmt.Println(r.Recipient, r.Status)
	}
	// Output:
	// bob@example.com delivered
	// carol@example.com delivered
}

// Send from two local addresses, the new one warming up: at most 50
// messages on its first day and 10 in any hour, rising day by day.
func ExampleTransport_warmup() {
	t := &smtpclient.Transport{
		Sources: []smtpclient.Source{
			{Addr: netip.MustParseAddr("192.0.2.10"), Weight: 3},
			{Addr: netip.MustParseAddr("192.0.2.11"), Weight: 1, Warmup: &smtpclient.Warmup{
				Start:  time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
				Daily:  []int{50, 100, 200, 500, 1000},
				Hourly: []int{10, 20, 40, 100, 200},
			}},
		},
		// WarmupCounter: a counter kept in the database, so that a restart
		// does not start the day's count over (nil counts in memory).
	}
	defer t.Close()
	_ = t // t.Deliver(ctx, domain, env, msg)
}

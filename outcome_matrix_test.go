package mxkit_test

// The failure matrix of issue 13: each way a delivery can fail, through
// the real path — a DNS server on loopback (resolvertest), real SMTP
// servers (go-smtp, or a raw TCP server where go-smtp cannot misbehave
// enough), the real smtpclient.Transport and mx.Router — checked for the
// outcome's status, verdict, reply code, enhanced code and stage, the
// reason bounce gives it, and the Status of the DSN a failed recipient
// gets.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/smtpclient"
)

// matrixBackend answers as its fields say.
type matrixBackend struct {
	rcpt  func(to string) error
	data  func() error
	lmtp  func(to string) error // per-recipient reply after the data, in LMTP mode
	stall chan struct{}         // Data blocks on it (a server that never answers)
}

func (b *matrixBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &matrixSession{b: b}, nil
}

type matrixSession struct {
	b     *matrixBackend
	rcpts []string
}

func (s *matrixSession) Reset()                               { s.rcpts = nil }
func (s *matrixSession) Logout() error                        { return nil }
func (s *matrixSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *matrixSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.rcpt != nil {
		if err := s.b.rcpt(to); err != nil {
			return err
		}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *matrixSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	if s.b.stall != nil {
		<-s.b.stall
	}
	if s.b.data != nil {
		return s.b.data()
	}
	return nil
}

func (s *matrixSession) LMTPData(r io.Reader, status smtp.StatusCollector) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	for _, to := range s.rcpts {
		status.SetStatus(to, s.b.lmtp(to))
	}
	return nil
}

// serveSMTP runs a go-smtp server on 127.0.0.1 and returns its port.
func serveSMTP(t *testing.T, b *matrixBackend, setup func(*smtp.Server)) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(b)
	s.Domain = "mx.matrix.test"
	s.AllowInsecureAuth = true
	s.ErrorLog = log.New(io.Discard, "", 0)
	if setup != nil {
		setup(s)
	}
	done := make(chan struct{})
	go func() { s.Serve(l); close(done) }()
	t.Cleanup(func() {
		if b.stall != nil {
			close(b.stall)
		}
		s.Close()
		<-done
	})
	return l.Addr().(*net.TCPAddr).Port
}

// serveRaw runs a TCP server that writes greeting to each connection and
// closes it.
func serveRaw(t *testing.T, greeting string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte(greeting))
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().(*net.TCPAddr).Port
}

// closedPort returns a port nothing listens on.
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func selfSigned(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.matrix.test"},
		DNSNames: []string{"mx.matrix.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func refuse(code int, enh smtp.EnhancedCode, text string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: text}
}

type matrixWant struct {
	status    delivery.Status
	code      int
	enhanced  delivery.EnhancedCode
	stage     delivery.Stage
	reason    bounce.Reason
	dsnStatus string
}

func TestFailureMatrix(t *testing.T) {
	const msg = "From: a@sender.test\r\nTo: b@dest.test\r\nSubject: matrix\r\n\r\nHello.\r\n"
	zone := `
dest.test.        MX 10 mx.dest.test.
mx.dest.test.     A  127.0.0.1
two.test.         MX 10 mx1.two.test.
two.test.         MX 20 mx2.two.test.
mx1.two.test.     A  127.0.0.1
mx2.two.test.     A  127.0.0.2
nullmx.test.      MX 0 .
noaddr.test.      MX 10 mx.noaddr.test.
mx.noaddr.test.   TXT "this host has no address records"
dane.test.        MX 10 mx.dane.test.
mx.dane.test.     A  127.0.0.1
_25._tcp.mx.dane.test. TLSA 3 1 1 ` + strings.Repeat("ab", 32) + `
`
	dns := resolvertest.New(t, zone)
	dns.SetSecure("dane.test", true)
	router := &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}

	// deliver sends msg to rcpts in domain through a Transport whose MX
	// port is port, and returns each recipient's outcome.
	deliver := func(t *testing.T, domain string, port int, rcpts ...string) []delivery.Outcome {
		t.Helper()
		tr := &smtpclient.Transport{Router: router, Port: port, LocalName: "client.matrix.test",
			Timeouts: smtpclient.Timeouts{Connect: 2 * time.Second, DataEnd: 300 * time.Millisecond}}
		defer tr.Close()
		res, err := tr.Deliver(context.Background(), domain, smtpclient.Envelope{From: "a@sender.test", To: rcpts}, strings.NewReader(msg))
		if err == nil && res.Recipients[0].Status != delivery.Delivered {
			t.Errorf("no error although the first recipient was not delivered: %+v", res.Recipients[0])
		}
		return res.Recipients
	}
	rows := []struct {
		name string
		run  func(t *testing.T) []delivery.Outcome
		want []matrixWant
	}{
		{"NXDOMAIN", func(t *testing.T) []delivery.Outcome { return deliver(t, "nowhere.test", 25, "b@nowhere.test") },
			[]matrixWant{{delivery.Failed, 0, delivery.EnhancedCode{5, 1, 2}, delivery.StageRoute, bounce.HostUnknown, "5.1.2"}}},
		{"null MX", func(t *testing.T) []delivery.Outcome { return deliver(t, "nullmx.test", 25, "b@nullmx.test") },
			[]matrixWant{{delivery.Failed, 0, delivery.EnhancedCode{5, 1, 10}, delivery.StageRoute, bounce.NotAccept, "5.1.10"}}},
		{"no A/AAAA for the MX host", func(t *testing.T) []delivery.Outcome { return deliver(t, "noaddr.test", 25, "b@noaddr.test") },
			[]matrixWant{{delivery.Failed, 0, delivery.EnhancedCode{5, 4, 4}, delivery.StageRoute, bounce.HostUnknown, "5.4.4"}}},
		{"connection refused on every MX", func(t *testing.T) []delivery.Outcome {
			return deliver(t, "two.test", closedPort(t), "b@two.test")
		}, []matrixWant{{delivery.Deferred, 0, delivery.EnhancedCode{4, 4, 1}, delivery.StageConnect, bounce.NetworkError, "4.4.1"}}},
		{"421 greeting", func(t *testing.T) []delivery.Outcome {
			return deliver(t, "dest.test", serveRaw(t, "421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later\r\n"), "b@dest.test")
		}, []matrixWant{{delivery.Deferred, 421, delivery.EnhancedCode{4, 7, 0}, delivery.StageGreeting, bounce.TooManyConn, "4.7.0"}}},
		{"550 5.1.1 at RCPT", func(t *testing.T) []delivery.Outcome {
			port := serveSMTP(t, &matrixBackend{rcpt: func(string) error {
				return refuse(550, smtp.EnhancedCode{5, 1, 1}, "<b@dest.test>: Recipient address rejected: User unknown in local recipient table")
			}}, nil)
			return deliver(t, "dest.test", port, "b@dest.test")
		}, []matrixWant{{delivery.Failed, 550, delivery.EnhancedCode{5, 1, 1}, delivery.StageRcpt, bounce.UserUnknown, "5.1.1"}}},
		{"452 4.2.2 at RCPT", func(t *testing.T) []delivery.Outcome {
			port := serveSMTP(t, &matrixBackend{rcpt: func(string) error {
				return refuse(452, smtp.EnhancedCode{4, 2, 2}, "The email account that you tried to reach is over quota")
			}}, nil)
			return deliver(t, "dest.test", port, "b@dest.test")
		}, []matrixWant{{delivery.Deferred, 452, delivery.EnhancedCode{4, 2, 2}, delivery.StageRcpt, bounce.MailboxFull, "4.2.2"}}},
		{"552 at end of data", func(t *testing.T) []delivery.Outcome {
			port := serveSMTP(t, &matrixBackend{data: func() error {
				return refuse(552, smtp.EnhancedCode{5, 3, 4}, "Message size exceeds fixed maximum message size")
			}}, nil)
			return deliver(t, "dest.test", port, "b@dest.test")
		}, []matrixWant{{delivery.Failed, 552, delivery.EnhancedCode{5, 3, 4}, delivery.StageFinal, bounce.MesgTooBig, "5.3.4"}}},
		{"TLS required but not offered", func(t *testing.T) []delivery.Outcome {
			port := serveSMTP(t, &matrixBackend{}, nil) // no STARTTLS
			tr := &smtpclient.Transport{Host: "127.0.0.1", Port: port, TLS: smtpclient.TLSVerified, LocalName: "client.matrix.test"}
			defer tr.Close()
			res, _ := tr.Send(context.Background(), smtpclient.Envelope{From: "a@sender.test", To: []string{"b@dest.test"}}, strings.NewReader(msg))
			return res.Recipients
		}, []matrixWant{{delivery.Deferred, 0, delivery.EnhancedCode{4, 7, 4}, delivery.StageTLS, bounce.FailedSTARTTLS, "4.7.4"}}},
		{"timeout after DATA", func(t *testing.T) []delivery.Outcome {
			port := serveSMTP(t, &matrixBackend{stall: make(chan struct{})}, nil)
			return deliver(t, "dest.test", port, "b@dest.test")
		}, []matrixWant{{delivery.Deferred, 0, delivery.EnhancedCode{4, 4, 2}, delivery.StageFinal, bounce.NetworkError, "4.4.2"}}},
		{"5xx after DATA for one of two recipients (LMTP)", func(t *testing.T) []delivery.Outcome {
			port := serveSMTP(t, &matrixBackend{lmtp: func(to string) error {
				if strings.HasPrefix(to, "spam") {
					return refuse(554, smtp.EnhancedCode{5, 7, 1}, "Message rejected as spam by Content Filtering")
				}
				return nil
			}}, func(s *smtp.Server) { s.LMTP = true })
			tr := &smtpclient.Transport{Host: "127.0.0.1", Port: port, TLS: smtpclient.TLSNone, LMTP: true, LocalName: "client.matrix.test"}
			defer tr.Close()
			res, _ := tr.Send(context.Background(), smtpclient.Envelope{From: "a@sender.test", To: []string{"b@dest.test", "spam@dest.test"}}, strings.NewReader(msg))
			return res.Recipients
		}, []matrixWant{
			{delivery.Delivered, 250, delivery.EnhancedCode{2, 0, 0}, delivery.StageFinal, bounce.Delivered, "2.0.0"},
			{delivery.Failed, 554, delivery.EnhancedCode{5, 7, 1}, delivery.StageFinal, bounce.SpamDetected, "5.7.1"},
		}},
		{"DANE mismatch", func(t *testing.T) []delivery.Outcome {
			cert := selfSigned(t)
			port := serveSMTP(t, &matrixBackend{}, func(s *smtp.Server) {
				s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
			})
			return deliver(t, "dane.test", port, "b@dane.test")
		}, []matrixWant{{delivery.Deferred, 0, delivery.EnhancedCode{4, 7, 5}, delivery.StageTLS, bounce.FailedSTARTTLS, "4.7.5"}}},
	}
	// The real queue keeps each outcome as data: every row's outcomes go
	// through Queue.Complete into an embedded store, which is reopened at
	// the end and must give them back field for field.
	qdir := t.TempDir()
	store, err := queue.Open(qdir, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := &queue.Queue{Store: store}
	kept := map[queue.ID][]delivery.Outcome{}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			got := row.run(t)
			kept[completeInQueue(t, q, got)] = got
			if len(got) != len(row.want) {
				t.Fatalf("%d outcomes, want %d", len(got), len(row.want))
			}
			for i, w := range row.want {
				o := &got[i]
				if o.Status != w.status || o.Code != w.code || o.Enhanced != w.enhanced || o.Stage != w.stage {
					t.Errorf("%s: %v %d %v %v, want %v %d %v %v (%v)", o.Recipient, o.Status, o.Code, o.Enhanced, o.Stage,
						w.status, w.code, w.enhanced, w.stage, o)
				}
				if o.Permanent() != (w.status == delivery.Failed) || o.Temporary() != (w.status == delivery.Deferred) {
					t.Errorf("%s: Permanent %v Temporary %v for %v", o.Recipient, o.Permanent(), o.Temporary(), o.Status)
				}
				if o.Status != delivery.Delivered {
					var err error = o
					if oe, ok := errors.AsType[*delivery.Outcome](err); !ok || oe != o {
						t.Errorf("%s: the outcome is not its own error", o.Recipient)
					}
				}
				c := bounce.ClassifyOutcome(o)
				if c.Reason != w.reason || c.Temporary != o.Temporary() || c.Hard != (w.status == delivery.Failed && (w.reason == bounce.UserUnknown || w.reason == bounce.HostUnknown || w.reason == bounce.NotAccept)) {
					t.Errorf("%s: classified %+v, want reason %s, temporary %v", o.Recipient, c, w.reason, o.Temporary())
				}
				if r := bounce.NewDSNRecipient(o); r.Status != w.dsnStatus {
					t.Errorf("%s: DSN status %q, want %q", o.Recipient, r.Status, w.dsnStatus)
				} else if o.Code != 0 && (r.RemoteMTA == "" || !strings.HasPrefix(r.DiagnosticCode, o.Reply()[:3])) {
					t.Errorf("%s: DSN Remote-MTA %q, Diagnostic-Code %q for a server reply", o.Recipient, r.RemoteMTA, r.DiagnosticCode)
				}
			}
		})
	}
	store.Close()
	reopened, err := queue.Open(qdir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	for id, want := range kept {
		m, err := reopened.Get(context.Background(), id)
		if errors.Is(err, queue.ErrNotFound) {
			continue // delivered to every recipient: gone from the queue
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			if h := m.Recipients[i].History; len(h) != 1 || !sameStored(h[0], w) {
				t.Errorf("after reopening, %s's history is %+v, want %+v", w.Recipient, h, w)
			}
		}
	}
}

// completeInQueue enqueues a message for the outcomes' recipients, leases
// it and completes it with them; it checks what the queue decided and what
// it recorded, and returns the message's ID.
func completeInQueue(t *testing.T, q *queue.Queue, outs []delivery.Outcome) queue.ID {
	t.Helper()
	ctx := context.Background()
	env := &queue.Envelope{From: "a@sender.test"}
	for _, o := range outs {
		env.Recipients = append(env.Recipients, queue.Recipient{Addr: o.Recipient})
	}
	id, err := q.Enqueue(ctx, env, strings.NewReader("Subject: matrix\r\n\r\nHello.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var m *queue.Message
	for range 100 {
		ms, err := q.Lease(ctx, 10, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ms {
			if x.ID == id {
				m = x
			}
		}
		if m != nil {
			break
		}
	}
	if m == nil {
		t.Fatal("the message was not leased")
	}
	decided, err := q.Complete(ctx, m, outs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[delivery.Status]queue.State{delivery.Delivered: queue.Delivered, delivery.Deferred: queue.Pending, delivery.Failed: queue.Failed}
	for i, d := range decided {
		if d.State != want[outs[i].Status] || !sameStored(d.Outcome, outs[i]) {
			t.Errorf("%s: the queue decided %v with %+v, want %v with the outcome as given", d.Recipient, d.State, d.Outcome, want[outs[i].Status])
		}
	}
	stored, err := q.Store.Get(ctx, id)
	if errors.Is(err, queue.ErrNotFound) {
		return id
	}
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range stored.Recipients {
		if r.Attempts != 1 || r.Last() == nil || !sameStored(*r.Last(), outs[i]) {
			t.Errorf("%s: stored attempts %d, history %+v; want the outcome as data", r.Addr, r.Attempts, r.History)
		}
	}
	return id
}

// sameStored compares an outcome with its stored copy: every field but
// the Go error, which is not stored.
func sameStored(a, b delivery.Outcome) bool {
	a.Err, b.Err = nil, nil
	return a.Time.Equal(b.Time) && func() bool { a.Time, b.Time = time.Time{}, time.Time{}; return a == b }()
}

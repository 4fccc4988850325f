package smtpclient

import (
	"context"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/delivery"
)

// mailboxes is an LMTP server's backend (go-smtp in LMTP mode): a
// recipient starting with "gone" is refused at RCPT, one starting with
// "full" after the data (452 4.2.2), the others take the message.
type mailboxes struct {
	mu  sync.Mutex
	got map[string]string // recipient -> message
}

func (b *mailboxes) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &mailboxSession{b: b}, nil
}

type mailboxSession struct {
	b     *mailboxes
	rcpts []string
}

func (s *mailboxSession) Reset()                               { s.rcpts = nil }
func (s *mailboxSession) Logout() error                        { return nil }
func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Data(io.Reader) error                 { panic("LMTPData is used") }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "gone") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *mailboxSession) LMTPData(r io.Reader, status smtp.StatusCollector) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	for _, to := range s.rcpts {
		if strings.HasPrefix(to, "full") {
			status.SetStatus(to, &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full"})
			continue
		}
		s.b.got[to] = string(b)
		status.SetStatus(to, nil)
	}
	return nil
}

func startLMTP(t *testing.T) (*mailboxes, string, int) {
	t.Helper()
	be := &mailboxes{got: map[string]string{}}
	s := smtp.NewServer(be)
	s.LMTP = true
	s.Domain = "lmtp.example.test"
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return be, "127.0.0.1", serve(t, s, l)
}

// TestLMTP sends to four recipients of an LMTP server: each gets its own
// outcome from its own reply after the data (RFC 2033 §4.2).
func TestLMTP(t *testing.T) {
	be, host, port := startLMTP(t)
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, LMTP: true}
	defer tr.Close()
	to := []string{"ok1@example.test", "full@example.test", "gone@example.test", "ok2@example.test"}
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: to}, strings.NewReader(testMsg))
	if err != nil {
		t.Fatalf("a transaction in which two recipients got the message: %v", err)
	}
	want := []struct {
		status delivery.Status
		code   int
	}{{delivery.Delivered, 0}, {delivery.Deferred, 452}, {delivery.Failed, 550}, {delivery.Delivered, 0}}
	for i, w := range want {
		rr := res.Recipients[i]
		if rr.Status != w.status {
			t.Errorf("%s: %v (%v), want %v", rr.Recipient, rr.Status, &rr, w.status)
		}
		if w.code != 0 {
			if rr.Code != w.code {
				t.Errorf("%s: %v, want code %d", rr.Recipient, &rr, w.code)
			}
		} else if rr.Code/100 != 2 || rr.Stage != delivery.StageFinal {
			t.Errorf("%s: delivered with %v", rr.Recipient, &rr)
		}
	}
	be.mu.Lock()
	n := len(be.got)
	be.mu.Unlock()
	if n != 2 {
		t.Errorf("%d mailboxes got the message, want 2", n)
	}

	// Every recipient failing after the data fails the transaction; the
	// session stays usable for the next one.
	res, err = tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"full1@example.test", "full2@example.test"}}, strings.NewReader(testMsg))
	if e := smtpErr(err); e == nil || e.Code != 452 || res.Recipients[1].Status != delivery.Deferred {
		t.Errorf("all mailboxes full: %v, %+v", err, res.Recipients)
	}
	res, err = tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"ok3@example.test"}}, strings.NewReader(testMsg))
	mustDelivered(t, res, err)

	if _, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg)); err == nil {
		t.Error("Deliver with LMTP set did not fail")
	}
}

// TestLMTPSink sends to Postfix's smtp-sink in LMTP mode (-L), with many
// senders on few sessions: every recipient must be delivered.
func TestLMTPSink(t *testing.T) {
	host, port := startSink(t, "-L")
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, LMTP: true, MaxConnsPerHost: 2}
	defer tr.Close()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"a@example.test", "b@example.test", "c@example.test"}}, strings.NewReader(testMsg))
			if err != nil {
				t.Error(err)
				return
			}
			for _, r := range res.Recipients {
				if r.Status != delivery.Delivered {
					t.Errorf("%s: %v (%v)", r.Recipient, r.Status, r.Err)
				}
			}
		}()
	}
	wg.Wait()
}

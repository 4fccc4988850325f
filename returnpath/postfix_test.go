package returnpath

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/internal/postfixtest"
	"github.com/mxkit/mxkit/verp"
)

// TestPostfixEndToEnd sends through a real Postfix with VERP return paths
// to a server that refuses: one recipient at RCPT, one after its message
// was sent (at the end of DATA). Postfix writes the DSNs and sends them to
// the return paths, whose domain it routes to the Server; each comes back
// matched to its message and recipient. A DSN to a return path that was
// not signed with our key is refused at RCPT, and Postfix gives up on it
// (no backscatter).
func TestPostfixEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Postfix")
	}
	remote := serveRemote(t)
	codec := testCodec()
	rec := newRecorder()
	s := &Server{Codec: codec, Handler: rec, OnRefusal: rec.refused}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })

	pf := postfixtest.Start(t, postfixtest.Config{Routes: map[string]int{
		"rcpt.example":         remote,
		"bounces.test.example": l.Addr().(*net.TCPAddr).Port,
	}})

	now := time.Now()
	type sent struct{ id, rcpt string }
	sends := []sent{{"q-0001", "unknown@rcpt.example"}, {"q-0002", "after@rcpt.example"}}
	for _, m := range sends {
		rp, err := codec.Encode(m.id, m.rcpt, now)
		if err != nil {
			t.Fatal(err)
		}
		msg := fmt.Sprintf("From: News <news@test.example>\r\nTo: <%s>\r\nSubject: spring sale\r\n"+
			"Message-ID: <%s@test.example>\r\n\r\nHello.\r\n", m.rcpt, m.id)
		if err := pf.Submit(rp.String(), []string{m.rcpt}, []byte(msg)); err != nil {
			t.Fatalf("submitting to Postfix: %v\n%s", err, pf.Maillog())
		}
	}
	// A message whose return path we did not sign: its DSN is refused.
	forger := &verp.Codec{Domain: codec.Domain, Keys: []verp.Key{{ID: codec.Keys[0].ID, Secret: []byte("not the real secret!")}}}
	forged, err := forger.Encode("q-9999", "unknown@rcpt.example", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := pf.Submit(forged.String(), []string{"unknown@rcpt.example"}, []byte("From: x@test.example\r\nSubject: x\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}

	got := map[string]*Bounce{}
	deadline := time.After(60 * time.Second)
	for len(got) < len(sends) {
		select {
		case b := <-rec.ch:
			got[b.MessageID()] = b
		case <-deadline:
			t.Fatalf("%d of %d DSNs within 60s\n%s", len(got), len(sends), pf.Maillog())
		}
	}
	for _, tc := range []struct {
		id, rcpt, status, command string
		reason                    bounce.Reason
		hard                      bool
	}{
		{"q-0001", "unknown@rcpt.example", "5.1.1", "RCPT", bounce.UserUnknown, true},
		{"q-0002", "after@rcpt.example", "5.7.1", "DATA", "", false}, // the reason is the classifier's call
	} {
		b := got[tc.id]
		if b == nil {
			t.Errorf("no DSN for %s", tc.id)
			continue
		}
		if b.MailFrom != "" || b.Recipient != tc.rcpt || b.Match != MatchReport || b.Report == nil || b.Report.Kind != bounce.KindDSN {
			t.Errorf("%s: from %q recipient %q match %v report %+v", tc.id, b.MailFrom, b.Recipient, b.Match, b.Report)
			continue
		}
		v := b.Verdict
		if v == nil || v.Status != tc.status || v.Command != tc.command || v.Hard != tc.hard || tc.reason != "" && v.Reason != tc.reason {
			t.Errorf("%s: verdict %+v", tc.id, v)
		}
		if b.Report.ReportingMTA != "mta.test.example" || b.Report.MessageID != tc.id+"@test.example" {
			t.Errorf("%s: Reporting-MTA %q, returned Message-ID %q", tc.id, b.Report.ReportingMTA, b.Report.MessageID)
		}
		if fr := b.ForRecipient(); fr == nil || fr.Recipients[0].FinalRecipient != tc.rcpt {
			t.Errorf("%s: ForRecipient %+v", tc.id, fr)
		}
	}
	// The forged return path's DSN was refused at RCPT with the verp error.
	for try := 0; ; try++ {
		rec.mu.Lock()
		var found bool
		for _, r := range rec.refusals {
			found = found || r.Rcpt == forged.String() && errors.Is(r.Err, verp.ErrForged) && r.Code == 550
		}
		rec.mu.Unlock()
		if found {
			break
		}
		if try == 300 {
			t.Fatalf("the DSN to the forged return path was not refused\n%s", pf.Maillog())
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case b := <-rec.ch:
		t.Errorf("unexpected message handled: %+v", b)
	default:
	}
}

// serveRemote is the recipients' server: it refuses unknown@ at RCPT and
// everyone else at the end of DATA, after taking the message.
func serveRemote(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &remoteSession{}, nil }))
	s.Domain = "mx.rcpt.example"
	s.ErrorLog = nil
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

type remoteSession struct{}

func (remoteSession) Reset()                                 {}
func (remoteSession) Logout() error                          { return nil }
func (remoteSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (remoteSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if strings.HasPrefix(to, "unknown@") {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: Recipient address rejected: User unknown in virtual mailbox table"}
	}
	return nil
}
func (remoteSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	return &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 7, 1}, Message: "Message refused by the recipient's content filter"}
}

package returnpath

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/verp"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func testCodec() *verp.Codec {
	return &verp.Codec{Domain: "bounces.test.example", Keys: []verp.Key{{ID: 3, Secret: []byte("returnpath test secret")}}}
}

// recorder is a Handler that keeps what it was given, and fails while
// fail is set.
type recorder struct {
	mu       sync.Mutex
	got      []*Bounce
	refusals []Refusal
	fail     error
	ch       chan *Bounce
}

func newRecorder() *recorder { return &recorder{ch: make(chan *Bounce, 16)} }

func (r *recorder) HandleBounce(_ context.Context, b *Bounce) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, b)
	r.ch <- b
	return nil
}

func (r *recorder) refused(f Refusal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refusals = append(r.refusals, f)
}

func (r *recorder) lastRefusal() Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.refusals) == 0 {
		return Refusal{}
	}
	return r.refusals[len(r.refusals)-1]
}

// start runs a Server on loopback with the test codec at time t0.
func start(t *testing.T, configure func(*Server)) (*Server, *recorder, string) {
	t.Helper()
	rec := newRecorder()
	s := &Server{
		Codec:     testCodec(),
		Handler:   rec,
		Feedback:  []string{"FBL@bounces.test.example"},
		OnRefusal: rec.refused,
		now:       func() time.Time { return t0.Add(2 * time.Hour) },
	}
	if configure != nil {
		configure(s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return s, rec, l.Addr().String()
}

func dial(t *testing.T, addr string) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("mta.test.example"); err != nil {
		t.Fatal(err)
	}
	return c
}

func code(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func encode(t *testing.T, id, rcpt string) string {
	t.Helper()
	a, err := testCodec().Encode(id, rcpt, t0)
	if err != nil {
		t.Fatal(err)
	}
	return a.String()
}

func TestRcptRefusals(t *testing.T) {
	_, rec, addr := start(t, nil)
	expired, err := testCodec().Encode("old", "a@rcpt.example", t0.Add(-10*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	good := encode(t, "m1", "alice@rcpt.example")
	// One character of the tag changed to another of its alphabet.
	fb := []byte(good)
	fb[10] = "abcdefghijklmnopqrstuvwxyz234567"[(strings.IndexByte("abcdefghijklmnopqrstuvwxyz234567", fb[10])+1)%32]
	forged := string(fb)
	other := &verp.Codec{Domain: "bounces.test.example", Keys: []verp.Key{{ID: 4, Secret: []byte("another key entirely")}}}
	unknownKey, _ := other.Encode("m1", "alice@rcpt.example", t0)
	for _, tc := range []struct {
		rcpt string
		code int
		err  error
	}{
		{good, 250, nil},
		{strings.ToUpper(good), 250, nil},
		{"fbl@bounces.test.example", 250, nil},
		{"Fbl@Bounces.Test.Example", 250, nil},
		{"victim@elsewhere.example", 550, ErrRelay},
		{good[:strings.IndexByte(good, '@')] + "@elsewhere.example", 550, ErrRelay},
		{"postmaster@bounces.test.example", 550, ErrUnknownUser},
		{"b+notatag@bounces.test.example", 550, verp.ErrMalformed},
		{forged, 550, verp.ErrForged},
		{unknownKey.String(), 550, verp.ErrUnknownKey},
		{expired.String(), 550, verp.ErrExpired},
	} {
		c := dial(t, addr)
		if err := c.Mail(""); err != nil {
			t.Fatal(err)
		}
		err := c.Rcpt(tc.rcpt)
		c.Quit()
		if got := code(err); err == nil && tc.code != 250 || err != nil && got != tc.code {
			t.Errorf("RCPT TO:<%s>: %v, want %d", tc.rcpt, err, tc.code)
		}
		if tc.err != nil {
			if r := rec.lastRefusal(); r.Rcpt != tc.rcpt || !errors.Is(r.Err, tc.err) || r.Code != tc.code {
				t.Errorf("RCPT TO:<%s>: refusal %+v, want %v", tc.rcpt, r, tc.err)
			}
		}
	}
}

// dsn is a minimal RFC 3464 report for rcpt, as Postfix writes one.
func dsn(rcpt, status, diag string) string {
	return "From: MAILER-DAEMON@mx.rcpt.example\r\nTo: <bounce>\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.rcpt.example\r\n\r\n" +
		"Final-Recipient: rfc822; " + rcpt + "\r\nAction: failed\r\nStatus: " + status + "\r\n" +
		"Diagnostic-Code: smtp; " + diag + "\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: news@shop.example\r\nTo: " + rcpt + "\r\nMessage-ID: <x1@shop.example>\r\n" +
		"--B--\r\n"
}

func send(t *testing.T, addr, from, to, msg string) error {
	t.Helper()
	return transact(dial(t, addr), from, to, msg)
}

// transact sends msg from from to to over c.
func transact(c *smtp.Client, from, to, msg string) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	return w.Close()
}

func receive(t *testing.T, rec *recorder) *Bounce {
	t.Helper()
	select {
	case b := <-rec.ch:
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no bounce handled")
	}
	return nil
}

func TestMatching(t *testing.T) {
	lookups := map[string]string{"fwd1": "carol@rcpt.example", "liar": "mallory@rcpt.example"}
	_, rec, addr := start(t, func(s *Server) {
		s.Lookup = func(_ context.Context, tag verp.Tag) (string, error) { return lookups[tag.MessageID], nil }
	})
	fbl := func(rp, rcpt string) string {
		return "From: feedback@provider.example\r\nTo: fbl@bounces.test.example\r\nSubject: complaint\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n" +
			"--F\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n" +
			"--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: test/1\r\nVersion: 1\r\n" +
			"--F\r\nContent-Type: message/rfc822\r\n\r\nReturn-Path: <" + rp + ">\r\nFrom: news@shop.example\r\nTo: " + rcpt + "\r\nMessage-ID: <x2@shop.example>\r\n\r\nHi\r\n" +
			"--F--\r\n"
	}
	for _, tc := range []struct {
		name, to, msg string
		messageID     string
		recipient     string
		match         Match
		reason        bounce.Reason
		hard          bool
	}{
		{"dsn names the recipient", encode(t, "m1", "Alice@rcpt.example"), dsn("alice@rcpt.example", "5.1.1", "550 5.1.1 user unknown"),
			"m1", "alice@rcpt.example", MatchReport, bounce.UserUnknown, true},
		{"dsn names a forward target, lookup knows", encode(t, "fwd1", "carol@rcpt.example"), dsn("carol.new@other.example", "5.2.2", "552 5.2.2 mailbox full"),
			"fwd1", "carol@rcpt.example", MatchLookup, bounce.MailboxFull, false},
		{"dsn names someone else, lookup lies", encode(t, "liar", "dave@rcpt.example"), dsn("mallory@rcpt.example", "5.1.1", "550 5.1.1 user unknown"),
			"liar", "", MatchNone, bounce.UserUnknown, true},
		{"not a bounce at all", encode(t, "m2", "erin@rcpt.example"), "From: erin@rcpt.example\r\nSubject: thanks\r\n\r\nThanks for the mail.\r\n",
			"m2", "", MatchNone, "", false},
		{"feedback report with the VERP return path", "fbl@bounces.test.example", fbl(encode(t, "m3", "frank@rcpt.example"), "Frank@rcpt.example"),
			"m3", "frank@rcpt.example", MatchReport, bounce.Feedback, false},
		{"feedback report, recipient redacted", "fbl@bounces.test.example", fbl(encode(t, "m4", "gina@rcpt.example"), "redacted@rcpt.example"),
			"m4", "", MatchNone, bounce.Feedback, false},
	} {
		if err := send(t, addr, "", tc.to, tc.msg); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b := receive(t, rec)
		if b.MessageID() != tc.messageID || b.Recipient != tc.recipient || b.Match != tc.match {
			t.Errorf("%s: message %q recipient %q match %v; want %q %q %v", tc.name, b.MessageID(), b.Recipient, b.Match, tc.messageID, tc.recipient, tc.match)
		}
		if tc.reason != "" && (b.Verdict == nil || b.Verdict.Reason != tc.reason || b.Verdict.Hard != tc.hard) {
			t.Errorf("%s: verdict %+v, want %s hard=%v", tc.name, b.Verdict, tc.reason, tc.hard)
		}
		fr := b.ForRecipient()
		switch {
		case tc.match == MatchNone && fr != nil:
			t.Errorf("%s: ForRecipient = %+v without a confirmed recipient", tc.name, fr)
		case tc.match != MatchNone && (fr == nil || len(fr.Recipients) != 1 || fr.Recipients[0].FinalRecipient != tc.recipient):
			t.Errorf("%s: ForRecipient = %+v", tc.name, fr)
		}
		if len(b.Raw) == 0 || b.Size != int64(len(b.Raw)) {
			t.Errorf("%s: raw %d octets, size %d", tc.name, len(b.Raw), b.Size)
		}
	}
}

func TestHandlerFailureIsRetried(t *testing.T) {
	_, rec, addr := start(t, nil)
	rec.fail = errors.New("database down")
	to := encode(t, "m1", "alice@rcpt.example")
	err := send(t, addr, "", to, dsn("alice@rcpt.example", "5.1.1", "550 user unknown"))
	if code(err) != 451 {
		t.Fatalf("DATA with a failing handler: %v, want 451", err)
	}
	if r := rec.lastRefusal(); !errors.Is(r.Err, ErrHandler) || r.Code != 451 {
		t.Errorf("refusal %+v", r)
	}
	rec.mu.Lock()
	rec.fail = nil
	rec.mu.Unlock()
	if err := send(t, addr, "", to, dsn("alice@rcpt.example", "5.1.1", "550 user unknown")); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if b := receive(t, rec); b.Recipient != "alice@rcpt.example" {
		t.Errorf("recipient %q", b.Recipient)
	}
}

func TestLimits(t *testing.T) {
	_, rec, addr := start(t, func(s *Server) {
		s.MaxConnectionsPerIP = 1
		s.MaxMessageBytes = 4 << 10
		s.ParseBytes = 1 << 10
		s.MaxRecipients = 2
	})
	first := dial(t, addr)
	// A second connection from the same address is turned away.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := textproto.NewConn(conn).ReadLine()
	if err != nil || !strings.HasPrefix(line, "421 ") {
		t.Errorf("second connection: %q, %v", line, err)
	}
	if r := rec.lastRefusal(); !errors.Is(r.Err, ErrTooManyConnections) {
		t.Errorf("refusal %+v", r)
	}
	first.Quit()

	// Too large: 552. Large but under the limit: parsed from its start.
	big := dsn("alice@rcpt.example", "5.1.1", "550 user unknown") + strings.Repeat(strings.Repeat("x", 70)+"\r\n", 80)
	if err := sendWhenFree(t, addr, "", encode(t, "m1", "alice@rcpt.example"), big); code(err) != 552 {
		t.Errorf("oversized message: %v, want 552", err)
	}
	mid := dsn("alice@rcpt.example", "5.1.1", "550 user unknown") + strings.Repeat(strings.Repeat("y", 70)+"\r\n", 30)
	if err := sendWhenFree(t, addr, "", encode(t, "m1", "alice@rcpt.example"), mid); err != nil {
		t.Fatal(err)
	}
	b := receive(t, rec)
	if !b.Truncated || len(b.Raw) != 1<<10 || b.Size <= 2<<10 || b.Recipient != "alice@rcpt.example" {
		t.Errorf("truncated %v, raw %d, size %d, recipient %q", b.Truncated, len(b.Raw), b.Size, b.Recipient)
	}

	// Recipients per transaction.
	c := dialWhenFree(t, addr)
	c.Mail("")
	for i := 0; i < 3; i++ {
		err := c.Rcpt(encode(t, fmt.Sprint("r", i), "alice@rcpt.example"))
		if i < 2 && err != nil || i == 2 && code(err) != 452 {
			t.Errorf("RCPT %d: %v", i, err)
		}
	}
}

// dialWhenFree dials until the server has seen the previous connection
// of this address close (MaxConnectionsPerIP is 1 in TestLimits).
func dialWhenFree(t *testing.T, addr string) *smtp.Client {
	t.Helper()
	for try := 0; ; try++ {
		c, err := smtp.Dial(addr)
		if err == nil {
			if err = c.Hello("mta.test.example"); err == nil {
				t.Cleanup(func() { c.Close() })
				return c
			}
			c.Close()
		}
		if try == 100 {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sendWhenFree(t *testing.T, addr, from, to, msg string) error {
	c := dialWhenFree(t, addr)
	defer c.Quit()
	return transact(c, from, to, msg)
}

func TestServerNeedsConfig(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, s := range []*Server{
		{},
		{Codec: testCodec()},
		{Codec: testCodec(), Handler: newRecorder(), Feedback: []string{"fbl@elsewhere.example"}},
		{Codec: &verp.Codec{Domain: "not a domain"}, Handler: newRecorder()},
	} {
		if err := s.Serve(l); err == nil {
			t.Errorf("Serve with %+v: no error", s)
		}
	}
}

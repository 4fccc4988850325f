package smtpclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/delivery"
)

const testMsg = "From: a@example.org\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nHello.\r\n.leading dot\r\n"

func TestSendPlainPipelined(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, DisableChunking: true}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "a@example.org", To: []string{"b@example.com"}},
		strings.NewReader(testMsg))
	mustDelivered(t, res, err)
	msgs := be.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	if string(msgs[0].data) != testMsg {
		t.Errorf("server got data %q, want %q", msgs[0].data, testMsg)
	}
	if msgs[0].from != "a@example.org" || len(msgs[0].rcpts) != 1 || msgs[0].rcpts[0] != "b@example.com" {
		t.Errorf("envelope %q %q", msgs[0].from, msgs[0].rcpts)
	}
	if res.TLS || res.Reply == "" {
		t.Errorf("result %+v", res)
	}
}

// TestSendBadRecipientAmongGood checks that a recipient refused before
// the session for a CR or LF is never written when commands are pipelined
// (DATA or BDAT): the others are delivered and nothing else reaches the
// server (no command injected through the address).
func TestSendBadRecipientAmongGood(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		be, host, port := startServer(t, serverOpts{})
		tr := &Transport{Host: host, Port: port, TLS: TLSNone, DisableChunking: !chunking}
		to := []string{"x@example.com", "y@example.com\r\nRCPT TO:<evil@example.com>", "z@example.com"}
		res, err := tr.Send(context.Background(), Envelope{From: "a@example.org", To: to}, strings.NewReader(testMsg))
		tr.Close()
		if err != nil {
			t.Fatalf("chunking=%v: %v", chunking, err)
		}
		want := []delivery.Status{delivery.Delivered, delivery.Failed, delivery.Delivered}
		for i, r := range res.Recipients {
			if r.Status != want[i] {
				t.Errorf("chunking=%v: %q: %v, want %v", chunking, r.Recipient, r.Status, want[i])
			}
		}
		if !errors.Is(&res.Recipients[1], ErrBadAddress) {
			t.Errorf("chunking=%v: malformed recipient: %v", chunking, &res.Recipients[1])
		}
		if m := be.messages(); len(m) != 1 || !slices.Equal(m[0].rcpts, []string{"x@example.com", "z@example.com"}) {
			t.Errorf("chunking=%v: server got %+v", chunking, m)
		}
	}
}

func TestSendPerRecipientResults(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		be, host, port := startServer(t, serverOpts{})
		tr := &Transport{Host: host, Port: port, TLS: TLSNone, DisableChunking: !chunking}
		to := []string{"ok1@example.com", "unknown@example.com", "busy@example.com", "ok2@example.com"}
		res, err := tr.Send(context.Background(), Envelope{From: "a@example.org", To: to}, strings.NewReader(testMsg))
		tr.Close()
		if err != nil {
			t.Fatalf("chunking=%v: %v", chunking, err)
		}
		want := []delivery.Status{delivery.Delivered, delivery.Failed, delivery.Deferred, delivery.Delivered}
		for i, r := range res.Recipients {
			if r.Status != want[i] || r.Recipient != to[i] {
				t.Errorf("chunking=%v: %s: %v (%v), want %v", chunking, r.Recipient, r.Status, &r, want[i])
			}
		}
		if e := smtpErr(&res.Recipients[1]); e == nil || e.Code != 550 || e.Enhanced != (delivery.EnhancedCode{5, 1, 1}) || e.Stage != delivery.StageRcpt {
			t.Errorf("unknown recipient outcome %#v", res.Recipients[1])
		}
		if e := smtpErr(&res.Recipients[2]); e == nil || !e.Temporary() || e.Stage != delivery.StageRcpt {
			t.Errorf("busy recipient outcome %#v", res.Recipients[2])
		}
		if m := be.messages(); len(m) != 1 || len(m[0].rcpts) != 2 {
			t.Errorf("server got %+v", m)
		}
	}
}

func TestSendAllRecipientsRefused(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		be, host, port := startServer(t, serverOpts{})
		tr := &Transport{Host: host, Port: port, TLS: TLSNone, DisableChunking: !chunking}
		res, err := tr.Send(context.Background(), Envelope{From: "a@example.org", To: []string{"unknown@x.com"}}, strings.NewReader(testMsg))
		if e := smtpErr(err); e == nil || e.Code != 550 {
			t.Fatalf("chunking=%v: error %v, want 550", chunking, err)
		}
		if res.Recipients[0].Status != delivery.Failed {
			t.Errorf("status %v", res.Recipients[0].Status)
		}
		// The session stays usable: the next message goes through.
		res, err = tr.Send(context.Background(), Envelope{From: "a@example.org", To: []string{"ok@x.com"}}, strings.NewReader(testMsg))
		mustDelivered(t, res, err)
		if s, _, _, _ := be.counts(); s != 1 {
			t.Errorf("chunking=%v: %d sessions, want 1 (reused after a refused transaction)", chunking, s)
		}
		tr.Close()
	}
}

func TestSendRefusals(t *testing.T) {
	_, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "refuse@x.org", To: []string{"a@x.com", "b@x.com"}}, strings.NewReader(testMsg))
	if e := smtpErr(err); e == nil || e.Code != 550 || e.Stage != delivery.StageMail {
		t.Fatalf("MAIL refusal: %v", err)
	}
	for _, r := range res.Recipients {
		if r.Status != delivery.Failed {
			t.Errorf("%s: %v", r.Recipient, r.Status)
		}
	}
	for _, chunking := range []bool{false, true} {
		tr2 := &Transport{Host: host, Port: port, TLS: TLSNone, DisableChunking: !chunking}
		res, err = tr2.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"a@x.com"}}, strings.NewReader("REJECT-ME\r\n"))
		tr2.Close()
		if e := smtpErr(err); e == nil || e.Code != 554 {
			t.Fatalf("data refusal (chunking=%v): %v", chunking, err)
		}
		if res.Recipients[0].Status != delivery.Failed {
			t.Errorf("status %v", res.Recipients[0].Status)
		}
	}
}

func TestSendChunking(t *testing.T) {
	// go-smtp's line limit also counts BDAT data it reads ahead.
	be, host, port := startServer(t, serverOpts{setup: func(s *smtp.Server) { s.MaxLineLength = 1 << 20 }})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	big := strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n", 4000) // ~256 KB, bare LFs
	// A bare CR at the end of the third 32 KiB read, so the chunk is cut
	// with a CR pending; and more chunks than may be outstanding.
	cut := strings.Repeat("x", 3*32<<10-1) + "\ry" + strings.Repeat("z\r\n", 1<<20)
	for _, body := range []string{testMsg, big, "", cut} {
		res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(body))
		mustDelivered(t, res, err)
	}
	msgs := be.messages()
	if want := strings.Repeat("x", 3*32<<10-1) + "\r\ny" + strings.Repeat("z\r\n", 1<<20); len(msgs) == 4 && string(msgs[3].data) != want {
		t.Errorf("chunk boundary: got %d octets, want %d", len(msgs[3].data), len(want))
	}
	if len(msgs) != 4 {
		t.Fatalf("%d messages", len(msgs))
	}
	if string(msgs[0].data) != testMsg {
		t.Errorf("small: %q", msgs[0].data)
	}
	if want := strings.ReplaceAll(big, "\n", "\r\n"); string(msgs[1].data) != want {
		t.Errorf("big: got %d octets, want %d", len(msgs[1].data), len(want))
	}
	if len(msgs[2].data) != 0 {
		t.Errorf("empty: %q", msgs[2].data)
	}
}

func TestSendExtensions(t *testing.T) {
	be, host, port := startServer(t, serverOpts{tls: true})
	tr := &Transport{Host: "localhost", Port: port, TLSConfig: clientTLS()}
	_ = host
	defer tr.Close()
	env := Envelope{
		From: "jöran@exämple.de", To: []string{"b@x.com", "c@x.com"}, EightBit: true, RequireTLS: true,
		DSN: &DSN{Ret: "hdrs", EnvID: "id+1", Notify: []string{"SUCCESS", "FAILURE"}, ORCPT: []string{"orig@x.com", ""}},
	}
	res, err := tr.Send(context.Background(), env, strings.NewReader("Subject: ü\r\n\r\nü\r\n"))
	mustDelivered(t, res, err)
	m := be.messages()[0]
	if !m.mail.UTF8 || m.mail.Body != smtp.Body8BitMIME || !m.mail.RequireTLS || m.mail.Return != smtp.DSNReturnHeaders || m.mail.EnvelopeID != "id+1" {
		t.Errorf("MAIL options %+v", m.mail)
	}
	if len(m.ropts) != 2 || len(m.ropts[0].Notify) != 2 || m.ropts[0].OriginalRecipient != "orig@x.com" || m.ropts[1].OriginalRecipient != "" {
		t.Errorf("RCPT options %+v", m.ropts)
	}
}

// TestSendDSNNotOffered sends DSN parameters to a server without DSN: the
// message goes without them and the result says so (RFC 3461 §4.1).
func TestSendDSNNotOffered(t *testing.T) {
	be, host, port := startServer(t, serverOpts{setup: func(s *smtp.Server) { s.EnableDSN = false }})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	env := Envelope{From: "a@x.org", To: []string{"b@x.com"}, DSN: &DSN{Notify: []string{"SUCCESS"}}}
	res, err := tr.Send(context.Background(), env, strings.NewReader(testMsg))
	mustDelivered(t, res, err)
	if !res.DSNNotSent {
		t.Error("DSNNotSent is false for a server without DSN")
	}
	if m := be.messages()[0]; len(m.ropts[0].Notify) != 0 {
		t.Errorf("NOTIFY sent to a server without DSN: %+v", m.ropts[0])
	}
	env.DSN = nil
	if res, err = tr.Send(context.Background(), env, strings.NewReader(testMsg)); err != nil || res.DSNNotSent {
		t.Errorf("without DSN parameters: DSNNotSent %v, %v", res.DSNNotSent, err)
	}
}

func TestSendUnsupported(t *testing.T) {
	_, host, port := startServer(t, serverOpts{setup: func(s *smtp.Server) { s.EnableSMTPUTF8 = false; s.EnableREQUIRETLS = false }})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"jöran@exämple.de"}}, strings.NewReader(testMsg))
	if !errors.Is(err, ErrUnsupported) || res.Recipients[0].Status != delivery.Failed {
		t.Errorf("SMTPUTF8 to a server without it: %v, %v", err, res.Recipients[0].Status)
	}
	_, err = tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}, RequireTLS: true}, strings.NewReader(testMsg))
	if !errors.Is(err, ErrTLSRequired) {
		t.Errorf("REQUIRETLS without TLS: %v", err)
	}
}

func TestSendSizeLimit(t *testing.T) {
	be, host, port := startServer(t, serverOpts{maxSize: 1000})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(strings.Repeat("x", 5000)))
	if !errors.Is(err, ErrTooBig) || res.Recipients[0].Status != delivery.Failed {
		t.Fatalf("got %v %v, want ErrTooBig", err, res.Recipients[0].Status)
	}
	if _, _, _, mails := be.counts(); mails != 0 {
		t.Errorf("MAIL sent %d times for a message known to be too big", mails)
	}
	res, err = tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, bytes.NewReader([]byte(testMsg)))
	mustDelivered(t, res, err)
	if m := be.messages(); m[0].mail.Size != int64(len(testMsg)) {
		t.Errorf("SIZE=%d, want %d", m[0].mail.Size, len(testMsg))
	}
}

func TestSendBadInput(t *testing.T) {
	_, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	for _, env := range []Envelope{
		{From: "a@x.org\r\nRSET", To: []string{"b@x.com"}},
		{From: "a@x.org", To: []string{"b@x.com\nDATA"}},
		{From: "a@x.org"},
	} {
		res, err := tr.Send(context.Background(), env, strings.NewReader(testMsg))
		if !errors.Is(err, ErrBadAddress) || isTemporary(err) {
			t.Errorf("%q: %v, want ErrBadAddress", env.From, err)
		}
		for _, r := range res.Recipients {
			if r.Status != delivery.Failed {
				t.Errorf("%q: status %v", r.Recipient, r.Status)
			}
		}
	}
	if _, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}, DSN: &DSN{Ret: "ALL"}}, strings.NewReader("")); err == nil {
		t.Error("bad DSN RET accepted")
	}
}

func TestSendTLSPolicies(t *testing.T) {
	_, _, tlsPort := startServer(t, serverOpts{tls: true})
	_, _, selfPort := startServer(t, serverOpts{tls: true, selfCert: true})
	plainBe, _, plainPort := startServer(t, serverOpts{})
	tests := []struct {
		name    string
		host    string
		port    int
		policy  TLSPolicy
		roots   bool
		wantTLS bool
		wantErr error
	}{
		{"verified with trusted CA", "localhost", tlsPort, TLSVerified, true, true, nil},
		{"verified by IP address", "127.0.0.1", tlsPort, TLSVerified, true, true, nil},
		{"verified with unknown CA fails", "localhost", tlsPort, TLSVerified, false, false, ErrTLSRequired},
		{"verified with self-signed fails", "localhost", selfPort, TLSVerified, true, false, ErrTLSRequired},
		{"verified with wrong name fails", "localhost", tlsPort, TLSVerified, true, false, ErrTLSRequired},
		{"required accepts self-signed", "localhost", selfPort, TLSRequired, false, true, nil},
		{"opportunistic uses TLS", "localhost", selfPort, TLSOpportunistic, false, true, nil},
		{"opportunistic without STARTTLS", "localhost", plainPort, TLSOpportunistic, false, false, nil},
		{"required without STARTTLS fails", "localhost", plainPort, TLSRequired, false, false, ErrTLSRequired},
		{"verified without STARTTLS fails", "localhost", plainPort, TLSVerified, true, false, ErrTLSRequired},
		{"none skips STARTTLS", "localhost", tlsPort, TLSNone, false, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := &Transport{Host: tc.host, Port: tc.port, TLS: tc.policy}
			if tc.roots {
				tr.TLSConfig = clientTLS()
			}
			if tc.name == "verified with wrong name fails" {
				tr.TLSConfig.ServerName = "mx3.example.test" // not in the certificate
			}
			defer tr.Close()
			res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || res.Recipients[0].Status != delivery.Deferred {
					t.Fatalf("got %v (%v), want %v and deferred", err, res.Recipients[0].Status, tc.wantErr)
				}
				return
			}
			mustDelivered(t, res, err)
			if res.TLS != tc.wantTLS {
				t.Errorf("TLS = %v, want %v", res.TLS, tc.wantTLS)
			}
		})
	}
	// Nothing reached the plain server under a required policy.
	if _, _, _, mails := plainBe.counts(); mails != 1 {
		t.Errorf("plain server got %d MAIL commands, want 1 (the opportunistic one)", mails)
	}
}

func TestImplicitTLS(t *testing.T) {
	be, _, port := startServer(t, serverOpts{implicit: true, auth: true})
	tr := &Transport{Host: "localhost", Port: port, ImplicitTLS: true, TLSConfig: clientTLS(),
		Auth: func() sasl.Client { return sasl.NewPlainClient("", "alice", "secret") }}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
	mustDelivered(t, res, err)
	if !res.TLS || !be.messages()[0].tls || be.authUser != "alice" {
		t.Errorf("TLS %v, server TLS %v, user %q", res.TLS, be.messages()[0].tls, be.authUser)
	}
}

func TestAuth(t *testing.T) {
	_, _, tlsPort := startServer(t, serverOpts{tls: true, auth: true})
	_, _, plainPort := startServer(t, serverOpts{auth: true, setup: func(s *smtp.Server) { s.AllowInsecureAuth = true }})
	plain := func(pass string) func() sasl.Client {
		return func() sasl.Client { return sasl.NewPlainClient("", "alice", pass) }
	}
	tests := []struct {
		name     string
		port     int
		policy   TLSPolicy
		auth     func() sasl.Client
		insecure bool
		wantErr  error
		wantCode int
	}{
		{"PLAIN over STARTTLS", tlsPort, TLSVerified, plain("secret"), false, nil, 0},
		{"OAUTHBEARER over STARTTLS", tlsPort, TLSVerified, func() sasl.Client {
			return sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: "alice", Token: "tok"})
		}, false, nil, 0},
		{"wrong password", tlsPort, TLSVerified, plain("wrong"), false, nil, 535},
		{"plain text refused", plainPort, TLSNone, plain("secret"), false, ErrInsecureAuth, 0},
		{"plain text when allowed", plainPort, TLSNone, plain("secret"), true, nil, 0},
		{"mechanism not offered", tlsPort, TLSVerified, func() sasl.Client { return sasl.NewLoginClient("alice", "secret") }, false, ErrUnsupported, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := &Transport{Host: "localhost", Port: tc.port, TLS: tc.policy, TLSConfig: clientTLS(), Auth: tc.auth, AllowInsecureAuth: tc.insecure}
			defer tr.Close()
			res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, want %v", err, tc.wantErr)
				}
			case tc.wantCode != 0:
				if e := smtpErr(err); e == nil || e.Code != tc.wantCode || e.Stage != delivery.StageAuth {
					t.Fatalf("got %v, want AUTH %d", err, tc.wantCode)
				}
				if res.Recipients[0].Status != delivery.Failed {
					t.Errorf("status %v", res.Recipients[0].Status)
				}
			default:
				mustDelivered(t, res, err)
			}
		})
	}
}

func TestContextBoundsSend(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, port := startServer(t, serverOpts{})
	tr := &Transport{Host: "127.0.0.1", Port: port, TLS: TLSNone}
	defer tr.Close()
	res, err := tr.Send(ctx, Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
	if !errors.Is(err, context.Canceled) || res.Recipients[0].Status != delivery.Deferred {
		t.Fatalf("got %v, %v", err, res.Recipients[0].Status)
	}
	_ = time.Second
}

// Messages in memory take the no-copy path; the data must come out the
// same as through the streaming one.
func TestSendInMemoryMessage(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, DisableChunking: true}
	defer tr.Close()
	body := "a\n.b\r\n.\r\nc\rd" + strings.Repeat("x\r\n", 200000)
	want := "a\r\n.b\r\n.\r\nc\r\nd" + strings.Repeat("x\r\n", 200000)
	for _, r := range []interface{ Read([]byte) (int, error) }{bytes.NewReader([]byte(body)), bytes.NewBufferString(body), strings.NewReader(body)} {
		res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, r)
		mustDelivered(t, res, err)
	}
	for i, m := range be.messages() {
		if string(m.data) != want {
			t.Errorf("message %d: got %d octets, want %d", i, len(m.data), len(want))
		}
	}
}

// writerToMessage writes itself, as a queued body read when its data
// starts does: half the body, then err (if set), then the rest.
type writerToMessage struct {
	body string
	err  error
}

func (m *writerToMessage) Read([]byte) (int, error) { return 0, errors.New("Read called") }

func (m *writerToMessage) WriteTo(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, m.body[:len(m.body)/2])
	if err == nil && m.err != nil {
		err = m.err
	}
	if err != nil {
		return int64(n), err
	}
	k, err := io.WriteString(w, m.body[len(m.body)/2:])
	return int64(n + k), err
}

// A message that is an io.WriterTo writes itself through the dot
// stuffing; when it fails, the failure is the message's (deferred at the
// local stage), and the server gets nothing.
func TestSendWriterToMessage(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, DisableChunking: true}
	defer tr.Close()
	body := "a\n.b\r\n.\r\nc\rd" + strings.Repeat("x\r\n", 20000)
	want := "a\r\n.b\r\n.\r\nc\r\nd" + strings.Repeat("x\r\n", 20000)
	env := Envelope{From: "a@x.org", To: []string{"b@x.com"}}
	res, err := tr.Send(context.Background(), env, &writerToMessage{body: body})
	mustDelivered(t, res, err)
	if ms := be.messages(); len(ms) != 1 || string(ms[0].data) != want {
		t.Fatalf("got %d messages, want 1 of %d octets", len(ms), len(want))
	}

	broken := errors.New("queue: reading body: disk on fire")
	res, err = tr.Send(context.Background(), env, &writerToMessage{body: body, err: broken})
	if !errors.Is(err, broken) || res.Recipients[0].Status != delivery.Deferred || res.Recipients[0].Stage != delivery.StageLocal {
		t.Fatalf("a failing message: %v, %+v; want it deferred at the local stage", err, res.Recipients[0])
	}
	if ms := be.messages(); len(ms) != 1 {
		t.Errorf("the server got %d messages, want the first only", len(ms))
	}
	res, err = tr.Send(context.Background(), env, strings.NewReader(body)) // the session after it
	mustDelivered(t, res, err)
}

func TestLocalNameChecked(t *testing.T) {
	_, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, LocalName: "mx.example.org\r\nMAIL FROM:<x@y>"}
	defer tr.Close()
	if _, err := send1(tr); err == nil || !strings.Contains(err.Error(), "LocalName") {
		t.Fatalf("got %v", err)
	}
	tr2 := &Transport{Host: host, Port: port, TLS: TLSNone, LocalName: "[127.0.0.1]"}
	defer tr2.Close()
	res, err := send1(tr2)
	mustDelivered(t, res, err)
}

// TestSendBinaryMIME sends a body with bare CR and LF, NULs and dot lines
// as BINARYMIME: it must arrive byte for byte, in several chunks, and a
// server without BINARYMIME must get nothing.
func TestSendBinaryMIME(t *testing.T) {
	body := []byte("Content-Type: application/octet-stream\r\n\r\n")
	for i := range 200 << 10 {
		body = append(body, byte(i*7)) // every byte value, CR and LF alone among them
	}
	body = append(body, "\r\n.\r\nQUIT\r\n\n."...)
	be, host, port := startServer(t, serverOpts{setup: func(s *smtp.Server) { s.EnableBINARYMIME = true }})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}, Binary: true}, bytes.NewReader(body))
	mustDelivered(t, res, err)
	m := be.messages()[0]
	if m.mail.Body != smtp.BodyBinaryMIME {
		t.Errorf("MAIL BODY=%q, want BINARYMIME", m.mail.Body)
	}
	if !bytes.Equal(m.data, body) {
		t.Errorf("body changed on the way: %d octets sent, %d received", len(body), len(m.data))
	}

	be2, host2, port2 := startServer(t, serverOpts{})
	tr2 := &Transport{Host: host2, Port: port2, TLS: TLSNone}
	defer tr2.Close()
	res, err = tr2.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}, Binary: true}, bytes.NewReader(body))
	if !errors.Is(err, ErrUnsupported) || res.Recipients[0].Status != delivery.Failed || len(be2.messages()) != 0 {
		t.Errorf("BINARYMIME to a server without it: %v, %v", err, res.Recipients[0].Status)
	}
}

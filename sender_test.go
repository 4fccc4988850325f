package mxkit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	msgauth "github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
	"go.uber.org/goleak"

	"github.com/mxkit/mxkit/compose"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/smtpclient"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// ---- a go-smtp server standing in for a domain's MX ----

type received struct {
	helo  string
	from  string
	rcpts []string
	data  []byte
}

type mxServer struct {
	mu   sync.Mutex
	msgs []received
	// atMail, when set, is called when a session reaches MAIL, and
	// atRcpt before each RCPT is answered (for the concurrency test).
	atMail func()
	atRcpt func() error
}

func (s *mxServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type mxSession struct {
	s   *mxServer
	c   *smtp.Conn
	cur received
}

func (ss *mxSession) Reset()        { ss.cur = received{} }
func (ss *mxSession) Logout() error { return nil }
func (ss *mxSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.atMail != nil {
		ss.s.atMail()
	}
	ss.cur.from, ss.cur.helo = from, ss.c.Hostname()
	return nil
}

func (ss *mxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.atRcpt != nil {
		if err := ss.s.atRcpt(); err != nil {
			return err
		}
	}
	switch {
	case strings.HasPrefix(to, "unknown"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	case strings.HasPrefix(to, "busy"):
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}
	}
	ss.cur.rcpts = append(ss.cur.rcpts, to)
	return nil
}

func (ss *mxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.cur.data = b
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.cur)
	ss.s.mu.Unlock()
	return nil
}

// startMX serves s on addr until the test ends.
func startMX(t *testing.T, s *mxServer, addr string) {
	t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mxSession{s: s, c: c}, nil }))
	srv.Domain = "mx.test"
	srv.EnableSMTPUTF8 = true
	srv.MaxMessageBytes = 64 << 20
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); l.Close(); <-done })
}

// world is DNS for shop.example (the sender, with its DKIM key) and two
// recipient domains whose MX hosts run on loopback.
type world struct {
	dns    *resolvertest.Server
	a, b   *mxServer // mx.a.example on 127.0.0.1, mx.b.example on 127.0.0.2
	port   int
	keys   *dkim.MemoryStore
	txt    string // the public key record
	sender *Sender
}

func newWorld(t *testing.T) *world {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	txt, err := dkim.TXTRecord(pub)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{a: &mxServer{}, b: &mxServer{}, port: testenv.SharedPort(t), keys: &dkim.MemoryStore{}, txt: strings.Join(txt, "")}
	w.keys.Set("shop.example", dkim.Key{Domain: "shop.example", Selector: "s1", Signer: priv})
	w.dns = resolvertest.New(t, fmt.Sprintf(`
s1._domainkey.shop.example. TXT "%s"
a.example.      MX 10 mx.a.example.
mx.a.example.   A  127.0.0.1
b.example.      MX 10 mx.b.example.
mx.b.example.   A  127.0.0.2
nullmx.example. MX 0 .
`, strings.Join(txt, `" "`)))
	startMX(t, w.a, "127.0.0.1:"+strconv.Itoa(w.port))
	startMX(t, w.b, "127.0.0.2:"+strconv.Itoa(w.port))
	w.sender = &Sender{Hostname: "mail.shop.example", DKIM: w.keys, Resolver: w.dns.Client()}
	w.sender.Transport.Port = w.port
	t.Cleanup(func() { w.sender.Close() })
	return w
}

// verify checks a received message's DKIM signature with go-msgauth.
func (w *world) verify(t *testing.T, data []byte) {
	t.Helper()
	vs, err := msgauth.VerifyWithOptions(bytes.NewReader(data), &msgauth.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) {
			txt, _, err := w.dns.Client().LookupTXT(context.Background(), name)
			return txt, err
		},
	})
	if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "shop.example" {
		t.Errorf("go-msgauth: %v %+v; want one valid signature by shop.example", err, vs)
	}
}

func order() *compose.Message {
	return &compose.Message{
		From:    compose.Mailbox{Name: "Shop", Address: "orders@shop.example"},
		To:      []compose.Mailbox{{Name: "Alice", Address: "alice@a.example"}, {Address: "unknown@a.example"}},
		Cc:      []compose.Mailbox{{Name: "Bob", Address: "bob@b.example"}, {Address: "nobody@nosuch.example"}},
		Bcc:     []compose.Mailbox{{Address: "carol@B.example"}, {Address: "busy@a.example"}},
		Subject: "Your order has shipped",
		Text:    "It is on its way.",
		HTML:    "<p>It is on its way.</p>",
		Attachments: []compose.Attachment{
			{Filename: "invoice.pdf", Content: strings.NewReader("%PDF-1.4 ...")},
		},
		Unsubscribe: "https://shop.example/unsubscribe?u=1",
	}
}

// TestSend sends one message to recipients in two domains, a domain that
// does not exist, a refused and a busy mailbox, and checks each outcome,
// what each MX received (signed once, the same message, no Bcc field, the
// EHLO name) and that the domains were delivered to at the same time.
func TestSend(t *testing.T) {
	w := newWorld(t)
	// Each MX holds its first RCPT until the other has seen MAIL: one
	// domain after the other would stall here and time out.
	aMail, bMail := make(chan struct{}), make(chan struct{})
	gate := func(self, other chan struct{}) (func(), func() error) {
		var once, waited sync.Once
		return func() { once.Do(func() { close(self) }) }, func() error {
			var err error
			waited.Do(func() {
				select {
				case <-other:
				case <-time.After(5 * time.Second):
					err = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 0, 0}, Message: "the other domain never came: not concurrent"}
				}
			})
			return err
		}
	}
	w.a.atMail, w.a.atRcpt = gate(aMail, bMail)
	w.b.atMail, w.b.atRcpt = gate(bMail, aMail)

	m := order()
	outcomes, err := w.sender.Send(context.Background(), m)
	want := []struct {
		rcpt   string
		status delivery.Status
		stage  delivery.Stage
		code   int
		enh    delivery.EnhancedCode
	}{
		{"alice@a.example", delivery.Delivered, delivery.StageFinal, 250, delivery.EnhancedCode{}},
		{"unknown@a.example", delivery.Failed, delivery.StageRcpt, 550, delivery.EnhancedCode{5, 1, 1}},
		{"bob@b.example", delivery.Delivered, delivery.StageFinal, 250, delivery.EnhancedCode{}},
		{"nobody@nosuch.example", delivery.Failed, delivery.StageRoute, 0, delivery.EnhancedCode{5, 1, 2}},
		{"carol@b.example", delivery.Delivered, delivery.StageFinal, 250, delivery.EnhancedCode{}},
		{"busy@a.example", delivery.Deferred, delivery.StageRcpt, 450, delivery.EnhancedCode{4, 2, 1}},
	}
	if len(outcomes) != len(want) {
		t.Fatalf("%d outcomes, want %d: %v", len(outcomes), len(want), outcomes)
	}
	for i, w := range want {
		o := outcomes[i]
		if o.Recipient != w.rcpt || o.Status != w.status || o.Stage != w.stage || o.Code != w.code || (!w.enh.IsZero() && o.Enhanced != w.enh) {
			t.Errorf("outcome %d: %v (%s %s %d %s); want %s %s at %s, %d %s", i, &o, o.Recipient, o.Status, o.Code, o.Enhanced, w.rcpt, w.status, w.stage, w.code, w.enh)
		}
	}
	var first *delivery.Outcome
	if !errors.As(err, &first) || first.Recipient != "unknown@a.example" {
		t.Errorf("error %v, want the first outcome not delivered", err)
	}

	am, bm := w.a.messages(), w.b.messages()
	if len(am) != 1 || len(bm) != 1 {
		t.Fatalf("a received %d messages, b %d; want one each", len(am), len(bm))
	}
	if got := strings.Join(am[0].rcpts, " "); got != "alice@a.example" {
		t.Errorf("a's recipients %q", got)
	}
	if got := strings.Join(bm[0].rcpts, " "); got != "bob@b.example carol@b.example" {
		t.Errorf("b's recipients %q", got)
	}
	if !bytes.Equal(am[0].data, bm[0].data) {
		t.Errorf("the two domains received different messages")
	}
	for _, r := range []received{am[0], bm[0]} {
		if r.helo != "mail.shop.example" || r.from != "orders@shop.example" {
			t.Errorf("EHLO %q, MAIL FROM %q; want mail.shop.example and orders@shop.example", r.helo, r.from)
		}
		if bytes.Count(r.data, []byte("DKIM-Signature:")) != 1 {
			t.Errorf("%d DKIM-Signature fields, want 1", bytes.Count(r.data, []byte("DKIM-Signature:")))
		}
		w.verify(t, r.data)
		mr, err := mail.CreateReader(bytes.NewReader(r.data))
		if err != nil {
			t.Fatal(err)
		}
		if mr.Header.Has("Bcc") || !strings.Contains(mr.Header.Get("Message-Id"), m.MessageID) {
			t.Errorf("received header: Bcc %v, Message-ID %q (sent %q)", mr.Header.Has("Bcc"), mr.Header.Get("Message-Id"), m.MessageID)
		}
	}
}

// TestSendSpooled sends a 1.4 MB message, which goes through a temporary
// file, and checks that both domains get it whole and signed and that the
// file is gone afterwards.
func TestSendSpooled(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	w := newWorld(t)
	big := make([]byte, 1<<20) // 1.4 MB in base64: over spoolMemory
	rand.Read(big)
	m := &compose.Message{
		From:        compose.Mailbox{Address: "orders@shop.example"},
		To:          []compose.Mailbox{{Address: "alice@a.example"}, {Address: "bob@b.example"}},
		Subject:     "Big",
		Text:        "Attached.",
		Attachments: []compose.Attachment{{Filename: "big.bin", Content: bytes.NewReader(big)}},
	}
	outcomes, err := w.sender.Send(context.Background(), m)
	if err != nil || len(outcomes) != 2 {
		t.Fatalf("Send: %v %v", outcomes, err)
	}
	for _, s := range []*mxServer{w.a, w.b} {
		msgs := s.messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages received", len(msgs))
		}
		w.verify(t, msgs[0].data)
		mr, err := mail.CreateReader(bytes.NewReader(msgs[0].data))
		if err != nil {
			t.Fatal(err)
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				t.Fatalf("no attachment found: %v", err)
			}
			if _, ok := p.Header.(*mail.AttachmentHeader); ok {
				got, _ := io.ReadAll(p.Body)
				if !bytes.Equal(got, big) {
					t.Errorf("attachment of %d octets differs from the %d sent", len(got), len(big))
				}
				break
			}
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spool files left in TMPDIR: %v", left)
	}
}

// TestSendEnvelope sends with an envelope of the caller's: a VERP bounce
// address, and a recipient that is not an address failing alone.
func TestSendEnvelope(t *testing.T) {
	w := newWorld(t)
	m := &compose.Message{From: compose.Mailbox{Address: "news@shop.example"}, To: []compose.Mailbox{{Address: "list@shop.example"}},
		Subject: "News", Text: "Hello."}
	r, err := m.Reader()
	if err != nil {
		t.Fatal(err)
	}
	env := smtpclientEnvelope("bounce+alice=a.example@shop.example", "alice@a.example", "not an address", "bob@b.example")
	outcomes, err := w.sender.SendEnvelope(context.Background(), env, r)
	if len(outcomes) != 3 || outcomes[0].Status != delivery.Delivered || outcomes[2].Status != delivery.Delivered {
		t.Fatalf("outcomes %v", outcomes)
	}
	if o := outcomes[1]; o.Status != delivery.Failed || o.Stage != delivery.StageLocal || o.Enhanced != (delivery.EnhancedCode{5, 1, 3}) || err == nil {
		t.Errorf("bad recipient: %v (error %v), want failed locally with 5.1.3", &o, err)
	}
	if msgs := w.a.messages(); len(msgs) != 1 || msgs[0].from != "bounce+alice=a.example@shop.example" {
		t.Errorf("a received %d messages, MAIL FROM %v", len(msgs), msgs)
	}
}

// TestSendRefused checks what fails before anything is sent: a malformed
// message, a From domain without a DKIM key, an EHLO name that is not
// fully qualified.
func TestSendRefused(t *testing.T) {
	w := newWorld(t)
	bad := order()
	bad.Subject = "x\r\nBcc: eve@evil.example"
	if out, err := w.sender.Send(context.Background(), bad); out != nil || !errors.Is(err, compose.ErrControl) {
		t.Errorf("CRLF in the subject: %v %v, want no outcomes and compose.ErrControl", out, err)
	}
	other := order()
	other.From.Address = "orders@elsewhere.example"
	if out, err := w.sender.Send(context.Background(), other); out != nil || !errors.Is(err, dkim.ErrNoKey) {
		t.Errorf("From without a key: %v %v, want no outcomes and dkim.ErrNoKey", out, err)
	}
	for _, name := range []string{"vm", "localhost", "mail.localdomain", "[192.0.2.1]", "mail..example", "host.local"} {
		s := &Sender{Hostname: name, Resolver: w.dns.Client()}
		s.Transport.Port = w.port
		out, err := s.Send(context.Background(), order())
		if out != nil || !errors.Is(err, ErrHostname) {
			t.Errorf("Hostname %q: %v %v, want no outcomes and ErrHostname", name, out, err)
		}
		s.Close()
	}
	if n := len(w.a.messages()) + len(w.b.messages()); n != 0 {
		t.Errorf("%d messages were sent", n)
	}
	for _, name := range []string{"mail.shop.example", "MX1.Example.COM.", "smtp.bücher.example"} {
		if err := checkFQDN(name); err != nil {
			t.Errorf("checkFQDN(%q): %v", name, err)
		}
	}
}

func smtpclientEnvelope(from string, to ...string) smtpclient.Envelope {
	return smtpclient.Envelope{From: from, To: to}
}

// TestSpool checks that a message over spoolMemory goes to a file in
// TMPDIR, reads back at any offset behind its signature, and that the file
// is removed.
func TestSpool(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	data := make([]byte, spoolMemory+12345)
	rand.Read(data)
	sp := &spool{}
	for p := data; len(p) > 0; p = p[min(len(p), 7000):] {
		if _, err := sp.Write(p[:min(len(p), 7000)]); err != nil {
			t.Fatal(err)
		}
	}
	if sp.file == nil || sp.size != int64(len(data)) {
		t.Fatalf("spool of %d octets: file %v, size %d", len(data), sp.file, sp.size)
	}
	m := &signedMessage{sig: "DKIM-Signature: x\r\n", sp: sp}
	total := int64(len(m.sig) + len(data))
	want := append([]byte(m.sig), data...)
	for _, off := range []int64{0, 5, int64(len(m.sig)), 1 << 20, total - 3} {
		got, err := io.ReadAll(io.NewSectionReader(m, off, total-off))
		if err != nil || !bytes.Equal(got, want[off:]) {
			t.Errorf("reading from %d: %d octets, %v", off, len(got), err)
		}
	}
	sp.close()
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

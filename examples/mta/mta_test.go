package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5"
	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"golang.org/x/crypto/bcrypt"
)

// The test world: shop.example sends (DKIM keys ed1 and rsa1), its MX and
// customers.example's are the recording server on loopback.
const zone = `
shop.example.            IN MX 10 mx.shop.example.
mx.shop.example.         IN A 127.0.0.1
customers.example.       IN MX 10 mx.customers.example.
mx.customers.example.    IN A 127.0.0.1
`

// recorder is a receiving SMTP server: it refuses recipients whose local
// part starts with "unknown" (550 5.1.1), or those rcpt refuses if set,
// and keeps every message.
type recorder struct {
	addr  string
	port  int
	srv   *smtp.Server
	rcpt  func(to string) error
	rcpts atomic.Int64 // RCPT commands seen
	mu    sync.Mutex
	msgs  []received
}

type received struct {
	from   string
	to     []string
	data   []byte
	client string // the client's IP address
	mail   smtp.MailOptions
	rcpt   []smtp.RcptOptions // parallel to to
}

// startRecorder starts the recorder; setup may change the server's
// options before it serves.
func startRecorder(t *testing.T, setup ...func(*smtp.Server)) *recorder {
	t.Helper()
	return startRecorderAt(t, "127.0.0.1:0", setup...)
}

// startRecorderAt starts a recorder listening on addr.
func startRecorderAt(t *testing.T, addr string, setup ...func(*smtp.Server)) *recorder {
	t.Helper()
	return serveRecorder(t, addr, &recorder{}, setup...)
}

// startRefuser starts a recorder listening on addr that answers each
// RCPT with rcpt's verdict.
func startRefuser(t *testing.T, addr string, rcpt func(to string) error) *recorder {
	t.Helper()
	return serveRecorder(t, addr, &recorder{rcpt: rcpt})
}

func serveRecorder(t *testing.T, addr string, r *recorder, setup ...func(*smtp.Server)) *recorder {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	r.addr, r.port = ln.Addr().String(), ln.Addr().(*net.TCPAddr).Port
	r.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		host, _, _ := net.SplitHostPort(c.Conn().RemoteAddr().String())
		return &recSession{r: r, client: host}, nil
	}))
	r.srv.Domain = "recorder.localhost"
	r.srv.EnableDSN = true
	for _, f := range setup {
		f(r.srv)
	}
	go r.srv.Serve(ln)
	t.Cleanup(func() { r.srv.Close() })
	return r
}

func (r *recorder) messages() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.msgs...)
}

// notices returns the messages from the null sender (DSNs and other
// notices), in the order they came.
func (r *recorder) notices() []received {
	var out []received
	for _, m := range r.messages() {
		if m.from == "" {
			out = append(out, m)
		}
	}
	return out
}

type recSession struct {
	r      *recorder
	client string
	cur    received
}

func (s *recSession) Reset()        { s.cur = received{client: s.client} }
func (s *recSession) Logout() error { return nil }
func (s *recSession) Mail(from string, opts *smtp.MailOptions) error {
	s.cur.from, s.cur.client = from, s.client
	if opts != nil {
		s.cur.mail = *opts
	}
	return nil
}
func (s *recSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	s.r.rcpts.Add(1)
	if s.r.rcpt != nil {
		if err := s.r.rcpt(to); err != nil {
			return err
		}
	} else if strings.HasPrefix(to, "unknown") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown in virtual mailbox table"}
	}
	s.cur.to = append(s.cur.to, to)
	var o smtp.RcptOptions
	if opts != nil {
		o = *opts
	}
	s.cur.rcpt = append(s.cur.rcpt, o)
	return nil
}
func (s *recSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.r.mu.Lock()
	s.r.msgs = append(s.r.msgs, s.cur)
	s.r.mu.Unlock()
	return nil
}

// world is a DNS zone with the sender's DKIM keys, a recorder and the
// key files, ready for MTA configurations.
type world struct {
	dns  *resolvertest.Server
	rec  *recorder
	keys []DKIMKey
	dir  string
}

// addMX gives domain one MX host per address, in the order given
// (mx1.domain at preference 10, mx2.domain at 20, ...).
func (w *world) addMX(t *testing.T, domain string, addrs ...string) {
	t.Helper()
	var zone strings.Builder
	for i, a := range addrs {
		fmt.Fprintf(&zone, "%s. IN MX %d mx%d.%s.\nmx%d.%s. IN A %s\n", domain, 10*(i+1), i+1, domain, i+1, domain, a)
	}
	if err := w.dns.Add(zone.String()); err != nil {
		t.Fatal(err)
	}
}

func newWorld(t *testing.T, setup ...func(*smtp.Server)) *world {
	t.Helper()
	w := &world{dns: resolvertest.New(t, zone), rec: startRecorder(t, setup...), dir: t.TempDir()}
	for sel, typ := range map[string]string{"ed1": "ed25519", "rsa1": "rsa"} {
		key, err := dkim.GenerateKey(typ)
		if err != nil {
			t.Fatal(err)
		}
		pem, err := dkim.MarshalPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(w.dir, sel+".pem")
		if err := os.WriteFile(file, pem, 0o600); err != nil {
			t.Fatal(err)
		}
		w.keys = append(w.keys, DKIMKey{Domain: "shop.example", Selector: sel, KeyFile: file})
		txt, err := dkim.TXTRecord(key.Public())
		if err != nil {
			t.Fatal(err)
		}
		quoted := `"` + strings.Join(txt, `" "`) + `"`
		if err := w.dns.Add(fmt.Sprintf("%s._domainkey.shop.example. IN TXT %s\n", sel, quoted)); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// testHash is a bcrypt hash of pass at the lowest cost: the cost of a
// comparison is that of the users' hashes, and tests log in often.
func testHash(pass string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}

// config is a loopback MTA configuration delivering into the recorder.
func (w *world) config(queueDir string) *Config {
	c := &Config{
		Hostname: "mta.shop.example",
		SMTP: SMTPConfig{
			Listen:            "127.0.0.1:0",
			Users:             []User{{Username: "app", PasswordHash: testHash("s3cret")}},
			AllowInsecureAuth: true,
			TrustedNetworks:   []string{"127.0.0.2/32"},
		},
		HTTP:  HTTPConfig{Listen: "127.0.0.1:0", APITokens: []string{"tok"}},
		Queue: QueueConfig{Dir: queueDir, RetryInitial: Duration(50 * time.Millisecond), RetryMax: Duration(100 * time.Millisecond)},
		DKIM:  DKIMConfig{Keys: w.keys},
		Delivery: DeliveryConfig{
			Workers:    4,
			DNSServers: []string{w.dns.Addr()},
			MXPort:     w.rec.port,
		},
	}
	if err := c.check(); err != nil {
		panic(err)
	}
	return c
}

func startMTA(t *testing.T, cfg *Config) *MTA { t.Helper(); return startMTALog(t, cfg, nil) }

// startMTALog starts an MTA that logs to log (nil: discarded) and shuts
// it down when the test ends.
func startMTALog(t *testing.T, cfg *Config, log *slog.Logger) *MTA {
	t.Helper()
	m, err := New(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		m.Shutdown(ctx)
	})
	return m
}

// waitFor polls cond for up to 15 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// getStats reads /api/stats over HTTP.
func getStats(t *testing.T, m *MTA) Stats {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+m.HTTPAddr()+"/api/stats", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func message(from, to, subject string) string {
	return "From: Shop <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + subject + "@shop.example>\r\nDate: Mon, 23 Nov 2026 12:00:00 +0000\r\n\r\nHello.\r\n"
}

// submitAs submits msg over SMTP as the user app (tenant "app").
func submitAs(t *testing.T, m *MTA, from string, to []string, msg string) {
	t.Helper()
	c, err := smtp.Dial(m.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "app", "s3cret")); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(from, to, strings.NewReader(msg)); err != nil {
		t.Fatal(err)
	}
	c.Quit()
}

// submitSMTP sends one message over SMTP from localIP, authenticating
// with auth if not nil.
func submitSMTP(addr, localIP string, auth sasl.Client, from, to, msg string) error {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(localIP)}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("client.localhost"); err != nil {
		return err
	}
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, []string{to}, strings.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

// verifyDKIM checks the recorded message's signatures against the zone.
func verifyDKIM(t *testing.T, w *world, data []byte) []dkim.Result {
	t.Helper()
	res, err := (&dkim.Verifier{Resolver: w.dns.Client()}).Verify(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSubmitSignDeliver submits over SMTP with AUTH PLAIN and LOGIN, from
// a trusted network without AUTH, and over the HTTP API; refuses an
// untrusted client without AUTH and a wrong password; and checks that all
// messages reach the MX signed with both keys, and the counters.
func TestSubmitSignDeliver(t *testing.T) {
	w := newWorld(t)
	m := startMTA(t, w.config(t.TempDir()))
	from := "news@shop.example"

	if err := submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewPlainClient("", "app", "s3cret"), from, "alice@customers.example", message(from, "alice@customers.example", "plain")); err != nil {
		t.Fatalf("AUTH PLAIN: %v", err)
	}
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewLoginClient("app", "s3cret"), from, "bob@customers.example", message(from, "bob@customers.example", "login")); err != nil {
		t.Fatalf("AUTH LOGIN: %v", err)
	}
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, from, "carol@customers.example", message(from, "carol@customers.example", "trusted")); err != nil {
		t.Fatalf("trusted network: %v", err)
	}
	var se *smtp.SMTPError
	err := submitSMTP(m.SMTPAddr(), "127.0.0.1", nil, from, "eve@customers.example", message(from, "eve@customers.example", "untrusted"))
	if !errors.As(err, &se) || se.Code != 530 {
		t.Errorf("untrusted client without AUTH: got %v, want 530", err)
	}
	err = submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewPlainClient("", "app", "wrong"), from, "eve@customers.example", message(from, "eve@customers.example", "badpass"))
	if !errors.As(err, &se) || se.Code != 535 {
		t.Errorf("wrong password: got %v, want 535", err)
	}

	// The HTTP API: refused without the token, accepted with it.
	body := `{"from":"news@shop.example","to":["dave@customers.example"],"subject":"Grüße","text":"Hi Dave\n","campaign":"c1"}`
	resp, err := http.Post("http://"+m.HTTPAddr()+"/api/send", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API without token: %s, want 401", resp.Status)
	}
	req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var sent struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&sent)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || sent.ID == "" {
		t.Fatalf("API send: %s, id %q", resp.Status, sent.ID)
	}
	// A header injection attempt is refused.
	bad := `{"from":"news@shop.example","to":["dave@customers.example"],"subject":"x\r\nBcc: victim@example.com","text":"x"}`
	req, _ = http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send", strings.NewReader(bad))
	req.Header.Set("Authorization", "Bearer tok")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("subject with CRLF: %s, want 400", resp.Status)
	}

	waitFor(t, "4 deliveries", func() bool { s := getStats(t, m); return s.Delivered == 4 && s.Queued == 0 })
	msgs := w.rec.messages()
	if len(msgs) != 4 {
		t.Fatalf("recorder got %d messages, want 4", len(msgs))
	}
	for _, msg := range msgs {
		if msg.from != from {
			t.Errorf("envelope sender %q, want %q", msg.from, from)
		}
		if !bytes.HasPrefix(msg.data, []byte("Received: from ")) {
			t.Errorf("message to %v does not start with our Received field:\n%.200s", msg.to, msg.data)
		}
		res := verifyDKIM(t, w, msg.data)
		if len(res) != 2 {
			t.Errorf("message to %v: %d signatures, want 2 (ed1, rsa1)", msg.to, len(res))
		}
		for _, r := range res {
			if r.Status != dkim.Pass || r.Domain != "shop.example" {
				t.Errorf("message to %v: signature %s/%s: %s %v", msg.to, r.Domain, r.Selector, r.Status, r.Err)
			}
		}
	}
	s := getStats(t, m)
	if s.Received != 4 || s.Failed != 0 || s.Signed != 4 {
		t.Errorf("stats %+v: want received 4, signed 4, failed 0", s)
	}
	metrics := fetch(t, "http://"+m.HTTPAddr()+"/metrics")
	for _, want := range []string{
		`mta_recipients_total{result="delivered"} 4`,
		`mta_messages_received_total 4`,
		`mta_queue_messages 0`,
		`mta_smtp_auth_failures_total 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer tok") // the operator's, of world.config
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// hookReceiver collects webhook events; it fails the first post to check
// that the webhook retries.
type hookReceiver struct {
	mu     sync.Mutex
	posts  int
	events []Event
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.posts++
	if h.posts == 1 {
		http.Error(w, "not yet", http.StatusServiceUnavailable)
		return
	}
	var evs []Event
	if err := json.NewDecoder(r.Body).Decode(&evs); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.events = append(h.events, evs...)
}

func (h *hookReceiver) find(typ, rcpt string) *Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range h.events {
		if h.events[i].Type == typ && h.events[i].Recipient == rcpt {
			e := h.events[i]
			return &e
		}
	}
	return nil
}

// withWebhook points cfg's webhook at hr, served until the test's end.
func withWebhook(t *testing.T, cfg *Config, hr *hookReceiver) {
	t.Helper()
	hs := httptest.NewServer(hr)
	t.Cleanup(hs.Close)
	cfg.Webhook = WebhookConfig{URL: hs.URL}
}

// TestBounceDSNWebhook sends to an accepted and a refused recipient: the
// refusal becomes a webhook event with the bounce classification and a DSN
// delivered back to the sender with the null reverse-path.
func TestBounceDSNWebhook(t *testing.T) {
	w := newWorld(t)
	hr := &hookReceiver{}
	cfg := w.config(t.TempDir())
	withWebhook(t, cfg, hr)
	m := startMTA(t, cfg)

	from := "orders@shop.example"
	submitAs(t, m, from, []string{"ok@customers.example", "unknown7@customers.example"}, message(from, "ok@customers.example", "bounce-test"))

	waitFor(t, "delivery, bounce and DSN", func() bool {
		s := getStats(t, m)
		return s.Delivered == 2 && s.Failed == 1 && s.Queued == 0
	})
	notices := w.rec.notices()
	if len(notices) == 0 {
		t.Fatal("no DSN (null sender) reached the sender's MX")
	}
	dsn := notices[len(notices)-1]
	if len(dsn.to) != 1 || dsn.to[0] != from {
		t.Errorf("DSN went to %v, want %s", dsn.to, from)
	}
	rep, err := bounce.Parse(bytes.NewReader(dsn.data))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != bounce.KindDSN || len(rep.Recipients) != 1 {
		t.Fatalf("DSN parsed as %v with %d recipients", rep.Kind, len(rep.Recipients))
	}
	r := rep.Recipients[0]
	if r.FinalRecipient != "unknown7@customers.example" || r.Status != "5.1.1" || r.Reason != bounce.UserUnknown || !r.Hard {
		t.Errorf("DSN recipient %+v: want unknown7, 5.1.1, userunknown, hard", r)
	}
	if rep.MessageID != "bounce-test@shop.example" {
		t.Errorf("DSN returns Message-ID %q", rep.MessageID)
	}

	waitFor(t, "webhook events", func() bool {
		return hr.find("bounced", "unknown7@customers.example") != nil && hr.find("delivered", "ok@customers.example") != nil
	})
	ev := hr.find("bounced", "unknown7@customers.example")
	if ev.Reason != string(bounce.UserUnknown) || ev.Status != "5.1.1" || !ev.Hard || !strings.Contains(ev.Error, "550") {
		t.Errorf("bounced event %+v: want userunknown 5.1.1 hard with the 550 reply", ev)
	}
	hr.mu.Lock()
	posts := hr.posts
	hr.mu.Unlock()
	if posts < 2 {
		t.Errorf("webhook posted %d times; the first post failed, so it must have retried", posts)
	}
}

// TestRouteFailureDSN: recipients whose domain does not exist or takes no
// mail (null MX) fail at once, and their DSN statuses and webhook events
// come from the typed outcome: 5.1.2 and 5.1.10 (RFC 3463, RFC 7505),
// never 5.0.0, with no Remote-MTA, since no server answered.
func TestRouteFailureDSN(t *testing.T) {
	w := newWorld(t)
	if err := w.dns.Add("nomail.example. IN MX 0 .\n"); err != nil {
		t.Fatal(err)
	}
	hr := &hookReceiver{}
	cfg := w.config(t.TempDir())
	withWebhook(t, cfg, hr)
	m := startMTA(t, cfg)

	from := "orders@shop.example"
	rcpts := []string{"a@nomail.example", "b@nowhere.example"}
	submitAs(t, m, from, rcpts, message(from, rcpts[0], "route-test"))
	waitFor(t, "the DSN", func() bool { return len(w.rec.notices()) > 0 })
	notices := w.rec.notices()
	dsn := notices[len(notices)-1]
	rep, err := bounce.Parse(bytes.NewReader(dsn.data))
	if err != nil || rep.Kind != bounce.KindDSN {
		t.Fatalf("DSN: %v, kind %v", err, rep.Kind)
	}
	want := map[string]struct {
		status string
		reason bounce.Reason
	}{"a@nomail.example": {"5.1.10", bounce.NotAccept}, "b@nowhere.example": {"5.1.2", bounce.HostUnknown}}
	if len(rep.Recipients) != 2 {
		t.Fatalf("DSN with %d recipients, want 2", len(rep.Recipients))
	}
	for _, r := range rep.Recipients {
		wr, ok := want[r.FinalRecipient]
		if !ok || r.Status != wr.status || r.Reason != wr.reason || !r.Hard || r.RemoteMTA != "" {
			t.Errorf("DSN recipient %+v, want status %s, reason %s, hard, no Remote-MTA", r, wr.status, wr.reason)
		}
	}
	waitFor(t, "webhook events", func() bool {
		return hr.find("bounced", rcpts[0]) != nil && hr.find("bounced", rcpts[1]) != nil
	})
	for _, rcpt := range rcpts {
		ev := hr.find("bounced", rcpt)
		if ev.Status != want[rcpt].status || ev.Reason != string(want[rcpt].reason) || !ev.Hard || ev.Stage != "route" || ev.Code != 0 {
			t.Errorf("bounced event %+v, want %s at the route stage", ev, want[rcpt].status)
		}
	}
}

// TestNextMX: when the preferred MX host refuses the connection (nothing
// listens at 127.0.0.2 on the MX port), the message goes to the next one
// in the same attempt (RFC 5321 §5.1), with the whole body: the queued
// body rewinds for another host.
func TestNextMX(t *testing.T) {
	w := newWorld(t)
	w.addMX(t, "backup.example", "127.0.0.2", "127.0.0.1")
	hr := &hookReceiver{}
	cfg := w.config(t.TempDir())
	withWebhook(t, cfg, hr)
	m := startMTA(t, cfg)
	from, to := "orders@shop.example", "x@backup.example"
	submitAs(t, m, from, []string{to}, message(from, to, "next-mx"))
	waitFor(t, "an outcome", func() bool { return hr.find("delivered", to) != nil || hr.find("deferred", to) != nil })
	if ev := hr.find("deferred", to); ev != nil {
		t.Fatalf("deferred, want delivered by the second MX: %+v", ev)
	}
	msgs := w.rec.messages()
	if len(msgs) != 1 || !bytes.Contains(msgs[0].data, []byte("Subject: next-mx\r\n")) || !bytes.HasSuffix(msgs[0].data, []byte("\r\nHello.\r\n")) {
		t.Errorf("received %d messages, want the whole message once", len(msgs))
	}
}

// TestRestart queues mail while the MX is down, stops the MTA, and checks
// that a new MTA on the same queue directory delivers it.
func TestRestart(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	cfg := w.config(dir)
	// A port where nothing listens: every attempt is deferred.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Delivery.MXPort = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg.Queue.RetryInitial = Duration(500 * time.Millisecond)
	cfg.Queue.RetryMax = cfg.Queue.RetryInitial

	m1, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m1.Start(); err != nil {
		t.Fatal(err)
	}
	const n = 5
	for i := 0; i < n; i++ {
		to := fmt.Sprintf("user%d@customers.example", i)
		if err := submitSMTP(m1.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", to, message("news@shop.example", to, fmt.Sprint("r", i))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "deferrals", func() bool { return m1.Stats().Deferred >= n })
	if s := m1.Stats(); s.Queued != n || s.Delivered != 0 {
		t.Fatalf("first MTA: %+v, want %d queued, none delivered", s, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m1.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	cfg2 := w.config(dir) // same queue, the MX is up now
	m2, err := New(context.Background(), cfg2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := m2.Stats().Queued; got != n {
		t.Errorf("second MTA found %d queued messages, want %d", got, n)
	}
	if err := m2.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m2.Shutdown(context.Background()) })
	waitFor(t, "delivery after restart", func() bool { s := getStats(t, m2); return s.Delivered == n && s.Queued == 0 })
	if got := len(w.rec.messages()); got != n {
		t.Errorf("recorder got %d messages, want %d", got, n)
	}
}

// TestRelay sends everything through a smarthost.
func TestRelay(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.Delivery.DNSServers = nil
	cfg.Delivery.MXPort = 0
	cfg.Delivery.Relay = w.rec.addr
	cfg.Delivery.RelayTLS = "none"
	m := startMTA(t, cfg)
	for _, to := range []string{"a@customers.example", "b@elsewhere.example"} {
		if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", to, message("news@shop.example", to, "relay")); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "relayed", func() bool { return m.Stats().Delivered == 2 && m.Stats().Queued == 0 })
	if got := len(w.rec.messages()); got != 2 {
		t.Errorf("relay got %d messages, want 2", got)
	}
}

// trustedClient is an SMTP session with m from its trusted network, after
// EHLO.
func trustedClient(t *testing.T, m *MTA) *smtp.Client {
	t.Helper()
	conn, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).Dial("tcp", m.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClient(conn)
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("client.localhost"); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSenderRestriction checks which senders (envelope and From header)
// an authenticated user may use, over SMTP and the API: by default the
// DKIM key domains, else its from list; trusted networks and API tokens
// are not limited.
func TestSenderRestriction(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.Users = append(cfg.SMTP.Users,
		User{Username: "billing", Password: "pw2", From: []string{"billing@shop.example", "@partner.example"}},
		User{Username: "relay", Password: "pw3", From: []string{"*"}})
	m := startMTA(t, cfg)
	for _, tc := range []struct {
		user, pass, from string
		ok               bool
	}{
		{"app", "s3cret", "news@shop.example", true},
		{"app", "s3cret", "NEWS@Shop.Example", true},
		{"app", "s3cret", "ceo@bank.example", false},
		{"app", "s3cret", "news@shop.example.evil.example", false},
		{"billing", "pw2", "billing@shop.example", true},
		{"billing", "pw2", "news@shop.example", false},
		{"billing", "pw2", "x@partner.example", true},
		{"relay", "pw3", "anyone@anywhere.example", true},
	} {
		err := submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewPlainClient("", tc.user, tc.pass), tc.from, "a@customers.example", message(tc.from, "a@customers.example", "sender"))
		var se *smtp.SMTPError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s as %s: %v", tc.user, tc.from, err)
		case !tc.ok && (!errors.As(err, &se) || se.Code != 553):
			t.Errorf("%s as %s: %v, want 553", tc.user, tc.from, err)
		}
	}
	// The From header is held to the same list as the envelope.
	err := submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewPlainClient("", "app", "s3cret"), "news@shop.example", "a@customers.example", message("ceo@bank.example", "a@customers.example", "header"))
	if se := (*smtp.SMTPError)(nil); !errors.As(err, &se) || se.Code != 550 {
		t.Errorf("app with From: ceo@bank.example: %v, want 550", err)
	}
	// A trusted network sends as anyone.
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "ceo@bank.example", "a@customers.example", message("ceo@bank.example", "a@customers.example", "trusted")); err != nil {
		t.Errorf("trusted network: %v", err)
	}
	// The API with an SMTP login is limited the same way; a token is not.
	post := func(auth func(*http.Request), from string) int {
		body := `{"from":"` + from + `","to":["a@customers.example"],"subject":"s","text":"t"}`
		req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send", strings.NewReader(body))
		auth(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	basic := func(r *http.Request) { r.SetBasicAuth("app", "s3cret") }
	token := func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") }
	if code := post(basic, "ceo@bank.example"); code != http.StatusForbidden {
		t.Errorf("API, app as ceo@bank.example: %d, want 403", code)
	}
	if code := post(basic, "news@shop.example"); code != http.StatusAccepted {
		t.Errorf("API, app as news@shop.example: %d, want 202", code)
	}
	if code := post(token, "ceo@bank.example"); code != http.StatusAccepted {
		t.Errorf("API with a token: %d, want 202", code)
	}
	raw, _ := json.Marshal(map[string]any{"from": "news@shop.example", "to": []string{"a@customers.example"}, "raw": message("ceo@bank.example", "a@customers.example", "raw")})
	req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send", bytes.NewReader(raw))
	basic(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("API raw message with From: ceo@bank.example: %s, want 403", resp.Status)
	}
}

// TestHashedPassword logs in with a user whose password is kept as the
// bcrypt hash that -hash-password prints, over SMTP and the API.
func TestHashedPassword(t *testing.T) {
	var out bytes.Buffer
	if err := printHash(strings.NewReader("correct horse\n"), &out); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.Users = []User{{Username: "ops", PasswordHash: strings.TrimSpace(out.String())}}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	from := "ops@shop.example"
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewPlainClient("", "ops", "correct horse"), from, "a@customers.example", message(from, "a@customers.example", "hashed")); err != nil {
		t.Errorf("right password: %v", err)
	}
	for _, pass := range []string{"correct horse ", "Correct horse", ""} {
		var se *smtp.SMTPError
		err := submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewPlainClient("", "ops", pass), from, "a@customers.example", message(from, "a@customers.example", "hashed"))
		if !errors.As(err, &se) || se.Code != 535 {
			t.Errorf("password %q: %v, want 535", pass, err)
		}
	}
	if _, err := m.passwords.check(context.Background(), "nobody", "correct horse"); !errors.Is(err, errLoginFailed) {
		t.Errorf("an unknown user: %v, want errLoginFailed", err)
	}
	req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send", strings.NewReader(`{"from":"ops@shop.example","to":["a@customers.example"],"subject":"s","text":"t"}`))
	req.SetBasicAuth("ops", "correct horse")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("API with the hashed user: %s", resp.Status)
	}
	if err := printHash(strings.NewReader(""), io.Discard); err == nil {
		t.Error("printHash hashed an empty password")
	}
}

// TestDSNParameters submits one message with RET, ENVID and per-recipient
// NOTIFY and ORCPT (RFC 3461) and checks the next hop gets them, the
// recipients with different NOTIFY values in separate transactions.
func TestDSNParameters(t *testing.T) {
	w := newWorld(t)
	m := startMTA(t, w.config(t.TempDir()))
	rcpts := []rcptParams{
		{"a@customers.example", []smtp.DSNNotify{smtp.DSNNotifyFailure, smtp.DSNNotifyDelayed}, "old-a@customers.example"},
		{"b@customers.example", []smtp.DSNNotify{smtp.DSNNotifyNever}, ""},
		{"c@customers.example", []smtp.DSNNotify{smtp.DSNNotifyFailure, smtp.DSNNotifyDelayed}, ""},
	}
	submitWithParams(t, m, &smtp.MailOptions{Return: smtp.DSNReturnHeaders, EnvelopeID: "env+2Did"}, rcpts, message("news@shop.example", "a@customers.example", "dsn"))
	waitFor(t, "delivery", func() bool { return m.Stats().Delivered == 3 })
	msgs := w.rec.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d transactions at the MX, want 2 (one per NOTIFY value)", len(msgs))
	}
	seen := 0
	for _, msg := range msgs {
		if msg.mail.Return != smtp.DSNReturnHeaders || msg.mail.EnvelopeID != "env+2Did" {
			t.Errorf("MAIL parameters %+v, want RET=HDRS ENVID=env+2Did", msg.mail)
		}
		for i, to := range msg.to {
			for _, r := range rcpts {
				if r.addr != to {
					continue
				}
				seen++
				got := msg.rcpt[i]
				if fmt.Sprint(got.Notify) != fmt.Sprint(r.notify) || got.OriginalRecipient != r.orcpt {
					t.Errorf("%s: NOTIFY %v ORCPT %q, want %v %q", to, got.Notify, got.OriginalRecipient, r.notify, r.orcpt)
				}
			}
		}
	}
	if seen != 3 {
		t.Errorf("%d recipients arrived, want 3", seen)
	}
}

// TestRelayedNotice delivers to an MX without DSN: the recipient that
// asked for NOTIFY=SUCCESS gets a "relayed" notice from this MTA (RFC 3461
// §4.1), the one that asked only for FAILURE nothing.
func TestRelayedNotice(t *testing.T) {
	w := newWorld(t, func(s *smtp.Server) { s.EnableDSN = false })
	m := startMTA(t, w.config(t.TempDir()))
	submitWithParams(t, m, &smtp.MailOptions{Return: smtp.DSNReturnFull}, []rcptParams{
		{"a@customers.example", []smtp.DSNNotify{smtp.DSNNotifySuccess, smtp.DSNNotifyFailure}, "old-a@customers.example"},
		{"b@customers.example", []smtp.DSNNotify{smtp.DSNNotifyFailure}, ""},
	}, message("news@shop.example", "a@customers.example", "relayed"))
	// Two recipients, then the notice to news@shop.example.
	waitFor(t, "delivery and the notice", func() bool { return m.Stats().Delivered == 3 && m.Stats().Queued == 0 })
	notices := w.rec.notices()
	if len(notices) != 1 {
		t.Fatalf("%d notices, want 1", len(notices))
	}
	if len(notices[0].to) != 1 || notices[0].to[0] != "news@shop.example" {
		t.Errorf("notice went to %v", notices[0].to)
	}
	rep, err := bounce.Parse(bytes.NewReader(notices[0].data))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 {
		t.Fatalf("notice parsed as %v with %d recipients, want 1", rep.Kind, len(rep.Recipients))
	}
	r := rep.Recipients[0]
	if r.FinalRecipient != "a@customers.example" || r.Action != "relayed" || r.Status != "2.0.0" || !strings.Contains(r.OriginalRecipient, "old-a@customers.example") {
		t.Errorf("notice recipient %+v: want a@customers.example relayed 2.0.0, original old-a", r)
	}
	if bytes.Contains(notices[0].data, []byte("\r\n\r\nHello.")) {
		t.Error("a success notice returns the whole message")
	}
}

// TestFeedback posts an ARF complaint (RFC 5965) to /api/feedback and
// checks the complaint event reaches the webhook.
func TestFeedback(t *testing.T) {
	w := newWorld(t)
	hr := &hookReceiver{posts: 1} // no failed first post here
	cfg := w.config(t.TempDir())
	withWebhook(t, cfg, hr)
	m := startMTA(t, cfg)
	arf := complaintARF("alice@customers.example", "order-1@shop.example")
	req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/feedback", strings.NewReader(arf))
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("feedback: %s", resp.Status)
	}
	waitFor(t, "complaint event", func() bool { return hr.find("complaint", "alice@customers.example") != nil })
	ev := hr.find("complaint", "alice@customers.example")
	if ev.FeedbackType != "abuse" || ev.MessageID != "order-1@shop.example" {
		t.Errorf("complaint event %+v: want abuse for order-1@shop.example", ev)
	}
}

// TestConfig checks the example file and refusals of bad configurations.
func TestConfig(t *testing.T) {
	if _, err := LoadConfig("mta.example.json"); err != nil {
		t.Errorf("mta.example.json: %v", err)
	}
	for _, tc := range []struct {
		name, json, want string
	}{
		{"unknown field", `{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q"},"spelling":1}`, "unknown field"},
		{"no queue", `{"hostname":"h","smtp":{"listen":":25"}}`, "exactly one of dir and postgres_dsn"},
		{"both queues", `{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q","postgres_dsn":"postgres://x"}}`, "exactly one"},
		{"no listener", `{"hostname":"h","queue":{"dir":"q"}}`, "nothing could submit"},
		{"bad network", `{"hostname":"h","smtp":{"listen":":25","trusted_networks":["10.0.0.0/33"]},"queue":{"dir":"q"}}`, "trusted_networks"},
		{"bad duration", `{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q","max_age":"soon"}}`, "duration"},
		{"bad tls policy", `{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q"},"delivery":{"relay":"r:25","relay_tls":"maybe"}}`, "relay_tls"},
		{"bad hostname", `{"hostname":"a b","smtp":{"listen":":25"},"queue":{"dir":"q"}}`, "not a host name"},
		{"bad webhook", `{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q"},"webhook":{"url":"ftp://x"}}`, "webhook.url"},
		{"limit without rate", `{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q"},"delivery":{"limits":[{"hosts":["*"]}]}}`, "positive rate"},
		{"user without senders", `{"hostname":"h","smtp":{"listen":":25","users":[{"username":"u","password":"p"}]},"queue":{"dir":"q"}}`, "no from list"},
		{"password and hash", `{"hostname":"h","smtp":{"listen":":25","users":[{"username":"u","password":"p","password_hash":"$2a$10$x","from":["*"]}]},"queue":{"dir":"q"}}`, "one of password and password_hash"},
		{"bad hash", `{"hostname":"h","smtp":{"listen":":25","users":[{"username":"u","password_hash":"md5:abc","from":["*"]}]},"queue":{"dir":"q"}}`, "not a bcrypt hash"},
		{"bad sender pattern", `{"hostname":"h","smtp":{"listen":":25","users":[{"username":"u","password":"p","from":["shop.example"]}]},"queue":{"dir":"q"}}`, "not an address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestPostgresQueue runs the MTA on the PostgreSQL queue (MXKIT_PG_DSN),
// in a schema of its own that it drops afterwards.
func TestPostgresQueue(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	postgresQueue(t, cfg, dsn)
	m := startMTA(t, cfg)
	for i := 0; i < 3; i++ {
		to := fmt.Sprintf("pg%d@customers.example", i)
		if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", to, message("news@shop.example", to, fmt.Sprint("pg", i))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "delivery from PostgreSQL", func() bool { s := m.Stats(); return s.Delivered == 3 && s.Queued == 0 })
	if got := len(w.rec.messages()); got != 3 {
		t.Errorf("recorder got %d messages, want 3", got)
	}
}

// postgresQueue puts cfg's queue in PostgreSQL at dsn, in a schema of its
// own that is dropped when the test ends.
func postgresQueue(t *testing.T, cfg *Config, dsn string) {
	cfg.Queue.Dir, cfg.Queue.PostgresDSN = "", dsn
	cfg.Queue.PostgresSchema = fmt.Sprintf("mta_test_%d", time.Now().UnixNano())
	dropSchema(t, dsn, cfg.Queue.PostgresSchema)
}

// dropSchema drops a PostgreSQL schema when the test ends.
func dropSchema(t *testing.T, dsn, schema string) {
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Log(err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Log(err)
		}
	})
}

// TestSourceIPAndLimits sends from a configured source address, under a
// rate limit, one message to recipients in two domains: it must arrive as
// one transaction per domain, each from the source address.
func TestSourceIPAndLimits(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.Delivery.SourceIPs = []SourceIP{{Addr: "127.0.0.3"}}
	cfg.Delivery.Limits = []LimitConfig{{Name: "loopback", Hosts: []string{"*.customers.example", "*.shop.example"}, Rate: 100, Burst: 2}}
	m := startMTA(t, cfg)
	if len(m.tr.RateLimits) != 1 || m.tr.RateLimits[0].Burst != 2 || len(m.tr.RateLimits[0].Hosts) != 2 {
		t.Errorf("transport limits %+v do not follow the configuration", m.tr.RateLimits)
	}
	from := "news@shop.example"
	submitAs(t, m, from, []string{"x1@customers.example", "x2@customers.example", "archive@shop.example"}, message(from, "x1@customers.example", "two-domains"))
	waitFor(t, "three recipients", func() bool { s := m.Stats(); return s.Delivered == 3 && s.Queued == 0 })
	msgs := w.rec.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d transactions, want 2 (one per domain)", len(msgs))
	}
	for _, r := range msgs {
		if r.client != "127.0.0.3" {
			t.Errorf("transaction to %v came from %s, want the source address 127.0.0.3", r.to, r.client)
		}
	}
}

// TestBadKeys checks that unusable DKIM keys stop the MTA at start, not at
// the first message.
func TestBadKeys(t *testing.T) {
	w := newWorld(t)
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(weak)
	if err != nil {
		t.Fatal(err)
	}
	weakFile := filepath.Join(w.dir, "weak.pem")
	os.WriteFile(weakFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	garbage := filepath.Join(w.dir, "garbage.pem")
	os.WriteFile(garbage, []byte("not a key"), 0o600)
	for _, tc := range []struct {
		name, file string
		want       error
	}{
		{"rsa-1024", weakFile, dkim.ErrWeakKey},
		{"not pem", garbage, dkim.ErrKeyFormat},
		{"missing", filepath.Join(w.dir, "nope.pem"), os.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := w.config(t.TempDir())
			cfg.DKIM.Keys = []DKIMKey{{Domain: "shop.example", Selector: "s", KeyFile: tc.file}}
			m, err := New(context.Background(), cfg, nil)
			if err == nil {
				m.Shutdown(context.Background())
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestConfigDocumented checks that the package comment names every
// configuration field.
func TestConfigDocumented(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.Struct && f.Type.Kind() != reflect.Slice:
				walk(prefix+name+".", ft)
			case ft.Kind() == reflect.Struct:
				// Elements of lists are documented by their JSON keys.
				for j := 0; j < ft.NumField(); j++ {
					key, _, _ := strings.Cut(ft.Field(j).Tag.Get("json"), ",")
					if !strings.Contains(doc, `"`+key+`"`) {
						t.Errorf("%s%s: key %q is not in the package comment", prefix, name, key)
					}
				}
				fallthrough
			default:
				if !strings.Contains(doc, prefix+name) {
					t.Errorf("%s%s is not in the package comment", prefix, name)
				}
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
}

// TestSTARTTLS checks that with a certificate and without
// allow_insecure_auth, AUTH is offered only after STARTTLS.
func TestSTARTTLS(t *testing.T) {
	w := newWorld(t)
	certFile, keyFile, pool := w.certificate(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.TLSCert, cfg.SMTP.TLSKey, cfg.SMTP.AllowInsecureAuth = certFile, keyFile, false
	m := startMTA(t, cfg)

	c, err := smtp.Dial(m.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered before STARTTLS")
	}
	c.Close()

	c, err = smtp.DialStartTLS(m.SMTPAddr(), &tls.Config{ServerName: "mta.shop.example", RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "app", "s3cret")); err != nil {
		t.Fatalf("AUTH after STARTTLS: %v", err)
	}
	from := "news@shop.example"
	if err := c.SendMail(from, []string{"tls@customers.example"}, strings.NewReader(message(from, "tls@customers.example", "tls"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { return m.Stats().Delivered == 1 })
	if msgs := w.rec.messages(); len(msgs) != 1 || !bytes.Contains(msgs[0].data, []byte("with ESMTPSA")) {
		t.Errorf("Received field does not record TLS and AUTH (ESMTPSA, RFC 3848)")
	}
}

// certificate writes a self-signed certificate for mta.shop.example and
// its key into the world's directory, and returns their files and a pool
// that trusts it.
func (w *world) certificate(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	cert, pool := selfSigned(t, "mta.shop.example")
	kder, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(w.dir, "cert.pem"), filepath.Join(w.dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

package main

// Tests of the security properties of issue 21: what a security test of
// the MTA found failing, and what held. Two customers, as there: alice
// may send from @alice.example, bob from @bob.example, each domain with a
// DKIM key of its own.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/queue"
	"golang.org/x/crypto/bcrypt"
)

// addKey gives domain a DKIM key (selector s1) in the zone and in the
// world's keys.
func (w *world) addKey(t *testing.T, domain string) {
	t.Helper()
	key, err := dkim.GenerateKey("ed25519")
	if err != nil {
		t.Fatal(err)
	}
	pem, err := dkim.MarshalPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(w.dir, domain+".pem")
	if err := os.WriteFile(file, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	txt, err := dkim.TXTRecord(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.dns.Add(fmt.Sprintf("s1._domainkey.%s. IN TXT \"%s\"\n", domain, strings.Join(txt, `" "`))); err != nil {
		t.Fatal(err)
	}
	w.keys = append(w.keys, DKIMKey{Domain: domain, Selector: "s1", KeyFile: file})
}

// tenants is the world of two customers: alice (a bcrypt hash, and an API
// token) and bob (a password in clear).
func tenants(t *testing.T) (*world, *Config) {
	t.Helper()
	w := newWorld(t)
	w.addKey(t, "alice.example")
	w.addKey(t, "bob.example")
	cfg := w.config(t.TempDir())
	cfg.SMTP.Users = append(cfg.SMTP.Users,
		User{Username: "alice", PasswordHash: testHash("pw-alice"), From: []string{"@alice.example"}, APITokens: []string{"tok-alice"}},
		User{Username: "bob", Password: "pw-bob", From: []string{"@bob.example"}})
	return w, cfg
}

func basic(user, pass string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

// post sends body to the API path with auth and returns the status and
// the decoded JSON answer.
func post(t *testing.T, m *MTA, path string, auth func(*http.Request), body string) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+path, strings.NewReader(body))
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// sendJSON is the body of /api/send for the fields given.
func sendJSON(fields map[string]any) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

// rawConn is an SMTP client speaking the protocol by hand.
type rawConn struct {
	t *testing.T
	net.Conn
	r *bufio.Reader
}

// dialFrom connects from localIP and reads the greeting.
func dialFrom(t *testing.T, addr, localIP string) (*rawConn, string) {
	t.Helper()
	nc, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(localIP)}}).Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &rawConn{t: t, Conn: nc, r: bufio.NewReader(nc)}
	t.Cleanup(func() { c.Close() })
	return c, c.reply()
}

// reply reads a reply and returns its last line, or "" at the end of
// the connection.
func (c *rawConn) reply() string {
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			return ""
		}
		if len(l) < 4 || l[3] != '-' {
			return strings.TrimRight(l, "\r\n")
		}
	}
}

func (c *rawConn) cmd(line string) string {
	if _, err := io.WriteString(c.Conn, line+"\r\n"); err != nil {
		return ""
	}
	return c.reply()
}

// startTLS upgrades the session to TLS, trusting pool.
func (c *rawConn) startTLS(pool *x509.CertPool) {
	c.t.Helper()
	if r := c.cmd("STARTTLS"); !strings.HasPrefix(r, "220") {
		c.t.Fatalf("STARTTLS: %q", r)
	}
	tc := tls.Client(c.Conn, &tls.Config{ServerName: "mta.shop.example", RootCAs: pool})
	if err := tc.Handshake(); err != nil {
		c.t.Fatal(err)
	}
	c.Conn, c.r = tc, bufio.NewReader(tc)
}

func authPlain(user, pass string) string {
	return "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00"+user+"\x00"+pass))
}

// closedByServer reports whether the server closes the connection (all
// it still sends is read) within 15 seconds: an end of input, or a reset
// when it closed with a command of the client's unread.
func (c *rawConn) closedByServer() bool {
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	_, err := io.Copy(io.Discard, c.r)
	return err == nil || errors.Is(err, syscall.ECONNRESET)
}

func smtpCode(err error) (int, smtp.EnhancedCode) {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code, se.EnhancedCode
	}
	return 0, smtp.EnhancedCode{}
}

// TestFromOfTheSentMessage (issue 21 items 1 and 2): the From check holds
// for the message as it is signed and sent, whichever way it was built;
// exactly one From field; never a signature of a domain the user may not
// use.
func TestFromOfTheSentMessage(t *testing.T) {
	w, cfg := tenants(t)
	cfg.SMTP.Users = append(cfg.SMTP.Users, User{Username: "news", Password: "pw-news", From: []string{"@news.bob.example"}})
	m := startMTA(t, cfg)
	alice := basic("alice", "pw-alice")
	to := "a@customers.example"
	raw := func(header string) string {
		return sendJSON(map[string]any{"from": "a@alice.example", "to": []string{to}, "raw": header + "\r\nHello.\r\n"})
	}
	headers := func(h map[string]string) string {
		return sendJSON(map[string]any{"from": "a@alice.example", "to": []string{to}, "subject": "s", "text": "t", "headers": h})
	}
	tests := []struct {
		name, body string
		want       int
	}{
		{"headers From of another customer", headers(map[string]string{"From": "CEO <ceo@bob.example>"}), 403},
		{"headers from in lower case", headers(map[string]string{"from": "ceo@bob.example"}), 403},
		{"headers From twice", headers(map[string]string{"From": "a@alice.example", "FROM": "b@alice.example"}), 400},
		{"headers Sender of another customer", headers(map[string]string{"Sender": "ceo@bob.example"}), 403},
		{"headers own From", headers(map[string]string{"From": "Alice <a@alice.example>"}), 202},
		{"raw From of another customer", raw("From: ceo@bob.example\r\n"), 403},
		{"raw FROM in capitals", raw("FROM: ceo@bob.example\r\n"), 403},
		{"raw two From fields", raw("From: a@alice.example\r\nFrom: ceo@bob.example\r\n"), 400},
		{"raw two From fields, bare LF", raw("From: a@alice.example\nFrom: ceo@bob.example\n"), 400},
		{"raw second From behind a bare CR", raw("Subject: x\rFrom: ceo@bob.example\r\nFrom: a@alice.example\r\n"), 400},
		{"raw From with a space before the colon", raw("From: a@alice.example\r\nFrom : ceo@bob.example\r\n"), 400},
		{"raw folded From", raw("From: a@alice.example,\r\n ceo@bob.example\r\n"), 403},
		{"raw header starting folded", raw(" From: ceo@bob.example\r\nFrom: a@alice.example\r\n"), 400},
		{"raw without From", raw("Subject: none\r\n"), 400},
		{"raw From in the body (empty header)", sendJSON(map[string]any{"from": "a@alice.example", "to": []string{to}, "raw": "\r\nFrom: a@alice.example\r\n\r\nHello.\r\n"}), 400},
		{"raw From without address", raw("From: undisclosed:;\r\n"), 403},
		{"raw NUL in the header", raw("From: a@alice.example\r\nX-A: \x00\r\n"), 400},
		{"raw line without colon", raw("From: a@alice.example\r\nnot a field\r\n"), 400},
		{"raw two Sender fields", raw("From: a@alice.example\r\nSender: a@alice.example\r\nSender: b@alice.example\r\n"), 400},
		{"raw domain in capitals", raw("From: a@ALICE.example\r\n"), 202},
		{"raw bare LF, own From", raw("From: Alice <a@alice.example>\nSubject: lf\n"), 202},
	}
	accepted := 0
	for _, tc := range tests {
		code, ans := post(t, m, "/api/send", alice, tc.body)
		if code != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, code, ans, tc.want)
		}
		if code == 202 {
			accepted++
		}
	}

	// Over SMTP: 550 5.6.0 for the header, 550 5.7.1 for the policy;
	// from a trusted network too, one From field is required.
	msg := func(header string) string { return header + "Subject: s\r\n\r\nHello.\r\n" }
	for _, tc := range []struct {
		name, ip string
		auth     sasl.Client
		msg      string
		code     int
		enh      smtp.EnhancedCode
	}{
		{"two From fields", "127.0.0.1", sasl.NewPlainClient("", "alice", "pw-alice"), msg("From: a@alice.example\r\nFrom: ceo@bob.example\r\n"), 550, smtp.EnhancedCode{5, 6, 0}},
		{"two From fields, bare LF", "127.0.0.1", sasl.NewPlainClient("", "alice", "pw-alice"), strings.ReplaceAll(msg("From: a@alice.example\r\nFrom: ceo@bob.example\r\n"), "\r\n", "\n"), 550, smtp.EnhancedCode{5, 6, 0}},
		{"From of another customer", "127.0.0.1", sasl.NewPlainClient("", "bob", "pw-bob"), msg("From: a@alice.example\r\n"), 550, smtp.EnhancedCode{5, 7, 1}},
		{"two From fields from a trusted network", "127.0.0.2", nil, msg("From: a@alice.example\r\nfrom: ceo@bob.example\r\n"), 550, smtp.EnhancedCode{5, 6, 0}},
		{"no From from a trusted network", "127.0.0.2", nil, msg(""), 550, smtp.EnhancedCode{5, 6, 0}},
	} {
		from := "a@alice.example"
		if tc.auth != nil && strings.Contains(tc.name, "another") {
			from = "b@bob.example"
		}
		err := submitSMTP(m.SMTPAddr(), tc.ip, tc.auth, from, to, tc.msg)
		if code, enh := smtpCode(err); code != tc.code || enh != tc.enh {
			t.Errorf("SMTP, %s: %v, want %d %v", tc.name, err, tc.code, tc.enh)
		}
	}

	// news may use news.bob.example, which has no key of its own; the
	// signer would walk up to bob.example's, which news may not use.
	code, ans := post(t, m, "/api/send", basic("news", "pw-news"), sendJSON(map[string]any{
		"from": "n@news.bob.example", "to": []string{"news@customers.example"}, "subject": "s", "text": "t"}))
	if code != 202 {
		t.Fatalf("news: %d %v", code, ans)
	}
	accepted++

	waitFor(t, "deliveries", func() bool { return len(w.rec.messages()) == accepted })
	for _, r := range w.rec.messages() {
		h, err := mail.ReadMessage(bytes.NewReader(r.data))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(h.Header["From"]); n != 1 {
			t.Errorf("message to %v has %d From fields", r.to, n)
		}
		res := verifyDKIM(t, w, r.data)
		if r.to[0] == "news@customers.example" {
			if len(res) != 0 {
				t.Errorf("news's message is signed: %+v", res)
			}
			continue
		}
		if len(res) != 1 || res[0].Domain != "alice.example" || res[0].Status != dkim.Pass {
			t.Errorf("alice's message signed %+v, want one pass by alice.example:\n%s", res, r.data)
		}
		if bytes.Contains(bytes.ToLower(r.data), []byte("bob.example")) {
			t.Errorf("alice's message names bob.example:\n%s", r.data)
		}
	}
}

// TestKeysOnlyForOwnDomains checks the signer's key store: a user gets
// the keys of the domains it may use, the operator all.
func TestKeysOnlyForOwnDomains(t *testing.T) {
	w, cfg := tenants(t)
	m := startMTA(t, cfg)
	ks := &keyStore{}
	for _, k := range w.keys {
		pem, _ := os.ReadFile(k.KeyFile)
		key, err := dkim.ParsePrivateKey(pem)
		if err != nil {
			t.Fatal(err)
		}
		ks.mem.Set(k.Domain, dkim.Key{Domain: k.Domain, Selector: k.Selector, Signer: key})
	}
	alice := m.users["alice"]
	for _, tc := range []struct {
		who    string
		ctx    context.Context
		domain string
		keys   int
	}{
		{"alice", context.WithValue(context.Background(), signingFor{}, alice), "alice.example", 1},
		{"alice", context.WithValue(context.Background(), signingFor{}, alice), "bob.example", 0},
		{"the operator", context.WithValue(context.Background(), signingFor{}, (*account)(nil)), "bob.example", 1},
		{"nobody said", context.Background(), "bob.example", 0},
	} {
		keys, err := ks.Keys(tc.ctx, tc.domain)
		if err != nil || len(keys) != tc.keys {
			t.Errorf("%s, keys of %s: %d %v, want %d", tc.who, tc.domain, len(keys), err, tc.keys)
		}
	}
}

// TestMayUse checks the sender patterns, in ASCII case only.
func TestMayUse(t *testing.T) {
	a := &account{name: "u", from: []string{"@shop.example", "billing@partner.example"}}
	for addr, want := range map[string]bool{
		"news@shop.example":             true,
		"NEWS@SHOP.EXAMPLE":             true,
		`"x@evil.example"@shop.example`: true,
		"news@ſhop.example":             false, // long s folds to s in Unicode
		"news@shop.example.":            false,
		"news@sub.shop.example":         false,
		"billing@partner.example":       true,
		"other@partner.example":         false,
		"":                              false,
	} {
		if got := a.mayUse(addr); got != want {
			t.Errorf("mayUse(%q) = %v, want %v", addr, got, want)
		}
	}
	if !a.mayUseDomain("partner.example") || !a.mayUseDomain("SHOP.example") || a.mayUseDomain("example") {
		t.Error("mayUseDomain")
	}
	if !(*account)(nil).mayUse("anyone@anywhere.example") {
		t.Error("the operator is limited")
	}
}

// TestIdempotencyPerLogin (issue 21 item 3): the tenant, and the scope of
// idempotency keys, is the login's. A key holds while its message is in
// the queue, so the MX here is down and the messages stay.
func TestIdempotencyPerLogin(t *testing.T) {
	_, cfg := tenants(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Delivery.MXPort = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg.Queue.RetryInitial, cfg.Queue.RetryMax = Duration(time.Hour), Duration(time.Hour)
	m := startMTA(t, cfg)
	send := func(auth func(*http.Request), from, to, tenant string) (int, string) {
		f := map[string]any{"from": from, "to": []string{to}, "subject": "order", "text": "t", "idempotency_key": "order-1001"}
		if tenant != "" {
			f["tenant"] = tenant
		}
		code, ans := post(t, m, "/api/send", auth, sendJSON(f))
		return code, ans["id"]
	}
	if code, _ := send(basic("alice", "pw-alice"), "a@alice.example", "x@customers.example", "bob"); code != 403 {
		t.Errorf("alice naming tenant bob: %d, want 403", code)
	}
	code, aliceID := send(basic("alice", "pw-alice"), "a@alice.example", "alice-customer@customers.example", "")
	if code != 202 {
		t.Fatalf("alice: %d", code)
	}
	code, bobID := send(basic("bob", "pw-bob"), "b@bob.example", "bob-customer@customers.example", "")
	if code != 202 || bobID == aliceID {
		t.Errorf("bob with alice's key: %d, id %s (alice's %s)", code, bobID, aliceID)
	}
	if code, id := send(bearer("tok-alice"), "a@alice.example", "alice-customer@customers.example", "alice"); code != 202 || id != aliceID {
		t.Errorf("alice's token, same key: %d %s, want 202 and alice's %s", code, id, aliceID)
	}
	code, opID := send(bearer("tok"), "ops@shop.example", "ops-customer@customers.example", "")
	if code != 202 || opID == aliceID || opID == bobID {
		t.Errorf("the operator with the same key: %d %s", code, opID)
	}
	if code, _ := send(bearer("tok"), "ops@shop.example", "x@customers.example", "alice"); code != 403 {
		t.Errorf("the operator naming tenant alice: %d, want 403", code)
	}
	msgs, err := m.store.List(context.Background(), queue.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{} // recipient: tenant
	for _, msg := range msgs {
		got[msg.Recipients[0].Addr] = msg.Tenant
	}
	want := map[string]string{"alice-customer@customers.example": "alice", "bob-customer@customers.example": "bob", "ops-customer@customers.example": ""}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("queued (recipient: tenant) %v, want %v", got, want)
	}
}

// fdCount is the number of open file descriptors, or -1 where /proc is
// missing.
func fdCount() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// TestConnectionFlood (issue 21 item 4): thousands of idle connections
// from a few addresses hold no more than their share, and the API and a
// new session from elsewhere work meanwhile. Both ends of every
// connection live in this process: the Go runtime has raised the soft
// RLIMIT_NOFILE to the hard one, and the flood is sized to half of what
// is left of it (3,000 on a machine with the usual 20,000 or more).
func TestConnectionFlood(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.MaxSessions, cfg.SMTP.MaxSessionsPerIP = 400, 50
	cfg.HTTP.MaxConnsPerIP = 100
	m := startMTA(t, cfg)

	n := 3000
	if lim := fdLimit(); lim > 0 && uint64(n)*2+1000 > lim {
		n = int(lim/2) - 500
	}
	if n < 500 {
		t.Skipf("file descriptor limit %d is too low for a flood", fdLimit())
	}
	before := fdCount()
	attackers := []string{"127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14", "127.0.0.15"}
	var (
		mu                 sync.Mutex
		held               []net.Conn
		accepted, refused  int
		otherGreeting      string
		wg                 sync.WaitGroup
		next               = make(chan int)
		httpHeld, httpShut int
	)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ip := attackers[i%len(attackers)]
				c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).Dial("tcp", m.SMTPAddr())
				if err != nil {
					t.Error(err)
					continue
				}
				c.SetReadDeadline(time.Now().Add(15 * time.Second))
				line, _ := bufio.NewReader(c).ReadString('\n')
				mu.Lock()
				held = append(held, c)
				switch {
				case strings.HasPrefix(line, "220 "):
					accepted++
				case strings.HasPrefix(line, "421 4.7.0 "):
					refused++
				default:
					otherGreeting = line
				}
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	// Idle HTTP connections from one address: its share is kept, the
	// rest closed at once.
	for range 300 {
		c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.16")}}).Dial("tcp", m.HTTPAddr())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	deadline := time.Now().Add(time.Second)
	for _, c := range held[len(held)-300:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(deadline)
			_, err := c.Read(make([]byte, 1))
			mu.Lock()
			defer mu.Unlock()
			if err == io.EOF {
				httpShut++
			} else {
				httpHeld++
			}
		}()
	}
	wg.Wait()

	want := len(attackers) * cfg.SMTP.MaxSessionsPerIP
	if accepted != want || refused != n-want || otherGreeting != "" {
		t.Errorf("%d connections: %d accepted, %d refused with 421 4.7.0 (other: %q); want %d accepted", n, accepted, refused, otherGreeting, want)
	}
	if got := m.smtpLimits.count(); got != want {
		t.Errorf("%d sessions open, want %d", got, want)
	}
	if httpHeld != cfg.HTTP.MaxConnsPerIP || httpShut != 300-cfg.HTTP.MaxConnsPerIP {
		t.Errorf("300 idle HTTP connections from one address: %d open, %d closed; want %d open", httpHeld, httpShut, cfg.HTTP.MaxConnsPerIP)
	}
	// The server holds its share only: the client ends of all the
	// connections, plus one server end per session kept.
	if before >= 0 {
		if got, limit := fdCount()-before, len(held)+want+cfg.HTTP.MaxConnsPerIP+64; got > limit {
			t.Errorf("%d more descriptors open, want at most %d", got, limit)
		}
	}

	// Meanwhile a customer sends over SMTP and the API.
	from := "news@shop.example"
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.1", sasl.NewPlainClient("", "app", "s3cret"), from, "flood@customers.example", message(from, "flood@customers.example", "flood")); err != nil {
		t.Errorf("a new session during the flood: %v", err)
	}
	if code, ans := post(t, m, "/api/send", bearer("tok"), `{"from":"news@shop.example","to":["api@customers.example"],"subject":"s","text":"t"}`); code != 202 {
		t.Errorf("the API during the flood: %d %v", code, ans)
	}
	waitFor(t, "delivery during the flood", func() bool { return getStats(t, m).Delivered == 2 })
	if got := fetch(t, "http://"+m.HTTPAddr()+"/metrics"); !strings.Contains(got, fmt.Sprintf(`mta_limited_total{limit="smtp_sessions"} %d`, n-want)) {
		t.Errorf("/metrics does not count %d refused sessions", n-want)
	}
}

// TestSessionLimits checks the total cap and the per-client cap, which
// trusted networks are not held to.
func TestSessionLimits(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.MaxSessions, cfg.SMTP.MaxSessionsPerIP = 6, 2
	m := startMTA(t, cfg)
	greet := func(ip string) (*rawConn, string) { return dialFrom(t, m.SMTPAddr(), ip) }
	for i := range 3 {
		_, g := greet("127.0.0.20")
		if want := "220 "; i == 2 {
			if !strings.HasPrefix(g, "421 4.7.0 ") {
				t.Errorf("3rd session from one client: %q, want 421 4.7.0", g)
			}
		} else if !strings.HasPrefix(g, want) {
			t.Errorf("session %d: %q", i+1, g)
		}
	}
	var trusted []*rawConn
	for i := range 5 {
		c, g := greet("127.0.0.2")
		if i < 4 && !strings.HasPrefix(g, "220 ") || i == 4 && !strings.HasPrefix(g, "421 4.7.0 ") {
			t.Errorf("trusted session %d (2 open from elsewhere, 6 in all): %q", i+1, g)
		}
		trusted = append(trusted, c)
	}
	// One closes: its place is free again.
	trusted[0].cmd("QUIT")
	waitFor(t, "the place freed", func() bool { return m.smtpLimits.count() == 5 })
	if _, g := greet("127.0.0.21"); !strings.HasPrefix(g, "220 ") {
		t.Errorf("after a QUIT: %q", g)
	}
}

// TestSessionTimeouts (issue 21 item 4): a silent client, one sending
// NOOP all the time, and one holding a transaction open are all closed.
func TestSessionTimeouts(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name                   string
		command, idle, session time.Duration
		mail                   bool
	}{
		{"silent", 200 * time.Millisecond, time.Minute, time.Minute, false},
		{"NOOP outside a transaction", time.Minute, 300 * time.Millisecond, time.Minute, false},
		{"NOOP in a transaction", time.Minute, 300 * time.Millisecond, 600 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := w.config(t.TempDir())
			cfg.SMTP.CommandTimeout, cfg.SMTP.IdleTimeout, cfg.SMTP.SessionTimeout = Duration(tc.command), Duration(tc.idle), Duration(tc.session)
			m := startMTA(t, cfg)
			c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.2")
			if tc.mail {
				c.cmd("EHLO client.localhost")
				if r := c.cmd("MAIL FROM:<news@shop.example>"); !strings.HasPrefix(r, "250") {
					t.Fatal(r)
				}
			}
			var last string
			for i := 0; tc.name != "silent"; i++ {
				if last = c.cmd("NOOP"); !strings.HasPrefix(last, "250") {
					break
				}
				if i > 1000 {
					t.Fatal("the session is still open after 1000 NOOPs")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if tc.name == "silent" {
				last = c.reply()
			}
			if !strings.HasPrefix(last, "421 4.4.2") || !c.closedByServer() {
				t.Errorf("last reply %q, want 421 4.4.2 and the end of the connection", last)
			}
		})
	}
}

// TestSessionDeadlines checks how smtpConn moves the deadlines go-smtp
// sets: to the session's end, and, outside a transaction, to the end of
// its idle time, which an accepted message restarts.
func TestSessionDeadlines(t *testing.T) {
	start := time.Now()
	c := &smtpConn{end: start.Add(time.Hour), idle: 5 * time.Minute, idleEnd: start.Add(5 * time.Minute)}
	in := func(d time.Duration) time.Time { return start.Add(d) }
	if got := c.readDeadline(in(10 * time.Minute)); !got.Equal(in(5 * time.Minute)) {
		t.Errorf("outside a transaction: %v, want the idle end", got.Sub(start))
	}
	if got := c.readDeadline(in(time.Minute)); !got.Equal(in(time.Minute)) {
		t.Errorf("an earlier deadline moved: %v", got.Sub(start))
	}
	if got := c.readDeadline(time.Time{}); !got.Equal(in(5 * time.Minute)) {
		t.Errorf("no deadline: %v, want the idle end", got.Sub(start))
	}
	c.transaction(true)
	if got := c.readDeadline(in(10 * time.Minute)); !got.Equal(in(10 * time.Minute)) {
		t.Errorf("in a transaction: %v, want go-smtp's", got.Sub(start))
	}
	if got := c.readDeadline(in(2 * time.Hour)); !got.Equal(in(time.Hour)) {
		t.Errorf("past the session's end: %v", got.Sub(start))
	}
	c.delivered()
	c.transaction(false)
	if got := c.readDeadline(in(2 * time.Hour)); got.Before(in(5 * time.Minute)) {
		t.Errorf("after a message the idle time did not restart: %v", got.Sub(start))
	}
}

// TestHTTPServerLimits checks the HTTP server's timeouts and connection
// cap.
func TestHTTPServerLimits(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.HTTP.MaxConns, cfg.HTTP.MaxConnsPerIP = 3, -1
	m := startMTA(t, cfg)
	s := m.httpd
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout < s.ReadTimeout || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 {
		t.Errorf("HTTP server without timeouts: header %v, read %v, write %v, idle %v, max header %d",
			s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, s.MaxHeaderBytes)
	}
	var held []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", m.HTTPAddr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	waitFor(t, "3 connections", func() bool { return m.httpLimits.count() == 3 })
	c, err := net.Dial("tcp", m.HTTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("a 4th connection over max_conns 3: %v, want it closed", err)
	}
	held[0].Close()
	waitFor(t, "a place free", func() bool { return m.httpLimits.count() == 2 })
	if s := getStats(t, m); s.Received != 0 {
		t.Errorf("stats %+v", s)
	}
}

// TestLoginFailures (issue 21 item 5): failures are counted per client
// and per user; blocked logins get 454 4.7.0 or 429; a session is closed
// after a few.
func TestLoginFailures(t *testing.T) {
	_, cfg := tenants(t)
	cfg.SMTP.MaxLoginFailures, cfg.SMTP.SessionLoginFailures, cfg.SMTP.LoginBlock = 3, 2, Duration(time.Hour)
	m := startMTA(t, cfg)

	// Two failures in one session: the second answer is 421, and the
	// server hangs up.
	c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.40")
	c.cmd("EHLO client.localhost")
	if r := c.cmd(authPlain("nobody", "guess1")); !strings.HasPrefix(r, "535 5.7.8") {
		t.Errorf("1st failure: %q, want 535 5.7.8", r)
	}
	if r := c.cmd(authPlain("nobody2", "guess2")); !strings.HasPrefix(r, "421 4.7.0") || !c.closedByServer() {
		t.Errorf("2nd failure in the session: %q, want 421 4.7.0 and the end", r)
	}
	// The third from that client blocks it: even the right password
	// gets 454, over SMTP, and 429 over HTTP.
	c, _ = dialFrom(t, m.SMTPAddr(), "127.0.0.40")
	c.cmd("EHLO client.localhost")
	c.cmd(authPlain("nobody3", "guess3"))
	c, _ = dialFrom(t, m.SMTPAddr(), "127.0.0.40")
	c.cmd("EHLO client.localhost")
	if r := c.cmd(authPlain("alice", "pw-alice")); !strings.HasPrefix(r, "454 4.7.0") {
		t.Errorf("blocked client, right password: %q, want 454 4.7.0", r)
	}
	code, resp := httpFrom(t, m, "127.0.0.40", basic("alice", "pw-alice"))
	if code != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("blocked client over HTTP: %d, Retry-After %q; want 429 with Retry-After", code, resp.Header.Get("Retry-After"))
	}
	// Another client logs in.
	c, _ = dialFrom(t, m.SMTPAddr(), "127.0.0.41")
	c.cmd("EHLO client.localhost")
	if r := c.cmd(authPlain("alice", "pw-alice")); !strings.HasPrefix(r, "235") {
		t.Errorf("alice from another client: %q", r)
	}

	// Three failures for bob from three clients block bob, from
	// anywhere, whether over SMTP or HTTP.
	for i, ip := range []string{"127.0.0.50", "127.0.0.51", "127.0.0.52"} {
		if code, _ := httpFrom(t, m, ip, basic("bob", fmt.Sprint("guess", i))); code != 401 {
			t.Errorf("bob's failure %d: %d", i+1, code)
		}
	}
	c, _ = dialFrom(t, m.SMTPAddr(), "127.0.0.53")
	c.cmd("EHLO client.localhost")
	if r := c.cmd(authPlain("bob", "pw-bob")); !strings.HasPrefix(r, "454 4.7.0") {
		t.Errorf("blocked user, right password: %q, want 454 4.7.0", r)
	}
	if code, _ := httpFrom(t, m, "127.0.0.53", basic("bob", "pw-bob")); code != 429 {
		t.Errorf("blocked user over HTTP: %d, want 429", code)
	}
	if code, _ := httpFrom(t, m, "127.0.0.53", basic("alice", "pw-alice")); code != 202 {
		t.Errorf("alice from bob's client: %d", code)
	}
	// Wrong tokens count against the client.
	for range 3 {
		httpFrom(t, m, "127.0.0.60", bearer("guess"))
	}
	if code, _ := httpFrom(t, m, "127.0.0.60", bearer("tok-alice")); code != 429 {
		t.Errorf("after 3 wrong tokens: %d, want 429", code)
	}
	metrics := fetch(t, "http://"+m.HTTPAddr()+"/metrics")
	for _, want := range []string{`mta_limited_total{limit="login_hangup"} 1`, `mta_smtp_auth_failures_total 3`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// httpFrom posts a small message to /api/send from localIP.
func httpFrom(t *testing.T, m *MTA, localIP string, auth func(*http.Request)) (int, *http.Response) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(localIP)}}).DialContext}}
	defer client.CloseIdleConnections()
	req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send", strings.NewReader(`{"from":"a@alice.example","to":["x@customers.example"],"subject":"s","text":"t"}`))
	auth(req)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp
}

// TestLoginBlocks checks the blocks' lengths on a clock of the test's:
// each block doubles up to an hour, a block ends, a quiet hour forgets,
// and a good login clears a user's count but not a client's.
func TestLoginBlocks(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLoginLimits(3, 5*time.Minute)
	l.now = func() time.Time { return now }
	fail := func(n int, keys ...string) {
		for range n {
			l.failed(keys...)
		}
	}
	fail(2, "c")
	if !l.blocked("c").IsZero() {
		t.Fatal("blocked after 2 failures of 3")
	}
	for i, want := range []time.Duration{5, 10, 20, 40, 60, 60} {
		fail(1, "c")
		if got := l.blocked("c").Sub(now); got != want*time.Minute {
			t.Errorf("block %d: %v, want %v", i+1, got, want*time.Minute)
		}
		now = now.Add(want * time.Minute) // the block ends
		if !l.blocked("c").IsZero() {
			t.Errorf("block %d does not end", i+1)
		}
		fail(2, "c")
	}
	now = now.Add(maxBlock + time.Second)
	fail(2, "c")
	if !l.blocked("c").IsZero() {
		t.Error("the failures before a quiet hour still count")
	}
	fail(1, "c")
	if got := l.blocked("c").Sub(now); got != 5*time.Minute {
		t.Errorf("after a quiet hour the block is %v, want 5m again", got)
	}

	fail(2, "client x", "user u")
	l.succeeded("user u")
	l.succeeded("client x") // not called by the MTA; a client's count stays
	fail(1, "user u")
	if !l.blocked("user u").IsZero() {
		t.Error("a good login did not clear the user's count")
	}
	if blocked := l.blocked("user nobody", "client y"); !blocked.IsZero() {
		t.Error("keys never seen are blocked")
	}
	if clientKey(netip.MustParseAddr("2001:db8::1")) != clientKey(netip.MustParseAddr("2001:db8::ffff:1")) || clientKey(netip.MustParseAddr("2001:db8:0:1::1")) == clientKey(netip.MustParseAddr("2001:db8::1")) {
		t.Error("IPv6 clients are not counted by /64")
	}
	if clientKey(netip.MustParseAddr("::ffff:192.0.2.1")) != clientKey(netip.MustParseAddr("192.0.2.1")) {
		t.Error("an IPv4-mapped address is not its IPv4 address")
	}
}

// TestLoginWork (issue 21 item 5): a failed login costs one bcrypt
// comparison at one cost, whether the user exists and however its
// password is kept; a good one is remembered; comparisons run at most
// one fewer than the cores at once, and sending goes on meanwhile.
func TestLoginWork(t *testing.T) {
	_, cfg := tenants(t)
	// A cost above the minimum, so that comparisons overlap unless they
	// are held back.
	h, _ := bcrypt.GenerateFromPassword([]byte("pw-carol"), 5)
	cfg.SMTP.Users = append(cfg.SMTP.Users, User{Username: "carol", PasswordHash: string(h), From: []string{"@shop.example"}})
	m := startMTA(t, cfg)
	p := m.passwords
	if c, _ := bcrypt.Cost(p.dummy); c != 5 {
		t.Errorf("dummy hash cost %d, want 5 (the highest of the users')", c)
	}
	for _, tc := range []struct {
		name, user, pass string
		ok               bool
	}{
		{"unknown user", "mallory", "x", false},
		{"clear password, wrong", "bob", "x", false},
		{"hash, wrong", "alice", "x", false},
		{"hash of the highest cost, wrong", "carol", "x", false},
		{"clear password, right", "bob", "pw-bob", true},
		{"hash, right", "alice", "pw-alice", true},
		{"clear password, right again (remembered)", "bob", "pw-bob", true},
	} {
		before := p.compares.Load()
		a, err := p.check(context.Background(), tc.user, tc.pass)
		if (err == nil) != tc.ok || tc.ok && a.name != tc.user {
			t.Errorf("%s: %v %v", tc.name, a, err)
		}
		want := int64(1)
		if strings.HasSuffix(tc.name, "(remembered)") {
			want = 0
		}
		if got := p.compares.Load() - before; got != want {
			t.Errorf("%s: %d bcrypt comparisons, want %d", tc.name, got, want)
		}
	}
	// Over SMTP too.
	before := p.compares.Load()
	c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.70")
	c.cmd("EHLO client.localhost")
	c.cmd(authPlain("mallory", "x"))
	if got := p.compares.Load() - before; got != 1 {
		t.Errorf("SMTP AUTH of an unknown user: %d comparisons, want 1", got)
	}

	// A flood of logins, each from a client and for a user of its own
	// (so that none is blocked), while a trusted client sends.
	slots := cap(p.slots)
	if slots >= runtime.GOMAXPROCS(0) && runtime.GOMAXPROCS(0) > 1 {
		t.Errorf("%d bcrypt slots for %d cores", slots, runtime.GOMAXPROCS(0))
	}
	p.peak.Store(0)
	before = p.compares.Load()
	const n = 12
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			httpFrom(t, m, fmt.Sprintf("127.0.1.%d", i+1), basic(fmt.Sprintf("user%d", i), "guess"))
		}()
	}
	from := "news@shop.example"
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, from, "during@customers.example", message(from, "during@customers.example", "during")); err != nil {
		t.Errorf("sending during a login flood: %v", err)
	}
	wg.Wait()
	if got := p.compares.Load() - before; got != n {
		t.Errorf("%d comparisons for %d logins", got, n)
	}
	if peak := p.peak.Load(); peak > int64(slots) || peak < 1 {
		t.Errorf("%d comparisons at once, want at most %d", peak, slots)
	}
}

// TestCredentialsOverPlainHTTP (issue 21 item 6): HTTPS with
// http.tls_cert; credentials over plain HTTP only from loopback or when
// allowed.
func TestCredentialsOverPlainHTTP(t *testing.T) {
	w, cfg := tenants(t)
	certFile, keyFile, pool := w.certificate(t)
	m := startMTA(t, cfg)
	body := `{"from":"a@alice.example","to":["x@customers.example"],"subject":"s","text":"t"}`
	// Requests as they arrive from another host, over plain HTTP.
	remote := func(m *MTA, auth func(*http.Request)) int {
		req := httptest.NewRequest("POST", "/api/send", strings.NewReader(body))
		req.RemoteAddr = "192.0.2.7:40000"
		if auth != nil {
			auth(req)
		}
		rec := httptest.NewRecorder()
		m.handler().ServeHTTP(rec, req)
		return rec.Code
	}
	for _, tc := range []struct {
		name string
		auth func(*http.Request)
		want int
	}{
		{"Basic", basic("alice", "pw-alice"), 403},
		{"Basic, wrong", basic("alice", "x"), 403},
		{"Bearer", bearer("tok-alice"), 403},
		{"none", nil, 401},
	} {
		if got := remote(m, tc.auth); got != tc.want {
			t.Errorf("plain HTTP from another host, %s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if before := m.passwords.compares.Load(); remote(m, basic("alice", "x")) != 403 || m.passwords.compares.Load() != before {
		t.Error("a password over plain HTTP was checked")
	}
	cfg2 := *cfg
	cfg2.HTTP.AllowInsecureAuth = true
	cfg2.Queue.Dir = t.TempDir()
	m2 := startMTA(t, &cfg2)
	if got := remote(m2, basic("alice", "pw-alice")); got != 202 {
		t.Errorf("with allow_insecure_auth: %d, want 202", got)
	}

	// HTTPS.
	cfg3 := *cfg
	cfg3.HTTP.TLSCert, cfg3.HTTP.TLSKey = certFile, keyFile
	cfg3.Queue.Dir = t.TempDir()
	m3 := startMTA(t, &cfg3)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{ServerName: "mta.shop.example", RootCAs: pool}, ForceAttemptHTTP2: true}}
	req, _ := http.NewRequest("POST", "https://"+m3.HTTPAddr()+"/api/send", strings.NewReader(body))
	req.SetBasicAuth("alice", "pw-alice")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 || resp.TLS == nil {
		t.Errorf("HTTPS: %s, TLS %v", resp.Status, resp.TLS != nil)
	}
	if resp, err := http.Get("http://" + m3.HTTPAddr() + "/metrics"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("the HTTPS listener answers plain HTTP")
		}
	}
	bad := cfg3
	bad.HTTP.TLSKey = filepath.Join(w.dir, "missing.pem")
	bad.Queue.Dir = t.TempDir()
	mb, err := New(context.Background(), &bad, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := mb.Start(); err == nil || !strings.Contains(err.Error(), "http tls") {
		t.Errorf("started without its TLS key: %v", err)
	}
	mb.Shutdown(context.Background())
}

// TestRepliesOverTLS (issue 21 item 7): after STARTTLS, the 221 to QUIT
// arrives, and a client that writes the final dot and QUIT at once gets
// the 250, then the 221; 20 times each.
func TestRepliesOverTLS(t *testing.T) {
	w := newWorld(t)
	certFile, keyFile, pool := w.certificate(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.TLSCert, cfg.SMTP.TLSKey, cfg.SMTP.AllowInsecureAuth = certFile, keyFile, false
	m := startMTA(t, cfg)
	const n = 20
	for i := range n {
		c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.1")
		c.cmd("EHLO client.localhost")
		c.startTLS(pool)
		c.cmd("EHLO client.localhost")
		if r := c.cmd("QUIT"); !strings.HasPrefix(r, "221") {
			t.Fatalf("QUIT after STARTTLS, %d: %q, want 221", i+1, r)
		}
	}
	for i := range n {
		c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.1")
		c.cmd("EHLO client.localhost")
		c.startTLS(pool)
		c.cmd("EHLO client.localhost")
		for _, cmd := range []string{authPlain("app", "s3cret"), "MAIL FROM:<news@shop.example>", "RCPT TO:<tls@customers.example>", "DATA"} {
			if r := c.cmd(cmd); r == "" || r[0] != '2' && r[0] != '3' {
				t.Fatalf("%s: %q", cmd, r)
			}
		}
		io.WriteString(c.Conn, message("news@shop.example", "tls@customers.example", fmt.Sprint("tls", i))+".\r\nQUIT\r\n")
		if r1, r2 := c.reply(), c.reply(); !strings.HasPrefix(r1, "250") || !strings.HasPrefix(r2, "221") {
			t.Fatalf("final dot and QUIT in one write, %d: %q then %q, want 250 then 221", i+1, r1, r2)
		}
	}
	waitFor(t, "deliveries", func() bool { return m.Stats().Delivered == n })
	if got := len(w.rec.messages()); got != n {
		t.Errorf("%d delivered, want %d (no duplicates)", got, n)
	}
}

// TestAPIRequestChecks (issue 21 item 8, and what held): header names and
// values, trailing data, CR/LF in every field, bodies too large or
// malformed, endpoints that are the operator's. Nothing refused is
// queued.
func TestAPIRequestChecks(t *testing.T) {
	_, cfg := tenants(t)
	cfg.SMTP.MaxMessageBytes = 200 << 10
	m := startMTA(t, cfg)
	op, alice := bearer("tok"), basic("alice", "pw-alice")
	base := func() map[string]any {
		return map[string]any{"from": "a@alice.example", "to": []string{"x@customers.example"}, "subject": "s", "text": "t", "campaign": "c", "idempotency_key": "k"}
	}
	with := func(k string, v any) string {
		f := base()
		f[k] = v
		return sendJSON(f)
	}
	tests := []struct {
		name string
		auth func(*http.Request)
		body string
		want int
	}{
		// Header names (RFC 5322 §2.2) and values.
		{"header name with NUL", alice, with("headers", map[string]string{"X-A\x00": "v"}), 400},
		{"header name with TAB", alice, with("headers", map[string]string{"X\tA": "v"}), 400},
		{"header name with a colon", alice, with("headers", map[string]string{"X:A": "v"}), 400},
		{"header name with a space", alice, with("headers", map[string]string{"X A": "v"}), 400},
		{"header name with DEL", alice, with("headers", map[string]string{"X\x7f": "v"}), 400},
		{"header name not ASCII", alice, with("headers", map[string]string{"Ünï": "v"}), 400},
		{"empty header name", alice, with("headers", map[string]string{"": "v"}), 400},
		{"header value with NUL", alice, with("headers", map[string]string{"X-A": "v\x00"}), 400},
		{"header value with a control", alice, with("headers", map[string]string{"X-A": "v\x1b[0m"}), 400},
		{"header value with a TAB", alice, with("headers", map[string]string{"X-A": "a\tb"}), 202},
		// One JSON object.
		{"a second object", alice, with("campaign", "c") + `{"from":"a@alice.example","to":["y@customers.example"]}`, 400},
		{"trailing junk", alice, with("campaign", "c") + ` x`, 400},
		{"trailing newline", alice, with("campaign", "c") + "\r\n", 202},
		{"malformed", alice, `{"from":`, 400},
		{"unknown field", alice, with("bcc", "y@customers.example"), 400},
		{"too large", alice, with("text", strings.Repeat("x", 500<<10)), 413}, // RFC 9110 §15.5.14
		{"message too large", alice, with("text", strings.Repeat("x", 300<<10)), 413},
		// CR/LF in every field.
		{"CRLF in from", op, with("from", "a@alice.example\r\nBcc: v@victim.example"), 400},
		{"CRLF in to", op, with("to", []string{"x@customers.example\r\nBcc: v@victim.example"}), 400},
		{"CRLF in subject", op, with("subject", "s\r\nBcc: v@victim.example"), 400},
		{"LF in subject", op, with("subject", "s\nBcc: v@victim.example"), 400},
		{"CRLF in a header value", op, with("headers", map[string]string{"X-A": "v\r\nBcc: v@victim.example"}), 400},
		{"CRLF in a header name", op, with("headers", map[string]string{"X-A\r\nBcc": "v@victim.example"}), 400},
		{"CRLF in campaign", op, with("campaign", "c\r\nx"), 400},
		{"CRLF in idempotency_key", op, with("idempotency_key", "k\r\nx"), 400},
		{"NUL in idempotency_key", op, with("idempotency_key", "k\x00"), 400},
		{"CRLF in tenant", alice, with("tenant", "alice\r\nx"), 403},
	}
	accepted := 0
	for _, tc := range tests {
		before := m.Stats().Received
		code, ans := post(t, m, "/api/send", tc.auth, tc.body)
		if code != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, code, ans, tc.want)
		}
		if got := m.Stats().Received - before; code != 202 && got != 0 {
			t.Errorf("%s: refused, yet %d queued", tc.name, got)
		}
		if code == 202 {
			accepted++
		}
	}
	// Feedback and stats are the operator's; feedback bodies are capped.
	if code, _ := post(t, m, "/api/feedback", alice, "From: x\r\n\r\nx"); code != 403 {
		t.Errorf("feedback from a user: %d, want 403", code)
	}
	req, _ := http.NewRequest("GET", "http://"+m.HTTPAddr()+"/api/stats", nil)
	alice(req)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("stats for a user: %v %v, want 403", resp.Status, err)
	} else {
		resp.Body.Close()
	}
	if code, _ := post(t, m, "/api/feedback", op, strings.Repeat("x", 11<<20)); code != 400 {
		t.Errorf("11 MiB of feedback: %d, want 400", code)
	}
	if got := m.Stats().Received; got != int64(accepted) {
		t.Errorf("%d queued, want %d", got, accepted)
	}
}

// TestNoSmuggling (what held): a message with a bare CR or LF end-of-data
// lookalike followed by a second transaction is one message, and the
// outbound data has CRLF line ends only.
func TestNoSmuggling(t *testing.T) {
	w := newWorld(t)
	m := startMTA(t, w.config(t.TempDir()))
	variants := []string{"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r.\r\n", "\r\n.\r", "\n.\r"}
	for i, v := range variants {
		c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.2")
		c.cmd("EHLO client.localhost")
		for _, cmd := range []string{"MAIL FROM:<news@shop.example>", fmt.Sprintf("RCPT TO:<s%d@customers.example>", i), "DATA"} {
			if r := c.cmd(cmd); r == "" || r[0] != '2' && r[0] != '3' {
				t.Fatalf("%s: %q", cmd, r)
			}
		}
		io.WriteString(c.Conn, message("news@shop.example", "x@customers.example", fmt.Sprint("smuggle", i))+"text"+v+
			"MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<victim@customers.example>\r\nDATA\r\nFrom: ceo@bank.example\r\n\r\nsmuggled\r\n.\r\n")
		if r := c.reply(); !strings.HasPrefix(r, "250") {
			t.Errorf("variant %q: %q", v, r)
		}
		if r := c.cmd("QUIT"); !strings.HasPrefix(r, "221") {
			t.Errorf("variant %q: after the message: %q, want 221 (no second transaction)", v, r)
		}
	}
	waitFor(t, "deliveries", func() bool { return m.Stats().Delivered == int64(len(variants)) && m.Stats().Queued == 0 })
	msgs := w.rec.messages()
	if len(msgs) != len(variants) {
		t.Fatalf("%d messages, want %d", len(msgs), len(variants))
	}
	for _, r := range msgs {
		if r.from != "news@shop.example" || len(r.to) != 1 || !strings.HasPrefix(r.to[0], "s") {
			t.Errorf("a smuggled transaction: from %s to %v", r.from, r.to)
		}
		d := bytes.ReplaceAll(r.data, []byte("\r\n"), nil)
		if bytes.ContainsAny(d, "\r\n") {
			t.Errorf("bare CR or LF sent to %v", r.to)
		}
	}
}

// TestSizeLimits (what held): SIZE, DATA, BDAT and recipients.
func TestSizeLimits(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.MaxMessageBytes, cfg.SMTP.MaxRecipients = 10_000, 50
	m := startMTA(t, cfg)
	big := message("news@shop.example", "x@customers.example", "big") + strings.Repeat("0123456789abcdef\r\n", 1000)

	c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.2")
	c.cmd("EHLO client.localhost")
	if r := c.cmd("MAIL FROM:<news@shop.example> SIZE=20000"); !strings.HasPrefix(r, "552") {
		t.Errorf("SIZE=20000 over 10000: %q, want 552", r)
	}
	c.cmd("MAIL FROM:<news@shop.example>")
	for i := range 50 {
		if r := c.cmd(fmt.Sprintf("RCPT TO:<r%d@customers.example>", i)); !strings.HasPrefix(r, "250") {
			t.Fatalf("recipient %d: %q", i+1, r)
		}
	}
	if r := c.cmd("RCPT TO:<r50@customers.example>"); !strings.HasPrefix(r, "452") {
		t.Errorf("51st recipient: %q, want 452", r)
	}
	c.cmd("DATA")
	io.WriteString(c.Conn, big+".\r\n")
	if r := c.reply(); !strings.HasPrefix(r, "552") {
		t.Errorf("DATA of %d bytes: %q, want 552", len(big), r)
	}
	c.cmd("MAIL FROM:<news@shop.example>")
	c.cmd("RCPT TO:<x@customers.example>")
	io.WriteString(c.Conn, fmt.Sprintf("BDAT %d LAST\r\n%s", len(big), big))
	if r := c.reply(); !strings.HasPrefix(r, "552") {
		t.Errorf("BDAT of %d bytes: %q, want 552", len(big), r)
	}
	if s := m.Stats(); s.Received != 0 {
		t.Errorf("%d messages queued, want 0", s.Received)
	}
}

// TestKeyDirectoryTraversal (what held): From domains that would climb
// out of dkim.dir sign nothing.
func TestKeyDirectoryTraversal(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	root := t.TempDir()
	cfg.DKIM.Dir = filepath.Join(root, "keys")
	// A key where a traversal would find it.
	key, _ := dkim.GenerateKey("ed25519")
	pem, _ := dkim.MarshalPrivateKey(key)
	for _, d := range []string{filepath.Join(root, "keys"), filepath.Join(root, "outside.example")} {
		os.MkdirAll(d, 0o700)
	}
	os.WriteFile(filepath.Join(root, "outside.example", "s.pem"), pem, 0o600)
	m := startMTA(t, cfg)
	for i, from := range []string{"a@../outside.example", `a@[../outside.example]`, `"a"@..`, "a@outside.example/..", "a@..%2foutside.example"} {
		to := fmt.Sprintf("t%d@customers.example", i)
		err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", to, "From: "+from+"\r\nSubject: s\r\n\r\nx\r\n")
		if err != nil {
			t.Logf("From %s: %v", from, err)
		}
	}
	waitFor(t, "queue empty", func() bool { return m.Stats().Queued == 0 })
	for _, r := range w.rec.messages() {
		if bytes.Contains(r.data, []byte("DKIM-Signature")) {
			t.Errorf("a message to %v is signed:\n%s", r.to, r.data)
		}
	}
}

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mxkit/mxkit/rates"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/suppression"
)

// Attacks on the API and the SMTP intake found by reading them as an
// attacker would; each test failed before its fix.

// TestAPIRecipientLimit: smtp.max_recipients bounds POST /api/send as it
// bounds RCPT: a request naming more recipients is refused whole, before
// any of them is screened.
func TestAPIRecipientLimit(t *testing.T) {
	_, cfg := tenants(t)
	cfg.SMTP.MaxRecipients = 3
	m := startMTA(t, cfg)
	to := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("r%d@customers.example", i))
		}
		return out
	}
	body := func(n int) string {
		return sendJSON(map[string]any{"from": "a@alice.example", "to": to(n), "subject": "s", "text": "t"})
	}
	if code, ans := post(t, m, "/api/send", basic("alice", "pw-alice"), body(4)); code != http.StatusBadRequest || !strings.Contains(ans["error"], "max_recipients") {
		t.Errorf("4 recipients over a limit of 3: %d %v, want 400 naming smtp.max_recipients", code, ans)
	}
	if code, _ := post(t, m, "/api/send", bearer("tok"), body(4)); code != http.StatusBadRequest {
		t.Errorf("4 recipients from the operator: %d, want 400", code)
	}
	if got := m.Stats().Received; got != 0 {
		t.Errorf("%d messages queued after refusals", got)
	}
	if code, ans := post(t, m, "/api/send", basic("alice", "pw-alice"), body(3)); code != http.StatusAccepted {
		t.Errorf("3 recipients: %d %v, want 202", code, ans)
	}
}

// TestUserCannotReplaceComplaint: a complaint the operator recorded for a
// tenant with an expiry cannot be turned by the tenant into a manual
// entry (which lasts longer, so Add would take it) and then removed.
func TestUserCannotReplaceComplaint(t *testing.T) {
	_, cfg := tenants(t)
	cfg.Reputation.Suppression = SuppressionConfig{Path: filepath.Join(t.TempDir(), "suppression.db")}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	expires := time.Now().Add(365 * 24 * time.Hour).UTC().Format(time.RFC3339)
	if code := api(t, m, "POST", "/api/suppressions", "tok",
		`{"address":"c@customers.example","tenant":"alice","reason":"complaint","note":"ARF from the provider","expires":"`+expires+`"}`, nil); code != http.StatusOK {
		t.Fatalf("the operator adding a complaint: %d", code)
	}
	var add struct {
		Entry entryJSON
		Added bool
	}
	if code := api(t, m, "POST", "/api/suppressions", "tok-alice", `{"address":"c@customers.example","reason":"manual"}`, &add); code != http.StatusOK ||
		add.Added || add.Entry.Reason != "complaint" {
		t.Errorf("alice replacing the complaint: %d %+v, want 200, not added, still a complaint", code, add)
	}
	if code := api(t, m, "DELETE", "/api/suppressions?address=c@customers.example", "tok-alice", "", nil); code != http.StatusForbidden {
		t.Errorf("alice removing the complaint: %d, want 403", code)
	}
	var got entryJSON
	if code := api(t, m, "GET", "/api/suppressions?address=c@customers.example&tenant=alice", "tok", "", &got); code != http.StatusOK ||
		got.Reason != "complaint" || got.Evidence == nil || got.Evidence.Note != "ARF from the provider" {
		t.Errorf("the complaint afterwards: %d %+v", code, got)
	}
	// Her own manual entries she still replaces and removes.
	if code := api(t, m, "POST", "/api/suppressions", "tok-alice", `{"address":"d@customers.example","expires":"`+expires+`"}`, nil); code != http.StatusOK {
		t.Errorf("alice adding: %d", code)
	}
	if code := api(t, m, "POST", "/api/suppressions", "tok-alice", `{"address":"d@customers.example","reason":"hard-bounce"}`, &add); code != http.StatusOK ||
		!add.Added || add.Entry.Reason != "hard-bounce" {
		t.Errorf("alice replacing her own entry: %d %+v", code, add)
	}
	if code := api(t, m, "DELETE", "/api/suppressions?address=d@customers.example", "tok-alice", "", nil); code != http.StatusOK {
		t.Errorf("alice removing her own entry: %d, want 200", code)
	}
}

// TestSTARTTLSInjection: commands sent in plaintext behind STARTTLS (the
// fast path buffers input) never run inside the TLS session
// (CVE-2011-0411's class): the handshake meets them and fails, and no
// message is queued.
func TestSTARTTLSInjection(t *testing.T) {
	w := newWorld(t)
	certFile, keyFile, pool := w.certificate(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.TLSCert, cfg.SMTP.TLSKey = certFile, keyFile
	m := startMTA(t, cfg)
	c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.2")
	c.cmd("EHLO client.localhost")
	io.WriteString(c.Conn, "STARTTLS\r\nMAIL FROM:<ceo@bank.example>\r\nRCPT TO:<victim@customers.example>\r\nDATA\r\nFrom: ceo@bank.example\r\n\r\ninjected\r\n.\r\n")
	if r := c.reply(); !strings.HasPrefix(r, "220") {
		t.Fatalf("STARTTLS: %q", r)
	}
	raw := c.Conn.(*net.TCPConn)
	tc := tls.Client(raw, &tls.Config{ServerName: "mta.shop.example", RootCAs: pool})
	tc.SetDeadline(time.Now().Add(15 * time.Second))
	if err := tc.Handshake(); err == nil {
		// Had the plaintext been dropped, the session would start clean:
		// the injected transaction must not be open in it.
		tr := &rawConn{t: t, Conn: tc, r: bufio.NewReader(tc)}
		tr.cmd("EHLO client.localhost")
		if r := tr.cmd("DATA"); strings.HasPrefix(r, "354") {
			t.Fatalf("DATA inside TLS: %q: the injected MAIL and RCPT ran", r)
		}
		tr.cmd("QUIT")
	}
	// The server has read all there is once it closes: whatever the
	// injected commands did is done.
	raw.CloseWrite()
	raw.SetReadDeadline(time.Now().Add(15 * time.Second))
	if _, err := io.Copy(io.Discard, raw); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("waiting for the server to close: %v", err)
	}
	if s := m.Stats(); s.Received != 0 {
		t.Errorf("%d messages queued from injected commands", s.Received)
	}
}

// TestReturnPathReplay: whoever received a message knows its return path
// for days; sending the same complaint to it again and again counts once
// in the rates and makes one event, where each copy used to count as a
// complaint of its own (pushing the tenant's complaint rate up at will).
func TestReturnPathReplay(t *testing.T) {
	w := newWorld(t)
	hr := &hookReceiver{posts: 1}
	hs := httptest.NewServer(hr)
	defer hs.Close()
	cfg := w.config(t.TempDir())
	cfg.Webhook = WebhookConfig{URL: hs.URL}
	codec := returnPaths(t, cfg, "127.0.0.1:0", t.TempDir())
	withSuppression(t, cfg)
	cfg.Reputation.Rates.Enabled = true
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	submitAs(t, m, "news@shop.example", []string{"eve@customers.example"}, message("news@shop.example", "eve@customers.example", "replay"))
	waitFor(t, "delivery", func() bool { s := m.Stats(); return s.Delivered == 1 && s.Queued == 0 })
	msgs := w.rec.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages delivered", len(msgs))
	}
	path := msgs[0].from
	if tag, err := codec.Decode(path, time.Now()); err != nil || tag.MessageID == "" {
		t.Fatalf("return path %q: %v", path, err)
	}
	complaint := func(feedbackType string) string { return arfComplaint(path, feedbackType, "news@shop.example") }
	// The same report, and copies whose Feedback-Type the sender made up
	// to look new: each would otherwise count again.
	types := []string{"abuse", "abuse", "fraud", "x-eve-1", "x-eve-2"}
	copies := len(types)
	for _, ft := range types {
		if err := sendReturned(m.ReturnPathAddr(), path, complaint(ft)); err != nil {
			t.Fatal(err)
		}
	}
	if got, ok := m.rep.list.Check("app", "eve@customers.example"); !ok || got.Reason != suppression.Complaint {
		t.Errorf("eve after her complaint: %+v %v, want a complaint for tenant app", got, ok)
	}
	counts, err := m.rep.counter.Counts(context.Background(), rates.Tenant, "app", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n := counts[rates.Complained]; n != 1 {
		t.Errorf("%d complaints counted for tenant app from %d copies of one report, want 1", n, copies)
	}
	if c, err := m.rep.counter.Counts(context.Background(), rates.FromDomain, "shop.example", time.Now()); err != nil || c[rates.Complained] != 1 {
		t.Errorf("complaints for shop.example, tenant app's domain: %v %v, want 1", c, err)
	}
	// Then a bounce about the same send: events go out in order, so once
	// its event is in, so are all the complaint's.
	dsn := "From: MAILER-DAEMON@customers.example\r\nTo: <" + path + ">\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nNo.\r\n" +
		"--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customers.example\r\n\r\n" +
		"Final-Recipient: rfc822; eve@customers.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b1--\r\n"
	if err := sendReturned(m.ReturnPathAddr(), path, dsn); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the events", func() bool { return hr.find("bounced", "eve@customers.example") != nil })
	if n := len(hr.all("complaint")); n != 1 {
		t.Errorf("%d complaint events from %d copies of one report, want 1", n, copies)
	}
}

// arfComplaint is eve's complaint (RFC 5965) sent to path, about a
// message from origFrom.
func arfComplaint(path, feedbackType, origFrom string) string {
	return "From: eve@customers.example\r\nTo: <" + path + ">\r\nSubject: complaint\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"f1\"\r\n\r\n" +
		"--f1\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n" +
		"--f1\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: " + feedbackType + "\r\nUser-Agent: eve/1.0\r\nVersion: 1\r\n" +
		"Original-Rcpt-To: <eve@customers.example>\r\n\r\n" +
		"--f1\r\nContent-Type: message/rfc822\r\n\r\nFrom: <" + origFrom + ">\r\nTo: <eve@customers.example>\r\nSubject: replay\r\n\r\nHello.\r\n--f1--\r\n"
}

// TestReturnPathForeignFrom: the returned header in a complaint is the
// complainer's to write. A From the message's tenant may not send as
// (another tenant's domain) is not charged the complaint; the tenant
// still is.
func TestReturnPathForeignFrom(t *testing.T) {
	m, path := sentToEve(t)
	if err := sendReturned(m.ReturnPathAddr(), path, arfComplaint(path, "abuse", "ceo@bank.example")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if c, err := m.rep.counter.Counts(ctx, rates.Tenant, "app", time.Now()); err != nil || c[rates.Complained] != 1 {
		t.Errorf("complaints for tenant app: %v %v, want 1", c, err)
	}
	if c, err := m.rep.counter.Counts(ctx, rates.FromDomain, "bank.example", time.Now()); err != nil || c[rates.Complained] != 0 {
		t.Errorf("complaints charged to bank.example, a domain tenant app may not send as: %v %v, want 0", c, err)
	}
}

// TestReturnPathReplayAtOnce: copies of one complaint sent at the same
// time, over connections of their own, count once, as copies sent one
// after the other do.
func TestReturnPathReplayAtOnce(t *testing.T) {
	m, path := sentToEve(t)
	const copies = 8
	var wg sync.WaitGroup
	errs := make(chan error, copies)
	for range copies {
		wg.Go(func() {
			errs <- sendReturned(m.ReturnPathAddr(), path, arfComplaint(path, "abuse", "news@shop.example"))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := m.rep.counter.Counts(context.Background(), rates.Tenant, "app", time.Now())
	if err != nil || c[rates.Complained] != 1 {
		t.Errorf("complaints for tenant app from %d copies sent at once: %v %v, want 1", copies, c, err)
	}
}

// sentToEve starts an MTA with return paths, a suppression list and rate
// counters, has it deliver one message of tenant app to
// eve@customers.example, and returns it and the message's return path.
func sentToEve(t *testing.T) (*MTA, string) {
	t.Helper()
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	returnPaths(t, cfg, "127.0.0.1:0", t.TempDir())
	withSuppression(t, cfg)
	cfg.Reputation.Rates.Enabled = true
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	submitAs(t, m, "news@shop.example", []string{"eve@customers.example"}, message("news@shop.example", "eve@customers.example", "to eve"))
	waitFor(t, "delivery", func() bool { s := m.Stats(); return s.Delivered == 1 && s.Queued == 0 })
	msgs := w.rec.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages delivered", len(msgs))
	}
	return m, msgs[0].from
}

// TestUserEntriesBounded checks that a tenant's users cannot grow the
// suppression list, which every tenant's memory holds, past
// reputation.suppression.max_user_entries, while the operator and other
// tenants still add.
func TestUserEntriesBounded(t *testing.T) {
	_, cfg := tenants(t)
	for i := range cfg.SMTP.Users {
		if cfg.SMTP.Users[i].Username == "bob" {
			cfg.SMTP.Users[i].APITokens = []string{"tok-bob"}
		}
	}
	cfg.Reputation.Suppression = SuppressionConfig{Path: filepath.Join(t.TempDir(), "suppression.db"), MaxUserEntries: 3}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	for i := range 3 {
		if code := api(t, m, "POST", "/api/suppressions", "tok-alice", fmt.Sprintf(`{"address":"u%d@customers.example"}`, i), nil); code != http.StatusOK {
			t.Fatalf("alice adding entry %d: %d", i, code)
		}
	}
	if code := api(t, m, "POST", "/api/suppressions", "tok-alice", `{"address":"u3@customers.example"}`, nil); code != http.StatusForbidden {
		t.Errorf("alice adding past the bound: %d, want 403", code)
	}
	if code := api(t, m, "GET", "/api/suppressions?address=u3@customers.example", "tok-alice", "", nil); code != http.StatusNotFound {
		t.Errorf("the refused entry: %d, want 404", code)
	}
	if code := api(t, m, "POST", "/api/suppressions", "tok-bob", `{"address":"u3@customers.example"}`, nil); code != http.StatusOK {
		t.Errorf("bob, another tenant: %d, want 200", code)
	}
	if code := api(t, m, "POST", "/api/suppressions", "tok", `{"address":"u4@customers.example","tenant":"alice"}`, nil); code != http.StatusOK {
		t.Errorf("the operator for alice: %d, want 200", code)
	}
	if code := api(t, m, "DELETE", "/api/suppressions?address=u0@customers.example", "tok-alice", "", nil); code != http.StatusOK {
		t.Fatalf("alice removing one: %d", code)
	}
	if code := api(t, m, "POST", "/api/suppressions", "tok-alice", `{"address":"u5@customers.example"}`, nil); code != http.StatusForbidden {
		t.Errorf("alice at the bound again (the operator's entry counts): %d, want 403", code)
	}
}

// TestSuppressionQuotedLocal: a quoted local part names the same mailbox
// as its dot-atom ("eve"@ is eve@, RFC 5321 §4.1.2), so quoting it does
// not get past a suppression of the address. (go-smtp unquotes RCPT's
// local part; POST /api/send takes the address as written.)
func TestSuppressionQuotedLocal(t *testing.T) {
	_, cfg := tenants(t)
	withSuppression(t, cfg)
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	if _, _, err := m.rep.list.Add(context.Background(), suppression.Entry{Address: "eve@customers.example", Reason: suppression.Complaint}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rcpt string
		want int
	}{
		{"eve@customers.example", http.StatusUnprocessableEntity},
		{`"eve"@customers.example`, http.StatusUnprocessableEntity},
		{`"e\ve"@customers.example`, http.StatusUnprocessableEntity},
		{`"eve.x"@customers.example`, http.StatusAccepted}, // another mailbox
	} {
		to, _ := json.Marshal(c.rcpt)
		body := `{"from":"news@alice.example","to":[` + string(to) + `],"subject":"hi","text":"Hello."}`
		if code := api(t, m, "POST", "/api/send", "tok-alice", body, nil); code != c.want {
			t.Errorf("POST /api/send to %s: %d, want %d", c.rcpt, code, c.want)
		}
	}
}

// TestUserEntriesBoundedAtOnce: additions sent at the same time stop at
// reputation.suppression.max_user_entries as one after the other do.
func TestUserEntriesBoundedAtOnce(t *testing.T) {
	_, cfg := tenants(t)
	cfg.Reputation.Suppression = SuppressionConfig{Path: filepath.Join(t.TempDir(), "suppression.db"), MaxUserEntries: 3}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	const adds = 64
	var wg sync.WaitGroup
	for i := range adds {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/suppressions", strings.NewReader(fmt.Sprintf(`{"address":"u%d@customers.example"}`, i)))
			req.Header.Set("Authorization", "Bearer tok-alice")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	if n := m.rep.list.Count("alice"); n != 3 {
		t.Errorf("alice has %d entries after %d additions at once, want the bound, 3", n, adds)
	}
}

// TestVerifyRequestDeadline: POST /api/send's address checks
// (reputation.verify) share one timeout and run side by side. Forty
// recipients at forty domains whose DNS never answers (resolvertest.Timeout) cost one timeout,
// not forty in a row: their domains are not all even asked before the
// request's time is up, and every one of them is queued and reported as
// unverified. With reputation.verify.unverified "defer" they are refused
// for now instead: 503 with 451 4.4.3 each, and 451 4.4.3 at RCPT.
func TestVerifyRequestDeadline(t *testing.T) {
	w := newWorld(t)
	// The checks' own DNS server never answers for the domains; the
	// delivery's says they do not exist, so that the queued messages
	// fail at once.
	vdns := resolvertest.New(t, "")
	const n = 40
	var to []string
	for i := range n {
		d := fmt.Sprintf("hang%d.com", i)
		vdns.SetFault(d, 0, resolvertest.Timeout)
		to = append(to, "jane@"+d)
	}
	cfg := w.config(t.TempDir())
	cfg.Reputation.Verify = VerifyConfig{RefuseUndeliverable: true, Timeout: Duration(time.Second), DNSServers: []string{vdns.Addr()}}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": to, "subject": "s", "text": "x"})
	var reply SendReply
	if code := api(t, m, "POST", "/api/send", "tok", body, &reply); code != http.StatusAccepted || reply.ID == "" || len(reply.Refused) != 0 {
		t.Fatalf("send: %d, %d refused, want 202", code, len(reply.Refused))
	}
	if len(reply.Unverified) != n {
		t.Errorf("%d recipients reported unverified, want %d", len(reply.Unverified), n)
	}
	asked := 0
	for i := range n {
		if vdns.Queries(fmt.Sprintf("hang%d.com", i), 0) > 0 {
			asked++
		}
	}
	if asked == 0 || asked == n {
		t.Errorf("DNS was asked about %d of the %d domains: want some, not all (one timeout for the request)", asked, n)
	}
	if v := metricValue(t, m, `mta_intake_unverified_total{outcome="accepted"}`); v != n {
		t.Errorf("mta_intake_unverified_total accepted: %v, want %d", v, n)
	}

	cfg2 := w.config(t.TempDir())
	cfg2.Reputation.Verify = VerifyConfig{RefuseUndeliverable: true, Timeout: Duration(time.Second), Unverified: "defer", DNSServers: []string{vdns.Addr()}}
	if err := cfg2.check(); err != nil {
		t.Fatal(err)
	}
	m2 := startMTA(t, cfg2)
	var refusal struct{ Refused []Refusal }
	if code := api(t, m2, "POST", "/api/send", "tok", body, &refusal); code != http.StatusServiceUnavailable || len(refusal.Refused) != n ||
		refusal.Refused[0].Code != 451 || refusal.Refused[0].Enhanced != "4.4.3" || refusal.Refused[0].Reason != "unverified" {
		t.Errorf("send with unverified defer: %d, %d refusals (%+v), want 503 with 451 4.4.3 for all %d", code, len(refusal.Refused), refusal.Refused[:min(1, len(refusal.Refused))], n)
	}
	if r := rcptReplies(t, m2, "jane@hang0.com")[0]; !strings.HasPrefix(r, "451 4.4.3 ") {
		t.Errorf("RCPT with unverified defer: %q, want 451 4.4.3", r)
	}
	if m2.Stats().Received != 0 {
		t.Errorf("something was queued: %+v", m2.Stats())
	}
}

// TestCrossSiteRequest: a browser that remembers a user's HTTP Basic
// login sends it with another site's POST, and a text/plain body needs
// no CORS preflight: such a request (Sec-Fetch-Site, or an Origin of
// another host) is refused before it is looked at, so that a page the
// user visits cannot send mail or add suppressions as the user. Clients
// other than browsers, same-origin requests, and the one-click
// unsubscribe path (the token in its URL is its authority) pass.
func TestCrossSiteRequest(t *testing.T) {
	_, cfg := tenants(t)
	m := startMTA(t, withUnsubscribeLinks(t, cfg))
	do := func(path, ctype, body string, headers ...string) int {
		t.Helper()
		headers = append(headers, "Authorization: Basic "+basicValue("alice", "pw-alice"), "Content-Type: "+ctype)
		code, _ := request(t, "POST", "http://"+m.HTTPAddr()+path, body, headers...)
		return code
	}
	send := sendJSON(map[string]any{"from": "a@alice.example", "to": []string{"x@customers.example"}, "subject": "s", "text": "t"})
	for _, h := range []string{"Sec-Fetch-Site: cross-site", "Sec-Fetch-Site: same-site", "Origin: https://evil.example"} {
		if code := do("/api/send", "text/plain", send, h); code != http.StatusForbidden {
			t.Errorf("POST /api/send with %s: %d, want 403", h, code)
		}
		if code := do("/api/suppressions", "text/plain", `{"address":"y@customers.example"}`, h); code != http.StatusForbidden {
			t.Errorf("POST /api/suppressions with %s: %d, want 403", h, code)
		}
	}
	if got := m.Stats().Received; got != 0 {
		t.Fatalf("%d messages queued by cross-site requests", got)
	}
	if _, ok := m.rep.list.Check("alice", "y@customers.example"); ok {
		t.Error("a cross-site request added a suppression")
	}
	for _, h := range []string{"", "Sec-Fetch-Site: same-origin", "Sec-Fetch-Site: none"} {
		var hs []string
		if h != "" {
			hs = append(hs, h)
		}
		if code := do("/api/send", "application/json", send, hs...); code != http.StatusAccepted {
			t.Errorf("POST /api/send with %q: %d, want 202", h, code)
		}
	}

	var link map[string]string
	if code := api(t, m, "GET", "/api/unsubscribe-url?address=gina@customers.example&list=weekly", "tok-alice", "", &link); code != http.StatusOK {
		t.Fatalf("unsubscribe-url: %d", code)
	}
	u, _ := url.Parse(link["url"])
	if code, _ := request(t, "POST", "http://"+m.HTTPAddr()+u.Path, "List-Unsubscribe=One-Click",
		"Content-Type: application/x-www-form-urlencoded", "Sec-Fetch-Site: cross-site"); code != http.StatusOK {
		t.Errorf("one-click unsubscribe from another site: %d, want 200", code)
	}
}

// TestWebhookRedirect: a webhook receiver's redirect is not followed. A
// 307 would post the events (recipients' addresses) and their signature
// again to wherever it points, an internal address as well (SSRF); the
// post fails instead, and the events count as dropped.
func TestWebhookRedirect(t *testing.T) {
	var elsewhere sync.Map // requests that reached the redirect's target
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Store(r.Method+" "+r.Header.Get("X-MTA-Signature"), true)
	}))
	t.Cleanup(target.Close)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/collect", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirect.Close)

	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.Webhook = WebhookConfig{URL: redirect.URL, MaxAttempts: 1, Secret: "webhook-secret"}
	m := startMTA(t, cfg)
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"x@customers.example"}, "subject": "s", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
		t.Fatalf("send: %d", code)
	}
	waitFor(t, "the events dropped", func() bool {
		return metricValue(t, m, `mta_webhook_events_dropped_total{why="failed"}`) > 0
	})
	elsewhere.Range(func(k, _ any) bool {
		t.Errorf("the redirect was followed: %s", k)
		return true
	})
	if v := metricValue(t, m, "mta_webhook_events_sent_total"); v > 0 {
		t.Errorf("mta_webhook_events_sent_total %v, want 0", v)
	}
}

// TestRecipientWishOutlivesUserEntry: a recipient's unsubscribe or
// complaint for an address the tenant had suppressed itself (a manual
// entry, which lasts as long, so Add kept it) becomes the entry in force:
// the tenant could otherwise remove its manual entry afterwards, and the
// recipient's wish with it, and mail the recipient again.
func TestRecipientWishOutlivesUserEntry(t *testing.T) {
	_, cfg := tenants(t)
	m := startMTA(t, withUnsubscribeLinks(t, cfg))
	for _, a := range []string{"gina@customers.example", "carl@customers.example"} {
		if code := api(t, m, "POST", "/api/suppressions", "tok-alice", `{"address":"`+a+`"}`, nil); code != http.StatusOK {
			t.Fatalf("alice suppressing %s: %d", a, code)
		}
	}
	var link map[string]string
	if code := api(t, m, "GET", "/api/unsubscribe-url?address=gina@customers.example&list=weekly", "tok-alice", "", &link); code != http.StatusOK {
		t.Fatalf("unsubscribe-url: %d", code)
	}
	u, _ := url.Parse(link["url"])
	if code, _ := request(t, "POST", "http://"+m.HTTPAddr()+u.Path, "List-Unsubscribe=One-Click", "Content-Type: application/x-www-form-urlencoded"); code != http.StatusOK {
		t.Fatalf("gina unsubscribing: %d", code)
	}
	if code := api(t, m, "POST", "/api/feedback?tenant=alice", "tok", complaintARF("carl@customers.example", "n-1@alice.example"), nil); code != http.StatusOK {
		t.Fatalf("carl's complaint: %d", code)
	}
	for _, c := range []struct{ addr, reason string }{{"gina@customers.example", "unsubscribe"}, {"carl@customers.example", "complaint"}} {
		if code := api(t, m, "DELETE", "/api/suppressions?address="+c.addr, "tok-alice", "", nil); code != http.StatusForbidden {
			t.Errorf("alice removing %s after the recipient's %s: %d, want 403", c.addr, c.reason, code)
		}
		if mt, ok := m.rep.list.Check("alice", c.addr); !ok || string(mt.Reason) != c.reason {
			t.Errorf("%s: suppressed %v (%s), want for %s", c.addr, ok, mt.Reason, c.reason)
		}
	}
}

// TestLoginKeysBounded: failed logins are counted per user name, and the
// name is the client's: HTTP Basic carries one of up to a header's
// length. Kept as it is, each of the maxLoginsKept keys could hold tens
// of kilobytes (gigabytes in all, from clients of many addresses); a long
// name is keyed by its hash, and still counted as itself.
func TestLoginKeysBounded(t *testing.T) {
	_, cfg := tenants(t)
	m := startMTA(t, cfg)
	long := strings.Repeat("n", 40_000)
	for i := range 3 {
		if code, _ := post(t, m, "/api/send", basic(long+strconv.Itoa(i), "guess"), "{}"); code != http.StatusUnauthorized {
			t.Fatalf("login with a long name: %d, want 401", code)
		}
	}
	m.logins.mu.Lock()
	size := 0
	for k := range m.logins.keys {
		size += len(k)
	}
	n := len(m.logins.keys)
	m.logins.mu.Unlock()
	if n != 4 || size > 4*100 { // the client, and three names
		t.Errorf("%d failure keys of %d bytes in all, want 4 of at most 100 bytes each", n, size)
	}

	l := newLoginLimits(3, time.Minute)
	for range 3 {
		l.failed(userKey(long + "a"))
	}
	if l.blocked(userKey(long+"a")).IsZero() || !l.blocked(userKey(long+"b")).IsZero() {
		t.Error("a long name is not counted as itself")
	}
}

// withUnsubscribeLinks gives cfg a suppression list and one-click
// unsubscribe links.
func withUnsubscribeLinks(t *testing.T, cfg *Config) *Config {
	t.Helper()
	cfg.Reputation.Suppression = SuppressionConfig{
		Path:            filepath.Join(t.TempDir(), "suppression.db"),
		UnsubscribeURL:  "https://mta.shop.example/unsubscribe/",
		UnsubscribeKeys: []UnsubscribeKey{{ID: "k1", Secret: "00112233445566778899aabbccddeeff"}},
	}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

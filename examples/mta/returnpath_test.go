package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/internal/postfixtest"
	"github.com/mxkit/mxkit/suppression"
	"github.com/mxkit/mxkit/verp"
)

// withSuppression gives cfg a suppression list in a bbolt file of its
// own, the list the return path hands bounces and complaints to.
func withSuppression(t *testing.T, cfg *Config) {
	cfg.Reputation.Suppression.Path = filepath.Join(t.TempDir(), "suppression.db")
}

const returnDomain = "bounces.shop.example"

// returnPaths turns return paths on in cfg, for bounces.shop.example with
// the listener on listen and the send log in logDir, and returns a codec
// with the same key, to read and make its addresses.
func returnPaths(t *testing.T, cfg *Config, listen, logDir string) *verp.Codec {
	t.Helper()
	secret := []byte("the return-path secret of this test")
	file := filepath.Join(t.TempDir(), "verp.key")
	if err := os.WriteFile(file, append(secret, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.ReturnPath = ReturnPathConfig{Domain: returnDomain, Keys: []VERPKey{{ID: 3, SecretFile: file}}, Listen: listen, SendLogDir: logDir}
	if err := cfg.ReturnPath.check(); err != nil {
		t.Fatal(err)
	}
	return &verp.Codec{Domain: returnDomain, Keys: []verp.Key{{ID: 3, Secret: secret}}}
}

// sendReturned hands msg to the return-path listener at addr from the
// null sender, as a remote MTA returns a bounce.
func sendReturned(addr, to, msg string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("mx.forwarder.example"); err != nil {
		return err
	}
	if err := c.SendMail("", []string{to}, strings.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

// TestReturnPathPostfix (issue 23 items 1 and 2, end to end): the MTA
// relays through a real Postfix with a signed VERP return path per
// recipient; Postfix takes the message, the recipient's server refuses
// one recipient, Postfix writes the DSN and returns it to the return path,
// whose domain it routes to the MTA's return-path listener. The recipient
// is suppressed for the tenant that sent the message (a real
// suppression.List, through the suppressor seam), and a "bounced" event
// names it; the other recipient, delivered, is not.
func TestReturnPathPostfix(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Postfix")
	}
	remote := startRefuser(t, "127.0.0.1:0", func(to string) error {
		if strings.HasPrefix(to, "unknown@") {
			// Postfix's own wording for a virtual mailbox that does not exist.
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: Recipient address rejected: User unknown in virtual mailbox table"}
		}
		return nil
	})
	// The listener's port, for Postfix's transport map, before the MTA
	// (which relays to Postfix) starts.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rpAddr := ln.Addr().String()
	ln.Close()
	rpPort, _ := strconv.Atoi(rpAddr[strings.LastIndexByte(rpAddr, ':')+1:])
	pf := postfixtest.Start(t, postfixtest.Config{Routes: map[string]int{"rcpt.example": remote.port, returnDomain: rpPort}})

	w := newWorld(t)
	hr := &hookReceiver{}
	cfg := w.config(t.TempDir())
	cfg.Delivery.DNSServers, cfg.Delivery.MXPort = nil, 0
	cfg.Delivery.Relay, cfg.Delivery.RelayTLS = fmt.Sprintf("127.0.0.1:%d", pf.Port), "none"
	withWebhook(t, cfg, hr)
	codec := returnPaths(t, cfg, rpAddr, t.TempDir())
	withSuppression(t, cfg)
	m := startMTA(t, cfg)
	list := m.rep.list

	submitAs(t, m, "news@shop.example", []string{"unknown@rcpt.example", "ok@rcpt.example"},
		message("news@shop.example", "ok@rcpt.example", "verp-postfix"))

	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, ok := list.Check("app", "unknown@rcpt.example"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("unknown@rcpt.example not suppressed within 60s\n%s", pf.Maillog())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got, _ := list.Check("app", "unknown@rcpt.example"); got.Reason != suppression.HardBounce || got.Tenant != "app" {
		t.Errorf("suppressed as %+v, want a hard bounce of tenant app", got)
	}
	if got, ok := list.Check("app", "ok@rcpt.example"); ok {
		t.Errorf("the delivered recipient is suppressed: %+v", got)
	}
	if got, ok := list.Check("other", "unknown@rcpt.example"); ok {
		t.Errorf("suppressed for another tenant: %+v", got)
	}
	waitFor(t, "both recipients relayed (Postfix took both)", func() bool { return m.Stats().Delivered == 2 })

	// The recipient's server got the delivered one alone in its envelope,
	// from a return path naming the message and that recipient.
	var queueID string
	waitFor(t, "the delivered message", func() bool { return len(remote.messages()) == 1 })
	env := remote.messages()[0]
	tag, err := codec.Decode(env.from, time.Now())
	if err != nil {
		t.Fatalf("MAIL FROM:<%s> is not a return path of ours: %v", env.from, err)
	}
	if rcpt, ok := codec.Match(tag, "ok@rcpt.example"); !ok || len(env.to) != 1 || env.to[0] != rcpt {
		t.Errorf("return path %s names another recipient than %v", env.from, env.to)
	}
	queueID = tag.MessageID

	waitFor(t, "the bounced event", func() bool { return hr.find("bounced", "unknown@rcpt.example") != nil })
	ev := hr.find("bounced", "unknown@rcpt.example")
	if ev.ID != queueID || ev.Tenant != "app" || ev.Reason != string(bounce.UserUnknown) || ev.Status != "5.1.1" || !ev.Hard ||
		!strings.Contains(ev.Error, "User unknown") || ev.MessageID != "verp-postfix@shop.example" {
		t.Errorf("bounced event %+v, want message %s of tenant app, userunknown 5.1.1 hard with the reply", ev, queueID)
	}
}

// TestReturnPathLookup: a bounce that names another address than the one
// sent to (a forward) finds its recipient in the send log, after the
// message has left the queue and the process has restarted; a feedback
// report finds its recipient through the returned message's Return-Path;
// a bounce whose send is not on record suppresses nobody; forged return
// paths, other local parts and other domains are refused at RCPT.
func TestReturnPathLookup(t *testing.T) {
	w := newWorld(t)
	hr := &hookReceiver{}
	qdir, logDir := t.TempDir(), t.TempDir()
	cfg := w.config(qdir)
	withWebhook(t, cfg, hr)
	codec := returnPaths(t, cfg, "127.0.0.1:0", logDir)
	withSuppression(t, cfg)

	m1, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m1.Start(); err != nil {
		t.Fatal(err)
	}
	submitAs(t, m1, "news@shop.example", []string{"alice@customers.example", "bob@customers.example"},
		message("news@shop.example", "alice@customers.example", "verp-lookup"))
	waitFor(t, "delivery", func() bool { s := m1.Stats(); return s.Delivered == 2 && s.Queued == 0 })
	paths := map[string]string{} // recipient: return path
	for _, r := range w.rec.messages() {
		if len(r.to) != 1 {
			t.Fatalf("a transaction for %v: want one recipient each", r.to)
		}
		tag, err := codec.Decode(r.from, time.Now())
		if _, ok := codec.Match(tag, r.to[0]); err != nil || !ok {
			t.Fatalf("MAIL FROM:<%s> for %s: %v, match %v", r.from, r.to[0], err, ok)
		}
		paths[r.to[0]] = r.from
	}
	if len(paths) != 2 || paths["alice@customers.example"] == paths["bob@customers.example"] {
		t.Fatalf("return paths %v, want one of its own for each recipient", paths)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m1.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	// A new process, the message long gone from the queue.
	cfg.ReturnPath.Listen = "127.0.0.1:0"
	m := startMTA(t, cfg)
	list := m.rep.list

	forwarded := "From: MAILER-DAEMON@mx.forwarder.example\r\nTo: <" + paths["alice@customers.example"] + ">\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
		"--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.forwarder.example\r\n\r\n" +
		"Final-Recipient: rfc822; alice@forwarded.example\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <alice@forwarded.example>: Recipient address rejected: User unknown in local recipient table\r\n\r\n" +
		"--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Shop <news@shop.example>\r\nSubject: verp-lookup\r\n" +
		"Message-ID: <verp-lookup@shop.example>\r\n\r\n--b1--\r\n"
	if err := sendReturned(m.ReturnPathAddr(), paths["alice@customers.example"], forwarded); err != nil {
		t.Fatal(err)
	}
	if got, ok := list.Check("app", "alice@customers.example"); !ok || got.Reason != suppression.HardBounce {
		t.Errorf("alice after a bounce naming her forward: %+v %v, want a hard bounce for tenant app", got, ok)
	}
	if got, ok := list.Check("app", "alice@forwarded.example"); ok {
		t.Errorf("the forward's address, which the return path does not name, is suppressed: %+v", got)
	}

	// A complaint through the feedback loop: the returned message's
	// Return-Path is bob's return path, and its To names him.
	complaint := "From: fbl@isp.example\r\nTo: fbl@" + returnDomain + "\r\nSubject: complaint\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"f1\"\r\n\r\n" +
		"--f1\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n" +
		"--f1\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: ISP-FBL/1.0\r\nVersion: 1\r\n\r\n" +
		"--f1\r\nContent-Type: message/rfc822\r\n\r\nReturn-Path: <" + paths["bob@customers.example"] + ">\r\n" +
		"From: Shop <news@shop.example>\r\nTo: <bob@customers.example>\r\nSubject: verp-lookup\r\n\r\nHello.\r\n--f1--\r\n"
	if err := sendReturned(m.ReturnPathAddr(), "fbl@"+returnDomain, complaint); err != nil {
		t.Fatal(err)
	}
	if got, ok := list.Check("app", "bob@customers.example"); !ok || got.Reason != suppression.Complaint {
		t.Errorf("bob after a complaint: %+v %v, want a complaint for tenant app", got, ok)
	}

	// A return path that this MTA signed, for a send it has no record of
	// (its log was lost, or it was never made): the bounce names the
	// tagged recipient, but the tenant is unknown and nobody is suppressed.
	unknown, err := codec.Encode("00000000000000ff", "carol@customers.example", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	carol := strings.NewReplacer(paths["alice@customers.example"], unknown.String(), "alice@forwarded.example", "carol@customers.example").Replace(forwarded)
	if err := sendReturned(m.ReturnPathAddr(), unknown.String(), carol); err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{"", "app"} {
		if got, ok := list.Check(tenant, "carol@customers.example"); ok {
			t.Errorf("carol suppressed for %q without a record of the send: %+v", tenant, got)
		}
	}

	waitFor(t, "the events", func() bool {
		return hr.find("bounced", "alice@customers.example") != nil && hr.find("complaint", "bob@customers.example") != nil &&
			hr.find("bounced", "carol@customers.example") != nil
	})
	if ev := hr.find("bounced", "alice@customers.example"); ev.Tenant != "app" || !ev.Hard || ev.ID == "" || ev.RemoteHost != "" && ev.RemoteHost != "mx.forwarder.example" {
		t.Errorf("bounced event %+v", ev)
	}
	if ev := hr.find("complaint", "bob@customers.example"); ev.Tenant != "app" || ev.FeedbackType != "abuse" {
		t.Errorf("complaint event %+v", ev)
	}
	if ev := hr.find("bounced", "carol@customers.example"); ev.Tenant != "" {
		t.Errorf("event of an unrecorded send %+v, want no tenant", ev)
	}

	// Refused at RCPT: a return path signed with another key, another
	// local part, another domain.
	forger := &verp.Codec{Domain: returnDomain, Keys: []verp.Key{{ID: 3, Secret: []byte("somebody else's secret!!")}}}
	forged, err := forger.Encode("0000000000000001", "alice@customers.example", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		to   string
		code int
		enh  smtp.EnhancedCode
	}{
		{forged.String(), 550, smtp.EnhancedCode{5, 7, 1}},
		{"someone@" + returnDomain, 550, smtp.EnhancedCode{5, 1, 1}},
		{"alice@customers.example", 550, smtp.EnhancedCode{5, 7, 1}},
	} {
		err := sendReturned(m.ReturnPathAddr(), tc.to, forwarded)
		if code, enh := smtpCode(err); code != tc.code || enh != tc.enh {
			t.Errorf("RCPT TO:<%s>: %v, want %d %v", tc.to, err, tc.code, tc.enh)
		}
	}
	if got, ok := list.Check("app", "alice@customers.example"); !ok || got.Reason != suppression.HardBounce {
		t.Errorf("alice: %+v", got)
	}

	// How each was matched, and why each refusal, in the metrics: alice
	// by the send log, bob and carol by what their reports name.
	metrics := fetch(t, "http://"+m.HTTPAddr()+"/metrics")
	for _, want := range []string{
		`mta_returned_total{kind="dsn",match="lookup"} 1`,
		`mta_returned_total{kind="dsn",match="report"} 1`,
		`mta_returned_total{kind="feedback",match="report"} 1`,
		`mta_returnpath_refused_total{reason="signature"} 1`,
		`mta_returnpath_refused_total{reason="unknown_user"} 1`,
		`mta_returnpath_refused_total{reason="relay"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestReturnPathNotify: a recipient whose submitter asked for notices
// (NOTIFY) keeps the message's own sender, so that the next hops'
// notices reach whom asked for them; the others, NOTIFY=NEVER included,
// get a return path each.
func TestReturnPathNotify(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	codec := returnPaths(t, cfg, "", "")
	m := startMTA(t, cfg)
	submitWithParams(t, m, nil, []rcptParams{
		{"a@customers.example", nil, ""},
		{"b@customers.example", []smtp.DSNNotify{smtp.DSNNotifyFailure, smtp.DSNNotifyDelayed}, ""},
		{"c@customers.example", []smtp.DSNNotify{smtp.DSNNotifyNever}, ""},
		{"d@customers.example", nil, ""},
	}, message("news@shop.example", "a@customers.example", "verp-notify"))
	waitFor(t, "delivery", func() bool { return m.Stats().Delivered == 4 })
	for _, r := range w.rec.messages() {
		if len(r.to) != 1 {
			t.Errorf("one transaction for %v, want one recipient each", r.to)
			continue
		}
		tag, err := codec.Decode(r.from, time.Now())
		_, tagged := codec.Match(tag, r.to[0])
		if want := r.to[0] != "b@customers.example"; err == nil != want || tagged != want {
			t.Errorf("%s sent from %s (%v): want a return path %v", r.to[0], r.from, err, want)
		}
		if r.to[0] == "b@customers.example" && r.from != "news@shop.example" {
			t.Errorf("b@ sent from %s, want the message's sender", r.from)
		}
	}
}

func TestReturnPathConfig(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	for _, tc := range []struct {
		name string
		rp   ReturnPathConfig
		ok   bool
	}{
		{"off", ReturnPathConfig{}, true},
		{"signing only", ReturnPathConfig{Domain: "b.example", Keys: []VERPKey{{ID: 1, SecretFile: key}}}, true},
		{"listener", ReturnPathConfig{Domain: "b.example", Keys: []VERPKey{{ID: 1, SecretFile: key}}, Listen: ":25", SendLogDir: "/var/lib/mta"}, true},
		{"no domain", ReturnPathConfig{Listen: ":25"}, false},
		{"no key", ReturnPathConfig{Domain: "b.example"}, false},
		{"key id", ReturnPathConfig{Domain: "b.example", Keys: []VERPKey{{ID: 32, SecretFile: key}}}, false},
		{"same key id", ReturnPathConfig{Domain: "b.example", Keys: []VERPKey{{ID: 1, SecretFile: key}, {ID: 1, SecretFile: key}}}, false},
		{"no send log", ReturnPathConfig{Domain: "b.example", Keys: []VERPKey{{ID: 1, SecretFile: key}}, Listen: ":25"}, false},
		{"literal", ReturnPathConfig{Domain: "[192.0.2.1]", Keys: []VERPKey{{ID: 1, SecretFile: key}}}, false},
		{"feedback elsewhere", ReturnPathConfig{Domain: "b.example", Keys: []VERPKey{{ID: 1, SecretFile: key}}, Feedback: []string{"fbl@other.example"}}, false},
	} {
		if err := tc.rp.check(); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	// A secret too short is refused when the MTA is made.
	if err := os.WriteFile(key, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := newWorld(t).config(t.TempDir())
	cfg.ReturnPath = ReturnPathConfig{Domain: "b.example", Keys: []VERPKey{{ID: 1, SecretFile: key}}}
	if err := cfg.ReturnPath.check(); err != nil {
		t.Fatal(err)
	}
	if m, err := New(context.Background(), cfg, nil); err == nil || !strings.Contains(err.Error(), "16 octets") {
		t.Errorf("a 5-octet secret: %v, want refused", err)
		if m != nil {
			m.Shutdown(context.Background())
		}
	}
}

// TestRecentReports: the memory of handled reports holds at most
// maxRecentReports keys, forgetting the oldest; a key forgotten (its
// report failed) and claimed again is remembered from that second claim,
// not dropped when the slot of its first claim is reused.
func TestRecentReports(t *testing.T) {
	var r recentReports
	if !r.claim("k") || r.claim("k") {
		t.Fatal("first claim not new, or second claim new")
	}
	r.forget("k")
	for i := range maxRecentReports / 2 {
		r.claim(fmt.Sprint("a", i))
	}
	if !r.claim("k") {
		t.Fatal("a forgotten key is not new")
	}
	// Reuses the slot of k's first claim, and then some.
	for i := range maxRecentReports/2 + 10 {
		r.claim(fmt.Sprint("b", i))
	}
	if r.claim("k") {
		t.Error("k, claimed again after its failure, was forgotten with the slot of its first claim")
	}
	for i := range 3 * maxRecentReports {
		r.claim(fmt.Sprint("c", i))
	}
	if len(r.seen) != maxRecentReports || len(r.ring) != maxRecentReports {
		t.Errorf("%d keys remembered, %d in the ring; want %d", len(r.seen), len(r.ring), maxRecentReports)
	}
	if r.claim("k") != true || r.claim(fmt.Sprint("c", 3*maxRecentReports-1)) {
		t.Error("the oldest key is remembered, or the newest is not")
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/mail"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/queue"
)

// rcptParams is a recipient with its RFC 3461 parameters: NOTIFY, and
// ORCPT (an rfc822 address) if not "".
type rcptParams struct {
	addr   string
	notify []smtp.DSNNotify
	orcpt  string
}

// submitWithParams submits msg from news@shop.example, with the MAIL
// parameters mail and the recipients' parameters, from m's trusted network.
func submitWithParams(t *testing.T, m *MTA, mail *smtp.MailOptions, rcpts []rcptParams, msg string) {
	t.Helper()
	c := trustedClient(t, m)
	if err := c.Mail("news@shop.example", mail); err != nil {
		t.Fatal(err)
	}
	for _, r := range rcpts {
		opts := &smtp.RcptOptions{Notify: r.notify}
		if r.orcpt != "" {
			opts.OriginalRecipientType, opts.OriginalRecipient = smtp.DSNAddressTypeRFC822, r.orcpt
		}
		if err := c.Rcpt(r.addr, opts); err != nil {
			t.Fatal(err)
		}
	}
	wc, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(wc, msg)
	if err := wc.Close(); err != nil {
		t.Fatal(err)
	}
	c.Quit()
}

// greylisted is the reply of a greylisting server, as Postfix's
// postgrey setup writes it.
var greylisted = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/slow.example.html"}

// pyDSN is what Python's email package reads of a DSN: its Subject and To,
// the content types of its parts, and the Original-Envelope-Id and the
// per-recipient fields of its message/delivery-status part.
type pyDSN struct {
	Subject    string              `json:"subject"`
	To         string              `json:"to"`
	EnvID      string              `json:"envid"`
	Parts      []string            `json:"parts"`
	Recipients []map[string]string `json:"recipients"`
}

// parseDSNWithPython reads a DSN with Python's email package, the
// independent oracle for what this MTA writes, or skips the test without
// python3.
func parseDSNWithPython(t *testing.T, data []byte) pyDSN {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the check against Python's email package needs it (apt-get install python3)")
	}
	const script = `
import email, email.policy, json, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.compat32)
out = {"subject": m["Subject"], "to": m["To"], "parts": [], "recipients": []}
for p in m.get_payload():
    out["parts"].append(p.get_content_type())
    if p.get_content_type() == "message/delivery-status":
        out["envid"] = p.get_payload()[0]["Original-Envelope-Id"]
        for block in p.get_payload()[1:]:
            out["recipients"].append({k.lower(): str(v) for k, v in block.items()})
print(json.dumps(out))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	var d pyDSN
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("python3 output %q: %v", out, err)
	}
	return d
}

// TestDelayNotices: recipients greylisted past delay_notices.after get one
// "delayed" DSN between them, built from their last outcome, for those that
// asked for it (NOTIFY=DELAY) or gave no NOTIFY, none for NOTIFY=FAILURE or
// NEVER; later attempts, and attempts by a new process on the same queue,
// send no second one: the queue keeps the mark with each recipient.
func TestDelayNotices(t *testing.T) {
	w := newWorld(t)
	grey := startRefuser(t, net.JoinHostPort("127.0.0.3", w.rec.addr[strings.LastIndexByte(w.rec.addr, ':')+1:]),
		func(string) error { return greylisted })
	if err := w.dns.Add("slow.example. IN MX 10 mx.slow.example.\nmx.slow.example. IN A 127.0.0.3\n"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := w.config(dir)
	cfg.DelayNotices.After = Duration(300 * time.Millisecond)
	m1, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m1.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			m1.Shutdown(context.Background())
		}
	}()

	rcpts := []struct {
		rcptParams
		notice bool
	}{
		{rcptParams{"a@slow.example", nil, ""}, true}, // no NOTIFY: this MTA's choice
		{rcptParams{"b@slow.example", []smtp.DSNNotify{smtp.DSNNotifyFailure, smtp.DSNNotifyDelayed}, "old-b@slow.example"}, true},
		{rcptParams{"c@slow.example", []smtp.DSNNotify{smtp.DSNNotifyFailure}, ""}, false},
		{rcptParams{"d@slow.example", []smtp.DSNNotify{smtp.DSNNotifyNever}, ""}, false},
	}
	var params []rcptParams
	for _, r := range rcpts {
		params = append(params, r.rcptParams)
	}
	submitWithParams(t, m1, &smtp.MailOptions{EnvelopeID: "env-7"}, params, message("news@shop.example", "a@slow.example", "delay-test"))
	submitted := time.Now()

	notices := w.rec.notices
	waitFor(t, "the delay notice", func() bool { return len(notices()) > 0 })
	dsn := notices()[0]
	if len(dsn.to) != 1 || dsn.to[0] != "news@shop.example" {
		t.Errorf("the notice went to %v, want the sender", dsn.to)
	}
	rep, err := bounce.Parse(bytes.NewReader(dsn.data))
	if err != nil || rep.Kind != bounce.KindDSN {
		t.Fatalf("notice parsed as %v: %v", rep.Kind, err)
	}
	if rep.MessageID != "delay-test@shop.example" {
		t.Errorf("notice returns Message-ID %q", rep.MessageID)
	}
	got := map[string]bounce.Recipient{}
	for _, r := range rep.Recipients {
		got[r.FinalRecipient] = r
	}
	for _, r := range rcpts {
		g, ok := got[r.addr]
		if ok != r.notice {
			t.Errorf("%s: in the notice %v, want %v", r.addr, ok, r.notice)
			continue
		}
		if !ok {
			continue
		}
		if g.Action != "delayed" || g.Status != "4.7.1" || !g.Temporary || g.RemoteMTA != "mx.slow.example" ||
			!strings.Contains(g.DiagnosticCode, "451 4.7.1") || !strings.Contains(g.DiagnosticCode, "Greylisted") {
			t.Errorf("%s: %+v, want delayed 4.7.1 from mx.slow.example with the 451 reply", r.addr, g)
		}
		if g.OriginalRecipient != r.orcpt {
			t.Errorf("%s: Original-Recipient %q, want %q", r.addr, g.OriginalRecipient, r.orcpt)
		}
	}

	// Python's email package reads the same: a delay notice returning
	// the header only, with Will-Retry-Until five days (the queue's
	// max_age) after the message arrived.
	py := parseDSNWithPython(t, dsn.data)
	if !strings.HasPrefix(py.Subject, "Delayed Mail") || py.To != "<news@shop.example>" || py.EnvID != "env-7" {
		t.Errorf("Python reads Subject %q, To %q, Original-Envelope-Id %q", py.Subject, py.To, py.EnvID)
	}
	if strings.Join(py.Parts, " ") != "text/plain message/delivery-status text/rfc822-headers" {
		t.Errorf("Python reads parts %v, want the text, the report and the returned header", py.Parts)
	}
	if len(py.Recipients) != 2 {
		t.Fatalf("Python reads %d recipient blocks, want 2: %v", len(py.Recipients), py.Recipients)
	}
	for _, r := range py.Recipients {
		until, err := mail.ParseDate(r["will-retry-until"])
		if err != nil {
			t.Errorf("%s: Will-Retry-Until %q: %v", r["final-recipient"], r["will-retry-until"], err)
			continue
		}
		if want := submitted.Add(5 * 24 * time.Hour); until.Before(want.Add(-time.Minute)) || until.After(want.Add(time.Minute)) {
			t.Errorf("%s: Will-Retry-Until %v, want about %v", r["final-recipient"], until, want)
		}
		if r["action"] != "delayed" || !strings.HasPrefix(r["diagnostic-code"], "smtp; 451 4.7.1 ") || r["remote-mta"] != "dns; mx.slow.example" {
			t.Errorf("Python reads recipient block %v", r)
		}
	}

	// More attempts (two: the recipients go in one transaction each, as
	// their NOTIFY values differ): no second notice.
	tried := grey.rcpts.Load()
	waitFor(t, "more attempts", func() bool { return grey.rcpts.Load() >= tried+8 })
	if n := len(notices()); n != 1 {
		t.Fatalf("%d delay notices after more attempts, want 1", n)
	}

	// The marks are in the queue: a@ and b@ are marked, c@ and d@ not.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m1.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	stopped = true
	st, err := queue.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := st.List(ctx, queue.ListOptions{})
	st.Close()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("queue holds %d messages (%v), want the greylisted one", len(msgs), err)
	}
	for i, r := range msgs[0].Recipients {
		if marked := !r.DelayNotified.IsZero(); marked != rcpts[i].notice {
			t.Errorf("%s: DelayNotified %v in the queue, want marked %v", r.Addr, r.DelayNotified, rcpts[i].notice)
		}
	}

	// A new process on the same queue keeps trying, and sends nothing
	// more.
	m2 := startMTA(t, w.config(dir))
	tried = grey.rcpts.Load()
	waitFor(t, "attempts after the restart", func() bool { return grey.rcpts.Load() >= tried+8 })
	if s := m2.Stats(); s.Queued != 1 {
		t.Errorf("after the restart: %+v, want the message still queued", s)
	}
	if n := len(notices()); n != 1 {
		t.Errorf("%d delay notices after a restart, want 1", n)
	}
}

func TestWantsDelayNotice(t *testing.T) {
	for _, tc := range []struct {
		notify        string
		onlyRequested bool
		want          bool
	}{
		{"", false, true},
		{"", true, false},
		{"DELAY", true, true},
		{"FAILURE,DELAY", false, true},
		{"failure,delay", true, true},
		{"SUCCESS,FAILURE", false, false},
		{"FAILURE", false, false},
		{"NEVER", false, false},
	} {
		if got := wantsDelayNotice(tc.notify, tc.onlyRequested); got != tc.want {
			t.Errorf("wantsDelayNotice(%q, %v) = %v, want %v", tc.notify, tc.onlyRequested, got, tc.want)
		}
	}
}

// TestFailureNoticeOriginalRecipient: a failure notice names the ORCPT a
// recipient was given as its Original-Recipient (RFC 3464 §2.3.1), the
// address alone with its type, as Python's email package reads it.
func TestFailureNoticeOriginalRecipient(t *testing.T) {
	w := newWorld(t)
	m := startMTA(t, w.config(t.TempDir()))
	submitWithParams(t, m, nil, []rcptParams{{"unknown3@customers.example", nil, "old@customers.example"}},
		message("news@shop.example", "unknown3@customers.example", "orcpt-test"))
	waitFor(t, "the failure notice", func() bool { return len(w.rec.notices()) > 0 })
	notices := w.rec.notices()
	dsn := notices[len(notices)-1].data
	py := parseDSNWithPython(t, dsn)
	if len(py.Recipients) != 1 || py.Recipients[0]["original-recipient"] != "rfc822; old@customers.example" ||
		py.Recipients[0]["final-recipient"] != "rfc822; unknown3@customers.example" || py.Recipients[0]["action"] != "failed" {
		t.Errorf("Python reads the recipient blocks %v", py.Recipients)
	}
}

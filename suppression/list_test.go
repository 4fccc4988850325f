package suppression_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/suppression"
	"github.com/mxkit/mxkit/verify"
)

var ctx = context.Background()

func newList(t testing.TB, opts *suppression.Options) *suppression.List {
	t.Helper()
	l, err := suppression.New(ctx, openTemp(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func add(t testing.TB, l *suppression.List, e suppression.Entry) suppression.Entry {
	t.Helper()
	got, _, err := l.Add(ctx, e)
	if err != nil {
		t.Fatalf("Add %+v: %v", e, err)
	}
	return got
}

func TestCheck(t *testing.T) {
	l := newList(t, nil)
	add(t, l, suppression.Entry{Address: "John.Doe@Example.com", Reason: suppression.Complaint})
	add(t, l, suppression.Entry{Address: "t1@example.net", Tenant: "acme", Reason: suppression.Unsubscribe})
	add(t, l, suppression.Entry{Address: "whole.example", Reason: suppression.HardBounce})
	add(t, l, suppression.Entry{Address: "acme-only.example", Tenant: "acme", Reason: suppression.Manual})
	add(t, l, suppression.Entry{Address: "jörg@bücher.example", Reason: suppression.Manual})
	add(t, l, suppression.Entry{Address: "x@[192.0.2.1]", Reason: suppression.Manual})
	add(t, l, suppression.Entry{Address: "\"quoted user\"@example.com", Reason: suppression.Manual})
	add(t, l, suppression.Entry{Address: "\"Eve\"@example.org", Reason: suppression.Manual}) // needs no quotes: eve@
	for _, c := range []struct {
		tenant, addr string
		want         bool
		match        string
	}{
		{"", "john.doe@example.com", true, "john.doe@example.com"},
		{"acme", "JOHN.DOE@EXAMPLE.COM", true, "john.doe@example.com"},
		{"", "john.doe@example.com.", false, ""},
		{"", "johndoe@example.com", false, ""},
		{"acme", "t1@example.net", true, "t1@example.net"},
		{"other", "t1@example.net", false, ""},
		{"", "t1@example.net", false, ""},
		{"other", "anyone@whole.example", true, "whole.example"},
		{"", "anyone@WHOLE.example", true, "whole.example"},
		{"", "anyone@sub.whole.example", false, ""},
		{"", "whole.example", true, "whole.example"},
		{"acme", "a@acme-only.example", true, "acme-only.example"},
		{"other", "a@acme-only.example", false, ""},
		{"", "jörg@xn--bcher-kva.example", true, "jörg@xn--bcher-kva.example"},
		{"", "JÖRG@bücher.example", true, "jörg@xn--bcher-kva.example"},
		{"", "x@[192.0.2.1]", true, "x@[192.0.2.1]"},
		{"", "\"quoted user\"@example.com", true, "\"quoted user\"@example.com"},
		// A quoted-string that could be a dot-string is that mailbox
		// (RFC 5321 §4.1.2).
		{"", "\"john.doe\"@example.com", true, "john.doe@example.com"},
		{"", "\"john\\.d\\oe\"@example.com", true, "john.doe@example.com"},
		{"", "\"john..doe\"@example.com", false, ""},
		{"", "eve@example.org", true, "eve@example.org"},
		{"", "not an address", false, ""},
		{"", "john.doe@example.com\r\n", false, ""},
		{"", "", false, ""},
		{"", "@", false, ""},
	} {
		m, ok := l.Check(c.tenant, c.addr)
		if ok != c.want || m.Address != c.match {
			t.Errorf("Check(%q, %q) = %+v, %v; want %v on %q", c.tenant, c.addr, m, ok, c.want, c.match)
		}
	}
	if m, _ := l.Check("acme", "t1@example.net"); m.Tenant != "acme" || m.Reason != suppression.Unsubscribe {
		t.Errorf("match %+v, want acme's unsubscribe", m)
	}
}

// TestNormalizeQuoted: a quoted local part that needs no quotes is keyed
// as its dot-string (RFC 5321 §4.1.2); one that needs them keeps them.
func TestNormalizeQuoted(t *testing.T) {
	for in, want := range map[string]string{`"eve"@a.example`: "eve@a.example", `"e.v"@a.example`: "e.v@a.example",
		`".eve"@a.example`: `".eve"@a.example`, `"e..v"@a.example`: `"e..v"@a.example`, `""@a.example`: "",
		`"e v"@a.example`: `"e v"@a.example`, `eve@a.example`: `eve@a.example`, `"ève"@a.example`: "ève@a.example"} {
		got, err := suppression.Normalize(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("Normalize(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestExpiry(t *testing.T) {
	l := newList(t, nil)
	past := time.Now().Add(-time.Minute)
	add(t, l, suppression.Entry{Address: "old@example.com", Reason: suppression.SoftBounce, Created: past.Add(-time.Hour), Expires: past})
	if _, ok := l.Check("", "old@example.com"); ok {
		t.Error("an expired entry suppresses")
	}
	soon := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	e, added, err := l.Add(ctx, suppression.Entry{Address: "old@example.com", Reason: suppression.SoftBounce, Expires: soon})
	if err != nil || !added || !e.Expires.Equal(soon) {
		t.Fatalf("Add over an expired entry: %+v added %v, %v", e, added, err)
	}
	if m, ok := l.Check("", "old@example.com"); !ok || !m.Expires.Equal(soon) {
		t.Errorf("Check after renewal: %+v %v", m, ok)
	}
	// A permanent entry outlasts it and replaces it; a later temporary one does not.
	if _, added, _ := l.Add(ctx, suppression.Entry{Address: "old@example.com", Reason: suppression.Complaint}); !added {
		t.Error("a permanent entry did not replace a temporary one")
	}
	e, added, _ = l.Add(ctx, suppression.Entry{Address: "old@example.com", Reason: suppression.SoftBounce, Expires: soon.Add(time.Hour)})
	if added || e.Reason != suppression.Complaint {
		t.Errorf("a temporary entry replaced a permanent one: %+v", e)
	}
	if n, err := l.Purge(ctx); err != nil || n != 0 {
		t.Errorf("Purge: %d, %v", n, err)
	}
}

func TestAddRepeated(t *testing.T) {
	l := newList(t, nil)
	first := add(t, l, suppression.Entry{Address: "a@example.com", Tenant: "t", Reason: suppression.Unsubscribe, Evidence: suppression.Evidence{List: "news"}})
	e, added, err := l.Add(ctx, suppression.Entry{Address: "A@example.com", Tenant: "t", Reason: suppression.Unsubscribe, Evidence: suppression.Evidence{List: "other"}})
	if err != nil || added || e.Evidence.List != "news" || !e.Created.Equal(first.Created) {
		t.Errorf("repeated Add: %+v added %v err %v; want the first entry kept", e, added, err)
	}
	if l.Len() != 1 {
		t.Errorf("%d entries, want 1", l.Len())
	}
	if err := l.Remove(ctx, "t", "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := l.Remove(ctx, "t", "a@example.com"); !errors.Is(err, suppression.ErrNotFound) {
		t.Errorf("second Remove: %v", err)
	}
	if _, _, err := l.Add(ctx, suppression.Entry{Address: "bad address", Reason: suppression.Manual}); !errors.Is(err, suppression.ErrInvalid) {
		t.Errorf("bad address: %v", err)
	}
	if _, _, err := l.Add(ctx, suppression.Entry{Address: "a@example.com", Reason: "nope"}); !errors.Is(err, suppression.ErrInvalid) {
		t.Errorf("bad reason: %v", err)
	}
}

func outcome(rcpt string, st delivery.Status, stage delivery.Stage, code int, enh delivery.EnhancedCode, text string) *delivery.Outcome {
	return &delivery.Outcome{Recipient: rcpt, Status: st, Stage: stage, Code: code, Enhanced: enh, Text: text,
		Host: "mx.example.com", Time: time.Now()}
}

func TestOutcome(t *testing.T) {
	l := newList(t, &suppression.Options{SoftLimit: 3, SoftWindow: time.Hour, SoftExpiry: 24 * time.Hour})
	cases := []struct {
		o      *delivery.Outcome
		reason suppression.Reason
		key    string
	}{
		{outcome("gone@example.com", delivery.Failed, delivery.StageRcpt, 550, delivery.EnhancedCode{5, 1, 1}, "user unknown"), suppression.HardBounce, "gone@example.com"},
		{outcome("x@nullmx.example", delivery.Failed, delivery.StageRoute, 0, delivery.EnhancedCode{5, 1, 10}, "null MX"), suppression.HardBounce, "nullmx.example"},
		{outcome("a@nxdomain.example", delivery.Failed, delivery.StageRoute, 0, delivery.EnhancedCode{5, 1, 2}, "no such domain"), suppression.HardBounce, "a@nxdomain.example"},
		{outcome("bad@example.com", delivery.Failed, delivery.StageLocal, 0, delivery.EnhancedCode{5, 1, 3}, "bad syntax"), suppression.InvalidAddress, "bad@example.com"},
		{outcome("later@example.com", delivery.Deferred, delivery.StageRcpt, 450, delivery.EnhancedCode{4, 1, 1}, "try later"), "", ""},
		{outcome("spam@example.com", delivery.Failed, delivery.StageFinal, 550, delivery.EnhancedCode{5, 7, 1}, "message looks like spam"), "", ""},
		{outcome("ok@example.com", delivery.Delivered, delivery.StageFinal, 250, delivery.EnhancedCode{2, 0, 0}, "ok"), "", ""},
		{outcome("rate@example.com", delivery.Deferred, delivery.StageMail, 421, delivery.EnhancedCode{4, 7, 28}, "rate limited"), "", ""},
	}
	for _, c := range cases {
		e, err := l.Outcome(ctx, "", c.o)
		if err != nil {
			t.Errorf("%v: %v", c.o, err)
			continue
		}
		switch {
		case c.reason == "" && e != nil:
			t.Errorf("%v suppressed %+v", c.o, e)
		case c.reason != "" && (e == nil || e.Reason != c.reason || e.Address != c.key):
			t.Errorf("%v: entry %+v, want %s for %s", c.o, e, c.reason, c.key)
		}
	}
	if e, _ := l.Get(ctx, "", "gone@example.com"); e.Evidence.Status != "5.1.1" || !strings.Contains(e.Evidence.Diagnostic, "550 5.1.1 user unknown") || e.Evidence.RemoteMTA != "mx.example.com" {
		t.Errorf("evidence of a hard bounce: %+v", e.Evidence)
	}
	full := outcome("full@example.com", delivery.Failed, delivery.StageFinal, 552, delivery.EnhancedCode{5, 2, 2}, "mailbox full")
	for i := 1; i <= 3; i++ {
		e, err := l.Outcome(ctx, "t", full)
		if err != nil {
			t.Fatal(err)
		}
		if (e != nil) != (i == 3) {
			t.Fatalf("soft failure %d: entry %+v", i, e)
		}
		if i == 3 && (e.Reason != suppression.SoftBounce || e.Evidence.SoftCount != 3 || e.Expires.IsZero()) {
			t.Errorf("soft entry %+v", e)
		}
	}
	if _, ok := l.Check("t", "full@example.com"); !ok {
		t.Error("three soft failures did not suppress")
	}
	if _, ok := l.Check("u", "full@example.com"); ok {
		t.Error("a tenant's soft bounces suppress for another")
	}
}

// An RFC 5965 report as its Appendix B.2 writes one.
const arf = "From: <abusedesk@example.com>\r\n" +
	"Date: Thu, 8 Mar 2005 17:40:36 EDT\r\n" +
	"Subject: FW: Earn money\r\n" +
	"To: <abuse@example.net>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/report; report-type=feedback-report;\r\n" +
	"     boundary=\"part1_13d.2e68ed54_boundary\"\r\n" +
	"\r\n" +
	"--part1_13d.2e68ed54_boundary\r\n" +
	"Content-Type: text/plain; charset=\"US-ASCII\"\r\n" +
	"Content-Transfer-Encoding: 7bit\r\n" +
	"\r\n" +
	"This is an email abuse report for an email message received from IP\r\n" +
	"192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.\r\n" +
	"--part1_13d.2e68ed54_boundary\r\n" +
	"Content-Type: message/feedback-report\r\n" +
	"\r\n" +
	"Feedback-Type: %s\r\n" +
	"User-Agent: SomeGenerator/1.0\r\n" +
	"Version: 1\r\n" +
	"Original-Mail-From: <somespammer@example.net>\r\n" +
	"Original-Rcpt-To: <user@example.com>\r\n" +
	"Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT\r\n" +
	"Source-IP: 192.0.2.1\r\n" +
	"\r\n" +
	"--part1_13d.2e68ed54_boundary\r\n" +
	"Content-Type: message/rfc822\r\n" +
	"Content-Disposition: inline\r\n" +
	"\r\n" +
	"From: <somespammer@example.net>\r\n" +
	"Received: from mailserver.example.net (mailserver.example.net\r\n" +
	"        [192.0.2.1]) by example.com with ESMTP id M63d4137594e46;\r\n" +
	"        Thu, 08 Mar 2005 14:00:00 -0400\r\n" +
	"To: <Undisclosed Recipients>\r\n" +
	"Subject: Earn money\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-type: text/plain\r\n" +
	"Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net\r\n" +
	"Date: Thu, 02 Sep 2004 12:31:03 -0500\r\n" +
	"\r\n" +
	"Spam Spam Spam\r\n" +
	"--part1_13d.2e68ed54_boundary--\r\n"

func TestReportComplaint(t *testing.T) {
	for _, c := range []struct {
		typ  string
		want suppression.Reason
	}{
		{"abuse", suppression.Complaint},
		{"fraud", suppression.Complaint},
		{"not-spam", ""},
		{"auth-failure", ""},
	} {
		l := newList(t, nil)
		rep, err := bounce.Parse(strings.NewReader(strings.Replace(arf, "%s", c.typ, 1)))
		if err != nil || rep.Kind != bounce.KindFeedback {
			t.Fatalf("bounce.Parse: %v, kind %v", err, rep.Kind)
		}
		es, err := l.Report(ctx, "acme", rep)
		if err != nil {
			t.Fatal(err)
		}
		if c.want == "" {
			if len(es) != 0 || l.Len() != 0 {
				t.Errorf("%s report suppressed %+v", c.typ, es)
			}
			continue
		}
		if len(es) != 1 || es[0].Address != "user@example.com" || es[0].Reason != c.want || es[0].Tenant != "acme" {
			t.Fatalf("%s report: entries %+v", c.typ, es)
		}
		ev := es[0].Evidence
		if ev.FeedbackType != c.typ || ev.UserAgent != "SomeGenerator/1.0" || ev.SourceIP != "192.0.2.1" || ev.ArrivalDate.IsZero() {
			t.Errorf("%s report evidence %+v", c.typ, ev)
		}
	}
}

func TestReportDSN(t *testing.T) {
	// A DSN as RFC 3464 §2 lays it out, with a hard and a soft
	// recipient and a delayed one.
	dsn := "From: MAILER-DAEMON@mx.example.org\r\nTo: sender@example.net\r\nSubject: Undelivered Mail\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nSome recipients failed.\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Final-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown\r\n\r\n" +
		"Final-Recipient: rfc822; full@example.org\r\nAction: failed\r\nStatus: 5.2.2\r\n" +
		"Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n\r\n" +
		"Final-Recipient: rfc822; slow@example.org\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n" +
		"--b--\r\n"
	l := newList(t, &suppression.Options{SoftLimit: 2})
	for round := 1; round <= 2; round++ {
		rep, err := bounce.Parse(strings.NewReader(dsn))
		if err != nil {
			t.Fatal(err)
		}
		es, err := l.Report(ctx, "", rep)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]suppression.Reason{}
		for _, e := range es {
			got[e.Address] = e.Reason
		}
		want := map[string]suppression.Reason{"nobody@example.org": suppression.HardBounce}
		if round == 2 {
			want["full@example.org"] = suppression.SoftBounce
		}
		if len(got) != len(want) || got["nobody@example.org"] != want["nobody@example.org"] || got["full@example.org"] != want["full@example.org"] {
			t.Errorf("round %d: entries %v, want %v", round, got, want)
		}
	}
	if _, ok := l.Check("", "slow@example.org"); ok {
		t.Error("a delayed recipient was suppressed")
	}
}

// The list answers verify.Checker's question for one tenant.
func TestForTenant(t *testing.T) {
	l := newList(t, nil)
	add(t, l, suppression.Entry{Address: "gone@shop.example", Tenant: "acme", Reason: suppression.HardBounce})
	var s verify.Suppressions = l.ForTenant("acme")
	a, _ := address.Parse("Gone@shop.example")
	if why, ok, err := s.Suppressed(ctx, a); !ok || err != nil || why != "hard-bounce (gone@shop.example)" {
		t.Errorf("Suppressed: %q %v %v", why, ok, err)
	}
	if _, ok, _ := l.ForTenant("other").Suppressed(ctx, a); ok {
		t.Error("another tenant's entry")
	}
}

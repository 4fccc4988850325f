package bounce

import (
	"fmt"
	"strings"
	"testing"
)

// Counter-examples from a review of the rules and parsing paths added for
// issue 17: real layouts, from the sources each case names, that a new rule
// could have read wrong. Each case is cut to the lines it needs, addresses
// and hosts replaced.

// reviewDSNCases hold DSN readings the Final-Recipient replacement must
// leave alone.
var reviewDSNCases = []dsnCase{
	// A Final-Recipient in an internationalised domain: RFC 6531 §1.2
	// extends RFC 5321's syntax to permit internationalised addresses in
	// the envelope (U-labels in the domain), and RFC 6533 gives DSNs the
	// "utf-8" address type to name them in Final-Recipient. The address is
	// a mailbox, not a masked field: it stays, though Original-Recipient
	// names the alias the sender wrote to (RFC 3464 §2.3.1), which other
	// members may still read.
	{"U-label Final-Recipient beside an alias", mimeReport(
		"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"+
			"Content-Type: multipart/report; report-type=global-delivery-status; boundary=\"u8\"\n", "u8", "",
		"Content-Type: text/plain; charset=utf-8\n\n"+postfixPre+"<bob@b\u00fccher.example>: host mx.b\u00fccher.example[192.0.2.7] said: 550 5.1.1\n    User unknown (in reply to RCPT TO command)\n",
		"Content-Type: message/global-delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: utf-8; bob@b\u00fccher.example\nOriginal-Recipient: rfc822;team@example.org\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.b\u00fccher.example\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n",
		"Content-Type: text/rfc822-headers\n\n"+returnedHeaders),
		formatWant{"bob@b\u00fccher.example", UserUnknown, true, "5.1.1", "user unknown"}},
}

func TestReviewDSN(t *testing.T) { checkDSNCases(t, reviewDSNCases) }

// reviewLayouts: Exim's sender-verify callout reply names the sender's
// address after "RCPT TO:" (src/src/verify.c, do_callout(): a sender
// callout's user_message "Called:   %s\nSent:     %s\nResponse: %s", the
// command sent as "Sent:"), under "550-Verification failed for <sender>"
// and before "550 Sender verify failed". The "Rcpt To" label that makes an
// address a recipient (Postal's bounce) must not make the sender one here,
// in the layouts that quote the reply on one line.
var reviewLayouts = []formatCase{
	// Exchange 2007's diagnostic line, "host #reply ##" (TestExchangeFormats).
	{name: "Exchange 2007, Exim sender callout quoted", from: "postmaster@example.org", subject: "Undeliverable: hello", action: "failed",
		body: "Delivery has failed to these recipients or groups:\n\nbob@example.net\nA problem occurred during the delivery of this message.\n\n" +
			"Diagnostic information for administrators:\n\nGenerating server: mx.example.org\n\nbob@example.net\n" +
			"mx.example.net #550-Verification failed for <sender@example.org> 550-Called:   192.0.2.9 550-Sent:     RCPT TO:<sender@example.org> 550-Response: 550 5.1.1 <sender@example.org>: Recipient address rejected: User unknown in local recipient table 550 Sender verify failed ##\n\n" +
			"Original message headers:\n\nFrom: sender@example.org\nTo: bob@example.net\n",
		want: []formatWant{{"bob@example.net", Rejected, false, "5", "Sender verify failed"}}},
	// Postfix's record of the reply on one line, as Postfix logs it
	// (smtp(8) "host %s said: %s"), before the folding bounce(5) applies.
	{name: "Postfix, Exim sender callout on one line", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<bob@example.net>: host mx.example.net[192.0.2.1] said: 550-Verification failed for <sender@example.org> 550-Called:   192.0.2.9 550-Sent:     RCPT TO:<sender@example.org> 550-Response: 550 <sender@example.org>: Recipient address rejected: User unknown in local recipient table 550 Sender verify failed (in reply to RCPT TO command)\n",
		want: []formatWant{{"bob@example.net", Rejected, false, "5", "Sender verify failed"}}},
}

func TestReviewLayouts(t *testing.T) { checkFormats(t, reviewLayouts) }

// TestReviewMaskHostNames: only a name before a bracketed address literal
// (RFC 5321 §4.1.3, at most "IPv6:" and 45 characters) is masked, and
// text of many brackets is read in one pass.
func TestReviewMaskHostNames(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"host spam.example.net[192.0.2.1] said: 550 5.1.1 user unknown", "host host.x[192.0.2.1] said: 550 5.1.1 user unknown"},
		{"connect to mx.example.net[ipv6:2001:db8:85a3:0:0:8a2e:370:7334]:25: connection refused", "connect to host.x[ipv6:2001:db8:85a3:0:0:8a2e:370:7334]:25: connection refused"},
		{"unknown[192.0.2.1]: client host rejected", "unknown[192.0.2.1]: client host rejected"},
		{"virus.example.net[" + strings.Repeat("1", 60) + "]", "virus.example.net[" + strings.Repeat("1", 60) + "]"},
		{"a.b[[1.2.3.4] x.y[1.2.3.4", "a.b[[1.2.3.4] x.y[1.2.3.4"},
		{"", ""}, {"[", "["}, {"a.b[]", "a.b[]"},
	} {
		if got := maskHostNames(c.in); got != c.want {
			t.Errorf("maskHostNames(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := "550 " + strings.Repeat("[", 1<<20) + " x.y[192.0.2.1]"
	if got := maskHostNames(long); !strings.HasSuffix(got, " host.x[192.0.2.1]") {
		t.Errorf("long input: ends %q", got[len(got)-30:])
	}
}

// TestReviewSpamhausReturnCode: Spamhaus named beside its page for refused
// queries is no listing of the sending host. A receiver that asks Spamhaus
// through a public resolver gets a return code it must not read as a
// listing; the page it links says "It is not because you are listed on
// one of our blocklists" but the recipient's server configuration
// (simple-login/app issue 2675 quotes the page beside Postfix's reject
// "Error: open resolver; https://check.spamhaus.org/returnc/pub/x"). The
// reply is as openstreetmap/operations issue 674 quotes it, address
// replaced.
func TestReviewSpamhausReturnCode(t *testing.T) {
	c := ClassifyReply("RCPT", 550, "", "550 Error: open resolver; https://www.spamhaus.org/returnc/pub/2001:db8::1")
	if c.Reason == Blocked || c.Reason == SpamDetected || c.Hard {
		t.Errorf("open resolver refusal: %s hard %v, want neither a host's listing nor spam", c.Reason, c.Hard)
	}
	// Spamhaus named for a listing still is one (the ZoneMTA sample kept
	// in the provider table).
	if c := ClassifyReply("RCPT", 550, "", "550 Email blocked by SPAMHAUS"); c.Reason != Blocked {
		t.Errorf("Spamhaus listing: %s, want %s", c.Reason, Blocked)
	}
}

// TestReviewRepeatedAddress: a recipient named on many lines is read once
// per line, not from its first line again each time (hasReasonLine keeps
// its place); what it reports does not change when lines are taken away.
func TestReviewRepeatedAddress(t *testing.T) {
	b := block{lines: []string{"<a@example.net>", "(reason: 550 5.1.1 User unknown)"}}
	if !b.hasReasonLine() {
		t.Fatal("reason line not seen")
	}
	b.lines = b.lines[:1]
	if b.hasReasonLine() {
		t.Error("reason line still seen after it was taken away")
	}
	b.lines = append(b.lines, "   (reason: 550 5.1.1 User unknown)")
	if !b.hasReasonLine() {
		t.Error("reason line appended later not seen")
	}
	msg := "From: MAILER-DAEMON@example.org\r\nTo: s@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nThis is the mail system.\r\n\r\n" +
		strings.Repeat("<a@example.net>\r\n", 20000)
	rep, err := Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != "a@example.net" {
		t.Errorf("recipients %+v, want a@example.net once", rep.Recipients)
	}
}

// TestReviewEximAliasChildren: an alias that names several addresses
// gives each the same ancestor, and Exim's DSN names that ancestor as the
// Final-Recipient of each (src/src/deliver.c, print_dsn_addr_action():
// "for (pa = addr; pa->parent; ) pa = pa->parent;" then "Final-Recipient:
// rfc822;%s" with pa->address), in the reverse order of its text (the
// two groups of test/mail/0224.CALLER), while the text names each child
// with "(generated from x)" under it (test/mail/0224.CALLER). Which text
// block is whose is then unknown: no child's cause is given to both,
// unless all children's words agree.
func TestReviewEximAliasChildren(t *testing.T) {
	parse := func(body, report string) []Recipient {
		t.Helper()
		c := formatCase{from: eximFrom, subject: eximFailed, header: "X-Failed-Recipients: a@example.net,\n  b@example.com\n", body: eximPre + body, report: report}
		rep, err := Parse(strings.NewReader(c.message()))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Recipients) != 2 {
			t.Fatalf("recipients %+v, want 2", rep.Recipients)
		}
		return rep.Recipients
	}
	// One child no router takes (test/mail/0224.CALLER's "Unrouteable
	// address"), one whose mailbox is full until the retry rules end
	// (test/mail/0310.CALLER's "mailbox is full: retry timeout exceeded").
	for _, r := range parse("  a@example.net\n    (generated from list@example.org)\n    Unrouteable address\n  b@example.com\n    (generated from list@example.org)\n    mailbox is full: retry timeout exceeded\n",
		eximReport("list@example.org", "list@example.org")) {
		if r.Hard || r.Reason == HostUnknown || r.Reason == MailboxFull {
			t.Errorf("%s: %s hard %v, want neither child's cause (which is whose is unknown)", r.FinalRecipient, r.Reason, r.Hard)
		}
	}
	// Children that fail alike keep their reading.
	for _, r := range parse("  a@example.net\n    (generated from list@example.org)\n    Unrouteable address\n  b@example.com\n    (generated from list@example.org)\n    Unrouteable address\n",
		eximReport("list@example.org", "list@example.org")) {
		if r.Reason != HostUnknown || !r.Hard {
			t.Errorf("%s: %s hard %v, want %s hard", r.FinalRecipient, r.Reason, r.Hard, HostUnknown)
		}
	}
	// Many children of many aliases, the DSN naming other addresses:
	// each block's ancestor is read once, not once per DSN recipient.
	var body strings.Builder
	var rcpts []string
	for i := range 3000 {
		fmt.Fprintf(&body, "  a%d@example.net\n    (generated from l%d@example.org)\n    Unrouteable address\n", i, i)
		rcpts = append(rcpts, fmt.Sprintf("m%d@example.org", i))
	}
	c := formatCase{from: eximFrom, subject: eximFailed, body: eximPre + body.String(), report: eximReport(rcpts...)}
	if rep, err := Parse(strings.NewReader(c.message())); err != nil || len(rep.Recipients) == 0 {
		t.Errorf("many aliases: %v, %d recipients", err, len(rep.Recipients))
	}
}

// reviewDelaySubjects: the returned message's subject, where the notice
// repeats it, is not the notice's word that delivery goes on. A
// recipient a notice reports as delayed gets a temporary status
// (RFC 3464 §2.3.3), so a final NDR misread as a delay notice would turn
// an unknown user soft. Exchange's NDR subject is "Undeliverable:
// <subject>" (bounceSubjects) and Exchange 2003's text repeats the
// subject above the recipients (TestExchangeFormats' layouts); a
// sender's "Your order has been delayed" is the sender's.
var reviewDelaySubjects = []formatCase{
	{name: "Exchange 2007, returned subject of a delay", from: "Microsoft Exchange <postmaster@example.org>", subject: "Undeliverable: Your order has been delayed", action: "failed",
		body: "Delivery has failed to these recipients or distribution lists:\n\ngone@example.net\nThe recipient's e-mail address was not found in the recipient's e-mail system. Microsoft Exchange will not try to redeliver this message for you. Please check the e-mail address and try resending this message, or provide the following diagnostic text to your system administrator.\n\n" +
			"Diagnostic information for administrators:\n\nGenerating server: mx.example.org\n\ngone@example.net\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\n" +
			"Original message headers:\n\nFrom: Sender <sender@example.org>\nTo: gone@example.net\nSubject: Your order has been delayed\nMessage-ID: <send-42@example.org>\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "RecipNotFound"}}},
	{name: "Exchange 2003, subject of a delay in the summary", from: "System Administrator <postmaster@example.org>", subject: "Undeliverable: Your order has been delayed", action: "failed",
		body: "Your message did not reach some or all of the intended recipients.\n\n      Subject:\tYour order has been delayed\n      Sent:\t12/6/2026 10:00 AM\n\nThe following recipient(s) could not be reached:\n\n" +
			"      gone@example.net on 12/6/2026 10:00 AM\n            The e-mail account does not exist at the organization this message was sent to.  Check the e-mail address, or contact the recipient directly to find out the correct address.\n            <mx.example.org #5.1.1>\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "does not exist"}}},
	// A real delay notice whose returned subject also speaks of a delay
	// stays one: its own words say delivery goes on (Exchange 2010's
	// delay DSN, exchangeDelayText).
	{name: "Exchange delay DSN, subject of a delay", from: exchangeFrom, subject: "Delivery delayed:Your order has been delayed", action: "delayed",
		body: exchangeDelayPre + "slow@example.net" + strings.Replace(exchangeDelayText, "Subject: hello", "Subject: Your order has been delayed", 1),
		want: []formatWant{{"slow@example.net", Expired, false, "4", ""}}},
}

func TestReviewDelaySubjects(t *testing.T) { checkFormats(t, reviewDelaySubjects) }

// TestReviewCommaListSize: recipients listed on one line separated by
// commas (Barracuda's "Your message to: <a>, <b>", TestExternalNDR) are
// each read from their own address, not from the whole line: a line of
// thousands of addresses is read in time linear in its length.
func TestReviewCommaListSize(t *testing.T) {
	var b strings.Builder
	b.WriteString("BANNED FILENAME ALERT\n\nYour message to: ")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "<a%d@example.net>", i)
	}
	b.WriteString("\nwas blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:\n\nSubject: hello\n\nAn attachment in that mail was of a file type that the Spam Firewall is set to block.\n")
	c := formatCase{from: "MAILER DAEMON <>", subject: "Banned file: x.bat in mail from you", body: b.String()}
	rep, err := Parse(strings.NewReader(c.message()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 5000 {
		t.Fatalf("%d recipients, want 5000", len(rep.Recipients))
	}
	for _, r := range []Recipient{rep.Recipients[0], rep.Recipients[4999]} {
		if r.Reason != PolicyViolation {
			t.Errorf("%s: %s, want %s", r.FinalRecipient, r.Reason, PolicyViolation)
		}
	}
}

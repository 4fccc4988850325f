package bounce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gomtaWant is one recipient of a DSN that a Go MTA's own code wrote when
// the failure was caused for it (testdata/gomta/<program>/README.md says
// how): the verdict is known by construction, not read from Parse.
type gomtaWant struct {
	rcpt   string
	action string // the DSN's Action for the recipient
	reason Reason
	hard   bool
	// status is the enhanced code the receiver gave (which the DSN
	// carries in its Status field or quotes in its diagnostic), or, for
	// a failure the sending MTA met itself, the DSN's own Status.
	status string
}

// gomtaCases are the DSNs of testdata/gomta, by program and file name.
// The scripted receiver's replies are worded as the servers they copy
// word them: Postfix smtpd's "Recipient address rejected: User unknown in
// virtual mailbox table" and "... in local recipient table"
// (postfix.org/LOCAL_RECIPIENT_README.html, VIRTUAL_README.html), Gmail's
// 552 5.2.2 over quota (support.google.com/a/answer/3726730), Exchange
// Online's 5.7.1 "Message rejected as spam" (its NDR table), postgrey's
// "Greylisted, see http://postgrey.schweikert.ch/help/<domain>.html"
// (postgrey(8), --greylist-text) and Postfix cleanup's "451 4.3.0 Error:
// queue file write error" (postfix/src/smtpd/smtpd.c).
var gomtaCases = map[string]map[string][]gomtaWant{
	// chasquid 1.15 (internal/queue/dsn.go, deliveryStatusNotification):
	// Status 5.0.0 for a recipient that failed permanently, 4.0.0 for
	// one that "failed repeatedly and timed out" (its queue gives up
	// after 20 hours, queue.go giveUpAfter), Action failed for both; the
	// Diagnostic-Code is the courier's error: 'MAIL+RCPT 550 "5.1.1
	// ..."' (internal/courier/smtp.go), "all MXs returned transient
	// failures (last: ...)", "MDA delivery failed: exit status n - ..."
	// (internal/courier/mda.go).
	"chasquid": {
		"rcpt-550-user-unknown": {{"nobody@example.net", "failed", UserUnknown, true, "5.1.1"}},
		"rcpt-552-mailbox-full": {{"full@example.net", "failed", MailboxFull, false, "5.2.2"}},
		// Gmail's multi-line reply (its text as support.google.com/a/
		// answer/3726730 gives it, on three lines); chasquid quotes the
		// lines after the code with Go's %q, "\n" between them.
		"rcpt-550-multiline": {{"multiline@example.net", "failed", UserUnknown, true, "5.1.1"}},
		"data-554-spam":      {{"filtered@example.net", "failed", SpamDetected, false, "5.7.1"}},
		// A temporary system error of the receiver until the sending
		// MTA gave up: expired.
		"data-451-expired": {{"busy@example.net", "failed", Expired, false, "4.3.0"}},
		// Greylisted (RFC 6647) until the sending MTA gave up: the
		// receiver refused the client for now, every time.
		"rcpt-450-greylisted-expired": {{"grey@example.net", "failed", Blocked, false, "4.2.0"}},
		"connection-refused-expired":  {{"refused@refused.example.net", "failed", Expired, false, "4.0.0"}},
		// The local delivery program (chasquid's MDA courier) exited 1:
		// permanent, a mailer's failure; 75 (EX_TEMPFAIL) is retried
		// until the queue gives up and reported with the exit status,
		// a mailer's failure as the matrix's pipe-tempfail is.
		// RFC 5321 §3.1: "554 No SMTP service here" in place of the
		// greeting refuses the client; chasquid retries any failure
		// before MAIL (internal/courier/smtp.go, "Error creating
		// client") until its queue gives up.
		"greeting-554-expired": {{"user@greet.example.net", "failed", Blocked, false, "4.0.0"}},
		// chasquid has seen the domain with valid TLS and refuses a
		// plain connection to it (internal/domaininfo, OutgoingSecLevel;
		// smtp.go: "Security level check failed (level:PLAIN)", retried):
		// TLS required and not to be had.
		"tls-downgrade-expired":      {{"user@secure.example.net", "failed", FailedSTARTTLS, false, "4.0.0"}},
		"local-mda-exit-1":           {{"box@example.org", "failed", MailerError, false, "5.0.0"}},
		"local-mda-tempfail-expired": {{"tempfail@example.org", "failed", MailerError, false, "4.0.0"}},
		"three-rcpts-unknown-full-expired": {
			{"nobody@example.net", "failed", UserUnknown, true, "5.1.1"},
			{"full@example.net", "failed", MailboxFull, false, "5.2.2"},
			{"busy@example.net", "failed", Expired, false, "4.3.0"},
		},
	},
	// mox v0.0.15 (queue/dsn.go, deliverDSNFailure and deliverDSNDelay;
	// dsn/dsn.go, Message.Compose): one DSN per recipient, Status "5." or
	// "4." and the receiver's enhanced code (x.0.0 when it gave none or
	// did not announce ENHANCEDSTATUSCODES) with the error as its
	// comment, the reply as Diagnostic-Code. A delay notice goes out at
	// the fifth attempt, a failure after the eighth or at a permanent
	// error (queue.go, failMsgsTx).
	"mox": {
		"rcpt-550-user-unknown":           {{"nobody@example.net", "failed", UserUnknown, true, "5.1.1"}},
		"rcpt-550-no-enhancedstatuscodes": {{"unknown@example.net", "failed", UserUnknown, true, "5.1.1"}},
		"two-rcpts-550-and-ok":            {{"gone@example.net", "failed", UserUnknown, true, "5.1.1"}},
		"rcpt-552-mailbox-full":           {{"full@example.net", "failed", MailboxFull, false, "5.2.2"}},
		"rcpt-550-multiline":              {{"multiline@example.net", "failed", UserUnknown, true, "5.1.1"}},
		"data-554-spam":                   {{"filtered@example.net", "failed", SpamDetected, false, "5.7.1"}},
		// mox gives up after eight attempts and writes the temporary
		// reply's code under class 5, "5.3.0" beside "451 4.3.0"; the
		// receiver gave 4.3.0.
		"data-451-expired":            {{"busy@example.net", "failed", Expired, false, "4.3.0"}},
		"rcpt-450-greylisted-delayed": {{"grey@example.net", "delayed", Blocked, false, "4.2.0"}},
		"connection-refused-expired":  {{"refused@example.net", "failed", Expired, false, "5.0.0"}},
		// A delay notice for a host that refuses connections: the
		// network error is why it is delayed.
		"connection-refused-delayed": {{"later@example.net", "delayed", NetworkError, false, "4.0.0"}},
		// RFC 7505: the domain's MX "." says it accepts no mail.
		"null-mx":      {{"someone@nullmx.example", "failed", NotAccept, true, "5.0.0"}},
		"greeting-554": {{"user@example.net", "failed", Blocked, false, "5.0.0"}},
		// The message requires TLS (RFC 8689 REQUIRETLS) and the domain
		// has no MTA-STS or DANE policy to verify it by: mox fails it
		// at once with 5.7.30, "REQUIRETLS support required" (queue/
		// direct.go: "destination servers do not support requiretls").
		"requiretls-unsupported": {{"tls@example.net", "failed", FailedSTARTTLS, false, "5.7.30"}},
	},
}

// eachGoMTARecipient parses every DSN of gomtaCases, as text(data) gives
// it, and calls check with each expected recipient and the one Parse
// reports for it; it returns how many were checked and how many check
// passed.
func eachGoMTARecipient(t *testing.T, text func([]byte) string, check func(prog, name string, rep *Report, w gomtaWant, got *Recipient) bool) (total, right int) {
	t.Helper()
	for prog, files := range gomtaCases {
		for name, wants := range files {
			data, err := os.ReadFile(filepath.Join("testdata", "gomta", prog, name+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Parse(strings.NewReader(text(data)))
			if err != nil {
				t.Errorf("%s/%s: %v", prog, name, err)
				continue
			}
			if len(rep.Recipients) != len(wants) {
				t.Errorf("%s/%s: %d recipients, want %d", prog, name, len(rep.Recipients), len(wants))
			}
			for _, w := range wants {
				total++
				var got *Recipient
				for i := range rep.Recipients {
					if strings.EqualFold(rep.Recipients[i].FinalRecipient, w.rcpt) {
						got = &rep.Recipients[i]
					}
				}
				if got == nil {
					t.Errorf("%s/%s: %s not reported", prog, name, w.rcpt)
					continue
				}
				if check(prog, name, rep, w, got) {
					right++
				}
			}
		}
	}
	return total, right
}

// TestGoMTADSNs parses the DSNs chasquid and mox wrote (testdata/gomta)
// and checks each recipient's address, action, reason, status and
// hard/soft against the failure that was caused.
func TestGoMTADSNs(t *testing.T) {
	for prog, files := range gomtaCases {
		ents, err := os.ReadDir(filepath.Join("testdata", "gomta", prog))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".eml") {
				n++
				if _, ok := files[strings.TrimSuffix(e.Name(), ".eml")]; !ok {
					t.Errorf("%s/%s: no expectation", prog, e.Name())
				}
			}
		}
		if n != len(files) {
			t.Errorf("%s: %d DSNs, %d expectations", prog, n, len(files))
		}
	}
	total, right := eachGoMTARecipient(t, func(data []byte) string { return string(data) }, func(prog, name string, rep *Report, w gomtaWant, got *Recipient) bool {
		if rep.Kind != KindDSN {
			t.Errorf("%s/%s: kind %v", prog, name, rep.Kind)
		}
		if string(got.Action) != w.action || got.Reason != w.reason || got.Hard != w.hard || got.Status != w.status {
			t.Errorf("%s/%s: %s action %s reason %s status %s hard %v; want %s, %s, %s, hard %v\n  diagnostic: %s",
				prog, name, w.rcpt, got.Action, got.Reason, got.Status, got.Hard, w.action, w.reason, w.status, w.hard, got.DiagnosticCode)
			return false
		}
		return true
	})
	t.Logf("Go MTAs: %d of %d recipients right (action, reason, status and hard/soft)", right, total)
}

// gromoxInfo is the tail of gromox's local delivery bounce templates:
// the returned message's summary (grommunio/gromox data/local_bounce/
// ascii/*, "Below is the original mail information:"). exml_bouncer_make
// (mda/exmdb_local/bounce_producer.cpp) fills %(time), %(from), %(rcpts),
// %(subject) and %(length), and no %(parts) (left empty here).
const gromoxInfo = "\nBelow is the original mail information:\n   Time:    Mon, 07 Dec 2026 15:59:00 +0000\n   From:    sender@example.org\n   To:      RCPT\n   Subject: hello\n   Parts:   \n   Length:  2 kB\n"

// gromoxTemplates are the texts of gromox's BOUNCE_NO_USER,
// BOUNCE_MAILBOX_FULL and BOUNCE_OPERATION_ERROR templates
// (grommunio/gromox data/local_bounce/ascii/), which exmdb_local sends
// for DELIVERY_NO_USER (the user database has no mailbox for the
// address), DELIVERY_MAILBOX_FULL (the store's size or message count
// quota) and DELIVERY_OPERATION_ERROR (mda/exmdb_local/exmdb_local.cpp,
// exmdb_local_deliverquota), with RCPT for the recipient.
var gromoxTemplates = []struct{ name, subject, text string }{
	{"no-user", "Delivery failure, user doesn't exist!", "Hi,\n  I am sorry to tell you that that the address \"RCPT\" does not\nexist. Please check whether the addess is rigthly composed and try it\nagain.\n" + gromoxInfo + "\t\n"},
	{"mailbox-full", "Delivery failure, user's mailbox is full", "Hi,\n  I am sorry to tell you that RCPT's mailbox is full, we cannot\ndeliver any message into this mailbox, please try it later.\n" + gromoxInfo},
	{"operation-error", "Delivery failure, mail system error!", "Hi,\n  I am sorry to tell you that some error occurs in our mail system,\nyour message to \"RCPT\" cannot be delivered, please contact our mail\nsystem administrator to settle this problem.\n" + gromoxInfo},
}

// TestGromoxPostalFormats reads the texts of gromox's local delivery
// bounces (gromoxTemplates) and Postal's bounce (postalserver/postal
// app/models/bounce_message.rb, BounceMessage#body: sent from the route
// the message failed at, "Mail Delivery Failed (<subject>)", with the
// route as "Rcpt To:" and no reason), as their sources write them.
func TestGromoxPostalFormats(t *testing.T) {
	wants := map[string]formatWant{
		"no-user":         {"nobody@example.org", UserUnknown, true, "5", ""},
		"mailbox-full":    {"full@example.org", MailboxFull, false, "5", ""},
		"operation-error": {"err@example.org", SystemError, false, "5", ""},
	}
	var cases []formatCase
	for _, tp := range gromoxTemplates {
		w := wants[tp.name]
		cases = append(cases, formatCase{name: "gromox " + tp.name, from: "postmaster@mail.example.org", subject: tp.subject, action: "failed",
			body: strings.ReplaceAll(tp.text, "RCPT", w.rcpt), want: []formatWant{w}})
	}
	cases = append(cases, formatCase{name: "postal", from: "Mail Delivery Service <route@in.example.net>", subject: "Mail Delivery Failed (hello)", action: "failed",
		header: "Message-ID: <6f1c2a@rp.example.net>\n",
		body: "This is the mail delivery service responsible for delivering mail to route@in.example.net.\n\n" +
			"The message you've sent cannot be delivered. Your original message is attached to this message.\n\n" +
			"For further assistance please contact postmaster@in.example.net. Please include the details below to help us identify the issue.\n\n" +
			"Message Token: a1b2c3@srv9\nOrginal Message ID: <send-42@example.org>\nMail from: sender@example.org\nRcpt To: route@in.example.net\n",
		// The notice names no reason: onhold (doc.go, step 9).
		want: []formatWant{{"route@in.example.net", OnHold, false, "5", ""}}})
	checkFormats(t, cases)
}

// TestGromoxDSNLayout reads gromox's local delivery bounce as
// exml_bouncer_make (mda/exmdb_local/bounce_producer.cpp) writes it: a
// multipart/report whose first part is the template's text and whose
// delivery-status part gives "Reporting-MTA: dns;<host>", "Arrival-Date",
// then "Final-Recipient: rfc822;<rcpt>", "Action: failed", "Status:
// 5.0.0" and "Remote-MTA: dns;<host>", and no Diagnostic-Code: the reason
// is in the text alone (BOUNCE_OPERATION_ERROR's in the sentence that
// runs on to the address's line).
func TestGromoxDSNLayout(t *testing.T) {
	wants := map[string]gomtaWant{
		"no-user":         {"nobody@example.org", "failed", UserUnknown, true, "5.0.0"},
		"mailbox-full":    {"full@example.org", "failed", MailboxFull, false, "5.0.0"},
		"operation-error": {"err@example.org", "failed", SystemError, false, "5.0.0"},
	}
	for _, tp := range gromoxTemplates {
		w, ok := wants[tp.name]
		if !ok {
			continue
		}
		text := strings.ReplaceAll(tp.text, "RCPT", w.rcpt)
		msg := "From: postmaster@mail.example.org\nTo: sender@example.org\nSubject: " + tp.subject +
			"\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"_=_b1\"\nX-Auto-Response-Suppress: All\n\n" +
			"--_=_b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n" + text +
			"\n--_=_b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;mail.example.org\nArrival-Date: 2 kB\n\n" +
			"Final-Recipient: rfc822;" + w.rcpt + "\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns;mail.example.org\n\n--_=_b1--\n"
		rep, err := Parse(strings.NewReader(strings.ReplaceAll(msg, "\n", "\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Kind != KindDSN || len(rep.Recipients) != 1 {
			t.Errorf("%s: kind %v, %d recipients", tp.name, rep.Kind, len(rep.Recipients))
			continue
		}
		r := rep.Recipients[0]
		if r.FinalRecipient != w.rcpt || string(r.Action) != w.action || r.Reason != w.reason || r.Hard != w.hard || r.Status != w.status {
			t.Errorf("%s: %s %s %s %s hard %v; want %+v", tp.name, r.FinalRecipient, r.Action, r.Reason, r.Status, r.Hard, w)
		}
	}
}

// gomtaTextReported are the verdicts the text of a DSN in testdata/gomta
// gives, read alone, where it says less than the delivery-status part.
// chasquid's text (internal/queue/dsn.go) gives a recipient it gave up
// on as "failed repeatedly and timed out, last error:" and the error,
// with no Status: a temporary failure is not known to be one.
var gomtaTextReported = map[string]map[string]Reason{
	"chasquid": {
		// EX_TEMPFAIL's exit status is not read as a mailer's failure
		// once retried until the queue gave up: given up.
		"local-mda-tempfail-expired": Expired,
	},
}

// TestGoMTATextOnly reads the DSNs of testdata/gomta with their
// delivery-status part taken out, as TestMTATextOnly reads the matrix's:
// the text each program writes for people must give the same recipients,
// reason and hard/soft as the DSN (gomtaCases), but where
// gomtaTextReported says why the text says otherwise.
func TestGoMTATextOnly(t *testing.T) {
	total, right := eachGoMTARecipient(t, func(data []byte) string { return withoutDeliveryStatus(t, data) }, func(prog, name string, _ *Report, w gomtaWant, got *Recipient) bool {
		if r, ok := gomtaTextReported[prog][name]; ok {
			w.reason, w.hard = r, hardReason(r)
		}
		if string(got.Action) != w.action || got.Reason != w.reason || got.Hard != w.hard {
			t.Errorf("%s/%s: %s action %s reason %s hard %v; want %s, %s, hard %v\n  diagnostic: %s",
				prog, name, w.rcpt, got.Action, got.Reason, got.Hard, w.action, w.reason, w.hard, got.DiagnosticCode)
			return false
		}
		return true
	})
	t.Logf("Go MTAs, text alone: %d of %d recipients right (action, reason and hard/soft)", right, total)
}

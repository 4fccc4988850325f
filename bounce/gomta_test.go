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
		"data-554-spam":         {{"filtered@example.net", "failed", SpamDetected, false, "5.7.1"}},
		// A temporary system error of the receiver until the sending
		// MTA gave up: expired.
		"data-451-expired": {{"busy@example.net", "failed", Expired, false, "4.3.0"}},
		// Greylisted (RFC 6647) until the sending MTA gave up: the
		// receiver refused the client for now, every time.
		"rcpt-450-greylisted-expired": {{"grey@example.net", "failed", Blocked, false, "4.2.0"}},
		"connection-refused-expired":  {{"refused@refused.example.net", "failed", Expired, false, "4.0.0"}},
		// The domain does not exist (NXDOMAIN). chasquid falls back to
		// the domain's address when the MX lookup says NXDOMAIN and
		// takes the failed dial ("lookup x on y: no such host", Go's
		// net package) for a temporary failure, retried until its queue
		// gives up, and reports it so (Status 4.0.0, "failed repeatedly
		// and timed out"): a host unknown under a 4.x status, a network
		// error (doc.go, Decision procedure), as Gmail's DSNs that give
		// "responded with code NXDOMAIN" under Action failed and Status
		// 4.0.0 are labelled in the shared corpus.
		"nxdomain-expired": {{"someone@nosuchdomain.example.net", "failed", NetworkError, false, "4.0.0"}},
		// The local delivery program (chasquid's MDA courier) exited 1:
		// permanent, a mailer's failure; 75 (EX_TEMPFAIL) is retried
		// until the queue gives up and reported with the exit status,
		// a mailer's failure as the matrix's pipe-tempfail is.
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
		"null-mx": {{"someone@nullmx.example", "failed", NotAccept, true, "5.0.0"}},
	},
}

// TestGoMTADSNs parses the DSNs chasquid and mox wrote (testdata/gomta)
// and checks each recipient's address, action, reason, status and
// hard/soft against the failure that was caused.
func TestGoMTADSNs(t *testing.T) {
	total, right := 0, 0
	for prog, files := range gomtaCases {
		dir := filepath.Join("testdata", "gomta", prog)
		ents, err := os.ReadDir(dir)
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
		for name, wants := range files {
			data, err := os.ReadFile(filepath.Join(dir, name+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Parse(strings.NewReader(string(data)))
			if err != nil {
				t.Errorf("%s/%s: %v", prog, name, err)
				continue
			}
			if rep.Kind != KindDSN {
				t.Errorf("%s/%s: kind %v", prog, name, rep.Kind)
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
				if string(got.Action) != w.action || got.Reason != w.reason || got.Hard != w.hard || got.Status != w.status {
					t.Errorf("%s/%s: %s action %s reason %s status %s hard %v; want %s, %s, %s, hard %v\n  diagnostic: %s",
						prog, name, w.rcpt, got.Action, got.Reason, got.Status, got.Hard, w.action, w.reason, w.status, w.hard, got.DiagnosticCode)
					continue
				}
				right++
			}
		}
	}
	t.Logf("Go MTAs: %d of %d recipients right (action, reason, status and hard/soft)", right, total)
}

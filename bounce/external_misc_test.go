package bounce

import "testing"

// TestExternalMisc reads the layouts of miscLayouts, found in other
// projects' test data.
func TestExternalMisc(t *testing.T) { checkFormats(t, miscLayouts) }

// miscLayouts are bounces first seen in the test data of other
// open-source projects (issue 17: classify bounces the parser has never
// seen; here rgl/MailBounceDetector's and odoo/odoo's), cut to the lines
// each reading needs, addresses and hosts replaced. Each case names the
// file where it was seen and the source that explains its words; the
// reading rests on the source.
var miscLayouts = []formatCase{
	// Postfix local(8)'s lookup of a user it does not have, `unknown
	// user: "name"` (postfix/src/local/recipient.c), under "Status:
	// 5.0.999" (seen in rgl/MailBounceDetector, MailBounceDetector.Tests/
	// Fixtures/bounce_unknown_status.eml, a DSN's fields). RFC 3463 §3.2:
	// subject 0, "X.0.XXX Other or Undefined Status", gives no subject
	// information whatever its detail, so the words place the failure as
	// they do under 5.0.0: the recipient does not exist.
	{
		name:    "Postfix local, unknown user under 5.0.999",
		from:    "MAILER-DAEMON@mx.example.org (Mail Delivery System)",
		subject: "Undelivered Mail Returned to Sender",
		body:    "Final-Recipient: rfc822; gone@example.net\nAction: failed\nStatus: 5.0.999\nDiagnostic-Code: X-Postfix; unknown user:\n    \"gone@example.net\"\n",
		want:    []formatWant{{"gone@example.net", UserUnknown, true, "5.0.999", "unknown user"}},
	},
	// A remote "550 No such person at this address." at RCPT, quoted by
	// Postfix (seen in odoo/odoo, addons/test_mail/data/test_mail_data.py,
	// MAIL_BOUNCE). InMotion Hosting's page on the 550 error
	// (inmotionhosting.com/support/email/bounceback-errors/
	// email-error-550) lists the words among the 550 replies for a
	// recipient mailbox mistyped or not found.
	{
		name:    "No such person at this address, at RCPT",
		from:    "MAILER-DAEMON@mx.example.org (Mail Delivery System)",
		subject: "Undelivered Mail Returned to Sender",
		action:  "failed",
		body:    postfixPre + "<someone@example.net>: host mx.example.net[192.0.2.8] said: 550 No such\n    person at this address. (in reply to RCPT TO command)\n",
		want:    []formatWant{{"someone@example.net", UserUnknown, true, "5", "no such person"}},
	},
}

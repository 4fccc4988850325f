package bounce

import "testing"

// miscLayouts are bounces first seen in the test data of other
// open-source projects (issue 17: classify bounces the parser has never
// seen): whatcould/bounce-email, discourse/discourse, mautic/mautic,
// zammad/zammad, civicrm/civicrm-core, rgl/MailBounceDetector,
// openHPI/bounced_emails, knadh/listmonk and odoo/odoo. Each case is cut to the
// lines its reading needs, addresses and hosts replaced, and names the
// file where it was seen and the source that explains its words; the
// reading rests on the source.
var miscLayouts = []formatCase{
	// Domino's notice for a recipient name its Router found more than
	// once in the Domino Directory (seen in whatcould/bounce-email,
	// test/bounces/tt_bounce_15.txt, from Domino 6.5.3). Domino returns a
	// delivery failure when a name matches directory entries whose mail
	// server, mail file or domain differ (Domino 6 Administration help,
	// "Router is finding the same name in multiple directories ..."):
	// RFC 3463 x.1.4 "Destination mailbox address ambiguous", an address
	// that names no single mailbox.
	{name: "Domino, name not unique in the directory", from: "Postmaster@example.net", subject: "DELIVERY FAILURE: Recipient user name info (info@example.net) not unique.  Several matches found in Domino Directory.",
		body: "Your message\n\n  Subject: hello\n\nwas not delivered to:\n\n  info@example.net\n\nbecause:\n\n  Recipient user name info (info@example.net) not unique.  Several matches found in Domino Directory.\n\n",
		want: []formatWant{{"info@example.net", UserUnknown, true, "5", "several matches found in domino directory"}}},
	// Postfix local(8)'s lookup of a user it does not have, `unknown
	// user: "name"` (postfix/src/local/recipient.c), under "Status:
	// 5.0.999" (seen in rgl/MailBounceDetector, MailBounceDetector.Tests/
	// Fixtures/bounce_unknown_status.eml, a DSN's fields). RFC 3463 §3.2:
	// subject 0, "X.0.XXX Other or Undefined Status", gives no subject
	// information whatever its detail, so the words place the failure as
	// they do under 5.0.0: the recipient does not exist.
	{name: "Postfix local, unknown user under 5.0.999", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender",
		body: "Final-Recipient: rfc822; gone@example.net\nOriginal-Recipient: rfc822;gone@example.net\nAction: failed\nStatus: 5.0.999\nDiagnostic-Code: X-Postfix; unknown user:\n    \"gone@example.net\"\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.0.999", "unknown user"}}},
	// A remote "550 No such person at this address." at RCPT, quoted by
	// Postfix (seen in odoo/odoo, addons/test_mail/data/test_mail_data.py,
	// MAIL_BOUNCE). InMotion Hosting's page on the 550 error
	// (inmotionhosting.com/support/email/bounceback-errors/
	// email-error-550) lists the words among the 550 replies for a
	// recipient mailbox mistyped or not found.
	{name: "No such person at this address, at RCPT", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<someone@example.net>: host mx.example.net[192.0.2.8] said: 550 No such\n    person at this address. (in reply to RCPT TO command)\n",
		want: []formatWant{{"someone@example.net", UserUnknown, true, "5", "no such person"}}},
}

// TestExternalMisc reads the layouts found in the other projects' test
// data named above.
func TestExternalMisc(t *testing.T) { checkFormats(t, miscLayouts) }

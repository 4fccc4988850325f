package bounce

import "testing"

// libsLayouts are readings of real bounces first seen in the test data of
// e-mail libraries and of other projects (issue 17: classify bounces the
// parser has never seen), cut to the lines each reading needs, addresses
// and hosts replaced. Each case names the file where it was seen and the
// source that gives its words their meaning; the reading rests on the
// source, not on the file.
var libsLayouts = []formatCase{
	// QQ Mail's "550 Mailbox unavailable or access denied" at RCPT, with
	// the token and client IP QQ puts in brackets after its replies,
	// quoted by Postfix (seen in a bounce a list server posted to its
	// list, osst-users at lists.sourceforge.net, as the lfdr.de list
	// archive keeps it). QQ's code tables give the words to a recipient
	// that got a large number of messages in a short time, to which
	// sending is barred for a while (smtp.codes/qq; ActiveCampaign's
	// SMTP Field Manual, /code/550 QQ 2, linking QQ's help no=1000742):
	// a rate, not a missing mailbox.
	{name: "QQ, recipient receiving too much mail", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<busy@example.net>: host mx3.example.net[192.0.2.5] said: 550 Mailbox\n    unavailable or access denied\n    [MAFll5UQriBvAv2oxSFc7c9IMwnBBzRPvmLXnHGl2T+F7e31k62B55xKok/RoUjwyA== IP:\n    198.51.100.22] (in reply to RCPT TO command)\n",
		want: []formatWant{{"busy@example.net", Speeding, false, "5", "Mailbox unavailable or access denied"}}},
}

func TestExternalLibs(t *testing.T) { checkFormats(t, libsLayouts) }

// TestExternalLibsDSN holds the readings of these bounces that rest on the
// delivery-status part.
func TestExternalLibsDSN(t *testing.T) {
	head := "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n"
	headers := "Content-Type: text/rfc822-headers\n\n" + returnedHeaders
	cases := []dsnCase{
		// A Final-Recipient masked by the receiver that wrote it,
		// "********************@**********", beside the address the sender
		// gave in Original-Recipient (Apple iCloud's Postfix, seen in the
		// Ruby mail gem, mikel/mail, spec/fixtures/emails/
		// multipart_report_emails/original_recipient.eml): RFC 5321 §4.1.2
		// allows a domain of letters, digits and hyphens or an address
		// literal only, so the field names no mailbox; RFC 3464 §2.3.1
		// defines Original-Recipient as the address the sender gave. Its
		// "Message delivery failed" under 5.2.0 is the mailbox's refusal
		// (RFC 3463 x.2.0, "Other or undefined mailbox status"): filtered.
		{"masked Final-Recipient", mimeReport(head, "b1", "",
			"Content-Type: text/plain\n\n"+postfixPre+"<rcpt@example.net>: Message delivery failed\n",
			"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; ********************@**********\nOriginal-Recipient: rfc822;rcpt@example.net\nAction: failed\nStatus: 5.2.0\nDiagnostic-Code: X-Postfix; Message delivery failed\n",
			headers),
			formatWant{"rcpt@example.net", Filtered, false, "5.2.0", "Message delivery failed"}},
		// Groups.io refusing a post from a non-member with "510 5.1.1 Your
		// email address, x, is not subscribed to that group", under
		// Gmail's "Address not found" notice (a Gmail notice attached to
		// a post to xen-devel, 23 July 2025, as the lfdr.de list archive
		// keeps it). The reply's own words say the sender is no member:
		// the group exists, its address is not to be suppressed; the
		// sender was refused (phrases.go, beside Mailman's "Post by
		// non-member").
		{"groups.io non-member under Gmail's notice", mimeReport(
			"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: sender@example.org\nSubject: Delivery Status Notification (Failure)\nX-Failed-Recipients: group@groups.example.net\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n", "b1", "",
			"Content-Type: text/plain; charset=UTF-8\n\n\n** Address not found **\n\nYour message wasn't delivered to group@groups.example.net because the address couldn't be found, or is unable to receive mail.\n\nThe response from the remote server was:\n510 5.1.1 Your email address, sender@example.org, is not subscribed to that group. To subscribe, send an email to group+subscribe@groups.example.net\n",
			"Content-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.com\n\nFinal-Recipient: rfc822; group@groups.example.net\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.groups.example.net.\nDiagnostic-Code: smtp; 510 5.1.1 Your email address, sender@example.org, is not subscribed to that group. To subscribe, send an email to group+subscribe@groups.example.net\n",
			headers),
			formatWant{"group@groups.example.net", Rejected, false, "5.1.1", "not subscribed to that group"}},
		// The same reply of QQ's as above in the DSN's fields, with no
		// enhanced code (Postfix writes Status 5.0.0).
		{"QQ, recipient receiving too much mail, DSN", mimeReport(head, "b1", "",
			"Content-Type: text/plain\n\n"+postfixPre+"<busy@example.net>: host mx3.example.net[192.0.2.5] said: 550 Mailbox\n    unavailable or access denied [x IP: 198.51.100.22] (in reply to RCPT TO\n    command)\n",
			"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; busy@example.net\nOriginal-Recipient: rfc822;busy@example.net\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx3.example.net\nDiagnostic-Code: smtp; 550 Mailbox unavailable or access denied [x IP:\n    198.51.100.22]\n",
			headers),
			formatWant{"busy@example.net", Speeding, false, "5", "access denied"}},
	}
	checkDSNCases(t, cases)
}

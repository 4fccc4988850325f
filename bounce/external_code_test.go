package bounce

import "testing"

// codeLayouts are real bounces first seen checked into other public
// repositories (issue 17: classify bounces the parser has never seen),
// cut to the lines each reading needs, addresses and hosts replaced.
// First ZMailer's "Delivery reports about your email" notices that the
// vger.kernel.org list host sent to its lists' owners, kept in the
// ammarfaizi2/lore-inbox mail archive (file "m", messages of 2001 and
// 2007 in which vger's postmaster forwarded them to the lists). ZMailer
// writes a multipart/report whose text part repeats each recipient's
// fields ("FAILED:", "Original Recipient:", "Diagnostic Code:", "Control
// data:", "Diagnostic texts:" with the SMTP transcript) above a copy of
// the delivery-status part; its Diagnostic-Code puts the reply's text in
// parentheses after the code ("smtp; 553 (Possible Spam)") and its Status
// may carry a comment ("5.1.1 (bad destination mailbox)"). Each case
// names the message where it was seen and the source of its meaning,
// written before Parse was run on it.
//
// Read otherwise and left out: three Exchange and MS Mail NDRs as
// Microsoft's Knowledge Base articles show them, the address put in the
// place the article gives it ("No transport provider was available for
// delivery to this recipient", Q155430: an address of a type no
// transport serves; "The message was undelivered because the specified
// recipient postal address was incorrect", Q145585: a malformed X.400
// address; "Mail could not be delivered due to a problem with the
// postoffice", the article's cause the post office's attachment folder
// missing or damaged), all read onhold, their MAPI-era words in no
// phrase table; and a notice headed "This is the Postfix program at
// host" (quoted in jordiprats/eris) whose "The following recipients are
// unknown:" layout no source we read explains, read onhold. Not scored, their
// words naming no cause: ZMailer's "553 (Message-Id header line format
// error)" and Gmail's delay notice "Message will be retried for 2 more
// day(s)".
var codeLayouts = []formatCase{
	// lore-inbox, vger's bounce of 19 Dec 2001 (Matti Aarnio, "Careless
	// MTA admins and poison in RBL/ORBS/ORBZ zones..."): a Sendmail at the
	// recipient's domain answering RCPT "550 5.7.1 <addr>... Mail from
	// <ip> refused by blackhole site orbz.gst-group.co.uk". The words say
	// the sending host's address was found on a DNS block list (the
	// forwarding message explains the list had been retired and answered
	// every query); RFC 3463 X.7.1, delivery not authorized, message
	// refused: the client refused, not the recipient.
	zmailerCase("ZMailer DSN, refused by a block list", "Delivery reports about your email [FAILED(1)]",
		"FAILED:\n  Original Recipient:\n      rfc822;bg@idcomm.example\n  Final Recipient:\n      RFC822;bg@idcomm.example\n  Status:\n      5.7.1\n  Remote MTA:\n      dns; mx.idcomm.example (192.0.2.12|25|198.51.100.194|42560)\n  Diagnostic Code:\n      smtp; 550 (<bg@idcomm.example>... Mail from 198.51.100.194 refused by blackhole site orbz.example.co.uk)\n  Control data:\n      smtp idcomm.example bg@idcomm.example 99\n  Diagnostic texts:\n      <<- RCPT To:<bg@idcomm.example> NOTIFY=FAILURE ORCPT=rfc822;bg@idcomm.example\n     ->> 550 5.7.1 <bg@idcomm.example>... Mail from 198.51.100.194 refused by blackhole site orbz.example.co.uk\n",
		"Reporting-MTA: dns; lists.example.org\nArrival-Date: Wed, 19 Dec 2001 09:27:09 -0500\n\nOriginal-Recipient: rfc822;bg@idcomm.example\nFinal-Recipient: RFC822;bg@idcomm.example\nAction: failed\nStatus: 5.7.1\nRemote-MTA: dns; mx.idcomm.example (192.0.2.12|25|198.51.100.194|42560)\nDiagnostic-Code: smtp; 550 (<bg@idcomm.example>... Mail from 198.51.100.194 refused by blackhole site orbz.example.co.uk)\n",
		formatWant{"bg@idcomm.example", Blocked, false, "5.7.1", "refused by blackhole site"}),
	// lore-inbox, vger's bounce of 20 Nov 2007 (forwarded in "quilt/0.46-1
	// misbehaviour..."): amavisd-new's "554 5.6.0 Reject, id=... -
	// BAD_HEADER: Duplicate header field: "From"" after DATA (amavisd-new's
	// "Reject, id=" form, as phrases.go already reads its "- spam"). The
	// words name the returned message's header: RFC 5322 §3.6 allows one
	// From field, this one had two, so the refusal is of the message's
	// content and form (RFC 3463 X.6.0, other or undefined media error).
	zmailerCase("ZMailer DSN, amavisd-new BAD_HEADER", "Delivery reports about your email [FAILED(1)]",
		"FAILED:\n  Original Recipient:\n      rfc822;afds@cs.example.de\n  Final Recipient:\n      RFC822;afds@cs.example.de\n  Status:\n      5.6.0\n  Diagnostic Code:\n      smtp; 554 (Reject, id=10432-16 - BAD_HEADER: Duplicate header field: \"From\")\n",
		"Reporting-MTA: dns; lists.example.org\n\nOriginal-Recipient: rfc822;afds@cs.example.de\nFinal-Recipient: RFC822;afds@cs.example.de\nAction: failed\nStatus: 5.6.0\nRemote-MTA: dns; mx.cs.example.de (192.0.2.20|25|198.51.100.167|39031)\nDiagnostic-Code: smtp; 554 (Reject, id=10432-16 - BAD_HEADER: Duplicate header field: \"From\")\n",
		formatWant{"afds@cs.example.de", ContentError, false, "5.6.0", "BAD_HEADER"}),
	// lore-inbox, vger's bounce of 16 Nov 2007 (forwarded in "Fwd:
	// [postmaster@vger.kernel.org: Delivery reports about your email
	// [FAILED(1)]]"): Postfix's "550 Error: improper use of 8-bit data in
	// message body" after DATA, under a Status ZMailer set to "5.1.1 (bad
	// destination mailbox)". The reply names the message's encoding (8-bit
	// text without the 8BITMIME that RFC 6152 asks of such a body; the
	// phrase table reads Postfix's "improper use of 8-bit data" so), not
	// the mailbox: the words, not the status, give the reason.
	zmailerCase("ZMailer DSN, 8-bit body under a mailbox status", "Delivery reports about your email [FAILED(1)]",
		"FAILED:\n  Original Recipient:\n      rfc822;jf@funk.example\n  Final Recipient:\n      RFC822;jf@funk.example\n  Status:\n      5.1.1 (bad destination mailbox)\n  Diagnostic Code:\n      smtp; 550 (Error: improper use of 8-bit data in message body)\n",
		"Reporting-MTA: dns; lists.example.org\n\nOriginal-Recipient: rfc822;jf@funk.example\nFinal-Recipient: RFC822;jf@funk.example\nAction: failed\nStatus: 5.1.1 (bad destination mailbox)\nRemote-MTA: dns; mx.funk.example (192.0.2.36|25|198.51.100.167|48741)\nDiagnostic-Code: smtp; 550 (Error: improper use of 8-bit data in message body)\n",
		formatWant{"jf@funk.example", ContentError, false, "5.1.1", "8-bit data"}),
	// lore-inbox, vger's bounce of 21 Sep 2001 ("Systems falsely rejecting
	// email as POSSIBLE SPAM..."): two recipients at one host, each "553
	// 5.0.0 Possible Spam" after DATA, each block of the text part with
	// only the transcript and Diagnostic-Code before Remote-MTA in the
	// report. The words: the receiver's filter took the message for spam.
	zmailerCase("ZMailer DSN, two recipients, possible spam", "Delivery reports about your email [FAILED(2)]",
		"FAILED:\n  Original Recipient:\n    rfc822;bd@rr.example\n  Control data:\n    smtp rr.example bd@rr.example 99\n  Diagnostic texts:\n    ->> 553 5.0.0 Possible Spam\nFAILED:\n  Original Recipient:\n    rfc822;mj@rr.example\n  Control data:\n    smtp rr.example mj@rr.example 99\n  Diagnostic texts:\n    ->> 553 5.0.0 Possible Spam\n",
		"Reporting-MTA: dns; lists.example.org\n\nOriginal-Recipient: rfc822;bd@rr.example\nFinal-Recipient: RFC822;bd@rr.example\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 553 (Possible Spam)\nRemote-MTA: dns; mx.rr.example (192.0.2.223|25|198.51.100.194|54328)\nX-ZTAID: smtp[22478]\n\nOriginal-Recipient: rfc822;mj@rr.example\nFinal-Recipient: RFC822;mj@rr.example\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 553 (Possible Spam)\nRemote-MTA: dns; mx.rr.example (192.0.2.223|25|198.51.100.194|54328)\nX-ZTAID: smtp[22478]\n",
		formatWant{"bd@rr.example", SpamDetected, false, "5.0.0", "Possible Spam"},
		formatWant{"mj@rr.example", SpamDetected, false, "5.0.0", "Possible Spam"}),
	// jordiprats/eris, src/eris/parser/providers/MailDeliverySystemParser.java
	// (a Java bounce parser; its comments quote the bounces it met):
	// MailEnable's notice ("MailEnable: Message could not be delivered to
	// some recipients.", "Recipient: [SMTP:<addr>]", "Reason: Remote SMTP
	// Server Returned: <reply>"), the reply "550 SPF: <ip> is not allowed
	// to send mail from <domain>": Exim's "spf = fail" ACL with the message
	// its users give it (phrases.go, authFailurePhrases), the sending IP not
	// one the sender domain's SPF record permits (RFC 7208 "fail").
	{name: "MailEnable notice, SPF refusal", from: `"Delivery Subsystem" <postmaster@xsinfo.example>`, subject: "Message Delivery Failure", action: "failed",
		header: "X-MEFilter: 1\n",
		body:   "MailEnable: Message could not be delivered to some recipients.\nThe following recipient(s) could not be reached:\n\n\tRecipient: [SMTP:ds@xsinfo.example]\n\tReason: Remote SMTP Server Returned: 550 SPF: 192.0.2.64 is not allowed to send mail from mails.example.com\n\n",
		want:   []formatWant{{"ds@xsinfo.example", AuthFailure, false, "5", "is not allowed to send mail from"}}},
	// okfde/froide, froide/bounce/testdata/bounce_003.txt (also quoted in
	// the eris parser's comments): T-Online's own notice, its failed
	// addresses between "|---- Failed addresses follow: ----|" and "|----
	// Message header follows: ----|" rules, each address on its own line
	// and the reply indented below it, "552 5.2.2 <addr> Quota exceeded
	// (mailbox for user is full)": the recipient's mailbox full (RFC 3463
	// X.2.2).
	{name: "T-Online notice, mailbox full", from: "Mail Delivery System <Mailer-Daemon@t-online.example>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		header: "X-Failed-Recipients: john.doe@t-online.example\n",
		body:   "|------------------------- Failed addresses follow: ---------------------|\n <john.doe@t-online.example>\n   552 5.2.2 <john.doe@t-online.example> Quota exceeded (mailbox for user is full)\n\n|------------------------- Message header follows: ----------------------|\nFrom: sender@example.org\nTo: \"John Doe\" <john.doe@t-online.example>\nSubject: hello\nMessage-ID: <1763@example.org>\n\n|----------- Message text follows: (body too large, truncated) ----------|\nbody\n",
		want:   []formatWant{{"john.doe@t-online.example", MailboxFull, false, "5.2.2", "Quota exceeded"}}},
	// jordiprats/eris, the same file: a host's notice for a local
	// recipient, "Your mail message to the following address(es) could not
	// be delivered. This is a permanent error." and "<addr>:" above
	// "child status 100...The e-mail message could not be delivered because
	// the user's mailfolder is full." (vpopmail's words for a mailbox past
	// its quota, as phrases.go reads them; RFC 3463 X.2.2).
	{name: "local delivery, user's mailfolder full", from: "Mail Delivery System <MAILER-DAEMON@host.example.net>", subject: "failure notice", action: "failed",
		body:     "Your mail message to the following address(es) could not be delivered. This\nis a permanent error. Please verify the addresses and try again. If you are\nstill having difficulty sending mail to these addresses, please contact\nCustomer Support.\n\n<jobs@expinfo.example>:\nchild status 100...The e-mail message could not be delivered because the user's mailfolder is full.\n",
		attached: returned,
		want:     []formatWant{{"jobs@expinfo.example", MailboxFull, false, "", "mailfolder is full"}}},
}

// zmailerCase is a ZMailer notice from the list host: the text part's
// head (zmailerPre) and recipient blocks, the delivery-status part and
// the returned message attached.
func zmailerCase(name, subject, text, report string, want ...formatWant) formatCase {
	return formatCase{name: name, from: "The Post Office <postmaster@lists.example.org>", subject: subject, action: "failed",
		body: zmailerPre + text, report: report, attached: returned, want: want}
}

// zmailerPre is the head of ZMailer's text part as the lore-inbox
// messages show it.
const zmailerPre = "This is a collection of reports about email delivery\nprocess concerning a message you originated.\n\nSome explanations/translations for these reports\ncan be found at:\n      http://www.zmailer.org/delivery-report-decoding.html\n\n"

// TestExternalCode reads the layouts of codeLayouts.
func TestExternalCode(t *testing.T) { checkFormats(t, codeLayouts) }

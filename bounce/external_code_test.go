package bounce

import "testing"

// codeLayouts are real bounces first seen checked into other public
// repositories (issue 17: classify bounces the parser has never seen),
// cut to the lines each reading needs, addresses and hosts replaced.
// Here ZMailer's "Delivery reports about your email" notices that the
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
var codeLayouts = []formatCase{
	// lore-inbox, vger's bounce of 19 Dec 2001 (Matti Aarnio, "Careless
	// MTA admins and poison in RBL/ORBS/ORBZ zones..."): a Sendmail at the
	// recipient's domain answering RCPT "550 5.7.1 <addr>... Mail from
	// <ip> refused by blackhole site orbz.gst-group.co.uk". The words say
	// the sending host's address was found on a DNS block list (the
	// forwarding message explains the list had been retired and answered
	// every query); RFC 3463 X.7.1, delivery not authorized, message
	// refused: the client refused, not the recipient.
	{name: "ZMailer DSN, refused by a block list", from: "The Post Office <postmaster@lists.example.org>", subject: "Delivery reports about your email [FAILED(1)]", action: "failed",
		body:     zmailerPre + "FAILED:\n  Original Recipient:\n      rfc822;bg@idcomm.example\n  Final Recipient:\n      RFC822;bg@idcomm.example\n  Status:\n      5.7.1\n  Remote MTA:\n      dns; mx.idcomm.example (192.0.2.12|25|198.51.100.194|42560)\n  Diagnostic Code:\n      smtp; 550 (<bg@idcomm.example>... Mail from 198.51.100.194 refused by blackhole site orbz.example.co.uk)\n  Control data:\n      smtp idcomm.example bg@idcomm.example 99\n  Diagnostic texts:\n      <<- RCPT To:<bg@idcomm.example> NOTIFY=FAILURE ORCPT=rfc822;bg@idcomm.example\n     ->> 550 5.7.1 <bg@idcomm.example>... Mail from 198.51.100.194 refused by blackhole site orbz.example.co.uk\n",
		report:   "Reporting-MTA: dns; lists.example.org\nArrival-Date: Wed, 19 Dec 2001 09:27:09 -0500\n\nOriginal-Recipient: rfc822;bg@idcomm.example\nFinal-Recipient: RFC822;bg@idcomm.example\nAction: failed\nStatus: 5.7.1\nRemote-MTA: dns; mx.idcomm.example (192.0.2.12|25|198.51.100.194|42560)\nDiagnostic-Code: smtp; 550 (<bg@idcomm.example>... Mail from 198.51.100.194 refused by blackhole site orbz.example.co.uk)\n",
		attached: returned,
		want:     []formatWant{{"bg@idcomm.example", Blocked, false, "5.7.1", "refused by blackhole site"}}},
	// lore-inbox, vger's bounce of 20 Nov 2007 (forwarded in "quilt/0.46-1
	// misbehaviour..."): amavisd-new's "554 5.6.0 Reject, id=... -
	// BAD_HEADER: Duplicate header field: "From"" after DATA (amavisd-new's
	// "Reject, id=" form, as phrases.go already reads its "- spam"). The
	// words name the returned message's header: RFC 5322 §3.6 allows one
	// From field, this one had two, so the refusal is of the message's
	// content and form (RFC 3463 X.6.0, other or undefined media error).
	{name: "ZMailer DSN, amavisd-new BAD_HEADER", from: "The Post Office <postmaster@lists.example.org>", subject: "Delivery reports about your email [FAILED(1)]", action: "failed",
		body:     zmailerPre + "FAILED:\n  Original Recipient:\n      rfc822;afds@cs.example.de\n  Final Recipient:\n      RFC822;afds@cs.example.de\n  Status:\n      5.6.0\n  Diagnostic Code:\n      smtp; 554 (Reject, id=10432-16 - BAD_HEADER: Duplicate header field: \"From\")\n",
		report:   "Reporting-MTA: dns; lists.example.org\n\nOriginal-Recipient: rfc822;afds@cs.example.de\nFinal-Recipient: RFC822;afds@cs.example.de\nAction: failed\nStatus: 5.6.0\nRemote-MTA: dns; mx.cs.example.de (192.0.2.20|25|198.51.100.167|39031)\nDiagnostic-Code: smtp; 554 (Reject, id=10432-16 - BAD_HEADER: Duplicate header field: \"From\")\n",
		attached: returned,
		want:     []formatWant{{"afds@cs.example.de", ContentError, false, "5.6.0", "BAD_HEADER"}}},
	// lore-inbox, vger's bounce of 16 Nov 2007 (forwarded in "Fwd:
	// [postmaster@vger.kernel.org: Delivery reports about your email
	// [FAILED(1)]]"): Postfix's "550 Error: improper use of 8-bit data in
	// message body" after DATA, under a Status ZMailer set to "5.1.1 (bad
	// destination mailbox)". The reply names the message's encoding (8-bit
	// text without the 8BITMIME that RFC 6152 asks of such a body; the
	// phrase table reads Postfix's "improper use of 8-bit data" so), not
	// the mailbox: the words, not the status, give the reason.
	{name: "ZMailer DSN, 8-bit body under a mailbox status", from: "The Post Office <postmaster@lists.example.org>", subject: "Delivery reports about your email [FAILED(1)]", action: "failed",
		body:     zmailerPre + "FAILED:\n  Original Recipient:\n      rfc822;jf@funk.example\n  Final Recipient:\n      RFC822;jf@funk.example\n  Status:\n      5.1.1 (bad destination mailbox)\n  Diagnostic Code:\n      smtp; 550 (Error: improper use of 8-bit data in message body)\n",
		report:   "Reporting-MTA: dns; lists.example.org\n\nOriginal-Recipient: rfc822;jf@funk.example\nFinal-Recipient: RFC822;jf@funk.example\nAction: failed\nStatus: 5.1.1 (bad destination mailbox)\nRemote-MTA: dns; mx.funk.example (192.0.2.36|25|198.51.100.167|48741)\nDiagnostic-Code: smtp; 550 (Error: improper use of 8-bit data in message body)\n",
		attached: returned,
		want:     []formatWant{{"jf@funk.example", ContentError, false, "5.1.1", "8-bit data"}}},
	// lore-inbox, vger's bounce of 21 Sep 2001 ("Systems falsely rejecting
	// email as POSSIBLE SPAM..."): two recipients at one host, each "553
	// 5.0.0 Possible Spam" after DATA, each block of the text part with
	// only the transcript and Diagnostic-Code before Remote-MTA in the
	// report. The words: the receiver's filter took the message for spam.
	{name: "ZMailer DSN, two recipients, possible spam", from: "The Post Office <postmaster@lists.example.org>", subject: "Delivery reports about your email [FAILED(2)]", action: "failed",
		body:     zmailerPre + "FAILED:\n  Original Recipient:\n    rfc822;bd@rr.example\n  Control data:\n    smtp rr.example bd@rr.example 99\n  Diagnostic texts:\n    ->> 553 5.0.0 Possible Spam\nFAILED:\n  Original Recipient:\n    rfc822;mj@rr.example\n  Control data:\n    smtp rr.example mj@rr.example 99\n  Diagnostic texts:\n    ->> 553 5.0.0 Possible Spam\n",
		report:   "Reporting-MTA: dns; lists.example.org\n\nOriginal-Recipient: rfc822;bd@rr.example\nFinal-Recipient: RFC822;bd@rr.example\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 553 (Possible Spam)\nRemote-MTA: dns; mx.rr.example (192.0.2.223|25|198.51.100.194|54328)\nX-ZTAID: smtp[22478]\n\nOriginal-Recipient: rfc822;mj@rr.example\nFinal-Recipient: RFC822;mj@rr.example\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 553 (Possible Spam)\nRemote-MTA: dns; mx.rr.example (192.0.2.223|25|198.51.100.194|54328)\nX-ZTAID: smtp[22478]\n",
		attached: returned,
		want: []formatWant{
			{"bd@rr.example", SpamDetected, false, "5.0.0", "Possible Spam"},
			{"mj@rr.example", SpamDetected, false, "5.0.0", "Possible Spam"},
		}},
}

// zmailerPre is the head of ZMailer's text part as the lore-inbox
// messages show it.
const zmailerPre = "This is a collection of reports about email delivery\nprocess concerning a message you originated.\n\nSome explanations/translations for these reports\ncan be found at:\n      http://www.zmailer.org/delivery-report-decoding.html\n\n"

// TestExternalCode reads the layouts of codeLayouts.
func TestExternalCode(t *testing.T) { checkFormats(t, codeLayouts) }

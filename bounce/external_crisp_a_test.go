package bounce

import "testing"

// crispLayoutsA are readings first met in the real bounces of
// crisp-oss/email-bounce-parser (test/fixtures/*.txt, the files whose
// names start with "4" or "550_5"), cut to the lines each needs,
// addresses and hosts replaced. Each case names the fixture where it was
// seen and the source of its meaning; the reading rests on the source,
// not on the fixture's label.
var crispLayoutsA = []formatCase{
	// Postfix's record of a refused greeting, "host x refused to talk to
	// me: <reply>" (src/smtp/smtp_proto.c, smtp_helo()), names the stage,
	// not the reason: Postfix smtpd's own "421 4.4.2 host Error: timeout
	// exceeded" (smtpd.c, the session timed out) is a network error by
	// its status (RFC 3463 x.4.2 "Bad connection"), not a blocked client
	// (seen in test/fixtures/421_4_4_2_timeout.txt).
	{name: "Postfix, greeting refused with a timeout", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<slow@example.net>: host mx.example.net[192.0.2.8] refused to talk to\n    me: 421 4.4.2 mx.example.net Error: timeout exceeded\n",
		want: []formatWant{{"slow@example.net", NetworkError, false, "4.4.2", "timeout exceeded"}}},
	// Yahoo's "451 Message temporarily deferred due to unresolvable
	// RFC.5321 from domain": the envelope sender's domain did not resolve
	// (wordtothewise.com/2023/05/unresolvable-rfc-5321-domain-at-yahoo),
	// the sender refused, not the receiving system's trouble (seen in
	// test/fixtures/451_action_aborted_local_error.txt).
	{name: "Yahoo, unresolvable RFC5321 from domain", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<someone@yahoo.example>: host mta5.yahoo.example[192.0.2.9] said:\n    451 Message temporarily deferred due to unresolvable RFC.5321 from domain;\n    see https://postmaster.yahooinc.com/error-codes (in reply to end of DATA\n    command)\n",
		want: []formatWant{{"someone@yahoo.example", Rejected, false, "5", "unresolvable RFC.5321"}}},
	// Apple's private email relay refuses a sender not registered among
	// the developer's email sources: "550 5.1.1 <envelope sender>:
	// unauthorized sender" (developer.apple.com/forums/thread/798226;
	// spamresource.com 2020/05): the sender's refusal, not an unknown
	// relay address, and no reason to suppress it (seen in
	// test/fixtures/550_5_1_1_no_such_user_variant_20.txt).
	{name: "Apple private relay, unauthorized sender", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<abc123@privaterelay.example>: host\n    smtp1.privaterelay.example[192.0.2.17] said: 550 5.1.1\n    <bounces+1a2b@news.example.org>: unauthorized sender (in\n    reply to RCPT TO command)\n",
		want: []formatWant{{"abc123@privaterelay.example", Rejected, false, "5.1.1", "unauthorized sender"}}},
	// Exim's error lines under a failed address (deliver.c,
	// print_address_error(): indented four spaces, broken after a colon)
	// name the command its LMTP transport sent, "LMTP error after RCPT
	// TO:<x>:" (transports/lmtp.c), whose address lacks the local part's
	// suffix unless rcpt_include_affixes is set (transport.c,
	// transport_rcpt_address()), and Dovecot's "User doesn't exist: x"
	// on a line of its own: one recipient, an unknown user (seen in
	// test/fixtures/550_5_1_1_no_such_user_variant_21.txt, where the
	// addresses differ).
	{name: "Exim, LMTP refusal naming the address without its suffix", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body: eximPre + "  gone+news@example.net\n    (generated from alias@example.net)\n    LMTP error after RCPT TO:<gone@example.net>:\n    550 5.1.1 <gone@example.net> User doesn't exist:\n    gone@example.net\n" + eximCopy,
		want: []formatWant{{"gone+news@example.net", UserUnknown, true, "5.1.1", "User doesn't exist"}}},
	// Exchange Online's 5.7.129, "RESOLVER.RST.
	// RestrictedToRecipientsPermission; not authorized to send to
	// recipient because the sender isn't on the recipient's list of
	// senders to accept mail from": the recipient takes mail from listed
	// senders only, as 5.7.124's allowed-senders list (Microsoft's NDR
	// table) — the recipient's filter, not a security error (seen in
	// test/fixtures/550_5_7_129_restricted_permissions.txt).
	{name: "Exchange Online, restricted to listed senders", from: "Microsoft Outlook <postmaster@example.org>", subject: "Undeliverable: hello",
		body: "Delivery has failed to these recipients or groups:\n\nlisted@example.net<mailto:listed@example.net>\nYour message couldn't be delivered to the recipient because you don't have permission to send to it.\n\nDiagnostic information for administrators:\n\nGenerating server: mx.example.org\n\nlisted@example.net\nRemote server returned '550 5.7.129 RESOLVER.RST.RestrictedToRecipientsPermission; not authorized to send to recipient because the sender isn't on the recipient's list of senders to accept mail from'\n\nOriginal message headers:\n\n" + returned,
		want: []formatWant{{"listed@example.net", Filtered, false, "5.7.129", "list of senders"}}},
	// OpenSRS Hosted Email's "550 5.7.1 Message contains spam or virus."
	// names no virus found: its rejections come from its spam filter's
	// "Reject Spam" mode (support.opensrs.com, Hosted Email Spam and
	// Rejections Guide), a spam verdict (seen in
	// test/fixtures/550_5_7_1_spam_content_variant_1.txt).
	{name: "OpenSRS, spam or virus", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<help@example.net>: host\n    mx.example.net.cust.b.hostedemail.example[192.0.2.4] said: 550 5.7.1\n    Message contains spam or virus. (110) [1234-5678] (in reply to end\n    of DATA command)\n",
		want: []formatWant{{"help@example.net", SpamDetected, false, "5.7.1", "spam or virus"}}},
}

// TestExternalCrispA reads the layouts and wordings above.
func TestExternalCrispA(t *testing.T) {
	checkFormats(t, crispLayoutsA)
}

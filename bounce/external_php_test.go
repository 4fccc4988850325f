package bounce

import (
	"strings"
	"testing"
)

// phpLayouts are readings learnt from the real bounces in other projects'
// test data: cfortune/PHP-Bounce-Handler and zoonru/PHP-Bounce-Handler
// (eml/), osandum/bounce-parser (src/test/resources/) and
// ronbeltran/bounce_email (tests/bounces/). Each case is cut to the lines
// its reading needs, addresses and hosts replaced; its comment names the
// file it was seen in and the source of its meaning.
var phpLayouts = []formatCase{
	// Mail.ru's reply to the end of DATA for a mailbox that does not
	// exist, in Exim's notice (zoonru/PHP-Bounce-Handler,
	// eml/fixture_bounce_002.eml and 007): Mail.ru's list of common errors
	// reads "User not found" as an address mistyped or deleted
	// (mailout.ru/2015/09, item 3).
	{
		name:    "Mail.ru user not found after DATA",
		from:    "Mail Delivery System <Mailer-Daemon@mx.example.org>",
		subject: "Mail delivery failed: returning message to sender",
		body: eximPre + "  a@example.net\n    host mx.example.net [192.0.2.20]\n    SMTP error from remote mail server after end of data:\n" +
			"    550 Message was not accepted -- invalid mailbox.  Local mailbox a@example.net is unavailable:\n    user not found\n" + eximCopy,
		want: []formatWant{{"a@example.net", UserUnknown, true, "5", "user not found"}},
	},
	// A Spamhaus CSS listing of the sending IP (zoonru/PHP-Bounce-Handler,
	// eml/fixture_bounce_009.eml): the CSS is part of the SBL and of ZEN
	// (spamhaus.org/css).
	{
		name:    "Spamhaus CSS listing",
		from:    "Mail Delivery System <Mailer-Daemon@mx.example.org>",
		subject: "Mail delivery failed: returning message to sender",
		body: eximPre + "  a@example.net\n    host mx.example.net [192.0.2.30]\n    SMTP error from remote mail server after RCPT TO:<a@example.net>:\n" +
			"    550 zen.example.net Listed by CSS\n" + eximCopy,
		want: []formatWant{{"a@example.net", Blocked, false, "5", "listed by css"}},
	},
	// 1&1's (kundenserver.de) notice for a domain with no usable MX host
	// (osandum/bounce-parser, src/test/resources/kundenserver_de.eml): the
	// git mailing list's 2015-08-23 thread (gmane.comp.version-control.git
	// /276419) traces it to an MX target that is a CNAME (RFC 2181 §10.3).
	{
		name:    "1&1 no valid MX hosts",
		from:    "\"Mail Delivery System\" <mailer-daemon@mx.example.org>",
		subject: "Mail delivery failed: returning message to sender",
		body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error.\n\nThe following address failed:\n\n" +
			"    a@example.net:\n        no valid MX hosts found\n\n--- The header of the original message is following. ---\n\n" + returnedHeaders,
		want: []formatWant{{"a@example.net", HostUnknown, true, "5", "no valid mx hosts found"}},
	},
	// Domino's notice for a name matching more than one directory entry
	// (ronbeltran/bounce_email, tests/bounces/tt_bounce_15.txt): RFC 3463
	// x.1.4, the address ambiguous; Domino 6 Administrator help, "Router is
	// finding the same name in multiple directories".
	{
		name:    "Domino name not unique",
		from:    "Postmaster@example.net",
		subject: "DELIVERY FAILURE: Recipient user name info (info@example.net) not unique.  Several matches found in Domino Directory.",
		body:    "Your message\n\n  Subject: hello\n\nwas not delivered to:\n\n  info@example.net\n\nbecause:\n\n  Recipient user name info (info@example.net) not unique.  Several matches found in Domino Directory.\n\n",
		want:    []formatWant{{"info@example.net", UserUnknown, true, "5", "not unique"}},
	},
}

func TestExternalPHP(t *testing.T) { checkFormats(t, phpLayouts) }

// TestExternalPHPDSN holds the readings of these projects' bounces that
// rest on the delivery-status part.
func TestExternalPHPDSN(t *testing.T) {
	head := func(subject string) string {
		return "From: Internet Mail Delivery <postmaster@mx.example.org>\nTo: sender@example.org\nSubject: " + subject +
			"\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n"
	}
	headers := "Content-Type: text/rfc822-headers\n\n" + returnedHeaders
	cases := []dsnCase{
		// Oracle (Sun) Messaging Server names in Final-Recipient its LMTP
		// channel's source route to an internal address, and the address
		// the sender gave in Original-Recipient (cfortune/PHP-Bounce-
		// Handler, eml/12.eml; osandum/bounce-parser, lmtp.eml): RFC 5321
		// §4.1.2 and Appendix C (source routes obsolete), RFC 3464 §2.3.1
		// (Original-Recipient).
		{"source-routed Final-Recipient", mimeReport(head("Delivery Notification: Delivery has failed"), "b1", "",
			"Content-Type: text/plain\n\nYour message cannot be delivered to the following recipients:\n\n  Recipient address: @store.example.net:a@ims_daemon\n  Original address: a@example.net\n  Reason: LMTP transmission failure has occurred\n  Diagnostic code: lmtp;522 5.2.0 Delivery failed: Over quota\n",
			"Content-Type: message/delivery-status\n\nReporting-MTA: dns;mx.example.org (lmtpcs-daemon)\n\nOriginal-recipient: rfc822;a@example.net\nFinal-recipient: rfc822;@store.example.net:a@ims_daemon\nAction: failed\nStatus: 5.2.0 (LMTP transmission failure has occurred)\nRemote-MTA: dns;store.example.net\nDiagnostic-code: lmtp;522 5.2.0 Delivery failed: Over quota\n",
			headers),
			formatWant{"a@example.net", MailboxFull, false, "5.2.0", "over quota"}},
		// Sendmail's Diagnostic-Code holds the first line of a multi-line
		// reply only, its transcript the whole (cfortune/PHP-Bounce-
		// Handler, eml/sendmail-503.eml): RFC 5321 §4.2.1 ends a reply
		// with its code and a space, here Exim's "550 Sender verify
		// failed", the recipient server refusing the sender.
		{"multi-line reply completed from transcript", mimeReport(head("Returned mail: see transcript for details"), "b1", "This is a MIME-encapsulated message\n\n",
			"\nThe original message was received at Sun, 6 Dec 2026 10:00:00 GMT\nfrom localhost [127.0.0.1]\n\n   ----- The following addresses had permanent fatal errors -----\n<a@example.net>\n    (reason: 550-Verification failed for <sender@example.org>)\n\n"+
				"   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> DATA\n<<< 550-Verification failed for <sender@example.org>\n<<< 550-The mail server could not deliver mail to sender@example.org.  The account or domain may not exist, they may be blacklisted, or missing the proper dns entries.\n<<< 550 Sender verify failed\n550 5.1.1 <a@example.net>... User unknown\n",
			"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: RFC822; a@example.net\nAction: failed\nStatus: 5.1.1\nRemote-MTA: DNS; mx.example.net\nDiagnostic-Code: SMTP; 550-Verification failed for <sender@example.org>\n",
			headers),
			formatWant{"a@example.net", Rejected, false, "5", "verification failed"}},
	}
	checkDSNCases(t, cases)
}

// dsnCase is a whole DSN message and the one recipient Parse must read
// from it.
type dsnCase struct {
	name, msg string
	want      formatWant
}

// checkDSNCases parses each case's message and holds its one recipient to
// the case's reading.
func checkDSNCases(t *testing.T, cases []dsnCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != KindDSN || len(rep.Recipients) != 1 {
				t.Fatalf("kind %v, %d recipients", rep.Kind, len(rep.Recipients))
			}
			r, w := rep.Recipients[0], tc.want
			if r.FinalRecipient != w.rcpt || r.Reason != w.reason || r.Hard != w.hard || !strings.HasPrefix(r.Status, w.status) {
				t.Errorf("%s %s hard %v status %s, want %s %s %v %s", r.FinalRecipient, r.Reason, r.Hard, r.Status, w.rcpt, w.reason, w.hard, w.status)
			}
			if !strings.Contains(fold(r.DiagnosticCode), fold(w.diag)) {
				t.Errorf("diagnostic %q lacks %q", r.DiagnosticCode, w.diag)
			}
		})
	}
}

package bounce

import "testing"

// A review of the later rules of the session of 56363a5.. (the ZMailer
// MAIL FROM words, Exchange's dated attempts, among others): published
// texts that hold a new rule's words, or sit beside them, and mean what
// their source says, so that a narrowing of the rule cannot take them
// away unnoticed. Cut to the lines each needs, addresses and hosts
// replaced.

// reviewNew2Replies: ZMailer's smtpserver answers a MAIL FROM its policy
// database refuses in three ways (rzachariassen/zmailer
// smtpserver/smtpcmds.c, smtp_mail(), after policytest()): "553 5.7.1
// ... for MAIL FROM address <x> access is denied by the policy analysis
// functions", "553 5.4.3 ... for MAIL FROM address <x> the policy analysis
// reports DNS error with your source domain" (the sender's domain failed
// its DNS check for good), and, for a DNS failure for now, "450 4.4.3 ...
// for your input: <x> policy analysis reports temporary DNS error with
// your source domain". The first two refuse the sender's address, whatever
// their x.4 or x.7 status; the third is a lookup that may pass, which
// "for mail from address" must not reach.
var reviewNew2Replies = []struct {
	command  string
	code     int
	enhanced string
	text     string
	reason   Reason
	hard     bool
}{
	{"MAIL", 553, "5.7.1", "Hello [192.0.2.118], for MAIL FROM address <a@example.com> access is denied by the policy analysis functions.", Rejected, false},
	{"MAIL", 553, "5.4.3", "Hello [192.0.2.118], for MAIL FROM address <MAILER-DAEMON@mx.example.com> the policy analysis reports DNS error with your source domain.", Rejected, false},
	{"", 553, "5.4.3", "Hello [192.0.2.118], for MAIL FROM address <MAILER-DAEMON@mx.example.com> the policy analysis reports DNS error with your source domain.", Rejected, false},
	{"MAIL", 450, "4.4.3", "Hello [192.0.2.118], for your input: <a@example.com> policy analysis reports temporary DNS error with your source domain.", NetworkError, false},
}

func TestReviewNew2Replies(t *testing.T) {
	for _, c := range reviewNew2Replies {
		got := ClassifyReply(c.command, c.code, c.enhanced, c.text)
		if got.Reason != c.reason || got.Hard != c.hard {
			t.Errorf("%s %d %s %q: %s hard %v, want %s hard %v", c.command, c.code, c.enhanced, c.text, got.Reason, got.Hard, c.reason, c.hard)
		}
	}
}

// reviewNew2Bounces: lastExchangeAttempt keeps the first dated attempt of
// a diagnostic and drops the older ones under it. Exchange Online's NDR
// writes a recipient's records under its address (the record form as
// FundersClub/fire#441 shows it, TestExternalMS); these NDRs put two
// such blocks one after the other, a layout built from that form (no
// published two-recipient copy was at hand). The cut must stay within
// one recipient's lines: a second recipient's single record, a refusal
// of its own, is read as its own, and the first recipient's expiry is
// not read from the second's reply.
var reviewNew2Bounces = []formatCase{
	exoDated("Exchange Online, two recipients with dated attempts", exoExpired, exoUnknown),
	exoDated("Exchange Online, two recipients, the single record first", exoUnknown, exoExpired),
	// docker-mailserver/docker-mailserver#640 (description): a business's
	// mail to the reporter's server came back with "Diagnostic-Code: SMTP;
	// 403 4.7.0 TLS handshake failed.", the words of Sendmail's
	// TLS_connection ruleset (cf/m4/proto.m4, run for tls_server on the
	// sending side as for tls_client on the receiving one): whichever
	// side gave them, the TLS it required was not had. The issue quotes
	// the Diagnostic-Code only; put here in Sendmail's warning layout
	// (testdata/mta/sendmail/delayed.eml), 4.7.0 being retried.
	{name: "Sendmail DSN, 403 4.7.0 TLS handshake failed", from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", subject: "Warning: could not send message for past 4 hours", action: "delayed",
		body:   "    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      **\n    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n\nThe original message was received at Thu, 29 Jun 2017 10:00:00 +0200\nfrom localhost [127.0.0.1]\n\n   ----- Transcript of session follows -----\n<a@example.net>... Deferred: 403 4.7.0 TLS handshake failed.\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n",
		report: "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: RFC822; a@example.net\nAction: delayed\nStatus: 4.7.0\nDiagnostic-Code: SMTP; 403 4.7.0 TLS handshake failed.\n",
		want:   []formatWant{{"a@example.net", FailedSTARTTLS, false, "4.7.0", "TLS handshake failed"}}},
}

func TestReviewNew2Bounces(t *testing.T) { checkFormats(t, reviewNew2Bounces) }

// exoRecipient is one recipient's block of an Exchange Online NDR's
// diagnostics: its dated records and the reading wanted (want.rcpt is
// its address).
type exoRecipient struct {
	records string
	want    formatWant
}

// exoExpired holds the two records of FundersClub/fire#441, newest
// first; exoUnknown a single record of a remote refusal.
var (
	exoExpired = exoRecipient{"8/23/2025 1:23:09 PM - Server at AS2P250MB1014.EURP250.PROD.OUTLOOK.COM returned '550 5.4.316 Message expired, connection refused(Socket error code 10061)'\n" +
		"8/23/2025 1:12:14 PM - Server at fire.example.com (192.0.2.87) returned '450 4.4.316 Connection refused [Message=Socket error code 10061]'",
		formatWant{"a@fire.example.com", Expired, false, "5.4.316", "Message expired"}}
	exoUnknown = exoRecipient{"8/23/2025 1:23:10 PM - Server at mx.other.example.net (192.0.2.9) returned '550 5.1.1 <b@other.example.net>: Recipient address rejected: User unknown in virtual mailbox table'",
		formatWant{"b@other.example.net", UserUnknown, true, "5.1.1", "User unknown"}}
)

// exoDated is Exchange Online's NDR for the recipients in their order,
// each listed, then each with its records under "Diagnostic information
// for administrators".
func exoDated(name string, rcpts ...exoRecipient) formatCase {
	c := formatCase{name: name, from: exchangeFrom, subject: "Undeliverable: hello", action: "failed"}
	list, diag := "", ""
	for _, r := range rcpts {
		list += r.want.rcpt + "\n"
		diag += r.want.rcpt + "\n" + r.records + "\n\n"
		c.want = append(c.want, r.want)
	}
	c.body = "Delivery has failed to these recipients or groups:\n\n" + list + "\nDiagnostic information for administrators:\n\nGenerating server: AS2P250MB1014.EURP250.PROD.OUTLOOK.COM\n\n" + diag + "Original message headers:\n\n" + returned
	return c
}

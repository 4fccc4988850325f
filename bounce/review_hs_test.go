package bounce

import "testing"

// A review of the hard/soft decision (issue 17): texts published by
// providers, MTAs' sources and help pages that name, or seem to name, an
// address or domain that is gone, each run through the rules with the
// meaning its source gives it. Hard suppresses the address for good: a
// false hard loses a live recipient, a false soft keeps mailing a dead
// one. Each case is the published text cut to what the rule reads,
// addresses and hosts replaced.

// reviewHSCase is one published reply and the reading its source gives.
type reviewHSCase struct {
	command  string // the SMTP command the reply answered, "" when unknown
	code     int
	enhanced string
	text     string
	source   string // where the text and its meaning are published
	reason   Reason
	hard     bool
}

var reviewHSReplies = []reviewHSCase{
	// Gmail quotes the resolver's reply code. SERVFAIL is a name server
	// that failed to answer: Postfix's resolver takes it for TRY_AGAIN
	// (src/dns/dns_lookup.c, dns_neg_query()), Go's for a temporary error
	// (net/dnsclient_unix.go, errServerTemporarilyMisbehaving), and Gmail
	// retries it ("O Gmail tentará novamente por mais 44 horas") before
	// its final notice quotes it. NXDOMAIN is a name that does not exist.
	{"", 0, "", "DNS Error: DNS type 'mx' lookup of example.com responded with code SERVFAIL",
		"Gmail's delay and final notices quoted in public bounce-handler test data", NetworkError, false},
	{"", 0, "4.4.3", "DNS Error: DNS type 'mx' lookup of example.com responded with code SERVFAIL",
		"the same under the status Gmail gives it", NetworkError, false},
	{"", 0, "", "DNS Error: DNS type 'mx' lookup of nx.example.com responded with code NXDOMAIN Domain name not found: nx.example.com",
		"Gmail's \"Domain not found\" notice (support.google.com/mail/answer/6596)", HostUnknown, true},
	// Go's resolver says "server misbehaving" for SERVFAIL and other
	// failed replies (net/dnsclient_unix.go), "no such host" for NXDOMAIN
	// (net/net.go errNoSuchHost); chasquid quotes them in its dial errors
	// (internal/courier/smtp.go).
	{"", 0, "", "Could not dial: dial tcp: lookup mx.example.com on 127.0.0.53:53: server misbehaving",
		"Go net/dnsclient_unix.go errServerMisbehaving, as chasquid quotes a dial error", NetworkError, false},
	{"", 0, "", "Could not dial: dial tcp: lookup mx.example.com on 127.0.0.53:53: no such host",
		"Go net/net.go errNoSuchHost, as chasquid quotes a dial error", HostUnknown, true},
	// Postfix's "Malformed or unexpected name server reply" is dns_lookup()'s
	// text for any answer it could not use (src/dns/dns_lookup.c): a
	// malformed reply, transient (DNS_RETRY, "4.4.3" in smtp_addr.c), or a
	// name that fails valid_hostname() (DNS_INVAL, "5.4.4": for an MX, a
	// null MX among them, notAcceptPhrases): the status tells them apart.
	{"", 0, "4.4.3", "Host or domain name not found. Name service error for name=example.com type=MX: Malformed or unexpected name server reply",
		"Postfix src/dns/dns_lookup.c and src/smtp/smtp_addr.c (DNS_RETRY: 4.4.3)", NetworkError, false},
	{"", 0, "5.4.4", "Host or domain name not found. Name service error for name=example.com type=MX: Malformed or unexpected name server reply",
		"Postfix src/dns/dns_lookup.c and src/smtp/smtp_addr.c (DNS_INVAL: 5.4.4)", NotAccept, true},
	{"", 0, "4.4.3", "Host or domain name not found. Name service error for name=example.com type=MX: Host not found, try again",
		"Postfix smtp(8), the resolver's TRY_AGAIN", NetworkError, false},
	{"", 0, "5.4.4", "Host or domain name not found. Name service error for name=example.com type=A: Host not found",
		"Postfix smtp(8), NXDOMAIN (DNS_NOTFOUND: 5.4.4)", HostUnknown, true},
	// Postfix's reject_unverified_recipient (src/smtpd/smtpd_check.c,
	// reject_unverified_address()): "unverified address: x" for a probe
	// deferred or not finished (verify(8)'s "Address verification in
	// progress"), "address verification problem" for a failed verify
	// service, "undeliverable address: x" for a probe that bounced.
	{"RCPT", 450, "4.1.1", "<post@example.no>: Recipient address rejected: unverified address: Recipient address lookup failed",
		"pastebin.com/2dK3Pg4A (Postfix's log of its refusals)", SystemError, false},
	{"", 450, "4.1.1", "<post@example.no>: Recipient address rejected: unverified address: Address verification in progress",
		"Postfix src/verify/verify.c (DEL_RCPT_STAT_TODO) and smtpd_check.c", SystemError, false},
	{"", 450, "4.1.1", "<post@example.no>: Recipient address rejected: address verification problem",
		"Postfix src/smtpd/smtpd_check.c (the verify service failed)", SystemError, false},
	{"", 450, "4.1.1", "<jude@example.ro>: Recipient address rejected: unverified address: unknown user: \"jude\"",
		"pastebin.com/fayPzpMp (the probe deferred with local(8)'s unknown user)", UserUnknown, false},
	{"RCPT", 550, "5.1.1", "<gone@example.ro>: Recipient address rejected: undeliverable address: host mx.example.ro[192.0.2.1] said: 550 5.1.1 <gone@example.ro>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)",
		"Postfix src/smtpd/smtpd_check.c (the probe bounced, unverified_recipient_reject_code 550)", UserUnknown, true},
	// A relay's reply quoted in an Exchange NDR for a mistyped domain
	// (hotmail.co.ik), the continuation code left in the line.
	{"", 0, "", "smtp04.example.com #550-The domain in the email address 'someone@hotmail.co.ik' does not 550 exist. Sorry. ##",
		"markgossa.com/2015/09/451-440-dns-query-failed-error-was.html", HostUnknown, true},
	{"", 451, "4.4.0", "DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain",
		"markgossa.com/2015/09 (Exchange's deferral, retried)", NetworkError, false},
	// RFC 5321 §4.2.3: 450 "Requested mail action not taken: mailbox
	// unavailable (e.g., mailbox busy or temporarily blocked for policy
	// reasons)", as SMTP servers' reply tables send it word for word; 550
	// "mailbox unavailable (e.g., mailbox not found, no access, ...)". An
	// RFC 3463 x.2 status says the mailbox exists (x.2.1 disabled).
	{"RCPT", 450, "", "Requested mail action not taken: mailbox unavailable",
		"RFC 5321 §4.2.3 (450, a busy or temporarily blocked mailbox)", OnHold, false},
	{"RCPT", 550, "5.2.1", "Mailbox unavailable",
		"RFC 3463 §3.4 x.2.1 \"Mailbox disabled, not accepting messages\"", Suspend, false},
	{"RCPT", 550, "", "Requested action not taken: mailbox unavailable",
		"sitepackage.de (Hotmail's unknown user, at RCPT)", UserUnknown, true},
	// A sender refused in words that hold RFC 7504's "does not accept
	// mail" ("... from this sender address"): no verdict on the domain.
	{"", 550, "5.2.1", "Mailbox unavailable. This server does not accept mails from this sender address",
		"a bulk mailer's table of Postfix-recorded refusals from Ukrainian hosts on GitHub (cummins-power.com.ua, dalgakiran.com.ua)", Rejected, false},
	{"DATA", 550, "", "550-This message has 8-bit content, but does not have the required MIME\n550-headers.  Sorry, this mail server does not accept mail without the\n550-required MIME headers.  See <URL:ftp://ftp.isi.edu/in-notes/rfc2045.txt>\n550 for more information.",
		"a ZMailer report in the linux-kernel archive (ammarfaizi2/lore-inbox): the message's MIME form refused", ContentError, false},
	{"RCPT", 550, "", "This server does not accept mail for example.com",
		"a Cloudflare Email Worker's and a hosted-domain check's refusal of a domain they do not host (public repositories)", OnHold, false},
	// RFC 3463 §3.5 x.3.2 "System not accepting network messages",
	// "useful for both permanent and persistent transient errors", its
	// examples for now: ghsmtp refuses a client that talks before its
	// greeting with it (gene-hightower/ghsmtp Session.cpp, "bad host [x]
	// input before greeting"); RFC 7504 §3's 521 is a host that takes no
	// mail at all.
	{"CONNECT", 554, "5.3.2", "not accepting network messages",
		"gene-hightower/ghsmtp Session.cpp (input before the greeting)", SystemError, false},
	{"CONNECT", 521, "5.3.2", "mx.example.com does not accept mail",
		"RFC 7504 §3", NotAccept, true},
	// United Online's MXes (Juno, NetZero) refusing unknown addresses at
	// RCPT.
	{"RCPT", 550, "", "kozelj1973@juno.com is not a valid user",
		"pastebin.com/pnX6jKVc", UserUnknown, true},
	{"RCPT", 550, "", "marospent708@netzero.net is not a valid user",
		"pastebin.com/0zkJE29y (an Exim bounce, after RCPT TO)", UserUnknown, true},
}

func TestReviewHSReplies(t *testing.T) {
	for _, c := range reviewHSReplies {
		got := ClassifyReply(c.command, c.code, c.enhanced, c.text)
		if got.Reason != c.reason || got.Hard != c.hard {
			t.Errorf("%s %d %s %q (%s): %s hard %v, want %s hard %v",
				c.command, c.code, c.enhanced, c.text, c.source, got.Reason, got.Hard, c.reason, c.hard)
		}
	}
}

// reviewHSBounces hold the same texts in the bounces that report a
// recipient given up: a failure the sending MTA met for now and retried
// until its queue lifetime ended is no verdict on the address.
var reviewHSBounces = []formatCase{
	// Gmail's final notice for a domain whose name servers answered
	// SERVFAIL for two days (its layout as quoted in public bounce-handler
	// test data; formats_test.go TestGmailFormats for the notice).
	{name: "Gmail, address not found after SERVFAIL", from: gmailFrom, subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "** Address not found **\n\nYour message wasn't delivered to admin@broken.example because the domain broken.example couldn't be found. Check for typos or unnecessary spaces and try again.\n\nThe response was:\n\nDNS Error: DNS type 'mx' lookup of broken.example responded with code SERVFAIL\n",
		want: []formatWant{{"admin@broken.example", NetworkError, false, "5", "SERVFAIL"}}},
	// Postfix's bounce of a message deferred by a relay's address
	// verification until maximal_queue_lifetime (src/smtpd/smtpd_check.c
	// for the reply).
	postfixGaveUp("Postfix DSN, address verification never finished", "post@example.no", "4.1.1",
		"450 4.1.1 <post@example.no>: Recipient address rejected: unverified address: Address verification in progress",
		formatWant{"post@example.no", Expired, false, "4.1.1", "verification in progress"}),
	// The same bounce for a probe whose own delivery found no such user
	// for now: a temporary unknown user given up stays hard (doc.go).
	postfixGaveUp("Postfix DSN, unverified address unknown user given up", "jude@example.ro", "4.1.1",
		"450 4.1.1 <jude@example.ro>: Recipient address rejected: unverified address: unknown user: \"jude\"",
		formatWant{"jude@example.ro", UserUnknown, true, "4.1.1", "unknown user"}),
	// An Exchange NDR (Forcepoint's MailControl) whose canned words, "The
	// email address you entered couldn't be found", render the 5.1.1 a
	// relay wrapped around web.de's refusal of the sending host on the
	// NiX Spam list (pastebin.com/MrYKXZfw): the quoted reply decides.
	{name: "Exchange NDR, NiX Spam listing under a 5.1.1", from: "postmaster@mailcontrol.example", subject: "Undeliverable: hello", action: "failed",
		body: "Delivery has failed to these recipients or groups:\n\noffice@example.at\nThe email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your email admin.\n\nThe following organization rejected your message: smtp.relay.example.\n\nDiagnostic information for administrators:\n\nGenerating server: rly47d.mailcontrol.example\n\noffice@example.at\nsmtp.relay.example\nRemote Server returned '554 5.1.1 <smtp.relay.example #5.1.1 SMTP; 550-192.0.2.190 , Your e-mail service was detected by mx-ha.web.de (NiX Spam)>'\n\nOriginal message headers:\n\n" + returned,
		want: []formatWant{{"office@example.at", Blocked, false, "5.1.1", "NiX Spam"}}},
	// A mailbox that kept refusing with RFC 5321's 450, "mailbox busy or
	// temporarily blocked" (§4.2.3), until the queue lifetime ended.
	postfixGaveUp("Postfix DSN, 450 mailbox unavailable given up", "busy@example.net", "4.0.0",
		"450 Requested mail action not taken: mailbox unavailable",
		formatWant{"busy@example.net", OnHold, false, "4", "mailbox unavailable"}),
}

func TestReviewHSBounces(t *testing.T) { checkFormats(t, reviewHSBounces) }

// postfixGaveUp is Postfix's bounce of a recipient whose last reply at
// RCPT was reply when maximal_queue_lifetime ended: bounce(5)'s failure
// template, the reply in smtp(8)'s words and the DSN fields folded as
// bounce_notify_util.c folds them (postfixFold), Action failed with the
// reply's own status.
func postfixGaveUp(name, rcpt, status, reply string, want formatWant) formatCase {
	return formatCase{name: name, from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + postfixFold("<"+rcpt+">: host mx.example.net[192.0.2.1] said: "+reply+" (in reply to RCPT TO command)") + "\n",
		report: "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; " + rcpt + "\nAction: failed\nStatus: " + status +
			"\nRemote-MTA: dns; mx.example.net\n" + postfixFold("Diagnostic-Code: smtp; "+reply) + "\n",
		want: []formatWant{want}}
}

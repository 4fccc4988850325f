package bounce

import (
	"encoding/base64"
	"mime"
	"strings"
	"testing"
)

// formatWant is what Parse must report for one recipient of a
// template-built bounce.
type formatWant struct {
	rcpt   string
	reason Reason
	hard   bool
	status string // the enhanced status code, or its class alone ("5", "4")
	diag   string // a piece of the remote reply the diagnostic must hold
}

// formatCase is a bounce laid out as its generator's source or
// documentation writes it, without a delivery-status part, so that only
// the reading of the text decides.
type formatCase struct {
	name, from, subject string
	header              string // extra header fields, "Name: value\n" each
	body                string // LF line ends; sent as CRLF
	action              string // "failed" or "delayed"
	want                []formatWant
	// attached, when set, is the returned message as a generator
	// attaches it (message/rfc822 after the text part, in a
	// multipart/mixed), for notices whose text names no recipient.
	attached string
	// report, when set, is a delivery-status part (RFC 3464 fields, LF
	// line ends): the message is a multipart/report with the text part,
	// this part and the attached message, if any, for DSN layouts.
	report string
	// charset, when set, is the text part's declared charset (the body
	// given already in it); else us-ascii.
	charset string
}

// plainBounce builds the message: the notification as text/plain, the
// returned message after the generator's marker (in body) or attached.
func (c formatCase) message() string {
	h := "From: " + c.from + "\nTo: sender@example.org\nSubject: " + c.subject + "\n" + c.header + "MIME-Version: 1.0\n"
	cs := "us-ascii"
	if c.charset != "" {
		cs = c.charset
	}
	text := "Content-Type: text/plain; charset=" + cs + "\n\n" + c.body
	if c.report != "" {
		h += "Content-Type: multipart/report; report-type=delivery-status; boundary=\"=_ndr\"\n\n"
		text = "--=_ndr\n" + text + "\n--=_ndr\nContent-Type: message/delivery-status\n\n" + c.report
		if c.attached != "" {
			text += "\n--=_ndr\nContent-Type: message/rfc822\n\n" + c.attached
		}
		text += "\n--=_ndr--\n"
	} else if c.attached != "" {
		h += "Content-Type: multipart/mixed; boundary=\"=_ndr\"\n\n"
		text = "--=_ndr\n" + text + "\n--=_ndr\nContent-Type: message/rfc822\n\n" + c.attached + "\n--=_ndr--\n"
	}
	return strings.ReplaceAll(h+text, "\n", "\r\n")
}

func checkFormats(t *testing.T, cases []formatCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tc.message()))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != KindNonStandard && rep.Kind != KindDSN {
				t.Fatalf("kind %v", rep.Kind)
			}
			checkRecipients(t, rep.Recipients, tc.want, tc.action)
		})
	}
}

// checkRecipients compares a report's recipients with the wanted ones:
// the same number, each wanted address among them with its reason,
// hard/soft, status (or its prefix), diagnostic piece and, when action is
// set, that action.
func checkRecipients(t *testing.T, rcpts []Recipient, want []formatWant, action string) {
	t.Helper()
	got := map[string]Recipient{}
	var order []string
	for _, r := range rcpts {
		got[r.FinalRecipient] = r
		order = append(order, r.FinalRecipient)
	}
	if len(rcpts) != len(want) {
		t.Errorf("recipients %q, want %d", order, len(want))
	}
	for _, w := range want {
		r, ok := got[w.rcpt]
		if !ok {
			t.Errorf("%s: not found among %q", w.rcpt, order)
			continue
		}
		if r.Reason != w.reason || r.Hard != w.hard || !strings.HasPrefix(r.Status, w.status) {
			t.Errorf("%s: reason %s hard %v status %s, want %s %v %s\ndiag: %q", w.rcpt, r.Reason, r.Hard, r.Status, w.reason, w.hard, w.status, r.DiagnosticCode)
		}
		if action != "" && r.Action != action {
			t.Errorf("%s: action %q, want %q", w.rcpt, r.Action, action)
		}
		if w.diag != "" && !strings.Contains(fold(r.DiagnosticCode), fold(w.diag)) {
			t.Errorf("%s: diagnostic %q lacks %q", w.rcpt, r.DiagnosticCode, w.diag)
		}
	}
}

const returned = "From: Sender <sender@example.org>\nTo: a@example.net\nSubject: hello\nMessage-ID: <send-42@example.org>\n\nbody line\n"

// The MTAs' bounce texts as their sources write them (see the tests below
// for each source); wrapped_test.go wraps provider replies in them too.
const (
	qmailPre           = "Hi. This is the qmail-send program at mx.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
	qmailCopy          = "--- Below this line is a copy of the message.\n\n" + returned
	eximPre            = "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n"
	eximCopy           = "\n------ This is a copy of the message, including all the headers. ------\n\n" + returned
	eximWarn           = "This message was created automatically by mail delivery software.\n\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue on mx.example.org.\n\nThe message identifier is:     1abcde-000123-AB\nThe subject of the message is: hello\nThe date of the message is:    Sun, 06 Dec 2026 10:00:00 +0000\n\n"
	eximWarnEnd        = "\nNo action is required on your part. Delivery attempts will continue for\nsome time, and this warning may be repeated at intervals if the message\nremains undelivered. Eventually the mail delivery software will give up,\nand when that happens, the message will be returned to you.\n"
	sendmailHead       = "The original message was received at Sun, 6 Dec 2026 10:00:00 GMT\nfrom localhost [127.0.0.1]\n\n"
	sendmailCopy       = "\n   ----- Original message follows -----\n\n" + returned
	postfixPre         = "This is the mail system at host mx.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n"
	postfixDelayPre    = "This is the mail system at host mx.example.org.\n\n####################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n\nYour message could not be delivered for more than 4 hour(s).\nIt will be retried until it is 5 day(s) old.\n\nFor further assistance, please send mail to postmaster.\n\n                   The mail system\n\n"
	sendmailWarnBanner = "    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      **\n    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n\n"
	opensmtpdIntro     = "    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n"
	opensmtpdError     = "    An error has occurred while attempting to deliver a message for\n    the following list of recipients:\n\n"
	opensmtpdDelay     = "    A message is delayed for more than 4 hours for the following\n    list of recipients:\n\n"
	opensmtpdDelayEnd  = "\n    Please note that this is only a temporary failure report.\n    The message is kept in the queue for up to 4 days.\n    You DO NOT NEED to re-send the message to these recipients.\n"
	opensmtpdCopy      = "\n    Below is a copy of the original message:\n\n" + returned
	exchangeFrom       = "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.org>"
	exchangeAdmin      = "Diagnostic information for administrators:\n\nGenerating server: "
	exchangeHeaders    = "\nOriginal message headers:\n\n" + returned
	exchangeDelayPre   = "Delivery is delayed to these recipients or groups:\n\n"
	exchangeDelayText  = "\n\nSubject: hello\n\nThis message hasn't been delivered yet. Delivery will continue to be attempted.\n\nThe server will keep trying to deliver this message for the next 1 days, 19 hours and 52 minutes. You'll be notified if the message can't be delivered by that time.\n\n"
	gmailFrom          = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"
	gmailResponse      = "The response from the remote server was:\n"
	gmailFailPre       = "** Message not delivered **\n\nThere was a problem delivering your message to "
	gmailFailPost      = ". See the technical details below.\n\n" + gmailResponse
	gmailDelayPre      = "** Delivery incomplete **\n\nThere was a temporary problem delivering your message to "
	gmailDelayPost     = ". Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.\n\n" + gmailResponse
)

// TestQmailFormats reads qmail's bounce as qmail-send.c writes it (the
// preamble, "<addr>:" then the delivery program's report, "--- Below this
// line is a copy of the message."), with the reports of qmail-remote.c
// ("does not like recipient." / "Remote host said:" / "Giving up on",
// one reply line per line of a multi-line reply; "Sorry, I couldn't find
// any host named", "Sorry, I wasn't able to establish an SMTP
// connection", "Connected to ... but sender was rejected") and
// qmail-local.c ("Sorry, no mailbox here by that name. (#5.1.1)"), and
// vpopmail's vdelivermail ("... vpopmail (#5.1.1)"). When the queue
// lifetime runs out qmail-send adds "I'm not going to try again; this
// message has been in the queue too long." to the last temporary report.
func TestQmailFormats(t *testing.T) {
	pre := qmailPre
	copyLine := qmailCopy
	checkFormats(t, []formatCase{
		{name: "several recipients", from: "MAILER-DAEMON@mx.example.org", subject: "failure notice", action: "failed",
			body: pre +
				"<gone@example.net>:\n192.0.2.1 does not like recipient.\nRemote host said: 550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces. - gsmtp\nGiving up on 192.0.2.1.\n\n" +
				"<noone@example.org>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n" +
				"<x@nx.example.com>:\nSorry, I couldn't find any host named nx.example.com. (#5.1.2)\n\n" +
				"<v@example.com>:\nSorry, no mailbox here by that name. vpopmail (#5.1.1)\n\n" + copyLine,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "does not exist"},
				{"noone@example.org", UserUnknown, true, "5.1.1", "no mailbox here"},
				{"x@nx.example.com", HostUnknown, true, "5.1.2", "couldn't find any host"},
				{"v@example.com", UserUnknown, true, "5.1.1", "vpopmail"},
			}},
		{name: "full mailbox and content after data", from: "MAILER-DAEMON@mx.example.org", subject: "failure notice",
			body: pre +
				"<full@example.net>:\n192.0.2.3 does not like recipient.\nRemote host said: 552 5.2.2 <full@example.net>: Mailbox full\nGiving up on 192.0.2.3.\n\n" +
				"<spam@example.com>:\n192.0.2.4 failed after I sent the message.\nRemote host said: 554 5.7.1 Message rejected as spam\n\n" + copyLine,
			want: []formatWant{
				{"full@example.net", MailboxFull, false, "5.2.2", "Mailbox full"},
				{"spam@example.com", SpamDetected, false, "5.7.1", "rejected as spam"},
			}},
		{name: "queue lifetime ran out", from: "MAILER-DAEMON@mx.example.org", subject: "failure notice",
			body: pre +
				"<late@example.net>:\nSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\nI'm not going to try again; this message has been in the queue too long.\n\n" + copyLine,
			want: []formatWant{{"late@example.net", Expired, false, "", "establish an SMTP connection"}}},
		{name: "sender rejected", from: "MAILER-DAEMON@mx.example.org", subject: "failure notice",
			body: pre +
				"<a@example.net>:\nConnected to 192.0.2.1 but sender was rejected.\nRemote host said: 553 5.1.8 <sender@example.org>... Domain of sender address does not exist\n\n" + copyLine,
			want: []formatWant{{"a@example.net", Rejected, false, "5.1.8", "Domain of sender"}}},
	})
}

// TestEximFormats reads Exim's bounce and delay warning as deliver.c
// writes them by default (Exim specification, "Customizing bounce and
// warning messages"): "The following address(es) failed:", each address
// indented two spaces and its reasons four ("host ... [ip]", "SMTP error
// from remote mail server after RCPT TO:<...>:" then the reply, one line
// per line of a multi-line reply; the older "SMTP error from remote
// mailer after ...: host ...: 550 ..." on one line; "Unrouteable
// address"; "retry timeout exceeded"; "all hosts for '...' have been
// failing for a long time (and retry time not reached)"; appendfile's
// "mailbox is full (MTA-imposed quota exceeded while writing to file
// ...)"), and the warning's "The address(es) to which the message has not
// yet been delivered is/are:" with "Delay reason:".
func TestEximFormats(t *testing.T) {
	pre := eximPre
	copyLine := eximCopy
	warn := eximWarn
	warnEnd := eximWarnEnd
	checkFormats(t, []formatCase{
		{name: "several recipients", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Mail delivery failed: returning message to sender",
			header: "X-Failed-Recipients: gone@example.net, full@example.com, x@nx.example.com, late@example.org\n", action: "failed",
			body: pre +
				"  gone@example.net\n    host mx.example.net [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<gone@example.net>:\n    550-5.1.1 The email account that you tried to reach does not exist. Please try\n    550-5.1.1 double-checking the recipient's email address for typos or\n    550 5.1.1 unnecessary spaces. - gsmtp\n" +
				"  full@example.com\n    host mx.example.com [192.0.2.2]\n    SMTP error from remote mail server after end of data:\n    552 5.2.2 Mailbox full\n" +
				"  x@nx.example.com\n    Unrouteable address\n" +
				"  late@example.org\n    retry timeout exceeded\n" + copyLine,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "does not exist"},
				{"full@example.com", MailboxFull, false, "5.2.2", "Mailbox full"},
				{"x@nx.example.com", HostUnknown, true, "5", "Unrouteable address"},
				{"late@example.org", Expired, false, "", "retry timeout exceeded"},
			}},
		{name: "no X-Failed-Recipients", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Mail delivery failed: returning message to sender",
			body: pre +
				"  gone@example.net\n    host mx.example.net [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<gone@example.net>:\n    550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table\n" +
				"  big@example.com\n    host mx.example.com [192.0.2.2]\n    SMTP error from remote mail server after MAIL FROM:<sender@example.org> SIZE=90000000:\n    552 5.3.4 Message size exceeds fixed limit\n" + copyLine,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"big@example.com", MesgTooBig, false, "5.3.4", "size exceeds"},
			}},
		{name: "older one-line SMTP error", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Mail delivery failed: returning message to sender",
			body: pre +
				"  gone@example.net\n    SMTP error from remote mailer after RCPT TO:<gone@example.net>:\n    host mx.example.net [192.0.2.1]: 550 5.1.1 <gone@example.net>... User unknown\n" +
				"  relay@example.com\n    SMTP error from remote mailer after RCPT TO:<relay@example.com>:\n    host mx.example.com [192.0.2.2]: 554 5.7.1 <relay@example.com>: Relay access denied\n" + copyLine,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"relay@example.com", NoRelaying, false, "5.7.1", "Relay access denied"},
			}},
		{name: "local quota and hosts failing", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Mail delivery failed: returning message to sender",
			body: pre +
				"  local@example.org\n    (generated from alias@example.org)\n    mailbox is full (MTA-imposed quota exceeded while writing to file /var/mail/local)\n" +
				"  down@example.net\n    all hosts for 'example.net' have been failing for a long time (and retry time not reached)\n" + copyLine,
			want: []formatWant{
				{"local@example.org", MailboxFull, false, "5", "quota exceeded"},
				{"down@example.net", Expired, false, "", "have been failing"},
			}},
		{name: "delay warning, one address", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Warning: message 1abcde-000123-AB delayed 24 hours", action: "delayed",
			body: warn + "The address to which the message has not yet been delivered is:\n\n  full@example.net\n    host mx.example.net [192.0.2.1]\n    Delay reason: SMTP error from remote mail server after RCPT TO:<full@example.net>:\n    452 4.2.2 The email account that you tried to reach is over quota.\n" + warnEnd,
			want: []formatWant{{"full@example.net", MailboxFull, false, "4.2.2", "over quota"}}},
		{name: "delay warning, several addresses", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Warning: message 1abcde-000123-AB delayed 24 hours", action: "delayed",
			body: warn + "The addresses to which the message has not yet been delivered are:\n\n" +
				"  full@example.net\n    host mx.example.net [192.0.2.1]\n    Delay reason: SMTP error from remote mail server after RCPT TO:<full@example.net>:\n    452 4.2.2 Mailbox full\n" +
				"  slow@example.com\n    host mx.example.com [192.0.2.2]\n    Delay reason: SMTP error from remote mail server after MAIL FROM:<sender@example.org> SIZE=1024:\n    421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.\n" +
				"  quiet@example.org\n" + warnEnd,
			want: []formatWant{
				{"full@example.net", MailboxFull, false, "4.2.2", "Mailbox full"},
				{"slow@example.com", Speeding, false, "4.7.28", "unusual rate"},
				{"quiet@example.org", Expired, false, "4", ""},
			}},
	})
}

// TestSendmailFormats reads Sendmail's text as savemail.c and deliver.c
// write it, the DSN part left out as V5 and V8 without DSN support send
// it: "----- The following addresses had permanent fatal errors -----"
// with "(reason: ...)", "----- Transcript of session follows -----" with
// "... while talking to host.:", ">>> " commands and "<<< " replies (a
// multi-line reply on several "<<< " lines), the "addr... reason" record
// after them; and the warning ("THIS IS A WARNING MESSAGE ONLY",
// "... Deferred: Connection refused by", "Warning: message still
// undelivered after 4 hours").
func TestSendmailFormats(t *testing.T) {
	head := sendmailHead
	copyLine := sendmailCopy
	checkFormats(t, []formatCase{
		{name: "two recipients, transcript", from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", subject: "Returned mail: see transcript for details", action: "failed",
			body: head + "   ----- The following addresses had permanent fatal errors -----\n<gone@example.net>\n    (reason: 550 5.1.1 <gone@example.net>... User unknown)\n<spam@example.com>\n    (reason: 554 5.7.1 Message rejected as spam by Content Filtering.)\n\n" +
				"   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> RCPT To:<gone@example.net>\n<<< 550 5.1.1 <gone@example.net>... User unknown\n550 5.1.1 <gone@example.net>... User unknown\n" +
				"... while talking to mx.example.com.:\n>>> DATA\n<<< 554-5.7.1 Message rejected as spam by Content Filtering.\n<<< 554 5.7.1 See https://example.com/spam for details\n554 5.7.1 <spam@example.com>... Service unavailable\n" + copyLine,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"spam@example.com", SpamDetected, false, "5.7.1", "rejected as spam"},
			}},
		{name: "V5 host unknown", from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", subject: "Returned mail: Host unknown (Name server: nx.example.com: host not found)",
			body: head + "   ----- Transcript of session follows -----\n550 <x@nx.example.com>... Host unknown (Name server: nx.example.com: host not found)\n" + copyLine,
			want: []formatWant{{"x@nx.example.com", HostUnknown, true, "5", "host not found"}}},
		{name: "warning", from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", subject: "Warning: could not send message for past 4 hours", action: "delayed",
			body: sendmailWarnBanner + head +
				"   ----- Transcript of session follows -----\n<slow@example.net>... Deferred: Connection refused by mx.example.net.\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n" + copyLine,
			want: []formatWant{{"slow@example.net", NetworkError, false, "4", "Connection refused"}}},
	})
}

// TestPostfixFormats reads Postfix's text as bounce(5)'s default
// templates and bounce_notify_util.c write it without the DSN part (as
// releases before 2.3 sent it): "<addr>: host X[ip] said: <reply> (in
// reply to RCPT TO command)" folded at 76 columns with four spaces,
// "(in reply to end of DATA command)", "Host or domain name not found.
// Name service error for name=... type=MX: Host not found", "connect to
// host[ip]:25: Connection refused", and the delay template ("THIS IS A
// WARNING ONLY", "Your message could not be delivered for more than 4
// hour(s).").
func TestPostfixFormats(t *testing.T) {
	pre := postfixPre
	checkFormats(t, []formatCase{
		{name: "several recipients, folded replies", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
			body: pre +
				"<gone@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1\n    <gone@example.net>: Recipient address rejected: User unknown in virtual\n    mailbox table (in reply to RCPT TO command)\n\n" +
				"<full@example.com>: host mx.example.com[192.0.2.2] said: 552 5.2.2 Mailbox\n    full (in reply to end of DATA command)\n\n" +
				"<x@nx.example.com>: Host or domain name not found. Name service error for\n    name=nx.example.com type=MX: Host not found\n\n" +
				"<b@example.org>: host mx.example.org[192.0.2.3] refused to talk to me: 554\n    5.7.1 Service unavailable; Client host [203.0.113.9] blocked using\n    zen.spamhaus.org\n",
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown in virtual mailbox table"},
				{"full@example.com", MailboxFull, false, "5.2.2", "Mailbox full"},
				{"x@nx.example.com", HostUnknown, true, "5", "Host not found"},
				{"b@example.org", Blocked, false, "5.7.1", "zen.spamhaus.org"},
			}},
		{name: "delay warning", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Delayed Mail (still being retried)", action: "delayed",
			body: postfixDelayPre +
				"<full@example.net>: host mx.example.net[192.0.2.1] said: 452 4.2.2 Mailbox\n    full (in reply to RCPT TO command)\n\n<down@example.com>: connect to mx.example.com[192.0.2.2]:25: Connection\n    refused\n",
			want: []formatWant{
				{"full@example.net", MailboxFull, false, "4.2.2", "Mailbox full"},
				{"down@example.com", NetworkError, false, "4", "Connection refused"},
			}},
	})
}

// TestOpenSMTPDFormats reads OpenSMTPD's text as smtpd/bounce.c writes it
// ("An error has occurred while attempting to deliver a message for the
// following list of recipients:", then "addr: reply" one a line; the
// warning "A message is delayed for more than 4 hours for the following
// list of recipients:").
func TestOpenSMTPDFormats(t *testing.T) {
	intro := opensmtpdIntro
	copyLine := opensmtpdCopy
	checkFormats(t, []formatCase{
		{name: "several recipients", from: "Mailer Daemon <MAILER-DAEMON@mx.example.org>", subject: "Delivery status notification: error", action: "failed",
			body: intro + opensmtpdError +
				"gone@example.net: 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\nbig@example.com: 552 5.3.4 Message size exceeds fixed limit\nold@example.org: Envelope expired\n" + copyLine,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"big@example.com", MesgTooBig, false, "5.3.4", "size exceeds"},
				{"old@example.org", Expired, false, "", "Envelope expired"},
			}},
		{name: "delay", from: "Mailer Daemon <MAILER-DAEMON@mx.example.org>", subject: "Delivery status notification: delay", action: "delayed",
			body: intro + opensmtpdDelay +
				"full@example.net: 452 4.2.2 Mailbox full\n" + opensmtpdDelayEnd + copyLine,
			want: []formatWant{{"full@example.net", MailboxFull, false, "4.2.2", "Mailbox full"}}},
	})
}

// TestExchangeFormats reads Microsoft Exchange's non-delivery reports as
// each version lays out its text part (the NDR formats Microsoft Learn
// documents in "Email non-delivery reports and SMTP errors in Exchange
// Online" and "DSNs and NDRs in Exchange Server"): Exchange 2003's "The
// following recipient(s) could not be reached:" with "addr on date" and
// "<host #5.1.1>"; Exchange 2007's "Delivery has failed to these recipients
// or distribution lists:" with the diagnostic "#550 5.1.1 ... ##" after
// "Diagnostic information for administrators:"; Exchange 2010 and later
// (and Exchange Online) "Remote Server returned '...'" and "#< #5.1.1
// smtp;550 ...> #SMTP#", also in German (the localised NDR: "Die
// Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen",
// "Diagnoseinformationen für Administratoren").
func TestExchangeFormats(t *testing.T) {
	checkFormats(t, []formatCase{
		{name: "2003, two recipients", from: "System Administrator <postmaster@example.org>", subject: "Undeliverable: hello", action: "failed",
			body: "Your message did not reach some or all of the intended recipients.\n\n      Subject:\thello\n      Sent:\t12/6/2026 10:00 AM\n\nThe following recipient(s) could not be reached:\n\n" +
				"      gone@example.net on 12/6/2026 10:00 AM\n            The e-mail account does not exist at the organization this message was sent to.  Check the e-mail address, or contact the recipient directly to find out the correct address.\n            <mx.example.org #5.1.1>\n\n" +
				"      relay@example.com on 12/6/2026 10:00 AM\n            You do not have permission to send to this recipient.  For assistance, contact your system administrator.\n            <mx.example.org #5.7.1 smtp;550 5.7.1 Unable to relay for relay@example.com>\n",
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "does not exist"},
				{"relay@example.com", NoRelaying, false, "5.7.1", "Unable to relay"},
			}},
		// Exchange 2003's expiry NDR (snmail.co.uk, "Delivery Failures",
		// and madvigsolutions.com quote it): "Could not deliver the message
		// in the time limit specified", the status 4.4.7 in the host's
		// bracket, the message no longer retried.
		{name: "2003, time limit", from: "System Administrator <postmaster@example.org>", subject: "Undeliverable: hello", action: "failed",
			body: "Your message did not reach some or all of the intended recipients.\n\n      Subject:\thello\n      Sent:\t12/6/2026 10:00 AM\n\nThe following recipient(s) could not be reached:\n\n" +
				"      slow@example.net on 12/7/2026 10:00 AM\n            Could not deliver the message in the time limit specified.  Please retry or contact your administrator.\n            <mx.example.org #4.4.7>\n",
			want: []formatWant{{"slow@example.net", Expired, false, "4.4.7", "time limit specified"}}},
		{name: "2007", from: "Microsoft Exchange <postmaster@example.org>", subject: "Undeliverable: hello",
			body: "Delivery has failed to these recipients or distribution lists:\n\ngone@example.net\nThe recipient's e-mail address was not found in the recipient's e-mail system. Microsoft Exchange will not try to redeliver this message for you. Please check the e-mail address and try resending this message, or provide the following diagnostic text to your system administrator.\n\n\n\n\n\n_____\nSent by Microsoft Exchange Server 2007\n\n\nDiagnostic information for administrators:\n\nGenerating server: mx.example.org\n\ngone@example.net\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\nOriginal message headers:\n\n" + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "RecipNotFound"}}},
		{name: "2010, remote server", from: "Microsoft Outlook <postmaster@example.org>", subject: "Undeliverable: hello",
			body: "Delivery has failed to these recipients or groups:\n\ngone@example.net\nThe e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message. If the problem continues, please contact your helpdesk.\n\nfull@example.com\nThe recipient's mailbox is full and can't accept messages now. Please try resending this message later, or contact the recipient directly.\n\n\n\nDiagnostic information for administrators:\n\nGenerating server: mx.example.org\n\ngone@example.net\nmx.example.net #550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown ##\n\nfull@example.com\nmx.example.com #552 5.2.2 Mailbox full ##\n\nOriginal message headers:\n\n" + returned,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"full@example.com", MailboxFull, false, "5.2.2", "Mailbox full"},
			}},
		{name: "Exchange Online", from: exchangeFrom, subject: "Undeliverable: hello",
			body: "Your message to gone@example.net couldn't be delivered.\n\ngone wasn't found at example.net.\n\nsender    Office 365    gone\nAction Required                     Recipient\n\nUnknown To address\n\nHow to Fix It\nThe address may be misspelled or may not exist. Try one or more of the following:\n\n" + exchangeAdmin + "AM0PR01MB1234.eurprd01.prod.exchangelabs.com\n\ngone@example.net\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n" + exchangeHeaders,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.10", "RecipientNotFound"}}},
		{name: "2010 SMTP wrapper", from: "Microsoft Exchange <postmaster@example.org>", subject: "Undeliverable: hello",
			body: "Delivery has failed to these recipients or groups:\n\nspam@example.net\nThe recipient's e-mail system rejected the message.\n\nDiagnostic information for administrators:\n\nGenerating server: mx.example.org\n\nspam@example.net\n#< #5.7.1 smtp;550 5.7.1 Message rejected as spam by Content Filtering.> #SMTP#\n\nOriginal message headers:\n\n" + returned,
			want: []formatWant{{"spam@example.net", SpamDetected, false, "5.7.1", "rejected as spam"}}},
		{name: "German", from: "Microsoft Outlook <postmaster@example.org>", subject: "Unzustellbar: hello",
			body: "Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen:\n\ngone@example.net\nDie eingegebene E-Mail-Adresse wurde nicht gefunden. Überprüfen Sie die E-Mail-Adresse des Empfängers, und versuchen Sie dann erneut, die Nachricht zu senden.\n\nDiagnoseinformationen für Administratoren:\n\nGenerierender Server: mx.example.org\n\ngone@example.net\nRemoteserver hat '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown' zurückgegeben.\n\nUrsprüngliche Nachrichtenkopfzeilen:\n\n" + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		// Exchange 2010's delay DSN as cryer.co.uk ("Delivery is delayed
		// to these recipients or groups") and gateway.ctsltd.net quote it,
		// and Exchange's German delay notice ("Die Zustellung an folgende
		// Empfänger oder Verteilerlisten wurde verzögert", adino.at): the
		// message is still being retried.
		{name: "2010 delay", from: "Microsoft Outlook <postmaster@example.org>", subject: "Delivery delayed: hello", action: "delayed",
			body: "Delivery is delayed to these recipients or groups:\n\nslow@example.net\n\nSubject: hello\n\nThis message hasn't been delivered yet. Delivery will continue to be attempted.\n\nThe server will keep trying to deliver this message for the next 1 days, 19 hours and 53 minutes. You'll be notified if the message can't be delivered by that time.\n",
			want: []formatWant{{"slow@example.net", Expired, false, "4", ""}}},
		{name: "German delay", from: "System Administrator <postmaster@example.org>", subject: "hello", action: "delayed",
			body: "Die Zustellung an folgende Empfänger oder Verteilerlisten wurde verzögert:\n\n      slow@example.net on 12/6/2026 10:00 AM\n",
			want: []formatWant{{"slow@example.net", Expired, false, "4", ""}}},
	})
}

// TestLocalisedExchangeFormats reads Exchange Online's NDRs in the
// sender's language, as they come from a tenant's
// MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@ address (no
// "postmaster" or "mailer-daemon" to go by) and without a delivery-status
// part: only the localised subject and wording say it is a bounce, and
// the remote server's reply, in English, says why. The French failure
// and delay notices follow the NDRs quoted on pastebin.com/HZca6aT2
// ("Échec de la remise pour ces destinataires ou groupes", "Informations
// de diagnostic pour les administrateurs", "En-têtes de message
// d'origine") and pastebin.com/SYa736QZ ("Remise retardée :", "La remise
// est retardée pour ces destinataires ou groupes", "De nouvelles
// tentatives de remise seront effectuées", "returned '400 4.4.7 Message
// delayed'"); the other languages' subjects and headings are those cited
// in text.go (bounceSubjects, bounceBodies). Each case is not a bounce
// without its localised words.
func TestLocalisedExchangeFormats(t *testing.T) {
	from := exchangeFrom
	diag := func(heading, addr, reply string) string {
		return heading + "\n\nmx.example.org\n\n" + addr + "\nRemote Server returned '" + reply + "'\n\n"
	}
	checkFormats(t, []formatCase{
		{name: "French", from: from, subject: "Non remis : hello", action: "failed",
			body: "Échec de la remise pour ces destinataires ou groupes :\n\ngone@example.net (gone@example.net)\nThe email address couldn't be found.\n\n" +
				diag("Informations de diagnostic pour les administrateurs :", "gone@example.net", "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown") +
				"En-têtes de message d'origine :\n\n" + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "French delay", from: from, subject: "Remise retardée :hello", action: "delayed",
			body: "La remise est retardée pour ces destinataires ou groupes :\n\nslow@example.net (slow@example.net)\n\nObjet : hello\n\n" +
				"Ce message n'a pas encore été remis. De nouvelles tentatives de remise seront effectuées.\n\n" +
				"Informations de diagnostic pour les administrateurs :\n\nServeur de génération : mx.example.org\n\nslow@example.net\nServer at mx.example.net (192.0.2.1) returned '400 4.4.7 Message delayed'\n",
			want: []formatWant{{"slow@example.net", Expired, false, "4", ""}}},
		{name: "Spanish", from: from, subject: "No se puede entregar: hello", action: "failed",
			body: "No se pudo entregar a estos destinatarios o grupos:\n\nfull@example.net (full@example.net)\n\n" +
				diag("Información de diagnóstico para administradores:", "full@example.net", "552 5.2.2 Mailbox full") + returned,
			want: []formatWant{{"full@example.net", MailboxFull, false, "5.2.2", "Mailbox full"}}},
		{name: "Italian", from: from, subject: "Non recapitabile: hello", action: "failed",
			body: "gone@example.net\n\n" + diag("Informazioni di diagnostica per gli amministratori:", "gone@example.net", "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown") + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "Portuguese", from: from, subject: "Não é possível entregar: hello", action: "failed",
			body: "Não foi possível entregar a sua mensagem para gone@example.net.\n\n" + diag("", "gone@example.net", "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown") + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "Dutch", from: from, subject: "Onbestelbaar: hello", action: "failed",
			body: "spam@example.net\n\n" + diag("", "spam@example.net", "550 5.7.1 Message rejected as spam by Content Filtering.") + returned,
			want: []formatWant{{"spam@example.net", SpamDetected, false, "5.7.1", "rejected as spam"}}},
		{name: "Japanese", from: from, subject: mime.BEncoding.Encode("utf-8", "配信不能: こんにちは"), action: "failed",
			body: "gone@example.net\n\n" + diag("管理者向けの診断情報:", "gone@example.net", "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown") + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
	})
}

// TestGmailFormats reads Gmail's notice as Google lays it out
// (support.google.com/mail/answer/6596, "Fix bounced or rejected emails",
// shows the notice and its phrases): the older "Delivery to the following
// recipient(s) failed permanently:" with "Technical details of permanent
// failure:" and "The error that the other server returned was:", its
// delay form ("has been delayed", "Message will be retried for 2 more
// day(s)"), and the newer "** Address not found **" / "** Message not
// delivered **" / "** Domain not found **" notices with "The response
// from the remote server was:" / "The response was:".
func TestGmailFormats(t *testing.T) {
	from := gmailFrom
	checkFormats(t, []formatCase{
		{name: "failed permanently", from: from, subject: "Delivery Status Notification (Failure)", action: "failed",
			body: "Delivery to the following recipient failed permanently:\n\n     gone@example.net\n\nTechnical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by the server for the recipient domain example.net by mx.example.net. [192.0.2.1].\n\nThe error that the other server returned was:\n550-5.1.1 <gone@example.net>: Recipient address rejected: User unknown in\n550 5.1.1 virtual mailbox table\n\n----- Original message -----\n\n" + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "delayed", from: from, subject: "Delivery Status Notification (Delay)", action: "delayed",
			body: "This is an automatically generated Delivery Status Notification\n\nTHIS IS A WARNING MESSAGE ONLY.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\nDelivery to the following recipient has been delayed:\n\n     full@example.net\n\nMessage will be retried for 2 more day(s)\n\nTechnical details of temporary failure:\nGoogle tried to deliver your message, but it was rejected by the server for the recipient domain example.net by mx.example.net. [192.0.2.1].\n\nThe error that the other server returned was:\n452 4.2.2 Mailbox full\n\n----- Original message -----\n\n" + returned,
			want: []formatWant{{"full@example.net", MailboxFull, false, "4.2.2", "Mailbox full"}}},
		{name: "address not found", from: from, subject: "Delivery Status Notification (Failure)", header: "X-Failed-Recipients: gone@example.net\n", action: "failed",
			body: "** Address not found **\n\nYour message wasn't delivered to gone@example.net because the address couldn't be found, or is unable to receive mail.\n\nLearn more here: https://support.google.com/mail/?p=NoSuchUser\n\n" + gmailResponse + "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\n",
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "message not delivered", from: from, subject: "Delivery Status Notification (Failure)", action: "failed",
			body: gmailFailPre + "spam@example.net" + gmailFailPost + "554 5.7.1 Message rejected as spam by Content Filtering.\n",
			want: []formatWant{{"spam@example.net", SpamDetected, false, "5.7.1", "rejected as spam"}}},
		{name: "domain not found", from: from, subject: "Delivery Status Notification (Failure)", action: "failed",
			body: "** Domain not found **\n\nYour message wasn't delivered to x@nx.example.com because the domain nx.example.com couldn't be found. Check for typos or unnecessary spaces and try again.\n\nThe response was:\nDNS Error: DNS type 'mx' lookup of nx.example.com responded with code NXDOMAIN Domain name not found: nx.example.com\n",
			want: []formatWant{{"x@nx.example.com", HostUnknown, true, "5", "NXDOMAIN"}}},
	})
}

// TestOtherFormats reads the text of other generators: Yahoo's ("Sorry,
// we were unable to deliver your message to the following address." then
// "<addr>:" and "Remote host said: ... [RCPT_TO]", the command in
// brackets), Courier's (courier/module.esmtp: "UNDELIVERABLE MAIL",
// "<addr>:", the host, then ">>> " and "<<< " lines after the address)
// and Lotus Domino's ("was not delivered to:" / "because:", the directory
// lookup "not listed in Domino Directory", HCL Domino documentation on
// delivery failure reports).
func TestOtherFormats(t *testing.T) {
	checkFormats(t, []formatCase{
		{name: "Yahoo", from: "MAILER-DAEMON@yahoo.com", subject: "Failure Notice", action: "failed",
			body: "Sorry, we were unable to deliver your message to the following address.\n\n<gone@example.net>:\nRemote host said: 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown [RCPT_TO]\n\n--- Below this line is a copy of the message.\n\n" + returned,
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "Courier, two recipients", from: "Courier mail server at mx.example.org <@>", subject: "NOTICE: mail delivery status.", action: "failed",
			body: "This is a delivery status notification from mx.example.org,\nrunning the Courier mail server, version 1.1.\n\nThe original message was received on Sun, 06 Dec 2026 10:00:00 +0000\nfrom localhost [127.0.0.1]\n\n---------------------------------------------------------------------------\n\n                           UNDELIVERABLE MAIL\n\nYour message to the following recipients cannot be delivered:\n\n" +
				"<gone@example.net>:\n    mx.example.net [192.0.2.1]:\n>>> RCPT TO:<gone@example.net>\n<<< 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\n\n" +
				"<big@example.com>:\n    mx.example.com [192.0.2.2]:\n>>> DATA\n<<< 552-5.3.4 Message size exceeds fixed limit\n<<< 552 5.3.4 (the limit is 10240000 bytes)\n\n---------------------------------------------------------------------------\n\nIf your message was also sent to additional recipients, their delivery\nstatus is not included in this report.\n",
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"big@example.com", MesgTooBig, false, "5.3.4", "size exceeds"},
			}},
		{name: "Domino", from: "Mail Router <postmaster@example.org>", subject: "DELIVERY FAILURE: User gone (gone@example.net) not listed in Domino Directory", action: "failed",
			body: "Your message\n\n  Subject: hello\n\nwas not delivered to:\n\n  gone@example.net\n\nbecause:\n\n  User gone (gone@example.net) not listed in Domino Directory\n",
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5", "not listed in Domino Directory"}}},
		// The "Mail System Error - Returned Mail" notice from "Mail
		// Administrator", as dream.jp (techinfo mail error05: a recipient
		// refused by the remote server, "Recipient:" and "Reason:" lines)
		// and faq.busblog.jp (show/410: "The user(s) account is
		// temporarily over quota.") show it.
		{name: "Mail System Error, refused", from: "Mail Administrator <Postmaster@example.jp>", subject: "Mail System Error - Returned Mail", action: "failed",
			body: "This Message was undeliverable due to the following reason:\n\nEach of the following recipients was rejected by a remote mail server.\nThe reasons given by the server are included to help you determine why\neach recipient was rejected.\n\n" +
				"    Recipient: <gone@example.jp>\n    Reason:    <gone@example.jp>... User unknown\n\nPlease reply to Postmaster@example.jp\nif you feel this message to be in error.\n",
			want: []formatWant{{"gone@example.jp", UserUnknown, true, "5", "User unknown"}}},
		{name: "Mail System Error, over quota", from: "Mail Administrator <Postmaster@example.jp>", subject: "Mail System Error - Returned Mail", action: "failed",
			body: "This Message was undeliverable due to the following reason:\n\nThe user(s) account is temporarily over quota.\n\n<full@example.jp>\n\nPlease reply to <Postmaster@example.jp>\nif you feel this message to be in error.\n",
			want: []formatWant{{"full@example.jp", MailboxFull, false, "5", "over quota"}}},
	})
}

// TestMoreFormats: Oracle Communications Messaging Server (and PMDF
// before it), whose text part the RFC 3464-era reports carry ("Your
// message cannot be delivered to the following recipients:", then
// "Recipient address:", "Original address:", "Reason:", "Diagnostic
// code:", "Remote system:" per recipient; the delay form "Your message
// has been enqueued and undeliverable for 1 day to the following
// recipients"); MDaemon's ("The attached message had PERMANENT fatal
// delivery errors", a "--- Session Transcript ---" of timestamped
// "--> " commands and "<-- " replies); and Gmail's notice for several
// recipients sharing one error ("Delivery to the following recipients
// failed permanently:").
func TestMoreFormats(t *testing.T) {
	omsHead := "This report relates to a message you sent with the following header fields:\n\n  Message-id: <send-42@example.org>\n  Date: Sun, 06 Dec 2026 10:00:00 +0000\n  From: Sender <sender@example.org>\n  To: gone@example.net\n  Subject: hello\n\n"
	checkFormats(t, []formatCase{
		{name: "Messaging Server, two recipients", from: "Internet Mail Delivery <postmaster@example.org>", subject: "Delivery Notification: Delivery has failed", action: "failed",
			body: omsHead + "Your message cannot be delivered to the following recipients:\n\n" +
				"  Recipient address: gone@example.net\n  Original address: alias@example.org\n  Reason: Remote SMTP server has rejected address\n  Diagnostic code: smtp;550 5.1.1 <gone@example.net>... User unknown\n  Remote system: dns;mx.example.net (TCP|192.0.2.9|47323|192.0.2.1|25) (mx.example.net ESMTP)\n\n" +
				"  Recipient address: full@example.com\n  Reason: recipient reached disk quota\n  Diagnostic code: smtp;552 5.2.2 Mailbox full\n  Remote system: dns;mx.example.com (TCP|192.0.2.9|47324|192.0.2.2|25) (mx.example.com ESMTP)\n\n",
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"full@example.com", MailboxFull, false, "5.2.2", "Mailbox full"},
			}},
		{name: "Messaging Server, delayed", from: "Internet Mail Delivery <postmaster@example.org>", subject: "Delivery Notification: Delivery has been delayed", action: "delayed",
			body: omsHead + "Your message has been enqueued and undeliverable for 1 day to the following recipients:\n\n  Recipient address: slow@example.net\n  Reason: Remote SMTP server has rejected address\n  Diagnostic code: smtp;452 4.2.2 Mailbox full\n  Remote system: dns;mx.example.net (TCP|192.0.2.9|47323|192.0.2.1|25) (mx.example.net ESMTP)\n\nThe mail system will continue to try to deliver your message for an additional 2 days.\n",
			want: []formatWant{{"slow@example.net", MailboxFull, false, "4.2.2", "Mailbox full"}}},
		{name: "MDaemon", from: "MDaemon@example.org", subject: "Permanent Delivery Failure", action: "failed",
			body: "--------------------------------------------------------------------------\nMDaemon Delivery Status Notification - http://www.altn.com/dsn/\n--------------------------------------------------------------------------\n\nThe attached message had PERMANENT fatal delivery errors.\n\nAfter one or more unsuccessful delivery attempts the attached message has\nbeen removed from the MDaemon mail queue on this server.  The number and\nfrequency of delivery attempts are determined by local configuration.\n\n--------------------------------------------------------------------------\nYOUR MESSAGE WAS NOT DELIVERED TO ONE OR MORE RECIPIENTS\n--------------------------------------------------------------------------\n\n--- Session Transcript ---\n Sun 2026-12-06 10:00:00: Parsing message <pd50004034668.msg>\n Sun 2026-12-06 10:00:00: *  From: sender@example.org\n Sun 2026-12-06 10:00:00: *  To: gone@example.net\n Sun 2026-12-06 10:00:00: *  Subject: hello\n Sun 2026-12-06 10:00:00: Attempting SMTP connection to [mx.example.net:25]\n Sun 2026-12-06 10:00:01: --> MAIL From:<sender@example.org>\n Sun 2026-12-06 10:00:01: <-- 250 2.1.0 Ok\n Sun 2026-12-06 10:00:01: --> RCPT To:<gone@example.net>\n Sun 2026-12-06 10:00:01: <-- 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\n--- End Transcript ---\n",
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "Gmail, several recipients", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Failure)", action: "failed",
			body: "Delivery to the following recipients failed permanently:\n\n     gone@example.net\n     other@example.net\n\nTechnical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by the server for the recipient domain example.net by mx.example.net. [192.0.2.1].\n\nThe error that the other server returned was:\n550 5.1.1 User unknown\n\n----- Original message -----\n\n" + returned,
			want: []formatWant{
				{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"},
				{"other@example.net", UserUnknown, true, "5.1.1", "User unknown"},
			}},
	})
}

// TestEncodedFormats reads notices whose text part is transfer-encoded or
// sits beside an HTML alternative, as Exchange Online sends its NDR
// (multipart/alternative, base64 text/plain and text/html; Microsoft
// Learn, "Email non-delivery reports in Exchange Online"), Gmail's notice
// localised (support.google.com/mail/answer/6596 in German: "Adresse
// nicht gefunden", "Die Antwort vom Remote-Server lautet:"), and Postfix's
// "(expanded from <alias>)" after the recipient (bounce(5) templates,
// bounce_notify_util.c).
func TestEncodedFormats(t *testing.T) {
	ndr := "Delivery has failed to these recipients or groups:\r\n\r\ngone@example.net\r\nThe email address you entered couldn't be found.\r\n\r\nDiagnostic information for administrators:\r\n\r\nGenerating server: mx.example.org\r\n\r\ngone@example.net\r\nRemote Server returned '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown'\r\n"
	html := "<html><body><p>Delivery has failed to these recipients or groups:</p><p>gone@example.net<br>The email address you entered couldn't be found.</p><p>Remote Server returned '550 5.1.1 &lt;gone@example.net&gt;: Recipient address rejected: User unknown'</p></body></html>"
	b64 := func(s string) string {
		e := base64.StdEncoding.EncodeToString([]byte(s))
		var b strings.Builder
		for len(e) > 76 {
			b.WriteString(e[:76] + "\r\n")
			e = e[76:]
		}
		return b.String() + e + "\r\n"
	}
	msgs := map[string]string{
		"Exchange Online, base64 alternative": "From: Microsoft Outlook <postmaster@example.org>\r\nSubject: Undeliverable: hello\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n" +
			"--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(ndr) +
			"--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(html) + "--alt--\r\n",
		"Exchange, quoted-printable": "From: Microsoft Outlook <postmaster@example.org>\r\nSubject: Undeliverable: hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"Delivery has failed to these recipients or groups:\r\n\r\ngone@example.net\r\nThe email address you entered couldn't be found.\r\n\r\ngone@example.net\r\nRemote Server returned '550 5.1.1 <gone@example.net>: Recipient address rej=\r\nected: User unknown'\r\n",
		"Gmail, German": "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nSubject: Delivery Status Notification (Failure)\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"** Adresse nicht gefunden **\r\n\r\nIhre Nachricht wurde nicht an gone@example.net zugestellt, weil die Adresse n=\r\nicht gefunden wurde oder keine E-Mails empfangen kann.\r\n\r\nDie Antwort vom Remote-Server lautet:\r\n550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\r\n",
		"Postfix, expanded from": "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nThis is the mail system at host mx.example.org.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients. It's attached below.\r\n\r\n                   The mail system\r\n\r\n" +
			"<gone@example.net> (expanded from <alias@example.org>): host\r\n    mx.example.net[192.0.2.1] said: 550 5.1.1 <gone@example.net>: Recipient\r\n    address rejected: User unknown (in reply to RCPT TO command)\r\n",
	}
	for name, msg := range msgs {
		t.Run(name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Recipients) != 1 {
				t.Fatalf("kind %v, recipients %+v", rep.Kind, rep.Recipients)
			}
			r := rep.Recipients[0]
			if r.FinalRecipient != "gone@example.net" || r.Reason != UserUnknown || !r.Hard || r.Status != "5.1.1" || r.Action != "failed" {
				t.Errorf("%s %s %s hard %v status %s; want gone@example.net, failed, userunknown, hard, 5.1.1\ndiag: %q", r.FinalRecipient, r.Action, r.Reason, r.Hard, r.Status, r.DiagnosticCode)
			}
		})
	}
}

// TestQuotedOtherAddress: a remote reply that quotes another address than
// the recipient's (the mailbox an alias or a forward leads to) is part of
// that recipient's error, not another recipient: qmail-remote's "Remote
// host said: 550 5.1.1 <other@...>", Postfix's reply folded onto a
// continuation line that starts with the quoted address (bounce(5): the
// continuation is indented), Exim's reply line under its "SMTP error from
// remote mail server after RCPT TO:<...>:", Gmail's reply under "The
// response from the remote server was:", Exchange's "Remote Server
// returned '...'".
func TestQuotedOtherAddress(t *testing.T) {
	checkFormats(t, []formatCase{
		{name: "qmail", from: "MAILER-DAEMON@mx.example.org", subject: "failure notice",
			body: "Hi. This is the qmail-send program at mx.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n" +
				"<alias@example.net>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 <mailbox@internal.example.net>... User unknown\nGiving up on 192.0.2.1.\n\n" +
				"<full@example.com>:\n192.0.2.2 does not like recipient.\nRemote host said: 552 5.2.2 <full@example.com>: Mailbox full\nGiving up on 192.0.2.2.\n\n--- Below this line is a copy of the message.\n\n" + returned,
			want: []formatWant{
				{"alias@example.net", UserUnknown, true, "5.1.1", "mailbox@internal.example.net"},
				{"full@example.com", MailboxFull, false, "5.2.2", "Mailbox full"},
			}},
		{name: "Postfix folded", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender",
			body: "This is the mail system at host mx.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n                   The mail system\n\n" +
				"<alias@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1\n    <mailbox@internal.example.net>: Recipient address rejected: User unknown in\n    virtual mailbox table (in reply to RCPT TO command)\n\n" +
				"<full@example.com>: host mx.example.com[192.0.2.2] said: 552 5.2.2 Mailbox\n    full (in reply to end of DATA command)\n",
			want: []formatWant{
				{"alias@example.net", UserUnknown, true, "5.1.1", "mailbox@internal.example.net"},
				{"full@example.com", MailboxFull, false, "5.2.2", "Mailbox full"},
			}},
		// Gmail prints the reply at the margin under its heading; the
		// address the reply quotes is not another recipient.
		{name: "Gmail", from: gmailFrom, subject: "Delivery Status Notification (Failure)", action: "failed",
			body: gmailFailPre + "alias@example.net" + gmailFailPost + "550 5.1.1 <mailbox@internal.example.net>: Recipient address rejected: User unknown\n",
			want: []formatWant{{"alias@example.net", UserUnknown, true, "5.1.1", "mailbox@internal.example.net"}}},
		// Exchange quotes the reply in "Remote Server returned '...'"
		// under the recipient, whatever the reply starts with.
		{name: "Exchange", from: exchangeFrom, subject: "Undeliverable: hello", action: "failed",
			body: "Delivery has failed to these recipients or groups:\n\nalias@example.net\n\n" + exchangeAdmin + "mx.example.org\n\nalias@example.net\nRemote Server returned 'User mailbox@internal.example.net not listed in Domino Directory'\n" + exchangeHeaders,
			want: []formatWant{{"alias@example.net", UserUnknown, true, "5", "mailbox@internal.example.net"}}},
		// The guard: replies listed one per recipient at the margin,
		// each quoting its own recipient, stay separate records.
		{name: "one reply per recipient", from: "MAILER-DAEMON@mx.example.org", subject: "Undeliverable", action: "failed",
			body: "Delivery to the following recipients failed:\n\n550 5.1.1 <a@example.net>: Recipient address rejected: User unknown\n552 5.2.2 <b@example.net>: Mailbox full\n",
			want: []formatWant{{"a@example.net", UserUnknown, true, "5.1.1", "User unknown"}, {"b@example.net", MailboxFull, false, "5.2.2", "Mailbox full"}}},
		{name: "Exim", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Mail delivery failed: returning message to sender",
			body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n" +
				"  alias@example.net\n    host mx.example.net [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<alias@example.net>:\n    550 5.1.1 <mailbox@internal.example.net>... User unknown\n" +
				"  full@example.com\n    host mx.example.com [192.0.2.2]\n    SMTP error from remote mail server after RCPT TO:<full@example.com>:\n    552 5.2.2 Mailbox full\n",
			want: []formatWant{
				{"alias@example.net", UserUnknown, true, "5.1.1", "mailbox@internal.example.net"},
				{"full@example.com", MailboxFull, false, "5.2.2", "Mailbox full"},
			}},
	})
}

// TestDelayNotices reads delay notices other than the MTAs' of the
// matrix: Exchange's ("Delivery is delayed to these recipients or
// groups:", "This message hasn't been delivered yet. Delivery will
// continue to be attempted.", "The server will keep trying to deliver
// this message for the next ..."; Microsoft Learn, "Email non-delivery
// reports in Exchange Online", the delay DSN) and Gmail's newer notice
// ("** Delivery incomplete **", "There was a temporary problem delivering
// your message to ...", "Gmail will retry for 46 more hours. You'll be
// notified if the delivery fails permanently."; support.google.com/mail/
// answer/6596).
func TestDelayNotices(t *testing.T) {
	checkFormats(t, []formatCase{
		{name: "Exchange", from: "Microsoft Outlook <postmaster@example.org>", subject: "Delivery delayed: hello", action: "delayed",
			body: exchangeDelayPre + "slow@example.net" + exchangeDelayText + exchangeAdmin + "mx.example.org\nReceiving server: mx.example.net\n\nslow@example.net\nServer at mx.example.net (192.0.2.1) returned '400 4.4.7 Message delayed'\n12/6/2026 10:00:00 AM - Server at mx.example.net (192.0.2.1) returned '451 4.7.0 Temporary server error. Please try again later'\n",
			want: []formatWant{{"slow@example.net", Expired, false, "4", "Message delayed"}}},
		{name: "Gmail", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Delay)", action: "delayed",
			body: gmailDelayPre + "full@example.net" + gmailDelayPost + "452 4.2.2 The email account that you tried to reach is over quota.\n",
			want: []formatWant{{"full@example.net", MailboxFull, false, "4.2.2", "over quota"}}},
		// Gmail's delay notice read from its subject alone, the body
		// holding no delay wording (as a notice in another language would
		// not): the message is still being retried.
		{name: "Gmail, subject only", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Delay)", action: "delayed",
			body: "full@example.net\n\n452 4.2.2 The email account that you tried to reach is over quota.\n",
			want: []formatWant{{"full@example.net", MailboxFull, false, "4.2.2", "over quota"}}},
		// A hosting provider's "delayed delivery notice", as
		// webinstinct.com shows it, without a reply: no word of a final
		// failure, only that delivery continues.
		{name: "delayed delivery notice", from: "Mail System <postmaster@example.org>", subject: "delayed delivery notice", action: "delayed",
			body: "Your message has been received by mx.example.org but has been undeliverable to the following recipients for at least 4 hours.\n\n<slow@example.net>\n\n" +
				"The mail system will continue to attempt to deliver your message to these recipients for a total of 2 days.\n\nYou do not need to resend your message at this time.\n\n\n--- Below this line is a copy of the original message.\n\n" + returned,
			want: []formatWant{{"slow@example.net", Expired, false, "4", ""}}},
		// An Exim relay's delay warning as support.protectedservice.net
		// shows it ("Warning: message <id> delayed 2 hours"), with the
		// recipient it says the warning includes.
		{name: "Exim relay warning", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Warning: message 1Zb92h-0002aX-BS delayed 2 hours", action: "delayed",
			body: "We are having trouble delivering your email because of an onward issue. No\naction is required on your part - we will continue to attempt delivery for\nsome days. This warning will be repeated at regular intervals if the\nmessage remains undelivered.\n\n  slow@example.net\n    Delay reason: SMTP error from remote mail server after RCPT TO:<slow@example.net>:\n    452 4.2.2 Mailbox full\n",
			want: []formatWant{{"slow@example.net", MailboxFull, false, "4.2.2", "Mailbox full"}}},
	})
}

// TestOlderLayouts: Yahoo's older notice ("Message from yahoo.com.",
// "Unable to deliver message to the following address(es).", with its
// published "554 delivery error: dd This user doesn't have a yahoo.com
// account"), the Exchange 2000/2003 SMTP notice Hotmail sent ("Delivery
// to the following recipients failed." then the address indented and
// "#550 ... ##"), and Sendmail's return after Timeout.queuereturn with
// the deferral reasons as "(reason: Deferred: ...)" and "Message could
// not be delivered for 5 days" (savemail.c, queue.c).
func TestOlderLayouts(t *testing.T) {
	checkFormats(t, []formatCase{
		{name: "Yahoo old", from: "MAILER-DAEMON@yahoo.com", subject: "Failure Notice", action: "failed",
			body: "Message from yahoo.com.\nUnable to deliver message to the following address(es).\n\n<gone@yahoo.com>:\n554: delivery error: dd This user doesn't have a yahoo.com account (gone@yahoo.com) [0] - mta1234.mail.bf1.yahoo.com\n\n--- Original message follows.\n\n" + returned,
			want: []formatWant{{"gone@yahoo.com", UserUnknown, true, "5", "doesn't have"}}},
		{name: "Hotmail old", from: "postmaster@hotmail.com", subject: "Delivery Status Notification (Failure)", action: "failed",
			body: "This is an automatically generated Delivery Status Notification.\n\nDelivery to the following recipients failed.\n\n       gone@example.net\n\n#550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown ##\n",
			want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
		{name: "Sendmail deferred expired", from: "MAILER-DAEMON@mx.example.org", subject: "Returned mail: see transcript for details", action: "failed",
			body: "The original message was received at Sun, 6 Dec 2026 10:00:00 GMT\nfrom localhost [127.0.0.1]\n\n   ----- The following addresses had permanent fatal errors -----\n<a@example.net>\n    (reason: Deferred: Connection timed out with mx.example.net.)\n<b@example.com>\n    (reason: 451 4.3.0 Temporary local problem)\n\n   ----- Transcript of session follows -----\n<a@example.net>... Deferred: Connection timed out with mx.example.net.\nMessage could not be delivered for 5 days\nMessage will be deleted from queue\n",
			want: []formatWant{{"a@example.net", Expired, false, "", "timed out"}, {"b@example.com", Expired, false, "", "Temporary local problem"}}},
	})
}

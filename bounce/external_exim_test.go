package bounce

import (
	"strings"
	"testing"
)

// eximLayouts are the bounces and delay warnings Exim writes, as its own
// test suite records them (the Exim source tree's test/mail/<n>.<user>:
// the mail a scripted run delivered, its cause in test/scripts/*/<n> and
// test/confs/<n>), each cut to the lines its reading needs, addresses and
// hosts replaced (the suite's dotless test domains, "domain1", given a
// dot). The truth of each is the cause its script and configuration set
// up, as Exim's specification gives its words. Exim's own words that name
// no cause are read as such (onhold), and a recipient whose text says
// only that a pipe a router generated failed as a mailer error, as the
// phrase table reads "pipe to |" (phrases.go).
//
// Read otherwise and left out: a filter's "fail" text ("subject was ...
// (filter fail)", test/mail/0037, 0177; the system filter's in 0296),
// the recipient's or the administrator's filter refusing the message,
// read as onhold: the words are the filter's own, and whether Exim adds
// "(filter fail)" was not found in its source; a "save to <file>" that
// forbid_file or a restricted Sieve fileinto refused (0037, 0428) and a
// transport's message_size_limit (0309), whose bounces name no cause;
// and addresses whose quoted local part holds spaces
// ("\":fail: fail message\"@x", 0103; 5204), read as the word "fail".
var eximLayouts = []formatCase{
	// test/mail/0461.CALLER: a host that keeps failing; once the retry
	// rules' time is up and no host's retry time has come, Exim fails the
	// address with these words (the spec's "Retry configuration": "retry
	// time not reached for any host after a long failure period").
	{name: "0461 retry time not reached", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: far@example.net\n",
		body:   eximPre + "  far@example.net\n    retry time not reached for any host after a long failure period\n" + eximCopy,
		want:   []formatWant{{"far@example.net", Expired, false, "5", "retry time not reached"}}},
	// test/mail/0531.CALLER: an LMTP server, and then an SMTP server at
	// RCPT, that answer "450 TEMPERROR" until the retry rules end; Exim
	// gives the last reply and "retry timeout exceeded": a temporary
	// failure given up on.
	{name: "0531 LMTP 450 given up", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: user@example.net\n",
		body:   eximPre + "  user@example.net\n    LMTP error after DATA: 450 TEMPERROR: retry timeout exceeded\n" + eximCopy,
		want:   []formatWant{{"user@example.net", Expired, false, "5", "retry timeout exceeded"}}},
	{name: "0531 SMTP 450 at RCPT given up", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: user@example.net\n",
		body:   eximPre + "  user@example.net\n    SMTP error from remote mail server after RCPT TO:<user@example.net>:\n  host mx.example.net [192.0.2.25]: 450 TEMPERROR: retry timeout exceeded\n" + eximCopy,
		want:   []formatWant{{"user@example.net", Expired, false, "5", "450 TEMPERROR"}}},
	// test/mail/0310.CALLER: appendfile's quota, deferred as "mailbox is
	// full" until the retry rules end.
	{name: "0310 mailbox full given up", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: full@example.net\n",
		body:   eximPre + "  full@example.net\n    mailbox is full: retry timeout exceeded\n\n",
		want:   []formatWant{{"full@example.net", MailboxFull, false, "5", "mailbox is full"}}},
	// test/mail/0211.CALLER: a server that answers the connection, and
	// then HELO, with "550 Go away": the client refused (blocked), its
	// DSN giving the reply and its text the stage. Two recipients
	// share the refusal of HELO.
	{name: "0211 greeting refused", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: user@one.example\n",
		body:   eximPre + "  user@one.example\n  host mx.one.example [192.0.2.25]\n    SMTP error from remote mail server after initial connection:\n    550 Go away\n",
		report: eximReport("user@one.example|550 Go away"),
		want:   []formatWant{{"user@one.example", Blocked, false, "5", "550 Go away"}}},
	{name: "0211 HELO refused, two recipients", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: usery@two.example,\n  userx@one.example\n",
		body:   eximPre + "  usery@two.example\n  host mx.example.net [192.0.2.25]\n    SMTP error from remote mail server after HELO mx.example.org:\n    550 Go away\n  userx@one.example\n  host mx.example.net [192.0.2.25]\n    SMTP error from remote mail server after HELO mx.example.org:\n    550 Go away\n",
		report: eximReport("userx@one.example|550 Go away", "usery@two.example|550 Go away"),
		want:   []formatWant{{"userx@one.example", Blocked, false, "5", "550 Go away"}, {"usery@two.example", Blocked, false, "5", "550 Go away"}}},
	// test/mail/0174.CALLER, 0051.CALLER: a domain its router's route
	// list marks ":fail:", "unrouteable mail domain".
	{name: "0174 unrouteable mail domain", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: user@nowhere.example\n",
		body:   eximPre + "  user@nowhere.example\n    unrouteable mail domain \"nowhere.example\" (:fail:)\n",
		report: eximReport("user@nowhere.example"),
		want:   []formatWant{{"user@nowhere.example", HostUnknown, true, "5", "unrouteable mail domain"}}},
	// test/mail/0032.CALLER: self = fail, the lowest MX of the domain
	// pointing at the sending host itself: a routing failure.
	{name: "0032 MX points to local host", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: user@loop.example\n",
		body:   eximPre + "  user@loop.example\n    lowest numbered MX record points to local host\n",
		report: eximReport("user@loop.example"),
		want:   []formatWant{{"user@loop.example", NetworkError, false, "5", "points to local host"}}},
	// test/mail/0224.CALLER: an alias (userxx) redirected to an address no
	// router takes, and one (useryx) whose child is hidden
	// (hide_child_in_errmsg): the DSN names the aliases, the text the
	// address generated from each under it. The unrouteable one is the
	// alias's; the hidden one names no cause.
	{name: "0224 generated from, DSN", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: bounce@example.net\n",
		body:   eximPre + "  bounce@example.net\n    (generated from alias@example.net)\n    Unrouteable address\n  an undisclosed address\n    (generated from hidden@example.net)\n",
		report: eximReport("hidden@example.net", "alias@example.net"),
		want:   []formatWant{{"alias@example.net", HostUnknown, true, "5", "Unrouteable address"}, {"hidden@example.net", OnHold, false, "5", ""}}},
	// test/mail/0224.CALLER, its delay warning: a file a forward names, an
	// alias whose address its router defers ("Delay reason: not just
	// yet") and a hidden one, still queued: each delayed, none with a
	// cause. Read from the text alone.
	{name: "0224 delay warning, generated addresses", from: eximFrom, subject: eximDelayed, action: "delayed",
		body: eximWarn + "The addresses to which the message has not yet been delivered are:\n\n  save to /no/such/file\n    generated by file@example.net\n  defer@example.net\n    (generated from alias@example.net)\n    Delay reason: not just yet\n  an undisclosed address\n    (generated from hidden@example.net)\n" + eximWarnEnd,
		want: []formatWant{{"file@example.net", Expired, false, "4", "save to"}, {"defer@example.net", Expired, false, "4", "not just yet"}, {"hidden@example.net", Expired, false, "4", ""}}},
	// test/mail/0098.CALLER: a pipe to a command that does not exist,
	// retried (a mailer program's failure), and a remote "451
	// Over-quota" at RCPT, in delay warnings read from the text.
	{name: "0098 delay warning, pipe", from: eximFrom, subject: eximDelayed, action: "delayed",
		body: eximWarn + "The addresses to which the message has not yet been delivered are:\n\n  pipe to |/non/existing/file\n    generated by piped@example.net\n  defer@example.net\n    Delay reason: This address has been forced to defer.\n" + eximWarnEnd,
		want: []formatWant{{"piped@example.net", MailerError, false, "4", "pipe to"}, {"defer@example.net", Expired, false, "4", "forced to defer"}}},
	{name: "0098 delay warning, remote over quota", from: eximFrom, subject: eximDelayed, action: "delayed",
		body: eximWarn + "The address to which the message has not yet been delivered is:\n\n  full@example.net\n    Delay reason: H=mx.example.net [192.0.2.25]: SMTP error from remote mail server after RCPT TO:<full@example.net>:\n    451 Over-quota\n" + eximWarnEnd,
		want: []formatWant{{"full@example.net", MailboxFull, false, "4", "Over-quota"}}},
	// test/mail/4111.CALLER (0015): a pipe that a forward of an alias
	// generated; the DSN names the ancestor ("ultimately generated
	// from"), the text the pipe above it.
	{name: "4111 pipe ultimately generated from, DSN", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: page+user@example.net\n",
		body:   eximPre + "  pipe to |callpager\n    generated by page+user@example.net\n    (ultimately generated from page+u@example.net)\n",
		report: eximReport("page+u@example.net"),
		want:   []formatWant{{"page+u@example.net", MailerError, false, "5", "pipe to"}}},
	// test/mail/0374.CALLER: one recipient refused at RCPT with "550 hard
	// error" (no cause named), one whose pipe failed ("local delivery
	// failed", the pipe transport's words for the sender).
	{name: "0374 remote refusal and pipe, DSN", from: eximFrom, subject: eximFailed, action: "failed",
		header: "X-Failed-Recipients: d3@example.net,\n  b1@example.org\n",
		body:   eximPre + "  d3@example.net\n  host mx.example.net [192.0.2.25]\n    SMTP error from remote mail server after RCPT TO:<d3@example.net>:\n    550 hard error\n  b1@example.org\n    local delivery failed\n",
		report: eximReport("b1@example.org", "d3@example.net|550 hard error"),
		want:   []formatWant{{"d3@example.net", OnHold, false, "5", "550 hard error"}, {"b1@example.org", MailerError, false, "5", "local delivery failed"}}},
}

const (
	eximFrom    = "Mail Delivery System <Mailer-Daemon@mx.example.org>"
	eximFailed  = "Mail delivery failed: returning message to sender"
	eximDelayed = "Warning: message 1abcde-000123-AB delayed 24 hours"
)

// eximReport is the delivery-status part of an Exim DSN, a failed group
// for each recipient ("addr", or "addr|reply" with the remote server's
// reply), as test/mail's DSNs write them: Action before Final-Recipient,
// "Status: 5.0.0", the reply under Remote-MTA and Diagnostic-Code.
func eximReport(rcpts ...string) string {
	r := "Reporting-MTA: dns; mx.example.org\n"
	for _, rc := range rcpts {
		addr, reply, remote := strings.Cut(rc, "|")
		r += "\nAction: failed\nFinal-Recipient: rfc822;" + addr + "\nStatus: 5.0.0\n"
		if remote {
			r += "Remote-MTA: dns; mx.example.net\nDiagnostic-Code: smtp; " + reply + "\n"
		}
	}
	return r
}

func TestExternalExim(t *testing.T) { checkFormats(t, eximLayouts) }

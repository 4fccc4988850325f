package bounce

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// spellingCase is a notice without a delivery-status part whose
// recipients' addresses are written in mixed case, and the addresses
// Parse must report: as the notice first writes them (RFC 5321 §2.4: the
// local part may be case-sensitive), as a DSN's Final-Recipient is
// reported.
type spellingCase struct {
	name   string
	header string // From, To, Subject and any other fields, LF line ends
	body   string
	final  []string // FinalRecipient of each recipient, in order
	orig   []string // OriginalRecipient of each, when checked
}

// spellingCases lay their notices out as the generators' sources print
// them, the layouts the other tests of this package read (cited beside
// each); only the addresses' case is new.
var spellingCases = []spellingCase{
	{
		// Postfix bounce(5): "<%s> (expanded from <%s>): %s" and
		// "<%s>: %s" (bounce_notify_util.c, bounce_recipient_log()),
		// wrapped with an indent of four (TestExternalQA's "Postfix,
		// unknown in virtual alias table", which writes its address in
		// mixed case).
		name:   "Postfix text",
		header: "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n",
		body: "This is the mail system at host mx.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n" +
			"                   The mail system\n\n" +
			"<Jane.Doe@Example.NET> (expanded from <Team.Alias@example.org>): host\n    mx.example.net[192.0.2.1] said: 550 5.1.1 <jane.doe@example.net>:\n    Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n" +
			"<MiXed+Tag@example.net>: host mx.example.net[192.0.2.1] said: 552 5.2.2\n    Mailbox full (in reply to RCPT TO command)\n",
		final: []string{"Jane.Doe@Example.NET", "MiXed+Tag@example.net"},
		orig:  []string{"Team.Alias@example.org", ""},
	},
	{
		// The same Postfix layout with internationalised addresses (RFC
		// 6531: UTF-8 local parts and U-labels, which Postfix relays with
		// smtputf8_enable): read whole, not from the first ASCII letter
		// after the last non-ASCII one ("rgen@m...").
		name:   "Postfix text, internationalised addresses",
		header: "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n",
		body: "This is the mail system at host mx.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n" +
			"                   The mail system\n\n" +
			"<jürgen@müller.example>: host mx.müller.example[192.0.2.1] said: 550 5.1.1\n    User unknown (in reply to RCPT TO command)\n\n" +
			"<Ærø.Søren@example.dk>: host mx.example.dk[192.0.2.2] said: 552 5.2.2\n    Mailbox full (in reply to RCPT TO command)\n\n" +
			"<андрей@пример.example>: host mx.example[192.0.2.3] said: 550 5.1.1\n    User unknown (in reply to RCPT TO command)\n",
		final: []string{"jürgen@müller.example", "Ærø.Søren@example.dk", "андрей@пример.example"},
	},
	{
		// Japanese notices write an address against their words, which
		// are not part of it (TestExternalJA's layouts): "宛先：" with a
		// full-width colon before it, "宛" after it.
		name:   "Japanese words against the address",
		header: "From: MAILER-DAEMON@mx.example.jp\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n",
		body: "This is the mail system at host mx.example.jp.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n" +
			"<Taro@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1 User unknown\n    (in reply to RCPT TO command)\n\n" +
			"宛先：Taro@example.jp宛のメールは配信できませんでした。\n",
		final: []string{"Taro@example.jp"},
	},
	{
		// qmail-send's bounce: "<addr>:" at the margin, then
		// qmail-remote's "Remote host said:" (TestExternalQA4's "qmail
		// 1999, four recipients, no host named"). The reply quotes the
		// address in lower case: the record, first, gives its spelling.
		name:   "qmail",
		header: "From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\nSubject: failure notice\n",
		body: "Hi. This is the qmail-send program at mx.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n" +
			"<John.Smith@example.net>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 <john.smith@example.net>: unknown user\nGiving up on 192.0.2.1.\n\n" +
			"--- Below this line is a copy of the message.\n\nTo: John.Smith@example.net\nSubject: hello\n\nhello\n",
		final: []string{"John.Smith@example.net"},
	},
	{
		// Exim: X-Failed-Recipients, "The following address(es)
		// failed:", the address indented by two, "(generated from %s)"
		// under it (deliver.c, print_address_information(); TestFluflLayouts'
		// Exim layout).
		name: "Exim with X-Failed-Recipients",
		header: "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: sender@example.org\nSubject: Mail delivery failed: returning message to sender\n" +
			"X-Failed-Recipients: Ann.Lee@example.net, BOB@example.net\n",
		body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n" +
			"  Ann.Lee@example.net\n    (generated from Staff.List@example.org)\n    host mx.example.net [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<Ann.Lee@example.net>:\n    550 5.1.1 unknown user\n" +
			"  BOB@example.net\n    host mx.example.net [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<BOB@example.net>:\n    552 5.2.2 mailbox full\n",
		final: []string{"Ann.Lee@example.net", "BOB@example.net"},
		orig:  []string{"Staff.List@example.org", ""},
	},
	{
		// Sendmail: "----- The following addresses had permanent fatal
		// errors -----", the address, "    (reason: %s)" and "
		// (expanded from: %s)" under it (savemail.c, errbody()), then
		// the transcript (TestExternalQA's "Sendmail, Juno mail quota
		// exceeded").
		name:   "Sendmail transcript",
		header: "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\nSubject: Returned mail: see transcript for details\n",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<Mary.Major@example.net>\n    (reason: 550 5.1.1 <Mary.Major@example.net>... User unknown)\n    (expanded from: <Lists.Owner@example.org>)\n\n" +
			"   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> RCPT To:<Mary.Major@example.net>\n<<< 550 5.1.1 <Mary.Major@example.net>... User unknown\n550 5.1.1 <Mary.Major@example.net>... User unknown\n",
		final: []string{"Mary.Major@example.net"},
		orig:  []string{"Lists.Owner@example.org"},
	},
	{
		// Barracuda's "Your message to: <addr>, <addr>" on one line
		// (TestExternalNDR, CPython's Lib/test/test_email/data/msg_43.txt).
		name:   "comma list",
		header: "From: MAILER DAEMON <>\nTo: sender@example.org\nSubject: Banned file: x.bat in mail from you\n",
		body:   "BANNED FILENAME ALERT\n\nYour message to: One.Person@example.net, <two.PERSON@Example.Net>, three@example.net\nwas blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:\n\nSubject: hello\n",
		final:  []string{"One.Person@example.net", "two.PERSON@Example.Net", "three@example.net"},
	},
	{
		// Exchange 4.0-5.5's NDR, the address in single quotes
		// (Microsoft KB Q168557, TestFluflLayouts): upper case as the
		// NDR prints it.
		name:   "Exchange quoted",
		header: "From: System Administrator <postmaster@example.org>\nTo: sender@example.com\nSubject: Undeliverable: hello\n",
		body:   "Your message did not reach some or all of the intended recipients.\n\n   The following recipient(s) could not be reached:\n\n      'GONE@EXAMPLE.NET' on 3/27/97 11:18 AM\n            The recipient name is not recognized\n",
		final:  []string{"GONE@EXAMPLE.NET"},
	},
	{
		// The headers' addresses are compared with the text's
		// whatever their case: the sender's address, in another case
		// in the text, is still not a recipient (lineRecipient's skip
		// list, built from To and From with addrsIn).
		name:   "sender skipped in any case",
		header: "From: MAILER-DAEMON@mx.example.org\nTo: Sender@Example.ORG\nSubject: failure notice\n",
		body:   "The message that SENDER@example.org sent to Carol.King@example.net could not be delivered.\nRemote host said: 550 5.1.1 unknown user\n",
		final:  []string{"Carol.King@example.net"},
	},
}

func (c spellingCase) message() string {
	return strings.ReplaceAll(c.header+"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n"+c.body, "\n", "\r\n")
}

func TestRecipientSpelling(t *testing.T) {
	for _, c := range spellingCases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(c.message()))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != KindNonStandard {
				t.Fatalf("kind %v", rep.Kind)
			}
			var final, orig []string
			for _, r := range rep.Recipients {
				final = append(final, r.FinalRecipient)
				orig = append(orig, r.OriginalRecipient)
			}
			if !slices.Equal(final, c.final) {
				t.Errorf("recipients %q, want %q", final, c.final)
			}
			if c.orig != nil && !slices.Equal(orig, c.orig) {
				t.Errorf("original recipients %q, want %q", orig, c.orig)
			}
			for _, r := range rep.Recipients {
				if r.Reason == "" || r.Action != "failed" {
					t.Errorf("%s: reason %q action %q", r.FinalRecipient, r.Reason, r.Action)
				}
			}
		})
	}
}

// TestRecipientSpellingLowerCase: a notice that writes its addresses in
// lower case, or the same address first in lower case, reports them so.
func TestRecipientSpellingLowerCase(t *testing.T) {
	c := spellingCases[slices.IndexFunc(spellingCases, func(c spellingCase) bool { return c.name == "qmail" })]
	c.body = strings.Replace(c.body, "<John.Smith@example.net>:\n", "<john.smith@example.net>:\n", 1)
	c.body = strings.Replace(c.body, "<john.smith@example.net>: unknown", "<John.Smith@example.net>: unknown", 1)
	rep, err := Parse(strings.NewReader(c.message()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != "john.smith@example.net" {
		t.Fatalf("recipients %+v, want john.smith@example.net", rep.Recipients)
	}
}

// TestRecipientSpellingMany: thousands of recipients in mixed case, on
// one line of commas (Barracuda's layout, TestReviewCommaListSize) or in
// one Postfix record each (as many as fit in the 256 KiB of a text part
// that are read), are each spelled as written, in a time linear in the
// notice (the addresses are looked up in one pass, not one search of the
// text per recipient).
func TestRecipientSpellingMany(t *testing.T) {
	const n = 1500
	var list, records strings.Builder
	for i := range n {
		if i > 0 {
			list.WriteString(", ")
		}
		fmt.Fprintf(&list, "<User%d.X@Example.net>", i)
		fmt.Fprintf(&records, "\n<Rcpt%d.Y@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1\n    User unknown (in reply to RCPT TO command)\n", i)
	}
	for _, c := range []spellingCase{
		{name: "comma list", header: "From: MAILER DAEMON <>\nTo: sender@example.org\nSubject: Banned file: x.bat in mail from you\n",
			body: "BANNED FILENAME ALERT\n\nYour message to: " + list.String() + "\nwas blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:\n\nSubject: hello\n"},
		{name: "Postfix records", header: "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n",
			body: "This is the mail system at host mx.example.org.\n\n                   The mail system\n" + records.String()},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(c.message()))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Recipients) != n {
				t.Fatalf("%d recipients, want %d", len(rep.Recipients), n)
			}
			format := "User%d.X@Example.net"
			if c.name != "comma list" {
				format = "Rcpt%d.Y@example.net"
			}
			for i, r := range rep.Recipients {
				if want := fmt.Sprintf(format, i); r.FinalRecipient != want {
					t.Fatalf("recipient %d: %s, want %s", i, r.FinalRecipient, want)
				}
			}
		})
	}
}

// TestRecipientSpellingElsewhere: recipients read from the returned
// message's To, when the text names none (MailEnable's notice,
// TestExternalNDR's "MailEnable, refused for reputation"), and a local
// name without a domain under Exim's "The following address(es)
// failed:" (bareRecipients; deliver.c prints the address as routed) are
// reported as written too.
func TestRecipientSpellingElsewhere(t *testing.T) {
	checkFormats(t, []formatCase{
		{name: "returned To", from: "postmaster@mail.example.org", subject: "Message Delivery Failure", action: "failed",
			body:     "MailEnable: Message Delivery Failure.\n\nReason: ME-E0193: [1A2B3C4D5E6F.MAI] Message Delivery Failure.\n\nYour message addressed to the target domain (example.net) could not be delivered because the mail server responsible for this domain returned a permanent error.\n\nThe server returned:\n\n554-mail.example.net 554 Your access to this mail system has been rejected due to the sending MTA's poor reputation.\n",
			attached: "From: Sender <sender@example.org>\nTo: Rep.Name@Example.NET\nSubject: hello\nMessage-ID: <send-42@example.org>\n\nbody line\n",
			want:     []formatWant{{"Rep.Name@Example.NET", BadReputation, false, "5", "poor reputation"}}},
		{name: "local name", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Mail delivery failed: returning message to sender", action: "failed",
			body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  JDoe\n    Unrouteable address\n",
			want: []formatWant{{"JDoe", HostUnknown, true, "5", "Unrouteable address"}}},
	})
}

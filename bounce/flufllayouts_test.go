package bounce

import (
	"strings"
	"testing"
)

// fluflLayouts are bounce layouts that flufl.bounce's real samples showed
// Parse misreading (TestFluflBounces), each written here as its generator's
// source or documentation gives it, not copied from a sample.
var fluflLayouts = []struct {
	name, msg      string
	final, orig    string // "" final: no failed or delayed recipient at all
	action, status string
	reason         Reason
}{
	{
		// Exchange 5.5's IMS NDR (Microsoft KB 251152): the returned
		// message's To and Cc above "did not reach the following
		// recipient(s):", the recipient as an X.400 O/R address whose
		// DDA carries the Internet address (KB Q164049, KB 258678).
		name: "Exchange 5.5 summary and X.400 address",
		msg: "From: System Administrator <postmaster@example.org>\nTo: list-bounces@example.com\nSubject: Undeliverable: hello\n\n" +
			"Your message\n\n  To:      list@example.com\n  Cc:      other-list@example.com\n  Subject: hello\n  Sent:    Fri, 4 Oct 2002 17:10:56 -0400\n\n" +
			"did not reach the following recipient(s):\n\nc=US;a= ;p=Example;o=Site;dda:SMTP=gone@example.org; on Fri, 4 Oct 2002 17:12:28 -0400\n" +
			"    The recipient name is not recognized\n\tThe MTS-ID of the original message is: c=us;a= ;p=example;l=HOST0210042112TX06SNVK\n" +
			"    MSEXCH:IMS:Example:Site:HOST 0 (000C05A6) Unknown Recipient\n",
		final: "gone@example.org", action: "failed", reason: UserUnknown,
	},
	{
		// Exchange 4.0-5.5's NDR with the address in single quotes
		// (Microsoft KB Q168557), and a "Mailman 2.0.12" in the
		// summary that is no status.
		name: "Exchange quoted address",
		msg: "From: System Administrator <postmaster@example.org>\nTo: sender@example.com\nSubject: Undeliverable: Mailman 2.0.12 released\n\n" +
			"Your message did not reach some or all of the intended recipients.\n\n   Subject: Mailman 2.0.12 released\n      Sent: 3/27/97 11:18 AM\n\n" +
			"   The following recipient(s) could not be reached:\n\n      'GONE@EXAMPLE.NET' on 3/27/97 11:18 AM\n            The recipient name is not recognized\n",
		final: "GONE@EXAMPLE.NET", action: "failed", status: "5.",
	},
	{
		// Exim hides an address its router generated and names its
		// ancestor (deliver.c, print_address_information()).
		name: "Exim undisclosed address",
		msg: "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: sender@example.com\nSubject: Mail delivery failed: returning message to sender\n\n" +
			"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n" +
			"  an undisclosed address\n    (generated from alias@example.org)\n\n------ This is a copy of the message, including all the headers. ------\n\n" + returned,
		final: "alias@example.org", action: "failed",
	},
	{
		// Exim names the address a failed one was generated from
		// (deliver.c, print_address_information()).
		name: "Exim generated from",
		msg: "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: sender@example.com\nSubject: Mail delivery failed: returning message to sender\n\n" +
			"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n" +
			"  gone@example.net\n    (generated from alias@example.org)\n    host mx.example.net [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<gone@example.net>:\n    550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\n",
		final: "gone@example.net", orig: "alias@example.org", action: "failed", status: "5.1.1", reason: UserUnknown,
	},
	{
		// Sendmail's "(expanded from: %s)" under the address (savemail.c,
		// errbody()).
		name: "Sendmail expanded from",
		msg: "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\nTo: sender@example.com\nSubject: Returned mail: see transcript for details\n\n" +
			"The original message was received at Sat, 14 Oct 2000 06:14:45 +0200\nfrom localhost\n\n   ----- The following addresses had permanent fatal errors -----\n" +
			"gone@example.net\n    (expanded from: alias@example.org)\n\n   ----- Transcript of session follows -----\n554 5.4.6 Too many hops 26 (25 max): from sender@example.com via localhost, to alias@example.org\n",
		final: "gone@example.net", orig: "alias@example.org", action: "failed", status: "5.4.6",
	},
	{
		// A message its sender sent to itself: Postfix's record
		// "<%s>: %s" (bounce_notify_util.c) names the sender's own
		// address, which elsewhere is skipped as the sender's.
		name: "Postfix, sent to oneself",
		msg: "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: self@example.com\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nThis is the Postfix program at host mx.example.org.\n\n" +
			"<self@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 <self@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n" +
			"--B\nContent-Type: message/rfc822\n\nFrom: self@example.com\nTo: self@example.com\nSubject: note to self\n\nhi\n--B--\n",
		final: "self@example.com", action: "failed", status: "5.1.1", reason: UserUnknown,
	},
	{
		// Exim's text, the recipient alone on its line (deliver.c),
		// sent to oneself, under a heading that runs over two lines.
		name: "Exim-like, sent to oneself, heading folded",
		msg: "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: self@example.com\nSubject: Mail delivery failed: returning message to sender\n\n" +
			"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address(es)\nfailed:\n\n" +
			"self@example.com:\nSMTP error from remote server for RCPT TO command, host: mx.example.com (192.0.2.1) reason: 550 5.1.1 User unknown\n",
		final: "self@example.com", action: "failed", status: "5.1.1", reason: UserUnknown,
	},
	{
		// A notice that names no recipient, about a mailing list's post:
		// the post's To is the list (RFC 2369 List-Post, RFC 2919
		// List-Id), not the member that failed, so no recipient is
		// reported rather than the list.
		name: "list post, no recipient named",
		msg: "From: ndr@mx.example.net\nTo: list-bounces@lists.example.org\nSubject: Mail delivery failed: returning message to sender\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"L\"\n\n" +
			"--L\nContent-Type: text/plain\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its recipients.\n" +
			"One or more of the recipients are not a valid user of the system.\n\n--L\nContent-Type: message/rfc822\n\n" +
			"From: Someone <someone@example.com>\nTo: \"The List\" <list@lists.example.org>\nSubject: [List] hello\nList-Id: The List <list.lists.example.org>\nList-Post: <mailto:list@lists.example.org>\n\nhello\n--L--\n",
	},
	{
		// A gateway's notice that forwards the DSN it received as an
		// attachment and names no recipient itself.
		name: "DSN attached to a notice",
		msg: "From: postmaster@example.org\nTo: sender@example.com\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"O\"\n\n" +
			"--O\nContent-Type: text/plain\n\nThis is a MIME-formatted message.\n\n--O\nContent-Type: message/rfc822\n\n" +
			"From: postmaster@example.org\nTo: sender@example.com\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"I\"\n\n--I\nContent-Type: text/plain\n\nDelivery to the following recipients failed.\n\n       gone@example.net\n\n" +
			"--I\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;mx.example.org\n\nFinal-Recipient: rfc822;gone@example.net\nAction: failed\nStatus: 5.1.1\n\n--I--\n\n--O--\n",
		final: "gone@example.net", action: "failed", status: "5.1.1", reason: UserUnknown,
	},
	{
		// Action words outside RFC 3464 §2.3.3 that senders write for
		// failed (flufl.bounce's DSN detector reads "failure" and
		// "error" so: "opensmtpd uses non-compliant Action: error").
		name: "DSN Action: error",
		msg: "From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\nSubject: Delivery status notification: error\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n--R\nContent-Type: text/plain\n\nfailed\n\n" +
			"--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; gone@nx.example\nAction: error\nStatus: 5.0.0\nDiagnostic-Code: smtp; gone@nx.example: Domain does not exist\n\n--R--\n",
		final: "gone@nx.example", action: "failed", reason: HostUnknown,
	},
	{
		// A notice that the message was not delivered yet and that
		// attempts go on ("Delivery attempts will continue", Exchange's
		// delay DSN): the words "could not be delivered" do not make it
		// final.
		name: "delay in failure words",
		msg: "From: Gateway <gateway@example.org>\nTo: sender@example.com\nSubject: Delivery failure notification\n\n" +
			"Your message with Subject: hello\ncould not be delivered to the following recipients:\n\nslow@example.net\n\n" +
			"Please do not resend your original message.\n\nDelivery attempts will continue to be made for 5 day(s).\n",
		final: "slow@example.net", action: "delayed",
	},
}

func TestFluflLayouts(t *testing.T) {
	for _, c := range fluflLayouts {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(strings.ReplaceAll(c.msg, "\n", "\r\n")))
			if err != nil {
				t.Fatal(err)
			}
			var got []Recipient
			for _, r := range rep.Recipients {
				if r.Action == "failed" || r.Action == "delayed" {
					got = append(got, r)
				}
			}
			if c.final == "" {
				if len(got) != 0 {
					t.Errorf("recipients %+v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("kind %v, recipients %+v, want one: %s", rep.Kind, rep.Recipients, c.final)
			}
			r := got[0]
			if r.FinalRecipient != c.final || r.OriginalRecipient != c.orig || r.Action != c.action {
				t.Errorf("got %s (original %q) %s, want %s (original %q) %s", r.FinalRecipient, r.OriginalRecipient, r.Action, c.final, c.orig, c.action)
			}
			if c.status != "" && !strings.HasPrefix(r.Status, c.status) {
				t.Errorf("status %s, want %s", r.Status, c.status)
			}
			if c.reason != "" && r.Reason != c.reason {
				t.Errorf("reason %s, want %s (diag %q)", r.Reason, c.reason, r.DiagnosticCode)
			}
		})
	}
}

// textReasons are texts Classify must read as the given reason.
type textReasons []struct {
	text string
	want Reason
}

func (cs textReasons) check(t *testing.T) {
	t.Helper()
	for _, c := range cs {
		if got := Classify(0, "", c.text).Reason; got != c.want {
			t.Errorf("%q: %s, want %s", c.text, got, c.want)
		}
	}
}

// TestTranscriptFailingReply: in a session transcript the replies before
// the failing one succeeded (RFC 5321 §4.2), and their words are not the
// failure's: MAIL's "Sender ok" no longer vetoes the quota of the RCPT
// reply after it. The transcript as MDaemon includes one in its DSNs
// (MDaemon manual, DSN Settings) and as Sendmail's "<<< " lines.
func TestTranscriptFailingReply(t *testing.T) {
	textReasons{
		{" 220 mx.example.net ESMTP ready\n EHLO mx.example.org\n 250-mx.example.net Hello\n 250 SIZE 40000000\n MAIL From:<a@example.org> SIZE=1861\n 250 <a@example.org>, Sender ok\n RCPT To:<full@example.net>\n 552 Message for <full@example.net> would exceed mailbox quota\n QUIT\n", MailboxFull},
		{">>> MAIL From:<a@example.org> SIZE=1861\n<<< 250 2.1.0 <a@example.org>... Sender ok\n>>> RCPT To:<full@example.net>\n<<< 452 4.2.2 Mailbox over quota\n", MailboxFull},
		// One line: no transcript, read whole.
		{"552 Message for <full@example.net> would exceed mailbox quota", MailboxFull},
		// A number after a label is no reply: the text is read whole.
		{"RCPT TO: gone@example.net\nSize (in bytes): 222\nError: Invalid user address\n550 - Requested action not taken: no such user here\n", UserUnknown},
	}.check(t)
}

// TestProductVirus: "virus" inside a scanning product's name (Trend
// Micro's InterScan VirusWall, whose banner heads its notices; Symantec
// AntiVirus) is no verdict on a virus; the word and its plural are.
func TestProductVirus(t *testing.T) {
	textReasons{
		// Its reason has no published wording here: onhold, not a virus.
		{"****** Message from InterScan E-Mail VirusWall NT ****** The following mail could not be delivered. Reason: Exceeded Maximum Delivery Attempts.", OnHold},
		{"550 5.7.1 Symantec AntiVirus for SMTP Gateways found a virus in this message", VirusDetected},
		{"554 5.7.1 The message contains viruses", VirusDetected},
		{"550 5.7.0 This message contains a virus (Eicar-Test-Signature)", VirusDetected},
		{"554 AntiVirus gateway: message infected by Worm.X", VirusDetected},
	}.check(t)
}

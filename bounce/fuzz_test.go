package bounce

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"",
	sentMessage,
	// Postfix's notice for an alias it expanded, and cut-off forms of it.
	"From: MAILER-DAEMON@x\nSubject: Undelivered Mail Returned to Sender\n\n<b@x> (expanded from <a@x>): alias database loop for b\n",
	"From: MAILER-DAEMON@x\nSubject: Undelivered Mail Returned to Sender\n\n<b@x> (expanded from <a@x\n",
	"From: MAILER-DAEMON@x\nSubject: Undelivered Mail Returned to Sender\n\n<b@x> (expanded from <>): x\n",
	// Sendmail's text with a pipelined transcript: "(reason: ...)" lines,
	// records with and without an address, "<<< " replies of several
	// recipients.
	"From: MAILER-DAEMON@example.org\r\nSubject: Returned mail: see transcript for details\r\n\r\n   ----- The following addresses had permanent fatal errors -----\r\n<a@example.net>\r\n    (reason: 550 5.1.1 User unknown)\r\n<b@example.net>\r\n    (reason: 552-5.2.2 over quota)\r\n\r\n   ----- Transcript of session follows -----\r\n... while talking to mx.example.net.:\r\n>>> DATA\r\n<<< 552-5.2.2 over quota\r\n<<< 552 5.2.2 see\r\n554 5.0.0 Service unavailable\r\n<<< 550 5.1.1 <a@example.net>: User unknown\r\n550 5.1.1 <a@example.net>... User unknown\r\n<<< 554 5.5.1 No valid recipients\r\n",
	// Oracle Messaging Server's labelled recipients, and Gmail's list of
	// recipients sharing one error.
	"From: postmaster@example.org\r\nSubject: Delivery Notification: Delivery has failed\r\n\r\nYour message cannot be delivered to the following recipients:\r\n\r\n  Recipient address: a@example.net\r\n  Original address: x@example.org\r\n  Reason: Remote SMTP server has rejected address\r\n  Diagnostic code: smtp;550 5.1.1 User unknown\r\n",
	"From: mailer-daemon@googlemail.com\r\nSubject: Delivery Status Notification (Failure)\r\n\r\nDelivery to the following recipients failed permanently:\r\n\r\n     a@example.net\r\n     b@example.net\r\n\r\nTechnical details of permanent failure:\r\n550 5.1.1 User unknown\r\n",
	"From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n<a@example.net>: host mx said: 550 5.1.1 User unknown (in reply to RCPT TO command)\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; a@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + sentMessage + "--b--\r\n",
	"From: Mail Delivery System <Mailer-Daemon@example.org>\r\nSubject: Mail delivery failed\r\nX-Failed-Recipients: a@example.jp\r\n\r\nThe following address(es) failed:\r\n\r\n  a@example.jp\r\n    SMTP error from remote mail server after RCPT TO:<a@example.jp>:\r\n    host mx.example.jp [192.0.2.20]: 550 5.1.1 unknown\r\n\r\n------ This is a copy of the message, including all the headers. ------\r\n\r\n" + sentMessage,
	"Content-Type: multipart/report; report-type=feedback-report; boundary=f\r\n\r\n--f\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nOriginal-Rcpt-To: <a@example.net>\r\n--f--\r\n",
	"Subject: AWS Notification Message\r\n\r\n{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":\"a@example.com\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]}}",
	// SES's JSON as its pages print it (whitespace after "{", CRLF line
	// ends), a bounce without a DSN and a DeliveryDelay record.
	"Subject: AWS Notification Message\r\n\r\n   {\r\n      \"notificationType\":\"Bounce\",\r\n      \"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\": \"NoEmail\",\r\n         \"bouncedRecipients\":[ { \"emailAddress\":\"a@example.com\" } ] } }\r\n",
	"Subject: AWS Notification Message\r\n\r\n{\"eventType\":\"DeliveryDelay\",\"deliveryDelay\":{\"delayType\":\"MailboxFull\",\"delayedRecipients\":[{\"emailAddress\":\"a@example.com\",\"status\":\"4.2.2\",\"diagnosticCode\":\"smtp; 452 4.2.2 over quota\"}]}}",
	// Small forms of the inputs that took seconds (TestHostileInput): a
	// long address beside a line that nearly spells it, recipients each
	// followed by a blank line, a preamble over recipients of no words,
	// X-Failed-Recipients in mixed case, DSN recipients with unfinished
	// replies; and addresses beside the Kelvin sign, a dotted capital I,
	// invalid UTF-8 and NUL bytes, which strings.ToLower changes in length.
	"From: MAILER-DAEMON@example.com\r\nSubject: Returned mail: see transcript for details\r\n\r\n   ----- The following addresses had permanent fatal errors -----\r\n<" + strings.Repeat("a", 40) + "@example.net>\r\n    (reason: 550 5.1.1 User unknown)\r\n    (expanded from: <b@example.org>)\r\n" + strings.Repeat("a", 90) + "\r\n",
	"From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n<u1@example.net>\r\n\r\n<u2@example.net>\r\n\r\n<u3@example.net>\r\n\r\n550 5.1.1 user unknown\r\n",
	"From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nThe mail system could not deliver your message.\r\nDelivery was aborted after 5 hours:\r\n\r\n<u1@example.net>\r\n<u2@example.net>\r\n",
	"X-Failed-Recipients: UsEr1@ExAmple.NET, uSeR2@example.net\r\nFrom: MAILER-DAEMON@example.com\r\nSubject: Mail delivery failed\r\n\r\n<user1@example.net>: host x said: 550 5.1.1 User unknown\r\n\r\n<USER2@EXAMPLE.NET>: host x said: 550 5.1.1 User unknown\r\n",
	"From: MAILER-DAEMON@example.com\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n<<< 550-5.1.1 x\r\n<<< 550-5.1.1 y\r\n<<< 550 5.1.1 z\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; u1@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550-5.1.1 x\r\n\r\nFinal-Recipient: rfc822; u2@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550-5.1.1 y\r\n\r\n--b--\r\n",
	"From: MAILER-DAEMON@example.com\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n\r\n<a@example.net>: host x said: 550 5.1.1 user unknown\r\n    more words\r\n<b@example.net>\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; a@example.net\r\nAction: failed\r\nStatus: 5.0.0\r\nDiagnostic-Code: smtp; x\r\n\r\nFinal-Recipient: rfc822; A@example.net\r\nAction: failed\r\nStatus: 5.0.0\r\n\r\nFinal-Recipient: rfc822; b@example.net\r\nAction: failed\r\nStatus: 5.0.0\r\n\r\n--b--\r\n",
	"From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n<\u212aate@example.net>: host x said: 550 5.1.1 User unknown\r\n\r\n<\u0130van@Example.net>, <\"\u212a\xff\"@example.net>: x\r\n\r\n<a\x00@example.net\x00>: 550\x00 \xe2\x84\r\n",
	"From: MAILER-DAEMON@example.com\r\nSubject: Returned mail: see transcript for details\r\n\r\n   ----- The following addresses had permanent fatal errors -----\r\n<a\u212a@example.net>\r\n<B@example.net>\r\n   ----- Transcript of session follows -----\r\n<a\u212a@example.net>... Deferred: x\r\n<b@example.net>... deferred\r\n",
	"From: postmaster@example.com\r\nSubject: Undeliverable: hello\r\n\r\nDelivery has failed to these recipients or groups:\r\n\r\na@example.net\r\nRemote Server returned '550 5.1.1 remote server returned 'remote server returned '\r\n",
	"Subject: AWS Notification Message\r\n\r\n{ {\r\n\t{ \r\n \"eventType\":\"DeliveryDelay\",\"deliveryDelay\":{\"delayType\":\"IPFailure\",\"delayedRecipients\":[{},{}]}}",
	"Auto-Submitted: auto-replied\r\nFrom: a@example.com\r\nSubject: Out of Office\r\n\r\nI am away until Monday.",
	"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n\r\n--",
	"From: a@example.net\r\nSubject: unsubscribe\r\n\r\nPlease unsubscribe me.",
	"Subject: DMARC Failure Report\r\n\r\nFeedback-Type: auth-failure\r\nSource-IP: 192.0.2.1\r\nReported-Domain: example.com\r\n",
	"From: cats-admin@example.org\r\nSubject: You are not member (cats ML)\r\nX-MLServer: fml\r\n\r\nYou are not a member of <cats@example.org>.",
	// Exim's DSN order: Action before Final-Recipient in each group.
	"Content-Type: multipart/report; report-type=delivery-status; boundary=d\r\n\r\n--d\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; mx.example.org\r\n\r\nAction: failed\r\nFinal-Recipient: rfc822;a@example.net\r\nStatus: 5.0.0\r\n" +
		"Diagnostic-Code: smtp; 450 4.1.1 <a@example.net>: Recipient address rejected: User unknown\r\n\r\n" +
		"Action: failed\r\nOriginal-Recipient: rfc822;b@example.net\r\nFinal-Recipient: rfc822;b@example.net\r\nStatus: 5.0.0\r\n\r\n--d--\r\n",
	// An Exim delay warning: its recipients are delayed, not failed.
	"From: Mail Delivery System <Mailer-Daemon@mx.example.com>\r\nSubject: Warning: message 1abc-000 delayed 24 hours\r\n\r\n" +
		"A message that you sent has not yet been delivered to one or more of its\r\nrecipients after more than 24 hours on the queue.\r\n\r\n" +
		"  a@example.net\r\n    Delay reason: SMTP error from remote mail server after RCPT TO:<a@example.net>:\r\n    450 4.2.0 Greylisted\r\n",
	// Exchange's history of attempts, newest first, and records cut short
	// (lastExchangeAttempt): a record with no reply, one unterminated.
	"From: postmaster@example.com\r\nSubject: Undeliverable: hello\r\n\r\nDelivery has failed to these recipients or groups:\r\n\r\n" +
		"Diagnostic information for administrators:\r\n\r\nGenerating server: mx.example.com\r\na@example.net\r\n" +
		"1/2/2026 1:23:09 PM - Server at mx.example.com returned '550 5.4.316 Message expired, connection refused'\r\n" +
		"1/2/2026 1:12:14 PM - Server at mx.example.net (192.0.2.1) returned '450 4.4.316 Connection refused'\r\n" +
		"Server at server at returned ' server at returned '\r\nServer at x returned '\r\n",
}

// FuzzParse checks that Parse never panics and returns either a report or
// a typed (or reader) error.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	// Every layout of the wrapped-reply tests around a few replies: a
	// multi-line one at RCPT, one without an enhanced code at MAIL FROM
	// (Stalwart's code-made Status, hMailServer's last command), a
	// temporary one at DATA (the delay notices), a greeting's (hMailServer's
	// empty last command) and a multi-line one that James writes into its
	// DSN fields unfolded.
	for _, p := range []providerReply{
		{command: "RCPT", code: 550, enhanced: "5.1.1", text: "<a@example.net>: Recipient address rejected: User unknown in virtual mailbox table"},
		{command: "MAIL", code: 550, text: "sender <a@example.org> denied"},
		{command: "DATA", code: 452, enhanced: "4.2.2", text: "The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp"},
		{command: "CONNECT", code: 554, text: "mx.example.net ESMTP not accepting messages"},
		{command: "DATA", code: 550, enhanced: "5.7.1", text: "[192.0.2.1 19] Our system has detected that this message is likely suspicious due to the very low reputation of the sending domain."},
	} {
		for _, l := range allLayouts() {
			if msg, ok := l.wrap(p); ok {
				f.Add([]byte(msg))
			}
		}
	}
	for _, c := range fluflLayouts {
		f.Add([]byte(c.msg))
	}
	// The notices of gateways and sending services (gatewaylayouts_test.go).
	for _, c := range gatewayLayouts {
		f.Add([]byte(c.message()))
	}
	for _, c := range postedLayouts {
		f.Add([]byte(c.message()))
	}
	// A part labelled ISO-2022-JP holding EUC-JP bytes (charset.go's
	// mislabelled Japanese), and one holding bytes no Japanese encoding
	// decodes.
	f.Add([]byte("From: Postmaster@example.jp\nSubject: Mail System Error - Returned Mail\nMIME-Version: 1.0\nContent-Type: text/plain; charset=\"ISO-2022-JP\"\n\n\xbc\xa1\xa4\xce\xa4\xa2\xa4\xc6\xc0\xe8\n\n<a@example.jp>\n"))
	f.Add([]byte("From: Postmaster@example.jp\nSubject: Returned Mail\nMIME-Version: 1.0\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B\xff\x80\x1b(B\x82\n<a@example.jp>: User unknown\n"))
	// The auto-replies and list managers' notices (autoreplies_test.go,
	// listnotices_test.go), and hostile forms of what their readers scan:
	// a subject of unclosed and nested tags, a list manager's address with
	// no list, a notice of quoted lines only.
	for _, c := range autoReplyRows {
		f.Add([]byte(c.msg))
	}
	for _, c := range listNotices {
		f.Add([]byte(c.message()))
	}
	f.Add([]byte("From: a@example.net\nSubject: [[[[x]]] [ Auto: [\nIn-Reply-To: <x@y>\n\nz\n"))
	f.Add([]byte("From: -owner@example.org\nSubject: Email issue -- \nX-BeenThere: <>\n\n> You are not allowed to post to this mailing list\n>\n"))
	f.Add([]byte("From: owner-@x\nSubject: Re: \n\nyou are not allowed to post to this mailing list owner-@x -bounces@ +owner@\n"))
	// The layouts seen in other projects' test data (externallayouts_test.go).
	for _, c := range externalLayouts {
		f.Add([]byte(c.message()))
	}
	// The bounces found in mailing-list archives (external_lkml_test.go),
	// Sendmail's transcripts with a deferral beside the failure among them.
	for _, c := range archiveLayouts {
		f.Add([]byte(c.message()))
	}
	// The bounces pasted into GitHub issue threads (external_gh_test.go):
	// Stalwart's notices, cPanel's deferral, Exchange Online's mail flow
	// rule NDR.
	for _, c := range ghLayouts {
		f.Add([]byte(c.message()))
	}
	// The bounces pasted into question-and-answer places
	// (external_sf_test.go), Exchange 2003's bracket with a reply of
	// several lines among them, and the bracket left open at the end.
	for _, c := range sfLayouts {
		f.Add([]byte(c.message()))
	}
	for _, c := range exchangeBracketLayouts {
		f.Add([]byte(c.message()))
	}
	// The whole notices of help pages and issue threads
	// (external_notices_test.go): an address the refusal asks the sender
	// to forward the message to (ezmlm-idx's), Exchange 5.5's IMC tag;
	// and that phrase cut short, at a line's start and with no address.
	for _, c := range noticesLayouts {
		f.Add([]byte(c.message()))
	}
	f.Add([]byte("From: MAILER-DAEMON@x\nSubject: failure notice\n\n<a@example.net>:\nforward this message to b@example.net\nplease forward this message to\n<c@x>: forward this message to <@\n"))
	f.Add([]byte("From: postmaster@example.org\nSubject: Undeliverable: x\n\nThe following recipient(s) could not be reached:\n\na@example.net on 1/1/2026\n    <mx.example.org #5.7.1 smtp;550 5.7.1 see\nb@example.com\nc@example.com\n"))
	// The notices whose addresses are in mixed case or internationalised
	// (spelling_test.go): spellRecipients, eaiLetterAt.
	for _, c := range spellingCases {
		f.Add([]byte(c.message()))
	}
	// The bounces the real MTAs of the matrix wrote (testdata/mta).
	files, _ := filepath.Glob(filepath.Join("testdata", "mta", "*", "*.eml"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Parse(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		for _, r := range rep.Recipients {
			if r.Hard && !hardReason(r.Reason) {
				t.Fatalf("hard bounce with soft reason %s", r.Reason)
			}
		}
	})
}

// FuzzClassify checks the classifier on arbitrary replies.
func FuzzClassify(f *testing.F) {
	f.Add(550, "5.1.1", "user unknown")
	f.Add(451, "", "550-5.7.1 a 550-5.7.1 b 550 5.7.1")
	f.Add(0, "5.", "5.5.5.5 4.4 2.0.0.")
	f.Add(-1, "\x00", " * ")
	// The concepts (concepts.go): a subject, a predicate, a clause's end.
	f.Add(552, "", "mailbox. is full; inbox relay.example.net denied spf:")
	f.Add(550, "", "user x@example.org is not locked; relaying\xff not permitted")
	f.Fuzz(func(t *testing.T, code int, enhanced, text string) {
		c := Classify(code, enhanced, text)
		if c.Reason == "" {
			t.Fatal("empty reason")
		}
		if c.Status != "" && normStatus(c.Status) != c.Status {
			t.Fatalf("status %q is not a code", c.Status)
		}
	})
}

// FuzzClassifyReply checks the decision procedure with a command: every
// stage, provider code and status range path. A verdict is never empty,
// the status is a code, Hard needs a permanent status and a hard reason,
// and Temporary follows the status class.
func FuzzClassifyReply(f *testing.F) {
	f.Add("RCPT", 550, "5.1.1", "<a@example.com>: Recipient address rejected: User unknown in local recipient table")
	f.Add("", 550, "", "User a@example.de not listed in Domino Directory")
	f.Add("MAIL", 550, "5.7.0", "Please use the smtp server of your ISP")
	f.Add("CONNECT", 421, "", "Try again later, closing connection.")
	f.Add("DATA", 451, "4.7.599", "Access denied, please try again later")
	f.Add("EHLO", 550, "5.7.1", "Access denied")
	f.Add("", 554, "", "comcast 192.0.2.1 See http://postmaster.comcast.net/smtp-error-codes.php#BL000001")
	f.Add("bdat", 0, "5.6.", "unrouteable address")
	f.Add("", 452, "4.2.2", "The email account that you tried to reach is over quota. retry timeout exceeded")
	f.Add("", 0, "", `unknown user: "kijitora"`)
	f.Add("", 0, "", `unknown user: "" unknown user: "a b" unknown user: "`)
	f.Add("RCPT", 450, "4.2.0", "<a@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html")
	f.Add("", 0, "5.0.0", "cannot access home directory /home/a: Permission denied")
	f.Add("CONNECT", 421, "4.3.2", "The maximum number of concurrent connections has exceeded a limit, closing transmission channel")
	f.Add("RCPT", 550, "5.4.1", "Recipient address rejected: Access denied. AS(201806281)")
	f.Add("RCPT", 554, "5.7.1", "<a@example.com>: Recipient address rejected: Access denied")
	// No command: the stage read from the words (findCommand).
	f.Add("", 0, "", "Connected to 192.0.2.1 but sender was rejected.")
	f.Add("", 0, "4.0.0", "SMTP timeout after RCPT TO:<a@example.com> after ")
	f.Add("", 0, "", "Sorry, I couldn't find any host by that name. (#4.1.2) I'm not going to try again; this message has been in the queue too long.")
	f.Add("", 550, "5.7.511", "Access denied, banned sender")
	f.Add("", 0, "5.7.950", "Delivery not authorized, message refused")
	f.Add("", 550, "5.7.1000", "Delivery not authorized, message refused")
	f.Add("", 550, "5.7.13", "Sender was not authenticated for public folder")
	// Every row of the reply tables (testdata/*-replies.csv): the
	// providers' codes and code families (rules.go), the stage and reply
	// code readings, the Japanese wordings.
	tables, _ := filepath.Glob(filepath.Join("testdata", "*-replies.csv"))
	for _, name := range tables {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			f.Fatal(err)
		}
		for _, row := range rows[1:] {
			code, _ := strconv.Atoi(row[3])
			f.Add(row[2], code, row[4], row[5])
		}
	}
	// Hostile forms of what the code families and the sending host's
	// address are read from (rules.go codeFamily, concepts.go anyIPv4).
	f.Add("", 550, "5.7.1", "oxsus0001_oxsus001_elnk_ELNK_1010_ sfr_in_ sfr_in9_01 OXSUS0001_102"+strings.Repeat("0", 40))
	f.Add("", 554, "", "1.2.3.4.5.6.7.8 1.2.3.4: [1.2.3.4] 1.2.3.4]1.2.3 999.999.999.999 blocked 0.0.0.0:25 refused")
	f.Add("RCPT", 550, "5.7.1", "sender <a@x> recipient <b@y> black listed #137")
	f.Fuzz(func(t *testing.T, command string, code int, enhanced, text string) {
		c := ClassifyReply(command, code, enhanced, text)
		if c.Reason == "" {
			t.Fatal("empty reason")
		}
		if c.Status != "" && normStatus(c.Status) != c.Status {
			t.Fatalf("status %q is not a code", c.Status)
		}
		if c.Hard && (!hardReason(c.Reason) || !strings.HasPrefix(c.Status, "5.")) {
			t.Fatalf("hard with reason %s, status %q", c.Reason, c.Status)
		}
		if c.Temporary != strings.HasPrefix(c.Status, "4.") {
			t.Fatalf("Temporary %v with status %q", c.Temporary, c.Status)
		}
	})
}

// FuzzParseFields checks the delivery-status field parser.
func FuzzParseFields(f *testing.F) {
	f.Add([]byte("Reporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; a@b\r\n continued\r\nStatus: 5.1.1\r\n"))
	f.Add([]byte(":\n \n\t:\n"))
	f.Add([]byte("Reporting-MTA: dns; x\n\nAction: failed\nFinal-Recipient: rfc822; a@b\n\n\nAction: delayed\nOriginal-Recipient: rfc822; c@d\nFinal-Recipient: rfc822; c@d\n"))
	// James's DSNBounce: a multi-line reply written into Status and
	// Diagnostic-Code unfolded, its lines no fields.
	f.Add([]byte("Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\nAction: failed\nStatus: 550-5.7.1 a\n550 5.7.1 <a@b>: b\nDiagnostic-Code: X-James; 550-5.7.1 a\n550 5.7.1 <a@b>: b\n\nnot a field\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fl := range parseFields(data) {
			if fl.name == "" || strings.ContainsAny(fl.name, "\r\n") {
				t.Fatalf("bad field name %q", fl.name)
			}
		}
	})
}

// FuzzHeaderLines checks the lenient header parser used for returned
// messages quoted in text.
func FuzzHeaderLines(f *testing.F) {
	f.Add("Received: x\n y\nMessage-ID: <a@b>\n\nbody")
	f.Add(" \n:\n=?utf-8?q?=ff?=: x\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		_, n := parseHeaderLines(lines)
		if n < 0 || n > len(lines) {
			t.Fatalf("used %d of %d lines", n, len(lines))
		}
	})
}

// FuzzSES checks the Amazon SES notification parser.
func FuzzSES(f *testing.F) {
	for _, s := range fuzzSeeds {
		if strings.Contains(s, "AWS Notification") {
			f.Add(s)
		}
	}
	f.Add("{ {\n{ \"eventType\":\"DeliveryDelay\",\"deliveryDelay\":{}}")
	f.Add(`{"Type":"Notification","TopicArn":"x","Message":"{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":\"a@b\"}]}}"}`)
	f.Fuzz(func(t *testing.T, s string) {
		var rep Report
		parseSES(&rep, s, loadRules())
	})
}

// FuzzStripHTML checks the HTML-to-text reduction.
func FuzzStripHTML(f *testing.F) {
	f.Add("<p>550 <b>user</b> unknown&nbsp;&amp;</p><style>x</style><script")
	f.Fuzz(func(t *testing.T, s string) {
		if out := stripHTML(s); len(out) > len(s)+len(s) {
			t.Fatalf("output longer than twice the input")
		}
	})
}

// FuzzReadPart checks the part reader's cut: never more than the limit,
// always a prefix of the body, cut after the last whole line when it cuts
// (a first line longer than the limit is kept in part), and the walk told
// so.
func FuzzReadPart(f *testing.F) {
	f.Add([]byte("Final-Recipient: rfc822; a@b\r\nStatus: 5.1.1\r\n"), 20)
	f.Add([]byte("no newline at all"), 5)
	f.Add([]byte(""), 0)
	f.Fuzz(func(t *testing.T, body []byte, limit int) {
		if limit < -1 || limit > 1<<20 {
			return
		}
		var w walk
		got := w.readPart(bytes.NewReader(body), limit)
		if !bytes.HasPrefix(body, got) {
			t.Fatalf("%q is not a prefix of the body", got)
		}
		cut := len(got) < len(body)
		if limit >= 0 && len(got) > limit {
			t.Fatalf("read %d bytes past the limit %d", len(got), limit)
		}
		if cut != w.truncated {
			t.Fatalf("cut %v, truncated %v", cut, w.truncated)
		}
		if cut && len(got) > 0 && got[len(got)-1] != '\n' && bytes.IndexByte(got, '\n') >= 0 {
			t.Fatalf("cut inside a line after a whole one: %q", got)
		}
	})
}

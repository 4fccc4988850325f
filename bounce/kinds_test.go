package bounce

import (
	"strings"
	"testing"
)

// TestFeedbackReport checks an RFC 5965 report: type, complained-about
// recipient and the original message's header.
func TestFeedbackReport(t *testing.T) {
	msg := "From: feedback@fbl.example.net\r\n" +
		"Subject: FW: spring sale\r\n" +
		"Content-Type: multipart/report; report-type=feedback-report; boundary=f\r\n" +
		"\r\n" +
		"--f\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n" +
		"--f\r\nContent-Type: message/feedback-report\r\n\r\n" +
		"Feedback-Type: abuse\r\nUser-Agent: ExampleFBL/1.0\r\nVersion: 1\r\n" +
		"Original-Mail-From: <bounces+42@example.org>\r\nOriginal-Rcpt-To: <user@example.net>\r\n" +
		"Arrival-Date: Thu, 8 Mar 2025 14:00:00 EDT\r\nSource-IP: 192.0.2.1\r\nReported-Domain: example.org\r\n" +
		"--f\r\nContent-Type: message/rfc822\r\n\r\n" + sentMessage + "--f--\r\n"
	rep, err := Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != KindFeedback || rep.Feedback == nil {
		t.Fatalf("kind %v, feedback %v", rep.Kind, rep.Feedback)
	}
	fb := rep.Feedback
	if fb.Type != "abuse" || fb.OriginalMailFrom != "bounces+42@example.org" || fb.SourceIP != "192.0.2.1" ||
		len(fb.OriginalRcptTo) != 1 || fb.OriginalRcptTo[0] != "user@example.net" || fb.ArrivalDate.IsZero() {
		t.Errorf("feedback fields %+v", fb)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != "user@example.net" || rep.Recipients[0].Reason != Feedback {
		t.Errorf("recipients %+v", rep.Recipients)
	}
	if rep.MessageID != "send-42@example.org" {
		t.Errorf("MessageID %q", rep.MessageID)
	}
}

// TestAutoReply checks that RFC 3834 replies and out-of-office wording are
// recognised as not bounces, and that a bounce carrying Auto-Submitted is
// still a bounce.
func TestAutoReply(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		kind      Kind
	}{
		{"auto-submitted", "From: Kiji <kiji@example.net>\r\nSubject: Re: hello\r\nAuto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n", KindAutoReply},
		{"out of office subject", "From: kiji@example.net\r\nSubject: Automatic reply: hello\r\n\r\nI will be out of the office.\r\n", KindAutoReply},
		{"Japanese automatic reply", "From: kiji@example.net\r\nSubject: =?UTF-8?B?6Ieq5YuV5b+c562UOiBoZWxsbw==?=\r\n\r\nhello\r\n", KindAutoReply},
		{"Italian automatic reply", "From: kiji@example.net\r\nSubject: Risposta automatica: hello\r\n\r\nhello\r\n", KindAutoReply},
		{"bounce with auto-submitted", "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n\r\n<a@example.net>: host mx.example.net said: 550 5.1.1 User unknown (in reply to RCPT TO command)\r\n", KindNonStandard},
		{"ordinary mail", "From: kiji@example.net\r\nSubject: lunch?\r\n\r\nNoon at the usual place.\r\n", KindUnknown},
		{"ordinary mail with error words", "From: ci@example.net\r\nSubject: build 42\r\n\r\nAn error occurred in the message you sent to the build bot, ops@example.net.\r\n", KindUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != tc.kind {
				t.Errorf("kind %v, want %v", rep.Kind, tc.kind)
			}
			if tc.kind == KindAutoReply && (len(rep.Recipients) != 1 || rep.Recipients[0].Reason != Vacation || rep.Recipients[0].FinalRecipient != "kiji@example.net") {
				t.Errorf("recipients %+v", rep.Recipients)
			}
		})
	}
}

// TestSESNotification checks Amazon SES bounce and complaint JSON, bare and
// inside an SNS envelope.
func TestSESNotification(t *testing.T) {
	bounceJSON := `{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"gone@example.com","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"reportingMTA":"dns; a1.smtp-out.example.com"},"mail":{"messageId":"0101-abc","headers":[{"name":"Message-ID","value":"<send-7@example.org>"},{"name":"X-Campaign-ID","value":"c9"}]}}`
	complaint := `{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"angry@example.com"}],"complaintFeedbackType":"abuse"}}`
	envelope := `{"Type":"Notification","TopicArn":"arn:x","Message":` + quoteJSON(complaint) + `}`
	for _, tc := range []struct {
		name, body string
		kind       Kind
		rcpt       string
		reason     Reason
	}{
		{"bounce", bounceJSON, KindNonStandard, "gone@example.com", UserUnknown},
		{"complaint in SNS envelope", envelope, KindFeedback, "angry@example.com", Feedback},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := "From: no-reply@sns.example.com\r\nSubject: AWS Notification Message\r\n\r\n" + tc.body + "\r\n"
			rep, err := Parse(strings.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != tc.kind || len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != tc.rcpt || rep.Recipients[0].Reason != tc.reason {
				t.Fatalf("kind %v recipients %+v", rep.Kind, rep.Recipients)
			}
			if tc.reason == UserUnknown && (!rep.Recipients[0].Hard || rep.MessageID != "send-7@example.org" || rep.Original.Get("X-Campaign-Id") != "c9") {
				t.Errorf("hard %v, MessageID %q, campaign %q", rep.Recipients[0].Hard, rep.MessageID, rep.Original.Get("X-Campaign-Id"))
			}
		})
	}
}

func quoteJSON(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// TestPlainTextBounces checks wordings of common non-standard bounces,
// written here rather than taken from the corpus.
func TestPlainTextBounces(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		rcpt      string
		reason    Reason
		hard      bool
	}{
		{"exim rcpt", "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\r\nSubject: Mail delivery failed: returning message to sender\r\nX-Failed-Recipients: nobody.here@example.net\r\n\r\n" +
			"This message was created automatically by mail delivery software.\r\n\r\nA message that you sent could not be delivered to one or more of its\r\nrecipients. This is a permanent error. The following address(es) failed:\r\n\r\n" +
			"  nobody.here@example.net\r\n    SMTP error from remote mail server after RCPT TO:<nobody.here@example.net>:\r\n    host mx.example.net [192.0.2.9]: 550 5.1.1 <nobody.here@example.net>: Recipient address rejected: User unknown\r\n\r\n" +
			"------ This is a copy of the message, including all the headers. ------\r\n\r\n" + sentMessage, "nobody.here@example.net", UserUnknown, true},
		{"qmail over quota", "From: MAILER-DAEMON@qmail.example.org\r\nSubject: failure notice\r\n\r\n" +
			"Hi. This is the qmail-send program at qmail.example.org.\r\nI'm afraid I wasn't able to deliver your message to the following addresses.\r\nThis is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n" +
			"<full@example.net>:\r\n192.0.2.3 does not like recipient.\r\nRemote host said: 552 5.2.2 Mailbox over quota\r\nGiving up on 192.0.2.3.\r\n\r\n--- Below this line is a copy of the message.\r\n\r\n" + sentMessage, "full@example.net", MailboxFull, false},
		{"sender refused at MAIL", "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\r\nSubject: Mail delivery failed\r\n\r\nThe following address(es) failed:\r\n\r\n  rcpt@example.net\r\n    SMTP error from remote mail server after MAIL FROM:<sender@example.org> SIZE=1234:\r\n    host mx.example.net [192.0.2.9]: 553 5.1.8 Domain of sender address does not resolve\r\n", "rcpt@example.net", Rejected, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != KindNonStandard || len(rep.Recipients) != 1 {
				t.Fatalf("kind %v, recipients %+v", rep.Kind, rep.Recipients)
			}
			r := rep.Recipients[0]
			if r.FinalRecipient != tc.rcpt || r.Reason != tc.reason || r.Hard != tc.hard {
				t.Errorf("got %s %s hard=%v (diag %q), want %s %s hard=%v", r.FinalRecipient, r.Reason, r.Hard, r.DiagnosticCode, tc.rcpt, tc.reason, tc.hard)
			}
		})
	}
}

// TestDSNExtensions checks what a DSN says beyond the diagnostic: the Status
// field's comment and PowerMTA's bounce category.
func TestDSNExtensions(t *testing.T) {
	dsn := func(fields string) string {
		return "From: MAILER-DAEMON@mta.example.org\r\nSubject: Delivery failure\r\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mta.example.org\r\n\r\n" +
			"Final-Recipient: rfc822; a@example.net\r\nAction: failed\r\n" + fields + "--b--\r\n"
	}
	for _, tc := range []struct {
		name, fields string
		reason       Reason
	}{
		// Sendmail's comment names the resolver's TRY_AGAIN (err.c
		// sm_errstring(), "host name lookup failure"), a network error for
		// now; the recipient finally failed after it, so the sending MTA
		// gave up (doc.go), where the bare 4.0.0 would be onhold.
		{"status comment explains", "Status: 4.0.0 (example.net: host name lookup failure)\r\n", Expired},
		{"powermta category settles open wording", "Status: 5.0.0\r\nDiagnostic-Code: smtp; 554 delivery error: this user doesn't have an account\r\nX-PowerMTA-BounceCategory: bad-mailbox\r\n", UserUnknown},
		{"powermta category does not override clear wording", "Status: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 mailbox full\r\nX-PowerMTA-BounceCategory: bad-mailbox\r\n", MailboxFull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(dsn(tc.fields)))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Recipients) != 1 || rep.Recipients[0].Reason != tc.reason {
				t.Errorf("recipients %+v, want reason %s", rep.Recipients, tc.reason)
			}
		})
	}
}

// TestUnsubscribeRequest checks that mail to a List-Unsubscribe mailto:
// address (RFC 2369 §3.2) is an opt-out: feedback, not a vacation reply.
func TestUnsubscribeRequest(t *testing.T) {
	msg := "From: Kiji <kiji@example.net>\r\nTo: opt-out-42@example.org\r\nSubject: unsubscribe\r\n" +
		"Auto-Submitted: auto-replied\r\n\r\nThis mail unsubscribes you from the list.\r\n"
	rep, err := Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != KindFeedback || rep.Feedback == nil || rep.Feedback.Type != "unsubscribe" {
		t.Fatalf("kind %v, feedback %+v", rep.Kind, rep.Feedback)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].Reason != Feedback || rep.Recipients[0].FinalRecipient != "kiji@example.net" || rep.Recipients[0].Hard {
		t.Errorf("recipients %+v", rep.Recipients)
	}
}

// TestListRefusal checks a mailing list manager's refusal of a post, and
// that ordinary list traffic is not taken for one.
func TestListRefusal(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		kind      Kind
		reason    Reason
	}{
		{"non-member post", "From: cats-admin@example.org\r\nTo: kiji@example.net\r\nSubject: You kiji@example.net are not member (cats ML)\r\n" +
			"List-Subscribe: <mailto:cats-ctl@example.org?body=subscribe>\r\n\r\nYou are not a member of this mailing list <cats@example.org>.\r\n", KindNonStandard, Rejected},
		{"list loop alert", "From: cats-admin@example.org\r\nTo: cats-admin@example.org\r\nSubject: Loop Alert: Duplicated Message-ID (cats ML)\r\n" +
			"X-MLServer: fml\r\n\r\nDuplicated Message-ID in <cats@example.org>.\r\n", KindNonStandard, SystemError},
		{"ordinary list post", "From: kiji@example.net\r\nTo: cats@example.org\r\nSubject: meeting notes\r\nList-Id: <cats.example.org>\r\n\r\n" +
			"Only members of the board were not a member of the quorum.\r\n", KindUnknown, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != tc.kind {
				t.Fatalf("kind %v, want %v", rep.Kind, tc.kind)
			}
			if tc.reason == "" {
				return
			}
			if len(rep.Recipients) != 1 || rep.Recipients[0].Reason != tc.reason || rep.Recipients[0].Hard {
				t.Errorf("recipients %+v, want one %s", rep.Recipients, tc.reason)
			}
		})
	}
}

package bounce

import (
	"strings"
	"testing"
)

// TestPlainTextFailureReport: DMARC failure reports sent as plain text,
// without the message/feedback-report part RFC 6591 asks for, are read as
// failure reports (issue 16 item 7), not as auto-replies or unknown mail.
func TestPlainTextFailureReport(t *testing.T) {
	withFields := "From: dmarc-reports@receiver.example\r\n" +
		"To: dmarc-failures@sender.example\r\n" +
		"Subject: DMARC Failure Report for sender.example\r\n" +
		"Auto-Submitted: auto-generated\r\n" +
		"Content-Type: text/plain; charset=us-ascii\r\n\r\n" +
		"This is an authentication failure report for a message received from 192.0.2.10.\r\n\r\n" +
		"Feedback-Type: auth-failure\r\n" +
		"User-Agent: ExampleMTA/2.1\r\n" +
		"Version: 1\r\n" +
		"Original-Mail-From: <news@sender.example>\r\n" +
		"Original-Rcpt-To: <alice@receiver.example>\r\n" +
		"Arrival-Date: Sat, 05 Dec 2026 10:11:12 +0000\r\n" +
		"Source-IP: 192.0.2.10\r\n" +
		"Reported-Domain: sender.example\r\n" +
		"Authentication-Results: receiver.example; dmarc=fail header.from=sender.example\r\n\r\n" +
		"Message-ID: <abc@sender.example>\r\nFrom: news@sender.example\r\nSubject: Sale\r\n"
	rep, err := Parse(strings.NewReader(withFields))
	if err != nil {
		t.Fatal(err)
	}
	fb := rep.Feedback
	if rep.Kind != KindFeedback || fb == nil || fb.Type != "auth-failure" || fb.SourceIP != "192.0.2.10" ||
		len(fb.ReportedDomain) != 1 || fb.ReportedDomain[0] != "sender.example" || fb.OriginalMailFrom != "news@sender.example" ||
		!strings.Contains(fb.AuthenticationResults, "dmarc=fail") || fb.ArrivalDate.IsZero() {
		t.Fatalf("got kind %v, feedback %+v", rep.Kind, fb)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != "alice@receiver.example" || rep.Recipients[0].Reason != Feedback {
		t.Errorf("recipients %+v", rep.Recipients)
	}

	narrative := "From: postmaster@receiver.example\r\n" +
		"To: dmarc-failures@sender.example\r\n" +
		"Subject: DMARC forensic report: sender.example\r\n" +
		"Auto-Submitted: auto-replied\r\n" +
		"Content-Type: text/plain\r\n\r\n" +
		"A message claiming to be from sender.example failed DMARC evaluation.\r\n"
	rep, err = Parse(strings.NewReader(narrative))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != KindFeedback || rep.Feedback == nil || rep.Feedback.Type != "auth-failure" {
		t.Errorf("narrative report: kind %v, feedback %+v; want an auth-failure report", rep.Kind, rep.Feedback)
	}

	vacation := "From: bob@receiver.example\r\nTo: news@sender.example\r\nSubject: Out of office\r\n" +
		"Auto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n"
	if rep, _ := Parse(strings.NewReader(vacation)); rep.Kind != KindAutoReply {
		t.Errorf("an out-of-office reply became %v", rep.Kind)
	}
}

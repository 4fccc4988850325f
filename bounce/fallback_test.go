package bounce

import (
	"strings"
	"testing"
)

// TestBrokenInnerMultipartReadsText checks a multipart whose inner part
// lost its boundary parameter to a broken header continuation: the text is
// still read, without the MIME structure lines.
func TestBrokenInnerMultipartReadsText(t *testing.T) {
	const msg = "From: postmaster@example.net\r\nTo: a@example.com\r\nSubject: Delivery failure\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" +
		"--outer\r\nContent-Type: multipart/alternative;\r\nboundary=\"inner\"\r\n\r\n" +
		"--inner\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" +
		"Error: Invalid user address\r\n\r\nError message below:\r\n550 - Requested action not taken: no such user here\r\n\r\n" +
		"Recipient: <b@example.net>\r\n\r\n--inner--\r\n\r\n--outer--\r\n"
	rep, err := Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != "b@example.net" {
		t.Fatalf("recipients %+v, want one for b@example.net", rep.Recipients)
	}
	d := rep.Recipients[0].DiagnosticCode
	if !strings.Contains(d, "no such user here") || strings.Contains(d, "Content-Type") || strings.Contains(d, "--inner") {
		t.Errorf("diagnostic %q: want the text without MIME lines", d)
	}
}

// TestPreambleSpeaksForRecipients checks that a recipient whose own lines
// name no reason takes the reason from the text above the list.
func TestPreambleSpeaksForRecipients(t *testing.T) {
	msg := "From: Mail Delivery System <mailer-daemon@example.net>\nTo: a@example.com\n" +
		"Subject: Delivery status notification\n\n" +
		"This is an automatically generated Delivery Status Notification.\n\n" +
		"Your message could not be delivered for 5 days to the following recipients:\n\n" +
		"  * b@example.org\n\n" +
		strings.Repeat("=", 76) + "\n" +
		"Technical details:\nRouting: Could not find a gateway for b@example.org\n" +
		strings.Repeat("=", 76) + "\n"
	rep, err := Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].Reason != Expired {
		t.Errorf("recipients %+v, want one expired", rep.Recipients)
	}
}

// TestParseMboxReadsFirstMessage checks that Parse given an mbox reads its
// first message only, and Mbox gives each.
func TestParseMboxReadsFirstMessage(t *testing.T) {
	one := "From: MAILER-DAEMON@example.net\nSubject: Undelivered Mail Returned to Sender\nX-Failed-Recipients: b@example.org\n\n" +
		"<b@example.org>: host mx.example.org said: 550 5.1.1 <b@example.org>: User unknown (in reply to RCPT TO command)\n"
	two := strings.ReplaceAll(strings.ReplaceAll(one, "b@example.org", "c@example.org"), "5.1.1", "5.2.2")
	two = strings.Replace(two, "User unknown", "Mailbox full", 1)
	mbox := "From MAILER-DAEMON Mon Nov 23 12:00:00 2026\n" + one + "\nFrom MAILER-DAEMON Mon Nov 23 12:00:01 2026\n" + two + "\n"
	rep, err := Parse(strings.NewReader(mbox))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].FinalRecipient != "b@example.org" || rep.Recipients[0].Reason != UserUnknown {
		t.Errorf("Parse(mbox) recipients %+v, want b@example.org userunknown only", rep.Recipients)
	}
	var got []string
	mb := NewMbox(strings.NewReader(mbox))
	for {
		msg, err := mb.Next()
		if err != nil {
			break
		}
		rep, err := Parse(msg)
		if err != nil {
			t.Fatal(err)
		}
		for _, rc := range rep.Recipients {
			got = append(got, rc.FinalRecipient+" "+string(rc.Reason))
		}
	}
	if strings.Join(got, ",") != "b@example.org userunknown,c@example.org mailboxfull" {
		t.Errorf("Mbox then Parse: %q", got)
	}
}

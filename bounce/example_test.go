package bounce_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bounce"
)

func ExampleParse() {
	msg := "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n" +
		"\r\n" +
		"--b\r\n" +
		"Content-Type: text/plain\r\n" +
		"\r\n" +
		"<rcpt@example.net>: host mx.example.net said: 550 5.1.1 User unknown\r\n" +
		"--b\r\n" +
		"Content-Type: message/delivery-status\r\n" +
		"\r\n" +
		"Reporting-MTA: dns; mx.example.com\r\n" +
		"\r\n" +
		"Final-Recipient: rfc822; rcpt@example.net\r\n" +
		"Action: failed\r\n" +
		"Status: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <rcpt@example.net>: Recipient address rejected: User unknown\r\n" +
		"--b\r\n" +
		"Content-Type: text/rfc822-headers\r\n" +
		"\r\n" +
		"Message-ID: <send-42@example.org>\r\n" +
		"X-Campaign-ID: spring\r\n" +
		"--b--\r\n"
	rep, err := bounce.Parse(strings.NewReader(msg))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Kind, rep.MessageID, rep.Original.Get("X-Campaign-ID"))
	for _, r := range rep.Recipients {
		fmt.Println(r.FinalRecipient, r.Status, r.Reason, "hard:", r.Hard)
	}
	// Output:
	// dsn send-42@example.org spring
	// rcpt@example.net 5.1.1 userunknown hard: true
}

func ExampleClassify() {
	c := bounce.Classify(552, "5.2.2", "Mailbox full")
	fmt.Println(c.Reason, c.Hard)
	c = bounce.ClassifyReply("MAIL", 550, "", "Sender address rejected: Domain not found")
	fmt.Println(c.Reason, c.Hard)
	// Output:
	// mailboxfull false
	// rejected false
}

func ExampleDSN_WriteTo() {
	d := &bounce.DSN{
		ReportingMTA: "mta.example.org",
		To:           "sender@example.org",
		Date:         time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		MessageID:    "dsn-1@mta.example.org",
		Recipients: []bounce.DSNRecipient{{
			FinalRecipient: "rcpt@example.net",
			Status:         "5.1.1",
			RemoteMTA:      "mx.example.net",
			DiagnosticCode: "550 5.1.1 no such user",
		}},
		Original:    strings.NewReader("Message-ID: <send-42@example.org>\r\nSubject: hi\r\n\r\nbody\r\n"),
		HeadersOnly: true,
	}
	if _, err := d.WriteTo(os.Stdout); err != nil {
		fmt.Println(err)
	}
}

func ExampleMbox() {
	mbox := "From MAILER-DAEMON Mon Nov 23 12:00:00 2026\n" +
		"From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\n\n" +
		"<a@example.net>: host mx.example.net said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n" +
		"\n" +
		"From MAILER-DAEMON Mon Nov 23 12:05:00 2026\n" +
		"From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\n\n" +
		"<b@example.net>: host mx.example.net said: 552 5.2.2 Mailbox full (in reply to RCPT TO command)\n"
	mb := bounce.NewMbox(strings.NewReader(mbox))
	for {
		msg, err := mb.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		rep, err := bounce.Parse(msg)
		if err != nil {
			fmt.Println(err)
			continue
		}
		for _, r := range rep.Recipients {
			fmt.Println(r.FinalRecipient, r.Reason, "hard:", r.Hard)
		}
	}
	// Output:
	// a@example.net userunknown hard: true
	// b@example.net mailboxfull hard: false
}

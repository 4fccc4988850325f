package returnpath_test

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
	"time"

	"github.com/mxkit/mxkit/returnpath"
	"github.com/mxkit/mxkit/verp"
)

func Example() {
	codec := &verp.Codec{Domain: "bounces.example.com", Keys: []verp.Key{{ID: 1, Secret: []byte("a secret of 16 octets or more")}}}

	// Sending: one envelope per recipient, with its own return path.
	rp, err := codec.Encode("q42", "alice@customers.example", time.Now())
	if err != nil {
		panic(err)
	}

	// Receiving: the MX of bounces.example.com.
	done := make(chan struct{})
	srv := &returnpath.Server{
		Codec:    codec,
		Feedback: []string{"fbl@bounces.example.com"},
		Handler: returnpath.HandlerFunc(func(_ context.Context, b *returnpath.Bounce) error {
			// Here: suppress b.ForRecipient(), send an event, ...
			fmt.Println(b.MessageID(), b.Recipient, b.Verdict.Reason, b.Verdict.Hard)
			close(done)
			return nil
		}),
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	// A receiving MTA gave up and returns the message to its return path.
	dsn := "From: MAILER-DAEMON@mx.customers.example\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customers.example\r\n\r\n" +
		"Final-Recipient: rfc822; alice@customers.example\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n--B--\r\n"
	if err := smtp.SendMail(l.Addr().String(), nil, "", []string{rp.String()}, []byte(dsn)); err != nil {
		panic(err)
	}
	<-done

	// Anything else at the domain is refused at RCPT.
	err = smtp.SendMail(l.Addr().String(), nil, "", []string{"someone@bounces.example.com"}, []byte(dsn))
	fmt.Println(err)
	// Output:
	// q42 alice@customers.example userunknown true
	// 550 "5.1.1 No such user here"
}

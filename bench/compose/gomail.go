package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/wneessen/go-mail"
)

// sendWithGoMail does the same job with go-mail v0.8.1, which sends to a
// host it is given: the MX lookup and the walk over the hosts are the
// caller's (no MTA-STS, no DANE, no implicit MX), and the recipient's
// outcome is read from the error.
func sendWithGoMail(ctx context.Context, j *job) error {
	msg := mail.NewMsg(mail.WithDKIM(mail.NewDKIMSigner(j.Domain, j.Selector, j.Key)))
	if err := msg.FromFormat("Shop", j.From); err != nil {
		return err
	}
	if err := msg.To(j.To); err != nil {
		return err
	}
	msg.Subject("Your order has shipped")
	msg.SetBodyString(mail.TypeTextPlain, "It is on its way.")
	msg.AddAlternativeString(mail.TypeTextHTML, "<p>It is on its way.</p>")
	if err := msg.AttachReader("invoice.pdf", bytes.NewReader(j.PDF)); err != nil {
		return err
	}
	dns := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, j.DNS)
	}}
	mxs, err := dns.LookupMX(ctx, j.To[strings.LastIndexByte(j.To, '@')+1:])
	if err != nil {
		fmt.Fprintln(j.Out, j.To, "deferred", err)
		return err
	}
	for _, mx := range mxs { // sorted by preference
		client, err := mail.NewClient(strings.TrimSuffix(mx.Host, "."), mail.WithPort(j.Port), mail.WithHELO(j.Hostname),
			mail.WithTLSPolicy(mail.TLSOpportunistic), mail.WithDialContextFunc((&net.Dialer{Resolver: dns}).DialContext))
		if err != nil {
			return err
		}
		err = client.DialAndSendWithContext(ctx, msg)
		var sendErr *mail.SendError
		if err != nil && (!errors.As(err, &sendErr) || sendErr.Reason == mail.ErrConnCheck) {
			continue // no session with this host: try the next
		}
		switch {
		case err == nil:
			fmt.Fprintln(j.Out, j.To, "delivered")
		case sendErr.IsTemp():
			fmt.Fprintln(j.Out, j.To, "deferred", err)
		default:
			fmt.Fprintln(j.Out, j.To, "failed", err)
		}
		return err
	}
	fmt.Fprintln(j.Out, j.To, "deferred", "no MX host answered")
	return errors.New("no MX host answered")
}

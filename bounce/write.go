package bounce

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message"
)

// ErrInvalidDSN reports a DSN that cannot be written: a required field is
// missing, or a value holds CR, LF or NUL (header injection).
var ErrInvalidDSN = errors.New("bounce: invalid DSN")

// DSN describes a delivery status notification for a message an MTA could
// not deliver (or delayed), to be written by WriteTo as an RFC 3464 report:
// a multipart/report (RFC 6522) holding a human-readable explanation, the
// message/delivery-status fields and the returned message or its header.
type DSN struct {
	// ReportingMTA is this MTA's host name (RFC 3464 §2.2.2). Required.
	ReportingMTA string
	// From is the notification's From address; "" means
	// MAILER-DAEMON@ReportingMTA.
	From string
	// To is the original message's envelope sender, who gets the DSN.
	To string
	// EnvelopeID is the ENVID the sender gave (RFC 3461 §4.4), if any.
	EnvelopeID string
	// ArrivalDate is when the original message arrived; zero omits it.
	ArrivalDate time.Time
	// Date and MessageID of the notification; zero values mean now and a
	// random ID at ReportingMTA.
	Date      time.Time
	MessageID string
	// Recipients are the recipients the notification reports. At least
	// one is required.
	Recipients []DSNRecipient
	// Original is the returned message; nil returns nothing. With
	// HeadersOnly (RET=HDRS, RFC 3461 §4.3) only its header is returned,
	// as text/rfc822-headers.
	Original    io.Reader
	HeadersOnly bool
}

// DSNRecipient is one recipient's per-recipient fields (RFC 3464 §2.3).
type DSNRecipient struct {
	FinalRecipient    string // the address the MTA tried, required
	OriginalRecipient string // the ORCPT the sender gave, if any
	// Action is "failed", "delayed", "delivered", "relayed" or
	// "expanded"; "" means "failed".
	Action string
	// Status is the RFC 3463 code; "" means 5.0.0 for failed, 4.0.0 for
	// delayed and 2.0.0 otherwise.
	Status          string
	RemoteMTA       string    // the remote host name, if one answered
	DiagnosticCode  string    // the remote SMTP reply, "550 5.1.1 no such user"
	LastAttemptDate time.Time // zero omits it
	WillRetryUntil  time.Time // for delayed: when the MTA gives up; zero omits it
}

// WriteTo writes the DSN as a complete message to w. It validates every
// field first and writes nothing when one is invalid.
func (d *DSN) WriteTo(w io.Writer) (int64, error) {
	if err := d.validate(); err != nil {
		return 0, err
	}
	cw := &countWriter{w: w}
	err := d.write(cw)
	return cw.n, err
}

func (d *DSN) validate() error {
	bad := func(name, v string) error {
		if strings.ContainsAny(v, "\r\n\x00") {
			return fmt.Errorf("%w: %s holds CR, LF or NUL", ErrInvalidDSN, name)
		}
		return nil
	}
	if d.ReportingMTA == "" {
		return fmt.Errorf("%w: ReportingMTA is required", ErrInvalidDSN)
	}
	if len(d.Recipients) == 0 {
		return fmt.Errorf("%w: no recipients", ErrInvalidDSN)
	}
	for name, v := range map[string]string{"ReportingMTA": d.ReportingMTA, "From": d.From, "To": d.To,
		"EnvelopeID": d.EnvelopeID, "MessageID": d.MessageID} {
		if err := bad(name, v); err != nil {
			return err
		}
	}
	for i, r := range d.Recipients {
		if r.FinalRecipient == "" {
			return fmt.Errorf("%w: recipient %d has no FinalRecipient", ErrInvalidDSN, i)
		}
		for name, v := range map[string]string{"FinalRecipient": r.FinalRecipient, "OriginalRecipient": r.OriginalRecipient,
			"Action": r.Action, "Status": r.Status, "RemoteMTA": r.RemoteMTA, "DiagnosticCode": r.DiagnosticCode} {
			if err := bad(fmt.Sprintf("recipient %d %s", i, name), v); err != nil {
				return err
			}
		}
		switch r.Action {
		case "", "failed", "delayed", "delivered", "relayed", "expanded": // RFC 3464 §2.3.3
		default:
			return fmt.Errorf("%w: recipient %d: unknown action %q", ErrInvalidDSN, i, r.Action)
		}
		if r.Status != "" && normStatus(r.Status) != r.Status {
			return fmt.Errorf("%w: recipient %d: status %q is not an RFC 3463 code", ErrInvalidDSN, i, r.Status)
		}
	}
	return nil
}

func (d *DSN) write(w io.Writer) error {
	date := d.Date
	if date.IsZero() {
		date = time.Now()
	}
	from := d.From
	if from == "" {
		from = "MAILER-DAEMON@" + d.ReportingMTA
	}
	msgID := d.MessageID
	if msgID == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		msgID = hex.EncodeToString(b[:]) + "@" + d.ReportingMTA
	}
	failed, delayed := 0, 0
	utf8 := false
	for _, r := range d.Recipients {
		switch r.Action {
		case "", "failed":
			failed++
		case "delayed":
			delayed++
		}
		utf8 = utf8 || !isASCII(r.FinalRecipient) || !isASCII(r.OriginalRecipient)
	}
	subject := "Delivery Status Notification"
	switch {
	case failed > 0:
		subject = "Undelivered Mail Returned to Sender"
	case delayed > 0:
		subject = "Delayed Mail (still being retried)"
	}

	var h message.Header
	h.Set("From", "Mail Delivery System <"+from+">")
	if d.To != "" {
		h.Set("To", "<"+d.To+">")
	}
	h.Set("Subject", subject)
	h.Set("Date", date.Format(time.RFC1123Z))
	h.Set("Message-Id", "<"+strings.Trim(msgID, "<>")+">")
	h.Set("Auto-Submitted", "auto-replied") // RFC 3834 §5
	h.SetContentType("multipart/report", map[string]string{"report-type": "delivery-status"})
	mw, err := message.CreateWriter(w, h)
	if err != nil {
		return err
	}

	// Part 1: for humans (RFC 6522 §3).
	var th message.Header
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Description", "Notification")
	tw, err := mw.CreatePart(th)
	if err != nil {
		return err
	}
	var text strings.Builder
	fmt.Fprintf(&text, "This is the mail system at host %s.\r\n\r\n", d.ReportingMTA)
	if failed > 0 {
		text.WriteString("Your message could not be delivered to one or more recipients.\r\n")
	} else if delayed > 0 {
		text.WriteString("Delivery of your message to one or more recipients is delayed.\r\nThe mail system will keep trying; you do not need to resend it.\r\n")
	}
	text.WriteString("\r\n")
	for _, r := range d.Recipients {
		fmt.Fprintf(&text, "<%s>: %s\r\n", r.FinalRecipient, firstNonEmpty(r.DiagnosticCode, actionOf(r)))
	}
	if _, err := io.WriteString(tw, text.String()); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}

	// Part 2: the machine-readable report (RFC 3464 §2).
	var dh message.Header
	if utf8 {
		dh.SetContentType("message/global-delivery-status", nil) // RFC 6533 §6
	} else {
		dh.SetContentType("message/delivery-status", nil)
	}
	dh.Set("Content-Description", "Delivery report")
	dw, err := mw.CreatePart(dh)
	if err != nil {
		return err
	}
	var f strings.Builder
	if d.EnvelopeID != "" {
		fmt.Fprintf(&f, "Original-Envelope-Id: %s\r\n", d.EnvelopeID)
	}
	fmt.Fprintf(&f, "Reporting-MTA: dns; %s\r\n", d.ReportingMTA)
	if !d.ArrivalDate.IsZero() {
		fmt.Fprintf(&f, "Arrival-Date: %s\r\n", d.ArrivalDate.Format(time.RFC1123Z))
	}
	for _, r := range d.Recipients {
		f.WriteString("\r\n")
		if r.OriginalRecipient != "" {
			fmt.Fprintf(&f, "Original-Recipient: %s; %s\r\n", addrType(r.OriginalRecipient), r.OriginalRecipient)
		}
		fmt.Fprintf(&f, "Final-Recipient: %s; %s\r\n", addrType(r.FinalRecipient), r.FinalRecipient)
		action := firstNonEmpty(r.Action, "failed")
		fmt.Fprintf(&f, "Action: %s\r\n", action)
		status := r.Status
		if status == "" {
			switch action {
			case "failed":
				status = "5.0.0"
			case "delayed":
				status = "4.0.0"
			default:
				status = "2.0.0"
			}
		}
		fmt.Fprintf(&f, "Status: %s\r\n", status)
		if r.RemoteMTA != "" {
			fmt.Fprintf(&f, "Remote-MTA: dns; %s\r\n", r.RemoteMTA)
		}
		if r.DiagnosticCode != "" {
			fmt.Fprintf(&f, "Diagnostic-Code: smtp; %s\r\n", r.DiagnosticCode)
		}
		if !r.LastAttemptDate.IsZero() {
			fmt.Fprintf(&f, "Last-Attempt-Date: %s\r\n", r.LastAttemptDate.Format(time.RFC1123Z))
		}
		if !r.WillRetryUntil.IsZero() {
			fmt.Fprintf(&f, "Will-Retry-Until: %s\r\n", r.WillRetryUntil.Format(time.RFC1123Z))
		}
	}
	if _, err := io.WriteString(dw, f.String()); err != nil {
		return err
	}
	if err := dw.Close(); err != nil {
		return err
	}

	// Part 3: the returned message (RFC 3464 §2, RFC 6522 §3).
	if d.Original != nil {
		var oh message.Header
		if d.HeadersOnly {
			oh.SetContentType("text/rfc822-headers", nil)
		} else {
			oh.SetContentType("message/rfc822", nil)
		}
		oh.Set("Content-Description", "Undelivered Message")
		ow, err := mw.CreatePart(oh)
		if err != nil {
			return err
		}
		if d.HeadersOnly {
			err = copyHeader(ow, d.Original)
		} else {
			_, err = io.Copy(ow, d.Original)
		}
		if err != nil {
			return err
		}
		if err := ow.Close(); err != nil {
			return err
		}
	}
	return mw.Close()
}

// copyHeader copies r up to and including the blank line ending its header.
func copyHeader(w io.Writer, r io.Reader) error {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if _, werr := io.WriteString(w, line); werr != nil {
			return werr
		}
		if err == io.EOF || strings.TrimRight(line, "\r\n") == "" {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func actionOf(r DSNRecipient) string {
	if r.Action == "delayed" {
		return "delivery delayed"
	}
	return "delivery failed"
}

// addrType is the RFC 3464 §2.1.2 address type: rfc822, or utf-8 for an
// internationalised address (RFC 6533 §3).
func addrType(a string) string {
	if isASCII(a) {
		return "rfc822"
	}
	return "utf-8"
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Package delivery describes what happened when a message was offered for
// one recipient: the Outcome that smtpclient produces, queue stores, bounce
// classifies, and DSNs, webhooks, logs and metrics are built from. It is a
// leaf package, so that all of them share one type without importing each
// other.
//
// An Outcome carries the reply as data: the SMTP reply code, the RFC 3463
// enhanced status code, the stage of the session that answered, the text,
// and the remote host. Failures that no server answered (a domain that does
// not exist, a refused connection, a TLS policy that cannot be met, a
// message too large for the server) carry the stage where they happened and
// the enhanced code that RFC 3463 and its registry give for them, with Code
// zero. Status is the verdict — Delivered, Deferred (worth retrying) or
// Failed (permanent) — and it is the only place that verdict is decided:
// nobody downstream parses a reply or an error text again.
package delivery

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Status is the verdict of one delivery attempt for one recipient.
type Status uint8

const (
	// Delivered: the server took responsibility for the message (a final
	// 2xx reply, RFC 5321 §4.2.5).
	Delivered Status = iota + 1
	// Deferred: not delivered this time, and worth trying again later
	// (4xx replies, network and DNS failures, an unmet TLS policy).
	Deferred
	// Failed: not delivered, and trying again cannot help (5xx replies, a
	// domain that does not exist or accepts no mail, an unsendable
	// message).
	Failed
)

var statusNames = [...]string{"", "delivered", "deferred", "failed"}

func (s Status) String() string {
	if int(s) < len(statusNames) && s != 0 {
		return statusNames[s]
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText returns String.
func (s Status) MarshalText() ([]byte, error) {
	if s == 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("delivery: invalid status %d", s)
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText parses a name String returns.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if i > 0 && n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("delivery: unknown status %q", b)
}

// Stage says where in a delivery attempt the outcome was decided.
type Stage uint8

const (
	StageNone     Stage = iota
	StageLocal          // before anything was sent: the message cannot go as it is (a bad address, larger than the server's SIZE, an extension the server lacks), or the sender gave up (cancelled, closed, warm-up cap reached)
	StageRoute          // finding where to deliver: MX, address and TLSA lookups, the MTA-STS policy
	StageConnect        // opening the connection
	StageGreeting       // the server's greeting
	StageHello          // EHLO, HELO or LHLO
	StageTLS            // STARTTLS, the TLS handshake and certificate check, and the TLS policy
	StageAuth           // AUTH
	StageMail           // MAIL FROM
	StageRcpt           // RCPT TO
	StageData           // DATA and its 354 reply, or a BDAT chunk before the last
	StageFinal          // the reply after the message data (end of data or last BDAT)
)

var stageNames = [...]string{"", "local", "route", "connect", "greeting", "hello", "tls", "auth", "mail", "rcpt", "data", "final"}

func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return "stage(" + strconv.Itoa(int(s)) + ")"
}

// Command returns the SMTP command the stage's reply answers, as RFC 3464
// and bounce.ClassifyReply name them ("CONNECT" for the greeting, "EHLO",
// "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA"), or "" for stages without one.
func (s Stage) Command() string {
	switch s {
	case StageGreeting:
		return "CONNECT"
	case StageHello:
		return "EHLO"
	case StageTLS:
		return "STARTTLS"
	case StageAuth:
		return "AUTH"
	case StageMail:
		return "MAIL"
	case StageRcpt:
		return "RCPT"
	case StageData, StageFinal:
		return "DATA"
	}
	return ""
}

// MarshalText returns String.
func (s Stage) MarshalText() ([]byte, error) {
	if int(s) >= len(stageNames) {
		return nil, fmt.Errorf("delivery: invalid stage %d", s)
	}
	return []byte(stageNames[s]), nil
}

// UnmarshalText parses a name String returns.
func (s *Stage) UnmarshalText(b []byte) error {
	for i, n := range stageNames {
		if n == string(b) {
			*s = Stage(i)
			return nil
		}
	}
	return fmt.Errorf("delivery: unknown stage %q", b)
}

// EnhancedCode is an RFC 3463 enhanced status code: class, subject,
// detail. The zero value is no code.
type EnhancedCode [3]int

// ParseEnhancedCode parses "class.subject.detail" (RFC 3463 §2: class 2, 4
// or 5; subject and detail of 1 to 3 digits).
func ParseEnhancedCode(s string) (EnhancedCode, error) {
	var c EnhancedCode
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return EnhancedCode{}, fmt.Errorf("delivery: enhanced status code %q is not class.subject.detail", s)
	}
	for i, p := range parts {
		if p == "" || len(p) > 3 || (i == 0 && len(p) != 1) {
			return EnhancedCode{}, fmt.Errorf("delivery: enhanced status code %q: bad part %q", s, p)
		}
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return EnhancedCode{}, fmt.Errorf("delivery: enhanced status code %q: bad part %q", s, p)
			}
			c[i] = c[i]*10 + int(p[j]-'0')
		}
	}
	if c[0] != 2 && c[0] != 4 && c[0] != 5 {
		return EnhancedCode{}, fmt.Errorf("delivery: enhanced status code %q: class must be 2, 4 or 5", s)
	}
	return c, nil
}

// IsZero reports whether c is no code.
func (c EnhancedCode) IsZero() bool { return c == EnhancedCode{} }

func (c EnhancedCode) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.Itoa(c[0]) + "." + strconv.Itoa(c[1]) + "." + strconv.Itoa(c[2])
}

// MarshalText returns String.
func (c EnhancedCode) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses text with ParseEnhancedCode; empty text is no code.
func (c *EnhancedCode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = EnhancedCode{}
		return nil
	}
	p, err := ParseEnhancedCode(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// Outcome is what one delivery attempt decided for one recipient. A failed
// or deferred Outcome is also an error (its Err, when set, is the cause
// that errors.Is and errors.As find).
type Outcome struct {
	Recipient string `json:"recipient"`
	Status    Status `json:"status"`
	Stage     Stage  `json:"stage,omitzero"`
	// Code is the SMTP reply code (RFC 5321 §4.2) that decided the
	// outcome; 0 when no reply did (DNS, network, local checks).
	Code int `json:"code,omitzero"`
	// Enhanced is the RFC 3463 status: the server's, or for outcomes no
	// server answered, the registry's code for the cause (5.1.2 for a
	// domain that does not exist, 5.1.10 for a null MX, 4.4.1 for no
	// answer from the host, ...). Zero when the server sent none.
	Enhanced EnhancedCode `json:"enhanced,omitzero"`
	// Text is the reply text (lines joined with "\n", the enhanced code
	// removed), or a description of the failure no server answered.
	Text string `json:"text,omitzero"`
	// Host and IP are the remote host that answered or was tried last:
	// its name (MX or relay) and address.
	Host string     `json:"host,omitzero"`
	IP   netip.Addr `json:"ip,omitzero"`
	// Time is when the outcome was decided.
	Time time.Time `json:"time,omitzero"`
	// Err is the underlying error for failures no reply explains (a DNS,
	// network or TLS error, a cancelled context); not stored.
	Err error `json:"-"`
}

// Permanent reports whether the recipient failed for good.
func (o *Outcome) Permanent() bool { return o.Status == Failed }

// Temporary reports whether the attempt is worth retrying.
func (o *Outcome) Temporary() bool { return o.Status == Deferred }

// Reply returns the server's reply as RFC 3464 §2.3.6 writes it for a
// Diagnostic-Code ("550 5.1.1 text"), or "" when no reply decided the
// outcome.
func (o *Outcome) Reply() string {
	if o.Code == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(o.Code))
	if !o.Enhanced.IsZero() {
		b.WriteByte(' ')
		b.WriteString(o.Enhanced.String())
	}
	if o.Text != "" {
		b.WriteByte(' ')
		b.WriteString(strings.ReplaceAll(o.Text, "\n", " "))
	}
	return b.String()
}

// Error describes the outcome: the status, the stage and host, and the
// reply or the cause.
func (o *Outcome) Error() string {
	var b strings.Builder
	b.WriteString(o.Status.String())
	if o.Recipient != "" {
		b.WriteString(" <")
		b.WriteString(o.Recipient)
		b.WriteByte('>')
	}
	if o.Stage != StageNone {
		b.WriteString(" at ")
		b.WriteString(o.Stage.String())
	}
	if o.Host != "" || o.IP.IsValid() {
		b.WriteString(" by ")
		b.WriteString(o.Host)
		if o.IP.IsValid() {
			b.WriteByte('[')
			b.WriteString(o.IP.String())
			b.WriteByte(']')
		}
	}
	b.WriteString(": ")
	if r := o.Reply(); r != "" {
		b.WriteString(r)
	} else {
		if !o.Enhanced.IsZero() {
			b.WriteString(o.Enhanced.String())
			b.WriteByte(' ')
		}
		switch {
		case o.Text != "":
			b.WriteString(o.Text)
		case o.Err != nil:
			b.WriteString(o.Err.Error())
		}
	}
	return b.String()
}

// Unwrap returns Err.
func (o *Outcome) Unwrap() error { return o.Err }

package compose

import (
	"crypto/rand"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/smtpclient"
)

// Message is an email to build: fill in the fields, then write it with
// WriteTo or Reader, or hand it to a sender. The zero value is an empty
// message; From and at least one recipient are required.
//
// The first rendering (WriteTo, Reader) fills in Date and MessageID when
// they are empty, so that every later rendering is the same message and
// the caller can log the Message-ID. A Message must not be rendered by two
// goroutines at once.
type Message struct {
	From    Mailbox
	ReplyTo []Mailbox
	To, Cc  []Mailbox
	// Bcc are recipients who get the message without being named in it:
	// they are in the envelope (Envelope) and never written in a header.
	Bcc []Mailbox

	Subject string
	// Date is the origination date (RFC 5322 §3.6.1); zero means the time
	// of the first rendering.
	Date time.Time
	// MessageID is the Message-ID without angle brackets ("id@domain",
	// RFC 5322 §3.6.4); empty means a random one on the From domain.
	MessageID string
	// InReplyTo and References are the Message-IDs of the message this
	// one answers and of its thread (RFC 5322 §3.6.4), without brackets.
	InReplyTo  string
	References []string

	// Unsubscribe is an https URL that unsubscribes the recipient with one
	// POST: it writes List-Unsubscribe with it and List-Unsubscribe-Post:
	// List-Unsubscribe=One-Click (RFC 8058). The message must then be DKIM
	// signed with both fields covered (mxkit's dkim signs them by
	// default). UnsubscribeMailto adds an address to List-Unsubscribe for
	// clients that unsubscribe by mail (RFC 2369 §3.2).
	Unsubscribe       string
	UnsubscribeMailto string

	// Header holds further header fields, written in order after the
	// ones above. Fields the Message writes itself are refused here.
	Header []Field

	// Text and HTML are the bodies: with both, a multipart/alternative
	// message that readers show one of. Line endings are normalised to
	// CRLF and a final one is added when missing.
	Text string
	HTML string
	// Inline are parts the HTML body shows, such as images, referenced
	// as "cid:" + ContentID (multipart/related, RFC 2387).
	Inline []Attachment
	// Attachments are files attached to the message.
	Attachments []Attachment

	boundary string // the random part of the MIME boundaries, fixed at the first rendering
	rendered bool   // a rendering has read the attachments' Content
	offsets  []int64
}

// Mailbox is a person or role and their address (RFC 5322 §3.4
// name-addr): the Name is written quoted or RFC 2047 encoded as needed.
type Mailbox struct {
	Name    string
	Address string // local@domain, checked with address.Parse
}

// Field is a header field: a name (printable ASCII without ':') and a
// value, RFC 2047 encoded when it is not ASCII.
type Field struct {
	Name, Value string
}

// Attachment is a part read from Content while the message is written and
// encoded in base64 on the way, so its size does not matter.
type Attachment struct {
	// Filename is the name readers save it under; may be empty for
	// inline parts.
	Filename string
	// ContentType is its media type, such as "application/pdf"; empty
	// means the type of the Filename's extension, or
	// application/octet-stream.
	ContentType string
	// ContentID identifies an inline part for "cid:" URLs (RFC 2392):
	// required for Inline, optional for Attachments.
	ContentID string
	// Content is read once per rendering. When it is an io.Seeker, each
	// later rendering seeks it back to where the first one started, so the
	// message can be written again; otherwise a second rendering fails
	// with ErrConsumed.
	Content io.Reader
}

// Error reports a message that cannot be written: which field or part,
// and why (Err wraps one of the sentinel errors, or an *address.Error).
type Error struct {
	Field string // "From", "To", "Subject", "X-Campaign", "Attachments[2]", ...
	Err   error
}

func (e *Error) Error() string { return "compose: " + e.Field + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Causes that an *Error wraps.
var (
	// ErrControl: a header value holds a control character: CR, LF and
	// NUL above all, which could start a new header field or end the
	// header (header injection).
	ErrControl = errors.New("control character (CR, LF, NUL and the like are refused in header values)")
	// ErrTooLong: a header line cannot be folded within the 998 octets
	// RFC 5322 §2.1.1 allows (an unbroken word or URL that long).
	ErrTooLong = errors.New("too long for a header line (RFC 5322 §2.1.1: 998 octets)")
	// ErrSyntax: a value does not have the form its field requires.
	ErrSyntax = errors.New("malformed")
	// ErrMissing: a required field is empty (From, or every recipient list).
	ErrMissing = errors.New("missing")
	// ErrConsumed: an attachment's Content was read by an earlier
	// rendering and cannot be rewound.
	ErrConsumed = errors.New("content already read by an earlier rendering and not an io.Seeker")
)

func fieldErr(field string, err error) *Error { return &Error{Field: field, Err: err} }

func syntaxErr(field, format string, args ...any) *Error {
	return &Error{Field: field, Err: fmt.Errorf("%w: "+format, append([]any{ErrSyntax}, args...)...)}
}

// ExecuteText executes t with data and sets Text to the result.
func (m *Message) ExecuteText(t *texttemplate.Template, data any) error {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return err
	}
	m.Text = b.String()
	return nil
}

// ExecuteHTML executes t with data and sets HTML to the result; html/template
// escapes the data for its place in the page.
func (m *Message) ExecuteHTML(t *htmltemplate.Template, data any) error {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return err
	}
	m.HTML = b.String()
	return nil
}

// Envelope returns the SMTP envelope of m: the From address as the
// reverse-path, every To, Cc and Bcc address once (the first spelling, in
// that order) as the recipients, and SMTPUTF8 set when an address has a
// non-ASCII local part (RFC 6531). The body never needs 8BITMIME: it is
// written in 7-bit (quoted-printable or base64 where needed), so EightBit
// is set only with SMTPUTF8, whose UTF-8 header fields are 8-bit data.
func (m *Message) Envelope() (smtpclient.Envelope, error) {
	from, err := parseMailbox("From", m.From)
	if err != nil {
		return smtpclient.Envelope{}, err
	}
	env := smtpclient.Envelope{From: from.String(), SMTPUTF8: from.NeedsSMTPUTF8()}
	seen := map[address.Address]bool{}
	for _, list := range []struct {
		name string
		mbs  []Mailbox
	}{{"To", m.To}, {"Cc", m.Cc}, {"Bcc", m.Bcc}} {
		for _, mb := range list.mbs {
			a, err := parseMailbox(list.name, mb)
			if err != nil {
				return smtpclient.Envelope{}, err
			}
			if seen[a] {
				continue
			}
			seen[a] = true
			env.To = append(env.To, a.String())
			env.SMTPUTF8 = env.SMTPUTF8 || a.NeedsSMTPUTF8()
		}
	}
	if len(env.To) == 0 {
		return smtpclient.Envelope{}, fieldErr("To", fmt.Errorf("%w: no recipient in To, Cc or Bcc", ErrMissing))
	}
	env.EightBit = env.SMTPUTF8
	return env, nil
}

func parseMailbox(field string, mb Mailbox) (address.Address, error) {
	if mb.Address == "" {
		return address.Address{}, fieldErr(field, fmt.Errorf("%w: no address", ErrMissing))
	}
	a, err := address.Parse(mb.Address)
	if err != nil {
		return address.Address{}, fieldErr(field, err)
	}
	return a, nil
}

// freeze fills in Date, MessageID and the boundary on the first
// rendering; fromDomain is the From address's domain.
func (m *Message) freeze(fromDomain string) {
	if m.Date.IsZero() {
		m.Date = time.Now()
	}
	if m.MessageID == "" {
		// 130 random bits: unique without coordination (RFC 5322 §3.6.4).
		m.MessageID = strings.ToLower(rand.Text()) + "@" + fromDomain
	}
	if m.boundary == "" {
		m.boundary = rand.Text()
	}
}

package smtpclient

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/delivery"
)

// Envelope is the SMTP envelope of one message: who it is from and whom it
// goes to, with the optional extension parameters.
type Envelope struct {
	// From is the reverse-path; "" sends the null sender "<>" (bounces).
	From string
	// To are the recipients (forward-paths), at least one.
	To []string
	// Size is the message size in octets when known, for SIZE (RFC 1870).
	// When 0 and the message reader has a Len method (bytes.Reader,
	// strings.Reader, bytes.Buffer), that is used.
	Size int64
	// EightBit declares the body 8BITMIME (RFC 6152); the send fails with
	// ErrUnsupported if the server does not offer it.
	EightBit bool
	// Binary declares the body BINARYMIME (RFC 3030 §3): it is sent in
	// BDAT chunks exactly as read, line endings untouched (the chunk
	// lengths, not a final dot, end the data). The send fails with
	// ErrUnsupported unless the server offers BINARYMIME and CHUNKING
	// and chunking is not disabled.
	Binary bool
	// SMTPUTF8 asks for SMTPUTF8 (RFC 6531). It is set automatically when
	// an address is not ASCII; the send fails with ErrUnsupported if the
	// server does not offer it.
	SMTPUTF8 bool
	// RequireTLS asks for REQUIRETLS (RFC 8689): the message travels only
	// over verified TLS (verified, DANE or MTA-STS policy) to servers that
	// offer REQUIRETLS.
	RequireTLS bool
	// DSN holds Delivery Status Notification parameters (RFC 3461), sent
	// only when the server offers DSN.
	DSN *DSN
}

// DSN holds the parameters of RFC 3461 §4.
type DSN struct {
	Ret    string   // "FULL" or "HDRS" (§4.3); "" leaves it out
	EnvID  string   // envelope identifier (§4.4)
	Notify []string // "NEVER", or any of "SUCCESS", "FAILURE", "DELAY" (§4.1); for every recipient
	// ORCPT are the original recipients, parallel to Envelope.To (§4.2);
	// nil or "" entries leave the parameter out.
	ORCPT []string
}

// message is an Envelope checked and prepared once for any number of
// attempts.
type message struct {
	from     string
	to       []string
	bad      []*delivery.Outcome // per To: non-nil when refused before any session
	size     int64
	eightBit bool
	binary   bool
	utf8     bool
	reqTLS   bool
	dsn      *DSN
}

// refused reports whether recipient i was refused before any session
// (resetResult gives it its outcome).
func (m *message) refused(i int) bool { return m.bad != nil && m.bad[i] != nil }

// prepare checks env into m. A malformed recipient is refused on its own
// (RFC 3463 X.1.3) and the message goes to the others; a malformed sender
// or DSN parameter refuses the whole message. The error is an outcome
// when nothing can be sent.
func prepare(env *Envelope, m *message) error {
	*m = message{from: env.From, to: env.To, size: env.Size, eightBit: env.EightBit, binary: env.Binary,
		utf8: env.SMTPUTF8, reqTLS: env.RequireTLS, dsn: env.DSN}
	if len(env.To) == 0 {
		return failure(delivery.Failed, delivery.StageLocal, codeBadRcptSyntax, fmt.Errorf("%w: no recipients", ErrBadAddress))
	}
	if env.From != "" {
		if err := checkAddress(env.From); err != nil {
			return failure(delivery.Failed, delivery.StageLocal, codeBadSenderSyntax, fmt.Errorf("%w: sender: %w", ErrBadAddress, err))
		}
		if !isASCII(env.From) {
			m.utf8 = true
		}
	}
	good := 0
	for i, to := range env.To {
		if strings.EqualFold(to, "postmaster") {
			// RFC 5321 §4.1.1.3: the server's own postmaster, no domain.
			good++
			continue
		}
		if err := checkAddress(to); err != nil {
			if m.bad == nil {
				m.bad = make([]*delivery.Outcome, len(env.To))
			}
			m.bad[i] = failure(delivery.Failed, delivery.StageLocal, codeBadRcptSyntax, fmt.Errorf("%w: %w", ErrBadAddress, err))
			continue
		}
		good++
		if !isASCII(to) {
			m.utf8 = true
		}
	}
	if d := env.DSN; d != nil {
		bad := func(format string, args ...any) error {
			return failure(delivery.Failed, delivery.StageLocal, codeBadArguments, fmt.Errorf("smtpclient: "+format, args...))
		}
		switch strings.ToUpper(d.Ret) {
		case "", "FULL", "HDRS":
		default:
			return bad("DSN RET must be FULL or HDRS, not %q", d.Ret)
		}
		if len(d.EnvID) > 100 { // RFC 3461 §4.4
			return bad("DSN ENVID longer than 100 characters")
		}
		if strings.ContainsFunc(d.EnvID, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return bad("DSN ENVID has a control character")
		}
		for _, n := range d.Notify {
			switch strings.ToUpper(n) {
			case "NEVER", "SUCCESS", "FAILURE", "DELAY":
			default:
				return bad("DSN NOTIFY value %q", n)
			}
			if len(d.Notify) > 1 && strings.EqualFold(n, "NEVER") {
				return bad("DSN NOTIFY=NEVER cannot be combined (RFC 3461 §4.1)")
			}
		}
		if d.ORCPT != nil && len(d.ORCPT) != len(env.To) {
			return bad("DSN ORCPT has %d entries for %d recipients", len(d.ORCPT), len(env.To))
		}
		for _, o := range d.ORCPT {
			if o == "" {
				continue
			}
			if err := checkAddress(o); err != nil {
				return bad("DSN ORCPT: %w", err)
			}
		}
	}
	if good == 0 {
		return m.bad[0]
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkAddress refuses what cannot be written into a MAIL or RCPT command
// (address.Parse's rules: control characters, angle brackets even quoted,
// spaces outside a quoted local part, the length limits of RFC 5321
// §4.5.3.1).
func checkAddress(a string) error {
	_, err := address.Parse(a)
	return err
}

// appendXtext encodes s as RFC 3461 §4 xtext.
func appendXtext(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 || c == '+' || c == '=' {
			b = append(b, '+', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return b
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

package smtpclient

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
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
	size     int64
	eightBit bool
	binary   bool
	utf8     bool
	reqTLS   bool
	dsn      *DSN
}

func prepare(env *Envelope, m *message) error {
	*m = message{from: env.From, to: env.To, size: env.Size, eightBit: env.EightBit, binary: env.Binary,
		utf8: env.SMTPUTF8, reqTLS: env.RequireTLS, dsn: env.DSN}
	if len(env.To) == 0 {
		return fmt.Errorf("%w: no recipients", ErrBadAddress)
	}
	ascii := true
	if env.From != "" {
		a, err := checkAddress(env.From)
		if err != nil {
			return err
		}
		ascii = ascii && a
	}
	for _, to := range env.To {
		a, err := checkAddress(to)
		if err != nil {
			return err
		}
		ascii = ascii && a
	}
	if !ascii {
		m.utf8 = true
	}
	if d := env.DSN; d != nil {
		switch strings.ToUpper(d.Ret) {
		case "", "FULL", "HDRS":
		default:
			return fmt.Errorf("smtpclient: DSN RET must be FULL or HDRS, not %q", d.Ret)
		}
		if len(d.EnvID) > 100 { // RFC 3461 §4.4
			return fmt.Errorf("smtpclient: DSN ENVID longer than 100 characters")
		}
		for _, n := range d.Notify {
			switch strings.ToUpper(n) {
			case "NEVER", "SUCCESS", "FAILURE", "DELAY":
			default:
				return fmt.Errorf("smtpclient: DSN NOTIFY value %q", n)
			}
			if len(d.Notify) > 1 && strings.EqualFold(n, "NEVER") {
				return fmt.Errorf("smtpclient: DSN NOTIFY=NEVER cannot be combined (RFC 3461 §4.1)")
			}
		}
		if d.ORCPT != nil && len(d.ORCPT) != len(env.To) {
			return fmt.Errorf("smtpclient: DSN ORCPT has %d entries for %d recipients", len(d.ORCPT), len(env.To))
		}
		for _, o := range d.ORCPT {
			if _, err := checkAddress(o); o != "" && err != nil {
				return err
			}
		}
	}
	return nil
}

// checkAddress refuses what cannot be written into a MAIL or RCPT command:
// control characters (CR and LF above all: command injection), angle
// brackets (even quoted), spaces outside a quoted local part, and paths longer than
// RFC 5321 §4.5.3.1.3 allows. It reports whether the address is ASCII.
func checkAddress(a string) (ascii bool, err error) {
	if a == "" {
		return true, fmt.Errorf("%w: empty address", ErrBadAddress)
	}
	if len(a) > 254 { // 256-octet path minus the angle brackets
		return true, fmt.Errorf("%w: address longer than 254 octets", ErrBadAddress)
	}
	if !utf8.ValidString(a) {
		return false, fmt.Errorf("%w: address is not valid UTF-8", ErrBadAddress)
	}
	ascii = true
	quoted := false
	for i := 0; i < len(a); i++ {
		c := a[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return ascii, fmt.Errorf("%w: control character 0x%02x in %q", ErrBadAddress, c, a)
		case c >= 0x80:
			ascii = false
		case c == '"':
			quoted = !quoted
		case c == '\\' && quoted:
			// RFC 5321 §4.1.2: quoted-pairSMTP is a backslash and a
			// printable ASCII character; a control character or a bracket
			// must not slip past the checks behind one.
			i++
			if i == len(a) || a[i] < 0x20 || a[i] > 0x7e || a[i] == '<' || a[i] == '>' {
				return ascii, fmt.Errorf("%w: bad quoted pair in %q", ErrBadAddress, a)
			}
		case c == '<' || c == '>':
			// Legal inside a quoted local part, but servers that do not
			// parse quotes would take it as the end of the path.
			return ascii, fmt.Errorf("%w: angle bracket in %q", ErrBadAddress, a)
		case c == ' ' && !quoted:
			return ascii, fmt.Errorf("%w: %q", ErrBadAddress, a)
		}
	}
	if quoted {
		return ascii, fmt.Errorf("%w: unterminated quote in %q", ErrBadAddress, a)
	}
	return ascii, nil
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

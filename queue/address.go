package queue

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// RFC 5321 §4.5.3.1 size limits.
const (
	maxLocalPart = 64  // §4.5.3.1.1
	maxDomain    = 255 // §4.5.3.1.2
	maxPath      = 256 // §4.5.3.1.3, including the angle brackets
	maxParam     = 500 // our own bound for DSN parameters and metadata
)

// CheckAddress reports whether addr is a mailbox (RFC 5321 §4.1.2
// Local-part "@" Domain, UTF-8 allowed as in RFC 6531 §3.3) that can be put in
// an SMTP command: no CR, LF or other control characters, no angle
// brackets, within the length limits of RFC 5321 §4.5.3.1. It returns an
// *AddressError.
func CheckAddress(addr string) error {
	bad := func(reason string) error { return &AddressError{Addr: addr, Reason: reason} }
	if addr == "" {
		return bad("empty")
	}
	if !utf8.ValidString(addr) {
		return bad("not valid UTF-8")
	}
	if len(addr)+2 > maxPath {
		return bad("longer than 256 octets (RFC 5321 §4.5.3.1.3)")
	}
	for _, r := range addr {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return bad("control character (CR, LF and the like are refused)")
		}
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return bad("no @")
	}
	local, domain := addr[:at], addr[at+1:]
	if err := checkLocal(local); err != "" {
		return bad(err)
	}
	if err := checkDomain(domain); err != "" {
		return bad(err)
	}
	return nil
}

func checkLocal(local string) string {
	switch {
	case local == "":
		return "empty local part"
	case len(local) > maxLocalPart:
		return "local part longer than 64 octets (RFC 5321 §4.5.3.1.1)"
	}
	if local[0] == '"' {
		// Quoted-string (RFC 5321 §4.1.2): qtextSMTP or quoted-pairSMTP.
		if len(local) < 2 || local[len(local)-1] != '"' {
			return "unterminated quoted local part"
		}
		s := local[1 : len(local)-1]
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
				if i == len(s) {
					return "dangling backslash in quoted local part"
				}
			case '"':
				return "unescaped quote in quoted local part"
			}
		}
		return ""
	}
	// Dot-string: atoms separated by single dots.
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "misplaced dot in local part"
	}
	for _, r := range local {
		if r < 0x80 && !isAtext(byte(r)) && r != '.' {
			return fmt.Sprintf("character %q not allowed in local part", r)
		}
	}
	return ""
}

// isAtext reports RFC 5322 §3.2.3 atext.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func checkDomain(d string) string {
	switch {
	case d == "":
		return "empty domain"
	case len(d) > maxDomain:
		return "domain longer than 255 octets (RFC 5321 §4.5.3.1.2)"
	}
	if d[0] == '[' {
		// address-literal (RFC 5321 §4.1.3): checked loosely, no brackets
		// or spaces inside.
		if d[len(d)-1] != ']' || len(d) < 3 || strings.ContainsAny(d[1:len(d)-1], "[]\\ ") {
			return "malformed address literal"
		}
		return ""
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" {
			return "empty domain label"
		}
		if len(label) > 63 {
			return "domain label longer than 63 octets"
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "domain label starts or ends with a hyphen"
		}
		for _, r := range label {
			ok := r >= 0x80 || r == '-' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
			if !ok {
				return fmt.Sprintf("character %q not allowed in domain", r)
			}
		}
	}
	return ""
}

// domainOf returns the lower-cased domain of a checked address.
func domainOf(addr string) string {
	return strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
}

// checkText refuses control characters and overlong values in parameters
// and metadata that may end up in SMTP commands or headers.
func checkText(field, v string) error {
	if len(v) > maxParam {
		return fmt.Errorf("%w: %s longer than %d octets", ErrInvalidInput, field, maxParam)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidInput, field)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%w: control character in %s", ErrInvalidInput, field)
		}
	}
	return nil
}

// Check validates an envelope before it is queued: a valid or null sender,
// at least one recipient, every recipient a valid address (each once), and
// no control characters in parameters and metadata. Stores call it in
// Enqueue. Errors match ErrNoRecipients, ErrInvalidAddress or
// ErrInvalidInput.
func (e *Envelope) Check() error {
	if e.From != "" {
		if err := CheckAddress(e.From); err != nil {
			return err
		}
	}
	if len(e.Recipients) == 0 {
		return ErrNoRecipients
	}
	seen := make(map[string]bool, len(e.Recipients))
	for i := range e.Recipients {
		r := &e.Recipients[i]
		if err := CheckAddress(r.Addr); err != nil {
			return err
		}
		if seen[r.Addr] {
			return fmt.Errorf("%w: recipient %q given twice", ErrInvalidInput, r.Addr)
		}
		seen[r.Addr] = true
		if r.State > Canceled {
			return fmt.Errorf("%w: recipient %q has state %d", ErrInvalidInput, r.Addr, r.State)
		}
		if err := checkText("NOTIFY", r.Notify); err != nil {
			return err
		}
		if err := checkText("ORCPT", r.ORcpt); err != nil {
			return err
		}
		for _, o := range r.History {
			if err := checkText("History text", o.Text); err != nil {
				return err
			}
			if err := checkText("History host", o.Host); err != nil {
				return err
			}
		}
	}
	if e.Priority < PriorityBulk || e.Priority > PriorityTransactional {
		return fmt.Errorf("%w: priority %d", ErrInvalidInput, e.Priority)
	}
	switch e.Ret {
	case "", "FULL", "HDRS": // RFC 3461 §4.3
	default:
		return fmt.Errorf("%w: RET must be FULL or HDRS, not %q", ErrInvalidInput, e.Ret)
	}
	for _, f := range []struct{ name, v string }{
		{"ENVID", e.EnvID}, {"Tenant", e.Tenant}, {"Campaign", e.Campaign},
		{"Class", e.Class}, {"IdempotencyKey", e.IdempotencyKey},
	} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// DestDomain returns the destination domain of a checked envelope: the
// lower-cased domain when all recipients share it, else "".
func (e *Envelope) DestDomain() string {
	if len(e.Recipients) == 0 {
		return ""
	}
	d := domainOf(e.Recipients[0].Addr)
	for _, r := range e.Recipients[1:] {
		if domainOf(r.Addr) != d {
			return ""
		}
	}
	return d
}

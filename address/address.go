package address

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// lookup is the IDNA profile: UTS #46 mapping for lookup, non-transitional,
// label validation, joiners and the Bidi rule (RFC 5891 §5, RFC 5893), but
// without UTS #46 CheckHyphens, which would refuse ASCII labels such as
// "r3---sn" that are valid host names; leading and trailing hyphens are
// refused by checkName.
var lookup = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.BidiRule(), idna.CheckHyphens(false))

// ErrInvalid is matched (errors.Is) by every *Error.
var ErrInvalid = errors.New("address: invalid")

// Error reports a domain or address refused by ParseDomain or Parse.
type Error struct {
	Input  string // what was given (clipped to 256 octets)
	Reason string // why it was refused
}

func (e *Error) Error() string { return fmt.Sprintf("address: %q: %s", e.Input, e.Reason) }

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

func invalid(input, reason string) *Error {
	if len(input) > 256 {
		input = input[:256]
	}
	return &Error{Input: input, Reason: reason}
}

// RFC 5321 §4.5.3.1 size limits.
const (
	maxLocal   = 64  // §4.5.3.1.1
	maxDomain  = 253 // §4.5.3.1.2 allows 255; a DNS name has at most 253 octets without the root
	maxLabel   = 63  // RFC 1035 §2.3.4
	maxAddress = 254 // §4.5.3.1.3: a 256-octet path less its angle brackets
)

// Domain is a mail domain in canonical form, or an address literal. Two
// Domains compare equal with == when they name the same domain. The zero
// Domain is no domain.
type Domain struct {
	ascii   string     // lower-case A-labels without a trailing dot; a literal's canonical text
	unicode string     // the U-label form when it differs from ascii
	lit     netip.Addr // an address literal's address
}

// ParseDomain parses a domain name (one trailing dot allowed) or an
// address literal and returns it in canonical form. Errors are *Error.
func ParseDomain(s string) (Domain, error) {
	return parseDomain(s, true)
}

// ASCII returns the domain in lower-case A-labels (what goes into DNS
// queries and, without SMTPUTF8, into SMTP), or an address literal's
// canonical text.
func (d Domain) ASCII() string { return d.ascii }

// Unicode returns the domain with U-labels, for display.
func (d Domain) Unicode() string {
	if d.unicode != "" {
		return d.unicode
	}
	return d.ascii
}

// String returns ASCII.
func (d Domain) String() string { return d.ascii }

// IsZero reports whether d is the zero Domain.
func (d Domain) IsZero() bool { return d.ascii == "" }

// Literal returns the address of an address literal; for a name the
// returned address is not valid.
func (d Domain) Literal() netip.Addr { return d.lit }

// IsSingleLabel reports whether d is a name of one label ("localhost").
func (d Domain) IsSingleLabel() bool {
	return d.ascii != "" && !d.lit.IsValid() && strings.IndexByte(d.ascii, '.') < 0
}

// MarshalText returns ASCII.
func (d Domain) MarshalText() ([]byte, error) { return []byte(d.ascii), nil }

// UnmarshalText parses text with ParseDomain.
func (d *Domain) UnmarshalText(text []byte) error {
	p, err := ParseDomain(string(text))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func parseDomain(s string, trailingDot bool) (Domain, error) {
	if s == "" {
		return Domain{}, invalid(s, "empty domain")
	}
	if s[0] == '[' {
		return parseLiteral(s)
	}
	name := s
	if trailingDot && len(name) > 1 && name[len(name)-1] == '.' {
		name = name[:len(name)-1]
	}
	if !utf8.ValidString(name) {
		return Domain{}, invalid(s, "not valid UTF-8")
	}
	if hasControl(name) {
		return Domain{}, invalid(s, "control character (CR, LF, NUL and the like are refused)")
	}
	if !needsIDNA(name) {
		name = lowerASCII(name)
		if why := checkName(name); why != "" {
			return Domain{}, invalid(s, why)
		}
		return Domain{ascii: name}, nil
	}
	// UTS #46 mapping and conversion, non-transitional (RFC 5891 §5.2,
	// UTS #46 §4); Lookup also checks hyphens, joiners and the Bidi rule.
	a, err := lookup.ToASCII(name)
	if err != nil {
		return Domain{}, invalid(s, "not a valid internationalised domain name: "+err.Error())
	}
	a = lowerASCII(a)
	if why := checkName(a); why != "" {
		return Domain{}, invalid(s, why)
	}
	d := Domain{ascii: a}
	if u, err := lookup.ToUnicode(a); err == nil && u != a {
		d.unicode = u
	}
	return d, nil
}

// needsIDNA reports whether name has non-ASCII characters or labels that
// claim to be A-labels, which the IDNA code must check.
func needsIDNA(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return true
		}
		// A label starting "xn--", in any case.
		if (i == 0 || name[i-1] == '.') && i+4 <= len(name) &&
			name[i]|0x20 == 'x' && name[i+1]|0x20 == 'n' && name[i+2] == '-' && name[i+3] == '-' {
			return true
		}
	}
	return false
}

// lowerASCII lower-cases ASCII letters, allocating only if there are any
// upper-case ones.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// checkName checks the RFC 5321 §4.1.2 Domain syntax of a lower-case ASCII
// name and returns why it fails, or "".
func checkName(name string) string {
	if name == "" || name == "." {
		return "empty domain"
	}
	if len(name) > maxDomain {
		return "domain longer than 253 octets (RFC 1035 §2.3.4)"
	}
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '.' {
			c := name[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("character %q not allowed in a domain (RFC 5321 §4.1.2)", c)
			}
			continue
		}
		label := name[start:i]
		switch {
		case label == "":
			return "empty label in domain"
		case len(label) > maxLabel:
			return "domain label longer than 63 octets (RFC 1035 §2.3.4)"
		case label[0] == '-' || label[len(label)-1] == '-':
			return "domain label starts or ends with a hyphen (RFC 5321 §4.1.2)"
		}
		if i == len(name) && allDigits(label) {
			return "top-level label is all digits (RFC 3696 §2); an IP address is written [192.0.2.1]"
		}
		start = i + 1
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseLiteral parses an address literal (RFC 5321 §4.1.3): "[IPv4]" or
// "[IPv6:address]"; general address literals with other tags are refused.
func parseLiteral(s string) (Domain, error) {
	if len(s) < 3 || s[len(s)-1] != ']' {
		return Domain{}, invalid(s, "address literal without a closing bracket")
	}
	inner := s[1 : len(s)-1]
	if len(inner) > 5 && strings.EqualFold(inner[:5], "IPv6:") {
		a, err := netip.ParseAddr(inner[5:])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return Domain{}, invalid(s, "address literal is not an IPv6 address")
		}
		return Domain{ascii: "[IPv6:" + a.String() + "]", lit: a}, nil
	}
	if strings.IndexByte(inner, ':') >= 0 {
		return Domain{}, invalid(s, "only IPv4 and IPv6 address literals are supported")
	}
	a, err := netip.ParseAddr(inner)
	if err != nil || !a.Is4() {
		return Domain{}, invalid(s, "address literal is not an IPv4 address")
	}
	return Domain{ascii: "[" + a.String() + "]", lit: a}, nil
}

// Address is a mailbox: a local part and a domain. The zero Address is no
// address (the null reverse-path of bounces is written "" in mxkit).
type Address struct {
	// Local is the local part as written: a dot-string or a
	// quoted-string with its quotes, case kept (RFC 5321 §2.4).
	Local  string
	Domain Domain
}

// Parse parses a mailbox as written in an SMTP command, without angle
// brackets. Errors are *Error.
func Parse(s string) (Address, error) {
	if s == "" {
		return Address{}, invalid(s, "empty address")
	}
	if len(s) > maxAddress {
		return Address{}, invalid(s, "address longer than 254 octets (RFC 5321 §4.5.3.1.3)")
	}
	if !utf8.ValidString(s) {
		return Address{}, invalid(s, "not valid UTF-8")
	}
	if hasControl(s) {
		return Address{}, invalid(s, "control character (CR, LF, NUL and the like are refused)")
	}
	end, why := localEnd(s)
	if why != "" {
		return Address{}, invalid(s, why)
	}
	if end == len(s) || s[end] != '@' {
		return Address{}, invalid(s, "no @ after the local part")
	}
	local, dom := s[:end], s[end+1:]
	if len(local) > maxLocal {
		return Address{}, invalid(s, "local part longer than 64 octets (RFC 5321 §4.5.3.1.1)")
	}
	if dom == "" {
		return Address{}, invalid(s, "empty domain")
	}
	if dom[len(dom)-1] == '.' {
		return Address{}, invalid(s, "domain ends with a dot")
	}
	d, err := parseDomain(dom, false)
	if err != nil {
		return Address{}, invalid(s, err.(*Error).Reason)
	}
	return Address{Local: local, Domain: d}, nil
}

// localEnd scans the local part at the start of s and returns where it
// ends, or why it is malformed.
func localEnd(s string) (int, string) {
	if s[0] == '"' {
		// Quoted-string (RFC 5321 §4.1.2): qtextSMTP and quoted-pairSMTP,
		// UTF-8 allowed (RFC 6531 §3.3).
		for i := 1; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case isControl(r):
				return 0, "control character in local part"
			case r == '<' || r == '>':
				return 0, "angle bracket in local part"
			case r == '"':
				if i == 1 {
					return 0, "empty quoted local part"
				}
				return i + 1, ""
			case r == '\\':
				// quoted-pairSMTP: a backslash and printable ASCII.
				if i+1 >= len(s) {
					return 0, "backslash at the end of the local part"
				}
				c := s[i+1]
				if c < 0x20 || c > 0x7e || c == '<' || c == '>' {
					return 0, "bad quoted pair in local part"
				}
				i += 2
				continue
			}
			i += n
		}
		return 0, "unterminated quoted local part"
	}
	// Dot-string: atoms of atext (RFC 5322 §3.2.3) or UTF-8 (RFC 6531
	// §3.3), separated by single dots.
	i := 0
	for i < len(s) && s[i] != '@' {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '.':
			if i == 0 || s[i-1] == '.' || i+1 == len(s) || s[i+1] == '@' {
				return 0, "misplaced dot in local part"
			}
		case r < 0x80:
			if !isAtext(byte(r)) {
				if isControl(r) {
					return 0, "control character in local part"
				}
				return 0, fmt.Sprintf("character %q not allowed in local part (quote it)", r)
			}
		case isControl(r):
			return 0, "control character in local part"
		}
		i += n
	}
	if i == 0 {
		return 0, "empty local part"
	}
	return i, ""
}

// hasControl reports whether s has a control character.
func hasControl(s string) bool {
	for _, r := range s {
		if isControl(r) {
			return true
		}
	}
	return false
}

// isControl reports C0 and C1 control characters and DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// isAtext reports RFC 5322 §3.2.3 atext.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// String returns the address with the domain in ASCII form.
func (a Address) String() string {
	if a.IsZero() {
		return ""
	}
	return a.Local + "@" + a.Domain.ASCII()
}

// Unicode returns the address with the domain in U-labels, for display.
func (a Address) Unicode() string {
	if a.IsZero() {
		return ""
	}
	return a.Local + "@" + a.Domain.Unicode()
}

// IsZero reports whether a is the zero Address.
func (a Address) IsZero() bool { return a.Local == "" && a.Domain.IsZero() }

// NeedsSMTPUTF8 reports whether the local part is not ASCII, so that the
// address can only be sent with SMTPUTF8 (RFC 6531); a non-ASCII domain
// alone can be sent in its A-label form.
func (a Address) NeedsSMTPUTF8() bool {
	for i := 0; i < len(a.Local); i++ {
		if a.Local[i] >= 0x80 {
			return true
		}
	}
	return false
}

// MarshalText returns String.
func (a Address) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses text with Parse.
func (a *Address) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

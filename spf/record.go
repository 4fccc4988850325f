package spf

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Mechanism is the kind of a directive's mechanism (RFC 7208 §5).
type Mechanism uint8

// The mechanisms of RFC 7208 §5.
const (
	MechAll     Mechanism = iota + 1 // all (§5.1)
	MechInclude                      // include:domain (§5.2)
	MechA                            // a[:domain][/cidr4][//cidr6] (§5.3)
	MechMX                           // mx[:domain][/cidr4][//cidr6] (§5.4)
	MechPTR                          // ptr[:domain] (§5.5)
	MechIP4                          // ip4:network[/len] (§5.6)
	MechIP6                          // ip6:network[/len] (§5.6)
	MechExists                       // exists:domain (§5.7)
)

var mechNames = [...]string{"", "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"}

func (m Mechanism) String() string {
	if int(m) < len(mechNames) && m != 0 {
		return mechNames[m]
	}
	return "mechanism(" + strconv.Itoa(int(m)) + ")"
}

// countsLookup reports whether the mechanism queries DNS and so counts
// against the limit of 10 (RFC 7208 §4.6.4).
func (m Mechanism) countsLookup() bool {
	switch m {
	case MechInclude, MechA, MechMX, MechPTR, MechExists:
		return true
	}
	return false
}

// Directive is one qualified mechanism of a record.
type Directive struct {
	// Qualifier is '+', '-', '~' or '?' (RFC 7208 §4.6.2); '+' when the
	// record has none.
	Qualifier byte
	Mechanism Mechanism
	// Domain is the domain-spec as written, macros unexpanded; "" when the
	// mechanism has none (a, mx and ptr then use the current domain).
	Domain string
	// Net is the network of ip4 and ip6.
	Net netip.Prefix
	// V4Len and V6Len are the dual CIDR lengths of a and mx, -1 when absent
	// (RFC 7208 §5.6: /32 and /128 then).
	V4Len, V6Len int
	// Text is the directive as written in the record.
	Text string
}

func (d *Directive) String() string { return d.Text }

// status is the result a match of d gives (RFC 7208 §4.6.2).
func (d *Directive) status() Status {
	switch d.Qualifier {
	case '-':
		return Fail
	case '~':
		return Softfail
	case '?':
		return Neutral
	}
	return Pass
}

// Modifier is a modifier other than redirect and exp (RFC 7208 §6); such
// modifiers are kept but have no effect on the result.
type Modifier struct {
	Name, Value string
}

// Record is a parsed SPF record.
type Record struct {
	Directives []Directive
	// Redirect and Exp are the domain-specs of the redirect= and exp=
	// modifiers (RFC 7208 §6.1, §6.2), "" when absent.
	Redirect, Exp string
	// Modifiers are the unknown modifiers, in order.
	Modifiers []Modifier
	hasAll    bool
}

// String returns the record in its normal form: "v=spf1" and the terms
// separated by single spaces.
func (r *Record) String() string {
	var b strings.Builder
	b.WriteString("v=spf1")
	for i := range r.Directives {
		b.WriteByte(' ')
		b.WriteString(r.Directives[i].Text)
	}
	if r.Redirect != "" {
		b.WriteString(" redirect=" + r.Redirect)
	}
	if r.Exp != "" {
		b.WriteString(" exp=" + r.Exp)
	}
	for _, m := range r.Modifiers {
		b.WriteString(" " + m.Name + "=" + m.Value)
	}
	return b.String()
}

// ErrNotSPF is the error (inside a *SyntaxError at position 0) for text
// that does not start with the version "v=spf1" (RFC 7208 §4.5).
var ErrNotSPF = errors.New("not an SPF record: no v=spf1 version")

// SyntaxError is a record that does not follow the grammar of RFC 7208
// §12. Evaluating such a record gives permerror (§4.6).
type SyntaxError struct {
	Record string // the record text
	Pos    int    // byte offset in Record where the faulty term starts
	Term   string // the faulty term, "" for an error about the whole record
	Msg    string
	Err    error // an underlying error, such as ErrNotSPF; may be nil
}

func (e *SyntaxError) Error() string {
	if e.Term != "" {
		return fmt.Sprintf("spf: syntax error at %d in %q: %s", e.Pos, e.Term, e.Msg)
	}
	return fmt.Sprintf("spf: syntax error at %d: %s", e.Pos, e.Msg)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// isSPF reports whether txt is an SPF version 1 record: "v=spf1" followed
// by a space or the end, in any case (RFC 7208 §4.5).
func isSPF(txt string) bool {
	return len(txt) >= 6 && strings.EqualFold(txt[:6], "v=spf1") && (len(txt) == 6 || txt[6] == ' ')
}

// Parse parses an SPF record (RFC 7208 §4.5, §12). The whole record is
// checked, so an error is found wherever it is (§4.6). Errors are
// *SyntaxError values.
func Parse(record string) (*Record, error) {
	r := &Record{}
	if err := parse(record, r); err != nil {
		return nil, err
	}
	return r, nil
}

func parse(record string, r *Record) error {
	if !isSPF(record) {
		return &SyntaxError{Record: record, Msg: ErrNotSPF.Error(), Err: ErrNotSPF}
	}
	// Count the terms first so the directives take one allocation.
	n := 0
	for i := 6; i < len(record); i++ {
		if record[i] != ' ' && record[i-1] == ' ' {
			n++
		}
	}
	r.Directives = make([]Directive, 0, n)
	var haveRedirect, haveExp bool
	for i := 6; i < len(record); {
		// terms = *( 1*SP ( directive / modifier ) ), record = version terms *SP
		for i < len(record) && record[i] == ' ' {
			i++
		}
		if i == len(record) {
			break
		}
		start := i
		for i < len(record) && record[i] != ' ' {
			i++
		}
		term := record[start:i]
		fail := func(msg string) error {
			return &SyntaxError{Record: record, Pos: start, Term: term, Msg: msg}
		}
		if name, value, ok := modifierParts(term); ok {
			switch strings.ToLower(name) {
			case "redirect": // §6: at most once
				if haveRedirect {
					return fail("redirect= appears twice")
				}
				haveRedirect = true
				if msg := checkDomainSpec(value); msg != "" {
					return fail(msg)
				}
				r.Redirect = value
			case "exp":
				if haveExp {
					return fail("exp= appears twice")
				}
				haveExp = true
				if msg := checkDomainSpec(value); msg != "" {
					return fail(msg)
				}
				r.Exp = value
			default: // unknown-modifier = name "=" macro-string (§6)
				if _, msg := checkMacroString(value, true, false); msg != "" {
					return fail(msg)
				}
				r.Modifiers = append(r.Modifiers, Modifier{Name: name, Value: value})
			}
			continue
		}
		d, msg := parseDirective(term)
		if msg != "" {
			return fail(msg)
		}
		if d.Mechanism == MechAll {
			r.hasAll = true
		}
		r.Directives = append(r.Directives, d)
	}
	return nil
}

// modifierParts splits a modifier term: name = ALPHA *( ALPHA / DIGIT / "-"
// / "_" / "." ), then "=" (RFC 7208 §12).
func modifierParts(term string) (name, value string, ok bool) {
	if term == "" || !isAlpha(term[0]) {
		return "", "", false
	}
	for i := 1; i < len(term); i++ {
		c := term[i]
		switch {
		case c == '=':
			return term[:i], term[i+1:], true
		case isAlpha(c) || isDigit(c) || c == '-' || c == '_' || c == '.':
		default:
			return "", "", false
		}
	}
	return "", "", false
}

func parseDirective(term string) (Directive, string) {
	d := Directive{Qualifier: '+', V4Len: -1, V6Len: -1, Text: term}
	s := term
	if s != "" {
		switch s[0] {
		case '+', '-', '~', '?':
			d.Qualifier = s[0]
			s = s[1:]
		}
	}
	n := 0
	for n < len(s) && (isAlpha(s[n]) || isDigit(s[n])) {
		n++
	}
	name, rest := s[:n], s[n:]
	if rest != "" && rest[0] != ':' && rest[0] != '/' {
		return d, "invalid character in mechanism name"
	}
	switch {
	case strings.EqualFold(name, "all"):
		d.Mechanism = MechAll
		if rest != "" {
			return d, "all takes no argument"
		}
	case strings.EqualFold(name, "include"), strings.EqualFold(name, "exists"):
		d.Mechanism = MechInclude
		if len(name) == 6 {
			d.Mechanism = MechExists
		}
		if rest == "" || rest[0] != ':' {
			return d, name + " needs :domain"
		}
		d.Domain = rest[1:]
		if msg := checkDomainSpec(d.Domain); msg != "" {
			return d, msg
		}
	case strings.EqualFold(name, "a"), strings.EqualFold(name, "mx"):
		d.Mechanism = MechA
		if len(name) == 2 {
			d.Mechanism = MechMX
		}
		head, v4, v6, msg := splitDualCIDR(rest)
		if msg != "" {
			return d, msg
		}
		d.V4Len, d.V6Len = v4, v6
		if head != "" {
			if head[0] != ':' {
				return d, "unexpected text after " + name
			}
			d.Domain = head[1:]
			if msg := checkDomainSpec(d.Domain); msg != "" {
				return d, msg
			}
		}
	case strings.EqualFold(name, "ptr"):
		d.Mechanism = MechPTR
		if rest != "" {
			if rest[0] != ':' {
				return d, "ptr takes no CIDR length"
			}
			d.Domain = rest[1:]
			if msg := checkDomainSpec(d.Domain); msg != "" {
				return d, msg
			}
		}
	case strings.EqualFold(name, "ip4"), strings.EqualFold(name, "ip6"):
		d.Mechanism = MechIP4
		bits := 32
		if name[2] == '6' {
			d.Mechanism, bits = MechIP6, 128
		}
		if rest == "" || rest[0] != ':' {
			return d, name + " needs :network"
		}
		addrText, lenText, hasLen := strings.Cut(rest[1:], "/")
		addr, err := netip.ParseAddr(addrText)
		if err != nil || addr.Zone() != "" || addr.Is4() != (bits == 32) {
			return d, "invalid " + name + " network"
		}
		if hasLen {
			l, ok := cidrLen(lenText, bits)
			if !ok {
				return d, "invalid " + name + " prefix length"
			}
			bits = l
		}
		d.Net = netip.PrefixFrom(addr, bits)
	default:
		return d, "unknown mechanism"
	}
	return d, ""
}

// splitDualCIDR takes the dual-cidr-length off the end of s (RFC 7208
// §5.6): [ "/" ip4-len ] [ "//" ip6-len ].
func splitDualCIDR(s string) (head string, v4, v6 int, msg string) {
	v4, v6 = -1, -1
	digits := func(s string) (int, int) { // start of the trailing digits, and the slashes before them
		j := len(s)
		for j > 0 && isDigit(s[j-1]) {
			j--
		}
		if j == len(s) || j == 0 || s[j-1] != '/' {
			return -1, 0
		}
		if j >= 2 && s[j-2] == '/' {
			return j, 2
		}
		return j, 1
	}
	j, slashes := digits(s)
	if slashes == 2 {
		l, ok := cidrLen(s[j:], 128)
		if !ok {
			return "", 0, 0, "invalid IPv6 CIDR length"
		}
		v6, s = l, s[:j-2]
		j, slashes = digits(s)
	}
	if slashes == 1 {
		l, ok := cidrLen(s[j:], 32)
		if !ok {
			return "", 0, 0, "invalid IPv4 CIDR length"
		}
		v4, s = l, s[:j-1]
	}
	return s, v4, v6, ""
}

// cidrLen parses a prefix length: "0" or digits without a leading zero, at
// most max (RFC 7208 §5.6, §12).
func cidrLen(s string, max int) (int, bool) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= max
}

// checkDomainSpec checks domain-spec = macro-string domain-end, where
// domain-end = ( "." toplabel [ "." ] ) / macro-expand (RFC 7208 §7.1).
// It returns "" when s is valid.
func checkDomainSpec(s string) string {
	if s == "" {
		return "empty domain-spec"
	}
	if _, msg := checkMacroString(s, false, false); msg != "" {
		return msg
	}
	// A trailing dot after a macro is accepted too ("%{d}."), as a
	// fully-qualified form of the same name.
	t := strings.TrimSuffix(s, ".")
	if endsMacro, _ := checkMacroString(t, false, false); endsMacro {
		return ""
	}
	dot := strings.LastIndexByte(t, '.')
	if dot < 0 {
		return "domain-spec must end in a macro or .toplabel"
	}
	if !isTopLabel(t[dot+1:]) {
		return "invalid top label"
	}
	return ""
}

// isTopLabel: toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-"
// *( alphanum / "-" ) alphanum ) (RFC 7208 §7.1).
func isTopLabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	alpha, dash := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlpha(c):
			alpha = true
		case c == '-':
			dash = true
		case !isDigit(c):
			return false
		}
	}
	return alpha || dash
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

package dmarc

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Policy is a Domain Owner Assessment Policy: the value of p, sp and np
// (RFC 9989 §4.7, RFC 7489 §6.3).
type Policy string

const (
	PolicyNone       Policy = "none"
	PolicyQuarantine Policy = "quarantine"
	PolicyReject     Policy = "reject"
)

// weaker returns the policy one level below p (RFC 9989 §4.7 t=y;
// RFC 7489 §6.6.4 pct sampling).
func (p Policy) weaker() Policy {
	switch p {
	case PolicyReject:
		return PolicyQuarantine
	default:
		return PolicyNone
	}
}

// Alignment is an identifier alignment mode: the value of adkim and aspf.
type Alignment string

const (
	Relaxed Alignment = "r" // same Organizational Domain
	Strict  Alignment = "s" // identical domains
)

// PSD is the value of the psd tag (RFC 9989 §4.7).
type PSD string

const (
	PSDUnknown PSD = "u" // the default: use the tree walk
	PSDYes     PSD = "y" // the domain is a Public Suffix Domain
	PSDNo      PSD = "n" // the domain is an Organizational Domain
)

// URI is one reporting URI of a rua or ruf tag.
type URI struct {
	Address string // the URI as published, without a size limit
	MaxSize uint64 // the obsolete "!size" suffix in bytes, 0 if absent (RFC 7489 §6.2)
}

// Mailbox returns the address of a mailto: URI, or "" for other schemes or
// a malformed mailto.
func (u URI) Mailbox() string {
	const scheme = "mailto:"
	if len(u.Address) < len(scheme) || !strings.EqualFold(u.Address[:len(scheme)], scheme) {
		return ""
	}
	addr := u.Address[len(scheme):]
	if i := strings.IndexByte(addr, '?'); i >= 0 {
		addr = addr[:i]
	}
	if strings.IndexByte(addr, '%') >= 0 {
		var err error
		if addr, err = url.PathUnescape(addr); err != nil {
			return ""
		}
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || strings.IndexByte(addr[:at], '@') >= 0 {
		return ""
	}
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case c <= ' ' || c >= 0x7f, c == ',', c == '<', c == '>':
			return ""
		}
	}
	return addr
}

// Record is a parsed DMARC Policy Record. Absent tags have their defaults;
// tags with invalid values are replaced by their defaults and noted in
// Warnings (RFC 9989 §4.8: syntax errors are discarded in favour of
// defaults).
type Record struct {
	Policy            Policy    // p; none when absent (RFC 9989 §4.7)
	SubdomainPolicy   Policy    // sp; "" when absent (p applies)
	NonexistentPolicy Policy    // np; "" when absent (sp, then p applies)
	DKIMAlignment     Alignment // adkim, default r
	SPFAlignment      Alignment // aspf, default r
	Percent           int       // pct (RFC 7489 only), default 100
	Testing           bool      // t=y (RFC 9989 only)
	PSD               PSD       // psd (RFC 9989 only), default u
	AggregateReports  []URI     // rua
	FailureReports    []URI     // ruf
	FailureOptions    string    // fo, default "0"
	ReportInterval    int       // ri in seconds (RFC 7489 only), default 86400

	// Warnings lists what was wrong with the record but could be ignored:
	// unknown tags, invalid values replaced by defaults, obsolete syntax.
	Warnings []string
}

// Errors returned by [Parse], wrapped in a *[RecordError].
var (
	// ErrNotDMARC: the text does not start with v=DMARC1, so it is not a
	// DMARC record at all and is discarded during discovery.
	ErrNotDMARC = errors.New("not a DMARC record")
	// ErrInvalidPolicy: p, sp or np has an invalid value and there is no
	// valid rua URI, so the record must not be used (RFC 9989 §4.10.1).
	ErrInvalidPolicy = errors.New("invalid policy and no valid rua")
)

// RecordError is the error returned by [Parse].
type RecordError struct {
	Record string // the text parsed, possibly truncated
	Detail string // what is wrong
	Err    error  // ErrNotDMARC or ErrInvalidPolicy
}

func (e *RecordError) Error() string {
	s := "dmarc: " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s + fmt.Sprintf(" in %q", e.Record)
}

func (e *RecordError) Unwrap() error { return e.Err }

func recordError(txt, detail string, err error) *RecordError {
	if len(txt) > 200 {
		txt = txt[:200] + "..."
	}
	return &RecordError{Record: txt, Detail: detail, Err: err}
}

// IsRecord reports whether txt starts with the version tag v=DMARC1, i.e.
// whether it takes part in discovery (RFC 9989 §4.10 step 2).
func IsRecord(txt string) bool {
	name, value, _, ok := nextTag(txt)
	return ok && name == "v" && value == "DMARC1"
}

// Parse parses a DMARC Policy Record (the TXT record's strings joined).
//
// The version tag must come first and be exactly "DMARC1" (RFC 9989 §4.7),
// otherwise the error wraps [ErrNotDMARC]. Unknown tags are ignored (§4.7),
// and invalid values fall back to defaults with a warning (§4.8). An invalid
// p, sp or np makes the record a p=none record when it has a valid rua URI,
// and an error wrapping [ErrInvalidPolicy] otherwise (§4.10.1).
func Parse(txt string) (*Record, error) {
	name, value, rest, ok := nextTag(txt)
	if !ok || name != "v" {
		return nil, recordError(txt, "v=DMARC1 must be the first tag", ErrNotDMARC)
	}
	if value != "DMARC1" { // case-sensitive (RFC 9989 §4.8)
		return nil, recordError(txt, fmt.Sprintf("version %q", value), ErrNotDMARC)
	}
	r := &Record{
		Policy:         "",
		DKIMAlignment:  Relaxed,
		SPFAlignment:   Relaxed,
		Percent:        100,
		PSD:            PSDUnknown,
		FailureOptions: "0",
		ReportInterval: 86400,
	}
	var badPolicy []string
	seen := map[string]bool{}
	first := true
	for rest != "" {
		name, value, rest, ok = nextTag(rest)
		if !ok {
			if strings.TrimSpace(name) != "" {
				r.warn("ignored malformed tag %q", name)
			}
			continue
		}
		if seen[name] {
			r.warn("duplicate tag %q ignored", name)
			continue
		}
		seen[name] = true
		if first && name != "p" {
			// RFC 7489 §6.4's grammar puts p right after v; RFC 9989 does not.
			r.warn("p is not the tag after v (RFC 7489 §6.4)")
		}
		first = false
		switch name {
		case "p", "sp", "np":
			pol, ok := parsePolicy(value)
			if !ok {
				badPolicy = append(badPolicy, fmt.Sprintf("%s=%s", name, value))
				continue
			}
			switch name {
			case "p":
				r.Policy = pol
			case "sp":
				r.SubdomainPolicy = pol
			case "np":
				r.NonexistentPolicy = pol
			}
		case "adkim", "aspf":
			a := Alignment(strings.ToLower(value))
			if a != Relaxed && a != Strict {
				r.warn("invalid %s=%s, using r", name, value)
				continue
			}
			if name == "adkim" {
				r.DKIMAlignment = a
			} else {
				r.SPFAlignment = a
			}
		case "pct":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || n > 100 {
				r.warn("invalid pct=%s, using 100", value)
				continue
			}
			r.Percent = n
		case "t":
			switch strings.ToLower(value) {
			case "y":
				r.Testing = true
			case "n":
			default:
				r.warn("invalid t=%s, using n", value)
			}
		case "psd":
			p := PSD(strings.ToLower(value))
			if p != PSDYes && p != PSDNo && p != PSDUnknown {
				r.warn("invalid psd=%s, using u", value)
				continue
			}
			r.PSD = p
		case "rua", "ruf":
			uris := r.parseURIs(name, value)
			if name == "rua" {
				r.AggregateReports = uris
			} else {
				r.FailureReports = uris
			}
		case "fo":
			if !validFO(value) {
				r.warn("invalid fo=%s, using 0", value)
				continue
			}
			r.FailureOptions = value
		case "ri":
			n, err := strconv.ParseUint(value, 10, 31)
			if err != nil {
				r.warn("invalid ri=%s, using 86400", value)
				continue
			}
			r.ReportInterval = int(n)
		case "rf":
			// Report format, RFC 7489 §6.3; only "afrf" was ever defined.
		case "v":
			r.warn("v tag repeated")
		default:
			r.warn("unknown tag %q ignored", name) // RFC 9989 §4.7
		}
	}
	if len(badPolicy) > 0 {
		if len(r.AggregateReports) == 0 {
			return nil, recordError(txt, strings.Join(badPolicy, ", "), ErrInvalidPolicy)
		}
		// RFC 9989 §4.10.1: act as if the record said p=none.
		r.warn("invalid %s: treated as p=none because rua is valid", strings.Join(badPolicy, ", "))
		r.Policy, r.SubdomainPolicy, r.NonexistentPolicy = PolicyNone, "", ""
	}
	if r.Policy == "" {
		r.warn("p tag missing, treated as p=none")
		r.Policy = PolicyNone
	}
	return r, nil
}

func (r *Record) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// parseURIs parses a dmarc-urilist; invalid URIs are dropped with a warning.
func (r *Record) parseURIs(tag, value string) []URI {
	var out []URI
	for part := range strings.SplitSeq(value, ",") {
		part = strings.Trim(part, " \t")
		if part == "" {
			r.warn("empty URI in %s", tag)
			continue
		}
		u := URI{Address: part}
		if i := strings.LastIndexByte(part, '!'); i >= 0 {
			size, ok := parseSize(part[i+1:])
			if !ok {
				r.warn("invalid size limit in %s URI %q", tag, part)
				continue
			}
			u.Address, u.MaxSize = part[:i], size
			r.warn("%s URI %q uses the obsolete !size suffix", tag, part)
		}
		if !uriChars(u.Address) {
			// "mailto:a@example.com !10m" would keep the space, which the
			// tag-list's value trimming loses when the record is written
			// out: a URI has none (RFC 3986 §2).
			r.warn("invalid character in %s URI %q ignored", tag, part)
			continue
		}
		if len(u.Address) >= 7 && strings.EqualFold(u.Address[:7], "mailto:") {
			if u.Mailbox() == "" {
				r.warn("invalid mailto address in %s URI %q ignored", tag, part)
				continue
			}
		} else if p, err := url.Parse(u.Address); err != nil || p.Scheme == "" {
			r.warn("invalid %s URI %q ignored", tag, part)
			continue
		}
		out = append(out, u)
	}
	return out
}

// uriChars reports whether s has only the characters a URI may hold (RFC
// 3986 §2: unreserved, reserved and "%"); whitespace, controls, quotes,
// angle brackets and the like are not among them.
func uriChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

// parseSize parses 1*DIGIT [k/m/g/t] (RFC 7489 §6.4).
func parseSize(s string) (uint64, bool) {
	mult := uint64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		case 't', 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			s = s[:len(s)-1]
		}
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > (1<<64-1)/mult {
		return 0, false
	}
	return n * mult, true
}

func parsePolicy(v string) (Policy, bool) {
	switch p := Policy(strings.ToLower(v)); p {
	case PolicyNone, PolicyQuarantine, PolicyReject:
		return p, true
	}
	return "", false
}

// validFO checks dmarc-fo: colon-separated 0, 1, d, s, each at most once,
// 0 and 1 exclusive (RFC 9989 §4.8).
func validFO(v string) bool {
	seen := map[string]bool{}
	for o := range strings.SplitSeq(v, ":") {
		o = strings.ToLower(strings.Trim(o, " \t"))
		switch o {
		case "0", "1", "d", "s":
		default:
			return false
		}
		if seen[o] {
			return false
		}
		seen[o] = true
	}
	return !(seen["0"] && seen["1"])
}

// nextTag splits the first tag off a tag-list (RFC 6376 §3.2 as used by
// RFC 9989 §4.8: dmarc-sep = *WSP ";" *WSP, equals = *WSP "=" *WSP). Tag
// names are returned in lower case and must be 1*ALPHA. When ok is false,
// name holds the malformed text.
func nextTag(s string) (name, value, rest string, ok bool) {
	part := s
	if i := strings.IndexByte(s, ';'); i >= 0 {
		part, rest = s[:i], s[i+1:]
	}
	eq := strings.IndexByte(part, '=')
	if eq < 0 {
		return part, "", rest, false
	}
	name = strings.Trim(part[:eq], " \t\r\n")
	value = strings.Trim(part[eq+1:], " \t\r\n")
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') }) {
		return part, "", rest, false
	}
	if strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		return part, "", rest, false
	}
	return strings.ToLower(name), value, rest, true
}

// String formats the record as TXT record text, tags in the conventional
// order and only those that differ from the defaults.
func (r *Record) String() string {
	var b strings.Builder
	b.WriteString("v=DMARC1; p=")
	b.WriteString(string(r.Policy))
	add := func(tag, v string) { b.WriteString("; " + tag + "=" + v) }
	if r.SubdomainPolicy != "" {
		add("sp", string(r.SubdomainPolicy))
	}
	if r.NonexistentPolicy != "" {
		add("np", string(r.NonexistentPolicy))
	}
	if r.DKIMAlignment == Strict {
		add("adkim", "s")
	}
	if r.SPFAlignment == Strict {
		add("aspf", "s")
	}
	if r.Percent != 100 {
		add("pct", strconv.Itoa(r.Percent))
	}
	if r.Testing {
		add("t", "y")
	}
	if r.PSD == PSDYes || r.PSD == PSDNo {
		add("psd", string(r.PSD))
	}
	uris := func(us []URI) string {
		s := make([]string, len(us))
		for i, u := range us {
			s[i] = u.Address
			if strings.IndexByte(u.Address, '!') >= 0 {
				// Parse takes what follows the last "!" for a size
				// limit: write one so that the URI's own "!" stays.
				s[i] += "!" + strconv.FormatUint(u.MaxSize, 10)
			}
		}
		return strings.Join(s, ",")
	}
	if len(r.AggregateReports) > 0 {
		add("rua", uris(r.AggregateReports))
	}
	if len(r.FailureReports) > 0 {
		add("ruf", uris(r.FailureReports))
	}
	if r.FailureOptions != "" && r.FailureOptions != "0" {
		add("fo", r.FailureOptions)
	}
	if r.ReportInterval != 86400 {
		add("ri", strconv.Itoa(r.ReportInterval))
	}
	return b.String()
}

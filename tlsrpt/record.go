package tlsrpt

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/resolver"
)

// Record is a domain's TLS reporting policy: the TXT record at
// _smtp._tls.<domain> (RFC 8460 §3).
type Record struct {
	// RUA are the URIs reports go to, in the order published. Every one
	// is a valid URI; only mailto: and https: are used for delivery
	// (RFC 8460 §3), others are kept but skipped.
	RUA []*url.URL
}

// Record errors.
var (
	// ErrNoRecord: the domain does not ask for TLS reports: no TXT record
	// at _smtp._tls.<domain> begins with v=TLSRPTv1, or more than one does,
	// or the one that does is invalid (RFC 8460 §3: the sender then
	// assumes the domain does not implement TLSRPT).
	ErrNoRecord = errors.New("tlsrpt: no TLSRPT record")
	// ErrRecordSyntax: a TLSRPT record does not follow the grammar of RFC
	// 8460 §3. Errors from LookupRecord that wrap it wrap ErrNoRecord too.
	ErrRecordSyntax = errors.New("tlsrpt: TLSRPT record syntax error")
)

const version = "v=TLSRPTv1"

// IsRecord reports whether a TXT record is a TLSRPT record: it begins
// with v=TLSRPTv1 followed by the field delimiter (RFC 8460 §3), white
// space allowed before it.
func IsRecord(txt string) bool {
	rest, ok := strings.CutPrefix(txt, version)
	rest = strings.TrimLeft(rest, " \t")
	return ok && rest != "" && rest[0] == ';'
}

// ParseRecord parses a TLSRPT record strictly by the grammar of RFC 8460
// §3, where names and the version are case-sensitive:
//
//	tlsrpt-record = "v=TLSRPTv1" 1*(field-delim tlsrpt-field) [field-delim]
//	field-delim   = *WSP ";" *WSP
//	tlsrpt-field  = "rua=" uri *(*WSP "," *WSP uri) / ext-name "=" ext-value
//
// At least one rua field is required; the URIs of several are joined.
// Extension fields are checked and ignored. In a URI, commas and
// exclamation points must be percent-encoded. Errors wrap ErrRecordSyntax.
func ParseRecord(txt string) (*Record, error) {
	bad := func(format string, args ...any) (*Record, error) {
		return nil, fmt.Errorf("%w: %q: %s", ErrRecordSyntax, txt, fmt.Sprintf(format, args...))
	}
	rest, ok := strings.CutPrefix(txt, version)
	if !ok {
		return bad("does not begin with %s", version)
	}
	fields := strings.Split(rest, ";")
	if strings.Trim(fields[0], " \t") != "" {
		return bad("%s not followed by ;", version)
	}
	fields = fields[1:]
	if len(fields) > 1 && strings.Trim(fields[len(fields)-1], " \t") == "" {
		fields = fields[:len(fields)-1] // the optional final delimiter
	}
	rec := &Record{}
	for _, f := range fields {
		f = strings.Trim(f, " \t")
		name, value, ok := strings.Cut(f, "=")
		switch {
		case f == "":
			return bad("empty field")
		case !ok || !validExtName(name):
			return bad("invalid field %q", f)
		case name == "rua":
			if strings.TrimLeft(value, " \t") != value {
				return bad("white space after rua=")
			}
			for u := range strings.SplitSeq(value, ",") {
				uri, err := parseURI(strings.Trim(u, " \t"))
				if err != nil {
					return bad("rua: %v", err)
				}
				rec.RUA = append(rec.RUA, uri)
			}
		case value == "":
			return bad("empty value in %q", f)
		default:
			for i := 0; i < len(value); i++ {
				// tlsrpt-ext-value: %x21-3A / %x3C / %x3E-7E
				if c := value[i]; c < 0x21 || c > 0x7e || c == ';' || c == '=' {
					return bad("invalid value in %q", f)
				}
			}
		}
	}
	if len(rec.RUA) == 0 {
		return bad("no rua field")
	}
	return rec, nil
}

// validExtName checks tlsrpt-ext-name: (ALPHA / DIGIT) *31(ALPHA / DIGIT /
// "_" / "-" / "."). "rua" is one too.
func validExtName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '-' && c != '.') {
			return false
		}
	}
	return true
}

// parseURI checks one tlsrpt-uri: a URI of RFC 3986 §3 with a scheme, of
// the characters a URI may hold (§2), percent-encodings well formed, and
// no comma or exclamation point (RFC 8460 §3).
func parseURI(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("empty URI")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return nil, fmt.Errorf("bad percent-encoding in %q", s)
			}
		case c == ',' || c == '!':
			return nil, fmt.Errorf("unencoded %q in %q", c, s)
		case !uriChar(c):
			return nil, fmt.Errorf("character %q not allowed in a URI", c)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "" || !validScheme(u.Scheme) {
		return nil, fmt.Errorf("%q has no scheme", s)
	}
	return u, nil
}

// uriChar reports whether c is an unreserved, reserved or "%" character
// of RFC 3986 §2.
func uriChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// validScheme checks scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
// (RFC 3986 §3.1).
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alpha && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// LookupRecord finds the TLSRPT record of domain, a policy domain, at
// _smtp._tls.<domain> (RFC 8460 §3): TXT records that do not begin with
// v=TLSRPTv1 are skipped, and a record split into several strings is read
// joined. When the domain does not take reports the error wraps
// ErrNoRecord; a DNS failure that may pass is the resolver's error (see
// resolver.IsTemporary).
func LookupRecord(ctx context.Context, r resolver.Resolver, domain string) (*Record, error) {
	d, err := address.ParseDomain(domain)
	if err != nil || d.Literal().IsValid() {
		return nil, fmt.Errorf("%w: %q is no domain name", ErrNoRecord, domain)
	}
	name := "_smtp._tls." + d.ASCII()
	txts, _, err := r.LookupTXT(ctx, name)
	switch {
	case resolver.IsNotFound(err), errors.Is(err, resolver.ErrInvalidName):
		return nil, fmt.Errorf("%w at %s", ErrNoRecord, name)
	case err != nil:
		return nil, fmt.Errorf("tlsrpt: %w", err)
	}
	var recs []string
	for _, t := range txts {
		if IsRecord(t) {
			recs = append(recs, t)
		}
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("%w: %d v=TLSRPTv1 records at %s", ErrNoRecord, len(recs), name)
	}
	rec, err := ParseRecord(recs[0])
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %w", ErrNoRecord, name, err)
	}
	return rec, nil
}

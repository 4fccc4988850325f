package mx

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// toASCII returns domain as a lower-case A-label name without the trailing
// dot (IDNA2008 with the UTS #46 lookup mapping, RFC 5890/5891), or an error
// wrapping ErrInvalidDomain.
func toASCII(domain string) (string, error) {
	name := strings.TrimSuffix(domain, ".")
	if name == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidDomain)
	}
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: %q: not UTF-8", ErrInvalidDomain, domain)
	}
	if needsIDNA(name) {
		a, err := idna.Lookup.ToASCII(name)
		if err != nil {
			return "", fmt.Errorf("%w: %q: %w", ErrInvalidDomain, domain, err)
		}
		name = a
	}
	name = strings.ToLower(name)
	if why := checkHostname(name); why != "" {
		return "", fmt.Errorf("%w: %q: %s", ErrInvalidDomain, domain, why)
	}
	return name, nil
}

// needsIDNA reports whether name has non-ASCII characters or A-labels that
// must be checked by the IDNA code.
func needsIDNA(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return true
		}
	}
	lower := strings.ToLower(name) // allocates only with upper case
	return strings.HasPrefix(lower, "xn--") || strings.Contains(lower, ".xn--")
}

// checkHostname checks the RFC 5321 §4.1.2 Domain syntax of a lower-case
// ASCII name: dot-separated labels of letters, digits and inner hyphens,
// at most 63 octets each and 253 in all. It returns why not, or "".
func checkHostname(name string) string {
	if len(name) > 253 {
		return "longer than 253 octets"
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" {
			return "empty label"
		}
		if len(label) > 63 {
			return "label longer than 63 octets"
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "label starts or ends with a hyphen"
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("invalid character %q", c)
			}
		}
	}
	return ""
}

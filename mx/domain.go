package mx

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/mxkit/mxkit/address"
)

// normalizeDomain returns domain as a lower-case A-label name without the
// trailing dot, or, for an address literal, its canonical text and address,
// by the rules of the address package; errors wrap ErrInvalidDomain.
func normalizeDomain(domain string) (string, netip.Addr, error) {
	d, err := address.ParseDomain(domain)
	if err != nil {
		return "", netip.Addr{}, fmt.Errorf("%w: %w", ErrInvalidDomain, err)
	}
	return d.ASCII(), d.Literal(), nil
}

// checkHostname checks a host name as it comes from DNS or an MTA-STS
// policy: ASCII (A-labels), without a trailing dot, and valid by the rules
// of the address package. It returns why not, or "".
func checkHostname(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return "not in A-labels"
		}
	}
	d, err := address.ParseDomain(name)
	if err != nil {
		var ae *address.Error
		if errors.As(err, &ae) {
			return ae.Reason
		}
		return err.Error()
	}
	if d.Literal().IsValid() || d.ASCII() != name {
		return "not a host name in canonical form"
	}
	return ""
}

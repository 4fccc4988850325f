// Package mx finds where mail for a domain goes (RFC 5321 §5.1) and with
// what TLS policy (MTA-STS, RFC 8461; DANE, RFC 7672).
//
// (API skeleton: implementation in progress.)
package mx

import (
	"net/netip"
	"time"

	"github.com/mxkit/mxkit/resolver"
)

// Route is where mail for one domain goes, in the order to try.
type Route struct {
	Domain   string // the domain asked for, as an ASCII (A-label) name
	Hosts    []Host // in order of preference, equal preferences shuffled
	Implicit bool   // no MX: the domain itself is the host (RFC 5321 §5.1)
	Literal  bool   // an address literal ([192.0.2.1]): one host, no DNS
	Policy   Policy // the TLS policy for delivery to these hosts
}

// Host is one mail exchanger with its addresses.
type Host struct {
	Name  string       // ASCII host name without trailing dot ("" for a literal)
	Pref  int          // MX preference (0 for implicit MX and literals)
	Addrs []netip.Addr // addresses in the order to try (family preference applied)
	// TLSA are the host's DNSSEC-authenticated TLSA records for port 25;
	// empty when DANE does not apply to this host.
	TLSA []resolver.TLSA
}

// PolicyKind says which TLS policy applies.
type PolicyKind int

const (
	PolicyNone          PolicyKind = iota // no policy: opportunistic STARTTLS
	PolicyMTASTSTesting                   // MTA-STS mode testing: report, do not enforce
	PolicyMTASTSEnforce                   // MTA-STS mode enforce: verified TLS to a matching MX
	PolicyDANE                            // DANE: TLSA records authenticate the hosts
)

// Policy is the TLS policy for a destination and why it applies.
type Policy struct {
	Kind   PolicyKind
	Reason string // human-readable: why this policy (or none) applies
	// MTASTS is the MTA-STS policy when one was found (also in testing mode).
	MTASTS *STSPolicy
}

// STSPolicy is a parsed MTA-STS policy (RFC 8461 §3.2).
type STSPolicy struct {
	Version string        // "STSv1"
	Mode    string        // "enforce", "testing" or "none"
	MX      []string      // patterns, possibly "*.example.net"
	MaxAge  time.Duration // max_age
	ID      string        // the id from the _mta-sts TXT record
}

// Package resolver is the DNS layer every other mxkit package stands on.
//
// The [Resolver] interface is what the other packages accept; [Client] is its
// implementation on github.com/miekg/dns: a stub resolver that talks to
// recursive servers (from /etc/resolv.conf or configured), asks with EDNS0 and
// the DO bit, falls back to TCP when an answer is truncated (RFC 7766), retries
// over servers, follows CNAME chains with a bound, and keeps a size-bounded
// cache that honours TTLs and caches negative answers (RFC 2308).
//
// Failures are typed so callers can tell them apart with [errors.Is]:
// [ErrNXDomain] (the name does not exist), [ErrNoData] (it exists but has no
// record of the asked type), [ErrServFail] (the server could not answer) and
// [ErrTimeout] (no server answered in time). SPF's void-lookup rule (RFC 7208
// §4.6.4) and its temperror/permerror split need exactly these distinctions.
//
// The package resolvertest runs a real authoritative DNS server on loopback
// for tests and examples.
package resolver

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/miekg/dns"
)

// Resolver is the DNS interface mxkit's packages accept. Names may be given
// with or without the trailing dot; they are looked up as absolute names.
//
// Slices returned may be shared with a cache: callers must not modify them.
type Resolver interface {
	// LookupTXT returns the TXT records of name, each record's
	// character-strings joined without separators (RFC 7208 §3.3).
	LookupTXT(ctx context.Context, name string) ([]string, Result, error)
	// LookupMX returns the MX records of name in the order received.
	LookupMX(ctx context.Context, name string) ([]MX, Result, error)
	// LookupIP returns the addresses of host. network is "ip4" (A), "ip6"
	// (AAAA) or "ip" (both, IPv4 first; an error only if both fail).
	LookupIP(ctx context.Context, network, host string) ([]netip.Addr, Result, error)
	// LookupAddr returns the PTR names of addr (reverse DNS), absolute with
	// the trailing dot removed.
	LookupAddr(ctx context.Context, addr netip.Addr) ([]string, Result, error)
	// LookupTLSA returns the TLSA records for the service at port/protocol
	// on host (RFC 6698 §3: _port._protocol.host).
	LookupTLSA(ctx context.Context, port int, protocol, host string) ([]TLSA, Result, error)
}

// RRLookuper is implemented by resolvers that can look up records of any
// type, as [Client] does; callers that can use it check for it with a type
// assertion.
type RRLookuper interface {
	LookupRR(ctx context.Context, name string, qtype uint16) ([]dns.RR, Result, error)
}

// CanonicalNamer is implemented by resolvers that can say where a name's
// CNAME chain ends, as [Client] does; mx uses it for the TLSA base domain
// of an MX host that is an alias (RFC 7672 §2.2.3).
type CanonicalNamer interface {
	// LookupCNAME returns the canonical name of host: the last name of
	// its CNAME chain, without the trailing dot, or host itself when it
	// is no alias. Authentic covers every step of the chain.
	LookupCNAME(ctx context.Context, host string) (string, Result, error)
}

// Result describes how an answer was obtained.
type Result struct {
	// Authentic is true when the answer (every step of it, through CNAMEs)
	// came with the AD bit set: the recursive server validated it with
	// DNSSEC. Only meaningful when the path to that server is trusted.
	Authentic bool
}

// MX is one mail exchanger record.
type MX struct {
	Host string // without the trailing dot; "" for the null MX "."
	Pref uint16
}

// TLSA is one TLSA record (RFC 6698 §2.1).
type TLSA struct {
	Usage        uint8
	Selector     uint8
	MatchingType uint8
	Data         []byte // the certificate association data
}

// Sentinel errors. Lookup errors are *[Error] values wrapping one of them.
var (
	// ErrNXDomain: the name does not exist (RCODE 3).
	ErrNXDomain = errors.New("no such domain")
	// ErrNoData: the name exists but has no records of the asked type.
	ErrNoData = errors.New("no records of that type")
	// ErrServFail: a server answered with a failure (SERVFAIL, REFUSED,
	// or another error code), or the answer was unusable.
	ErrServFail = errors.New("server failure")
	// ErrTimeout: no server answered before the deadline.
	ErrTimeout = errors.New("timeout")
	// ErrCNAMELoop: a CNAME chain was too long or looped.
	ErrCNAMELoop = errors.New("CNAME chain too long")
	// ErrInvalidName: the name cannot be looked up (bad syntax or length).
	ErrInvalidName = errors.New("invalid domain name")
)

// Error is the error returned by lookups.
type Error struct {
	Name   string // the name looked up
	Type   uint16 // the query type (dns.TypeTXT, …)
	Server string // the last server asked, if any
	Err    error  // one of the sentinel errors, or context.Canceled
	cause  error  // context.DeadlineExceeded behind an ErrTimeout
}

func (e *Error) Error() string {
	s := fmt.Sprintf("dns %s %s: %v", dns.TypeToString[e.Type], e.Name, e.Err)
	if e.Server != "" {
		s += " (server " + e.Server + ")"
	}
	return s
}

// Unwrap returns the sentinel error and, for a deadline, also
// context.DeadlineExceeded.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Err, e.cause}
	}
	return []error{e.Err}
}

// Temporary reports whether trying again later may give another answer:
// true for timeouts and server failures, false for NXDOMAIN and NODATA.
func (e *Error) Temporary() bool {
	return e.Err == ErrTimeout || e.Err == ErrServFail
}

// IsNotFound reports whether err says the name or its records do not exist
// (NXDOMAIN or NODATA): a definite negative answer, not a failure.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNXDomain) || errors.Is(err, ErrNoData)
}

// IsTemporary reports whether err is a DNS failure that may go away
// (timeout, server failure, deadline).
func IsTemporary(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Temporary()
	}
	return errors.Is(err, context.DeadlineExceeded)
}

package main

import (
	"context"
	"net"
	"net/netip"
	"syscall"

	"github.com/mxkit/mxkit/smtpclient"
)

// A recipient's domain names its own MX hosts, at whatever addresses its
// DNS gives: 127.0.0.1, 10.0.0.5, 169.254.169.254 as well. Delivered as
// they come, mail to it would have this MTA connect to the mail servers
// of its own network, which may trust it as a relay (SSRF). So delivery
// to MX hosts refuses, at connect time (after resolution, whatever the
// name), addresses the Internet does not route, unless
// delivery.allow_private_destinations, or delivery.mx_port is set (MX
// hosts on another port than 25 are a test's). A relay is the
// operator's, and not checked.

// destinationError is a delivery refused for its destination address.
type destinationError struct{ addr netip.Addr }

func (e *destinationError) Error() string {
	return "delivery: " + e.addr.String() + " is not a globally reachable address (RFC 6890): not connected to (delivery.allow_private_destinations)"
}

// guardDestinations makes the Transport's connections to MX hosts refuse
// addresses that are not globally reachable; it must run before the
// Transport's first use.
func (m *MTA) guardDestinations() {
	d := m.cfg.Delivery
	if m.relay || d.AllowPrivateDestinations || d.MXPort != 0 && d.MXPort != 25 {
		return
	}
	m.tr.DialContext = func(ctx context.Context, network, address string) (net.Conn, error) {
		dialer := net.Dialer{Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			if !globallyReachable(ap.Addr()) {
				return &destinationError{ap.Addr().Unmap()}
			}
			return nil
		}}
		if src, ok := smtpclient.LocalAddr(ctx); ok {
			dialer.LocalAddr = &net.TCPAddr{IP: src.AsSlice()}
		}
		return dialer.DialContext(ctx, network, address)
	}
}

// notGlobal are the special-purpose blocks of the IANA IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890) marked not globally
// reachable, besides those netip's methods name.
var notGlobal = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network", RFC 791
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (CGN), RFC 6598
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments, RFC 6890 §2.2.2
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation, RFC 5737
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking, RFC 2544
	netip.MustParsePrefix("198.51.100.0/24"), // documentation, RFC 5737
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation, RFC 5737
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, RFC 1112; and the limited broadcast address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use IPv4/IPv6 translation, RFC 8215
	netip.MustParsePrefix("100::/64"),        // discard-only, RFC 6666
	netip.MustParsePrefix("2001:db8::/32"),   // documentation, RFC 3849
}

// globallyReachable reports whether a is an address the Internet routes
// to: not loopback, private (RFC 1918, RFC 4193), link-local, multicast,
// unspecified, nor one of notGlobal. An IPv4-mapped address is judged as
// its IPv4 address.
func globallyReachable(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsUnspecified() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsMulticast() {
		return false
	}
	for _, p := range notGlobal {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

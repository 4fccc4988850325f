package main

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"syscall"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/mx"
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
//
// A domain whose MX hosts are all at such addresses can never take mail
// from this MTA short of a change to its configuration, so its
// recipients fail at once (see unroutable), with a DSN, rather than
// wait out the queue's max_age. Where some address is one the Internet
// routes, a failure is the network's and the message waits as usual.

// destinationError is a delivery refused for its destination address.
type destinationError struct{ addr netip.Addr }

func (e *destinationError) Error() string {
	return "delivery: " + e.addr.String() + " is not a globally reachable address (RFC 6890): not connected to (delivery.allow_private_destinations)"
}

// guardDestinations makes the connections to MX hosts refuse addresses
// that are not globally reachable, and has their routes recorded for
// unroutable: those of the Transport, and of the TLS reports' own (report
// mail to a domain whose MX is private fails as other mail does, at
// once). It must run before the Transports' first use.
func (m *MTA) guardDestinations() {
	d := m.cfg.Delivery
	if m.relay || d.AllowPrivateDestinations || d.MXPort != 0 && d.MXPort != 25 {
		return
	}
	guard(m.tr)
	if m.reports != nil {
		guard(m.reports.tr)
	}
}

// guard makes tr's connections refuse addresses that are not globally
// reachable, and its Router record routes (routeRecorder).
func guard(tr *smtpclient.Transport) {
	tr.Router = routeRecorder{tr.Router}
	tr.DialContext = func(ctx context.Context, network, address string) (net.Conn, error) {
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

// routeRecorder is a Router that hands the route it found to the
// delivery that asked (withRouteSlot), so that a failed delivery can
// tell a destination the guard refuses everywhere from a network failure.
type routeRecorder struct{ smtpclient.Router }

type routeSlotKey struct{}

// routeSlot holds the route of one delivery.
type routeSlot struct{ route *mx.Route }

// Lookup implements smtpclient.Router.
func (r routeRecorder) Lookup(ctx context.Context, domain string) (*mx.Route, error) {
	route, err := r.Router.Lookup(ctx, domain)
	if s, ok := ctx.Value(routeSlotKey{}).(*routeSlot); ok {
		s.route = route
	}
	return route, err
}

// withRouteSlot returns ctx with a slot for the route of one delivery.
func withRouteSlot(ctx context.Context) (context.Context, *routeSlot) {
	s := &routeSlot{}
	return context.WithValue(ctx, routeSlotKey{}, s), s
}

// unroutable reports whether o, a deferral, was the guard's refusal of
// an address of route and every address of route is one the guard
// refuses: no retry can deliver it. A host whose lookup failed (its
// addresses unknown) or any globally reachable address makes it false:
// the failure may pass.
func unroutable(o *delivery.Outcome, route *mx.Route) bool {
	var de *destinationError
	if o.Status != delivery.Deferred || !errors.As(o, &de) || route == nil || len(route.Hosts) == 0 {
		return false
	}
	for _, h := range route.Hosts {
		if h.Err != nil {
			return false
		}
		for _, a := range h.Addrs {
			if globallyReachable(a) {
				return false
			}
		}
	}
	return true
}

// failUnroutable turns o, which unroutable holds, into a permanent
// failure.
//
// RFC 3463 X.4.4 "unable to route": the domain's routing information
// names only next hops this system will not use, the same case as an MX
// with no usable host (mx.ErrNoHosts, for which smtpclient gives 5.4.4),
// and Postfix bounces an MX that loops back to itself as a routing
// failure too (5.4.6). Not X.7.x: those read as the receiver's or the
// sender's policy (X.7.1 "delivery not authorized"), which misleads a
// sender's bounce classification; this is a route the domain published.
func failUnroutable(o *delivery.Outcome) {
	o.Status, o.Enhanced = delivery.Failed, delivery.EnhancedCode{5, 4, 4}
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

package verify

import (
	"net/netip"
	"strings"
)

// reservedNames are the names, with every name under them, that can never
// receive Internet mail, and where each is reserved. Matched on the
// domain's A-label form.
var reservedNames = map[string]string{
	// RFC 2606 §2 reserves these TLDs, never to be delegated; RFC 6761
	// §6.2–§6.4 put them in the special-use registry.
	"test":      "RFC 2606 §2, RFC 6761 §6.2: reserved for testing",
	"example":   "RFC 2606 §2, RFC 6761 §6.5: reserved for documentation",
	"invalid":   "RFC 2606 §2, RFC 6761 §6.4: reserved to be always invalid",
	"localhost": "RFC 2606 §2, RFC 6761 §6.3: the local host",
	// RFC 2606 §3: second-level names for documentation (IANA publishes
	// a null MX for them too).
	"example.com": "RFC 2606 §3, RFC 6761 §6.5: reserved for documentation",
	"example.net": "RFC 2606 §3, RFC 6761 §6.5: reserved for documentation",
	"example.org": "RFC 2606 §3, RFC 6761 §6.5: reserved for documentation",
	// Later entries of the IANA special-use domain names registry.
	"local": "RFC 6762 §3: multicast DNS, link-local names",
	"onion": "RFC 7686: Tor onion services, not reachable through DNS",
	"alt":   "RFC 9476: reserved for non-DNS name resolution",
	// .arpa holds infrastructure names only (RFC 3172 §2): reverse
	// mapping, home.arpa (RFC 8375), ipv4only.arpa (RFC 8880), ...
	"arpa": "RFC 3172 §2: infrastructure domain, no mail domains",
	// ICANN reserved .internal for private use (board resolution
	// 2024.07.29.06): it will never be delegated.
	"internal": "ICANN resolution 2024.07.29.06: reserved for private use",
}

// reservedDomain returns why the name (lower-case A-labels) is reserved,
// or "".
func reservedDomain(name string) string {
	for s := name; ; {
		if why, ok := reservedNames[s]; ok {
			return why
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return ""
		}
		s = s[i+1:]
	}
}

// unroutable are the address blocks that are not globally reachable, by
// the IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and
// the RFCs they cite); mail hosts only there cannot be reached from the
// Internet. Multicast and the unspecified address are dropped by mx.
var unroutable = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network", RFC 791 §3.2
		"10.0.0.0/8",      // private, RFC 1918
		"100.64.0.0/10",   // shared address space, RFC 6598
		"127.0.0.0/8",     // loopback, RFC 1122 §3.2.1.3
		"169.254.0.0/16",  // link local, RFC 3927
		"172.16.0.0/12",   // private, RFC 1918
		"192.0.0.0/24",    // IETF protocol assignments, RFC 6890 §2.1
		"192.0.2.0/24",    // documentation TEST-NET-1, RFC 5737
		"192.168.0.0/16",  // private, RFC 1918
		"198.18.0.0/15",   // benchmarking, RFC 2544
		"198.51.100.0/24", // documentation TEST-NET-2, RFC 5737
		"203.0.113.0/24",  // documentation TEST-NET-3, RFC 5737
		"240.0.0.0/4",     // reserved, RFC 1112 §4; includes broadcast
		"::1/128",         // loopback, RFC 4291 §2.5.3
		"::/128",          // unspecified, RFC 4291 §2.5.2
		"::ffff:0:0/96",   // IPv4-mapped, RFC 4291 §2.5.5.2
		"64:ff9b:1::/48",  // local-use IPv4/IPv6 translation, RFC 8215
		"100::/64",        // discard-only, RFC 6666
		"2001:db8::/32",   // documentation, RFC 3849
		"3fff::/20",       // documentation, RFC 9637
		"5f00::/16",       // segment routing SIDs, RFC 9602
		"fc00::/7",        // unique local, RFC 4193
		"fe80::/10",       // link-local unicast, RFC 4291 §2.5.6
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// routable reports whether a is globally reachable.
func routable(a netip.Addr) bool {
	a = a.WithZone("")
	if a.IsMulticast() {
		return false
	}
	for _, p := range unroutable {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

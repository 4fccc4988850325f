// Package dnsflag reads the -dns flag the example programs share: DNS
// servers as a comma-separated list of host[:port], port 53 by default
// ("192.0.2.53, [2001:db8::53]:5353, ns.example.net"). An IPv6 address
// without a port may be written bare or in brackets.
package dnsflag

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Usage is the flag's help text.
const Usage = "DNS servers as `host[:port]`, comma-separated, port 53 by default (default: /etc/resolv.conf)"

// Parse returns the servers in s as "host:port" for resolver.Client's
// Servers; "" gives none.
func Parse(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			if strings.TrimSpace(s) != "" {
				return nil, fmt.Errorf("-dns %q: empty server in the list", s)
			}
			continue
		}
		hp, err := Server(f)
		if err != nil {
			return nil, fmt.Errorf("-dns %q: %w", f, err)
		}
		out = append(out, hp)
	}
	return out, nil
}

// Server reads one server, host[:port] with port 53 by default, and
// returns it as "host:port". Configuration files with a list of servers
// (examples/mta's delivery.dns_servers) read each entry with it.
func Server(f string) (string, error) {
	if a, err := addr(f); err == nil { // a bare address, IPv6 included
		return net.JoinHostPort(a.String(), "53"), nil
	}
	if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
		a, err := addr(f[1 : len(f)-1])
		if err != nil {
			return "", fmt.Errorf("not an IP address in brackets")
		}
		return net.JoinHostPort(a.String(), "53"), nil
	}
	host, port := f, "53"
	if h, p, err := net.SplitHostPort(f); err == nil {
		host, port = h, p
	} else if strings.Contains(f, ":") && !strings.Contains(f, "]") && strings.Count(f, ":") == 1 {
		return "", err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	if host == "" {
		return "", fmt.Errorf("no host")
	}
	if _, err := addr(host); err != nil && strings.ContainsAny(host, " /[]%") {
		return "", fmt.Errorf("host %q is neither an IP address nor a name", host)
	}
	return net.JoinHostPort(host, port), nil
}

// addr parses an IP address; an IPv6 zone must be an interface name
// ("fe80::53%eth0").
func addr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, err
	}
	for _, c := range a.Zone() {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return netip.Addr{}, fmt.Errorf("zone %q is not an interface name", a.Zone())
		}
	}
	return a, nil
}

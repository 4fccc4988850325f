package audit

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver"
)

// Where the sender rules come from, cited in findings' Source.
const (
	srcGmail   = "Gmail email sender guidelines, https://support.google.com/a/answer/81126"
	srcYahoo   = "Yahoo sender best practices, https://senders.yahooinc.com/best-practices/"
	srcOutlook = "Outlook requirements for high-volume senders (Microsoft Defender for Office 365 blog, 2 April 2025; enforced from 5 May 2025)"
	srcRDNS    = srcGmail + "; " + srcYahoo
	srcBulk    = srcGmail + "; " + srcYahoo + "; " + srcOutlook
)

// Source is one address mail is sent from, with the name the sender gives
// in EHLO from it ("" when not known).
type Source struct {
	IP   netip.Addr
	EHLO string
}

// SourceReport is what [Sources] found for one source address.
type SourceReport struct {
	Source
	PTR       []string     // the names of the address's PTR records
	Confirmed []string     // those that resolve back to the address (FCrDNS)
	EHLOAddrs []netip.Addr // the addresses of the EHLO name
	// EHLOMatches is set when the EHLO name resolves to the address.
	EHLOMatches bool
	// Findings say what is wrong and how to fix it; their Subject is the
	// address.
	Findings []finding.Finding
}

// Sources checks the reverse DNS and EHLO name of each sending address, as
// receivers do before they look at the mail: the address has a PTR record;
// a PTR name resolves back to the address (forward-confirmed reverse DNS,
// which Gmail and Yahoo require of every sender); the EHLO name is a fully
// qualified domain name (RFC 5321 §4.1.1.1) that resolves to the address
// and is the PTR name. Each report's findings give the fix. The sources
// are checked concurrently.
func Sources(ctx context.Context, r resolver.Resolver, sources []Source) []SourceReport {
	reports := make([]SourceReport, len(sources))
	var wg sync.WaitGroup
	for i, s := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i] = checkSource(ctx, r, s)
		}()
	}
	wg.Wait()
	return reports
}

func checkSource(ctx context.Context, r resolver.Resolver, s Source) SourceReport {
	rep := SourceReport{Source: s}
	ip := s.IP.Unmap()
	add := func(check string, sev finding.Severity, src, fix, format string, args ...any) {
		rep.Findings = append(rep.Findings, finding.Finding{Check: check, Severity: sev, Subject: ip.String(),
			Message: fmt.Sprintf(format, args...), Fix: fix, Source: src})
	}
	if !ip.IsValid() {
		add("rdns", finding.Error, "", "give the address mail is sent from", "no valid IP address")
		return rep
	}
	network := "ip4"
	if ip.Is6() {
		network = "ip6"
	}
	rr := "A"
	if ip.Is6() {
		rr = "AAAA"
	}

	// Reverse DNS, then each name forward.
	names, _, err := r.LookupAddr(ctx, ip)
	switch {
	case err == nil:
		rep.PTR = names
	case resolver.IsNotFound(err):
		add("rdns", finding.Error, srcRDNS,
			"ask whoever runs the network of "+ip.String()+" (your hosting provider) to set its PTR record to your mail host's name, and give that name an "+rr+" record pointing back",
			"%s has no PTR record: receivers refuse or distrust mail from addresses without reverse DNS", ip)
	default:
		add("rdns", finding.Warning, "", "check the DNS servers used; try again",
			"could not look up the PTR record of %s: %v", ip, err)
	}
	if len(rep.PTR) > 1 {
		add("rdns", finding.Warning, "",
			"keep one PTR record per address",
			"%s has %d PTR records (%s): receivers may check only one", ip, len(rep.PTR), strings.Join(rep.PTR, ", "))
	}
	for _, name := range rep.PTR {
		addrs, _, err := r.LookupIP(ctx, network, name)
		if err != nil && !resolver.IsNotFound(err) {
			add("rdns", finding.Warning, "", "check the DNS of "+name,
				"could not look up %s: %v", name, err)
			continue
		}
		if slices.Contains(addrs, ip) {
			rep.Confirmed = append(rep.Confirmed, name)
		}
	}
	switch {
	case len(rep.Confirmed) > 0:
		add("rdns", finding.Info, srcRDNS, "", "%s has reverse DNS %s, which resolves back to it (forward-confirmed)", ip, rep.Confirmed[0])
	case len(rep.PTR) > 0:
		add("rdns", finding.Error, srcRDNS,
			fmt.Sprintf("add an %s record for %s pointing to %s, or set the PTR to a name that has one", rr, rep.PTR[0], ip),
			"%s has reverse DNS %s, but that name does not resolve back to %s: forward-confirmed reverse DNS fails", ip, rep.PTR[0], ip)
	}

	// The EHLO name.
	if s.EHLO == "" {
		return rep
	}
	host, err := address.ParseDomain(s.EHLO)
	switch {
	case err != nil || host.IsSingleLabel():
		fix := "make the Transport's EHLO name a fully qualified host name"
		if len(rep.Confirmed) > 0 {
			fix = "use " + rep.Confirmed[0] + " as the EHLO name"
		}
		add("helo", finding.Error, "RFC 5321 §4.1.1.1", fix,
			"EHLO name %q is not a fully qualified domain name: receivers refuse or score such greetings", s.EHLO)
		return rep
	case host.Literal().IsValid():
		add("helo", finding.Warning, "RFC 5321 §4.1.1.1, §4.1.4",
			"give the host a name (its PTR name) and use it in EHLO",
			"EHLO with an address literal %s: RFC 5321 allows it only for a host without a name, and receivers score it as a sign of spam software", s.EHLO)
		return rep
	}
	addrs, _, err := r.LookupIP(ctx, network, host.ASCII())
	switch {
	case err == nil:
		rep.EHLOAddrs = addrs
		rep.EHLOMatches = slices.Contains(addrs, ip)
	case !resolver.IsNotFound(err) && !errors.Is(err, resolver.ErrInvalidName):
		add("helo", finding.Warning, "", "check the DNS of "+host.ASCII(), "could not look up the EHLO name %s: %v", host, err)
		return rep
	}
	switch {
	case len(addrs) == 0:
		add("helo", finding.Error, "RFC 5321 §4.1.4",
			fmt.Sprintf("publish an %s record for %s pointing to %s", rr, host, ip),
			"EHLO name %s has no %s record: receivers that check the greeting refuse it", host, rr)
	case !rep.EHLOMatches:
		add("helo", finding.Warning, "RFC 5321 §4.1.4",
			fmt.Sprintf("send EHLO from %s with a name that resolves to it, or add %s to the %s records of %s", ip, ip, rr, host),
			"EHLO name %s resolves to %s, not to %s", host, joinAddrs(addrs), ip)
	}
	if len(rep.PTR) > 0 && !slices.ContainsFunc(rep.PTR, func(p string) bool { return strings.EqualFold(strings.TrimSuffix(p, "."), host.ASCII()) }) {
		fix := "use " + rep.PTR[0] + " as the EHLO name"
		if rep.EHLOMatches {
			fix += ", or set the PTR of " + ip.String() + " to " + host.ASCII()
		}
		add("helo", finding.Warning, srcRDNS, fix,
			"EHLO name %s is not the PTR name %s of %s: many receivers expect the greeting, reverse and forward DNS to agree", host, rep.PTR[0], ip)
	} else if rep.EHLOMatches && len(rep.Confirmed) > 0 {
		add("helo", finding.Info, "", "", "EHLO name %s resolves to %s and is its PTR name", host, ip)
	}
	return rep
}

func joinAddrs(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

package dnsbl

import "net/netip"

// Published meanings of the default zones' answers. Each table cites the
// zone operator's page; a code not in the table still means "listed"
// (RFC 5782 §2.1: any A record in 127.0.0.0/8), with an unknown meaning.

// spamhausErrors are the answers of every Spamhaus public zone that mean
// the query itself was refused, not that anything is listed: "A new range
// containing return codes (127.255.255.0/24) has been added to return
// possible errors related to the DNSBL queries themselves, which should
// NOT be interpreted as any sort of reputation"
// (https://www.spamhaus.org/news/article/788/, 2019; the codes are also in
// https://www.spamhaus.org/faqs/dnsbl-usage/ and
// https://www.spamhaus.com/resource-center/help-for-spamhaus-projects-legacy-blocklist-users).
func spamhausErrors() []Code {
	return []Code{
		{Prefix: netip.MustParsePrefix("127.255.255.252/32"), Meaning: "query refused: typing error in the DNSBL name", Refused: true},
		{Prefix: netip.MustParsePrefix("127.255.255.254/32"), Meaning: "query refused: sent through a public/open resolver (Spamhaus blocks those; query through your own resolver or the Data Query Service)", Refused: true},
		{Prefix: netip.MustParsePrefix("127.255.255.255/32"), Meaning: "query refused: excessive number of queries from this resolver", Refused: true},
		{Prefix: netip.MustParsePrefix("127.255.255.0/24"), Meaning: "query refused: Spamhaus error code", Refused: true},
	}
}

// ZEN return codes, from "Available Zones", Spamhaus technical
// documentation
// (https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html).
func zenCodes() []Code {
	return append([]Code{
		{Prefix: netip.MustParsePrefix("127.0.0.2/32"), Meaning: "SBL: Spamhaus Block List (direct spam source or spam operation)"},
		{Prefix: netip.MustParsePrefix("127.0.0.3/32"), Meaning: "CSS: Spamhaus automated listing of snowshoe spam sources"},
		{Prefix: netip.MustParsePrefix("127.0.0.4/32"), Meaning: "XBL: exploited or infected host (CBL data)"},
		{Prefix: netip.MustParsePrefix("127.0.0.5/32"), Meaning: "XBL (code currently unused)"},
		{Prefix: netip.MustParsePrefix("127.0.0.6/32"), Meaning: "XBL (code currently unused)"},
		{Prefix: netip.MustParsePrefix("127.0.0.7/32"), Meaning: "XBL (code currently unused)"},
		{Prefix: netip.MustParsePrefix("127.0.0.9/32"), Meaning: "SBL: Spamhaus DROP/EDROP (hijacked or criminal network)"},
		{Prefix: netip.MustParsePrefix("127.0.0.10/32"), Meaning: "PBL: the ISP says this range should not send mail directly (policy, not abuse)"},
		{Prefix: netip.MustParsePrefix("127.0.0.11/32"), Meaning: "PBL: Spamhaus says this range should not send mail directly (policy, not abuse)"},
		{Prefix: netip.MustParsePrefix("127.0.0.30/32"), Meaning: "BCL: botnet controller"},
	}, spamhausErrors()...)
}

// DBL return codes, same page; 127.0.1.255 is DBL's own error for an IP
// address queried against a domain list.
func dblCodes() []Code {
	return append([]Code{
		{Prefix: netip.MustParsePrefix("127.0.1.2/32"), Meaning: "spam domain"},
		{Prefix: netip.MustParsePrefix("127.0.1.4/32"), Meaning: "phishing domain"},
		{Prefix: netip.MustParsePrefix("127.0.1.5/32"), Meaning: "malware domain"},
		{Prefix: netip.MustParsePrefix("127.0.1.6/32"), Meaning: "botnet C&C domain"},
		{Prefix: netip.MustParsePrefix("127.0.1.102/32"), Meaning: "abused legitimate domain (spam)"},
		{Prefix: netip.MustParsePrefix("127.0.1.103/32"), Meaning: "abused redirector or URL shortener"},
		{Prefix: netip.MustParsePrefix("127.0.1.104/32"), Meaning: "abused legitimate domain (phishing)"},
		{Prefix: netip.MustParsePrefix("127.0.1.105/32"), Meaning: "abused legitimate domain (malware)"},
		{Prefix: netip.MustParsePrefix("127.0.1.106/32"), Meaning: "abused legitimate domain (botnet C&C)"},
		{Prefix: netip.MustParsePrefix("127.0.1.255/32"), Meaning: "query refused: an IP address queried against a domain list", Refused: true},
	}, spamhausErrors()...)
}

// DefaultZones returns the zones a Checker uses when given none: the
// widely used lists whose operators publish what their answers mean.
//
//   - zen.spamhaus.org (IPv4 and IPv6): SBL, CSS, XBL, PBL and DROP in one.
//   - dbl.spamhaus.org (domains): the Domain Block List, test entry
//     dbltest.com (Spamhaus DBL FAQ, "How can I test the DBL?").
//   - b.barracudacentral.org (IPv4): Barracuda Reputation Block List;
//     every listing answers 127.0.0.2
//     (http://www.barracudacentral.org/rbl/how-to-use). Barracuda asks
//     users to register the resolvers that query it.
//   - bl.spamcop.net (IPv4): SpamCop Blocking List, 127.0.0.2 for a
//     listing (https://www.spamcop.net/bl.shtml).
//
// Spamhaus's public mirrors refuse queries that come through public
// resolvers (answering 127.255.255.254, or nothing): run the check through
// a resolver of your own.
func DefaultZones() []Zone {
	return []Zone{
		{Name: "zen.spamhaus.org", IPv6: true, Codes: zenCodes(),
			Source: "https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html"},
		{Name: "dbl.spamhaus.org", Domains: true, Codes: dblCodes(), TestListed: "dbltest.com",
			Source: "https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html"},
		{Name: "b.barracudacentral.org",
			Codes:  []Code{{Prefix: netip.MustParsePrefix("127.0.0.2/32"), Meaning: "Barracuda Reputation Block List: the address sent spam"}},
			Source: "http://www.barracudacentral.org/rbl/how-to-use"},
		{Name: "bl.spamcop.net",
			Codes:  []Code{{Prefix: netip.MustParsePrefix("127.0.0.2/32"), Meaning: "SpamCop Blocking List: the address sent mail reported as spam"}},
			Source: "https://www.spamcop.net/bl.shtml"},
	}
}

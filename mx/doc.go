// Package mx finds where mail for a domain goes and with what TLS policy.
//
// [Router.Lookup] implements the route lookup of RFC 5321 §5.1: MX records
// sorted by preference with equal preferences shuffled, the implicit MX (the
// domain's own A/AAAA records) when the domain has no MX records, the null MX
// of RFC 7505, address literals ("[192.0.2.1]", "[IPv6:2001:db8::1]", RFC 5321
// §4.1.3), and internationalised domains converted to A-labels (IDNA, RFC
// 5890). Each host is resolved to its addresses, IPv4 or IPv6 first as
// configured.
//
// The [Route] also carries the TLS policy for the destination:
//
//   - DANE for SMTP (RFC 7672): when the MX answer and a host's address
//     answers were DNSSEC-authenticated, the host's TLSA records for port 25
//     are looked up and, when authenticated, put in [Host.TLSA].
//     [VerifyDANE] checks a server's certificate chain against them
//     (DANE-EE(3) and DANE-TA(2); the PKIX usages are not used for SMTP,
//     RFC 7672 §3.1.3).
//   - MTA-STS (RFC 8461): the _mta-sts TXT record, the policy fetched over
//     verified HTTPS from mta-sts.<domain> and cached for its max_age,
//     refreshed when the record's id changes or half the max_age has
//     passed. In enforce mode hosts that do not match the policy's mx
//     patterns are removed (RFC 8461 §4.1). When a published policy cannot
//     be fetched or is invalid, [Policy.MTASTSFailure] says why in the
//     result types of SMTP TLS Reporting (RFC 8460 §4.3.2.2).
//     [ParsePolicy] parses a policy on its own.
//
// MX records whose target is an IP address rather than a name (RFC 5321
// §5.1 requires a name) or not a valid host name are ignored, as Postfix
// does; a domain whose only MX records are such is reported with
// ErrNoHosts. MX targets that are
// CNAMEs are followed, as MTAs do in practice. A host whose address lookup
// fails temporarily stays in the route with [Host.Err] set; a host without
// addresses is dropped. For an MX host that is an alias, TLSA records are
// looked up first where its secure CNAME chain ends, then at the host name
// as published (RFC 7672 §2.2.3), when the Resolver can say where a chain
// ends (resolver.CanonicalNamer, as resolver.Client does); [Host.TLSABase]
// says which name they came from.
//
// DANE takes precedence over MTA-STS for the hosts it covers (RFC 8461 §2);
// [Host.Policy] says which one applies to each host.
//
// Errors: [ErrInvalidDomain], [ErrNoSuchDomain], [ErrNullMX] and [ErrNoHosts]
// are permanent ([IsPermanent]); the message cannot be delivered. Every other
// error from Lookup, DNS failures among them (see resolver.IsTemporary), and
// [ErrMTASTSNoMatch] (RFC 8461 §5.1: look again later) mean try again later.
package mx

// Package verify answers "is this address worth sending to?" before
// anything is queued: for a sign-up form, an import of a customer list, or
// a relay refusing recipients at intake. It answers from syntax, DNS and
// data only. It never probes a mailbox over SMTP (a RCPT TO without
// sending, as some verifiers do): mailbox providers treat that as
// directory harvesting and it harms the sending IP's reputation. So
// Deliverable means that nothing was found against an address, not that
// its mailbox exists.
//
// [Checker.Check] returns a [Result]: a [Verdict] (Deliverable, Risky,
// Undeliverable, or Unknown when a check could not be made now) and the
// [Reason]s behind it, each of a typed [Kind]. [Checker.CheckAll] checks a
// list, looking each distinct domain up once.
//
// The checks, in order:
//
//   - Syntax: the address as an SMTP envelope takes it (RFC 5321 §4.1.2,
//     the limits of §4.5.3.1, RFC 6531 §3.3 for UTF-8), by the address
//     package's rules, the ones every mxkit package uses. A non-ASCII
//     local part is reported as needing SMTPUTF8 (RFC 6531); an
//     internationalised domain alone is not, since it is sent in A-labels
//     (Kind IDN, information only).
//   - Role accounts: postmaster, abuse, info, noreply and the other names
//     of roles.go, from RFC 2142, RFC 5321 §4.5.1, RFC 3834 §2 and the
//     CA/Browser Forum's Baseline Requirements, after "+tags" are removed.
//   - Domain names that can never receive Internet mail (RFC 2606, the
//     IANA special-use domain names registry: .test, .example,
//     example.com, .invalid, localhost, .local, .onion, .alt, .arpa) and
//     ICANN's .internal: undeliverable with no DNS question asked.
//     Address literals are risky, and undeliverable when their address is
//     not globally reachable.
//   - DNS, through mx.Router (MTA-STS and DANE off): the domain exists;
//     it has MX records, or an implicit MX (RFC 5321 §5.1; risky); a null
//     MX (RFC 7505) is undeliverable; at least one mail host has an
//     address, and one the Internet routes (RFC 6890; a domain whose MX
//     points at 127.0.0.1 takes no mail). A DNS failure makes the verdict
//     Unknown, with Result.Err set.
//   - Disposable domains (risky) and free-mail providers (information,
//     for B2B forms), for domains that take mail, from lists embedded as
//     data: npm packages fetched
//     by "go generate" with npm, never at run time; DomainList.Source
//     gives their versions, dates and licences. Both can be replaced or
//     extended (Checker.Disposable, Checker.FreeMail).
//   - Typo suggestions, only for a domain that receives no mail:
//     "gmial.com" → "gmail.com", "yaho.com" → "yahoo.com", "acme.con" →
//     "acme.com", by edit distance against the largest providers' domains
//     and common top-level domains, and only for a candidate that
//     receives mail itself.
//   - Suppression: with Checker.Suppressions set, a suppressed address is
//     undeliverable, with the store's reason.
//
// Verdicts: a result's verdict is the worst of its reasons' (see
// Kind.Verdict), Undeliverable above Unknown above Risky above
// Deliverable. Callers with other needs (a B2B form refusing free mail, a
// list that accepts role accounts) decide from the reasons.
//
// DNS cost: every lookup goes through the Resolver, whose cache (give it
// one) serves later addresses at the same domain. Concurrent checks of one
// domain share one lookup, at most Checker.Concurrency domains are looked
// up at once, and CheckAll looks each distinct domain up once whatever the
// cache does. With warm caches a check costs a few microseconds.
//
// A server taking mail for relay can refuse undeliverable recipients at
// RCPT TO with [Result.Refusal], which gives the SMTP and RFC 3463 codes.
package verify

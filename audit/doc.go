// Package audit checks how a domain and its sending hosts are set up for
// sending mail, the way domain-audit tools and mailbox providers' sender
// requirements look at them. Every result is a finding.Finding with a
// severity, what was found, the fix and, where the message does not say
// it, the rule's source.
//
//   - [Domain] audits a sending domain: its DMARC record and report
//     destinations (package dmarc), SPF (spf.Lint), the DKIM keys of the
//     given selectors, MX and MTA-STS (package mx) and TLS-RPT. A domain
//     that does not exist, or whose DNS does not answer, gives one finding
//     and nothing else.
//   - [Sources] checks each sending address's reverse DNS (a PTR record
//     that resolves back to the address) and EHLO name, per address.
//   - [Readiness] checks a domain, its sending addresses and optionally a
//     sample message against the sender requirements Gmail, Yahoo and
//     Outlook published in 2024 and 2025: SPF, aligned DKIM, a DMARC
//     record and a passing evaluation, reverse DNS, TLS, one-click
//     unsubscribe for bulk mail (RFC 8058) and a well-formed message, and
//     optionally blocklists (package dnsbl). Each finding cites the
//     provider page or RFC it comes from.
//
// Import rules. audit imports dmarc, spf, dkim, mx and dnsbl; none of them
// imports audit, so the domain audit's MX and MTA-STS checks (HTTPS
// fetching, DANE) stay out of a build that only evaluates DMARC or SPF.
// The Finding type that audit and the SPF linter share is therefore in
// neither: it is in the leaf package finding, which both import.
//
// All DNS goes through a resolver.Resolver.
package audit

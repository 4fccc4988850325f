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
//
// Import rules. audit imports dmarc, spf, dkim and mx; none of them
// imports audit, so the domain audit's MX and MTA-STS checks (HTTPS
// fetching, DANE) stay out of a build that only evaluates DMARC or SPF.
// The Finding type that audit and the SPF linter share is therefore in
// neither: it is in the leaf package finding, which both import.
//
// All DNS goes through a resolver.Resolver.
package audit

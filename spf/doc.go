// Package spf evaluates and checks Sender Policy Framework records
// (RFC 7208).
//
// [Checker.Check] is check_host() of RFC 7208 §4: it evaluates the policy of
// the MAIL FROM identity (§2.4; an empty MAIL FROM is checked as
// postmaster@HELO) and [Checker.CheckHelo] that of the HELO identity (§2.3),
// with every mechanism (§5), the redirect and exp modifiers (§6), macros
// (§7) and the processing limits (§4.6.4): 10 DNS-querying terms, 2 void
// lookups, 10 names from one MX or PTR answer, and a time budget taken from
// the context. A [Result] carries one of the seven results (§2.6), the
// explanation (§6.2), the directive that matched and the lookups spent, and
// renders a Received-SPF header field (§9.1) or an Authentication-Results
// entry (RFC 8601).
//
// [Parse] parses a record without any DNS and reports syntax errors with
// their position as a *[SyntaxError]; [Lint] audits a domain's published
// policy the way domain-audit tools do.
//
// All DNS goes through [resolver.Resolver], so the package is tested against
// the resolvertest server, including the whole OpenSPF test suite.
package spf

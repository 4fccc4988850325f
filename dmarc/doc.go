// Package dmarc evaluates DMARC for received mail and builds and reads
// aggregate reports. (The audit of a sending domain's setup is in package
// audit, so that this package does not depend on mx.)
//
// It implements DMARC as revised by RFC 9989 (DMARCbis) and, on request, as in
// RFC 7489:
//
//   - Parse reads a DMARC Policy Record with every tag of both (p, sp, np,
//     adkim, aspf, pct, t, psd, rua, ruf, fo, ri, rf). Unknown tags are
//     ignored and invalid values fall back to defaults with a warning
//     (RFC 9989 §4.7, §4.8); an invalid policy without a valid rua makes the
//     record unusable (§4.10.1).
//   - Evaluator.Evaluate runs the receiver's steps (RFC 9989 §5.3): policy
//     discovery, identifier alignment of the SPF and DKIM results, the
//     result (pass, fail, none, temperror, permerror), and the policy to
//     apply: p for the domain itself, sp for an existing subdomain, np for a
//     non-existent one, lowered by t=y (RFC 9989) or pct sampling (RFC 7489
//     §6.6.4). Every step is explained in Result.Reasons, and
//     Result.AuthResult gives the Authentication-Results entry.
//   - Discovery by the DNS tree walk of RFC 9989 §4.10 (the default: at most
//     eight _dmarc queries, psd= tags, Public Suffix Domain records) or by the
//     Public Suffix List of RFC 7489 §3.2 and §6.6.3 (Method PublicSuffixList,
//     golang.org/x/net/publicsuffix). Several records at one name are
//     discarded; TXT records that are not DMARC are skipped.
//   - Evaluator.Destinations checks that external report addresses are
//     authorized by a <domain>._report._dmarc.<host> record (RFC 7489 §7.1).
//   - Aggregate reports (RFC 7489 Appendix C and RFC 9990): ParseReport reads
//     them as they arrive (XML, gzip, zip, or inside a MIME message), and
//     as reporters write them: a report whose records are well formed is
//     read even with gaps in its metadata (an empty org_name) or with
//     <feedback> inside a stray, unclosed element, each noted in
//     Report.Warnings;
//     Aggregator groups evaluations into reports; Report.WriteTo and
//     Report.WriteMail write them ready to send.
//
// All DNS goes through a resolver.Resolver. Section numbers of RFC 9989 follow
// draft-ietf-dmarc-dmarcbis-41, the text it was published from.
//
// Not implemented: failure reports (ruf, RFC 9991; package bounce reads
// them as feedback reports), the rua override in a
// report authorization record (RFC 7489 §7.1 allows but does not require it),
// and reports carried inside message/rfc822 parts.
package dmarc

// Package tlsrpt implements SMTP TLS Reporting (RFC 8460), both sides: it
// reads the reports other senders send to a domain, and it counts the
// outcome of a sender's own sessions and delivers the daily reports the
// receiving domains ask for.
//
// Reading reports: [ParseReport] takes a report as it arrives, JSON,
// gzip-compressed JSON or an email message with the report attached
// (RFC 8460 §5.3), refuses input that would expand beyond
// [MaxReportSize], and returns a [Report], the JSON document of RFC 8460
// §4.4. Receivers need nothing else of this package.
//
// Reporting policies: [ParseRecord] parses the TXT record a domain
// publishes at _smtp._tls.<domain> by the grammar of RFC 8460 §3, and
// [LookupRecord] finds it through a resolver.Resolver.
//
// Sending reports:
//
//   - An [Aggregator] counts a [Result] per SMTP session (and per failed
//     MTA-STS policy fetch): per UTC day, policy domain and policy, the
//     successful and the failed sessions, the failures grouped by result
//     type, sending and receiving address and MX host (§4.4). Add does no
//     I/O; Flush writes the counts to a [Store] ([DirStore] keeps them in
//     a directory, one file a day), so that they survive restarts.
//   - [Aggregator.Reports] builds a day's reports, one per policy domain;
//     [Report.Gzip], [Report.Filename] and [Report.WriteMail] give them the
//     forms of §5.1-5.3.
//   - [Aggregator.SendDue], called every few minutes, sends each day's
//     reports some time after the day ends (§4.1) through a [Sender]: it
//     looks up the domain's record and delivers to its https: URIs by POST
//     (application/tlsrpt+gzip, §5.4; verified TLS, no redirects, public
//     addresses only) and to its mailto: URIs through a caller's function
//     that puts the message on the normal sending path (§5.3). Failed
//     deliveries are retried with exponential backoff for 24 hours
//     (§5.5); what was delivered, not wanted or given up is remembered in
//     the Store, so a restart does not send it again. (A crash between a
//     delivery and its record can: the report-id is the same, so the
//     receiver can drop the copy, §5.3.)
//
// The package does not import the sending code: the subpackage tlsrptsmtp
// turns smtpclient's session results and mx's policy failures into
// Results.
package tlsrpt

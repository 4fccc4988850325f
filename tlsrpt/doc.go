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
package tlsrpt

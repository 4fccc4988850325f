// Package mxkit is an embeddable Go library for outbound mail
// infrastructure: small packages that a Go backend, a home-grown MTA or a
// sending platform wires together itself.
//
// The packages, from the bottom up:
//
//   - resolver: DNS for all the others. A caching stub resolver on
//     github.com/miekg/dns with typed outcomes (NXDOMAIN, NODATA, SERVFAIL,
//     timeout), TCP fallback and the DNSSEC AD bit. resolver/resolvertest is
//     a real authoritative DNS server on loopback, with fault injection, that
//     every package's tests and the examples use.
//   - mx: where mail for a domain goes (RFC 5321 §5.1, null MX RFC 7505,
//     implicit MX, address literals, IDNA) and with what TLS policy
//     (MTA-STS RFC 8461, DANE RFC 7672).
//   - smtpclient: a pooled, pipelining SMTP (and LMTP) client shaped like
//     net/http.Transport, which enforces the TLS policy mx found.
//   - dkim: streaming signing (several signatures in one pass, keys per
//     domain), checked against go-msgauth, which also verifies; plus ARC
//     (RFC 8617).
//   - spf: the RFC 7208 evaluator and a record linter.
//   - dmarc: policy evaluation (RFC 7489 and RFC 9989), alignment,
//     aggregate reports, and a domain audit.
//   - queue: a persistent queue with leases, retries and dead letters; an
//     embedded store and a PostgreSQL store behind one interface, and
//     queuetest, the conformance suite every store passes.
//   - bounce: DSN (RFC 3464), feedback-report (RFC 5965) and auto-reply
//     (RFC 3834) parsing, and one classification of failures for bounces and
//     synchronous SMTP errors alike, its rules taken from the MTAs' and
//     providers' published replies and checked against the DSNs real MTAs
//     (Postfix, Exim, OpenSMTPD, Sendmail) write.
//
// How they fit: every package that needs DNS takes a resolver.Resolver. A
// sender enqueues into queue; a worker leases a message, signs it with dkim,
// asks mx for the route and policy of each recipient domain, and hands it to
// smtpclient, whose per-recipient results go back to queue as delivered,
// retry or failed. Failures, synchronous or bounced later, go through bounce
// for a reason a sender can act on (suppress, back off). On the receiving
// side spf, dkim and dmarc evaluate a message's authentication. The
// examples/ module shows these wirings as runnable programs.
package mxkit

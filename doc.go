// Package mxkit is an embeddable Go library for outbound mail
// infrastructure: small packages that a Go backend, a home-grown MTA or a
// sending platform wires together itself.
//
// # Start here
//
// [Sender] sends a [compose.Message] straight to each recipient's mail
// server, signed with DKIM, and returns what happened to each recipient:
//
//	keys := &dkim.MemoryStore{} // or &dkim.DirStore{Dir: "/etc/dkim"}
//	keys.Set("shop.example", dkim.Key{Domain: "shop.example", Selector: "s1", Signer: key})
//	sender := &mxkit.Sender{Hostname: "mail.shop.example", DKIM: keys}
//	defer sender.Close()
//
//	outcomes, err := sender.Send(ctx, &compose.Message{
//		From:    compose.Mailbox{Name: "Shop", Address: "orders@shop.example"},
//		To:      []compose.Mailbox{{Name: "Alice", Address: "alice@example.net"}},
//		Subject: "Your order has shipped",
//		Text:    "It is on its way.",
//	})
//	for _, o := range outcomes {
//		fmt.Println(o.Recipient, o.Status) // delivered, deferred or failed, with the reply
//	}
//	if err != nil {
//		fmt.Println(err) // the first recipient not delivered, or why nothing was sent
//	}
//
// (The package Example runs this against DNS and a mail server on
// loopback.) [Sender.Send] groups the recipients by domain, signs the
// message once and delivers to every domain at the same time through mx
// (MTA-STS and DANE) and smtpclient's pool; the outcomes are
// [delivery.Outcome] values. Everything below is what it is made of, for
// those who wire the parts themselves.
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
//   - dkim: streaming signing and verification (several signatures in
//     one pass, keys per domain) by one canonicalization of its own, with
//     go-msgauth as the test oracle for body hashes and verdicts; plus ARC
//     (RFC 8617).
//   - spf: the RFC 7208 evaluator and a record linter.
//   - dmarc: policy evaluation (RFC 7489 and RFC 9989), alignment and
//     aggregate reports.
//   - audit: a sending domain's audit (DMARC, SPF, DKIM keys, MX,
//     MTA-STS, TLS-RPT) over dmarc, spf, dkim and mx. Its findings and
//     the SPF linter's share one type, finding.Finding, from the leaf
//     package finding (spf cannot import audit, which imports spf).
//   - dnsbl: one's own sending IPs and domains against DNS blocklists
//     (RFC 5782), with each zone's published meaning of its answers;
//     refusals and timeouts are never "clean".
//   - verify: is an address worth sending to, from syntax, DNS and data
//     (role accounts, disposable and free-mail lists, typos, suppression),
//     never by probing the recipient's server.
//   - tlsrpt: SMTP TLS Reporting (RFC 8460): reads the reports receivers
//     get (JSON, gzip, mail), and counts a sender's sessions and delivers
//     the daily reports by mail or HTTPS; tlsrpt/tlsrptsmtp feeds it from
//     smtpclient and mx.
//   - queue: a persistent queue with leases, retries and dead letters; an
//     embedded store and a PostgreSQL store behind one interface, and
//     queuetest, the conformance suite every store passes.
//   - bounce: DSN (RFC 3464), feedback-report (RFC 5965) and auto-reply
//     (RFC 3834) parsing, and one classification of failures for bounces and
//     synchronous SMTP errors alike, its rules taken from the MTAs' and
//     providers' published replies and checked against the DSNs real MTAs
//     (Postfix, Exim, OpenSMTPD, Sendmail) write.
//   - compose: the message builder (RFC 5322, MIME, RFC 2047/2231 encoding,
//     one-click unsubscribe of RFC 8058), streaming attachments of any size.
//   - mxkit (this package): Sender, compose, dkim, mx and smtpclient in one
//     call.
//   - suppression: the addresses and domains not to mail (hard bounces,
//     complaints, unsubscribes), fed by bounce reports and delivery
//     outcomes, with an RFC 8058 one-click unsubscribe handler; an
//     embedded store and a PostgreSQL store kept in step by LISTEN/NOTIFY.
//   - rates: sliding-window counts of outcomes per tenant, From domain,
//     source IP and provider, with thresholds (0.3% complaints) reported
//     once when crossed.
//   - shaping: the MX host to provider table, and rules that turn
//     providers' throttling replies into rates, session caps and
//     suspensions, applied to smtpclient through its Shaper interface.
//   - redisstate (a module of its own): rate limits, session counts,
//     warm-up counts and rate counters shared by several processes in
//     Redis.
//   - verp: signed VERP return paths, one envelope sender per message and
//     recipient under a return-path domain, so a bounce names what failed.
//   - returnpath: the SMTP server of that domain: takes only valid VERP
//     addresses and the feedback-loop address (no backscatter, no relay),
//     parses with bounce and matches each bounce to its message and
//     recipient for suppression and events.
//
// Two leaf packages hold the concepts the others share, so that no two
// packages disagree about them:
//
//   - address: domains and mailboxes (IDNA, case, length limits, the syntax
//     of RFC 5321), parsed once by ParseDomain and Parse.
//   - delivery: the Outcome of offering a message for one recipient — the
//     verdict (delivered, deferred, failed), the stage, the SMTP reply code,
//     the RFC 3463 enhanced code, the text and the remote host. smtpclient
//     produces it, queue stores it, bounce classifies it (bounce imports
//     delivery, never smtpclient) and DSNs, webhooks and logs are built
//     from it; nobody parses an error string.
//
// How they fit: every package that needs DNS takes a resolver.Resolver. A
// sender enqueues into queue; a worker leases a message, signs it with dkim,
// asks mx for the route and policy of each recipient domain, and hands it to
// smtpclient, whose per-recipient results go back to queue as delivered,
// retry or failed. Before a send, suppression says whether the recipient
// may be mailed; smtpclient's Shaper (shaping) paces each provider;
// afterwards the outcomes feed suppression, rates and shaping. Failures, synchronous or bounced later, go through bounce
// for a reason a sender can act on (suppress, back off). On the receiving
// side spf, dkim and dmarc evaluate a message's authentication, and
// returnpath receives the bounces that come back to verp's return paths.
// The examples/ module shows these wirings as runnable programs.
package mxkit

// Package smtpclient sends mail over SMTP: a pooled, pipelining client
// shaped like net/http's Transport.
//
// A [Transport] is long-lived and safe for concurrent use. It keeps
// connections per destination (host, port, TLS policy and source address),
// reuses them for later messages and sends each message with as few round
// trips as the server allows. [Transport.Send] delivers to one fixed host (a
// relay or submission server); [Transport.Deliver] looks up a domain's mail
// exchangers with the mx package and tries them in order.
//
// Implemented:
//   - RFC 5321 (SMTP): EHLO with HELO fallback, multi-line replies, the
//     per-stage timeouts of §4.5.3.2, dot-stuffing (§4.5.2);
//   - RFC 3463 enhanced status codes and RFC 2034 ENHANCEDSTATUSCODES;
//   - RFC 2920 PIPELINING: MAIL, every RCPT and DATA in one round trip;
//   - RFC 3207 STARTTLS and RFC 8314 implicit TLS, with the policies of
//     [TLSPolicy]; DANE (RFC 7672) and MTA-STS (RFC 8461) from mx routes;
//   - RFC 4954 AUTH through github.com/emersion/go-sasl clients;
//   - RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8, RFC 3030
//     CHUNKING (BDAT) and BINARYMIME, RFC 3461 DSN parameters, RFC 8689
//     REQUIRETLS;
//   - RFC 2033 LMTP (Transport.LMTP) for handing mail to a mailbox
//     server: LHLO and a reply per recipient after the data.
//
// Message data is streamed: line endings are normalised to CRLF while
// sending (a bare CR or LF becomes CRLF, so a message cannot smuggle an
// end-of-data sequence, the "SMTP smuggling" attack), and addresses with
// CR, LF or other control characters are refused before anything is sent.
//
// Results are per recipient: one [delivery.Outcome] each, carrying the
// verdict (delivered, deferred, failed), the stage of the session that
// decided it, the reply code, the enhanced status code, the text and the
// remote host. A recipient is reported delivered only after the server's
// final 2xx reply to the message data. Failures no reply describes get the
// RFC 3463 code of their cause: a domain that does not exist (5.1.2), a
// null MX (5.1.10), no usable host (5.4.4) and a malformed address (5.1.3)
// fail; DNS trouble (4.4.3), no answer (4.4.1), a broken connection
// (4.4.2) and an unmet TLS policy (4.7.4, 4.7.5) defer; a Transport that
// is not set up (4.3.5) defers too, so that no mail is lost to a
// configuration mistake. When no recipient was delivered, Send and Deliver
// also return the first recipient's outcome as the error; conditions
// callers branch on are sentinel errors it wraps ([ErrTLSRequired],
// [ErrTooBig], [ErrUnsupported], ...). Nobody needs to parse an error
// text.
//
// # Pool
//
// Sessions are kept per host name (a relay or an MX host): at most
// MaxConnsPerHost are open to one host name, whatever its addresses, TLS
// policies and source addresses (senders wait, bounded by their context),
// at most MaxIdleConnsPerHost wait idle, each for IdleConnTimeout. A session
// is reused only for the same address, TLS policy, source address and
// implicit TLS, and ends after
// MaxMessagesPerConn transactions. Only one message's data is on a session
// at a time, but when senders wait for a session, the one finishing a
// message hands its session straight on: the next sender's MAIL, RCPT and
// DATA leave in the same write as the end of the message before (RFC 2920
// §3.1 lets message content open a command group), and that sender reads
// the previous message's final reply first and passes it back. A message
// is still reported delivered only on its own final 2xx reply; if the
// session fails before it, that message is not reported delivered, and the
// next one, of which the server took nothing, goes on a fresh session.
// An idle session is checked before reuse without a round trip (the
// server must have sent nothing and not closed it), and after a transaction
// that did not complete the next one starts with RSET (pipelined with MAIL
// when the server offers PIPELINING). A reused session found dead at the
// first reply is dropped and the message goes on a fresh one:
// nothing of it reached the server (if BDAT already read part of it, the
// reader must be an io.Seeker for this retry).
//
// RateLimits cap messages per second per destination host or per group of
// hosts (golang.org/x/time/rate); per-host limiters with a full bucket are
// forgotten once there are many. Sources spread sessions over local
// addresses by weight, with warm-up schedules capping each address per day
// and per hour; a message counts against its source's caps only when a
// session is about to carry it (a failed connection costs nothing). The
// counts live in memory unless a WarmupCounter keeps them (in a database,
// so that caps survive restarts and hold across machines). DialContext
// replaces the dialer, as in net/http. A Shaper, when set, changes these
// limits at run time from outside: it admits each message per destination
// host and source (waiting for a rate, or refusing a suspended
// destination with an outcome of its own), may lower or raise the session
// cap per host, and, as a ConnGate, may count sessions across processes;
// the shaping package decides what it says from the replies providers
// give.
//
// # Not done
//
// CHUNKING is not used over LMTP (LMTP sends with DATA), so BINARYMIME is
// not either. DSN parameters are not sent to servers without DSN;
// Result.DSNNotSent says so, and the "relayed" notice RFC 3461 then asks
// for is the caller's to send. 8-bit bodies are not downgraded for servers
// without 8BITMIME (the send fails with ErrUnsupported). MTA-STS testing
// mode is treated as opportunistic TLS, without TLSRPT reporting.
package smtpclient

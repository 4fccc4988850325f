// Package bounce parses and classifies the messages a sender gets back:
// delivery status notifications, the non-standard bounces real MTAs and
// providers send, feedback-loop complaints and auto-replies. It also writes
// DSNs, for MTAs that must return a message they gave up on.
//
// Standards:
//   - RFC 3464: delivery status notifications (parsed by Parse, written by
//     DSN.WriteTo), with RFC 6522 multipart/report and RFC 6533
//     internationalised DSNs (message/global-delivery-status).
//   - RFC 3463: enhanced status codes; the subject.detail of a code is one
//     of the classifier's inputs.
//   - RFC 5321 §4.2: reply codes and the commands they answer.
//   - RFC 5965: Abuse Reporting Format feedback reports (KindFeedback).
//   - RFC 3834: automatic responses (KindAutoReply).
//   - RFC 4155: the mbox format (Mbox).
//   - RFC 2046 §4.1.2 and RFC 2047: charsets of text parts and of encoded
//     words.
//
// # Parsing
//
// Parse reads a message (MIME through github.com/emersion/go-message) and
// returns a Report: its Kind, one Recipient per reported address with the
// DSN fields (Final-Recipient, Original-Recipient, Action, Status,
// Diagnostic-Code, Remote-MTA, Last-Attempt-Date) and the verdict (Reason,
// Hard, Temporary), and the returned original message's header (Original,
// MessageID) to match the bounce to a send by Message-ID, VERP address or an
// X- tracking header. Text parts are decoded from their declared charset
// (ISO-2022-JP, Shift_JIS, EUC-KR, KOI8-R, ...) before they are read.
//
// Mbox splits an mbox file (RFC 4155, mboxrd escaping undone) into its
// messages as it reads, for Parse to take one at a time; Parse itself,
// given an mbox, reads its first message only.
//
// Messages without a delivery-status part are recognised by structure and
// wording, by small detectors rather than one expression: the
// X-Failed-Recipients header (Exim, Gmail), DSN fields written into the text
// or into a multipart whose boundary is broken, Amazon SES JSON
// notifications (also inside SNS envelopes), per-recipient blocks of text
// (Postfix, Sendmail, qmail, Exchange, Yahoo, Gmail, Courier, Domino, ...),
// bare local recipients under "The following address(es) failed", and the
// returned message after a marker line or as a header block.
//
// Malformed, truncated or hostile input never panics: an unreadable header
// gives an error wrapping ErrMalformed, anything else a Report, with Kind
// KindUnknown when it is not a bounce. Input beyond Parser.MaxBytes is not
// read (Report.Truncated).
//
// # Classification
//
// Classify takes a synchronous SMTP failure (reply code, enhanced code,
// text) and returns the same Classification Parse gives a bounced
// recipient, so a sender has one taxonomy whether the failure came in the
// SMTP session or later. ClassifyReply also takes the command the reply
// answered. ClassifyOutcome takes a delivery.Outcome — what smtpclient
// returns per recipient and queue stores — whole: a server reply goes
// through ClassifyReply with the command its stage answered, an outcome no
// server answered (no such domain, null MX, no answer, TLS not available)
// is read from the RFC 3463 code its producer gave it, and Temporary is
// always the outcome's own verdict. NewDSNRecipient builds a DSN's
// per-recipient fields from an outcome (Status, Remote-MTA and
// Diagnostic-Code from the reply).
//
// The classifier decides in this order: a success status (2.x.x) or
// delivered action; a mailer program's failure (Diagnostic-Code type
// x-unix); a provider's documented refusal code (Orange's ofr_506, Yahoo's
// "delivery error: dd" and [TS01]/[TSS04], ...); wording that says the sending MTA gave up; a status code that
// names one reason (x.2.2 mailbox full, x.7.26 authentication, ...); the
// first of an ordered list of phrase detectors (mailbox full before user
// unknown before blocked, ...); the SMTP command (a refusal after MAIL FROM is
// a rejected sender, after EHLO or at connection a blocked host); general
// phrase detectors; the RFC 3463 meaning of the status code. A "no such
// user" answer counts as UserUnknown only when the status says x.1.x or
// the wording places it at RCPT time (the reply names the address it
// refused, or says "Recipient address rejected"); under an x.7.x status,
// after DATA, or with nothing to place it, the recipient's filter spoke and
// the reason is Filtered. In a plain-text bounce, a recipient whose own
// lines name no reason takes it from the text above the recipient list.
//
// Hard is true when the failure is permanent (5.x.x) and the reason is one
// of UserUnknown, HostUnknown, HasMoved or NotAccept: no retry can succeed
// and the address should be suppressed. Everything else is soft: the same
// address may work later or from another sender.
//
// # Reasons
//
// What each Reason means, and what a sender should do:
//
//   - UserUnknown ("userunknown"): the mailbox does not exist. Hard: suppress.
//   - MailboxFull ("mailboxfull"): the recipient is over quota. Retry later.
//   - HostUnknown ("hostunknown"): the domain does not exist or has no mail
//     host. Hard: suppress.
//   - Expired ("expired"): the sending MTA gave up retrying (queue lifetime
//     exceeded), or a delay warning. Soft.
//   - Filtered ("filtered"): the recipient's filter refused the message, or a
//     "no such user" came after DATA. Soft.
//   - Rejected ("rejected"): the sender address or domain was refused (MAIL
//     FROM). Fix the envelope sender.
//   - Blocked ("blocked"): the sending IP or host was refused (blocklist,
//     refused at connection or EHLO). Fix the sending host's reputation.
//   - SpamDetected ("spamdetected"): the content was judged spam.
//   - PolicyViolation ("policyviolation"): the receiver's local policy
//     refused the message.
//   - AuthFailure ("authfailure"): SPF, DKIM or DMARC failed. Fix the
//     sending domain's authentication.
//   - RequirePTR ("requireptr"): the sending IP has no (or a mismatched)
//     reverse DNS name.
//   - BadReputation ("badreputation"): refused for the IP's or domain's
//     reputation.
//   - TooManyConn ("toomanyconn"): too many connections or recipients at once.
//   - Speeding ("speeding"): rate limited; slow down.
//   - MesgTooBig ("mesgtoobig"): the message exceeds the server's size limit.
//   - ExceedLimit ("exceedlimit"): the message exceeds a limit set for this
//     recipient (RFC 3463 x.2.3).
//   - ContentError ("contenterror"): the content or header is malformed
//     (RFC 3463 x.6.x).
//   - NotCompliantRFC ("notcompliantrfc"): refused as not conforming to RFC
//     5322 (duplicate or multiple From, bare LF, ...).
//   - VirusDetected ("virusdetected"): a virus scanner refused the message.
//   - SecurityError ("securityerror"): authentication or credentials
//     required or refused, or another security refusal.
//   - FailedSTARTTLS ("failedstarttls"): TLS was required but could not be
//     negotiated.
//   - Suspend ("suspend"): the mailbox exists but is disabled or suspended.
//     Soft, but stop mailing it for a while.
//   - HasMoved ("hasmoved"): the address has moved (RFC 3463 x.1.6). Hard.
//   - NotAccept ("notaccept"): the host accepts no mail (RFC 7505 null MX,
//     no mail exchanger). Hard when permanent.
//   - NoRelaying ("norelaying"): the server refused to relay.
//   - NetworkError ("networkerror"): DNS or connection trouble, routing loop.
//   - SystemError ("systemerror"): the remote system failed.
//   - SystemFull ("systemfull"): the remote system's disk is full.
//   - MailerError ("mailererror"): a local delivery program failed.
//   - SyntaxError ("syntaxerror"): an SMTP command or parameter was refused
//     as malformed (reply codes 500-504, RFC 3463 x.5.x).
//   - OnHold ("onhold"): there is a diagnostic, but it names no reason.
//   - Undefined ("undefined"): nothing at all to decide on.
//   - Delivered ("delivered"): a success DSN (Action delivered/relayed/
//     expanded, status 2.x.x).
//   - Vacation ("vacation"): an auto-reply, not a bounce.
//   - Feedback ("feedback"): an ARF complaint, or an unsubscribe request
//     sent to a List-Unsubscribe mailto: address: stop mailing the
//     recipient.
//
// # Accuracy
//
// The classifier is measured on the shared corpus of 400 labelled real
// bounces (TestCorpus prints per-field accuracy, accuracy per producing
// family and every miss with -v); it is built from general rules, never
// from file names or MTA families. On that corpus it gets the reason right
// for 95.0% of rows (380), the status for 99.2% (397) and hard/soft for
// 98.0% (392). Hard follows the reason: it is set for a permanent (5.x.x)
// failure whose reason is userunknown, hostunknown, hasmoved or notaccept,
// which is how the corpus labels it, so every hard/soft miss is a reason
// miss across that line. Most remaining misses are labels that depend on
// which product sent the bounce: the same "550 <a@b>: User unknown" with
// no status and no command is labelled a user unknown from one MTA and a
// filter from another, the same qmail "wasn't able to establish an SMTP
// connection ... in the queue too long" is labelled expired once and
// networkerror once, Yahoo's [TSS04] deferral is labelled badreputation
// twice and rejected twice. Others key on vendor codes with no published
// meaning ("LPN000_630", "MCSpamSignature" labelled a virus), and some
// labels contradict their own message (a "5.1.1 User Unknown" labelled
// mailboxfull; two rows for one recipient).
package bounce

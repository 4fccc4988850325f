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
// X- tracking header. Addresses are reported as the bounce writes them
// (RFC 5321 §2.4: a local part may be case-sensitive): a DSN's fields as
// they stand, a text notice's recipients in the spelling of their first
// mention, though its reading compares them case-folded; an
// internationalised address (RFC 6531: a UTF-8 local part, U-labels) whole,
// though letters of scripts written without spaces (Han, kana, Hangul) are
// read as the words a notice writes against an address, not part of it.
// A recipient's DSN fields are read in any order within
// their group (RFC 3464 §2.3: Exim writes Action before Final-Recipient).
// A Final-Recipient written with an RFC 5321 §4.1.2 source route (Oracle
// Messaging Server's "@store.example:user@ims_daemon", its own channel's
// route to an internal address) gives way to the Original-Recipient,
// else to the mailbox after the route (Appendix C makes routes obsolete),
// and so does one whose domain is no domain name, as a receiver that masks
// the address writes it ("****@****", Apple's iCloud; RFC 5321 §4.1.2
// allows letters, digits and hyphens, or an address literal).
// A Diagnostic-Code holding only the first line of a multi-line reply
// ("550-...", RFC 5321 §4.2.1; Sendmail) is completed, for its reading,
// from the reply as the notification's transcript gives it.
// Text parts are decoded from their declared charset
// (ISO-2022-JP, Shift_JIS, EUC-KR, KOI8-R, ...) before they are read; a
// part labelled ISO-2022-JP that holds 8-bit bytes (the 7-bit encoding of
// RFC 1468 cannot) is read as the UTF-8, EUC-JP or Shift_JIS it was
// written in, as Japanese carriers' notices are mislabelled.
//
// Mbox splits an mbox file (RFC 4155, mboxrd escaping undone) into its
// messages as it reads, for Parse to take one at a time; Parse itself,
// given an mbox, reads its first message only.
//
// Messages without a delivery-status part are recognised by structure and
// wording, by small detectors rather than one expression: the
// X-Failed-Recipients header (Exim, Gmail), DSN fields written into the text
// or into a multipart whose boundary is broken, Amazon SES JSON
// notifications (also inside SNS envelopes, and as SES's pages print them,
// with whitespace after the opening brace: RFC 8259 §2), per-recipient blocks of text
// (Postfix, Sendmail, qmail, Exchange, Yahoo, Gmail, Courier, Domino, ...),
// bare local recipients under "The following address(es) failed", and the
// returned message after a marker line or as a header block. A mailing
// list manager's or group service's refusal of a post in its own words
// (Mailman 2.1 and 3, Sympa, mlmmj, ezmlm-idx, Discourse, DoList,
// LISTSERV: text.go, listNoticeWords) is one when it comes from a list
// manager's address (list-owner, -bounces, -request, +owner, -help,
// owner-list, sympa, LISTSERV) or under one of those products' own
// subjects, not as a reply or forward, and not in lines quoted from it;
// its one recipient is the list the post was sent to (an address in the
// subject, X-BeenThere or List-Post, the list whose manager sent it, the
// notice's first address, the returned post's), read as the sender
// refused (RFC 3463 x.7.2) unless its words name another reason (a size
// limit, a rule on the post's addressing, the list's own error), and its
// subject is not read where it is the post's own (Mailman's
// BounceMessage() keeps it). A notice that the post is held for a
// moderator, a request to the list's owner, a discarded post reported to
// the owner, a confirmation request, is none. Such a
// bounce reports its recipients as failed, or as delayed (RFC 3464 §2.3.3)
// when its words say the message is still being retried (Exim's "has not
// yet been delivered", Sendmail's "warning message only") and none say it
// finally failed; words that only say it was not delivered ("could not be
// delivered") do not outweigh words that say attempts go on ("Delivery
// attempts will continue"); the returned message's subject, which a notice
// may repeat ("Undeliverable: <subject>"), is not the notice's words; the
// words above a notice's only recipient are read with that recipient's
// lines when those are short, measured in characters, not bytes (a line of
// Japanese is three bytes a character in UTF-8). An
// SES bounce's bounceSubType is SES's verdict where the recipient's own
// fields name no reason (SES's notification contents page, Bounce types:
// NoEmail and Suppressed an unknown user (OnAccountSuppressionList, a
// list that holds complaints too, none),
// MailboxFull, MessageTooLarge, ContentRejected and AttachmentRejected a
// policy on content), a bounce without a DSN takes its bounceType's class
// (Permanent 5, Transient 4) and is onhold when nothing names a reason;
// event publishing's DeliveryDelay record reports its recipients delayed,
// its delayType read the same way (MailboxFull, RecipientServerError a
// system error, TransientCommunicationFailure a network error). A
// notice that names no recipient of its own, with a DSN attached as a
// message (a gateway forwarding the DSN it got), reports what the attached
// DSN reports. A DSN's Action outside RFC 3464's
// five words is read as its sender meant it: "failure" and "error" as
// failed. nullmailer's DSN ("This is the nullmailer delivery system.")
// says "delayed" for any 4.x status, though nullmailer-send writes one
// only when it has moved the message to its failed queue
// (nullmailer-send(8); its dsn.cc): its delayed recipients are read as
// failed.
//
// The blocks follow the generators' layouts rather than examples of them:
// an address heads its block when it starts the line or follows a label
// naming it a recipient ("Recipient address:", Oracle Messaging Server);
// an address quoted in a reply (after a reply code on its line, or on an
// indented continuation of a record that starts at the margin, as Postfix
// folds, or on a line indented deeper than an address alone on its line,
// Exim's error lines with the "RCPT TO:<x>" its transport sent, whose x
// may lack the address's suffix) belongs to the open recipient, not to a
// new one; recipients
// listed one a line with no words of their own share the error printed
// after the list (Gmail), and so do recipients listed on one line
// separated by commas (Barracuda Spam Firewall's "Your message to: <a>,
// <b>"). In Sendmail's transcript, the lines after "... while talking
// to" or after a finished record belong to the next record;
// a recipient with its own "(reason: ...)" line does not take a pipelined
// transcript's replies, and Sendmail's "addr... User unknown" summary
// (EX_NOUSER) marks a refusal of RCPT. The address an alias or forward
// was expanded from is the OriginalRecipient (Postfix's "(expanded from
// <x>)", Sendmail's "(expanded from: x)", Exim's "(generated from x)");
// Exim's "an undisclosed address" is the address it was generated from,
// and its DSN's Final-Recipient, the alias, takes the text block that
// names it so, unless several blocks do with different words (an alias's
// children, each given the alias as Final-Recipient: which is whose is
// unknown); a "pipe to |cmd" or "save to file" line above "generated by
// x" is that recipient's.
// Exchange 4.0-2003's summary of the returned message (its To and Cc
// above "did not reach the following recipient(s)") names no recipient,
// an X.400 address's "dda:SMTP=" value and an address in single quotes are
// read as the address, an address on the lines that a reply of several
// lines runs on to inside Exchange 2000-2003's diagnostic bracket ("<host
// #5.7.1 smtp;reply>", KB 284204), up to the ">" that closes it, is the
// reply's, and the sender's own address is a recipient when it
// heads its line ("<self@x>: ...", a message one sent to oneself) or
// follows "Rcpt To:" (Postal sends its bounce from the address that
// failed); a message identifier under a "Message ID" label is no
// address, nor is one the refusal asks the sender to forward the message
// to (ezmlm-idx's "please forward this message to <list>-owner@<host>"),
// and a sentence cut at a comma on the line above an address
// it runs on to is that recipient's (gromox's local delivery bounces), and
// in a Sendmail notice that lists its failed addresses ("had permanent
// fatal errors") and no queued ones ("transient non-fatal errors"), an
// address its transcript names only in "addr... Deferred: x" records was
// left in the queue, not failed (savemail.c errbody()). A
// "2.x.x" in a failure's words with no success code beside it is not its
// status ("Mailman 2.0.12"). The recipient's own address is
// masked before the wording is read ("full@", "nullmx.test" are not
// verdicts), and so is a host's name where the text names a host as
// Postfix does, name[address] ("host spamrelay.x[192.0.2.1] said:"), the
// receiver's naming and not its verdict, and a finally failed recipient whose text is the sending
// MTA's own connection failure (no reply, no status: Postfix's "connect
// to x: Connection refused", "lost connection with x while y",
// "conversation with x timed out", Sendmail's "Deferred: Connection
// refused by x", "Deferred: Host x is down") has expired. The failures
// Postfix and Sendmail write in their own words are read as their source
// gives them: a resolver's failure for now (Sendmail's "Deferred: Name
// server: x: host name lookup failure", TRY_AGAIN) is a network error, not
// a domain that does not exist; Postfix's own deferrals of its local
// tables and services ("table lookup failure", "alias database
// unavailable", "local data error while talking to x") are the sending
// system's; its pipe_command() failures ("Command died with status n",
// "... with signal n", "Command time limit exceeded") a mailer program's.
//
// Malformed, truncated or hostile input never panics: an unreadable header
// gives an error wrapping ErrMalformed, anything else a Report, with Kind
// KindUnknown when it is not a bounce. Input beyond Parser.MaxBytes is not
// read, nor a part's body beyond 256 KiB, parts past the 100th or nesting
// past 6 levels; Report.Truncated then says so (a delivery-status part
// listing 100,000 recipients is read up to its first few thousand, cut
// between whole lines).
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
// One decision procedure classifies every failure. Its inputs are the
// enhanced status code (RFC 3463; a specific code quoted in the diagnostic
// replaces a generic x.0.0 one of the same class; a Status field that only
// spells the diagnostic's reply code, "5.5.0" beside "550 User unknown" as
// Stalwart writes one for a reply without an enhanced code, is reported
// but not read as a cause; a recipient a delay notice reports keeps the
// code's subject and detail under class 4, as Postfix reports a deferred
// "554 5.7.1" as 4.7.1: RFC 3464 §2.3.3's "delayed" is still retried), the reply code, the stage (the SMTP command
// the reply answered, from ClassifyReply's argument or the bounce's
// wording: "in reply to RCPT TO command", "after MAIL FROM" (Exim's
// "after pipelined MAIL FROM" too), transcripts,
// Stalwart's "rejected command 'RCPT TO:<x>'", hMailServer's "hMailServer
// sent: RCPT TO:<x>", Haraka's "Some recipients failed:", qmail-remote's
// "Connected to x but sender was rejected.", OpenSMTPD's "BANNER
// rejected:", "HELO rejected:", Postfix's "refused to talk to me" (the
// greeting: the client's refusal where the reply gives no status, an
// undefined one or a security one, else the reply's status names the
// reason, "421 4.4.2 ... timeout exceeded" a network error); ClassifyReply given no
// command reads it from the wording the same way), the DSN action
// and diagnostic type, and the wording. In a session transcript (MDaemon's,
// Sendmail's "<<< " lines) the failing reply is read from its command on:
// the successful replies before it (RFC 5321 §4.2) are not its words, nor
// is a "2.x.x" in a failure's text its status. "virus" inside a scanning
// product's name (InterScan VirusWall, AntiVirus) is no verdict, nor is
// "spam" inside Spamhaus's: named without its domain list (the DBL), it is
// a list of sending hosts (spamhaus.org/zen: Spamhaus's IP lists), unless
// the reply links Spamhaus's page for refused queries (/returnc/: a
// receiver's resolver refused, no listing; the receiving system's
// failure, step 2), nor is "spam" inside a link (a word holding "://" or
// starting "www.": the linked page's name, RFC 3986 §1.1). The first
// step that names a reason decides:
//
//  1. Delivered: a delivered, relayed or expanded action (RFC 3464 §2.3.3)
//     or a 2.x.x status.
//  2. A provider's documented code in the text (Orange OFR codes, Yahoo
//     [TSS04], [PH01] and "delivery error: dd", Comcast BL/ES codes, Cox AUP#
//     codes, AOL RTR/RLY/CON codes, MailChannels' bracketed [S09], [SS],
//     [RBL] ..., Trellix's ETP codes, Sophos Email's XGEMAIL codes,
//     STRATO's "(B-ATTACH)", the outbound policy page Spectrum's refusal
//     links, United Internet's case code c=hi for a header not RFC 5322
//     compliant, Spamhaus's page for refused queries, Spectrum's AUP#In
//     and AUP#I codes, Cloudmark's AUP#MXRT and AUP#CNCT as other ISPs
//     give them, TalkTalk's TT991/TT992, La Poste's LPN007 codes,
//     USA.NET's UNL; and the code families whose digits name the cause:
//     Vade's ELNK_, OXSEU and OXSUS codes, which its postmaster pages
//     explain for EarthLink's and OX's platforms under the same words,
//     "Connection refused" for a blocklisted IP, a missing PTR record or
//     a non-existent user, and SFR's SFR_IN_x01-x05) or a provider's status
//     outside the registry (Exchange
//     Online 4.7.500-699 and 5.7.511, a banned sending IP; Exchange
//     Server's 5.7.900-999, a mail flow rule's rejection), each with the
//     reason its page gives; Sympa's own DSNs (diagnostic type X-Sympa,
//     Sympa.pm send_dsn()): 5.7.1 a post its scenario refused, the
//     sender, 5.2.3 a post over the list's size limit.
//  3. A decisive registered status code: one whose IANA registry meaning
//     names a single reason and which no cited provider uses in another
//     sense (x.1.7/x.1.8 sender address, x.4.7 expired, x.7.20-x.7.26
//     authentication and reverse DNS, x.7.28 mail flood). Codes providers
//     reuse do not decide here: x.1.1 beside "mailbox full", x.1.10
//     (Exchange's "recipient not found"), x.2.2 (Exchange's "submission
//     quota"), x.2.3 (Gmail's size limit), x.7.13 (Exchange Online's
//     public folder that refuses unauthenticated senders), x.7.27 and
//     x.7.30 (Gmail's SPF and DKIM failures). x.1.8 and x.7.23 do not
//     decide under reverse DNS wording: Sendmail's FEATURE(require_rdns)
//     answers "451 4.1.8 Client IP address x does not resolve", Gmail
//     "451 4.7.23 ... doesn't have a PTR record". Nor does x.7.29 (RFC
//     8617's ARC failure), which Gmail gives a message not sent over TLS.
//  4. The wording: an ordered list of phrase detectors, every phrase beside
//     the MTA's or provider's published text it comes from (phrases.go); a
//     provider's words that another product uses otherwise read only under
//     the provider's code (Microsoft's "Recipient address rejected: Access
//     denied", an unknown user under 5.4.1 and 5.7.504, is Postfix's generic
//     access(5) REJECT under 5.7.1, a security refusal). The
//     order: null MX (Postfix's malformed MX answer only under 5.4.4) and
//     moved mailboxes; a sending service's notice that an address is on a
//     suppression list of several kinds of entries (Postmark's inactive
//     recipients, SparkPost's customer and system policy suppressions),
//     onhold, before the words of the causes it lists ("a spam
//     complaint"); a receiving system's own failure whose text quotes
//     other verdicts' words (Postfix's "server configuration error",
//     amavisd-new's "Error in processing, id=" with the check that died,
//     Sendmail's "config error: mail loops back"); a mailing list's refusal of
//     the sender (Mailman's "not allowed to post to this mailing list",
//     its DMARC mitigation's too, which names DMARC without a check
//     failing; "not from a list member"); the sender's address refused (before
//     "domain not found", which it may contain; not when Postfix's "Sender
//     address rejected:" prefixes a policy server's greylisting or rate
//     limit, which read as themselves); the recipient's domain
//     unknown; a quota of the sender, or of the receiving organization's
//     queue (Outlook.com's "Organization queue quota exceeded", a rate),
//     before the recipient's full mailbox, and
//     a full or disabled mailbox before "no such user" (not the sender's own
//     account stopped from sending, Mail.ru's "message sending for this
//     account is disabled", read with the credentials below); user unknown; message
//     size (the recipient's limit before the system's: RFC 3463 §3.4 x.2.3
//     is for a per-mailbox limit below the system's); greylisting (RFC 6647:
//     the client refused for now, blocked, whatever subject its status has);
//     a list host's refusal of HTML (vger.kernel.org's "contains HTML
//     subpart ... SPAM or Outlook Virus", its policy) before the virus
//     words it holds, and a list's rules on a post's addressing or an
//     administrator's rule (Mailman's "implicit destination", ezmlm-idx's
//     "List address must be in To: or Cc:", mlmmj's "rule set up by the
//     list administrator", its policy) before the spam words of an
//     apology;
//     virus before spam (a scanner's "threat found" is a virus verdict, and
//     so is malware named by its kind, ClamAV's signature categories and
//     CARO's types: "Win.Trojan.x FOUND", ransomware, a worm; a
//     virus scanner that failed, Haraka's "Virus scanner timed out", is the
//     system's); SPF/DKIM/DMARC;
//     reverse DNS (not a reverse DNS name that exists and is blocklisted,
//     a host's listing); spam content (a refusal citing SURBL or URIBL, lists of the
//     domains in spam's bodies, or a "URL listed in" a list, judged the content); RFC 5322 and content
//     errors; relaying; the recipient's sender restrictions; TLS and
//     credentials; then the measures a receiver takes, rate limits, connection
//     limits (no RFC orders the two; Postfix's rate text "too many
//     recipients from x" holds its count text "too many recipients"),
//     reputation, blocklisted hosts (and the lookup pages of host
//     lists; "listed in" or "listed at" a list named by its DNS zone is the
//     sending IP's listing, whatever "spam" the zone's name holds), local
//     policy (the client's when it answers the greeting or EHLO: Proofpoint's
//     "550 5.7.0 Local Policy Violation" for a blacklisted server);
//     spam named in any other words (the content's, unless a host's listing
//     is stated beside it: "is listed in", not "not listed in" nor a report
//     line's "[ip listed in zone]") and a quota named in any other words (the recipient's
//     mailbox, unless the sender's sending, or refused at MAIL FROM, before
//     any recipient: Symantec Messaging Gateway's "421 4.7.1 Recipient
//     quota exceeded" for a sender past its rate; not where the words name
//     a mailbox); a bare "access denied" (blocked
//     when it answers the greeting or EHLO, rejected when MAIL FROM); then
//     wordings no phrase holds word for word, read by their words
//     (concepts.go): a subject ("mailbox", "inbox", "account", "relaying",
//     "SPF", "DKIM") followed in the same clause, within 50 bytes, by what
//     is said of it ("is full", "over its storage limit", "inactive",
//     "locked", "not permitted", "invalid"), each word one of the sourced
//     phrases' or of the RFC text defining the reason (RFC 3463 x.2.2 and
//     x.2.1, RFC 5321 §4.2.3's 552, RFC 7372 §3), with words that turn it
//     to something else ("your", "sending", a message's size, a mailbox
//     file's lock, a host named relay, a DNS failure) voiding it: a full
//     mailbox, a disabled one, an unknown recipient ("no account by that
//     name", "user x is not found"; placed by status, stage and shape as
//     the phrases are, so unplaced a filter's), relaying refused, an authentication check
//     failed, a limit over a span of time in either order ("daily send
//     limit reached", "limit of 400 recipients per 24 hours": a rate,
//     not connections at once nor a delivery given up after days), mail
//     sent or received "too quickly" (a rate), connections or sessions
//     over a limit in either order ("too many simultaneous connections",
//     "connection limit exceeded": not a rate of them, nor one that
//     failed), a message over a size limit (not a header's, a line's or a
//     time in the queue), the sender's address refused (not the sending
//     host, an authentication or a "sender blocked", which names either),
//     the sending host refused, dynamic or residential (Spamhaus's PBL),
//     in either order, or named by its address written out and followed
//     by the refusal ("192.0.2.1 has been blocked by x"; not a bracketed
//     one, a host's in a notice, nor one with its port), and delivery attempts exhausted or expired (RFC
//     3463 x.4.7), in that order; then the sending MTA giving up,
//     full systems, network and system errors, mailer programs and syntax
//     (last by design, not by a published precedence: each names a
//     condition of delivery, RFC 3463 x.4.7, x.3.1, x.4, x.3, RFC 3464
//     §2.3.6 x-unix, RFC 5321 §4.2.2, not why the receiver refused). The
//     stage adjusts it: an unknown address at MAIL FROM is the sender's
//     (rejected), at the greeting or EHLO the client's (blocked); "no such
//     user" is an unknown user when the status says x.1.x, at RCPT, or when
//     the reply is RCPT-shaped (it names the address refused, before the
//     words or with them in parentheses after it as GroupWise's notice
//     lists "local@domain (user not found)", or the user as
//     Postfix local(8)'s own lookup does, `unknown user: "name"`, and
//     Dovecot's LMTP, "User doesn't exist: name"; Postfix's own words, under
//     the X-Postfix diagnostic type bounce(8) writes only when no remote
//     server answered (bounce_notify_util.c); Postfix's "Recipient
//     address rejected", Exchange's (Exchange 2003's recipient filtering
//     too), Domino's, MailEnable's address map and Oracle Messaging
//     Server's directory lookups and SRS/MUL address errors, an LDAP check,
//     or words that name the recipient:
//     "invalid recipient", "recipient does not exist", hMailServer's
//     "Recipient not in route list"); after DATA, under a status of another
//     subject (a status of subject 0, x.0.x whatever its detail, names no
//     subject: RFC 3463 §3.2), or with nothing to place it, it is a filter's verdict
//     (filtered), unless it is temporary: a temporary "no such user" placed at
//     no stage is a recipient check's (Postfix's 450
//     unverified_recipient_reject_code), RFC 5321's 450 "mailbox unavailable"
//     (busy) excepted: those words alone, under a 450 or an RFC 3463 x.2
//     status (the mailbox exists: x.2.1 disabled), name no reason at any
//     stage, and the status, stage and reply code read below do. Postfix's
//     own "unverified address:" (its address verification deferred or not
//     finished, verify(8)'s "Address verification in progress") and
//     "address verification problem" are the receiving system's, not an
//     unknown user, unless the deferral's words name one. Nor is
//     Exchange's canned explanation of a 5.1.1 ("The email address you
//     entered couldn't be found") where the remote reply it quotes after
//     "Remote Server returned" names no unknown user. No such words are an unknown user when the reply says
//     it refused "due to policy": RFC 5321's 550 "mailbox unavailable" also
//     covers a "command rejected for policy reasons" (GMX's "mailbox
//     unavailable Reject due to policy restrictions"), nor QQ's "Mailbox
//     unavailable or access denied", which QQ's code tables give to a
//     recipient sent too much mail in a short time (a rate, read before
//     "no such user"). A name server's failure is no missing domain: the
//     SERVFAIL reply code Gmail quotes ("DNS Error: DNS type 'mx' lookup of
//     x responded with code SERVFAIL", which it retries), Go's "server
//     misbehaving", are network errors. "Connection refused" in a server's
//     own reply (a reply code, no x.4 status) refuses the client, blocked:
//     the server took the connection (RFC 5321 §3.1; Vade's "550 5.7.1
//     Connection refused" for a listed IP), unless it quotes a connection
//     that failed (Postfix smtp(8)'s "connect to x[ip]:25: Connection
//     refused" under a relay's code). A host-unknown or network reply under a 4.x status (a
//     delay notice's recipient is under one whether or not its text gives
//     it: OpenSMTPD's "No MX found for domain") is a
//     network error (expired when the words say the sending MTA gave up
//     on it: qmail-send's "this message has been in the queue too long"
//     after the deferral's text), and a network error, or a system error under a 4.x
//     status, of a recipient that finally failed has expired. A local delivery
//     program's output (diagnostic type x-unix) is read for a quota, then a
//     full file system, then a mailer program's failure; then a mailbox
//     status (RFC 3463 x.2.x) names the mailbox's condition that the generic
//     sysexits text beside it does not (Postfix's local(8) gives a mailbox
//     past mailbox_size_limit as 5.2.2 under "input/output error"), and
//     the bare sysexits text of EX_NOUSER or EX_NOHOST ("user unknown",
//     "host name unknown": a program that exited with that code and said
//     nothing) is the program's verdict on the address; else it is a
//     mailer error. A recipient that finally
//     failed after a temporary status whose words name no reason goes on to
//     the steps below (its status, its reply code, else onhold: RFC 3464
//     §2.3.3 "failed" says the sending MTA stopped, not why).
//  5. The registered meaning of any other specific status code (the IANA
//     registry, RFC 3463 §3.3-3.9 and the codes RFC 4954, 5248, 7293, 7372,
//     7505, 8617 and 8689 added) or, for a failure with no specific code, of
//     the code whose registered description its words give ("Mail flood
//     detected", "No passing DKIM signature found"), placed in its stage as
//     wording is (x.1.1 at MAIL FROM is the sender's address; x.1.0, "Other
//     address status", with words that say only "recipient rejected" or
//     "address rejected", an address that does not exist, as the hosts'
//     pages that give those replies explain them: Weboke's, coviserver.de's,
//     Black Pearl Mail's; x.7.2,
//     "Mailing list expansion prohibited: The sender is not authorized to
//     send a message to the intended mailing list", the sender refused);
//     x.3.2 under a
//     4.x status is a system error (RFC 3463's examples: shutdown, load,
//     maintenance), a host that takes no mail only when permanent and not
//     under another reply code than 521 (RFC 7504's 521 5.3.2; ghsmtp's "554
//     5.3.2 not accepting network messages" refuses one client's session),
//     and x.4.4 under a 4.x status a network error (RFC 3463:
//     "Unable to route" covers persistent transient errors too), as x.1.2
//     under one is, but at MAIL FROM, where the domain is the sender's
//     (Sendmail's FEATURE(badmx) "450 4.1.2 MX lookup failure for x").
//  6. The stage: a refusal of MAIL FROM is the sender's (the client's under an
//     x.7 status), a refusal of the greeting or EHLO the client's (blocked; a
//     temporary one is a connection limit), but an x.3 status at any of them
//     the receiving system's (RFC 3463 §3.5: OpenSMTPD's "421 4.3.0 Temporary
//     Error" to MAIL FROM); a refused STARTTLS is TLS not to be had (RFC 3207
//     §4), a refused AUTH the client's credentials (RFC 4954), and 500, 502
//     and 503 (RFC 5321 §4.2.2: command unrecognized, not implemented, out of
//     sequence) a syntax error at any stage. A delay notice (RFC 3464 §2.3.3
//     "delayed") whose words, specific status code and stage name no reason
//     has expired: an "other or undefined" status of a subject (RFC 3463
//     x.3.0) or a bare reply code says only that delivery is deferred, which
//     the notice already says. Whatever step named it, a sender refused
//     (by words or a status such as x.1.7, x.1.8 or x.7.2) in answer to
//     the greeting or EHLO is the client refused: the sender is named by
//     MAIL FROM, not yet given there (RFC 5321 §3.3; ASSP's "554 5.7.2" at
//     connect).
//  7. The status subject (RFC 3463 §3.4-3.9): x.2 a mailbox that exists
//     refused the message (filtered; full, disabled and too-big mailboxes
//     have codes of their own), x.3 the receiving system (system error),
//     x.4 network and routing, x.5 protocol (syntax), x.6 content, x.7
//     security.
//  8. The reply code's meaning: 500-504 and 555 syntax, 521 and 556 no mail
//     accepted (RFC 7504), 530-538 credentials (RFC 4954), 551 moved (when it
//     offers a forward-path to try, RFC 5321 §3.4; not one naming only the
//     address it refused), 451 the receiving system's
//     "local error in processing" (RFC 5321 §4.2.3).
//  9. Onhold when there are words or a code that name no reason, undefined
//     when there is nothing.
//
// A status absent from the failure is inferred: 4.0.0 for a delay (action
// delayed or a delay notice's words), the reply code's class for a
// synchronous reply, 5.0.0 for a recipient a bounce reports as finally
// failed, whatever class its last attempt had.
//
// Hard is true when the failure is permanent (5.x.x) and the reason is one
// of UserUnknown, HostUnknown, HasMoved or NotAccept: no retry can succeed
// and the address should be suppressed. A bounce that reports a recipient
// finally failed (action failed) on an unknown user whose last reply was
// temporary (4.x, as Postfix answers with unknown_local_recipient_reject_code
// 450 or soft_bounce) is hard too, and not Temporary: the sending MTA gave
// up on a mailbox the receiver said does not exist. Everything else is
// soft: the same address may work later or from another sender.
//
// # Reasons
//
// What each Reason means, and what a sender should do:
//
//   - UserUnknown ("userunknown"): the mailbox does not exist, or the
//     address as written cannot be one (RFC 3463 x.1.3, "only useful for
//     permanent failures"; Postfix's "Bad recipient address syntax", with
//     or without its code; a malformed RCPT command is syntax). Hard:
//     suppress.
//   - MailboxFull ("mailboxfull"): the recipient is over quota. Retry later.
//   - HostUnknown ("hostunknown"): the domain does not exist or has no mail
//     host. Hard: suppress.
//   - Expired ("expired"): the sending MTA gave up retrying (queue lifetime
//     exceeded), or a delay warning. Soft.
//   - Filtered ("filtered"): the recipient's filter refused the message, or a
//     "no such user" came after DATA. Soft.
//   - Rejected ("rejected"): the sender address or domain was refused (MAIL
//     FROM), or a mailing list or group refused the post for who sent it
//     (not a member, not allowed to post, refused by its moderator: RFC
//     3463 x.7.2). Fix the envelope sender, or join the list.
//   - Blocked ("blocked"): the sending IP or host was refused (blocklist,
//     refused at connection or EHLO). Fix the sending host's reputation.
//     Greylisting (RFC 6647), a new client refused for now whatever
//     status it is given, is blocked too, and temporary: retry.
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
//   - Vacation ("vacation"): an auto-reply, not a bounce. A message that is
//     neither a report nor a bounce is one when its header says so (RFC
//     3834 "Auto-Submitted: auto-replied", X-Autoreply, X-Autorespond,
//     "Precedence: auto_reply", or Exchange's own out-of-office reply,
//     "X-Auto-Response-Suppress: All" with X-MS-Exchange-Inbox-Rules-Loop),
//     or its subject opens with a responder template's words (Outlook's
//     "Automatic reply:" in its languages, Pigeonhole's "Auto:" where the
//     message answers another or is marked bulk (a German "Auto:" is a
//     car), a help
//     desk's "[tag] AutoReply:") or ends with Lotus Notes' "is out of the
//     office"; the feature's bare names ("vacation", "out of office") count
//     only outside a person's reply or forward ("Re:", "Fwd:") and a list
//     post. A help desk's acknowledgement of a new ticket is an auto-reply
//     (RFC 3834: a response sent automatically to a message); its later
//     notifications, "Auto-Submitted: auto-generated", are not. A read receipt (RFC 8098
//     MDN) is KindUnknown; one that reports a refusal is a bounce.
//   - Feedback ("feedback"): an ARF complaint, or an unsubscribe request
//     sent to a List-Unsubscribe mailto: address: stop mailing the
//     recipient.
//
// # Accuracy
//
// These test sets measure the classifier and the parser; none was written
// from their output.
//
//   - The real-MTA matrix (testdata/mta, TestMTADSNs): the DSNs Postfix
//     3.7, Exim 4.96, OpenSMTPD 6.8 and Sendmail 8.17 wrote when a scripted
//     receiver caused 19 failures (TestGenerateMTADSNs regenerates them),
//     among them a temporary "User unknown" the MTA gave up on, a bare "550
//     User unknown" at RCPT, amavisd-new's virus refusal, Postfix's
//     recipient rate limit and postscreen's refusal, and when their own
//     final delivery failed (12 more, those each MTA can be made to meet):
//     a mailbox past its limit under Postfix's local(8) and virtual(8) and
//     Exim's appendfile quota, an unknown local or virtual user, a private
//     Dovecot's LMTP quota and unknown user behind all four, delivery
//     programs exiting EX_NOUSER, EX_TEMPFAIL and EX_CANTCREAT, a file the
//     delivery may not write, an alias loop and too many hops: 103 DSNs.
//     The DragonFly Mail Agent 0.13 (dma), which writes a plain-text
//     bounce and no DSN, adds 17 bounces for the remote causes it can
//     meet (no LMTP, program, file or limited local delivery, no
//     per-host TLS policy, a five-minute greeting timeout; its temporary
//     failures and its null MX are reported as given up). The Courier
//     mail server 1.0.16 adds 19 DSNs, for every remote cause (its local
//     delivery is not set up, it has no LMTP client, and it relays 60
//     hops, within its limit of 100); its DSN gives every failed recipient
//     Status 5.0.0, reports a null MX as "No such domain." and a server
//     that never greets with no diagnostic (read as onhold). nullmailer
//     2.2, which relays everything to one smart host, adds 13 DSNs, for
//     every cause the smart host's replies make (no MX lookup, local
//     delivery or LMTP; its DSN goes to the same host, so a host that
//     takes nothing cannot return it); its DSN says "delayed" for a
//     temporary failure that outlived queuelifetime, read as failed, and
//     its text names no reply (read as onhold). Haraka 3.3.4, whose
//     outbound delivery routes by a get_mx plugin and bounces at the
//     first temporary failure (temp_fail_intervals = none), adds 21 DSNs,
//     for every remote cause and the LMTP ones (no local delivery; it
//     relays 60 hops, within its limit of 100); its DSN gives a host it
//     could not reach Status 5.1.2 with "Tried all MXs", read with its
//     "Too many failures" as given up, and a host that lacks the TLS
//     force_tls_hosts requires no Status or diagnostic, its text's "No TLS
//     available but required" read as failed STARTTLS: 173 of 173
//     right in reason, status and hard/soft; read from their text parts
//     alone (the delivery-status part taken out, TestMTATextOnly; dma's
//     whole bounce), 173 of 173 right in recipient, reason, hard/soft and
//     the receiver's status. Each MTA but dma (one bounce per recipient,
//     no delay warning), nullmailer (the first refused recipient fails
//     the message; no delay warning) and Haraka (a refusal after DATA is
//     reported for every recipient, those refused at RCPT too; no delay
//     warning) also wrote one DSN for a message to four
//     recipients refused differently in one session and one delay
//     warning for two recipients refused for now (TestMTAMulti): every
//     recipient right, from the DSN and from the text.
//   - MTAs written in Go (testdata/gomta, TestGoMTADSNs): the DSNs that
//     chasquid 1.15 and mox 0.0.15 wrote through their own queues when a
//     scripted receiver, the DNS or a local delivery program caused a
//     failure (a 550 5.1.1, Gmail's multi-line one and a 552 5.2.2 at
//     RCPT, a spam refusal and a temporary 451 after DATA, greylisting, a
//     refused connection, a 554 greeting, a null MX, TLS it requires and
//     cannot have, an MDA exiting 1 or 75, several recipients failing
//     differently; delay notices and given-up deliveries): 27 of 27
//     recipients right in action, reason, status and hard/soft (22 before
//     mox's null MX words, chasquid's "MDA delivery failed" and "Security
//     level check failed" were read); read from their text alone
//     (TestGoMTATextOnly), 27 of 27, one of chasquid's as the text says
//     it without a status (its MDA's EX_TEMPFAIL given up). (chasquid's
//     NXDOMAIN is not among them: its generator asked the machine's own
//     resolver; Go's "no such host" it quotes is a Classify case.) gromox's local delivery bounces and Postal's
//     bounce are read as their sources write them
//     (TestGromoxPostalFormats, TestGromoxDSNLayout; 2 of 7 before).
//   - Template tests (formats_test.go): the non-standard layouts as their
//     generators' sources and documentation write them (qmail-send and
//     qmail-remote, Exim's bounce and delay warning, Sendmail's
//     transcript and warning, Postfix's bounce(5) templates, OpenSMTPD's
//     bounce.c, Exchange 2003 to Exchange Online, its German NDR and its
//     English and German delay notices, Exchange Online's NDRs in French,
//     Spanish, Italian, Portuguese, Dutch and Japanese and its French delay
//     notice (TestLocalisedExchangeFormats: from a tenant's
//     MicrosoftExchange address, only the localised words say it is a
//     bounce), Gmail's notices, Yahoo, Courier, Domino, Oracle Messaging
//     Server, MDaemon, the "Mail System Error - Returned Mail" notice,
//     hosting providers' delay notices), with several recipients,
//     multi-line and folded replies, transfer encodings and quoted other
//     addresses; the wordings of the phrase tables read from
//     non-English sources (TestLocalisedWordings: Spanish, Italian,
//     Chinese, QQ Mail's and Italiaonline's notices) as those sources
//     give them, with no reply code; and gateways' and providers' notices
//     as published examples show them (TestGatewayLayouts: Cisco
//     IronPort, MessageLabs, AppRiver, Google Groups, an SES forwarder,
//     Forward Email, AOL, Yahoo, Outlook.com, GMX, Tiscali); gateways'
//     and groupware servers' own notices as their documentation, source or
//     published examples show them (TestExternalNDR: SmarterMail,
//     Symantec Messaging Gateway, Barracuda Spam Firewall, CommuniGate
//     Pro, IronPort's administrator bounce, XMail, MailEnable, slimta,
//     Citadel, amavisd-new's banned-contents notice, one.com's Halon
//     notice and PowerMTA's text part: 13 of 19 read right before their
//     readings, 19 of 19 after); and returned-mail
//     notices in the sender's or the provider's language as published quotes
//     of them show them (TestLocalisedNotices: Exchange's NDRs in German,
//     Portuguese, Polish, Spanish and French, Yandex's Russian notice,
//     imail's Chinese one, o2switch's French one, Seznam's Czech one,
//     1&1 IONOS's, Telecom Italia's, and Yahoo's as its Italian help
//     shows it), each taken for a bounce from its own words, its
//     recipient found and its reason read; ordinary mail that shares
//     their words stays unknown (TestLocalisedNotBounces).
//   - Replies and returned-mail texts not in English (testdata/
//     intl-replies.csv, TestIntlReplies): 65 rows from 26 pages in 12
//     languages, as receivers write them (web.de's bilingual replies,
//     Exchange's NDR texts in seven languages as pasted or published,
//     Naver's, Daum's and DTI's notices) and as providers' and hosts'
//     help pages name them (Gmail, Outlook.com, Onet, SARE, mail.fr, Czech,
//     Japanese and Chinese hosts), the truth from each page, written
//     before the classifier was run: first contact reason 8 (12.3%),
//     hard/soft 37 (56.9%), all but one miss words no phrase knew; after
//     the readings those pages give (phrases.go, rcptStageWords), 43
//     (66.2%) and 49 (75.4%). Of the 22 left, 20 are documented
//     exceptions: 15 user-unknown wordings with no stage and no recipient
//     named, read as a filter's as their English is; Gmail's "temporarily
//     rejected" (three languages), whose words name no reason; Gmail's
//     "recipient server did not accept our requests" (two), read as its
//     English, Gmail giving up.
//   - Other projects' real bounces and bounces quoted in public, each
//     case minimal (addresses and hosts replaced), naming where it was
//     seen and the source of its meaning, which was written before the
//     case was run; the figures are before and after the readings each
//     set brought (TestExternal*):
//   - Mail-DeliveryStatus-BounceParser's, deltachat's and flanker's test
//     data: 27 of 31 right, the layouts they taught in
//     TestExternalLayouts; GNU Mailman's 142 real recipients gave the
//     readings of TestRealReplyReasons (32 onhold, each with no published
//     reading of its words).
//   - Crisp's email-bounce-parser fixtures: the 60 named 4xx or 550 5.x,
//     reason 51 → 57, hard/soft 55 → 57 (TestExternalCrispA); 40 others,
//     33 → 35 and 36 → 37 (TestExternalCrispB).
//   - The PHP-Bounce-Handlers', bounce-parser's and bounce_email's 107
//     real bounces: recipient 103 → 106, reason 91 → 97, hard/soft 100 →
//     105 (TestExternalPHP).
//   - 32 recipients of Discourse's, CiviCRM's, listmonk's, Odoo's,
//     Mautic's, MailBounceDetector's and the bounce-email gem's test
//     bounces: 28 → 31 in reason and hard/soft (TestExternalMisc).
//   - 19 recipients of 16 bounces in e-mail libraries' test data (the Ruby
//     mail gem's, MimeKit's) and list archives (QQ, groups.io, iCloud,
//     Dovecot, Gmail), the 17 whose words have a published meaning
//     scored: recipient 16 → 17, reason 12 → 14, hard/soft 12 → 14
//     (TestExternalLibs).
//   - 32 bounces (36 recipients) people pasted into issue threads and
//     help pages, each with the cause the thread's answer or the provider
//     gives (Postfix, Exim, Sendmail, qmail, OpenSMTPD, Haraka, Exchange
//     Online, Gmail, Oracle's messaging server, Purelymail; reverse DNS,
//     virus, quota, connection limits, directory lookups): recipient 35 →
//     36, reason 30 → 36, hard/soft 34 → 36 (TestExternalQA: a program's
//     output above a Sendmail record is its error, as prog_open() puts a
//     program's stderr into the transcript; a Postfix record runs to the
//     blank line bounce(8) prints before the next, and its "(expanded
//     from" may wrap before the address; a quoted local part, RFC 5321's
//     Quoted-string, may hold an "@" of its own; Yahoo's SLN3436 and
//     Exchange Online's "error code 5.1.10" advice read as their pages
//     explain them); three more misread and stay out, listed in
//     external_qa_test.go.
//   - 25 more, pasted into mail servers' and senders' issue threads and
//     hosting and university help pages (Gmail's older notice, Yahoo's own
//     bounce, iCloud's [CS01] and Proofpoint blocks, GMX's PTR refusal,
//     Exchange 2003, 2007 and Online NDRs, one in French and English,
//     SmarterMail, Sendmail transcripts and warning, maildrop's quota, an
//     Exim reverse-lookup refusal, queues expired, a greeting refused in a
//     delay notice): 24 → 25 in reason and hard/soft (TestExternalQA2:
//     Oxford's relay's "Recipient failed verification", a check it makes
//     before accepting, is an unknown recipient at RCPT); three more stay
//     out, listed in external_qa2_test.go.
//   - 18 returned-mail notices as Japanese carriers', ISPs' and hosts'
//     help pages show them with their meaning (OCN's Postfix notice with
//     its Japanese paragraph, asahi-net, KAGOYA, さくらインターネット,
//     DDNet, JFUL, Yahoo! JAPAN, em-net's procmail quota, docomo's refusal
//     by its recipient's reception settings, ...): 16 → 18 in reason and
//     hard/soft (TestExternalJA: Sendmail's "(reason: ...)" line quotes
//     the last reply whatever command it answered and names no stage, so
//     a bare "550 Unknown user" there is a filter's; Plesk's "This address
//     no longer accepts mail", its own notice for an address its domain
//     does not have, is an unknown user).
//   - 24 more (TestExternalJA2): carriers' refusals in the sender's
//     Sendmail DSN read by their Status (5.2.0 a reception setting, 5.1.1
//     an unknown user), docomo's "550 Unknown user" after DATA, WILLCOM's
//     full mailbox, au's 550 at RCPT, Yahoo! JAPAN's "Failure Notice",
//     Gmail's notices in Japanese (配信未完了, 宛先の受信トレイの空き容量不足)
//     and its "Illegal envelope To: address", NTT's hosting, Asahi Net,
//     KAGOYA, WebARENA, Outlook.com's S3140 to a rental server, HENNGE
//     One's NDR and Email DLP's sending limits, each with its page's
//     meaning: recipient 24, reason 18 → 22, hard/soft 22 → 23 (HENNGE's
//     limits, a DLP's size limit and Gmail's syntax refusal read as their
//     pages explain them); the two misread, Yahoo! JAPAN's expired 454
//     relay refusal and au's 550 "User unknown" for an address its page
//     found right, are listed in external_ja2_test.go.
//   - Japanese ISPs', hosts', mail services' and help pages' returned-mail
//     texts (testdata/ja-replies.csv, TestJapanReplies): 52 rows from 27
//     pages (ちゅピCOM, イッツコム, BBIQ, メガエッグ, Asahi Net, さくらインター
//     ネット, WebARENA, E-Post, Microsoft's Japanese Outlook help, Gmail's
//     Japanese notice, Yahoo! JAPAN's notices, au's replies, fml8's examples
//     of pakeo.ne.jp's, jp-r.ne.jp's and freeserve's own notices,
//     クラウドサイン's Japanese notice, Hitachi's Groupmax gateway, ...), none
//     in another table, a refusal by the recipient's reception settings
//     (受信拒否) labelled filtered; each page's meaning written before the
//     classifier was run. First contact, 41 rows: reason 21, hard/soft 25
//     (the Japanese wordings read as onhold, user-unknown words with no
//     stage read as a filter's); after the readings those pages give
//     (phrases.go, rcptStageWords), 25 and 28; a second round of 4 from
//     fml8, 0 → 4 (hard/soft 2 → 4); a third of 7 (CloudSign's reasons,
//     SES's bounce types in Japanese, and Groupmax's), 0 → 6 (hard/soft 5
//     → 6). The table: 35 of 52, hard/soft 38; the 17 left,
//     user-unknown words quoted without their stage and Postfix's own
//     words for other meanings, are listed in japan_test.go. Six whole
//     notices the same pages quote (TestExternalJA3: DTI's notice in
//     Japanese, Asahi Net's Postfix notice, qmail-send's with Spamhaus,
//     blacklist and Office 365 refusals): 5 → 6 (a single recipient's
//     lines are measured in characters, not bytes, when the words above
//     them are read with them, and DTI's Japanese heading names the RCPT
//     stage as its English does); a seventh, Lotus Notes' report in
//     Japanese (its recipient on a "送信先:" line), read right as added.
//   - 34 bounces and delay warnings Exim's own test suite records (its
//     test/mail, each with the cause its script and configuration set up:
//     retry timeouts and hosts past their retry time, 450s given up, a
//     greeting and HELO refused, unrouteable domains and aliases, an MX
//     pointing at the sender, a quota given up, filters' fail texts, pipes
//     and files a forward generated, hidden addresses, a transport's size
//     limit), 44 recipients: recipient 42 → 42, reason 28 → 31 of the 41
//     whose cause a reader can score, hard/soft 41 → 42 (TestExternalExim:
//     an Exim DSN names the alias while its text heads the block with the
//     address generated from it; a "pipe to" or "save to" line and "an
//     undisclosed address" head their recipient's block, as a delay
//     warning, with no X-Failed-Recipients, needs); the misses, filters'
//     fail texts, a size limit its bounce does not name and quoted local
//     parts with spaces, are listed in external_exim_test.go.
//   - 12 bounces (16 recipients) pasted on pastebin.com, read by the
//     provider's, MTA's or RFC's own words (Domino's Delivery Failure
//     Report, qmail-send's notices with EarthLink's, AT&T's and
//     Outlook.com's replies and a local quota, Yandex, Mail.ru and AOL
//     replies in Exim's bounce, IONOS's notice, Dovecot's LMTP quota in an
//     Exim DSN, Gmail's notices, senders refused by Postfix, an Exchange
//     Online delivery refused until it expired): recipient 16, reason 15,
//     hard/soft 15 right, no reading changed (TestExternalQA3 holds the 14
//     read right; the two misread, Exchange Online's status taken from an
//     earlier attempt's line and Mail.ru's "user is terminated", had no
//     published source and are listed in external_qa3_test.go; the first
//     is read since TestExternalMicrosoft's dated attempts, newest first).
//   - 30 bounces and delay notices (33 recipients) that help-desk,
//     list-manager and knowledge-base pages and issue threads quote
//     (Sendmail 5 and 8 transcripts of 1991-1997, qmail-send with four
//     recipients and with a greeting refused until it gave up, Exim's
//     delay warnings, Exchange 2003 and 2010 NDRs and an Exchange delay
//     notice, Postfix with "(expanded from" and with its DSN, Gmail's
//     notices), the truth of each from the page's, the thread's or the
//     MTA's or provider's own explanation: first contact recipient 33,
//     reason 27, hard/soft 30; after, the 31 whose reading has a
//     published source all right (TestExternalQA4: Sendmail's "config
//     error: mail loops back" is a system's configuration, its EX_CONFIG
//     5.3.5, not a routing loop; "error in processing", RFC 5321 §4.2.2's 451
//     text amavisd-new answers with, the receiving system's; Mailman's
//     "script, list not found" in a program's output no such list;
//     "#5.1.0 Address rejected" an unknown address); the two misread,
//     Gmail's "the domain x couldn't be found" and an alumni account's
//     "email blocked outside x", have no published source and are listed
//     in external_qa4_test.go.
//   - 23 recipients of bounces checked into other repositories and read
//     by their own words' published meaning: ZMailer's "Delivery reports
//     about your email" in the lore-inbox archive, MailEnable's and
//     T-Online's notices and others quoted in the eris parser's comments,
//     froide's test bounces, Exchange and MS Mail NDRs in Microsoft's
//     Knowledge Base: recipient 23, reason 18 → 19, hard/soft 20 → 20
//     (TestExternalCode: "SPF: <ip> is not allowed to send mail from
//     <domain>", Exim's SPF ACL message, is an SPF failure); the four
//     misread, the KB's three and a notice's "The following recipients
//     are unknown:" with no source for its layout, are listed in
//     external_code_test.go.
//   - 9 recipients of bounces quoted in the comments of the eris
//     parser's other files (Trustwave MailMarshal's, MDaemon's, Mimecast's,
//     b1gMail's, XGen's and MessageLabs-relayed notices, MDaemon's session
//     transcript, Mail.ru's Exim "rejected by local scanning code"), read by
//     their own words' published meaning: recipient 9, reason 3 → 4,
//     hard/soft 4 → 5 (TestExternalEris holds the four read right:
//     MDaemon's "<addr> - no such user here." names its recipient as
//     "<addr>: ..." does); the five misread, site texts and words with no
//     published source, are listed in external_eris_test.go.
//   - 23 recipients of 22 notices written by gateways, appliances and
//     groupware as their vendors' pages, their source or published copies
//     show them (m-FILTER's NDR from Digital Arts' FAQ, Axway Email
//     Firewall's delay notice, Symantec Email Security.cloud's notice with
//     the refusals Broadcom's article lists by cause, Symantec Messaging
//     Gateway giving up, ZoneMTA's bounce, JunkEmailFilter relaying an SPF
//     refusal, Domino R5's "Your document:" report, the "This Message was
//     undeliverable" notice's queue expiry): recipient 23, reason 20 → 23,
//     hard/soft 23 (TestExternalAppliances: Axway's "Attempts to connect
//     to the remote server have failed" is a network failure, "within the
//     allowed queue period" a queue that ran out); what was left out is
//     listed in external_appl_test.go.
//   - 27 recipients of 19 bounces forwarded or quoted into mailing lists
//     and kept in their archives' mirrors (lore-inbox, the lfdr.de
//     mirrors): Sendmail transcripts of 2001-2003 and a Sendmail 8.12 DSN,
//     InterMail's notices, ZMailer's report, Postfix, Exim with five
//     greylisted recipients, qmail, Exchange's and Outlook.com's
//     diagnostic blocks, Gmail, IronPort with three, a Microsoft SMTP
//     service DSN, a parked domain's notice, most of them quoting
//     vger.kernel.org's own refusals: first contact recipient 27 (one
//     more, a deferral, reported beside them), reason 15, hard/soft 27;
//     after, the 26 whose reading has a published source all right
//     (TestExternalArchives: ZMailer's "for MAIL FROM address <x> policy
//     analysis reported" refuses the sender's address, vger's "contains
//     HTML subpart" is its policy on HTML, not a virus, "Wrong MIME
//     labeling on 8-bit character texts" the content's labeling, and an
//     address Sendmail's transcript shows only "Deferred" is no failed
//     recipient); the Message-Id refusal misread, with no published
//     source for its words, is listed in external_lkml_test.go.
//   - 20 recipients of 17 notices forwarded into, pasted into or received
//     and archived by 17 other threads of mailing lists and newsgroups
//     (qemu-devel, oss-security, cygwin-patches, netdev, linux-media,
//     linux-edac, linux-bluetooth, linux-scsi, linux-watchdog, amd-gfx,
//     intel-gvt-dev, linux-kernel, pbslist, a Microsoft newsgroup):
//     Postfix's notices and DSNs (Gmail's spam and SPF/DKIM refusals, an
//     unknown recipient, a full mailbox in two languages, Yahoo's TS01 in
//     a delay notice), ZMailer's report of an ORBS listing, qmail-send
//     with Gmail's DMARC refusal, a SpamCop listing and a list host's
//     header rule, Exim's remote "Unrouteable address", web.de's notice
//     for three recipients, Zoho's, Exchange Online's unknown addresses
//     and its 5.4.317 expiry, Gmail's virus notice; the truth of each from
//     the thread's explanation or the generator's and provider's own
//     words, written before Parse ran: first contact recipient 20, reason
//     17 (85%), hard/soft 20 (100%), status class 19 (a DSN's Status
//     4.7.26 against its reply's 5.7.26, the receiver's status this
//     package reports); after one reading from its source, reason 18
//     (90%) (TestExternalLists: Exim's header_syntax refusal in the words
//     an Exim configuration gives it, "Message headers fail syntax check",
//     is a message not conforming to RFC 5322); the two misread, a list
//     host's "List address must be in To: or Cc:" read as spam for its
//     apology's "spammer" (read as the list's policy since ezmlm-idx's
//     ERR_NO_ADDRESS gave those words a source, listPolicyPhrases; still
//     out of the table, its whole notice not at hand) and Gmail's "may
//     contain a virus" over a refusal of HTML, are listed in
//     external_lists_test.go.
//   - 35 recipients of 34 bounces, delay notices and DSNs pasted into
//     GitHub issue threads of mail servers and senders (mailcow, Mailu,
//     Stalwart's Thundermail, wildduck's ZoneMTA, Sympa, Mautic,
//     Roundcube, Dada Mail, projects whose contact address bounced):
//     Postfix's notices, delay warning and DSNs, Gmail's older and newer
//     notices and DSN, Exchange Online's NDRs, Exim's bounces and DSNs and
//     cPanel's deferral, Stalwart's with two recipients, a Cisco, a Trend
//     Micro and a Korean relay's notice; unknown hosts, a sender refused
//     by a callout, block lists, SPF, spam, quota, disabled Gmail
//     accounts, a queue lifetime run out: first contact recipient 35,
//     reason 33, hard/soft 35, action 34; after, 34 of 35
//     (TestExternalGitHub: Exchange Online's "custom mail flow rule" NDR
//     is the receiving organization's policy, cPanel's Exim's "Message
//     will be reattempted later" a delay); the misread group restriction
//     and three with no published meaning are listed in
//     external_gh_test.go.
//   - 21 bounces, delay notices and DSNs (21 recipients) pasted into
//     question-and-answer places and the help pages that answer them
//     (ConfTool's support forum, a Chinese Exchange forum, Tufts', Maryland's
//     and SNMail's help desks, administrators' posts, Broadcom's and
//     Oracle's answers to a customer's bounce): Postfix with Host Europe's,
//     1&1's and Gmail's refusals and AOL's, Exim with Gmail's attachment
//     rule, Oracle Messaging Server's quota and directory lookup, Exchange
//     2003 (in English and Chinese, a queue that expired, a Forefront block
//     list, DNS), Exchange 2010 and an Exchange delay notice, Sendmail
//     transcripts of 1997-1998, qmail and Symantec Messaging Gateway with
//     Outlook.com's SC-001: first contact recipient 20 (one spurious,
//     an address a bracketed reply quoted), reason 17, hard/soft 19;
//     after, recipient 21, reason 17, hard/soft 19 (TestExternalQASites:
//     Exchange 2003's bracket holds the lines of a reply of several lines
//     up to its ">"); the four misread, Exchange 2003's 5.4.0 "could not
//     be found in Domain Name Service", two of Maryland's Sendmail table
//     cells and AOL's fault that answered 5.1.1 for valid addresses, are
//     listed in external_sf_test.go.
//   - 15 Microsoft NDRs and notices quoting a Microsoft refusal (15
//     recipients), pasted into GitHub threads (Microsoft's documentation
//     repositories among them), a forum, pastebin and an administrator's
//     page: Exchange Online's NDRs with 5.7.708, 5.7.520 (external
//     forwarding), 5.1.8 and its German NDR listing a 5.4.316 expiry over
//     its 4.4.316 attempts, Exchange Server's 5.4.14 hop count and 2013's
//     group restriction, Postfix, Exim, Gmail and a relay's DSN quoting
//     EOP's 5.7.606, Outlook.com's S3150, 5.2.122, 5.5.0 (S2017062302)
//     and 4.7.500 (a delay), DBEB's 5.4.1: first contact recipient 15,
//     reason 13, hard/soft 15, status 14, action 15; after, reason 14,
//     status 15 (TestExternalMicrosoft: Outlook.com's "messages they can
//     receive per hour" is a rate; of Exchange's dated attempts, newest
//     first, only the first is the failure's); the misread group
//     restriction (RESOLVER.RST.AuthRequired, read as a security error as
//     the corpus labels it) and two left unscored are listed in
//     external_ms_test.go.
//   - 25 recipients of 22 whole notices from 19 help-desk and
//     knowledge-base pages and issue threads, sought for the generators the
//     rounds above hold least (AOL's help and its own old notice, a 2006
//     support newsletter's qmail-send, pobox.com's common bounces in
//     Postfix's old notice and a procmail transcript, Microsoft's KB on
//     Exchange 5.5's Internet Mail Connector, Perl's RT tickets, Google
//     Groups, an ezmlm list's refusal through qmail-send, Mimecast's
//     envelope block and cPanel's max defers in Exim bounces, hosting
//     pages' Exim bounces, a Windows SMTP DSN naming no reason, an Exchange
//     delay DSN, Postfix local(8) with a quoted local part, ITS's COMSAT):
//     first contact recipient 24, reason 20 (80%), hard/soft 21 (84%);
//     after, reason 21, hard/soft 21 (TestExternalNotices: an address a
//     refusal asks the sender to forward the message to is no recipient,
//     ezmlm-idx's "only subscribers may post" refuses the sender); the
//     four misread, Gmail's older notice over "550 unknown user" with no
//     stage, COMSAT's "NAME" at HOST, a host's "Unrouteable address" for
//     its daily sending limit and Exchange 5.5's IMC "Recipient Not Found"
//     (its tag read as the stage would turn a shared corpus row), are
//     listed in external_notices_test.go.
//   - 32 recipients of 31 whole returned messages from sources no earlier
//     round used, sought for first contact (issue threads' pasted Postfix,
//     qmail, Exim, Gmail and Exchange 2010 notices, Yahoo's own notice
//     over iCloud's policy refusal, Yahoo's help page's qmail-send, a
//     list service's wiki, a bounce parser's pull request, pastebin's
//     MailEnable and Gmail notices, and RIPE NCC's whois test messages:
//     Exim DSNs, OpenSMTPD's, Cisco Secure Email's): first contact all 31
//     read as a bounce, recipient 32, reason 28 (87.5%), hard/soft 29
//     (90.6%); after, reason 30, hard/soft 31 (TestExternalWhole: Exim's
//     router verdict under the address it lists, its default
//     configuration's "Unknown user", read as an unknown user); then 31
//     and 32, Gmail's notice of a domain that "couldn't be found" read as
//     a domain that does not exist (hostDoesNotExist: RFC 3463 x.1.2, in
//     the words Exchange Online's NDR uses of an address); the one
//     misread, Gmail's notice of a "misconfigured" remote server with no
//     reply quoted, is listed in external_whole_test.go.
//   - A second such round, 31 recipients of 30 whole returned messages:
//     zammad's and Discourse's test mail, the BounceParser corpus files
//     no earlier round used (Sendmail 8.12 DSNs over AT&T's, Cox's,
//     Hotmail's and Gmail's refusals, Exchange 5.5's IMS, Domino 6.5,
//     qmail-send, an Exim relay giving up, AOL's own notice, Telenor's
//     DSN, Postfix DSNs over many receivers), a Postfix delay notice and
//     an Exchange Online group's refusal from issue threads: first
//     contact all 30 read as a bounce, recipient 30, reason 25 (80.6%),
//     hard/soft 28 (90.3%); after, reason 26 (TestExternalWhole2: spam
//     named in reply to MAIL FROM refuses the sender, RFC 5321 §3.3); the
//     five misread are listed in external_whole2_test.go.
//   - A third round aimed at current generators, 22 whole returned
//     messages of 2022-25 (emailengine's and chatwoot's real bounce
//     fixtures: Exchange Online, Outlook.com, Gmail, Zoho, Fastmail,
//     Yahoo, Amazon WorkMail, Mail.ru, Rambler, 163.com, in Estonian,
//     Russian and Chinese too; eight issue threads): first contact all 22
//     read as a bounce, recipient 21, reason 20 (90.9%), hard/soft 21
//     (95.5%), no rule changed (TestExternalWhole3; the three misread, a
//     damaged paste, a Google group's notice that names no group, and
//     Exchange Online's 5.7.501 "Spam abuse detected from IP range" read
//     as the banned account Microsoft's table gives 5.7.501, are listed in
//     external_whole3_test.go). Over the three rounds, first contact read
//     73 of 85 reasons (85.9%) and 78 of 85 hard/soft (91.8%): the
//     honest estimate for returned messages never seen, short of issue
//     17's 90% and 97%.
//   - A fourth round, 18 recipients of 16 whole returned messages from
//     bounce fixtures of mailgun/flanker, mikel/mail and
//     rgl/MailBounceDetector (Gmail 2012-13, Office 365, AOL's Postfix,
//     Sendmail 8.14, qmail-send, Exchange 2010, Cingular): first contact
//     all 16 read as a bounce, recipient 18, reason 13 (72.2%), hard/soft
//     16 (88.9%), no rule changed for it (TestExternalWhole4); since, 14
//     and 17 (Gmail's "550 5.1.0 Recipient rejected", step 5). Over the
//     four rounds, first contact read 86 of 103 reasons (83.5%) and 94 of
//     103 hard/soft (91.3%).
//   - A review of the hard/soft decision (TestReviewHSReplies,
//     TestReviewHSBounces): 26 published replies and 5 bounces that name,
//     or seem to name, a dead address or domain (Gmail's SERVFAIL and
//     NXDOMAIN, Go's resolver errors as chasquid quotes them, Postfix's
//     name service errors and address verification, a relay's "domain in
//     the email address does not exist", RFC 5321's 450 and 550 "mailbox
//     unavailable", ghsmtp's 554 5.3.2 and RFC 7504's 521, United Online's
//     "is not a valid user", a sender refused with "does not accept mails
//     from", a message refused as "this mail server does not accept mail
//     without the required MIME headers", a server that "does not accept
//     mail for" a domain it does not host, an Exchange NDR whose canned
//     "email address you entered couldn't be found" renders a relay's
//     5.1.1 around a NiX Spam listing), each with its source's meaning:
//     reason 13 → 31, hard/soft 18 → 31 (a SERVFAIL, a verification not
//     finished, a 450 given up and the NDR's listing were hard; a 5.3.2
//     refusing one session, and a sender, a message and a domain one
//     server will not take refused in RFC 7504's words, were a host that
//     takes no mail). Exchange's explanation is read only where the
//     remote reply it quotes ("Remote Server returned") bears it out.
//   - Email service providers' own published examples: Amazon SES's
//     bounce, complaint and delivery notifications and event-publishing
//     records (every bounce type and subtype of its table, a
//     DeliveryDelay record, a bounce as an SNS "email" subscription mails
//     it), each as the page prints it and compacted as SNS sends it, 22
//     notifications, 24 recipients: first contact recipient 5, reason 3,
//     hard/soft 3 as printed (whitespace after the opening brace hid the
//     JSON) and 23, 11, 18 compacted; after, 24, 23, 23 both ways; and 8
//     DSNs, SES's own from MAILER-DAEMON@amazonses.com and SES
//     receiving's Bounce action templates: 8, 7, 8 before and after
//     (TestExternalESP: SES's bounceSubType read as its verdict, a bounce
//     without a DSN given its bounceType's class, the DeliveryDelay record
//     read, Postfix's "X-Postfix; unknown user" its own lookup); the two
//     misread, and the providers whose examples are HTTP webhooks or
//     could not be found (WorkMail's notice, SendGrid's), are listed in
//     external_esp_test.go.
//   - The provider reply table (testdata/provider-replies.csv,
//     TestProviderReplies): 1187 replies as Google (its whole current SMTP
//     error reference), Microsoft (Exchange Online's NDR table and fix-it
//     pages, Exchange Server's DSN table and transport agents), Yahoo, Apple,
//     Comcast, Cox, Charter and Spectrum, Fastmail, Orange, Free, SFR, La Poste,
//     GMX/web.de, IONOS, T-Online, STRATO, Seznam, Yandex, Mail.ru, Zoho,
//     AOL, AT&T/BellSouth, BT, Telstra, Proximus, GoDaddy, Aruba, NetZero,
//     Rackspace, Amazon SES, Mimecast, Cloudflare Email Routing,
//     Spamhaus (its IP lists named in refusals),
//     Coremail, NetEase, Alibaba Mail, 263, 智邦, iridis, Korean portals
//     (Naver, Daum, Paran), Japanese carriers and ISPs (docomo, au,
//     SoftBank, J:COM, BBIQ, KAGOYA, asahi-net), Libero, Virgilio,
//     Interia, C4, Japanese, Chinese, Korean and Russian hosts' and ISPs'
//     help pages (megaegg, GMO BB, Sakura, NetEase's code table, Naver
//     Cloud, ...), mail security services (MailChannels, Oracle Email
//     Delivery, Barracuda, Proofpoint, Sophos, SocketLabs, Trellix, ...), university
//     and hosting help desks and other providers and the MTAs', groupware's and filters' documentation, source
//     and RFCs (Postfix, Exim, Debian's exim4-config and cPanel's Exim,
//     Sendmail, qmail and its chkuser patch, vpopmail, Haraka, pypolicyd-spf, Policyd,
//     postgrey, Dovecot, GNU Mailutils, FTGate, SmarterMail, Microsoft Mail
//     Gateway, amavisd-new, ASSP, antispameurope, Baruwa, Barracuda, Cisco
//     AsyncOS, Trend Micro, Proofpoint, Symantec Email Security.cloud,
//     Oracle Messaging Server, IBM z/OS SMTP, GroupWise, IceWarp,
//     MailDiode, ...) publish them, and ActiveCampaign's SMTP Field Manual
//     (85 replies with its explanations), each with its published meaning:
//     95.2% reason (1130; 1131 since), 97.4% hard/soft (1156; 1157); a round of 53, from the
//     pages of providers the table lacked or held thin (Cloudflare Email
//     Routing, GoDaddy, Trellix, STRATO, Spectrum, Proximus, Aruba,
//     NetZero, ALL-INKL, Broadcom's examples, ...), written before the
//     classifier was run, read 34 right (hard/soft 50) before phrases and
//     codes citing those pages were added and 49 (52) after; the last 93,
//     from 26 pages the table had not used (Sophos Email's XGEMAIL code
//     table, GandiMail's postmaster page, Titan's incoming reject codes,
//     Infomaniak, goneo, mail.fr, Host Media, weboke.nl, Carerix,
//     NederHost, Tufts, Roma Tre, mydreams.cz, a Japanese rental server's
//     POP before SMTP, a host's postfwd limits, ...), also written first,
//     read 57 right (hard/soft 84) before the Sophos and Gandi codes and
//     twelve phrases citing those pages and 88 (88) after. The sample texts two
//     other bounce handlers quote beside their rules (PHPMailer-BMH's
//     phpmailer-bmh_rules.php, 169; ZoneMTA's config/bounces.txt, 88), run
//     through ClassifyReply with the codes their text gives, 247 of them
//     with a meaning a source, the IANA registry or RFC 5321 gives (the
//     tools' own categories not taken as one): 171 right before, 197 after
//     (hard/soft 231, 233), 13 of them now rows here; of the 50 still
//     read otherwise, 41 read as onhold or filtered (16 user-unknown
//     wordings quoted without their stage or address) and none as hard
//     that is not. Of the 57 rows the rules
//     read otherwise, 44 are documented exceptions, each with why (providers_test.go
//     documentedExceptions): user-unknown replies published without their
//     stage or an address (Yandex, AOL, IONOS, 263, Carerix, GoDaddy's
//     FAQ, ...), read as a filter's words; Postfix's "Recipient address
//     rejected: undeliverable address" with no status (its probe bounced,
//     for any reason); Titan's "Relay access denied", a missing
//     address by its page, Postfix's relay refusal by every other source;
//     SoftBank's and J:COM's "553 example.jp does not
//     exist", about the envelope sender's domain, read as the recipient's
//     unknown host as a corpus row labels it; Yahoo's "554 5.7.9 Message
//     not accepted for policy reasons", an authentication failure by its
//     page (SLN7253) but policyviolation in three corpus rows, which may
//     not turn wrong; Daum's, Forpsi's and BlueTie's wordings, whose words
//     name another reason; Charter's "550 Message Rejected", whose words
//     name none; qmail-remote's "does not like recipient", its words for
//     any refusal at RCPT; NetEase's HL:ICC, a concurrency limit by
//     NetEase's own table, a rate by another host's; Apple's "inactive
//     email address", deactivated by a third party's page, under x.1.1;
//     and more of the Field Manual's, among them Gmail's 4.7.28, which x.7.28
//     decides as a mail flood; a 263 reseller's "mail size limit exceeded"
//     for a full mailbox (1&1's words for a message too big), Aruba's
//     "policy violation" for a rate, and NewPages' "Can't create output"
//     (sysexits' EX_CANTCREAT) for a full mailbox. Thirteen were plain misses (twelve
//     since weboke.nl's "550 5.1.0 Recipient rejected." at RCPT reads, an
//     address refused under x.1.0 with no more words: step 5), docomo's "500 Line Too Long" (a
//     message line over 1000 bytes, read as the command's syntax), 263's "This
//     target address is not our MX service client." and a Korean portal's
//     "mail is denied, by spam filter" (the recipient's own reception
//     settings, read as spam), and four of Microsoft's: Exchange Server's
//     5.3.5 "System incorrectly configured" (a loop by Microsoft's table)
//     and 5.7.3 "Not Authorized" (its own server authentication), whose
//     words are RFC 3463's for other meanings; 4.7.500 "Server busy"
//     (AS843), greylisting on one Microsoft page and suspicious activity on
//     another; and "RESOLVER.RST.AuthRequired", a restricted public folder
//     by Microsoft's page, read as the security error a corpus row labels;
//     and five the Field Manual explains and nothing else does: Barracuda's
//     "rejecting banned content", "rejecting spoofed message", "Policy
//     Rejection- Abuse" and "(x:blocked)", and QQ's "Mail is rejected by
//     recipients".
//   - The software reply table (testdata/software-replies.csv,
//     TestSoftwareReplies): 715 replies and bounce texts as the programs
//     write them, each taken from the program's own source or documentation
//     (Postfix smtpd, smtpd_check, cleanup, local, virtual and the smtp
//     client; Exim's smtp_in, default configuration, routers, appendfile and
//     retry; Sendmail's srvrsmtp.c and cf/m4 rulesets; OpenSMTPD's smtpd and
//     mta; Dovecot LMTP and lib-storage; Cyrus lmtpd; qmail-smtpd, qmail-local
//     and qmail-remote; Courier's courieresmtpd; Zimbra's LMTP server; Haraka;
//     maddy; Stalwart; Citadel's SMTP server and client; Apache James's SMTP
//     server; hMailServer; Momentum's manual; the rspamd and rmilter milters;
//     Kopano's dagent, Oracle Messaging Server's error texts, SmarterMail,
//     MDaemon and Exchange Server's NDRs; qpsmtpd, haraka-plugin-limit,
//     iRedAPD, rspamd's scanners and ClamSMTP; policy services, filters and
//     greylisters (policyd-weight, milter-greylist, rblsmtpd, OpenSMTPD's
//     filter-senderscore and filter-rspamd, Courier's ratefilter and
//     verifyfilter, Haraka's helo.checks, early_talker and bounce plugins,
//     maddy's authorize_sender, require_tls, dkim and rspamd checks)
//     and Sendmail's FEATUREs (ratecontrol, conncontrol, enhdnsbl,
//     block_bad_helo, badmx, its trust_auth and TLS rulesets); and every failure text
//     Postfix, Sendmail, Exim, qmail, vpopmail and OpenSMTPD write into a
//     bounce in their own words, read from their sources: the smtp client,
//     DNS, TLS, qmgr, local, pipe and error of Postfix; Sendmail's err.c,
//     deliver.c and mail.local; Exim's smtp, pipe and appendfile
//     transports and routing; qmail-remote, qmail-local, qmail-send and
//     the spawners; OpenSMTPD's queue, mta, mda and lka), with the meaning
//     the source gives each (Exim's also from deliver.c, its routers and
//     its callouts): 96.5% reason, 99.2% hard/soft. The last 70 rows
//     (the policy services, filters and FEATUREs above, Postfix's access,
//     HELO, FQDN, login and RHSBL checks, Exim's ACL and local_scan
//     defaults and Debian's recipient ACL, OpenSMTPD's session texts,
//     iRedAPD's sender checks), written before the classifier was run,
//     read 47 right (hard/soft 69) before the wordings their sources give
//     were read and 63 after; the seven left are documented exceptions
//     (software_test.go softwareExceptions): filter-rspamd's bare "message
//     rejected" and Haraka's refused multi-recipient bounce, whose words
//     name no reason; maddy's "Message rejected due to local policy" for
//     rspamd's spam score; Courier verifyfilter's failed verification,
//     whose words do not say the address is the sender's; a receiver's DNS
//     list lookup failing for now (Sendmail's enhdnsbl, rblsmtpd -c), DNS
//     trouble by the source, the receiving system's by RFC 3463 x.4.3 and
//     RFC 5321's 451; and Debian's "restricted characters in address", a
//     precaution by its comment, an undeliverable address (hard) as the
//     rules and three published tables read it.
//     A sixth round of 104 rows from eleven programs the table had not
//     held, written the same way (the SMTP servers mox, chasquid, Postal
//     and Qsmtp, Nodemailer's smtp-server and WildDuck's LMTP server on
//     it, Mailman 3's LMTP runner, the milters ze-filter, spamass-milter
//     and clamav-milter, Proxmox Mail Gateway's pmgpolicy), read 79 right
//     (hard/soft 100) at first contact and 88 after the readings their
//     sources give: RFC 1870's "exceeds fixed maximum message size", a
//     connection, message or recipient rate named by what it counts,
//     ze-filter's reverse DNS, missing From and per-connection texts, and
//     RFC 4954's x.7.11 (encryption required for AUTH) as TLS wanted. Of
//     the sixteen left, eight are documented exceptions (mox's relay
//     refusal under x.1.1 and rate limits under x.2.2, its sender-domain
//     MX lookup failing for now, which Sendmail's badmx row reads as the
//     sender's domain, Postal's relay refusal in 530's words and its
//     suspended server under 535, Mailman's list not found in RFC 5321's
//     generic 550 words, Qsmtp's SPF temperror) and eight name no reason
//     in their words (listed in software_test.go).
//     The two other misses are Exim's system filter's bare "delivery cancelled"
//     (onhold: "delivery cancelled" is also its administrator's and its
//     timeout's words) and Exim's own "Unknown user" (its default configuration's
//     localuser router), which with no reply code and no stage reads as a
//     filter's words, as four corpus rows of the same shape are labelled;
//     under the address Exim's own notice lists it beneath, it reads as an
//     unknown user (classify.go, eximLocalRefusal).
//     TestSoftwareRepliesInBounces wraps its replies in the same MTA layouts
//     as the provider table's, and the programs' own texts (the rows with no
//     reply code) go into that program's own bounce as its source lays it
//     out (TestOwnTextsInBounces: Postfix's failure and delay notices, as a
//     DSN and as text, and Sendmail's transcripts, 209 of 209;
//     TestOwnTextsInOwnBounces: Exim's, qmail's and OpenSMTPD's notices, 117
//     of 118, the miss the same "delivery cancelled"). A recipient a bounce reports
//     finally failed after such a temporary network or system error has
//     expired.
//   - The wild reply table (testdata/wild-replies.csv, TestWildReplies):
//     101 SMTP replies as people received them and pasted them in 98
//     public threads and help pages (the issue trackers of Nodemailer,
//     mailcow, Mailu, docker-mailserver, Postal, Mautic, Discourse,
//     Nextcloud, Zammad, Stalwart and other senders and servers; hosting
//     companies' help pages), none already in the provider or software
//     table, the receiving side as the thread names it. Reason and
//     hard/soft were written from each thread's resolution or the
//     receiver's published meaning of the words before the classifier was
//     run. First contact: 55 reasons right, hard/soft 98; most misses were
//     a status's subject or default deciding for words no detector knew
//     (18), words no detector knew at all (14) and United Internet's case
//     codes (4). After the readings published sources give (a bare LF or
//     CR named, qmail-smtpd's link to its bare-LF page, WEB.DE's c=hi for
//     a header not RFC 5322 compliant, Spamhaus's page for refused queries
//     as the receiving system's, Exchange's SendAsDenied and SendGrid's
//     Sender Identity as the sender's, Amazon SES's, Polaris Mail's and
//     Mailu's send limits, Stalwart's messages per session and TLS errors,
//     Exchange's "535 5.7.3 Authentication unsuccessful", VPOP3's SMTP
//     rule, Exim's failed sender verification, later its failed sender
//     callout, smtp_in.c): 77 and 99. Seven of the
//     24 left are documented exceptions (wild_test.go, wildExceptions);
//     the others name a reason only their thread gave.
//   - The second wild reply table (testdata/wild-replies-2.csv,
//     TestWildReplies2): 88 replies pasted in 66 forum threads, blog posts,
//     hosting companies' and help desks' knowledge bases, university and
//     vendors' help pages and antispam services' own pages (70 receivers),
//     gathered apart from the first and repeating none of the other
//     tables, labelled the same way before the classifier was run. First
//     contact: 51 reasons right (58.0%), hard/soft 84 (95.5%); most misses
//     were blocklist and reputation refusals read by other words (8: a
//     Postfix RBL reply without the list's name, "spam" in a list's page
//     address, Hotmail's SC-004 complaints), refusals a forum reads as the
//     recipient's filter rules (5), rates and unknown users (4 each).
//     After the readings published sources give ("graylisted", a count of
//     Received: lines, Postfix's RBL reply without its list, "spam" inside
//     a link no verdict, complaints about the IP's mail as its
//     reputation, a daily limit as a rate, the CBL named without a path,
//     the SPF project's old explanation page): 60 (68.2%) and 84. Twelve
//     of the 28 left are documented exceptions (wild2_test.go,
//     wild2Exceptions); the others name a reason only their page gave.
//   - The third wild reply table (testdata/wild-replies-3.csv,
//     TestWildReplies3): 60 replies pasted in 54 issue threads and help
//     pages of senders, servers and libraries none of the earlier wild
//     tables used, repeating none of the other tables (placeholders
//     aside), labelled the same way before the classifier was run, to
//     measure it on replies it has never seen. First contact: 37 reasons
//     right (61.7%), hard/soft 59 (98.3%), at main as the table was cut;
//     35 and 59 at the code of a few merges before (Spamhaus's refused
//     resolver and an inactive mailbox read since, MailEnable's busy
//     server lost to the refused-host words). Most misses were words
//     "blocked" or "rejected" of something other than the sending host
//     (10) and wordings no detector knew (7). After the readings
//     published sources give (RFC 7372's DKIM codes' shared words,
//     Google's gcdp marker of a Workspace administrator's rule): 39
//     (65.0%) and 59; 40 when the refused-host words were mended so
//     that MailEnable's busy server is no longer taken (a connection
//     word anywhere in the clause before the IP voids them). Four of the
//     20 left are documented exceptions
//     (wild3_test.go, wild3Exceptions); the others name a reason only
//     their thread gave.
//   - The fourth wild reply table (testdata/wild-replies-4.csv,
//     TestWildReplies4): 50 replies from 49 threads and pages where mail
//     operators talk (mailing-list archives, a list-admin wiki, the issue
//     trackers of list, forwarding and sending services' operators,
//     postmasters' and providers' own pages), repeating none of the other
//     tables, labelled the same way and committed before the classifier
//     was run. First contact: 34 reasons right (68.0%), hard/soft 49
//     (98.0%), at main as the table was cut; most misses were words no
//     detector knew (9 read as onhold), the rest a greylisting and a
//     HELO name on a URI list read as spam, a bare "Policy reason" and
//     Gmail's "messageId" refusal read as blocks, a block list whose
//     pointer says "reputation", a network refused at MAIL FROM, and
//     Sendmail's loop. After the readings published sources give (a
//     HELO name on a list is the client's, Postfix's reject_rhsbl_helo
//     reply class; Gmail's messageId refusal as RFC 5322's, Forpsi's
//     knowledge base): 36 (72.0%) and 49. Eight of the 14 left are
//     documented exceptions (wild4_test.go, wild4Exceptions); the others
//     name a reason only their thread gave.
//   - The regional reply table (testdata/regional-replies.csv,
//     TestRegionalReplies): 60 replies of 22 regional mailbox providers
//     and ISPs the other tables held in two rows or none (EarthLink,
//     OX's EU platform, Spectrum, Bluewin, TIM, Wirtualna Polska,
//     Tiscali, ukr.net, bigmir.net, Bigpond, UPC, SFR, La Poste,
//     TalkTalk, Windstream, USA.NET, Virgin Media, ...), from their
//     postmaster and help pages and pages quoting their replies, labelled
//     from each page's meaning and committed before the classifier was
//     run. First contact: 25 reasons right (41.7%), hard/soft 58
//     (96.7%); 24 of the 35 misses Vade-coded replies whose shared words
//     ("Connection refused", "Connection deferred") were read as network
//     errors or, under Vade's 4.2.1, a disabled mailbox, the rest
//     providers' codes the words do not explain. After the codes those
//     pages give (step 2 above): 57 (95.0%) and 59 (98.3%), no row of
//     another table or set changed; the three left are documented
//     exceptions (regional_test.go, regionalExceptions).
//   - The gateway reply table (testdata/gateway-replies.csv,
//     TestGatewayReplies): 61 replies of e-mail security gateways and
//     filtering services, as the receiving side answers with them, from 21
//     vendors' and customers' pages that give the words and their meaning
//     (Hornetsecurity's antispameurope codes, Vade's OX postmaster pages,
//     Cisco Secure Email, Mimecast, Broadcom's Email Security.cloud and
//     Messaging Gateway, Trend Micro's ERS and IMSS, smtpf, VIPRE Email
//     Security, Postini, ASSP, Proofpoint, Trellix, Exchange Online
//     Protection, TMSe), repeating none of the other tables, labelled the
//     same way and committed before the classifier was run. First contact:
//     19 reasons right (31.1%), hard/soft 59 (96.7%); most misses were
//     vendors' own codes and statuses under words that name another
//     reason (Vade's "Connection refused" under its codes, 12;
//     antispameurope's texts under its x.5 statuses, 8), smtpf's sender
//     refusals read as the host's and wordings no phrase held. After the
//     readings those pages give (Vade's and Trellix's codes, the vendors'
//     words; a quota at MAIL FROM, policy words at the greeting and
//     "connection refused" in a reply read by their stage and reply code):
//     56 (91.8%) and 61 (100%), no row of another table changed but one
//     documented exception. The five left are documented exceptions
//     (gatewayreplies_test.go, gatewayExceptions).
//   - The panel reply table (testdata/panel-replies.csv,
//     TestPanelReplies): 67 refusals that hosting control panels and
//     mail-server bundles answer with in their default configurations
//     (HestiaCP, myVesta, DirectAdmin, iRedMail, mailcow, Plesk, Kolab,
//     Modoboa, Mailu, AlternC, docker-mailserver, Mail-in-a-Box), read
//     from their own templates and pages, each labelled from the
//     condition the template answers with it (an ACL's block list, a
//     ratelimit, a HELO check, a policy plugin's rule) and committed
//     before the classifier was run. First contact: 30 reasons right
//     (44.8%), hard/soft 66 (98.5%); most misses were the panels' own
//     words read as onhold (15) and policy refusals read as blocked
//     hosts by their 554 5.7.1 (10). After the readings those templates
//     give (phrases.go): 59 (88.1%) and 66, no row of another table or
//     set changed; 60 (89.6%) since myVesta's "SMTP auth required for port
//     25" is read by its template's relay guard. The seven left are
//     documented exceptions (panelreplies_test.go, panelExceptions).
//   - The groupware reply table (testdata/groupware-replies.csv,
//     TestGroupwareReplies): 51 replies of commercial and groupware mail
//     servers the other tables held in two rows or none (IceWarp and
//     Merak, FTGate, Kerio Connect, Domino, MDaemon, SmarterMail,
//     MailEnable, Exchange Server 5.5-2013 on-premises, Gordano GMS,
//     VPOP3, Oracle Messaging Server, Mercury/32, MS Mail Gateway,
//     Zimbra's LMTP), from the vendors' manuals, knowledge bases and
//     source and administrators' pages that give the words and their
//     meaning, repeating none of the other tables, labelled the same way
//     and committed before the classifier was run; with five whole
//     notices (TestGroupwareNotices: Domino 6's Delivery Failure Report
//     for a denied sender and a server mail rule, Exchange 2007's
//     mailbox-full NDR, Exchange 2000's NDR naming no reason, Exchange
//     5.5's ambiguous recipient). First contact: reason 34 (66.7%),
//     hard/soft 45 (88.2%), notices 4 of 5; most misses were directory
//     lookups in the products' own words (MailEnable's address map,
//     Exchange 2003's recipient filtering, Oracle's SRS/MUL errors), relay
//     refusals in their own words (Mercury/32, SmarterMail) and Domino's
//     sender controls read as a policy. After the readings those pages
//     give (phrases.go): 43 (84.3%) and 49 (96.1%), notices 5 of 5, no
//     row of another table or set changed; 44 (86.3%) since the sending
//     host named by its address is read (clientAddressConcept: Exchange
//     2003's ZenRule refusal). The seven left are documented
//     exceptions (groupware_test.go, groupwareExceptions): RFC 5321's or a
//     product's codes and words that say something else than the product
//     means by them.
//   - The sending services' reply table (testdata/esp-replies.csv,
//     TestESPReplies): 60 replies from 28 pages of email sending services
//     (Amazon SES, Postmark, SparkPost, SendGrid, Mailgun, MailChannels,
//     Emailit, Maropost, Mailjet, Brevo, JetEmail, cloudmails.eu,
//     SMTP2GO, CleverReach, Zoho Campaigns, a Mandrill rejection list),
//     their own notices and relay refusals and the receivers' replies
//     they explain, each with the page's meaning, repeating none of the
//     other tables and committed before the classifier was run. First
//     contact: reason 31 (51.7%), hard/soft 52 (86.7%); most misses were
//     the services' suppression notices (Postmark's inactive recipients
//     read as spam from the causes they list, Mailgun's "previously
//     bounced address" onhold) and their own wordings. After the readings
//     those pages give (phrases.go: suppressedPhrases read as onhold, the
//     services' previous bounces as unknown users; rules.go:
//     MailChannels' [BR] and [UNS]): 45 (75.0%) and 56 (93.3%), no row of
//     another table or set changed. The 15 left are documented exceptions
//     (esp_test.go, espExceptions).
//   - Mailing-list managers' and group services' refusals of a post as
//     whole notices (TestListNotices, listnotices_test.go): 36 notices of
//     10 products (Mailman 2.1 and 3, Sympa, mlmmj, ezmlm-idx, a Google
//     Workspace group, Groups.io, Discourse's incoming-mail refusals,
//     DoList, LISTSERV), from their templates, locale files and source
//     and real notices quoted in public, each labelled from the
//     template's own words before Parse was run (a refusal for who sent
//     the post rejected, the list's size limit mesgtoobig, its rules on
//     addressing policyviolation, an address that is no list an unknown
//     user, the list's own error a system error), with ten notices of the
//     same products that report no failure (a post held for a moderator,
//     a request to the owner, an auto-discard notice, Sympa's forward to
//     the moderators, ezmlm-idx's confirmation, Majordomo's and
//     Petidomo's notices to the owner, a list post quoting a refusal,
//     Discourse's and Groups.io's notices that the receiver's own address
//     bounces). First contact: read as a bounce 10, recipient 10, reason
//     4, hard/soft 10 (every notice in a list manager's own words read as
//     no bounce; Sympa's 5.7.1 as filtered, ezmlm-idx's #5.7.2 as a
//     system error); after the readings above (text.go's listNotice,
//     phrases.go's listSenderPhrases and listPolicyPhrases, the X-Sympa
//     rule, x.7.2): 36, 36, 36 and 36, no non-failure notice read as a
//     failure, no row of another table or set changed but one documented
//     exception still missed (the wild table's Yahoo [TSS09] under 5.7.2,
//     read rejected for systemerror, labelled badreputation).
//   - What reading by words adds (concepts.go, TestConcepts,
//     TestUserUnknownConcept): each concept was checked on every table
//     and set above row for row before it stayed; none changed a row
//     there but the shared corpus's locked user (right since), the first
//     wild table's three rates (right since; that table's rows were seen
//     before the rate words were chosen) and a few rows wrong before and
//     after. On rows never seen, the third wild table, cut after most
//     concepts were in: 37 of 60 reasons right at its first contact
//     against 35 at the code before them and this session's phrase
//     rounds, one of the two gained from words (an inactive mailbox),
//     and one lost to them (MailEnable's busy server, mended since). On
//     the second wild table's unseen rows the later concepts (sizes,
//     senders, hosts, exhausted deliveries) gained nothing and, with an
//     "nxdomain" phrase dropped for it (SpamAssassin's rule name
//     DKIM_ADSP_NXDOMAIN), lost one. Reading by words widens what the
//     phrases reach to their paraphrases; on replies as people paste
//     them most misses are still words of another subject or wordings
//     no source explains. The three wild tables cut in the session that
//     started from e341448 (the second, third and fourth, 198 rows)
//     read at that starting code 51, 35 and 34
//     reasons right (120, 60.6%), at their own first contact 51, 37 and
//     34 (122, 61.6%): that session's rules, phrases and words together
//     moved unseen replies by about one point; each table's own fixes
//     then took it to 60, 40 and 36 of its rows. The five tables cut
//     after (regional, gateway, panel, groupware, Japanese: 291 rows),
//     read at 81043a4 before any of their fixes, missed 162 reasons;
//     grouped by kind, one kind recurred in new words over several
//     tables: the sending host's address written out and refused
//     ("192.0.2.1 has been blocked by ZenRule"). Read by those words
//     alone (clientAddressConcept) at that code: 5 of the 162 (regional
//     2 of 35, gateway 2 of 42, groupware 1 of 16, panel 0 of 37,
//     Japanese 0 of 31), one row lost (Spectrum's "cmsmtp <ip> blocked.
//     AUP#In-1340", too many connections by its code alone, right before
//     by the greeting's 421). The rest were providers' codes, words of
//     one table only, and replies with no stage (a filter's by rule).
//   - The replies in bounces (TestProviderRepliesInBounces,
//     TestSoftwareRepliesInBounces): each reply of both tables that
//     ClassifyReply reads right is wrapped in 15 bounce layouts, each as its
//     program's source writes it (Postfix's DSN and text, Exim's text and
//     multipart/report, qmail, Sendmail's DSN, Exchange's NDR, OpenSMTPD,
//     Gmail, maddy, Haraka, Apache James's DSNBounce, Stalwart, hMailServer,
//     Courier's DSN), and Parse must read it as the bare reply; each layout
//     has a floor at what it reads. The programs' own ways of writing a
//     reply are kept: James writes a multi-line reply unfolded into its DSN
//     fields (a line that is no field continues the field above it),
//     Stalwart runs a reply's lines together and spells a missing enhanced
//     code as the reply code's digits, hMailServer keeps a reply's last line
//     only, Courier's and Sendmail's transcripts put "<<< " before each
//     reply line (a continuation's marker goes with its codes), and maddy
//     reports a temporary failure as failed once its retries end (read as
//     expired).
//   - GNU Mailman's bounce samples (TestFluflBounces): the 113 real bounces
//     of flufl.bounce's test data (Debian's python3-flufl.bounce, read where
//     it is installed), with flufl's expected addresses and their
//     permanence as the oracle, from 2000-2020 Postfix, Exim, qmail,
//     Sendmail, Exchange 5.5, GroupWise, Netscape, IMail, Yahoo, AOL, Sina
//     and gateways. Parse names exactly the failed recipients, failed or
//     delayed as flufl says, in 107 of 111 (96 before its layouts above
//     were read); two expectations describe the anonymised samples, not the
//     bounces, and are not scored. The misses: a Symantec-style "Mail
//     Delivery Warning" ("has been postponed ... We will continue to try")
//     read as failed, whose words have no published source here; AOL's
//     bare screen name (no domain); and Yale's and LLNL's site-made notices
//     of 2000-2001, which name other people's addresses in their advice. A
//     notice that names no address reports the returned message's To as its
//     recipient, unless that is the mailing list the message was posted to
//     (its List-Post or List-Id).
//     TestFluflLayouts holds each layout above as its source writes it.
//   - Auto-replies as products send them (TestAutoReplies): 49 messages
//     written from responders' templates and sources (Pigeonhole and the
//     webmails that write its scripts, Cyrus, Zimbra, iCloud, Gmail,
//     Exchange and Outlook in 20 languages, Lotus Notes, vacation(1),
//     Courier's mailbot, cPanel's header, Request Tracker) and 15 that must
//     not be read as one (bounces and DSNs naming out-of-office or automatic
//     words, a delivery receipt, read receipts, a person's "Re: vacation
//     plans", a list post "On vacation ...", a newsletter, a GitLab
//     notification): first contact 30 of 49 recognised, 10 of 15 left
//     alone; after, 45 of 49 (and the Japanese 不在通知 added), 15 of 15.
//     The misses are modern Outlook's Polish, Russian and Korean subjects
//     and QQ/163's 自动回复, for which no published wording was found.
//   - The shared corpus of 400 labelled real bounces (TestCorpus; -v prints
//     every miss and the accuracy per producing family): reason 93.5% (374;
//     the rows gained are a user "temporary locked", read by its words, and
//     an au (KDDI) notice labelled ISO-2022-JP but written in EUC-JP, now
//     decoded as written, whose "Your message was not delivered within 0
//     days and 1 hours" is the queue-expiry line of its family's notices),
//     status 98.2% (393), hard/soft 97.8% (391). Every phrase cites where its
//     wording is published, and so does every word that recognises a bounce, a
//     delay or an auto-reply (text.go: subjects, senders, body wordings, the
//     markers before a returned message; TestPhrasesCiteSources holds each
//     string of those tables to a comment beside it, heading its group or
//     documenting its table that names a source, which took out the bare
//     program names "procmail" and "maildrop"); 70 such words with no findable
//     source were taken out, none of them needed by a corpus or matrix row;
//     three came back when a source was found: the French and Spanish NDR
//     subjects "Non remis" and "No se puede entregar" (programs filtering
//     Exchange's NDRs by them) and the sender "Mail Administrator" (Japanese
//     ISPs' pages showing the "Mail System Error - Returned Mail" notice). Of
//     18 phrases once taken out for want of a source, sources were found for
//     seven, restored as published: "user not exist" (Chinese mail hosts'
//     bounce lists), "account ... is disabled" (Google's 5.2.1 wording),
//     "mailbox exceeded the local limit" (Willcom's 552), "too many concurrent
//     connections" (Rackspace), "unauthenticated senders" (Twisted Mail,
//     SendGrid), "service currently unavailable" (Postfix postscreen's refusal
//     of a client: blocked, not a system error) and "not configured to relay
//     mail" (CiviCRM's relay bounce patterns); an eighth, "mailbox is frozen",
//     when Mail.ru's answers site explained its frozen mailboxes. No source was found for
//     "temporary locked", "rdns" (SpamAssassin's
//     RDNS_NONE rule name also turns up in spam-score refusals; "rDNS record",
//     Neo's name for the PTR record, reads), "message filtered", "was aborted
//     after", "not delivered within", "system error" (only Postfix's "Mail
//     system error"), "could not load", Yahoo's "dd not a valid recipient",
//     "rcpt_to" as a stage word, and "scored as spam" ("as spam" reads it):
//     they stay out, and the rows that needed them miss, but for three that
//     the status's subject or the reply code now reads (RFC 3463: "550 5.2.0
//     Message Filtered", a mailbox's refusal; "554 5.3.0 ... Internal system
//     error", the receiving system's; RFC 5321 §4.2.3: "451 Could not load DRD
//     ...", a local error in processing). A row alone is no reason for a rule.
//     The other misses are labels that disagree with a published meaning, with
//     each other or with themselves: the same "550 User unknown" labelled a
//     user unknown from one product and a filter from another (the rules read
//     it as a filter's unless the status, the reply or a temporary code places
//     it at RCPT: "550 x... No such user" is labelled filtered from
//     SurfControl and userunknown from MessageLabs, "550 5.2.1 <x>... User
//     Unknown" with no stage userunknown from Yahoo and filtered from Oracle
//     Messaging Server and Zoho; of the 15 such rows, 14 are labelled
//     filtered); Yahoo's [TSS04] labelled rejected twice and badreputation
//     twice; Yahoo's "This user doesn't have a ... account", Zoho's "Invalid
//     Address ... mailbox unavailable" and Apache James's "no such user here"
//     labelled filtered; reverse DNS requirements labelled blocked; a "Policy
//     violation" labelled securityerror; an x.2.3 size limit labelled by its
//     code where the text says the system's limit (Sendmail's fixed
//     MaxMessageSize; Gmail and Sendmail publish x.2.3 for system-wide limits
//     too, so x.2.3 does not decide); a "5.1.1 User Unknown" labelled
//     mailboxfull (twice), and two recipients of one qmail bounce both
//     labelled as the first; a connection reset and a refusal for security
//     policies labelled blocked and virusdetected; SurfControl's "554 Service
//     currently unavailable" labelled systemerror (the only published source
//     of the words, Postfix's postscreen, refuses a client with them); a
//     recipient failed under "451 4.3.0 ... due to a recipient error" labelled
//     onhold (RFC 3463 x.3: the mail system, systemerror). The status misses
//     are the class of an expired message with no status of its own: Exim's
//     DSNs say 5.0.0 for "retry timeout exceeded", some labels 4.
package bounce

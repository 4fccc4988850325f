package bounce

import (
	"slices"
	"strings"
)

// evidence is what is known about one recipient's failure.
type evidence struct {
	status   string // enhanced status code, possibly empty
	code     int    // SMTP reply code, 0 when unknown
	text     string // diagnostic text as received
	folded   string // fold(text) when the caller has it, else ""
	diagType string // Diagnostic-Code type, lower case ("smtp", "x-unix", ...)
	action   string // DSN Action, lower case
	command  string // SMTP command the failure answered, upper case
	reason   Reason // a verdict the reporting MTA stated, "" when none
}

// Classify classifies a synchronous SMTP failure: the reply code (550), the
// RFC 3463 enhanced status code ("5.1.1", may be empty) and the reply text.
// It applies the same rules Parse applies to the recipients of a bounce, so
// a failure seen during the SMTP session and one reported later by a bounce
// get the same answer.
func Classify(code int, enhanced string, text string) Classification {
	return loadRules().classify(evidence{status: enhanced, code: code, text: text})
}

// ClassifyReply is Classify for a reply whose SMTP command is known
// ("MAIL", "RCPT", "DATA", "EHLO", "CONNECT"), as smtpclient's Error
// reports it: the same text means a refused sender after MAIL, an unknown
// address after RCPT and a content filter after DATA.
func ClassifyReply(command string, code int, enhanced string, text string) Classification {
	cmd := stage(command)
	if cmd == "" {
		// No command given: the stage the words name, as Parse reads it
		// from a bounce (findCommand: qmail-remote.c's "Connected to x but
		// sender was rejected." answers MAIL FROM).
		cmd = findCommand(fold(text))
	}
	return loadRules().classify(evidence{status: enhanced, code: code, text: text, command: cmd})
}

// stage names the SMTP stage a command belongs to: CONN for the greeting,
// EHLO for HELO/EHLO/LHLO, DATA for the end of the message (DATA or BDAT),
// else the command itself, upper case.
func stage(command string) string {
	cmd := strings.ToUpper(strings.TrimSpace(command))
	switch cmd {
	case "CONNECT", "CONNECTION", "BANNER", "GREETING":
		return "CONN"
	case "HELO", "LHLO":
		return "EHLO"
	case "BDAT", "DATA-END", "EOM":
		return "DATA"
	}
	return cmd
}

func (r *rules) classify(ev evidence) Classification {
	folded := ev.folded
	if folded == "" {
		folded = fold(ev.text)
	}
	code := ev.code
	if code == 0 {
		code = findReplyCode(folded)
	}
	if at := failingReplyAt(ev.text); at > 0 {
		folded = fold(ev.text[at:])
	}
	folded = lastExchangeAttempt(folded)
	folded = maskHostNames(folded)
	status := pickStatus(ev.status, folded, code)
	reason := r.reason(ev, status, code, stripContinuations(folded))
	if reason == Rejected && (ev.command == "CONN" || ev.command == "EHLO") {
		// RFC 5321 §3.3: the sender is named by MAIL FROM; a refusal of
		// the greeting or of EHLO comes before any sender was given, and
		// refuses the client (§3.1, §4.1.1.1), whatever sender's words or
		// status it uses: ASSP answers a refused client at connect "554
		// 5.7.2" (RFC 3463 x.7.2, the sender not authorized for a list).
		reason = Blocked
	}
	if ev.reason != "" && (reason == OnHold || reason == Undefined || reason == Filtered && ev.reason == UserUnknown) {
		// The reporting MTA's own verdict settles what the wording left
		// open.
		reason = ev.reason
	}
	if status == "" {
		status = inferStatus(ev, reason, code, folded)
	}
	if ev.action == "delayed" && strings.HasPrefix(status, "5.") {
		// RFC 3464 §2.3.3: "delayed" means the MTA will go on trying,
		// a transient failure (RFC 3463 class 4), whatever class the last
		// reply it quotes had: Postfix defers a greeting refused with
		// "554 5.7.1" to try again and reports the recipient delayed with
		// Status 4.7.1 (the delay notice pasted into
		// github.com/mail-in-a-box/mailinabox/issues/1194).
		status = "4" + status[1:]
	}
	c := Classification{Reason: reason, Status: status}
	c.Temporary = strings.HasPrefix(status, "4.")
	c.Hard = strings.HasPrefix(status, "5.") && hardReason(reason)
	if ev.action == "failed" && c.Temporary && reason == UserUnknown {
		// RFC 3464 §2.3.3: "failed" is final. The receiver said the
		// mailbox does not exist (RFC 3463 x.1.1) under a temporary code
		// (Postfix's unknown_local_recipient_reject_code or
		// unverified_recipient_reject_code set to 450, or soft_bounce:
		// postconf(5)) until the sending MTA gave up: no retry remains and
		// the address is as dead as under a 5xx.
		c.Hard, c.Temporary = true, false
	}
	return c
}

// inferStatus gives a failure that carried no enhanced status code the
// class its report implies: 2 for a delivery, 4 while the sending MTA still
// retries (RFC 3464 §2.3.3 "delayed"), the reply code's class for a
// synchronous reply, and 5 for a recipient a bounce reports as finally
// failed, whatever class the last reply had (the sending MTA gave up).
func inferStatus(ev evidence, reason Reason, code int, folded string) string {
	switch {
	case reason == Undefined || reason == Vacation || reason == Feedback:
		return ""
	case reason == Delivered:
		return "2.0.0"
	case ev.action == "delayed" || hasAny(folded, delayPhrases):
		return "4.0.0"
	case ev.action == "" && (code/100 == 4 || code/100 == 5) && code < 600:
		return string(rune('0'+code/100)) + ".0.0"
	}
	return "5.0.0"
}

// reason is the one decision procedure (the package documentation gives
// it in prose). The first step that names a reason decides:
//
//  1. delivered: a success action or a 2.x.x status;
//  2. a provider's documented code in the text, or status outside the
//     registry that a provider documents;
//  3. a decisive status code (decisiveStatus);
//  4. the wording, detector by detector in their order, adjusted to the
//     stage for user-unknown and host-unknown wording (a local delivery
//     program's output is read for a quota, a full file system, then a program failure,
//     first, and is otherwise the program's failure);
//  5. the registered meaning of a specific status code, or of the code
//     whose registered description the words give;
//  6. the stage: a refusal of MAIL FROM is the sender's (the client's
//     under an x.7 status), one of the greeting or EHLO the sending
//     host's; then a delay notice is expired;
//  7. the status code's subject (RFC 3463: x.5 protocol, x.6 content,
//     x.7 security);
//  8. the reply code's meaning (RFC 5321 §4.2, RFC 4954, RFC 7504);
//  9. onhold when there are words or a code, undefined when nothing.
func (r *rules) reason(ev evidence, status string, code int, text string) Reason {
	// 1. RFC 3464 §2.3.3: delivered, relayed, expanded; RFC 3463 class 2.
	switch ev.action {
	case "delivered", "relayed", "expanded":
		return Delivered
	}
	if strings.HasPrefix(status, "2.") {
		return Delivered
	}
	sd := ""
	if i := strings.IndexByte(status, '.'); i > 0 {
		sd = status[i:]
	}
	// 2. A provider said exactly why. (The bigram index of the text rules
	// most codes and phrases out without a search.)
	ix := new(bigrams)
	ix.index(text)
	for i, pc := range providerCodes {
		if ix.hasKeys(r.providers.keys[i]) && strings.Contains(text, pc.code) {
			return pc.reason
		}
	}
	if rs, ok := codeFamily(text); ok {
		return rs
	}
	if rs, ok := providerStatus(status, text); ok {
		return rs
	}
	// Sympa writes its own DSNs with the diagnostic type X-Sympa
	// (Sympa.pm send_dsn(), the status and its registry text, its notice
	// from mail_tt2/delivery_status_notification.tt2): 5.7.1 for a post
	// its scenario refused ("message is not authorized and is
	// rejected": "You are not allowed to send this message", the sender
	// refused, not a filter), 5.2.3 for a post over the list's max_size
	// ("over the maximum size allowed on this list": the list's limit,
	// not a mailbox's).
	if ev.diagType == "x-sympa" {
		switch sd {
		case ".7.1":
			return Rejected
		case ".2.3":
			return MesgTooBig
		}
	}
	// 3. A registered code whose meaning no provider reuses. Sendmail's
	// FEATURE(require_rdns) gives x.1.8, a sender's system address, to a
	// client with no reverse DNS ("451 4.1.8 Client IP address x does not
	// resolve", "451 4.1.8 Possibly forged hostname for x"; cf/m4/
	// proto.m4, check_relay): under that wording the reverse DNS decides.
	// So it does under x.7.23, RFC 7372's "SPF validation failed", which
	// Gmail gives a client with no PTR record: "451 4.7.23 ... The sending
	// IP address for this message doesn't have a PTR record, or the PTR
	// record's forward DNS entry doesn't match the sending IP address"
	// (Gmail SMTP errors and codes, support.google.com/a/answer/3726730,
	// 2026-02-12).
	if decisiveStatus[sd] && !((sd == ".1.8" || sd == ".7.23") && r.ptr.match(text)) {
		return r.byStatus[sd]
	}
	// 4. The wording. A local delivery program's output (RFC 3464
	// §2.3.6 "x-unix") is read for a quota first, a full file system
	// next and a program failure last, before the rest of the wording.
	if strings.HasPrefix(ev.diagType, "x-unix") {
		for _, d := range r.local {
			if d.matchIn(text, ix) {
				return d.reason
			}
		}
		// Postfix's local(8) and virtual(8) put the sysexits text of
		// EX_IOERR ("input/output error") in an x-unix diagnostic for
		// any failed write to a mailbox, and what failed in the status:
		// global/mail_copy.c, dsb_unix(why, mbox_dsn(errno, "5.3.0"),
		// sys_exits_detail(EX_IOERR)->text, "error writing message: %m"),
		// where a mailbox grown past mailbox_size_limit or
		// virtual_mailbox_limit (EFBIG) is 5.2.2 (testdata/mta/postfix,
		// local-quota). A registered mailbox status (RFC 3463 §3.4,
		// x.2.x) names the mailbox's condition, which that generic text
		// does not; x.3.0, mail_copy's default, and the status a
		// command's exit code maps to (a program's own failure, whose
		// output is the diagnostic) are left to the program.
		if reason, ok := r.byStatus[sd]; ok && strings.HasPrefix(sd, ".2.") {
			return reason
		}
		// A delivery program that exits with a sysexits.h code and says
		// nothing is reported by Postfix with that code's text alone
		// (postfix/src/global/sys_exits.c, sys_exits_table: EX_NOUSER
		// "5.1.1" "user unknown", EX_NOHOST "5.1.2" "host name unknown"):
		// the program's verdict on the address, not its failure. Output
		// of its own beside it ("procmail: Couldn't create ...") is the
		// program's account, read as above.
		switch strings.TrimSpace(text) {
		case "user unknown":
			return UserUnknown
		case "host name unknown":
			return HostUnknown
		}
		return MailerError // RFC 3464 §2.3.6: a local delivery program's failure
	}
	for i := range r.wording {
		d := &r.wording[i]
		if d.status != nil && !slices.Contains(d.status, sd) || !d.matchIn(text, ix) {
			continue
		}
		if rs := adjust(d, ev, status, code, text); rs != "" {
			return rs
		}
	}
	// A recipient that finally failed after a temporary status whose
	// words name no reason ("450 4.0.0 Temporary failure") is read by
	// its status and reply code like any other, onhold when they name
	// none: RFC 3464 §2.3.3's "failed" says the sending MTA stopped, not
	// why, and issue 17 reserves onhold for text that states no reason.
	// Only words that name a transient condition (a system or network
	// error, adjust) say it gave up on that condition: expired.
	// 5. The registered meaning of a specific code, placed in its stage
	// as wording is: x.1.1 at MAIL FROM is the sender's address. A reply
	// with no specific code that gives a code's registered description
	// in words ("Mail flood detected") is read as that code.
	if sd == "" || sd == ".0.0" {
		if d := describedStatus(text); d != "" {
			sd = d
			if status == "" && code/100 == 4 {
				status = "4" + d
			}
		}
	}
	if sd == ".3.2" && strings.HasPrefix(status, "4.") {
		// RFC 3463 §3.5 x.3.2 "System not accepting network messages":
		// its examples are "an imminent shutdown, excessive load, or
		// system maintenance" (Postfix postscreen's "421 4.3.2 All server
		// ports are busy"); only RFC 7504's permanent "521 5.3.2 Host does
		// not accept mail" means no mail is taken at all.
		return SystemError
	}
	// RFC 3463 §3.5 gives x.3.2 "System not accepting network messages"
	// for "both permanent and persistent transient errors", its examples
	// all for now; a host that takes no mail at all answers 521 (RFC 7504
	// §3, "521 5.3.2 Host does not accept mail"). Under another reply code
	// it is the receiving system's refusal of this session: ghsmtp answers
	// a client that talks before its greeting with "554 5.3.2 not
	// accepting network messages" (gene-hightower/ghsmtp Session.cpp, "bad
	// host [x] input before greeting"), RFC 5321 §3.1's 554 in place of
	// the 220, which says nothing of the domain's mail.
	sessionRefused := sd == ".3.2" && code/100 == 5 && code != 521
	if sd == ".1.0" && bareAddressRefusal(text) {
		// RFC 3463 x.1.0, "Other address status: Something about the
		// address specified in the message caused this DSN", with words
		// that say no more than that the address was refused: hosts'
		// pages explain "550 5.1.0 Recipient rejected." and "550 5.1.0
		// Address rejected." as an address that does not exist (Weboke's
		// "Email foutmeldingen": the domain has a mail server but refuses
		// the address itself, mostly because it does not exist;
		// coviserver.de, "E-Mail geblockt"; Black Pearl Mail's and
		// Carerix's pages give "#5.1.0 Address rejected" so). An unknown
		// user, placed by its stage as the words are (the sender's at
		// MAIL FROM).
		return placeAddress(UserUnknown, ev.command)
	}
	if reason, ok := r.byStatus[sd]; ok && !sessionRefused {
		if reason == HostUnknown && strings.HasPrefix(status, "4.") {
			// A domain refused for now at MAIL FROM is the sender's, as
			// host-unknown words are placed (adjust; RFC 5321 §4.1.1.2):
			// Sendmail's FEATURE(badmx), "450 4.1.2 MX lookup failure for
			// x" (cf/m4/proto.m4, BadMX), refuses the sender's domain.
			if placed := placeAddress(reason, ev.command); placed != reason {
				return placed
			}
			// RFC 3463 x.4.4 "Unable to route" is for persistent transient
			// errors too: a temporary one is a routing failure for now, as
			// host-unknown words under a 4.x status are (adjust; Momentum's
			// "454 4.4.4 [internal] no MX or A for domain", its manual,
			// Appendix F.2).
			return NetworkError
		}
		return placeAddress(reason, ev.command)
	}
	// 6. The stage. RFC 5321 §4.1.1.2: MAIL names the sender; §3.1 and
	// §4.1.1.1: a refused greeting or EHLO refuses the client. A status of
	// the mail-system subject (RFC 3463 §3.5, x.3.0 "Other or undefined
	// mail system status"; the specific x.3 codes read above) names the
	// receiving system's condition at whatever stage it answers:
	// OpenSMTPD's "421 4.3.0 Temporary Error" to MAIL FROM (smtp_session.c,
	// its sender lookup failed), qmail-smtpd's "421 unable to read controls
	// (#4.3.0)" at the greeting.
	if strings.HasPrefix(sd, ".3.") && (ev.command == "MAIL" || ev.command == "EHLO" || ev.command == "CONN") {
		return SystemError
	}
	if ev.command == "AUTH" {
		// RFC 4954 §6: a refused AUTH is the client's authentication,
		// whatever reply code it has (Citadel's "504 Unknown
		// authentication method.", serv_smtp.c smtp_auth()).
		return SecurityError
	}
	if code == 500 || code == 502 || code == 503 {
		// RFC 5321 §4.2.2: 500 "command unrecognized", 502 "command not
		// implemented" and 503 "bad sequence of commands" refuse the
		// command, not its argument, at whatever stage they answer:
		// Citadel's "503 Only one sender permitted" to a second MAIL FROM
		// and "500 Only LHLO is allowed when running LMTP" to EHLO
		// (serv_smtp.c). 501 and 504 refuse an argument, which at MAIL
		// FROM is the sender's address and at EHLO the client's name.
		return SyntaxError
	}
	switch ev.command {
	case "MAIL":
		return mailRefusal(sd)
	case "STARTTLS":
		// RFC 3207 §4: a refused STARTTLS is TLS not to be had ("454 TLS
		// not available due to temporary reason"), whatever words the
		// server gives it: Exim's "454 TLS currently unavailable"
		// (smtp_in.c, tls_server_start() deferred on a local problem).
		return FailedSTARTTLS
	case "EHLO", "CONN":
		if code/100 == 4 {
			// A temporary refusal of the connection is what connection
			// limits answer (Postfix anvil(8) "421 Error: too many
			// connections", Sendmail's ConnectionRateThrottle "421 4.3.2
			// Connection rate limit exceeded", Gmail's "421 4.7.0 Try
			// again later, closing connection" at HELO).
			return TooManyConn
		}
		return Blocked
	}
	// A delay notice (RFC 3464 §2.3.3 "delayed") whose words, specific
	// status and stage name no reason: the message has not been
	// delivered in time.
	if ev.action == "delayed" || hasAny(text, delayPhrases) {
		return Expired
	}
	// 7. The subject of the code (RFC 3463 §3.5-3.9).
	switch {
	case strings.HasPrefix(sd, ".2."):
		// §3.4 "Mailbox status", x.2.0 "the mailbox exists, but
		// something about the destination mailbox has caused the
		// sending of this DSN": not full (x.2.2), disabled (x.2.1) or
		// over its size limit (x.2.3), each of which has its code; the
		// mailbox refused the message.
		return Filtered
	case strings.HasPrefix(sd, ".3."):
		// §3.5 "Mail system status": "the destination system exists
		// and normally accepts mail, but something about the system
		// has caused the generation of this DSN" (x.3.0 "Other or
		// undefined mail system status").
		return SystemError
	case strings.HasPrefix(sd, ".4."):
		// §3.6 "Network and routing status" (x.4.0 "Other or
		// undefined network or routing status").
		return NetworkError
	case strings.HasPrefix(sd, ".5."):
		return SyntaxError
	case strings.HasPrefix(sd, ".6."):
		return ContentError
	case strings.HasPrefix(sd, ".7."):
		return SecurityError
	}
	// 8. The reply code. RFC 5321 §3.4: a 551 names the forward-path to
	// try ("User not local; please try <forward-path>"); one that names no
	// address is some other refusal (Postfix smtpd's "551 5.0.0 Discarded
	// n bytes after earlier error" ends a BDAT transfer).
	if rc, ok := replyCodes[code]; ok && (code != 551 || namesForwardPath(text)) {
		return rc
	}
	if text != "" || status != "" {
		return OnHold
	}
	return Undefined
}

// adjust places a wording verdict in its stage and class.
func adjust(d *detector, ev evidence, status string, code int, text string) Reason {
	reason := d.reason
	// A recipient a delay notice reports (RFC 3464 §2.3.3 "delayed") is
	// one the sending MTA still retries, whatever status it gives or
	// leaves out: OpenSMTPD's delay notice lists "addr: No MX found for
	// domain" with no status (usr.sbin/smtpd/bounce.c; mta.c mta_on_mx(),
	// DNS_ENOTFOUND, a temporary failure).
	temporary := strings.HasPrefix(status, "4.") || status == "" && (code/100 == 4 || ev.action == "delayed")
	sd := ""
	if i := strings.IndexByte(status, '.'); i > 0 {
		sd = status[i:]
	}
	if d.client && (ev.command == "CONN" || ev.command == "EHLO") {
		return Blocked
	}
	if d.sender && ev.command == "MAIL" {
		return Rejected
	}
	if reason == SpamDetected && ev.command == "MAIL" {
		// RFC 5321 §3.3: MAIL carries the reverse-path alone, the message
		// comes after DATA; spam named in reply to MAIL FROM judges no
		// content but the sender ("554 Sending address not accepted due
		// to spam filter (in reply to MAIL FROM command)"), placed as
		// step 6 places a refusal of MAIL.
		return mailRefusal(sd)
	}
	switch reason {
	case UserUnknown, HostUnknown:
		if placed := placeAddress(reason, ev.command); placed != reason {
			return placed
		}
		if reason == UserUnknown && ev.command == "" && code == 0 && strings.Contains(text, "unrouteable address") {
			// Exim's own "Unrouteable address", with no remote reply: no
			// router accepted the address, which for a domain routed by
			// DNS means the domain does not exist (Exim spec, dnslookup
			// router; testdata/mta/exim/nxdomain.eml).
			return HostUnknown
		}
		if reason == HostUnknown {
			if temporary && strings.Contains(text, "in the queue too long") {
				// qmail-send turns the deferral of a message past its
				// queue lifetime into a failure, the deferral's words
				// first: "Sorry, I couldn't find any host by that name.
				// (#4.1.2)" then "I'm not going to try again; this
				// message has been in the queue too long."
				// (notqmail/notqmail qmail-send.c, del_dochan()): the
				// sending MTA gave up on a lookup failing for now.
				return Expired
			}
			if temporary {
				return NetworkError // Postfix smtp(8) "Host not found, try again": a DNS failure that may pass
			}
			return reason
		}
		if reason == UserUnknown && (temporary || strings.HasPrefix(sd, ".2.")) && strings.Contains(text, "mailbox unavailable") &&
			!d.match(strings.ReplaceAll(text, "mailbox unavailable", "")) {
			// RFC 5321 §4.2.3 gives "mailbox unavailable" to two replies:
			// 550, "mailbox not found, no access, or command rejected for
			// policy reasons", and 450, "mailbox busy or temporarily
			// blocked for policy reasons", which says the mailbox exists
			// (the reply as SMTP servers' reply tables send it, "450
			// Requested mail action not taken: mailbox unavailable"). Nor
			// is a mailbox that an RFC 3463 x.2 status describes (x.2.1
			// disabled, x.2.2 full, §3.4: "the mailbox exists") missing.
			// These words alone name no reason at all: the status, stage
			// and reply code read below do, and a sending MTA that gave up
			// on them has expired, not found a dead address.
			return ""
		}
		// RFC 5321 §3.3: RCPT is where a server says a mailbox does not
		// exist. "No such user" counts as an unknown user when the status
		// says so (RFC 3463 x.1.x) or the reply belongs to RCPT; after
		// DATA (the recipient having been accepted), under a status of
		// another subject (x.2 to x.7), or with nothing to place it, a
		// filter spoke in the address book's words.
		if strings.HasPrefix(sd, ".1.") || ev.command == "RCPT" {
			return UserUnknown
		}
		if ev.diagType == "x-postfix" {
			// Postfix's bounce(8) writes "Diagnostic-Code: X-Postfix;
			// <reason>" only when no remote server gave a diagnostic
			// (src/bounce/bounce_notify_util.c, bounce_recipient_dsn):
			// the words are Postfix's own, its lookup of a recipient it
			// does not have (local(8)'s "unknown user", as Amazon SES's
			// notification contents page quotes it, "X-Postfix; unknown
			// user"), never a remote filter's after DATA.
			return UserUnknown
		}
		if temporary && ev.command == "" && !strings.Contains(text, "mailbox unavailable") {
			// A temporary "no such user" is a recipient check's: Postfix
			// answers RCPT with unknown_local_recipient_reject_code or
			// unverified_recipient_reject_code set to 450 (the latter's
			// default), or under soft_bounce (postconf(5)); the refusals
			// after DATA that read like an address book's are permanent.
			// RFC 5321 §4.2.3's 450 "mailbox unavailable" is a busy
			// mailbox, not a missing one.
			return UserUnknown
		}
		// RFC 3463 §3.2: a status of subject 0, "X.0.XXX Other or
		// Undefined Status", has "no additional subject information
		// available", whatever its detail: Postfix local(8)'s `unknown
		// user: "name"` under "Status: 5.0.999" (a Postfix DSN in
		// rgl/MailBounceDetector, Fixtures/bounce_unknown_status.eml)
		// is placed by its words, as under 5.0.0, not by its code.
		if ev.command != "" || sd != "" && !strings.HasPrefix(sd, ".0.") && !hasAny(text, rcptStageWords) {
			return Filtered
		}
		if !hasAny(text, rcptStageWords) && !namesRecipient(text, d) {
			return Filtered
		}
	case SystemError:
		if ev.command == "CONN" && !temporary {
			// RFC 5321 §3.1: a server that will not take mail from the
			// client may answer the connection with 554 instead of 220;
			// words of an unavailable service there refuse the client
			// (Exim smtp_in.c, host_reject_connection: "554 SMTP service
			// not available"), as a temporary one is the system's.
			return Blocked
		}
		if ev.action == "failed" && temporary {
			// RFC 3464 §2.3.3: "failed" after the receiving system's
			// transient trouble (RFC 5321 §4.2.3 421 and 451, Exim's
			// "Temporary local problem") means the sending MTA gave up
			// before it cleared, as Sendmail's "Message could not be
			// delivered for 5 days" says beside it.
			return Expired
		}
	case MailboxFull:
		// Not where the words name a mailbox ("552 5.2.2 Mailbox full",
		// RFC 3463 x.2.2's own name): which mailbox is full the stage does
		// not say, and a full one is no rate.
		if ev.command == "MAIL" && !strings.Contains(text, "mailbox") {
			// RFC 5321 §3.3: MAIL FROM comes before any recipient, so a
			// quota it is refused for is the sender's, not a mailbox's:
			// Symantec Messaging Gateway defers a sender past its
			// outbound recipients per time-frame with "421 4.7.1
			// Recipient quota exceeded" after the MAIL FROM command
			// (knowledge.broadcom.com, article 159004).
			return Speeding
		}
	case NetworkError:
		if code >= 400 && code < 600 && !strings.HasPrefix(sd, ".4.") && strings.Contains(text, "connection refused") && !strings.Contains(text, "connect to ") {
			// A server that answers with a reply code has taken the
			// connection (RFC 5321 §3.1, §4.2): "connection refused" in
			// its own reply refuses the client, not a TCP connection.
			// Vade's OX platforms answer a sending IP on a blocklist or
			// without reverse DNS "550 5.7.1 Connection refused"
			// (postmaster-oxsus.vadesecure.com, Inbound SMTP error
			// codes _101, _105), and Broadcom lists "550 Connection
			// refused" among the refusals recipients' filtering gateways
			// give (knowledge.broadcom.com, article 169925). A network
			// status (x.4.x) keeps it a network failure: Exchange
			// Online's "451 4.4.316 Connection refused [Message=Socket
			// error code 10061]" reports its own connection, and so does
			// Postfix smtp(8)'s "connect to <host>[<ip>]:25: Connection
			// refused" quoted in a relay's reply (as clientAddressConcept
			// reads "connect to"): a connection that failed, whatever code
			// wraps it.
			return Blocked
		}
		// Courier's DSN module gives every failed recipient "Status:
		// 5.0.0" whatever the failure (svarshavchik/courier
		// courier/courier/module.dsn/dsn.C, dodsn: action "failed",
		// status "5.0.0"), and its SMTP client logs a connection that
		// could not be made as a temporary error with strerror's words
		// (courier/module.esmtp/libesmtp.c: log_smtp_error(info,
		// strerror(errno), '4', arg)), retried until queuetime ends
		// (courier(8)): RFC 3463's x.0.0, "other undefined status",
		// says no more than an absent status.
		undefined := ev.status == "" || strings.HasSuffix(ev.status, ".0.0")
		if ev.action == "failed" && (temporary || undefined && code == 0 && ownConnectionFailure(fold(text))) {
			// RFC 3464 §2.3.3: "failed" after a temporary network error
			// means the sending MTA gave up retrying. A network error
			// the sending MTA met itself, with no reply and no status
			// (Postfix's "connect to host[ip]:25: Connection refused",
			// "conversation with ... timed out"), is one it retries
			// until its queue lifetime ends (Postfix smtp(8) defers
			// them, qmail-remote gives them #4.4.1, Sendmail
			// "Deferred: Connection refused"): a notice that it
			// finally failed says it gave up. A name service error
			// stays a network error: its "try again" is the
			// resolver's, whatever the MTA did next.
			return Expired
		}
	}
	return reason
}

// namesForwardPath reports that a 551 reply offers an address to try
// after its code (RFC 5321 §3.4 "User not local; please try
// <forward-path>"): a bounce's own lines before the reply (the recipient,
// Exim's "RCPT TO:<x>") are not the reply's, and an address the reply
// names without offering it is the refused one ("551 bounce as<the
// destination mailbox <x> is full>", a sample PHPMailer-BMH's rules quote
// for a full mailbox, phpmailer-bmh_rules.php rule 0145). A text without
// the code is the reply's alone.
func namesForwardPath(text string) bool {
	if i := strings.Index(text, "551"); i >= 0 {
		text = text[i:]
	}
	// "try" as a word: "retry", "entry" and "country" offer nothing.
	for off := 0; ; {
		i := strings.Index(text[off:], "try")
		if i < 0 {
			return false
		}
		i += off
		off = i + 3
		if (i == 0 || !isLetter(rune(text[i-1]))) && (off == len(text) || !isLetter(rune(text[off]))) {
			return strings.IndexByte(text[off:], '@') >= 0
		}
	}
}

// mailRefusal places a refusal of MAIL FROM by its status's subject and
// detail (".7.1"): RFC 3463 gives a refused sender address x.1.7 or x.1.8,
// so a security or policy status (x.7) there refuses the client, and any
// other the sender's address.
func mailRefusal(sd string) Reason {
	if strings.HasPrefix(sd, ".7.") {
		return Blocked
	}
	return Rejected
}

// bareAddressRefusal reports a reply whose words, its codes and
// addresses aside, are only "recipient rejected", "address rejected" or
// "recipient address rejected".
func bareAddressRefusal(text string) bool {
	var words []string
	for _, w := range strings.Fields(text) {
		if strings.ContainsAny(w, "@<>") || strings.Trim(w, "0123456789.#-") == "" {
			continue
		}
		words = append(words, strings.Trim(w, ".:;,!"))
	}
	switch strings.Join(words, " ") {
	case "recipient rejected", "address rejected", "recipient address rejected":
		return true
	}
	return false
}

// placeAddress places an unknown address or domain in its stage, wherever
// the verdict came from: at MAIL FROM the address refused is the sender's
// (RFC 5321 §4.1.1.2), at the greeting or EHLO the name refused is the
// client's.
func placeAddress(reason Reason, command string) Reason {
	if reason != UserUnknown && reason != HostUnknown {
		return reason
	}
	switch command {
	case "MAIL":
		return Rejected
	case "EHLO", "CONN":
		return Blocked
	case "AUTH":
		// RFC 4954 §4: AUTH names the client's credentials, and a user it
		// does not know is the login's: Citadel's "500 No such user." to
		// AUTH LOGIN (citadel/modules/smtp/serv_smtp.c, smtp_get_user()).
		return SecurityError
	}
	return reason
}

// rcptStageWords place a user-unknown reply at the RCPT stage when no
// command is named: they name the stage, or are wording only the RCPT
// stage gives.
var rcptStageWords = append([]string{
	// session transcripts (Sendmail ">>> RCPT To:", Postfix "in reply to
	// RCPT TO command")
	"rcpt to", "rcpt command",
	"does not like recipient",    // qmail-remote(8)
	"recipient address rejected", // Postfix postconf(5): smtpd's RCPT restrictions
	"in local recipient table",   // Postfix LOCAL_RECIPIENT_README
	// Postfix's other recipient tables, named when
	// show_user_unknown_table_name is on: smtpd_check.c check_rcpt_maps()
	// ("User unknown in virtual mailbox table", "... in relay recipient
	// table"), and trivial-rewrite's resolve.c resolve_addr() for a virtual
	// alias domain address with no virtual_alias_maps entry ("User unknown
	// in virtual alias table", which the error(8) transport bounces with
	// 5.0.0 when smtpd did not refuse it at RCPT): lookups of the recipient
	// address only.
	"in virtual alias table", "in virtual mailbox table", "in relay recipient table",
	"null username in",                                                           // Postfix local(8) recipient.c: its check of the recipient address's local part (userUnknownPhrases)
	"recipnotfound",                                                              // Exchange's recipient resolution (Microsoft 5.1.1, 5.1.10)
	"recipient name is not recognized",                                           // Exchange 2000/2003's directory lookup
	"not listed in domino directory", "not listed in public name & address book", // Domino's directory lookup
	"no se encuentra en el directorio de domino", "no se encuentra en la libreta", // the same lookup in Spanish (alexborras.com, see userUnknownPhrases)
	"unknown or illegal alias", "unknown or illegal user", // Oracle (Sun) Messaging Server's directory lookup at RCPT (its error_text_unknown_alias and error_text_unknown_user)
	// Dovecot's LMTP server answers RCPT for a user its userdb does not
	// have with "550 5.1.1 <addr> User doesn't exist: name" (dovecot/core
	// src/lmtp/commands.c cmd_rcpt(), lmtp-local.c lmtp_local_rcpt()): the
	// directory lookup names the user as Postfix local(8) does, and no
	// other stage gives it.
	"user doesn't exist: ",
	"bad destination mailbox address",                 // RFC 3463 x.1.1's own description, the status in words
	"bad recipient address syntax",                    // Postfix smtpd's RCPT reply for x.1.3 (userUnknownPhrases)
	"illegal envelope to: address",                    // Gmail's check of the RCPT address's syntax (userUnknownPhrases)
	"address couldn't be found",                       // Exchange Online's NDR ("... because the address couldn't be found")
	"requested action not taken: mailbox unavailable", // RFC 5321 §4.2.3 550 at RCPT (Microsoft 5.5.0, GMX)
	"mailbox name not allowed",                        // RFC 5321 §4.2.3 553, the address refused (at MAIL FROM the command places it first)
	// A recipient looked up in a directory: antispameurope's "554 5.7.1
	// unknown domain or unknown recipient (LDAP check)" (its classification
	// codes, support.everycloud.com article 4000007755); the lookup
	// answers RCPT (Postfix LDAP_README: recipient tables queried in LDAP
	// at RCPT TO).
	"ldap check",
	// Exim 3's local lookup of the recipient, no director accepting it:
	// 'unknown local-part "x" in domain "y"' (src/direct.c; userUnknownPhrases).
	"unknown local-part",
	// Refusals that name the recipient, not a user or a mailbox, refuse
	// the RCPT address: Baruwa's "Recipient verification failed" and
	// "The email address does not exist", iridis's "Recipient does not
	// exist", Coremail's "recipient does not have an account", Yandex's
	// "Invalid recipient", Exchange 2003's "Unknown Recipient" and
	// MDaemon's "Recipient unknown" (userUnknownPhrases), Microsoft Mail
	// Gateway's "Addressee unknown". (Exchange 5.5's IMC "Recipient Not
	// Found", with no reply behind it, is not one: it names no stage.)
	"recipient does not exist", "recipient verification failed", "email address does not exist", "recipient does not have an account",
	// Oxford's relay checks a recipient from outside with the downstream
	// MTA before it accepts the message (help.it.ox.ac.uk/mail-relay: "For
	// mail from outside Oxford, the recipient address is checked with the
	// downstream MTA", "prior to acceptance"), so its "Recipient failed
	// verification" (RPT-FAL) answers RCPT (userUnknownPhrases).
	"recipient failed verification",
	// A sending service's suppression of an address that bounced before
	// (userUnknownPhrases: Mailgun's "Not delivering to previously
	// bounced address", Amazon SES's "recent history of bouncing as an
	// invalid address") is its verdict on the recipient's address, given
	// before any server answered: no filter's.
	"previously bounced address", "history of bouncing as an invalid address",
	"invalid recipient", "unknown recipient", "recipient unknown", "addressee unknown",
	// The same in German, Japanese and Chinese, as userUnknownPhrases'
	// sources give them: "Empfänger unbekannt" (recipient unknown), "宛先メ
	// ールボックスが存在しません" (the destination mailbox does not exist),
	// "没有找到收件人的地址" and "收件人地址不存在" (the recipient's address not
	// found, does not exist).
	"empfänger unbekannt", "宛先メールボックスが存在しません", "没有找到收件人的地址", "收件人地址不存在",
	"no such recipient",                         // GroupWise's Internet Agent "550 No such recipient" (userUnknownPhrases)
	"no correct recipients", "banned recipient", // Yandex "No correct recipients"; Microsoft 5.7.505 "Access denied, banned recipient"
	// The "Mail System Error - Returned Mail" notice's heading for refusals
	// of the recipients themselves, "Each of the following recipients was
	// rejected by a remote mail server" (dream.jp techinfo mail error05,
	// with "Reason: <addr>... User unknown"; the same template in a
	// spam-archive copy on sweetstudy.com, "reason : invalid recipient").
	"recipients was rejected by a remote mail server",
	// The same notice in Japanese as DTI's page gives it beside the English
	// (dream.jp techinfo mail error05): "以下の受取人は、相手のメールサーバに
	// 拒否されました。" (the following recipients were refused by the other
	// side's mail server), above "受取人: <addr>" and "原因: <addr> のユーザー
	// は登録されていません".
	"受取人は、相手のメールサーバに拒否されました",
	// Microsoft's Japanese Outlook help (userUnknownPhrases): "無効な受信者で
	// す" (an invalid recipient) and "電子メール アドレスの形式が正しくありま
	// せん" (the e-mail address's form is not right), the recipient's address
	// refused, as "invalid recipient" and "bad recipient address syntax".
	"無効な受信者です", "電子メール アドレスの形式が正しくありません",
	// Japanese ISPs' notices as fml8 shows them (userUnknownPhrases):
	// pakeo.ne.jp's "あなたが送ろうとしたアドレス「x」は、..." (the address you
	// tried to send to) and jp-r.ne.jp's "送信先E-mailアドレスの不一致です" (the
	// destination address matches none) name the recipient's address.
	"あなたが送ろうとしたアドレス", "送信先e-mailアドレスの不一致",
	// クラウドサイン's "このメールアドレスは存在しないため" (the e-mail address
	// does not exist; userUnknownPhrases), "email address does not exist"
	// in Japanese.
	"メールアドレスは存在しない",
	"destination addresses were unknown", // "The following destination addresses were unknown" (alexborras.com's list): a heading over the addresses refused
	"restricted characters in address",   // Exim's default configuration refuses it in acl_check_rcpt (userUnknownPhrases)
	"recipient e-mail address unknown",   // STRATO's "550 recipient e-mail address unknown" names the recipient (userUnknownPhrases)
	"recipient not in route list",        // hMailServer's "550 Recipient not in route list." names the recipient (userUnknownPhrases)
	// OpenSMTPD's local delivery looks the recipient's user up in its
	// user table: "Permanent failure in user lookup" (usr.sbin/smtpd/mda.c,
	// IMSG_MDA_LOOKUP_USERINFO; lka.c lka_userinfo(): not in the table).
	"permanent failure in user lookup",
	// MailEnable's address map and Exchange 2003's recipient filtering
	// look the RCPT address up in their directories ("recipient is not
	// defined in address map"; "action not taken; mailbox not available"),
	// and Oracle Messaging Server decodes an SRS/MUL recipient address
	// (userUnknownPhrases): the recipient's own lookup, at RCPT.
	"recipient is not defined in address map", "action not taken; mailbox not available",
	"srs/mul address has timed out", "srs/mul address has a bad hash value",
	// Plesk's qmail returns mail to an address its domain does not have
	// with "This address no longer accepts mail." after accepting it
	// (userUnknownPhrases): its own lookup of the recipient, no filter's.
	"this address no longer accepts mail",
	"recipients were previously reported as unknown", // ALL-INKL's refusal of a recipient that bounced as unknown before (all-inkl.com/en/mail-error; userUnknownPhrases)
	// gromox's local delivery (exmdb_local) looks the recipient up in its
	// user database and bounces an address with no mailbox there
	// (mda/exmdb_local/exmdb_local.cpp, exmdb_local_deliverquota(): "<%s> has no mailbox
	// here" in its log, DELIVERY_NO_USER) with its BOUNCE_NO_USER
	// template: 'the address "%(rcpt)" does not exist. Please check
	// whether the addess is rigthly composed' (grommunio/gromox
	// data/local_bounce/ascii/BOUNCE_NO_USER, spelled so).
	"please check whether the addess is rigthly composed",
}, exchangeLookupPhrases...)

// namesRecipient reports a refusal that names the address it refused, the
// shape of a per-recipient reply to RCPT TO, where a filter answering after
// DATA names none ("550 : User unknown"). Two shapes are read:
// "<local@domain>: user unknown" (Postfix's "Recipient address rejected"
// and its short form) and "unknown user: local@domain" (the refusal, then
// the address alone, or the local part in quotes: Postfix local(8)'s own
// lookup, `unknown user: "name"`, status 5.1.1, in its unknown.c, and
// qmgr's the same for a virtual domain's address). Sendmail's
// "local@domain... No such user" is not one: content-filter gateways
// answer after DATA in that form too.
//
// A third shape is the address, then the refusal in parentheses:
// "local@domain (user not found)", GroupWise's notice listing the
// addresses it could not deliver to ("The message that you sent was
// undeliverable to the following:"); GroupWise marks undeliverable a
// message whose addressee does not exist in the post office (GroupWise 7
// Troubleshooting 2, "Message Has Undeliverable Status in the Local Post
// Office", novell.com/documentation/gw7/gw7_tsh2/data/hetq980i.html). The
// layout was seen in rjbs/Mail-DeliveryStatus-BounceParser's
// t/corpus/novell-with-rhs.msg.
//
// A fourth is the address at the head of a line, " - " and the refusal:
// MDaemon's notice for a local recipient it has no account for,
// "local@domain - no such user here." (flufl.bounce's simplematch.py,
// wRAR/flufl.bounce flufl/bounce/_detectors/simplematch.py, reads the
// address so, its pattern commented "pla.net.py (MDaemon.PRO ?)"; the
// notice seen quoted in jordiprats/eris's MDaemonProParser.java).
func namesRecipient(text string, d *detector) bool {
	return anyAt(text, " - ", func(at int) bool {
		start := strings.LastIndexByte(text[:at], '\n') + 1
		return strings.IndexByte(text[start:at], ' ') < 0 && isAddrAfter(text[start:at]) && d.match(prefix(text[at+3:], 40))
	}) || anyAt(text, " (", func(at int) bool {
		w := text[strings.LastIndexAny(text[:at], " \t\n<")+1 : at]
		end := strings.IndexByte(text[at+2:], ')')
		// Sendmail's "(reason: ...)" under an address in "The following
		// addresses had permanent fatal errors" (savemail.c) quotes the
		// remote's last reply, whatever command it answered: KAGOYA's
		// FAQ shows one for a refusal of MAIL FROM's SIZE ("(reason: 552
		// 5.3.4 Message size exceeds fixed limit)" over ">>> MAIL
		// From:<x> SIZE=n", support.kagoya.jp/kir/faq/index.php?
		// action=artikel&cat=5&id=328), and ドコモ情報プラザ's answer
		// shows "(reason: 550 Unknown user" returned for a docomo
		// recipient whose reception settings refuse the sender
		// (doplaza.jp/life/mail/001563.php). It names no stage.
		if end > 0 && strings.HasPrefix(text[at+2:], "reason: ") {
			return false
		}
		return end > 0 && isAddrAfter(strings.TrimSuffix(w, ">")) && d.match(text[at+2:at+2+end])
	}) || anyAt(text, ">: ", func(at int) bool {
		lt := strings.LastIndexByte(text[:at], '<')
		if lt < 0 || !strings.Contains(text[lt:at], "@") || strings.IndexByte(text[lt:at], ' ') >= 0 {
			return false
		}
		return d.match(prefix(text[at+3:], 40))
	}) || anyAt(text, ": ", func(at int) bool {
		before := text[max(0, at-20):at]
		return (isAddrAfter(text[at+2:]) || isQuotedNameAfter(text[at+2:])) && d.match(before) && !strings.Contains(before, "(")
	}) || eximLocalRefusal(text, d)
}

// eximLocalRefusal reads a fifth shape: Exim's list of failed addresses,
// each address alone on its line under "The following address(es)
// failed:" and its error indented beneath it, where the error is a
// router's own verdict on the address, no remote server's. Exim's default
// configuration ends with the localuser router, "If the router fails, the
// error message is \"Unknown user\"" (Exim/exim src/src/configure.default,
// cannot_route_message = Unknown user), and redirect routers fail a local
// part with the words of their ":fail:" item (the bounce_mailman router of
// Exim's configuration notes for Mailman domains, "data = :fail: Unknown
// user"); RIPE NCC's whois keeps Exim DSNs of that shape ("  x@ripe.net\n
// Unknown user", RIPE-NCC/whois whois-api/src/test/resources/testMail/
// permanentFailureMessageRfc822Real.mail). A remote refusal has "SMTP
// error from remote mail server after ..." or the host's name between the
// address and the reply; here the refusal's words follow the address
// directly. In folded text the address opens the text (a DSN's recipient
// read from its block) or follows the heading's colon.
func eximLocalRefusal(text string, d *detector) bool {
	at := 0
	if i := strings.Index(text, "failed: "); i >= 0 && !isAddrAfter(text) {
		at = i + len("failed: ")
	}
	rest := text[at:]
	end := strings.IndexByte(rest, ' ')
	if end < 0 || strings.ContainsAny(rest[:end], "<>,;:()") || strings.HasSuffix(rest[:end], ".") || !isAddrAfter(rest[:end]) {
		return false
	}
	return d.match(prefix(rest[end+1:], 20))
}

// providerStatus returns the reason a provider documents for a status code
// outside the IANA registry (statusRanges), unless the text holds words
// the range leaves to the wording.
func providerStatus(status, text string) (Reason, bool) {
	for _, r := range statusRanges {
		rest, ok := strings.CutPrefix(status, r.prefix)
		if !ok {
			continue
		}
		n, ok := atoi(rest)
		if ok && n >= r.min && n <= r.max && !hasAny(text, r.unless) {
			return r.reason, true
		}
	}
	return "", false
}

// atoi parses a short run of digits.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// replyCodes are the reply codes whose meaning names a reason: RFC 5321
// §4.2.2-4.2.3, RFC 4954 §6 (authentication) and RFC 7504 §3 (521 and 556:
// the host or domain accepts no mail). 550, 553 and 554 name none, nor
// do 421 and 452, which servers send for any temporary refusal (their RFC
// texts are read as wording); 451's "local error in processing" is the
// receiving system's.
var replyCodes = map[int]Reason{
	// 451 "Requested action aborted: local error in processing": the
	// receiving system's own trouble when no word and no status names
	// another cause (greylisting, rate limits and the like name
	// themselves and are read before this step).
	451: SystemError,

	500: SyntaxError,   // "Syntax error, command unrecognized"
	501: SyntaxError,   // "Syntax error in parameters or arguments"
	502: SyntaxError,   // "Command not implemented"
	503: SyntaxError,   // "Bad sequence of commands"
	504: SyntaxError,   // "Command parameter not implemented"
	521: NotAccept,     // RFC 7504: "Host does not accept mail"
	530: SecurityError, // RFC 4954: "Authentication required"
	534: SecurityError, // RFC 4954: "Authentication mechanism is too weak"
	535: SecurityError, // RFC 4954: "Authentication credentials invalid"
	538: SecurityError, // RFC 4954: "Encryption required for requested authentication mechanism"
	551: HasMoved,      // "User not local; please try <forward-path>"
	555: SyntaxError,   // "MAIL FROM/RCPT TO parameters not recognized or not implemented"
	556: NotAccept,     // RFC 7504: "Domain does not accept mail"
}

// maskHostNames replaces the names of hosts the text names as Postfix
// names a peer, name[address] (smtp(8)'s session->namaddr, built as
// concatenate(host, "[", addr, "]") in smtp_session.c, in "host %s said:
// %s", "host %s refused to talk to me: %s", "connect to %s: ...",
// "lost connection with %s while ..."; smtpd(8)'s the same way), with a
// neutral name: a host's name ("spamrelay.example.net",
// "virus-gw.example.org") is the receiver's or the sender's naming, not
// the reply's verdict. Only a name with a dot before a bracketed address
// literal is masked: Postfix's "unknown[192.0.2.1]" (a client with no
// reverse name) and "Client host [192.0.2.1]" keep their words.
func maskHostNames(t string) string {
	if strings.IndexByte(t, '[') < 0 {
		return t
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(t); i++ {
		if t[i] != '[' {
			continue
		}
		// An address literal is at most 50 bytes ("ipv6:" and 45, as
		// isAddrLiteral takes it): the search for its "]" stops there,
		// so that text of many "[" is read in linear time.
		end := strings.IndexByte(t[i:min(len(t), i+52)], ']')
		if end < 0 {
			continue
		}
		if !isAddrLiteral(t[i+1 : i+end]) {
			continue
		}
		start := i
		for start > last && (isDomainChar(t[start-1]) || t[start-1] == '_') {
			start--
		}
		name := t[start:i]
		if strings.IndexByte(name, '.') > 0 && name[len(name)-1] != '.' && !strings.HasSuffix(name, "..") {
			b.WriteString(t[last:start])
			b.WriteString("host.x")
			last = i
		}
		i += end
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// isAddrLiteral reports whether s is an IPv4 or IPv6 address as Postfix
// prints one between brackets (with or without RFC 5321's "IPv6:" tag).
func isAddrLiteral(s string) bool {
	s = strings.TrimPrefix(s, "ipv6:")
	if len(s) < 2 || len(s) > 45 {
		return false
	}
	dots, colons, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			dots++
		case c == ':':
			colons++
		case '0' <= c && c <= '9':
			digits++
		case 'a' <= c && c <= 'f':
		default:
			return false
		}
	}
	return digits > 0 && (dots == 3 && colons == 0 || colons >= 2)
}

// fold lower-cases s and folds each run of white space into one space.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
		space = false
	}
	out := b.String()
	return strings.TrimSuffix(out, " ")
}

func hasAny(text string, words []string) bool {
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// lastExchangeAttempt keeps, of an Exchange NDR's dated history of
// attempts ("<date> <time> - Server at x returned '450 4.4.316 Connection
// refused ...'", or "Remote Server at", one record each after the
// diagnostics' "Generating server" lines), the first dated record and
// what precedes it only: Exchange lists the attempts newest first, the
// failure it reports above the deferrals that led to it (as
// FundersClub/fire#441 shows Exchange Online's NDR: "1:23:09 PM - Server
// at x returned '550 5.4.316 Message expired, connection refused'" above
// "1:12:14 PM - Server at y returned '450 4.4.316 Connection refused'"),
// so the older attempts' codes and words are not the failure's. A delay
// notice's undated summary record ("returned '400 4.4.7 Message
// delayed'") stays, with the newest attempt under it that names the
// cause. folded is fold()ed text; it is returned whole when it holds
// fewer than two dated records.
func lastExchangeAttempt(folded string) string {
	first := datedAttempt(folded, 0)
	if first < 0 {
		return folded
	}
	second := datedAttempt(folded, first+1)
	if second < 0 {
		return folded
	}
	return folded[:second]
}

// datedAttempt returns the index at or after from of the next " - server
// at " or " - remote server at " in folded, or -1.
func datedAttempt(folded string, from int) int {
	best := -1
	for _, rec := range []string{" - server at ", " - remote server at "} {
		if i := strings.Index(folded[from:], rec); i >= 0 && (best < 0 || from+i < best) {
			best = from + i
		}
	}
	return best
}

// pickStatus chooses the enhanced status code. A specific code quoted in the
// diagnostic wins over the given one when both are of the same class: the
// last quoted one, because gateways (SES, Exchange) put their own generic code
// before the remote server's reply.
func pickStatus(given, text string, code int) string {
	given = normStatus(given)
	best := ""
	for off := 0; off < len(text); {
		s, end := nextStatus(text, off)
		if s == "" {
			break
		}
		off = end
		if given != "" && s[0] != given[0] && (code == 0 || int(s[0]-'0') != code/100) {
			continue
		}
		if s[0] == '2' && (given == "" || given[0] != '2') && code/100 != 2 {
			// RFC 3463 §3.1: class 2 is success. In the words of a
			// failure with no success status or reply beside it, a
			// "2.0.12" is a version number ("Mailman 2.0.12"), not
			// its status.
			continue
		}
		if strings.HasSuffix(s, ".0.0") {
			if best == "" {
				best = s
			}
			continue
		}
		best = s
	}
	if best == "" || given != "" && strings.HasSuffix(best, ".0.0") {
		return given
	}
	return best
}

// normStatus returns the status code at the start of s ("5.1.1 (permanent
// failure)" gives "5.1.1"), or "" when s does not start with one.
func normStatus(s string) string {
	s = strings.TrimSpace(s)
	n := statusLen(s, 0)
	if n == 0 {
		return ""
	}
	return s[:n]
}

// statusLen returns the length of an RFC 3463 code starting at s[i]
// (class "." 1*3digit "." 1*3digit), or 0.
func statusLen(s string, i int) int {
	if i >= len(s) || (s[i] != '2' && s[i] != '4' && s[i] != '5') {
		return 0
	}
	j := i + 1
	if j+1 < len(s) && s[j] == '.' && (s[j+1] < '0' || s[j+1] > '7' || j+2 < len(s) && isDigit(s[j+2])) {
		return 0 // RFC 3463 §3.3: the subject is one digit
	}
	for part := 0; part < 2; part++ {
		if j >= len(s) || s[j] != '.' {
			return 0
		}
		j++
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && j-k < 3 {
			j++
		}
		if j == k {
			return 0
		}
	}
	if j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		return 0
	}
	return j - i
}

// nextStatus finds the next enhanced status code in text at or after off,
// returning it and the offset just past it.
func nextStatus(text string, off int) (string, int) {
	for i := off; i < len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if i > 0 {
			p := text[i-1]
			if p >= '0' && p <= '9' || p == '.' || p >= 'a' && p <= 'z' {
				continue
			}
		}
		if n := statusLen(text, i); n > 0 {
			return text[i : i+n], i + n
		}
	}
	return "", len(text)
}

// findReplyCode returns the first SMTP reply code in text: three digits,
// 2xx/4xx/5xx, standing alone or followed by '-'.
func findReplyCode(text string) int {
	for i := 0; i+3 <= len(text); i++ {
		code := replyCodeAt(text, i)
		if code == 0 || code/100 == 2 && i > 0 {
			continue // a success code only counts opening the text
		}
		return code
	}
	return 0
}

// replyCodeAt returns the reply code that starts at text[i], or 0.
func replyCodeAt(text string, i int) int {
	if i+3 > len(text) {
		return 0
	}
	c := text[i]
	if c != '2' && c != '4' && c != '5' {
		return 0
	}
	if i > 0 {
		p := text[i-1]
		if p >= '0' && p <= '9' || p == '.' || p == '-' || p == '[' || p == ':' || p >= 'a' && p <= 'z' {
			return 0
		}
	}
	if !isDigit(text[i+1]) || !isDigit(text[i+2]) || text[i+1] > '5' {
		return 0
	}
	if i+3 < len(text) {
		n := text[i+3]
		if n != ' ' && n != '-' && n != ',' && n != ';' && n != ':' {
			return 0
		}
	}
	return int(c-'0')*100 + int(text[i+1]-'0')*10 + int(text[i+2]-'0')
}

// failingReplyAt returns where the failing exchange of a session
// transcript starts in text: the line of the command before the first
// 4xx or 5xx reply line that follows 2xx reply lines. The replies before
// it succeeded (RFC 5321 §4.2), and their words (a "Sender ok", a "SIZE"
// extension) are not the failure's: the greeting's, EHLO's and MAIL's
// lines of the session transcripts MDaemon puts in its DSNs (MDaemon
// manual, Queues » DSN Settings: "Do not include session transcripts in
// DSN messages", off by default), Sendmail's "<<< " lines. A reply line
// starts with its code, after blanks and a transcript's "<<< "; 0 when
// text is no such transcript.
func failingReplyAt(text string) int {
	if strings.IndexByte(text, '\n') < 0 {
		return 0
	}
	success := false
	off, prev := 0, -1 // prev: start of the line before, if it may be the command
	for line := range strings.Lines(text) {
		t := strings.TrimPrefix(strings.TrimLeft(strings.TrimSuffix(line, "\n"), " \t"), "<<< ")
		switch replyCodeAt(t, 0) / 100 {
		case 2:
			success, prev = true, -1
		case 4, 5:
			if !success {
				return 0
			}
			if prev >= 0 {
				return prev
			}
			return off
		default:
			prev = off
		}
		off += len(line)
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// stripContinuations removes the reply-code prefixes that multi-line SMTP
// replies repeat on each line ("550-5.7.1 ... 550-5.7.1 ..."), after the
// first, so that wording broken across lines reads whole again.
func stripContinuations(t string) string {
	code := findReplyCode(t)
	if code == 0 {
		return t
	}
	digits := t[:0]
	for i := 0; i+3 < len(t); i++ {
		if int(t[i]-'0')*100+int(t[i+1]-'0')*10+int(t[i+2]-'0') == code && (t[i+3] == '-' || t[i+3] == ' ') {
			digits = t[i : i+4]
			break
		}
	}
	if digits == "" {
		return t
	}
	first := strings.Index(t, digits[:3])
	var b strings.Builder
	b.WriteString(t[:first+4])
	rest := t[first+4:]
	for {
		i := strings.Index(rest, " "+digits[:3])
		if i < 0 || i+5 > len(rest) || rest[i+4] != '-' && rest[i+4] != ' ' {
			if i >= 0 && i+5 <= len(rest) {
				b.WriteString(rest[:i+4])
				rest = rest[i+4:]
				continue
			}
			b.WriteString(rest)
			return b.String()
		}
		// A transcript quotes each reply line after "<<< " (Sendmail
		// savemail.c, Courier module.dsn/dsn.C format_del_info): the
		// marker of a continuation line goes with its codes.
		b.WriteString(strings.TrimSuffix(rest[:i+1], "<<< "))
		rest = rest[i+5:]
		if n := statusLen(rest, 0); n > 0 && n < len(rest) && rest[n] == ' ' {
			rest = rest[n+1:]
		}
	}
}

// anyAt reports whether f is true at one of the offsets where sub occurs
// in text.
func anyAt(text, sub string, f func(at int) bool) bool {
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], sub)
		if i < 0 {
			return false
		}
		if f(off + i) {
			return true
		}
		off += i + 1
	}
	return false
}

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// isAddrAfter reports whether text starts with local@domain, maybe in <>,
// and nothing else on its line.
func isAddrAfter(text string) bool {
	text = strings.TrimPrefix(text, "<")
	end := strings.IndexAny(text, " >")
	if end < 0 {
		end = len(text)
	}
	w := text[:end]
	at := strings.IndexByte(w, '@')
	return at > 0 && at < len(w)-3 && strings.IndexByte(w[at:], '.') > 0
}

// isQuotedNameAfter reports whether text starts with a quoted name of no
// spaces ("jdoe") and nothing follows it but the end of the text or a
// space.
func isQuotedNameAfter(text string) bool {
	if len(text) < 3 || text[0] != '"' {
		return false
	}
	end := strings.IndexByte(text[1:], '"')
	if end <= 0 || strings.IndexByte(text[1:1+end], ' ') >= 0 {
		return false
	}
	rest := text[2+end:]
	return rest == "" || rest[0] == ' '
}

// ownConnectionFailure reports the sending MTA's own account of a
// connection it could not make or keep (Postfix smtp(8) "connect to
// host[ip]:25: Connection refused", "conversation with host timed out";
// Sendmail "Connection refused by"; qmail-remote "Sorry, I wasn't able to
// establish an SMTP connection"), with no reply code or status. Postfix
// gives every such account a temporary status: smtp_connect.c
// smtp_connect_sock() 4.4.1 for "connect to x: Network is unreachable",
// smtp_trouble.c smtp_stream_except() 4.4.2 for "lost connection with x
// while y"; Sendmail reports EHOSTDOWN under EX_TEMPFAIL as "Deferred:
// Host x is down" (deliver.c giveresponse(), err.c sm_errstring()).
// CommuniGate Pro's SMTP module names a connection it lost "connection
// with <host> is broken" (the sample commented in PHPMailer-BMH's bounce
// rules, phpmailer-bmh_rules.php rule 0231, which reads it as soft).
func ownConnectionFailure(f string) bool {
	return !hasStatusCode(f) && !strings.Contains(f, "name service") && !strings.Contains(f, "host not found") &&
		hasAny(f, []string{"connection refused", "timed out", "connection reset", "no route to host", "establish an smtp connection",
			"network is unreachable", "lost connection with", " is down", " is broken"})
}

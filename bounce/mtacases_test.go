package bounce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mtaCause is one failure the real-MTA matrix makes a sending MTA meet,
// with the verdict known by construction: the scripted receiver (or the
// DNS) produces exactly this failure.
type mtaCause struct {
	name   string // file name in testdata/mta/<mta>/
	rcpt   string // the recipient that meets it
	reason Reason
	hard   bool
	// status is the enhanced code the receiver gave, which the DSN must
	// carry through; "" for failures the sending MTA detects itself
	// (no answer, DNS), where the class is checked against the DSN's own
	// Status field.
	status string
	// class is the expected class when status is "": '5' for a
	// permanent failure the MTA found itself, 0 when the MTA decides
	// (a temporary failure that outlived its queue lifetime is reported
	// as 4.x by some MTAs and 5.x by others).
	class byte
}

// mtaCauses are the failures of the matrix. The receiver's replies are
// worded as real servers word them (each cited), so that the matrix also
// checks that the wording and the status code agree in the classifier.
var mtaCauses = []mtaCause{
	// Postfix smtpd's reply for a recipient not in its tables
	// (postfix.org/LOCAL_RECIPIENT_README.html, "User unknown in local
	// recipient table").
	{"unknown-user", "nobody@rcpt.test", UserUnknown, true, "5.1.1", 0},
	// Google, "Gmail SMTP errors and codes" (support.google.com/a/answer/3726730):
	// 552 5.2.2 and 452 4.2.2 "The email account that you tried to reach
	// is over quota".
	{"mailbox-full", "full@rcpt.test", MailboxFull, false, "5.2.2", 0},
	{"mailbox-full-temporary", "fulltmp@rcpt.test", MailboxFull, false, "4.2.2", 0},
	// Postfix cleanup/smtpd: "552 5.3.4 Message size exceeds fixed limit"
	// (postfix.org/postconf.5.html#message_size_limit).
	{"message-too-big", "big@rcpt.test", MesgTooBig, false, "5.3.4", 0},
	// Postfix smtpd's "Relay access denied" (postconf.5.html,
	// reject_unauth_destination).
	{"relaying-denied", "relay@rcpt.test", NoRelaying, false, "5.7.1", 0},
	// Exchange Online Protection, "Message rejected as spam by Content
	// Filtering" (learn.microsoft.com, "Email non-delivery reports and SMTP
	// errors in Exchange Online", 5.7.1).
	{"spam", "spam@rcpt.test", SpamDetected, false, "5.7.1", 0},
	// Google, 550 5.7.26 "Unauthenticated email from example.com is not
	// accepted due to domain's DMARC policy".
	{"dmarc", "dmarc@rcpt.test", AuthFailure, false, "5.7.26", 0},
	// Postfix's own refusal under unknown_local_recipient_reject_code =
	// 450 (postconf(5)), until the MTA gives up: a finally failed
	// recipient the receiver said does not exist is a hard unknown user
	// whatever the class of its last reply; the status is the DSN's.
	{"unknown-user-temporary", "tempuser@rcpt.test", UserUnknown, true, "4.1.1", 0},
	// "550 User unknown" with no enhanced code, at RCPT: the DSN names
	// the stage.
	{"unknown-user-bare", "bare@rcpt.test", UserUnknown, true, "", '5'},
	// amavisd-new's "554 5.7.0 Reject, id=... - INFECTED: <name>": a
	// virus, not spam.
	{"virus", "virus@rcpt.test", VirusDetected, false, "5.7.0", 0},
	// Postfix's smtpd_client_recipient_rate_limit: a rate, not a count
	// of recipients in one message.
	{"recipient-rate", "rcptlimit@rcpt.test", Speeding, false, "4.7.1", 0},
	// Postfix postscreen's refusal of a client on its access list.
	{"postscreen", "screened@rcpt.test", Blocked, false, "5.3.2", 0},
	// Google, 421 4.7.28 "... has been temporarily rate limited".
	{"rate-limited", "rate@rcpt.test", Speeding, false, "4.7.28", 0},
	// Nothing listens: the MTA gives up on a host it cannot reach.
	{"connection-refused", "user@closed.test", Expired, false, "", 0},
	// RFC 5321 §3.1: "554 No SMTP service here" instead of the greeting.
	{"greeting-554", "user@greet.test", Blocked, false, "", 0},
	// The domain does not exist (NXDOMAIN from the DNS).
	{"nxdomain", "user@nx.test", HostUnknown, true, "", '5'},
	// RFC 7505: MX 0 "." says the domain accepts no mail.
	{"null-mx", "user@nullmx.test", NotAccept, true, "", '5'},
	// The MTA must use TLS for tls.test; the receiver offers no STARTTLS.
	{"tls-required", "user@tls.test", FailedSTARTTLS, false, "", 0},
	// The receiver accepts the connection and never greets.
	{"timeout", "user@slow.test", Expired, false, "", 0},
	// Final delivery by the MTA itself (mtalocal_test.go): its own
	// delivery agent, or the LMTP server it hands the message to, fails
	// it after the MTA accepted it.
	//
	// A mailbox at its limit: Postfix local(8) under mailbox_size_limit
	// and virtual(8) under virtual_mailbox_limit (each "must not be
	// smaller than message_size_limit": O'Reilly, Postfix: The Definitive
	// Guide, virtual_mailbox_limit) fail the write with EFBIG and report
	// 5.2.2 under an x-unix "input/output error" (postfix/src/global/
	// mail_copy.c, dsb_unix(... mbox_dsn(errno, "5.3.0"),
	// sys_exits_detail(EX_IOERR)->text, "error writing message: %m"));
	// Exim's appendfile transport enforces its own "quota" (Exim
	// specification, chapter "The appendfile transport": "Exim also
	// supports its own quota control within the transport") and
	// defers with "mailbox is full", final under a retry rule with no
	// times. A full mailbox is soft: it may be emptied.
	{"local-quota", "nobody@local.test", MailboxFull, false, "", 0},
	{"virtual-quota", "overquota@vmail.test", MailboxFull, false, "", 0},
	// A local part with no account: Postfix local(8) sends back as
	// undeliverable mail for a name that is neither an alias nor a user
	// (local(8), "SYSTEM-WIDE AND USER-LEVEL ALIASING";
	// manpages.ubuntu.com local.8postfix), with 5.1.1 'unknown user:
	// "name"' (postfix/src/local/unknown.c); virtual(8) the same for an
	// address virtual_mailbox_maps does not list (src/virtual/
	// unknown.c, 'unknown user: "address"').
	{"local-unknown", "nosuchuser@local.test", UserUnknown, true, "", '5'},
	{"virtual-unknown", "nosuchuser@vmail.test", UserUnknown, true, "", '5'},
	// LMTP to Dovecot, whose quota plugin refuses a message over quota
	// with 552 5.2.2 and quota_exceeded_message, by default "Quota
	// exceeded (mailbox for user is full)" (doc.dovecot.org 2.3,
	// settings/plugin/quota-plugin; dovecot/core src/plugins/quota/
	// quota.c, DEFAULT_QUOTA_EXCEEDED_MSG), and whose LMTP server
	// answers a user its userdb does not know with "550 5.1.1 User
	// doesn't exist: <user>" (dovecot/core src/lmtp,
	// lmtp_rcpt_continue()): the directory lookup of a mail store.
	{"lmtp-quota", "lmtpfull@lmtp.test", MailboxFull, false, "5.2.2", 0},
	{"lmtp-unknown", "lmtpnouser@lmtp.test", UserUnknown, true, "5.1.1", 0},
	// An alias to a delivery program that reads the message and exits
	// with a sysexits.h code (mtaAliases). EX_NOUSER says the user does
	// not exist: Postfix's local(8) reports it as 5.1.1 "user unknown"
	// (postfix/src/global/sys_exits.c, sys_exits_table). EX_TEMPFAIL
	// (4.3.0 "temporary failure" there, retried until the MTA gives up)
	// and EX_CANTCREAT (5.2.0 "can't create user output file") are the
	// program's own failure (RFC 3464 §2.3.6, the "x-unix" diagnostic
	// type): a mailer error, soft.
	{"pipe-nouser", "exnouser@local.test", UserUnknown, true, "", 0},
	{"pipe-tempfail", "extempfail@local.test", MailerError, false, "", 0},
	{"pipe-cantcreat", "excantcreat@local.test", MailerError, false, "", 0},
	// Two aliases that expand into each other: Postfix's local(8) fails
	// the loop with 5.4.6 "alias database loop for <name>" (RFC 3463
	// x.4.6 "Routing loop detected"), reported under the expanded
	// address with the one sent to as Original-Recipient; the
	// classifier reads loops as network errors (networkErrorPhrases).
	// An alias to a file the delivery may not write (owned by root, in
	// a folder only root may write): Postfix's local(8), writing as
	// default_privs, fails it with 5.2.0 "cannot append message to file
	// <path>: cannot open file: Permission denied" (file.c). The
	// receiving system's set-up, not the mailbox's owner: a system
	// error, soft.
	{"file-denied", "exfile@local.test", SystemError, false, "", 0},
	{"forward-loop", "loopa@local.test", NetworkError, false, "", 0},
	// A message that has passed more hosts than the MTA allows (RFC
	// 5321 §6.3: loops are detected by counting Received: fields): 60
	// Received: fields. Sendmail's sendall() fails every recipient with
	// "554 5.4.6 Too many hops %d (%d max): ..." (sendmail/deliver.c;
	// MaxHopCount, 25 by default); Exim fails it at delivery, past
	// received_headers_max (30). A loop, read as a network error as
	// "forward-loop" is. Postfix refuses it at DATA ("554 5.4.0 Error:
	// too many hops", hopcount_limit, 50 by default), before any DSN;
	// OpenSMTPD 6.8 relays it.
	{"too-many-hops", "hops@rcpt.test", NetworkError, false, "", 0},
}

// mtaExceptions are the causes an MTA cannot be made to meet, with why;
// their files are absent from testdata/mta/<mta>/.
var mtaExceptions = map[string]map[string]string{
	"postfix": {"too-many-hops": "refused at DATA (554 5.4.0 Error: too many hops)"},
	"opensmtpd": {
		"too-many-hops": "60 Received: fields are within its limit: it relays the message",
		"file-denied":   "delivery to a file is not set up (its mda action runs programs only here)",
		// OpenSMTPD 6.8's SMTP client waits five minutes for a
		// greeting, a compiled-in timeout smtpd.conf(5) has no knob
		// for: too long for a test.
		"timeout": "the greeting timeout is five minutes and cannot be configured",
		// Its local delivery ("mbox", "maildir" in smtpd.conf(5)) has no
		// mailbox limit option there, and a recipient its user lookup
		// does not know is refused at RCPT ("550 Invalid recipient", as
		// this generator met while setting up lmtp.test), before any DSN.
		"local-quota": "no mailbox limit in its local delivery", "virtual-quota": "no mailbox limit in its local delivery",
		"local-unknown": "an unknown local user is refused at RCPT", "virtual-unknown": "an unknown local user is refused at RCPT",
		// Its aliases are expanded when the recipient is given, so that
		// a loop is refused at RCPT.
		"forward-loop": "aliases are expanded at RCPT",
	},
	"sendmail": {
		// This private instance has no alias database (startSendmail),
		// so no alias to a program or another address.
		"pipe-nouser": "no aliases", "pipe-tempfail": "no aliases", "pipe-cantcreat": "no aliases", "forward-loop": "no aliases", "file-denied": "no aliases",
		// Not set up here: startSendmail gives this private instance no
		// local domain, mailboxes or mailbox limit (only the mailertable
		// routes, LMTP among them).
		"local-quota": "no local mailbox delivery set up", "virtual-quota": "no local mailbox delivery set up",
		"local-unknown": "no local mailbox delivery set up", "virtual-unknown": "no local mailbox delivery set up",
	},
	// The DragonFly Mail Agent 0.13 (Debian's dma), from its source
	// (github.com/corecode/dma) and dma(8).
	"dma": {
		// Its only local delivery appends to an mbox in the mail
		// directory (local.c, deliver_local) with no size limit among
		// its dma.conf settings (dma(8), PARAMETERS); it delivers to no
		// program and no file, and an alias names addresses only
		// (dma(8), ALIASES: "nam: dest1 dest2 ..."). It delivers
		// locally only an address with no domain or its own host name
		// (dma.c, add_recp), and refuses one getpwnam(3) does not know
		// at submission ("invalid recipient", EX_DATAERR), before any
		// bounce.
		"local-quota": "no mailbox limit in its local delivery", "virtual-quota": "no mailbox limit in its local delivery",
		"local-unknown": "an unknown local user is refused at submission", "virtual-unknown": "an unknown local user is refused at submission",
		"pipe-nouser": "no delivery to programs", "pipe-tempfail": "no delivery to programs", "pipe-cantcreat": "no delivery to programs",
		"file-denied":  "no delivery to files",
		"forward-loop": "an alias that repeats an address is dropped at submission (dma.c, add_recp weeds out duplicates)",
		// Its remote delivery speaks SMTP only (net.c, deliver_to_host).
		"lmtp-quota": "no LMTP client", "lmtp-unknown": "no LMTP client",
		// It counts no Received: fields (nothing in dma.c, mail.c or
		// net.c does): it relays the message.
		"too-many-hops": "no hop limit: it relays the message",
		// read_remote() waits CON_TIMEOUT, five minutes (dma.h,
		// "Connection timeout per RFC5321"), compiled in: too long for a
		// test.
		"timeout": "the greeting timeout is five minutes and cannot be configured",
		// STARTTLS is required or not for every connection (dma.conf's
		// SECURETRANSFER and STARTTLS, dma(8)), the bounce's to the
		// sender too: no policy for one destination.
		"tls-required": "TLS is required for every host or none, the bounce's too",
		// Each recipient is a queue item delivered and bounced on its
		// own (dma.c, go_background forks one delivery per item;
		// deliver() bounces the item): one bounce per recipient.
		"multi": "one bounce per recipient",
		// A temporary failure is retried until the queue file is five
		// days old (dma.c, deliver(); dma.h, MAX_TIMEOUT), and no
		// warning is sent meanwhile.
		"delayed": "no delay warning",
	},
	"courier": mtaNoLocal(map[string]string{
		// Courier's delivery modules are local, esmtp, uucp, fax and dsn
		// (courier-mta's usr/lib/courier/courier/modules): no LMTP
		// client.
		"lmtp-quota": "no LMTP client", "lmtp-unknown": "no LMTP client",
		// Courier's submit refuses a message with more than 100
		// Received: fields ("546 Routing loop detected -- too many
		// Received: headers.", svarshavchik/courier
		// courier/courier/submit.C), before any DSN; 60 are within it.
		"too-many-hops": "60 Received: fields are within its limit of 100: it relays the message",
		// This private instance delivers nothing locally: no mailboxes,
		// aliases or programs are set up (startCourier).
	}, "local delivery is not set up"),
	// nullmailer 2.2 (Debian's nullmailer), from nullmailer-send(8),
	// nullmailer-dsn(1) and its package.
	"nullmailer": mtaNoLocal(map[string]string{
		// It relays every message to the hosts in its remotes file,
		// "a list of remote servers to which to send each message"
		// (nullmailer-send(8)), with no MX lookup and no route by
		// domain: the recipient's domain is never looked up.
		"nxdomain": "it looks up no MX: every message goes to its remotes", "null-mx": "it looks up no MX: every message goes to its remotes",
		// Its DSN is queued as a message to the sender and relayed to
		// the same remotes (nullmailer-dsn(1): "The output is formatted
		// to be fed into nullmailer-queue"): a remote that refuses the
		// connection, does not greet, never answers or lacks the
		// STARTTLS the remote line requires cannot take the DSN either.
		"connection-refused": "its DSN goes to the same remote, which takes nothing",
		"greeting-554":       "its DSN goes to the same remote, which takes nothing",
		"timeout":            "its DSN goes to the same remote, which takes nothing",
		"tls-required":       "its DSN goes to the same remote, which takes nothing",
		// It speaks SMTP or QMQP to its remotes (usr/lib/nullmailer:
		// smtp, qmqp): no LMTP client.
		"lmtp-quota": "no LMTP client", "lmtp-unknown": "no LMTP client",
		// It counts no Received: fields (no hop limit among its control
		// files, nullmailer-send(8), nullmailer-queue(8)): it relays the
		// message.
		"too-many-hops": "no hop limit: it relays the message",
		// nullmailer-send generates a DSN only when it moves a message
		// to the failed queue (nullmailer-send(8)): no delay warning.
		"delayed": "no delay warning",
		// Its SMTP module fails the whole message at the first refused
		// RCPT (bruceg/nullmailer protocols/smtp.cc: send_envelope gives
		// each RCPT to docmd, which sends QUIT and calls protocol_fail
		// on any reply outside 2xx): one DSN naming every recipient
		// with the first refusal, not one verdict per recipient.
		"multi": "the first refused recipient fails the whole message, one reply for all",
		// It delivers nothing locally ("nullmailer -- a simple
		// relay-only MTA", the first line of its sources, src/send.cc):
		// no mailboxes, aliases or programs.
	}, "no local delivery"),
	// Haraka 3.3 (npm's Haraka), from its source (haraka/Haraka,
	// outbound/*.js, connection.js) and docs (docs/Outbound.md,
	// docs/CoreConfig.md).
	"haraka": mtaNoLocal(map[string]string{
		// Its inbound side refuses a message with more Received: fields
		// than headers.max_received, 100 by default (docs/CoreConfig.md;
		// connection.js, data_done: "Too many received headers -
		// possible mail loop"); 60 are within it, and its outbound
		// delivery counts none: it relays the message.
		"too-many-hops": "60 Received: fields are within its limit of 100: it relays the message",
		// A temporary failure is only requeued (outbound/hmail.js,
		// temp_fail runs the deferred hook and deferred_respond renames
		// the queue file for the next attempt); the one notice it writes
		// is the bounce (bounce_respond), whose text says "This is a
		// permanent error; I've given up" (config/
		// outbound.bounce_message): no delay warning.
		"delayed": "no delay warning",
		// A 5xx reply to a command other than RCPT (here the end of DATA,
		// after the one recipient it accepted) gives every recipient of
		// the message that reply's DSN fields, the ones its RCPT TO
		// refused too, and bounces the message whole (outbound/hmail.js,
		// try_deliver_host_on_socket; finish_processing_mail, which
		// bounces the refused recipients on their own, is not reached):
		// its DSN reports the four recipients with the spam refusal.
		// (The text part keeps each refused recipient's own reply,
		// recip.reason, in its "extended_reason" lines.)
		"multi": "a refusal after DATA is reported for every recipient, those refused at RCPT too",
		// It has no local delivery: a message is queued for outbound
		// delivery when relaying, or handed to a queue plugin
		// (docs/Outbound.md; config/plugins' QUEUE section: discard,
		// qmail-queue, quarantine, smtp_forward, smtp_proxy).
	}, "no local delivery"),
	"exim": {
		// Exim fails an address no router accepts as "Unrouteable
		// address", the words it gives a domain that does not exist
		// (testdata/mta/exim/nxdomain.eml): nothing in its DSN says
		// the user is unknown.
		"local-unknown": "an unknown local user is an unrouteable address, as an unknown domain is", "virtual-unknown": "an unknown local user is an unrouteable address, as an unknown domain is",
		// Two aliases redirecting to each other: Exim drops the address
		// that repeats an ancestor and fails the rest as "Unrouteable
		// address" (its log: "** loopa@local.test: Unrouteable
		// address"), nothing that names a loop.
		"forward-loop": "a redirection loop is an unrouteable address, as an unknown domain is",
	},
}

// mtaNoLocal adds to an MTA's exceptions the causes of final delivery
// by the MTA itself (mailboxes, aliases, programs, files), for why.
func mtaNoLocal(m map[string]string, why string) map[string]string {
	for _, c := range []string{"local-quota", "virtual-quota", "local-unknown", "virtual-unknown",
		"pipe-nouser", "pipe-tempfail", "pipe-cantcreat", "file-denied", "forward-loop"} {
		m[c] = why
	}
	return m
}

// mtaReported are verdicts that differ from the cause because the MTA's
// DSN does not carry it: what the DSN says is all a reader can know.
var mtaReported = map[string]map[string]Reason{
	// OpenSMTPD 6.8 reports a temporary failure that outlived "queue
	// ttl" as "Envelope expired" (Status 4.4.7) without the last reply
	// or error, and it treats a null MX (RFC 7505, not implemented in
	// 6.8) as a temporary network error that expires the same way.
	"opensmtpd": {
		"mailbox-full-temporary": Expired, "rate-limited": Expired, "greeting-554": Expired,
		"null-mx": Expired, "tls-required": Expired,
		"unknown-user-temporary": Expired, "recipient-rate": Expired,
		// Its DSN gives the reply after the recipient ("x: 550 User
		// unknown") but not the command it answered: a bare "User
		// unknown" placed at no stage is read as a filter's (adjust).
		"unknown-user-bare": Filtered,
		// Its LMTP delivery program, mail.lmtp, makes any refusal of the
		// LMTP server a temporary failure (its log: 'result=TempFail
		// stat=Error (temporary failure: "mail.lmtp: LMTP server error:
		// 550 5.1.1 <x> User doesn't exist: x")'): the envelope expires
		// and the DSN says only that.
		"lmtp-quota": Expired, "lmtp-unknown": Expired,
		// A delivery command that exits non-zero is reported as "exited
		// abnormally" with no exit code (mda.c): a program's failure,
		// whatever the code meant; EX_TEMPFAIL is retried until the
		// envelope expires.
		"pipe-nouser": MailerError, "pipe-tempfail": Expired,
	},
	// nullmailer-dsn writes the reply as the Diagnostic-Code and nothing
	// of the command it answered (bruceg/nullmailer src/dsn.cc,
	// --diagnostic-code): a bare "User unknown" placed at no stage is
	// read as a filter's, as OpenSMTPD's is.
	"nullmailer": {"unknown-user-bare": Filtered},
	// Exim 4.96 fails a host where hosts_require_tls cannot be met as a
	// temporary host error; when the retry rules end it says only
	// "retry timeout exceeded".
	//
	// Its pipe transport tells the sender "local delivery failed" and no
	// more (src/src/transports/pipe.c: the command's exit code, 67 "could
	// mean user nonexistent" in its log, is not exposed "to the world"),
	// and defers the codes of temp_errors (by default EX_TEMPFAIL and
	// EX_CANTCREAT, 75:73) until the retry rules end: "retry timeout
	// exceeded".
	//
	// It fails a message past received_headers_max with 'Too many
	// "Received" headers - suspected mail loop' in its log, and a DSN
	// that names the address and no reason: onhold, what a text that
	// states no reason is (issue 17).
	//
	// Its appendfile transport defers a file it may not write
	// (its log: "defer (13): Permission denied: creating lock file
	// hitching post ...") until the retry rules end.
	// dma 0.13 keeps the reply of a temporary failure for its log only
	// (net.c, READ_REMOTE_CHECK: "remote delivery deferred: ..." to
	// syslog) and, when the queue file is five days old, bounces with
	// "Could not deliver for the last %d seconds. Giving up." in place
	// of any reply (dma.c, deliver()).
	//
	// It looks the MX "." of a null MX (RFC 7505, which dma.c and dns.c
	// do not implement) up as a host, and bounces it as a temporary
	// failure that outlived the queue ("Could not deliver ... Giving
	// up.", deliver()'s case for a temporary failure).
	// Courier 1.0 logs every hard failure of its MX lookup as "No
	// such domain." (courier/module.esmtp/libesmtp.c,
	// do_esmtp_connect_to: RFC1035_MX_HARDERR), a null MX (RFC 7505)
	// as an NXDOMAIN: a host unknown, hard. For a server that accepts
	// the connection and never greets, its DSN gives the recipient and
	// "Status: 5.0.0" (dsn.C writes it for every failed recipient) and
	// no diagnostic at all: onhold, what a text that states no reason
	// is (issue 17).
	"courier": {"null-mx": HostUnknown, "timeout": OnHold},
	"dma":     {"null-mx": Expired, "mailbox-full-temporary": Expired, "unknown-user-temporary": Expired, "recipient-rate": Expired, "rate-limited": Expired},
	"exim":    {"tls-required": Expired, "pipe-nouser": MailerError, "pipe-tempfail": Expired, "pipe-cantcreat": Expired, "too-many-hops": OnHold, "file-denied": Expired},
}

// mtaNoDSN are the MTAs whose bounce is not a delivery status
// notification (RFC 3464) but a text message, with why: TestMTADSNs and
// TestMTATextOnly read it whole, as a non-standard bounce.
var mtaNoDSN = map[string]string{
	// dma's bounce() (mail.c) writes a plain message: "This is the %s at
	// %s.", "There was an error delivering your mail to <%s>.", the
	// error, and "Message headers follow." (or "Original message
	// follows." under FULLBOUNCE) with the returned message's header.
	"dma": "its bounce is a plain-text message (mail.c, bounce)",
}

// TestMTADSNs parses the DSNs that real MTAs (Postfix, Exim, OpenSMTPD,
// Sendmail, Courier, nullmailer, Haraka, and dma's plain-text bounces) wrote when they met each failure of mtaCauses (generated by
// TestGenerateMTADSNs, kept in testdata/mta) and checks reason, status and
// hard/soft on every one.
func TestMTADSNs(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "mta", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 4 {
		t.Fatalf("%d MTAs in testdata/mta, want 4 (Postfix, Exim, OpenSMTPD, Sendmail)", len(dirs))
	}
	total, right := 0, 0
	for _, dir := range dirs {
		mta := filepath.Base(dir)
		n := 0
		for _, c := range mtaCauses {
			data, err := os.ReadFile(filepath.Join(dir, c.name+".eml"))
			if os.IsNotExist(err) {
				if why := mtaExceptions[mta][c.name]; why == "" {
					t.Errorf("%s: no DSN for %s and no reason given", mta, c.name)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			n++
			total++
			if checkMTADSN(t, mta, c, data) {
				right++
			}
		}
		if n < 12 {
			t.Errorf("%s: %d causes, want at least 12", mta, n)
		}
	}
	t.Logf("MTA matrix: %d of %d DSNs right (reason, status and hard/soft)", right, total)
}

// checkMTADSN parses one DSN and compares it with the cause's verdict.
func checkMTADSN(t *testing.T, mta string, c mtaCause, data []byte) bool {
	t.Helper()
	rep, err := Parse(strings.NewReader(string(data)))
	if err != nil {
		t.Errorf("%s/%s: %v", mta, c.name, err)
		return false
	}
	var got *Recipient
	for i := range rep.Recipients {
		if strings.EqualFold(rep.Recipients[i].FinalRecipient, c.rcpt) || got == nil {
			got = &rep.Recipients[i]
		}
	}
	if got == nil {
		t.Errorf("%s/%s: kind %v, no recipient", mta, c.name, rep.Kind)
		return false
	}
	// The bounce is matched to its send by the returned header.
	if mtaNoDSN[mta] != "" {
		if rep.Kind != KindNonStandard || rep.MessageID != c.name+"@sender.test" {
			t.Errorf("%s/%s: kind %v, original Message-ID %q", mta, c.name, rep.Kind, rep.MessageID)
		}
	} else if rep.Kind != KindDSN || rep.ReportingMTA == "" || rep.MessageID != c.name+"@sender.test" {
		t.Errorf("%s/%s: kind %v, Reporting-MTA %q, original Message-ID %q", mta, c.name, rep.Kind, rep.ReportingMTA, rep.MessageID)
	}
	if rep.Original.Get("X-Campaign-Id") != "matrix-42" && strings.Contains(string(data), "X-Campaign-ID") {
		t.Errorf("%s/%s: X-Campaign-ID of the returned message not read", mta, c.name)
	}
	if r, ok := mtaReported[mta][c.name]; ok {
		// The DSN does not carry the cause: what it says is expected,
		// with its own Status, hard as that reason is when final.
		c.reason, c.hard, c.status, c.class = r, hardReason(r), "", 0
	}
	want := c.status
	if want == "" {
		want = dsnStatus(data, c.rcpt)
	}
	statusOK := got.Status == want
	if c.status == "" && want != "" && !statusOK && got.Status != "" && got.Status[0] == want[0] {
		// A failure the sending MTA met itself: its Status field, or the
		// more specific code its diagnostic quotes for the cause
		// (Sendmail's 4.4.7 beside "451 4.4.1 reply: read error").
		statusOK = strings.Contains(got.DiagnosticCode, got.Status)
	}
	if want == "" {
		statusOK = got.Status != "" && (c.class == 0 || got.Status[0] == c.class)
	} else if c.class != 0 && want[0] != c.class {
		t.Errorf("%s/%s: the DSN says %s, want class %c", mta, c.name, want, c.class)
	}
	// An alias the MTA expanded is reported under the address it failed
	// at, with the address sent to as Original-Recipient (RFC 3464
	// §2.3.1).
	rcptOK := strings.EqualFold(got.FinalRecipient, c.rcpt) || strings.EqualFold(got.OriginalRecipient, c.rcpt)
	if got.Reason != c.reason || got.Hard != c.hard || !statusOK || !rcptOK {
		t.Errorf("%s/%s: %s reason %s status %s hard %v; want %s, %s, hard %v\n  diagnostic: %s",
			mta, c.name, got.FinalRecipient, got.Reason, got.Status, got.Hard, c.reason, want, c.hard, got.DiagnosticCode)
		return false
	}
	return true
}

// dsnStatus returns the Status field the MTA wrote for rcpt, or "".
func dsnStatus(data []byte, rcpt string) string {
	s := string(data)
	i := strings.Index(strings.ToLower(s), "final-recipient: rfc822;")
	for i >= 0 {
		rest := s[i:]
		end := strings.Index(rest[1:], "\nFinal-Recipient")
		if end < 0 {
			end = len(rest) - 1
		}
		blk := rest[:end+1]
		if strings.Contains(strings.ToLower(blk), strings.ToLower(rcpt)) {
			for _, l := range strings.Split(blk, "\n") {
				if v, ok := strings.CutPrefix(l, "Status:"); ok {
					return normStatus(v)
				}
			}
		}
		j := strings.Index(strings.ToLower(s[i+1:]), "final-recipient: rfc822;")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return ""
}

// mtaMulti is the several-recipients case of the matrix: one message to
// four recipients the receiver refuses differently in one session
// (three at RCPT, one of them with a multi-line reply, and the one it
// accepts after DATA), so that each MTA reports them in one DSN.
var mtaMulti = []mtaCause{
	{"multi", "gone@rcpt.test", UserUnknown, true, "5.1.1", 0},
	{"multi", "quota@rcpt.test", MailboxFull, false, "5.2.2", 0},
	{"multi", "denied@rcpt.test", NoRelaying, false, "5.7.1", 0},
	{"multi", "spammed@rcpt.test", SpamDetected, false, "5.7.1", 0},
}

func mtaMultiRcpts() []string {
	var rs []string
	for _, c := range mtaMulti {
		rs = append(rs, c.rcpt)
	}
	// spammed is the one recipient the receiver accepts; it refuses
	// the message after DATA for it.
	return rs
}

// mtaDelayed is the delay-warning case: one message to two recipients
// the receiver refuses for now (a multi-line 452 4.2.2 and a 450 4.7.1
// rate limit), sent to MTAs that keep retrying and warn the sender
// within seconds.
var mtaDelayed = []mtaCause{
	{"delayed", "quotatmp@rcpt.test", MailboxFull, false, "4.2.2", 0},
	{"delayed", "slowdown@rcpt.test", Speeding, false, "4.7.1", 0},
}

// checkMTARecipients checks a DSN of a case with several recipients:
// every recipient reported once, with the action and its own verdict,
// read from the DSN and from its text alone.
func checkMTARecipients(t *testing.T, mta, name string, cases []mtaCause, action string, data []byte) {
	t.Helper()
	for _, form := range []string{"dsn", "text"} {
		in := string(data)
		if form == "text" {
			in = withoutDeliveryStatus(t, data)
		}
		rep, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s/%s (%s): %v", mta, name, form, err)
		}
		if len(rep.Recipients) != len(cases) {
			var got []string
			for _, r := range rep.Recipients {
				got = append(got, r.FinalRecipient)
			}
			t.Errorf("%s/%s (%s): recipients %q, want %d", mta, name, form, got, len(cases))
		}
		for _, c := range cases {
			var got *Recipient
			for i := range rep.Recipients {
				if strings.EqualFold(rep.Recipients[i].FinalRecipient, c.rcpt) {
					got = &rep.Recipients[i]
				}
			}
			if got == nil {
				t.Errorf("%s/%s (%s): %s not reported", mta, name, form, c.rcpt)
				continue
			}
			if got.Reason != c.reason || got.Hard != c.hard || got.Status != c.status || got.Action != action {
				t.Errorf("%s/%s (%s): %s %s reason %s status %s hard %v; want %s, %s, %s, hard %v\n  diagnostic: %q",
					mta, name, form, c.rcpt, got.Action, got.Reason, got.Status, got.Hard, action, c.reason, c.status, c.hard, got.DiagnosticCode)
			}
		}
	}
}

// TestMTAMulti reads the DSNs real MTAs wrote for one message to
// several recipients (testdata/mta/<mta>/multi.eml and delayed.eml,
// written by TestGenerateMTADSNs), with and without the delivery-status
// part: the recipients refused differently in one session, and the
// delay warning for two recipients refused for now.
func TestMTAMulti(t *testing.T) {
	for _, k := range []struct {
		name, action string
		cases        []mtaCause
		min          int
	}{
		{"multi", "failed", mtaMulti, 4},
		{"delayed", "delayed", mtaDelayed, 4},
	} {
		files, err := filepath.Glob(filepath.Join("testdata", "mta", "*", k.name+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < k.min {
			t.Errorf("%d MTAs with a %s DSN, want %d", len(files), k.name, k.min)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkMTARecipients(t, filepath.Base(filepath.Dir(f)), k.name, k.cases, k.action, data)
		}
	}
}

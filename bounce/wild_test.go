package bounce

import (
	"strings"
	"testing"
)

// TestWildReplies scores ClassifyReply on testdata/wild-replies.csv: SMTP
// replies as people received them and pasted them in public threads
// (issue trackers of mail servers, mail senders and the applications that
// send through them; hosting companies' help pages), one thread a row or
// two. Addresses, IPs and customer hosts are replaced by example ones, the
// words kept. The provider column names the receiving side as the thread
// shows it. Reason and hard/soft were written from each thread's
// resolution (what turned out to be the cause) or the receiver's published
// meaning of the words, before the classifier was run; replies whose
// meaning neither gave were left out, and none repeats a row of the
// provider or software table. 101 rows from 98 threads and help pages.
//
// First contact, before any reading was added: reason 55 of 101,
// hard/soft 98 (on the first 100 rows, before main's concepts.go: 55 and
// 96). The 46 misses by kind: 18 a status's subject or default deciding
// where the words were unknown (x.7.1 read as a blocked host for a sender
// not allowed to send as the From, rate limits and local rules; x.2.0 and
// x.2.252 as a filter for Exchange Online's SendAsDenied and a bare CR;
// x.7.3 and x.7.2 as the system's for Exchange's refused AUTH and Yahoo's
// [TSS09]; x.4.5 as the network for Stalwart's messages per session; a
// list's wording over Spamhaus's page for refused queries); 14 words no
// detector knew (onhold: bare LF, Amazon SES's, Polaris's and Mailu's
// send limits, SendGrid's Sender Identity, Stalwart's STARTTLS not
// advertised, cPanel's suspended outgoing mail, ...); 4 United Internet
// case codes read by the policy words around them (c=hi, r0701); 2 the
// reply code deciding (qmail-smtpd's 451 link to its bare-LF page,
// Symantec's 501); 8 words read otherwise (an Exim sender callout's
// "Unrouteable address" as an unknown user, "spam" in a callout's or a
// rate limit's text, "mailbox unavailable" at RCPT for GMX's rate limit,
// QQ's "Ip frequency limited" as connections, a TLS I/O error as the
// system's, a bare "Command Rejected" at MAIL FROM for a missing PTR).
// The hard/soft misses were that RCPT "mailbox unavailable", the
// callout's "Unrouteable address" and "Recipient rejected" under x.1.0.
//
// After the readings their sources give (phrases.go, rules.go, each with
// its source; TestWildReadings): reason 77 (Exim's failed sender callout
// read later, smtp_in.c), hard/soft 99. Of the 24 left,
// seven are documented exceptions (wildExceptions); the rest name a reason
// only the thread gave (a hosting company's rate limits in its own words,
// MailChannels' "[CS] Message blocked", NetEase's MI:STC, rspamd's
// FORBIDDEN_FILE_EXTENSION map, Symantec's "[7.7]", ...).
func TestWildReplies(t *testing.T) {
	rows := replyTable(t, "wild-replies.csv")
	reason, hard, _ := scoreReplyTable(t, "wild replies", rows, wildExceptions)
	// At least 100 rows from 40 threads; the floors just under what the
	// classifier reaches today (77 and 99 of 101): raise them as it
	// improves.
	if n := len(rows); n < 100 {
		t.Errorf("%d rows, want at least 100", n)
	}
	checkTableFloors(t, "threads", wildThreads(t, rows), 40, reason, hard, 75.0, 97.5)
}

// wildThreads reports a wild row whose reply (code, enhanced code, text)
// repeats an earlier row's or a row of the provider or software table (or
// of the tables named), and returns the number of threads (sources) the
// rows come from.
func wildThreads(t *testing.T, rows [][]string, tables ...string) int {
	t.Helper()
	table := make(map[string]string)
	for _, name := range append([]string{"provider-replies.csv", "software-replies.csv"}, tables...) {
		for _, row := range replyTable(t, name) {
			table[strings.Join(row[3:6], "\x00")] = name
		}
	}
	first := make(map[string]int)
	threads := make(map[string]bool)
	for i, row := range rows {
		threads[row[1]] = true
		key := strings.Join(row[3:6], "\x00")
		if name, ok := table[key]; ok {
			t.Errorf("row %d is already in %s: %s %s %q", i+2, name, row[3], row[4], row[5])
		}
		if at, ok := first[key]; ok {
			t.Errorf("row %d repeats row %d: %s %s %q", i+2, at, row[3], row[4], row[5])
		} else {
			first[key] = i + 2
		}
	}
	return len(threads)
}

// wildExceptions are the wild table's rows whose meaning, as the thread's
// resolution or the receiver's documentation gives it, the words do not
// carry or carry ambiguously; each is still counted a miss.
var wildExceptions = map[string]string{
	// RFC 5321's "mailbox unavailable" at RCPT is an unknown user as the
	// rules read it (doc.go, step 4); the thread found GMX's rate limit
	// behind it, which the words do not name.
	"Requested action not taken: mailbox unavailable Failure sending mail. Try again later.": "RFC 5321's mailbox unavailable at RCPT: an unknown user by the words",
	// QQ's "Ip frequency limited" is its IP's connections in the rules
	// (tooManyConnPhrases, after QQ Mail's help); the thread read it as a
	// sending rate.
	"Ip frequency limited.": "QQ's frequency limit read as connections, as its documented reading",
	// GMX publishes no meaning of case r0701 that was found; the thread's
	// cause was a malformed header.
	"Transaction failed Reject due to policy restrictions. For explanation visit https://postmaster.gmx.net/en/case?c=r0701&i=ip&": "an undocumented GMX case code: the policy words decide",
	// Yahoo's own pages found document [TS03] and [TSS04], not [TSS09];
	// x.7.2 is read by its registered meaning.
	"[TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes": "Yahoo's [TSS09] undocumented by Yahoo: x.7.2 decides",
	// Amazon SES checks every identity in its sandbox, the recipient's as
	// well as the sender's; the words do not say which failed.
	"Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: <reply@example.com>, reply@example.com": "SES's identity check: sender or (sandbox) recipient",
	// A bare refusal at MAIL FROM is the sender's (doc.go, step 6); the
	// thread's cause was the client's missing PTR, which the words do not
	// name.
	"Command Rejected": "no reason in the words: MAIL FROM's stage decides",
}

// TestWildReadings holds one minimal case for each reading the wild table
// brought in, with the published source each stands on (phrases.go,
// rules.go): the words, not the table's rows, decide.
func TestWildReadings(t *testing.T) {
	type reading struct {
		name, command string
		code          int
		enhanced      string
		text          string
		want          Reason
	}
	for _, tc := range []reading{
		{"a bare LF named (RFC 5322 §2.3)", "DATA", 550, "", "bare LF in message", NotCompliantRFC},
		{"Exim's failed sender callout (smtp_in.c)", "RCPT", 550, "", "Callback setup failed while verifying <a@example.net>\nThe initial connection, or a HELO or MAIL FROM:<> command was rejected. Refusing MAIL FROM:<> does not help fight spam", Rejected},
		{"Exim's failed postmaster check (smtp_in.c)", "RCPT", 550, "", "Postmaster verification failed while checking <a@example.net>", Rejected},
		{"a bare CR named (RFC 5322 §2.3)", "DATA", 554, "", "Message contains bare CR", NotCompliantRFC},
		{"qmail-smtpd's stray newline", "DATA", 451, "", "See http://pobox.com/~djb/docs/smtplf.html.", NotCompliantRFC},
		{"Exchange's SendAsDenied", "MAIL", 550, "5.7.1", "Client does not have permission to send as this sender", Rejected},
		{"Exchange Online's store refusing Send As", "", 554, "5.2.0", "STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied", Rejected},
		{"SendGrid's unverified Sender Identity", "", 550, "", "The from address does not match a verified Sender Identity.", Rejected},
		{"Amazon SES's send rate", "DATA", 454, "", "Throttling failure: Maximum sending rate exceeded", Speeding},
		{"Amazon SES's daily quota is no full mailbox", "DATA", 454, "", "Throttling failure: Daily message quota exceeded", Speeding},
		{"Polaris Mail's daily send limit", "", 462, "", "Daily send limit reached.", Speeding},
		{"Mailu's sender rate limit", "MAIL", 450, "4.2.1", "You are sending too many emails too fast.", Speeding},
		{"Stalwart's messages per session", "DATA", 451, "4.4.5", "Maximum number of messages per session exceeded.", TooManyConn},
		{"Exchange's refused AUTH under x.7.3", "AUTH", 535, "5.7.3", "Authentication unsuccessful", SecurityError},
		{"the same with no stage", "", 535, "5.7.3", "Authentication unsuccessful", SecurityError},
		{"VPOP3's SMTP rule", "RCPT", 550, "5.7.1", "Recipient Prohibited (2)", PolicyViolation},
		{"WEB.DE's c=hi (header not RFC 5322 compliant)", "DATA", 554, "", "Transaction failed Reject due to policy restrictions. For explanation visit https://postmaster.web.de/en/case?c=hi", NotCompliantRFC},
		{"GMX's other case codes stay a policy", "DATA", 554, "", "Transaction failed Reject due to policy restrictions. For explanation visit https://postmaster.gmx.net/en/case?c=r0701", PolicyViolation},
		{"Spamhaus's refused query inside a list reply", "RCPT", 554, "5.7.1", "Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; Error: open resolver; https://check.spamhaus.org/returnc/pub/192.0.2.1/", SystemError},
		{"Stalwart with no STARTTLS offered", "", 0, "", "TLS error from 'mx.example.com': STARTTLS not advertised by host.", FailedSTARTTLS},
		{"Stalwart's failed handshake", "", 0, "", "TLS error from 'mx.example.com': Handshake failed: received fatal alert", FailedSTARTTLS},
		{"Exim's sender verification", "RCPT", 550, "", "Verification failed for <s@example.com> Unrouteable address unable to verify sender address", Rejected},
	} {
		c := ClassifyReply(tc.command, tc.code, tc.enhanced, tc.text)
		if c.Reason != tc.want || c.Hard {
			t.Errorf("%s: %s hard %v, want %s hard false", tc.name, c.Reason, c.Hard, tc.want)
		}
	}
}

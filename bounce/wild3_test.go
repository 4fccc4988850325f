package bounce

import "testing"

// TestWildReplies3 scores ClassifyReply on testdata/wild-replies-3.csv, a
// third table of SMTP replies as people received and pasted them,
// gathered apart from the first two and from the provider and software
// tables, to measure the classifier on replies it has never seen: issue
// threads of senders, servers and libraries none of the wild tables had
// used (listmonk's neighbours: FreeScout, Odoo, Grafana, Keycloak,
// Vaultwarden, Mattermost-era PHP, Python, Ruby, Go and Java mailers,
// Chinese and Korean self-hosted tools, mail-in-a-box-like servers) and
// a few help pages. 60 replies from 54 threads and pages: blocklists and
// reputations (Spamhaus through Outlook.com and iCloud, UCEPROTECT,
// Exchange Online, Barracuda-style RBL replies), Spamhaus refusing a
// resolver, spam and content verdicts (QQ, 163/126, Tencent, Yandex),
// SPF, DKIM and DMARC (Gmail, MailChannels, OpenDKIM), reverse DNS
// (WEB.DE), relaying, sizes (Google Apps, Outlook submission), rates
// and connections (Gmail, MailEnable, a relay quota), authentication,
// senders refused (SparkPost, Tencent Cloud SES, Zoho-style), RFC 5322
// (OpenSMTPD, OpenDMARC, QQ, SendGrid), syntax, loops, suspended and
// moved recipients. Addresses, IPs and customer hosts are replaced by
// example ones, the words kept. Reason and hard/soft were written from
// the thread's resolution or the receiver's published meaning before the
// classifier was run; replies whose meaning neither gave were left out,
// as were replies whose words, placeholders aside, an earlier table
// already holds (wildThreads checks the exact ones).
//
// First contact, before any reading below: at main as this table was
// cut (fe970e5), reason 37 of 60 (61.7%), hard/soft 59 (98.3%); at
// e341448, this work's starting point, 35 (58.3%) and 59. The four rows
// that differ: Spamhaus's refused-resolver reply under the DBL and bare
// (rows 3 and 6, "Error: open resolver"), read at e341448 as the sender
// (rejected) and as no reason (onhold), at main as the receiving
// system's (systemerror, right); "Recipient address rejected: Inactive
// MailBox, not poped for more than 6 months" (row 58), blocked at
// e341448, suspend (right) at main; MailEnable's "temporarily refused
// connection ... from IP (x) because the server is too busy" (row 50),
// toomanyconn (right) at e341448, blocked at main (the refused sending
// host read by its words). The 23 misses at main by what they were
// read as: 10 blocked (the words' "blocked", "rejected" or "refused" of
// something other than the sending host: a file type, a sending
// service, a sender domain, a Workspace administrator's rule, RFC
// 7372's DKIM wording, a recipient naming a list as its next step, a
// daily limit, an account's limits, a translated SPF/MX refusal,
// MailEnable's load); 7 onhold (QQ's "inappropriate words or content",
// Google Apps' stream size, SendGrid's missing From, Tencent Cloud SES's
// unauthenticated sender in JSON, Yahoo's RRVS refusal, "ip in prison",
// a relay refusal without a relay word); 2 greylistings read as system
// errors (Mimecast's 451, "not yet authorized to deliver mail"); 1 each
// of a folder full under x.2.5 (filtered), OpenDKIM's "bad DKIM
// signature data" (securityerror), a relay quota (mailboxfull) and
// Sendmail's "Domain name required for sender address" (rejected, a
// syntax refusal by its 5.5.4).
// The hard/soft miss is the Yahoo RRVS refusal (an unknown user).
//
// After the readings their sources give (RFC 7372 §3.1's DKIM codes'
// shared words, phrases.go; Google's gcdp marker for a Workspace
// administrator's rule, rules.go; TestMissKinds): reason 39 (65.0%),
// hard/soft 59 (98.3%); then 40, when the refused-host words no longer
// took MailEnable's "refused connection ... from IP" (a connection word
// anywhere before the IP voids them, concepts.go). Of the 20 left, the
// exceptions below are documented; the others name a reason only their
// thread gave.
func TestWildReplies3(t *testing.T) {
	rows := replyTable(t, "wild-replies-3.csv")
	reason, hard, _ := scoreReplyTable(t, "wild replies 3", rows, wild3Exceptions)
	if n := len(rows); n < 60 {
		t.Errorf("%d rows, want at least 60", n)
	}
	// At least 50 threads and pages; the floors just under what the
	// classifier reaches today (40 and 59 of 60): raise them as it
	// improves.
	checkTableFloors(t, "threads", wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv"), 50, reason, hard, 66.0, 98.0)
}

// wild3Exceptions are the third wild table's rows whose meaning, as the
// thread's resolution or the receiver's documentation gives it, the words
// do not carry or carry ambiguously; each is still counted a miss.
var wild3Exceptions = map[string]string{
	// mail.ru refused a whole sending service on a state order (the
	// thread); "x is blocked" names no host, sender or domain.
	"tutanota is blocked": "a service's name blocked: host or sender domain, the words do not say",
	// The receiver names a block list as what it may do next, not as why
	// it refused; the refusal is the recipient's.
	"The recipient definitively does not want your mail. It will not be delivered but analyzed again.  We may feed it to a spam blacklist.": "a list named as a later step: the recipient's refusal",
	// A relay's sending quota in the words of a mailbox's ("quota"); the
	// sending quotas the rules know say "sending" or "submission".
	"C13ypH3DXQO9CC140p6S9y Message would take you over your relay quota of 500 Current quota used: 487": "a relay's sending quota in a mailbox's word",
	// A translated refusal that names both MX and SPF; the thread found
	// the bounce domain without an MX record (the sender's).
	"Unauthorized shipping - Check your domain's MX and/or SPF bounce+12-res.users-2@example.com.br": "MX and SPF both named; the sender domain, by the thread",
}

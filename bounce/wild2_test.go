package bounce

import "testing"

// TestWildReplies2 scores ClassifyReply on testdata/wild-replies-2.csv, a
// second table of SMTP replies from the wild, gathered apart from the
// first (wild-replies.csv, issue threads): replies pasted in forum
// threads and blog posts, hosting companies' and help desks' knowledge
// bases (in English, Dutch, German, Italian, Galician, Turkish, Russian,
// Chinese and Japanese), university help pages, vendors' knowledge bases
// (Broadcom's for Symantec, Microsoft's, Oracle's, Plesk's, MailEnable's)
// and antispam services' own pages, each beside what the cause turned
// out to be. Addresses, IPs and customer hosts are replaced by example
// ones, the words kept. The receiver column names the receiving side as
// the page shows it. Reason and hard/soft were written from the thread's
// resolution or the receiver's published meaning of the words, before
// the classifier was run; replies whose meaning neither gave were left
// out, and no reply repeats a row of the provider, software or first wild
// table (wildThreads). 88 rows from 66 pages and 70 receivers: the tables
// before it had already taken most of the help pages the searches found,
// so it falls short of the 100 rows it was meant to hold.
//
// First contact, the classifier as it was before any reading below was
// added: reason 51 of 88 (58.0%), hard/soft 84 (95.5%). The 37 misses by
// kind: 8 blocklist or reputation refusals (Postfix's RBL reply without
// the list's name read as the system's "Service unavailable", "spam" in a
// list's page address or in the CBL's refusal read as the content's,
// AOL's DYN:T1, Hotmail's SC-004 complaints read as its policy words, a
// bare "User defined policy matched", Exchange's "Your access to submit
// messages", "remote ip is forbidden"); 5 refusals a Chinese mail forum
// reads as the recipient's filter rules ("Mail refused", "This Message is
// not welcome", "Recipient reject", Winmail's "matches up to the filter
// rule", Sina's "server rejected (#4.4.4)"); 4 rates (a daily recipient
// limit, "to many mails ... in the last 10 minutes" under x.2.1 and
// x.2.2, 智邦's "no spam mail." for mail sent too often); 4 unknown users
// (three with no stage, one under x.1.0); 3 TLS (Exchange's TLS channel
// failure read by its "Access Denied", a hybrid connector's connect
// failure, a misspelt x.6.3); 2 relaying refusals with no relaying
// verdict in the words; 1 each of greylisting spelt "graylisted", a
// missing reverse name under x.6.2, SPF named only by the SPF project's
// old page, a sender domain that does not resolve whose linked page has
// "spam" in its path, "Header Error", a blacklisted MIME type, a
// Received: count loop, Postini's remote data failure, a Gmail delay
// notice's connection timeout, a bare "permanently rejected" and "Out of
// memory" under x.3.1. The hard/soft misses are the four unknown users.
//
// After the readings their sources give (phrases.go, rules.go, each with
// its source; TestMissKinds): reason 60 (68.2%), hard/soft 84 (95.5%).
// Of the 28 left, the exceptions below are documented; the rest name a
// reason only the page gave.
func TestWildReplies2(t *testing.T) {
	rows := replyTable(t, "wild-replies-2.csv")
	reason, hard, _ := scoreReplyTable(t, "wild replies 2", rows, wild2Exceptions)
	// At least 40 pages; the floors just under what the classifier
	// reaches today (60 and 84 of 88): raise them as it improves.
	checkTableFloors(t, "pages", wildThreads(t, rows, "wild-replies.csv"), 40, reason, hard, 68.0, 95.0)
}

// wild2Exceptions are the second wild table's rows whose meaning, as the
// page's resolution or the receiver's documentation gives it, the words
// do not carry or carry ambiguously; each is still counted a miss.
var wild2Exceptions = map[string]string{
	// User-unknown wording with no stage and no x.1 status is read as a
	// filter's verdict (doc.go, step 4; the provider table's exception);
	// the page says the address does not exist.
	"No such person at this address": "user-unknown words with no stage: a filter's verdict by the rules",
	// The words name a failed connection; the page's send connector log
	// found TLS failing behind it ("TLS negotiation failed with error
	// NoCredentials", the connector's certificate not found).
	"Primary target IP address responded with: \"421 4.2.1 Unable to connect.\" Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or deliver failed to all alternate hosts.": "a connect failure in the words, a TLS certificate in the thread",
	// A delay notice with no reply is read as a delay (expired); its
	// bracket names the connection's timeout, which the table labels.
	"The recipient server did not accept our requests to connect. Learn more at http://mail.google.com/support/bin/answer.py?answer=7720 [example.org (1): Connection timed out]": "Gmail's delay notice: a delay before the timeout it quotes",
	// The receiver's page reads its codes 4.2.1, 4.2.2, 5.6.2 and 5.6.3
	// as a rate, a missing reverse name and missing TLS; RFC 3463 gives
	// those codes other subjects (mailbox, content), and the words are
	// misspelt ("to many mails", "reverse look name", "must be send with
	// an encryption").
	"Sender ip address rejected: You sent to many mails from different domains in the last 10 minutes": "a receiver's own code for a rate, RFC 3463's x.2.1 read",
	"Sender domain rejected: You sent to many mails from different ip address in the last 10 minutes":  "a receiver's own code for a rate, the refused IP address read (concepts.go)",
	"Sender ip adress rejected: Your IPv6 address do not have a reverse look name":                     "a receiver's own code for a missing PTR, the refused IP address read (concepts.go)",
	"Sender ip adress rejected: Your IPv6 address must be send with an encryption":                     "a receiver's own code for TLS, the refused IP address read (concepts.go)",
	// x.3.1 is "Mail system full" (RFC 3463), read as such; the page's
	// cause was the receiving system's memory, not its storage.
	"Out of memory": "x.3.1 read as the system full; memory, by the page",
	// 智邦's help page reads its "no spam mail." as mail sent too often;
	// the words name spam, which the rules read as the content's.
	"no spam mail.": "a receiver's own spam words for a rate",
	// x.5.0 is a protocol status (RFC 3463 x.5.0, "Other or undefined
	// protocol status"); the forum thread reads the refusal as the
	// recipient's filter rules.
	"Mail refused": "x.5.0 read as the protocol's; a filter, by the thread",
	// "Blacklisted" is a list of hosts in the rules (blockedPhrases); here
	// the receiver lists MIME types, a content policy.
	"E507 Blacklisted MIME type": "a list of MIME types, not of hosts",
}

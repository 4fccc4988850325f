package bounce

import "testing"

// TestWildReplies4 scores ClassifyReply on testdata/wild-replies-4.csv, a
// fourth table of SMTP replies as people received and pasted them,
// gathered apart from the other tables from where mail operators talk:
// mailing-list archives (mailman-users, a list-admin wiki, the ABA
// Network's guide for its list managers), the issue trackers of those who
// run lists, forwarders and sending services (vger and infradead lists,
// Sympa, MIMEDefang's list, OpenStreetMap's, NixOS's and Thunderbird's
// operations, mySociety and OpenAustralia, addy.io, Forward Email,
// Purelymail, chatmail, USTC LUG, Mailu and ZoneMTA), and postmasters'
// and providers' own pages (a university department, Road Runner, AT&T,
// Grande, WebNexus, MxToolbox). 50 replies from 49 threads and pages:
// blocklists and reputations (Spamhaus, SORBS, ORDB, Proofpoint,
// Microsoft's S3140, OU-001 and FBLW15, Cloudmark CSI, Trend Micro's
// ERS-DUL, AOL's and Verizon's refusals of whole networks), list posting
// policies (HTML refused), DMARC, SPF and DKIM, RFC 5322 headers (Gmail's
// Reply-To and Message-ID), greylisting, rates and connections, quotas,
// unknown groups and a loop. Addresses, IPs and customer hosts are
// replaced by example ones, the words kept. Reason and hard/soft were
// written from the
// thread's resolution or the receiver's published meaning before the
// classifier was run, and committed so (345a332); replies whose meaning
// neither gave were left out, as were replies whose words, placeholders
// aside, another table already holds (wildThreads checks the exact ones).
//
// First contact, at main as this table was cut (76b81a8): reason 34 of 50
// (68.0%), hard/soft 49 (98.0%). The 16 misses by what they were read as:
// 9 onhold (a bare link, the list's page on HTML mail; Zimbra's "Permanent
// message delivery failure" for an exceeded domain quota; AT&T's
// "busy--Please try again later"; Barracuda's request for "SPF or DKIM";
// Exchange's "delivery to this address is restricted"; Google Groups'
// refusal of an auto-response and its own fault; "That recipient is not
// allowed" for a group address since removed; "not allowed from this
// range"); 2 spamdetected (MIMEDefang's list tempfailing a first-time
// sender "as anti-spam measure", a greylisting; a HELO name listed on
// URIBL); 2 blocked (Gmail's "missing a valid messageId header"; a bare
// "Policy reason" for spam a list relayed); 1 badreputation (Trend
// Micro's ERS-DUL, whose pointer says "IP reputation"); 1 rejected
// (Verizon's refusal of whole networks, at MAIL FROM); 1 systemerror
// (Sendmail's "config error: mail loops back to myself"). The hard/soft
// miss is the removed group address, read as onhold.
//
// After the readings their sources give (a HELO name on a list is the
// client's, Postfix's reject_rhsbl_helo class "Helo command"; Gmail's
// messageId refusal as RFC 5322's, Forpsi's kb a4311; phrases.go,
// rules.go, TestMissKinds): reason 36 (72.0%), hard/soft 49 (98.0%). Of
// the 14 left, the exceptions below are documented; the others name a
// reason only their thread gave.
func TestWildReplies4(t *testing.T) {
	rows := replyTable(t, "wild-replies-4.csv")
	reason, hard, _ := scoreReplyTable(t, "wild replies 4", rows, wild4Exceptions)
	if n := len(rows); n < 50 {
		t.Errorf("%d rows, want at least 50", n)
	}
	// At least 45 threads and pages; the floors just under what the
	// classifier reaches today (36 and 49 of 50): raise them as it
	// improves.
	threads := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "intl-replies.csv")
	checkTableFloors(t, "threads", threads, 45, reason, hard, 71.0, 97.5)
}

// wild4Exceptions are the fourth wild table's rows whose meaning, as the
// thread's resolution or the receiver's documentation gives it, the words
// do not carry or carry ambiguously; each is still counted a miss.
var wild4Exceptions = map[string]string{
	// Zimbra's LMTP answered an exceeded domain aggregate quota so until
	// its fix (zm-mailbox pull 1434, now 552 5.2.2 Over quota); the words
	// and x.0.0 name no reason.
	"Permanent message delivery failure": "a quota refusal in words that name nothing",
	// The list server's whole reply is a link to its page on HTML mail.
	"http://david.woodhou.se/email.html": "a link alone names no reason",
	// A list relayed the spam sent to it; its subscriber's server
	// answered with two words.
	"Policy reason": "the spam verdict behind a bare policy refusal",
	// Google Groups' fault, which Google fixed; the words blame the
	// sender's mail.
	"Message rejected by Google Groups. Please visit http://mail.google.com/support/answer/188131?hl=en to review our Bulk Email Senders Guidelines.": "a receiver's fault in the words of a sender's",
	// Labelled a loop before the run; rules.go reads Sendmail's loop as
	// its configuration (usersmtp.c smtpinit(), EX_CONFIG 5.3.5), and the
	// guide the row comes from calls it the receiving server's
	// misconfiguration: the label, not the reading, is the doubtful one.
	"dialup.example.net config error: mail loops back to myself": "Sendmail's loop is its configuration (rules.go); the guide agrees",
	// Verizon refused whole networks' servers; the refusal came at MAIL
	// FROM, where the words are read as the sender's.
	"You are not permitted to send mail. Please visit http://www.verizon.net/whitelist to request removal.": "a host refusal at MAIL FROM: the stage says the sender",
	// Exchange's text for a restricted recipient (RESOLVER.RST); the
	// provider table reads RESOLVER.RST.AuthRequired as filtered.
	"Your message can't be delivered because delivery to this address is restricted.": "the recipient's restriction: filter or policy",
	// A dynamic-address list (DUL) named, its pointer to Trend Micro's
	// lookup saying "IP reputation".
	"Recipient address rejected: Mail from <192.0.2.1> was refused due to the sender IP found in ERS-DUL. For details, query the IP reputation on https://servicecentral.trendmicro.com/en-US/ers/.": "a block list whose lookup page says reputation",
}

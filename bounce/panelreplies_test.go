package bounce

import "testing"

// TestPanelReplies scores ClassifyReply on testdata/panel-replies.csv: 67
// refusals that hosting control panels and mail-server bundles answer
// with in their default configurations, read from their own templates
// and documentation (12 of them: HestiaCP's and myVesta's Exim
// templates, DirectAdmin's exim.conf and exim.strings.conf with its Easy
// Spam Fighter and Block Cracking ACLs, iRedMail's errors page,
// helo_access.pcre and iRedAPD's actions, mailcow's rspamd multimaps,
// Plesk's SPF handler, Kolab's SMTP access policy, Modoboa's policy
// daemon, Mailu's sender access, AlternC's smtpshaper, docker-mailserver's
// postgrey text and Mail-in-a-Box's Postfix restrictions). Each text is
// written as the template writes it, its variables filled with example
// values; its meaning is the condition the template answers with it (an
// ACL's dnslists, a ratelimit, a HELO check, a policy plugin's rule), and
// was written before the classifier was run, committed so (759b18b, rebased).
// None repeats a row of the other tables (wildThreads checks the exact
// ones; Exim's and Postfix's own texts the panels keep, "relay not
// permitted", "Restricted characters in address", postgrey's and
// Policyd's, were left out, and so was Plesk's greylisting reply, "451
// 4.7.1 Service unavailable - try again later", whose words iCloud's row
// of the provider table holds as a system error).
//
// First contact, at main as the table was cut (74d3090): reason 30 of 67
// (44.8%), hard/soft 66 (98.5%). The 37 misses: the panels' own words
// no phrase held, read as onhold (15: Exim ratelimit texts for a user's
// sending, DirectAdmin's suspended domain, attachment rules and SMTP AUTH
// texts); policy refusals read as blocked hosts by their 554 5.7.1 (10:
// Block Cracking's locked accounts, rspamd's "Matched map: x" for
// mailcow's blacklists, iRedAPD's actions, Plesk's "Command rejected");
// HELO checks made at MAIL FROM and iRedMail's "not logged in" read as
// the sender's (5); DirectAdmin's "x Blocked due to SPAM" for a host or
// a sender read as spam (4); Kolab's recipient policy as a security
// refusal, docker-mailserver's postgrey text as a filter, AlternC's 521.
//
// After the readings those templates give (phrases.go: the panels'
// ratelimit, HELO, suspended-domain, attachment and SMTP AUTH texts,
// DirectAdmin's lists and mailcow's multimaps, iRedAPD's per-recipient
// size limit, docker-mailserver's postgrey text): reason 59 (88.1%),
// hard/soft 66 (98.5%), no row of another table or set changed. A
// review then read myVesta's "SMTP auth required for port 25" by its
// template's relay guard (noRelayingPhrases): 60 (89.6%). The seven
// left are documented exceptions.
func TestPanelReplies(t *testing.T) {
	rows := replyTable(t, "panel-replies.csv")
	reason, hard, panels := scoreReplyTable(t, "panel replies", rows, panelExceptions)
	// At least 60 rows from 40 sources of 12 panels and bundles; the
	// floors just under what the classifier reaches today (60 and 66 of
	// 67): raise them as it improves.
	sources := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv", "regional-replies.csv", "gateway-replies.csv", "ja-replies.csv")
	if len(rows) < 60 || sources < 40 {
		t.Errorf("%d rows from %d sources, want at least 60 from 40", len(rows), sources)
	}
	checkTableFloors(t, "panels and bundles", panels, 12, reason, hard, 89.0, 98.0)
}

// panelExceptions are the panel table's rows whose meaning, as the
// template's condition gives it, the words do not carry or carry
// otherwise; each is still counted a miss.
var panelExceptions = map[string]string{
	// AlternC's smtpshaper answers a locked account with the policy
	// action "521 Rejected": RFC 7504's 521, a host that takes no mail.
	"<user@example.org>: Recipient address rejected: Rejected": "a rate lock answered with RFC 7504's 521",
	// DirectAdmin refuses a null-sender bounce for a domain it does not
	// relay (backscatter); the words name no reason.
	"We didn't send the message": "a refused bounce whose words name no reason",
	// Kolab's recipient policy (kolabAllowSMTPSender) in Postfix's words
	// for an access map's refusal, read as a security refusal as
	// Postfix's "Recipient address rejected: Access denied" is.
	"<user@example.net>: Recipient address rejected: Recipient access denied": "the recipient's allowed senders in Postfix's access-denied words",
	// Plesk's psa-pc-remote answers the same for any handler's REJECT
	// (its greylisting's black list, SPF).
	"Command rejected": "Plesk's words for every handler's refusal",
	// iRedMail's page gives a client that did not log in; Aruba's row of
	// the provider table gives a sender address other than the login's,
	// and Postfix's prefix names the sender.
	"<someone@example.net>: Sender address rejected: not logged in": "no SMTP AUTH, or a sender not the login's: Postfix's sender prefix decides",
	// iRedAPD's wblist rule matches the sender's address, domain or IP.
	"<user@example.net>: Recipient address rejected: Blacklisted": "a blacklist of senders or of hosts",
	// iRedAPD's list and alias access policies; the words name nothing.
	"<list@example.net>: Recipient address rejected: Not authorized": "a list's access policy in words that name no reason",
}

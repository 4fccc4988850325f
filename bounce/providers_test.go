package bounce

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// TestProviderReplies runs the provider reply table (testdata/provider-
// replies.csv: SMTP replies as mailbox providers, mail gateways and MTAs
// publish them, each with the published meaning mapped to a reason and its
// source) through ClassifyReply. The table was written from the sources,
// not from the classifier's output; the rows the classifier gets wrong are
// logged with -v. Issue 17's target is 95% on reason and hard/soft alike.
// Some pages were read from faithful copies: Google's list from the error
// library at help.gohighlevel.com, Microsoft's from the MicrosoftDocs
// repository's markdown of the same article; the source column names the
// provider's page.
func TestProviderReplies(t *testing.T) {
	rows := providerRows(t)
	if len(rows) < 1187 {
		t.Fatalf("%d rows, want at least 1187", len(rows))
	}
	reason, hard, providers := scoreReplyTable(t, "provider replies", rows, documentedExceptions)
	// Issue 17's target is 95% for both. The floors sit just under what the
	// classifier reaches today (975 and 999 of 1025 rows: 95.1% and 97.5%);
	// raise them as it improves. The last 85 rows, ActiveCampaign's SMTP
	// Field Manual swept (its explanations, written before the classifier
	// was run), brought the reason figure down from 96.3%: 31 of them were
	// read otherwise, 17 fixed by phrases citing the entries (QQ's
	// "Mailbox unavailable or access denied" among them), 9 left as
	// documented exceptions; the other 5 are words no published text
	// explains beyond the entry (Barracuda's "rejecting banned content",
	// "rejecting spoofed message", "Policy Rejection- Abuse" and
	// "(x:blocked)", QQ's "Mail is rejected by recipients"). Four of
	// Microsoft's published texts are read otherwise, and left so:
	// Exchange Server's 5.3.5 "System incorrectly configured" for a mail
	// loop and 5.7.3 "Not Authorized"
	// for its own server authentication give RFC 3463's wording of other
	// meanings; 4.7.500's "Server busy" (AS843) is greylisting on
	// Microsoft's fix-it page but suspicious activity in its NDR table;
	// 5.7.1 "RESOLVER.RST.AuthRequired" is a public folder's restriction
	// on Microsoft's page but a security error in the corpus's label
	// (lhost-exchange2007-04). The rows of Japanese, Chinese, Korean and
	// Russian providers' pages brought four documented exceptions with
	// them. The 53 rows after them, from the pages of providers the table
	// lacked or held thin (Cloudflare Email Routing, GoDaddy, Trellix's ETP
	// codes, STRATO, Spectrum, Proximus, Aruba, NetZero, ...: 16 providers
	// new to it), were written before the classifier was run: 34 read
	// right, 49 after phrases and codes citing those pages (1042 and 1068
	// of 1094 rows: 95.2% and 97.6%); the other four are documented
	// exceptions. The sixth round's 93 rows (lines 1096-1188), from 26
	// pages the table had not used (Sophos Email's XGEMAIL code table,
	// GandiMail's postmaster page, Titan's incoming reject codes,
	// Infomaniak's error report FAQ, goneo, mail.fr, Host Media,
	// weboke.nl, exedo.nl, NederHost, Carerix, Tufts, Roma Tre, GEN,
	// agnx.com, mydreams.cz, pinzweb.at, BS2, G-WIP, a Japanese rental
	// server, GoDaddy's bounce FAQ, GMX's newsroom, OVH's guide, a host's
	// postfwd limits, AMICRON's help, more of onesystems'), were written
	// before the classifier was run, in two batches: at first contact 57
	// read right in reason (61%) and 84 in hard/soft (90%), the Sophos
	// and Gandi codes all onhold; after those codes and twelve phrases
	// citing those pages, 88 and 88 (1130 and 1156 of 1187 rows: 95.2%
	// and 97.4%). Four of the five left are documented exceptions, the
	// fifth (weboke's "550 5.1.0 Recipient rejected." at RCPT) a plain
	// miss: x.1.0 and words that name no reason.
	checkTableFloors(t, "providers", providers, 195, reason, hard, 95.0, 97.3)
}

// checkTableFloors holds a reply table's score to its floors: at least
// minGroups providers or programs, and reason and hard/soft percentages at
// or above floorReason and floorHard.
func checkTableFloors(t *testing.T, groupName string, groups, minGroups int, reason, hard, floorReason, floorHard float64) {
	t.Helper()
	if groups < minGroups {
		t.Errorf("%d %s, want at least %d", groups, groupName, minGroups)
	}
	if reason < floorReason || hard < floorHard {
		t.Errorf("reason %.1f%%, hard/soft %.1f%%: the floors are %.1f%% and %.1f%%", reason, hard, floorReason, floorHard)
	}
}

// scoreReplyTable runs a reply table's rows (program or provider, source,
// command, code, enhanced, text, reason, hard) through ClassifyReply,
// logs each row it reads otherwise (a text in exceptions as a documented
// exception, with why), the rows and right reasons per program, and a
// summary, and returns the percentages of reasons and of hard/soft read
// right and the number of programs. Row i is line i+2 of its file.
func scoreReplyTable(t *testing.T, name string, rows [][]string, exceptions map[string]string) (reason, hard float64, programs int) {
	t.Helper()
	total, okReason, okHard := 0, 0, 0
	var misses []string
	perProgram := map[string][2]int{}
	for i, row := range rows {
		program, source, command, codeS, enhanced, text, want, hardS := row[0], row[1], row[2], row[3], row[4], row[5], Reason(row[6]), row[7]
		if source == "" {
			t.Errorf("row %d has no source", i+2)
		}
		if hardS != "true" && hardS != "false" {
			t.Fatalf("row %d: hard %q", i+2, hardS)
		}
		code, err := strconv.Atoi(codeS)
		if err != nil {
			t.Fatalf("row %d: code %q", i+2, codeS)
		}
		c := ClassifyReply(command, code, enhanced, text)
		total++
		p := perProgram[program]
		p[0]++
		if c.Reason == want {
			okReason++
			p[1]++
		}
		perProgram[program] = p
		if c.Hard == (hardS == "true") {
			okHard++
		}
		if c.Reason != want || c.Hard != (hardS == "true") {
			kind := "miss"
			if why, ok := exceptions[text]; ok {
				kind = "documented exception (" + why + ")"
			}
			misses = append(misses, fmt.Sprintf("%s: %s row %d: %s %d %s %q: got %s hard %v, want %s hard %s",
				kind, program, i+2, command, code, enhanced, text, c.Reason, c.Hard, want, hardS))
		}
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Log(m)
	}
	names := make([]string, 0, len(perProgram))
	for n := range perProgram {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%-14s %3d rows, reason right %3d", n, perProgram[n][0], perProgram[n][1])
	}
	pct := func(n int) float64 { return 100 * float64(n) / float64(total) }
	t.Logf("%s: %d rows; reason %.1f%% (%d), hard/soft %.1f%% (%d)", name, total, pct(okReason), okReason, pct(okHard), okHard)
	return pct(okReason), pct(okHard), len(names)
}

// providerRows reads the provider reply table, its header left out; row i
// is line i+2 of the file.
func providerRows(t *testing.T) [][]string {
	t.Helper()
	return replyTable(t, "provider-replies.csv")
}

// replyTable reads a reply table of testdata (provider-replies.csv,
// software-replies.csv: eight columns, a header line), its header left out.
func replyTable(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if len(row) != 8 {
			t.Fatalf("line %d: %d columns", i+1, len(row))
		}
	}
	return rows[1:]
}

// documentedExceptions are the table's rows whose published meaning the
// reason model reads otherwise, by their reply text, each with why. They
// stay in the table and count as misses: the table measures the model
// against the providers, not the reverse.
var documentedExceptions = map[string]string{
	// User-unknown wording with no stage, no x.1 status and no words that
	// name the recipient is read as a filter's verdict (doc.go, step 4):
	// gateways answer after DATA in the same words. The providers publish
	// these as their RCPT replies without saying so.
	"MAILBOX NOT FOUND":          "no stage: a filter's words",
	"mailbox unavailable.":       "no stage: a filter's words",
	"No such user":               "no stage: a filter's words",
	"Bad address mailbox syntax": "no stage: a filter's words",
	"Invalid mailbox":            "no stage: a filter's words",
	"No such user here":          "no stage: a filter's words",
	"User not found":             "no stage: a filter's words",
	"User unknown":               "no stage: a filter's words",
	"Unknown User":               "no stage: a filter's words",
	"Unrouteable address":        "no stage: a filter's words",
	"No such mailbox":            "under x.2.0 and no stage: a filter's words",
	// 263's table and an IB-coded MX's list give these with no stage; the
	// words name an account or a recipient not found, no address, and
	// Exchange 5.5's IMC says "Recipient Not Found" with no reply behind it
	// (classify.go, rcptStageWords).
	"account does not exist": "no stage: a filter's words",
	"Recipient not found.":   "no stage: a filter's words",
	"delivery error: This user doesn't have a example.com account": "no stage and no address: a filter's words",
	// A Chinese host's list of returned-mail causes (chouwenlao.cn faq1311)
	// gives qmail's "invalid address (#5.5.0)" as no such recipient, with
	// no stage and no address named.
	"invalid address (#5.5.0)": "no stage: a filter's words",
	// The same list reads qmail-remote's "Connected to remote host, but it
	// does not like recipient." as a recipient that does not exist; qmail-
	// remote says it of any refusal at RCPT and gives the remote reply,
	// which names the reason, after it ("Remote host said:"), so the words
	// alone name no reason.
	"Connected to remote host, but it does not like recipient.": "qmail-remote's words for any RCPT refusal: onhold",
	// 万象互联's table (163ns.com.cn) gives "554 HL:ICC" as many messages
	// in a short time; NetEase's own (biecuoliao.com's copy) as the IP's
	// concurrent connections past the limit, as the code reads.
	"HL:ICC": "NetEase's own table: concurrent connections (toomanyconn)",
	// メガエッグ's FAQ (faq.megaegg.jp, id 296) gives "unknown host" beside
	// "host unknown" for a wrong domain; as a phrase it would match Exim's
	// "... User Unknown host mx.example.jp" (a user unknown, then the
	// host's name), so the words are left unread.
	"unknown host": "\"unknown host\" is also \"user unknown\" before a host name",
	// BlueTie answers a failed reverse DNS lookup with "501 Connection
	// Refused" (mxtoolbox.com/Bouncebacks); the words, in a server's own
	// reply, refuse the client (blocked), and do not say why.
	"Connection Refused": "\"connection refused\" in a reply: the client refused, not why",
	// Charter's postmaster page says its anti-spam application's refusal
	// is "550 Message Rejected"; the words name no reason (onhold).
	"Message Rejected": "the words name no reason: onhold",
	// Apple: a third party's page of Apple's codes (bentonow.com/smtp-
	// errors/apple) calls "550 5.1.1 <x>: inactive email address" an
	// address its owner deactivated for a while, a soft bounce; the reply
	// says x.1.1 (bad destination mailbox), the bounce corpus's iCloud
	// sample (rhost-apple-04) reads it as an unknown user, and Apple's own
	// postmaster page (support.apple.com/102322) explains no codes. Read
	// as the code says until Apple says otherwise.
	"<someone@icloud.com>: inactive email address": "x.1.1 with no wording of a disabled mailbox: userunknown; a third party says deactivated",
	// Daum's busy servers speak of the network and of a refused
	// connection; the words and x.4.x read as network errors.
	"CHIC 192.0.2.1: Network is busy.":                       "x.4.1 and network words: networkerror",
	"CCRT 192.0.2.1: Connection refused. Server is busy(RT)": "x.4.5 and \"connection refused\": networkerror",
	// Forpsi's "sender is blocklisted" is the recipient's own list of
	// senders; the words read as a blocklisted host.
	"<someone@example.cz> sender is blocklisted": "\"blocklisted\" reads as a host list",
	// SoftBank's and J:COM's "553 example.jp does not exist" names the
	// envelope sender's domain; read as the recipient's (doc.go).
	"example.jp does not exist": "a domain named missing reads as the recipient's",
	// Yahoo's "554 5.7.9 Message not accepted for policy reasons" fails
	// authentication checks (help.yahoo.com SLN7253: DKIM, SPF, DMARC);
	// the shared corpus labels the same reply policyviolation three times
	// (its Postfix rows 66, 67, 69), and no row right there may turn
	// wrong, so the words read as policy.
	"Message not accepted for policy reasons. See https://senders.yahooinc.com/error-codes": "\"policy reasons\": policyviolation, as the corpus labels it",
	// ActiveCampaign's SMTP Field Manual (page-data/code/550/page-data.json)
	// explains these replies otherwise than the package's documented rules
	// read their words. User-unknown words with no stage and no x.1 status
	// (Yandex's under 5.7.1, Barracuda's, Yahoo's 552, QQ's) are a filter's
	// (doc.go, step 4), as the rows above.
	"No such user!":                                      "under x.7.1 and no stage: a filter's words",
	"No such user (email@example.com)":                   "no stage: a filter's words",
	"1 Requested mail action aborted, mailbox not found": "no stage: a filter's words",
	"Mailbox not found. http://service.exmail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000728": "no stage: a filter's words",
	// QQ's "Suspected spam sender." is the domain's or operator's spam
	// (help no=1001461); spam named with no host's listing beside it is the
	// content's (doc.go, step 4).
	"Suspected spam sender.": "spam with no listing stated: the content's (spamdetected)",
	// Gmail's 421 4.7.28 is unsolicited mail in the entry; x.7.28 is
	// decisive, the registry's mail flood (doc.go, step 3), a rate.
	"[x.xx.xx.xx] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. - gsmtp": "x.7.28 decides: mail flood (speeding)",
	// ImprovMX's #id-5.9.4 is its anti-spam check failing (the entry; its
	// error codes guide); the words name nothing and 4.2.1 reads as RFC
	// 3463's "mailbox disabled" (doc.go, step 5).
	"Please try again later. (#id-5.9.4)": "the words name nothing: x.2.1's registered meaning (suspend)",
	// Microsoft's own page reads 5.4.1 "Access denied" as a recipient not
	// found (doc.go, step 4); the entry as a host that only lets listed
	// senders in. The words read as a bare refusal of access.
	"All recipient addresses rejected : Access denied [#.eop-nam02.prod.protection.outlook.com]": "Microsoft's 5.4.1 is a recipient not found; the entry a sender allow-list",
	// Outlook.com's "451 4.7.0 Temporary server error ... PRX6" is the
	// receiving domain unable to take mail for now (the entry); as a phrase
	// the words would turn Exchange's delay notice quoting them from
	// expired (a delay whose words name no reason, doc.go step 6;
	// TestDelayNotices) to a system error, so x.7.0 reads as security.
	"Temporary server error. Please try again later. PRX6 NextHop: outlook.com [outlook.com]": "no phrase (TestDelayNotices reads it as a bare delay): x.7.0, securityerror",
	// A 263 reseller's help (263gmail.js.cn, help/13/2) gives "mail size
	// limit exceeded (in reply to end of DATA command)" for a recipient's
	// mailbox over capacity (信箱超容); the words name a size limit, and
	// United Internet (1&1) gives the same "Mail size limit exceeded" for
	// a message too big (phrases.go), so they read as one.
	"mail size limit exceeded": "the words name a size limit: mesgtoobig; 263's help says a mailbox over capacity",
	// Aruba Business's list of errors (guide.arubabusiness.it) gives "X.X.X
	// <id> policy violation" for sending too many messages for its
	// limits, temporarily; the words name a policy and no rate, which
	// other receivers use for their local policy.
	"iemL1p01Z0hMcT901emQ77 policy violation": "the words name a policy: policyviolation; Aruba's page says too many messages sent",
	// Netbit's "Malformed address" is the recipient's address (its list of
	// common sending errors); with no stage and no x.1 status the words
	// read as a filter's, as the rows above.
	"Malformed address": "no stage: a filter's words",
	// NewPages lists "550 <addr>... Can't create output" among full
	// mailboxes (edu.newpages.com.my, article 349); the words are
	// sysexits.h's EX_CANTCREAT ("can't create (user) output file"), a
	// delivery program's failure, as Sendmail prints it for any cause.
	"<user@example.com>... Can't create output": "sysexits EX_CANTCREAT: mailererror; NewPages says a full mailbox",
	// The sixth round's hosts' pages. Carerix (nl.help.carerix.com,
	// article 2245905) and GoDaddy's bounce FAQ (ix-one.com MS_27771) give
	// these user-unknown words with no code and no stage, as the rows
	// above: qmail-local's sentence without its "(#5.1.1)", and a bare
	// "Account does not exist".
	"Sorry, no mailbox here by that name.": "no stage, no status: a filter's words",
	"Account does not exist":               "no stage: a filter's words",
	// Carerix lists Postfix's "Recipient address rejected: undeliverable
	// address" with no code among addresses that do not exist; Postfix
	// says it when its verification probe bounced (smtpd_check.c,
	// reject_unverified_address()), for whatever reason the probe met, so
	// without an x.1.1 beside it the words name none.
	"<someone@example.nl>: Recipient address rejected: undeliverable address": "Postfix's probe bounced, for any reason: onhold without x.1.1",
	// Titan's table of incoming rejects (support.titan.email, article
	// 35175377981977) explains its "554 5.7.1 <x>: Relay access denied"
	// as a recipient address that does not exist; the words are Postfix's
	// reject_unauth_destination (postconf(5)), a recipient domain the
	// server does not serve, which every other source reads as relaying.
	"<user@example.com>: Relay access denied;": "Postfix's reject_unauth_destination: norelaying; Titan's page says the address does not exist",
}

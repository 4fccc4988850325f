package bounce

import "testing"

// TestGatewayReplies scores ClassifyReply on testdata/gateway-replies.csv:
// 61 replies of e-mail security gateways and filtering services as the
// receiving side answers with them, from 21 vendors' and their
// customers' pages that give the reply's words and what it means
// (Hornetsecurity's antispameurope reason codes, Vade's OX postmaster
// pages, Cisco Secure Email's community answer and CLI reference,
// Mimecast's rejections as Word to the Wise collected them, Broadcom's
// Email Security.cloud and Messaging Gateway articles, Trend Micro's ERS
// and IMSS solutions, smtpf's (Barricade MX) reply list, VIPRE Email
// Security's rejection reasons, Postini's outbound bounces, ASSP's
// delaying filter, Proofpoint's refusal of blacklisted servers, Trellix's
// ETP codes, Exchange Online Protection's region refusal, TMSe's
// connection limit). None repeats a row of the other tables (wildThreads
// checks the exact ones; the texts those pages share with the provider
// table were left out); addresses and IPs are replaced by documentation
// ones. Reason and hard/soft were written from each page's meaning
// before the classifier was run, and committed so (b1ff731, rebased).
//
// First contact, at main as the table was cut (946dca7): reason 19 of 61
// (31.1%), hard/soft 59 (96.7%). The 42 misses: Vade's "Connection
// refused" and "Connection deferred" under its codes (12, read as network
// errors or, under 4.2.1, a disabled mailbox); antispameurope's texts
// under its own x.5 and x.2.2 statuses (8: syntax errors, a full
// mailbox, too many recipients, and "spam" inside its own name); smtpf's
// sender refusals at MAIL FROM read as the sending host's (5); wordings
// no phrase held (VIPRE's reasons, Trend Micro's RBL+ and relay refusal,
// Postini's unreachable domains, Broadcom's relayed refusals); a quota
// refused at MAIL FROM read as a mailbox's, "Local Policy Violation" at
// the greeting as a policy, a bare "550 Connection refused" as a network
// error, Trellix's ETP100 as an unknown user and Cisco's SPF
// verification defer as a system error.
//
// After the readings the pages give (phrases.go, rules.go: Vade's codes
// and Trellix's ETP100 and ETP101 in step 2; classify.go: a quota at MAIL
// FROM is the sender's, policy words at the greeting refuse the client,
// "connection refused" in a server's own reply without a network status
// refuses the client): reason 56 (91.8%), hard/soft 61 (100%), no row of
// any other table or set changed but BlueTie's "501 Connection Refused",
// a documented exception read as blocked instead of a network error.
// The five left are documented exceptions.
func TestGatewayReplies(t *testing.T) {
	rows := replyTable(t, "gateway-replies.csv")
	reason, hard, _ := scoreReplyTable(t, "gateway replies", rows, gatewayExceptions)
	if n := len(rows); n < 60 {
		t.Errorf("%d rows, want at least 60", n)
	}
	// At least 15 pages; the floors just under what the classifier
	// reaches today (56 and 61 of 61): raise them as it improves.
	pages := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv")
	checkTableFloors(t, "pages", pages, 15, reason, hard, 90.0, 98.0)
}

// gatewayExceptions are the gateway table's rows whose meaning, as the
// vendor's page gives it, the words do not carry or carry otherwise; each
// is still counted a miss.
var gatewayExceptions = map[string]string{
	// antispameurope's 4.5.5 is "early spam detection (temporarily
	// blocked)" in its other table; the words name a header check only.
	"Header Checks Defer": "a spam verdict in words that name a header check",
	// Broadcom lists it among refusals for suspicious content; nothing
	// published explains the words.
	"Denied (Mode: normal)": "no published reading of the words",
	// Whose block list the words name (the recipient domain's, a policy)
	// is read as a block list: blocked.
	"Sender is on domain's blacklist": "a domain's own block list read as a block list",
	// Labelled as Barracuda's "rejecting banned content" is in the provider
	// table (spam); amavisd-new's BANNED is a file rule, so the words stay
	// unread.
	"Rejected due to banned content": "banned content: spam (Barracuda) or a file rule (amavisd-new)",
	// smtpf's From:To: pair in its access map; the sender's words come first.
	"sender <someone@example.com> recipient <user@example.net> black listed #137": "a sender and recipient pair read as a block list's words (\"black listed\")",
}

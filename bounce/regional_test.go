package bounce

import "testing"

// TestRegionalReplies scores ClassifyReply on testdata/regional-replies.csv:
// 60 replies of 22 regional mailbox providers and ISPs that the other
// tables held not at all or in one or two rows, from their own postmaster
// and help pages and from pages quoting their real replies: EarthLink's
// and OX's Vade postmaster pages (ELNK_, OXSUS0001_ and OXSEU0001_ codes),
// Spectrum's AUP#In codes (its community forum, suped.com), Bluewin, TIM,
// Wirtualna Polska (wp.pl, o2.pl), Tiscali, ukr.net, bigmir.net, Bigpond,
// UPC (chello.hu, chello.nl), SFR's SFR_IN codes, La Poste's LPN codes,
// TalkTalk's TT codes, Windstream/TDS/CenturyTel, USA.NET, Virgin Media,
// AT&T Worldnet, Alaska Communications, ZeptoMail and T-Mobile's
// Cloudmark gateway. Addresses, IPs and customer hosts are replaced by
// example ones, the words kept. Reason and hard/soft were written from
// each page's meaning and committed (727b13e) before the classifier was
// run; replies whose words another table already holds were left out
// (wildThreads checks the exact ones).
//
// First contact, at main as the table was cut (946dca7): reason 25 of 60
// (41.7%), hard/soft 58 (96.7%). The 35 misses: 24 Vade-coded replies,
// whose words ("Connection refused", "Connection deferred") are the same
// for a blocklisted IP, a missing PTR record, a connection limit or a
// queue too long, read as network errors (a connection word in a reply
// a server gave) or as a disabled mailbox (Vade's 4.2.1), one (an
// authentication method refused) as a block; Spectrum's
// AUP#In codes (3: a blocked IP read as a connection limit at the
// greeting, an AUP#I-1010 as the system's 5.3.2, a sender's complaints
// as an IP block); Cloudmark's AUP#MXRT, SFR_IN_101, LPN007_510, TT992
// and USA.NET's "UNL." (5), each read by words that do not name the
// code's cause; and the three exceptions below. The hard/soft misses:
// OXSUS0001_403, a non-existent user, and chello.nl's inactive recipient.
//
// After the codes the providers' pages give (rules.go providerCodes and
// codeFamilies: Vade's ELNK/OXSEU/OXSUS codes, SFR_IN, Spectrum's
// AUP#In/AUP#I, Cloudmark's AUP#MXRT and AUP#CNCT, TalkTalk's TT991/TT992,
// La Poste's LPN007 codes, USA.NET's UNL, "blocked by Vade Threat List"):
// reason 57 (95.0%), hard/soft 59 (98.3%); no row of any other table or
// set changed. The three left are documented exceptions.
func TestRegionalReplies(t *testing.T) {
	rows := replyTable(t, "regional-replies.csv")
	reason, hard, providers := scoreReplyTable(t, "regional replies", rows, regionalExceptions)
	if n := len(rows); n < 60 {
		t.Errorf("%d rows, want at least 60", n)
	}
	if providers < 20 {
		t.Errorf("%d providers, want at least 20", providers)
	}
	// The floors just under what the classifier reaches today (57 and 59
	// of 60): raise them as it improves.
	threads := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv")
	checkTableFloors(t, "pages", threads, 40, reason, hard, 94.0, 98.0)
}

// regionalExceptions are the regional table's rows whose meaning, as the
// page gives it, the words do not carry or carry ambiguously; each is
// still counted a miss.
var regionalExceptions = map[string]string{
	// Bluewin's sc969 names a rate limit set by the IP's reputation; the
	// provider table reads Exchange Online's "temporarily rate limited
	// due to IP reputation" (4.7.650) as the reputation, as here.
	"sc969: IP reputation ratelimit in effect - https://support.bluewin.ch/provider/bounce/example": "a rate set by reputation: the words name both",
	// A blog's explanation of smtp.tin.it's refusal (the server
	// overloaded at peak hours); the words name an access denial.
	"vsmtp20.tin.it. Server not available - access denied": "an overload in an access denial's words",
	// An inactive (closed) mailbox refused under 5.1.1 at RCPT: the
	// status and stage read an unknown user, as the provider table's
	// Apple "inactive email address" under x.1.1.
	"<recipient@example.net> inactive recipient rejected": "inactive under x.1.1 at RCPT: an unknown user by status and stage",
}

// TestCodeFamilyBounds holds codeFamily to whole codes: a prefix inside a
// longer word, a code of other digits or a code cut short decides nothing.
func TestCodeFamilyBounds(t *testing.T) {
	cases := map[string]Reason{
		"connection refused - oxsus0001_403 - https://postmaster-oxsus.vadesecure.com/#oxsus0001_403": UserUnknown,
		"connection deferred - elnk_130":                          BadReputation,
		"450 4.7.1 sfr_in_203 too many smtp errors":               Blocked,
		"message rejected per sender's spf policy - oxsus001_514": "", // no such code on the page
		"connection refused - xelnk_101":                          "", // inside a longer word
		"connection refused - elnk_1011":                          "", // four digits
		"connection refused - elnk_10":                            "", // cut short
		"elnk_":                                                   "",
		"elnk":                                                    "",
		"sfr_in_":                                                 "",
	}
	for text, want := range cases {
		if got, _ := codeFamily(text); got != want {
			t.Errorf("codeFamily(%q) = %q, want %q", text, got, want)
		}
	}
}

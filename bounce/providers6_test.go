package bounce

import "testing"

// TestProviderRound6Readings holds the readings the sixth round of the
// provider table brought (rules.go providerCodes, phrases.go), each on a
// reply other than the table's row: Sophos Email's XGEMAIL codes under
// other reply codes and stages, and the wordings of the hosts' pages
// (Host Media, Carerix, mydreams.cz, agnx.com, exedo.nl, GoDaddy's bounce
// FAQ, weboke.nl, a Japanese rental server's POP before SMTP).
func TestProviderRound6Readings(t *testing.T) {
	for _, tc := range []struct {
		name, command string
		code          int
		enhanced      string
		text          string
		reason        Reason
		hard          bool
	}{
		// The code decides whatever the command and reply code.
		{"Sophos unknown recipient after DATA", "DATA", 550, "", "XGEMAIL_0011", UserUnknown, true},
		{"Sophos RBL test at RCPT", "RCPT", 554, "5.7.1", "XGEMAIL_0004", Blocked, false},
		{"Sophos rate limit for now", "RCPT", 450, "", "XGEMAIL_0014", Speeding, false},
		{"Sophos DMARC", "DATA", 550, "5.7.1", "XGEMAIL_0003", AuthFailure, false},
		{"Sophos user block list", "RCPT", 550, "", "XGEMAIL_0009", Filtered, false},
		// The sender's domain, though x.1.2 names the destination's.
		{"sender domain not found", "MAIL", 550, "5.1.2", "Sender Domain Not Found", Rejected, false},
		{"no mailbox by that name at RCPT", "RCPT", 550, "", "no mailbox by that name is currently available", UserUnknown, true},
		{"storage allocation exceeded", "DATA", 552, "", "Storage allocation exceeded", MailboxFull, false},
		{"mailbox has reached its maximum", "", 552, "", "The recipient's mailbox has reached its maximum allowed size", MailboxFull, false},
		{"exceeded their mailbox limit", "", 0, "", "The recipient has exceeded their mailbox limit", MailboxFull, false},
		{"account storage limit", "RCPT", 452, "4.2.2", "Account storage limit", MailboxFull, false},
		{"no relaying allowed", "RCPT", 554, "", "No relaying allowed - psmtp", NoRelaying, false},
		{"POP before SMTP", "RCPT", 553, "5.3.0", "<user@example.jp>... Please receive your mail before sending", SecurityError, false},
	} {
		c := ClassifyReply(tc.command, tc.code, tc.enhanced, tc.text)
		if c.Reason != tc.reason || c.Hard != tc.hard {
			t.Errorf("%s: ClassifyReply(%q, %d, %q, %q) = %s hard %v, want %s hard %v",
				tc.name, tc.command, tc.code, tc.enhanced, tc.text, c.Reason, c.Hard, tc.reason, tc.hard)
		}
	}
}

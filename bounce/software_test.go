package bounce

import (
	"fmt"
	"sort"
	"strconv"
	"testing"
)

// TestSoftwareReplies runs the software reply table (testdata/software-
// replies.csv) through ClassifyReply. It is a third test set, independent
// of the shared corpus and of the provider table: SMTP replies and bounce
// texts exactly as mail software writes them, each taken from the
// program's own source code or documentation (the source column names the
// repository and file, or the page, and the function or setting that emits
// the text), with the reason and hard/soft its source gives the failure
// (the code's comment, the setting, the context it is emitted in), not
// what the classifier answers. Postfix (smtpd, smtpd_check, cleanup,
// local, virtual), Exim (smtp_in, the default configuration, routers,
// appendfile, retry), Sendmail (srvrsmtp.c, the cf/m4 rulesets), OpenSMTPD,
// Dovecot LMTP, Cyrus lmtpd, qmail (qmail-smtpd, qmail-local,
// qmail-remote), Haraka, maddy and Stalwart. Rows a local delivery agent or
// the sending MTA writes into its bounce carry reply code 0 and the status
// the program's DSN gives them (Exim's 5.0.0, Postfix's from mbox_dsn(),
// none for qmail, whose "(#x.y.z)" is in the text). The misses are logged
// with -v; the floors sit just under what the classifier reaches.
func TestSoftwareReplies(t *testing.T) {
	rows := replyTable(t, "software-replies.csv")
	if len(rows) < 120 {
		t.Fatalf("%d rows, want at least 120", len(rows))
	}
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
			misses = append(misses, fmt.Sprintf("%s row %d: %s %d %s %q: got %s hard %v, want %s hard %s",
				program, i+2, command, code, enhanced, text, c.Reason, c.Hard, want, hardS))
		}
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Log("miss: " + m)
	}
	names := make([]string, 0, len(perProgram))
	for n := range perProgram {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < 10 {
		t.Errorf("%d programs, want at least 10", len(names))
	}
	for _, n := range names {
		t.Logf("%-10s %3d rows, reason right %3d", n, perProgram[n][0], perProgram[n][1])
	}
	pct := func(n int) float64 { return 100 * float64(n) / float64(total) }
	t.Logf("software replies: %d rows; reason %.1f%% (%d), hard/soft %.1f%% (%d)", total, pct(okReason), okReason, pct(okHard), okHard)
	// Floors: just under what the classifier reaches today; raise them as
	// it improves.
	const floorReason, floorHard = 99.0, 99.0
	if pct(okReason) < floorReason || pct(okHard) < floorHard {
		t.Errorf("reason %.1f%%, hard/soft %.1f%%: the floors are %.1f%% and %.1f%%", pct(okReason), pct(okHard), floorReason, floorHard)
	}
}

// TestSoftwareRepliesInBounces wraps each reply of the software table that
// ClassifyReply reads right in the bounces of the MTA layouts of
// TestProviderRepliesInBounces (wrapLayouts) and requires Parse to read the
// wrapped reply as ClassifyReply read the bare one. Rows with reply code 0
// are not replies but a program's own bounce text, and are not wrapped.
// Each layout has a floor at what it reads today (logged with -v, with
// each disagreement).
func TestSoftwareRepliesInBounces(t *testing.T) {
	var replies []providerReply
	for i, row := range replyTable(t, "software-replies.csv") {
		code, _ := strconv.Atoi(row[3])
		if code == 0 {
			continue
		}
		p := providerReply{line: i + 2, command: row[2], code: code, enhanced: row[4], text: row[5]}
		c := ClassifyReply(p.command, p.code, p.enhanced, p.text)
		if c.Reason != Reason(row[6]) || c.Hard != (row[7] == "true") {
			continue
		}
		replies = append(replies, p)
	}
	// floors: what each layout reads today. The layouts that name no
	// command lose the stage the bare reply had: Exim's "554 SMTP service
	// not available" at the greeting reads as the system's, Haraka's "550
	// sender <x> denied" and Sendmail's "550 5.7.1 Access denied" at MAIL
	// FROM as no verdict and a security refusal, and OpenSMTPD's "421
	// 4.3.0 Temporary Error" in a delay notice as expired (step 6 of the
	// decision procedure); the Sendmail DSN's transcript does not place
	// the two MAIL FROM refusals either. Postfix's "refused to talk to me"
	// reads as a blocked client whatever a temporary greeting says (Exim's
	// load limit, qmail-smtpd's unreadable controls).
	floors := map[string]int{"Postfix DSN": 128, "Postfix text": 127, "Exim text": 124, "qmail": 78, "Sendmail DSN": 126, "Exchange NDR": 125, "OpenSMTPD": 125, "Gmail": 125}
	checkWrapped(t, replies, floors)
}

package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The returned mail of the tests, as the MTAs write it.
var (
	// A Postfix DSN (RFC 3464) for an unknown user; the returned message
	// has a body line starting with "From " after a blank line.
	postfixDSN = `Return-Path: <>
Received: by mail.shop.example (Postfix) id 4F1A2B3C4D; Mon, 23 Nov 2026 10:00:00 +0000 (UTC)
Date: Mon, 23 Nov 2026 10:00:00 +0000 (UTC)
From: MAILER-DAEMON@mail.shop.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: news@shop.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4F1A2B3C4D.1763892000/mail.shop.example"
Message-Id: <20261123100000.4F1A2B3C4D@mail.shop.example>

This is a MIME-encapsulated message.

--4F1A2B3C4D.1763892000/mail.shop.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.shop.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<alice@customers.example>: host mx.customers.example[192.0.2.25] said: 550
    5.1.1 <alice@customers.example>: Recipient address rejected: User unknown
    in virtual mailbox table (in reply to RCPT TO command)

--4F1A2B3C4D.1763892000/mail.shop.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.shop.example
X-Postfix-Queue-ID: 4F1A2B3C4D
X-Postfix-Sender: rfc822; news@shop.example
Arrival-Date: Mon, 23 Nov 2026 09:59:58 +0000 (UTC)

Final-Recipient: rfc822; alice@customers.example
Original-Recipient: rfc822;alice@customers.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.customers.example
Diagnostic-Code: smtp; 550 5.1.1 <alice@customers.example>: Recipient address
    rejected: User unknown in virtual mailbox table

--4F1A2B3C4D.1763892000/mail.shop.example
Content-Description: Undelivered Message
Content-Type: message/rfc822

Return-Path: <news@shop.example>
From: Shop <news@shop.example>
To: alice@customers.example
Subject: Your order has shipped
Message-Id: <order-1@shop.example>

From the desk of the shop: your order has shipped.
>From here on, quoted.

--4F1A2B3C4D.1763892000/mail.shop.example--
`
	// An Exim bounce: plain text, no DSN part, CRLF line endings.
	eximBounce = strings.ReplaceAll(`Return-path: <>
Received: from Debian-exim by mx.partners.example with local (Exim 4.96)
	id 1tE5xY-0001aB-2c; Mon, 23 Nov 2026 10:01:00 +0000
X-Failed-Recipients: bob@partners.example
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mx.partners.example>
To: news@shop.example
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1tE5xY-0001aB-2c@mx.partners.example>
Date: Mon, 23 Nov 2026 10:01:00 +0000

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  bob@partners.example
    host mail.partners.example [192.0.2.30]
    SMTP error from remote mail server after RCPT TO:<bob@partners.example>:
    552 5.2.2 Mailbox full, quota exceeded

------ This is a copy of the message, including all the headers. ------

Return-path: <news@shop.example>
From: Shop <news@shop.example>
To: bob@partners.example
Subject: Your order has shipped
Message-Id: <order-2@shop.example>

Hello Bob.
`, "\n", "\r\n")
	// An ARF complaint (RFC 5965) from a feedback loop.
	arfComplaint = `From: Feedback Loop <fbl@isp.example>
To: fbl@shop.example
Subject: Abuse report
Date: Mon, 23 Nov 2026 11:00:00 +0000
Message-ID: <fbl-1@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="fbl"

--fbl
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP
192.0.2.5 on Mon, 23 Nov 2026 09:00:00 +0000.

--fbl
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ISP-FBL/1.0
Version: 1
Original-Mail-From: <news@shop.example>
Original-Rcpt-To: <Carol@ISP.example>
Arrival-Date: Mon, 23 Nov 2026 09:00:00 +0000
Source-IP: 192.0.2.5
Reported-Domain: shop.example

--fbl
Content-Type: message/rfc822

From: Shop <news@shop.example>
To: carol@isp.example
Subject: Weekly offers
Message-ID: <offer-3@shop.example>

Offers.
--fbl--
`
	// An RFC 3834 auto-reply.
	autoReply = `From: Dave <dave@partners.example>
To: news@shop.example
Subject: Out of office: Your order has shipped
Auto-Submitted: auto-replied
Date: Mon, 23 Nov 2026 10:05:00 +0000
Message-ID: <ooo-1@partners.example>

I am out of the office until Monday.
`
	// A message that is not returned mail.
	plain = `From: Erin <erin@customers.example>
To: news@shop.example
Subject: Question about my order
Date: Mon, 23 Nov 2026 10:06:00 +0000
Message-ID: <q-1@customers.example>

Where is it?
`
)

// messages are the test messages in mailbox order.
var messages = []string{postfixDSN, eximBounce, arfComplaint, autoReply, plain}

// want is the classification of messages, row by row (without the file).
var want = [][]string{
	{"dsn", "alice@customers.example", "failed", "5.1.1", "userunknown", "true"},
	{"nonstandard", "bob@partners.example", "failed", "5.2.2", "mailboxfull", "false"},
	// bounce reports a complaint as failed and an auto-reply as delivered.
	{"feedback", "Carol@ISP.example", "failed", "", "feedback", "false"},
	{"autoreply", "dave@partners.example", "delivered", "", "vacation", "false"},
	{"unknown", "", "", "", "", "false"},
}

// wantSuppress: the hard bounce and the complaint, not the full mailbox.
const wantSuppress = "alice@customers.example\ncarol@isp.example\n"

func buildMbox(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	for _, m := range messages {
		if err := writeMbox(&b, "MAILER-DAEMON", []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "returned.mbox")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// buildMaildir puts the first messages in cur/, the last two in new/ and
// a message being delivered in tmp/, which must be skipped.
func buildMaildir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "Maildir")
	for i, m := range messages {
		sub, name := "cur", "17638920"+string(rune('0'+i))+".M1P1.host:2,S"
		if i >= 3 {
			sub, name = "new", "17638920"+string(rune('0'+i))+".M1P1.host"
		}
		write(t, filepath.Join(dir, sub, name), m)
	}
	write(t, filepath.Join(dir, "tmp", "1763892099.M1P1.host"), postfixDSN)
	write(t, filepath.Join(dir, "cur", ".hidden"), postfixDSN)
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runCSV runs the command and returns the CSV records after the header.
func runCSV(t *testing.T, args ...string) ([][]string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	if err := run(context.Background(), args, &out, &errw); err != nil {
		t.Fatalf("run %v: %v\n%s", args, err, errw.String())
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], csvHeader) {
		t.Fatalf("no header row: %q", recs)
	}
	return recs[1:], errw.String()
}

func checkRows(t *testing.T, rows [][]string, files []string) {
	t.Helper()
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i, r := range rows {
		if r[0] != files[i] {
			t.Errorf("row %d: file %q, want %q", i, r[0], files[i])
		}
		got := []string{r[1], r[2], r[3], r[4], r[5], r[6]}
		if !slices.Equal(got, want[i]) {
			t.Errorf("row %d (%s):\n got %q\nwant %q", i, r[0], got, want[i])
		}
	}
	if !strings.Contains(rows[0][7], "User unknown in virtual mailbox table") || !strings.Contains(rows[1][7], "Mailbox full") {
		t.Errorf("diagnostics not carried over: %q, %q", rows[0][7], rows[1][7])
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMbox(t *testing.T) {
	mbox := buildMbox(t)
	suppress := filepath.Join(t.TempDir(), "suppress.txt")
	rows, _ := runCSV(t, "-suppress", suppress, mbox)
	var files []string
	for i := range messages {
		files = append(files, mbox+"#"+string(rune('1'+i)))
	}
	checkRows(t, rows, files)
	if got := readFile(t, suppress); got != wantSuppress {
		t.Errorf("suppression list %q, want %q", got, wantSuppress)
	}
}

func TestMaildir(t *testing.T) {
	dir := buildMaildir(t)
	suppress := filepath.Join(t.TempDir(), "suppress.txt")
	rows, _ := runCSV(t, "-suppress", suppress, dir)
	var files []string
	for i := range messages {
		sub, name := "cur", "17638920"+string(rune('0'+i))+".M1P1.host:2,S"
		if i >= 3 {
			sub, name = "new", "17638920"+string(rune('0'+i))+".M1P1.host"
		}
		files = append(files, filepath.Join(dir, sub, name))
	}
	checkRows(t, rows, files)
	if got := readFile(t, suppress); got != wantSuppress {
		t.Errorf("suppression list %q, want %q", got, wantSuppress)
	}
}

// TestJSON checks that -json gives the same rows as CSV, as a JSON array,
// and that -o writes them to a file.
func TestJSON(t *testing.T) {
	mbox := buildMbox(t)
	csvRows, _ := runCSV(t, mbox)
	outFile := filepath.Join(t.TempDir(), "out.json")
	var out, errw bytes.Buffer
	if err := run(context.Background(), []string{"-json", "-o", outFile, mbox}, &out, &errw); err != nil {
		t.Fatalf("run: %v\n%s", err, errw.String())
	}
	if out.Len() != 0 {
		t.Errorf("with -o, standard output got %q", out.String())
	}
	var rows []row
	if err := json.Unmarshal([]byte(readFile(t, outFile)), &rows); err != nil {
		t.Fatalf("output is not a JSON array of rows: %v", err)
	}
	if len(rows) != len(csvRows) {
		t.Fatalf("JSON has %d rows, CSV %d", len(rows), len(csvRows))
	}
	for i, r := range rows {
		if !slices.Equal(r.fields(), csvRows[i]) {
			t.Errorf("row %d: JSON %q, CSV %q", i, r.fields(), csvRows[i])
		}
	}
}

// TestNotMail checks that a message without a readable header is reported
// and makes the run fail, while the other messages are still classified.
func TestNotMail(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "1-garbage"), "\x00\x01 this is not: a message\x00\n")
	write(t, filepath.Join(dir, "2-dsn"), postfixDSN)
	var out, errw bytes.Buffer
	err := run(context.Background(), []string{dir}, &out, &errw)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 messages could not be read") {
		t.Errorf("run returned %v, want the count of unreadable messages", err)
	}
	if !strings.Contains(errw.String(), "1-garbage") {
		t.Errorf("stderr does not name the unreadable file: %q", errw.String())
	}
	if !strings.Contains(out.String(), "alice@customers.example,failed,5.1.1,userunknown,true") {
		t.Errorf("the DSN was not classified:\n%s", out.String())
	}
}

func TestArguments(t *testing.T) {
	for _, args := range [][]string{nil, {"-json"}, {"/nonexistent/mbox"}, {"-bogus", "x"}} {
		var out, errw bytes.Buffer
		if err := run(context.Background(), args, &out, &errw); err == nil {
			t.Errorf("run %q succeeded", args)
		}
	}
}

// sharedDir finds $MXKIT_SHARED/sub, or ../../shared/sub beside the
// examples module (the layout of the repository's checkout), as the
// library's internal testenv does; the examples module cannot import it.
func sharedDir(t *testing.T, sub string) string {
	t.Helper()
	root := os.Getenv("MXKIT_SHARED")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared") // from examples/bounces
	}
	dir := filepath.Join(root, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data %q not found (set MXKIT_SHARED to the shared/ folder): %v", sub, err)
	}
	return dir
}

// TestCorpus runs the command over the shared corpus of real returned mail,
// as a Maildir and as one mbox: every message must be read, each must give
// at least one row, and the two must agree row for row.
func TestCorpus(t *testing.T) {
	src := filepath.Join(sharedDir(t, "corpus/bounce"), "messages")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	maildir := filepath.Join(t.TempDir(), "Maildir")
	var mbox bytes.Buffer
	var names []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(maildir, "cur", e.Name()), string(b))
		if err := writeMbox(&mbox, "MAILER-DAEMON", b); err != nil {
			t.Fatal(err)
		}
		names = append(names, e.Name())
	}
	os.MkdirAll(filepath.Join(maildir, "new"), 0o755)
	mboxFile := filepath.Join(t.TempDir(), "corpus.mbox")
	write(t, mboxFile, mbox.String())

	suppress := filepath.Join(t.TempDir(), "suppress.txt")
	rows, stderr := runCSV(t, "-suppress", suppress, maildir)
	checkSummary(t, stderr, len(names))
	// Every address to suppress is a valid one, normalised: no
	// "@mx.example.org", no lower-cased encoded word.
	for _, a := range strings.Fields(readFile(t, suppress)) {
		_, key, ok := normalize(a)
		if !ok || key != a || strings.HasPrefix(a, "@") || strings.Contains(a, "=?") {
			t.Errorf("suppression list has %q", a)
		}
	}
	seen := map[string]bool{}
	kinds := map[string]int{}
	for _, r := range rows {
		seen[filepath.Base(r[0])] = true
		kinds[r[1]]++
	}
	for _, n := range names {
		if !seen[n] {
			t.Errorf("no row for %s", n)
		}
	}
	t.Logf("%d messages, %d rows, kinds %v, %d addresses to suppress",
		len(names), len(rows), kinds, strings.Count(readFile(t, suppress), "\n"))

	mboxRows, stderr := runCSV(t, mboxFile)
	checkSummary(t, stderr, len(names))
	if len(mboxRows) != len(rows) {
		t.Fatalf("the mbox gave %d rows, the Maildir %d", len(mboxRows), len(rows))
	}
	for i := range rows {
		if !slices.Equal(rows[i][1:], mboxRows[i][1:]) {
			t.Errorf("%s: Maildir %q, mbox (%s) %q", rows[i][0], rows[i][1:], mboxRows[i][0], mboxRows[i][1:])
		}
	}
}

// checkSummary checks that stderr holds the summary and nothing else.
func checkSummary(t *testing.T, stderr string, messages int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], fmt.Sprintf("bounces: %d messages (0 unreadable), ", messages)) ||
		!strings.HasPrefix(lines[1], "bounces: by reason: ") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// TestRecipientNormalised: recipients are decoded from RFC 2047 before
// anything else, source routes and brackets removed, and those that are
// no address at all are shown but not suppressed, and counted.
func TestRecipientNormalised(t *testing.T) {
	for _, tc := range []struct{ in, shown, key string }{
		{"=?UTF-8?B?8J+QiOefkiE=?=@example.org", "🐈矒!@example.org", "🐈矒!@example.org"},
		{"=?utf-8?q?J=C3=B6rg?=@Bücher.example", "Jörg@Bücher.example", "jörg@xn--bcher-kva.example"},
		{"<Alice@Customers.Example>", "Alice@Customers.Example", "alice@customers.example"},
		{"@smtp.example.net:kijitora@example.jp", "kijitora@example.jp", "kijitora@example.jp"},
		{"@mx.example.org", "@mx.example.org", ""},
		{"this", "this", ""},
		{"=?utf-8?b?8j+qipcfkig=?=@example.org", "=?utf-8?b?8j+qipcfkig=?=@example.org", ""},
	} {
		shown, key, ok := normalize(tc.in)
		if shown != tc.shown || key != tc.key || ok != (tc.key != "") {
			t.Errorf("normalize(%q) = %q, %q, %v; want %q, %q", tc.in, shown, key, ok, tc.shown, tc.key)
		}
	}
	dir := t.TempDir()
	for i, rcpt := range []string{"=?UTF-8?B?8J+QiOefkiE=?=@example.org", "@mx.example.org", "bob@example.org"} {
		write(t, filepath.Join(dir, fmt.Sprint(i)), strings.ReplaceAll(postfixDSN, "alice@customers.example", rcpt))
	}
	suppress := filepath.Join(t.TempDir(), "suppress.txt")
	os.WriteFile(suppress, []byte("earlier@example.net\n"), 0o644)
	rows, stderr := runCSV(t, "-suppress", suppress, dir)
	if len(rows) != 3 || rows[0][2] != "🐈矒!@example.org" || rows[1][2] != "@mx.example.org" {
		t.Errorf("rows %q", rows)
	}
	if got, want := readFile(t, suppress), "bob@example.org\nearlier@example.net\n🐈矒!@example.org\n"; got != want {
		t.Errorf("suppression list %q, want %q", got, want)
	}
	if !strings.Contains(stderr, "3 recipients, 2 to suppress, 1 invalid addresses skipped") || !strings.Contains(stderr, "by reason: userunknown 3") {
		t.Errorf("summary %q", stderr)
	}
}

// TestSingleMessageFile checks that a file not starting with "From " is
// taken as one message.
func TestSingleMessageFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bounce.eml")
	write(t, path, eximBounce)
	rows, _ := runCSV(t, path)
	if len(rows) != 1 || rows[0][0] != path || !slices.Equal(rows[0][1:7], want[1]) {
		t.Errorf("got %q, want one row %q for %s", rows, want[1], path)
	}
}

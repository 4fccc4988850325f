package bounce

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNotBounces checks that the corpus's ordinary messages are not taken
// for bounces.
func TestNotBounces(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "not-bounces")
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no messages in %s: %v", dir, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Parse(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if rep.Kind != KindUnknown || len(rep.Recipients) != 0 {
			t.Errorf("%s: kind %v with %d recipients, want unknown and none", filepath.Base(f), rep.Kind, len(rep.Recipients))
		}
	}
}

func corpusDir(t *testing.T) string {
	dir, _ := loadCorpus(t)
	return dir
}

// TestTruncatedCorpus cuts every corpus message at several points: each cut
// parses without panic, to a report or a typed error.
func TestTruncatedCorpus(t *testing.T) {
	dir, rows := loadCorpus(t)
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.file] {
			continue
		}
		seen[r.file] = true
		data, err := os.ReadFile(filepath.Join(dir, r.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, frac := range []int{1, 5, 10, 33, 50, 77, 99} {
			cut := data[:len(data)*frac/100]
			rep, err := Parse(bytes.NewReader(cut))
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("%s cut at %d%%: untyped error %v", r.file, frac, err)
			}
			if err == nil && rep == nil {
				t.Errorf("%s cut at %d%%: nil report and nil error", r.file, frac)
			}
		}
	}
}

// TestHostileInput feeds inputs built to hurt a parser.
func TestHostileInput(t *testing.T) {
	deep := "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
	for i := 0; i < 200; i++ {
		deep += fmt.Sprintf("--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	manyParts := "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n" +
		strings.Repeat("--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n", 5000) + "--x--\r\n"
	longLine := "From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail\r\n\r\n" + strings.Repeat("a@b.c ", 200000)
	manyRcpts := "Content-Type: message/delivery-status\r\n\r\n" + strings.Repeat("Final-Recipient: rfc822; x@example.com\r\nStatus: 5.1.1\r\n", 20000)
	var deferrals strings.Builder
	deferrals.WriteString("From: Mail Delivery Subsystem <MAILER-DAEMON@example.com>\r\nSubject: Returned mail: see transcript for details\r\n\r\n   ----- The following addresses had permanent fatal errors -----\r\n")
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&deferrals, "<u%d@example.net>\r\n", i)
	}
	deferrals.WriteString("   ----- Transcript of session follows -----\r\n")
	for i := 0; i < 8000; i++ {
		fmt.Fprintf(&deferrals, "<d%d@example.org>... Deferred: Connection timed out\r\n", i)
	}
	// Inputs that took seconds (the times before the fix, on the shared
	// 2-core machine; tens of milliseconds after).
	const postfixHead = "From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n"
	longAddr := strings.Repeat("a", 80000) + "@example.net"
	var preamble, blankChain, xFailed, unfinished strings.Builder
	// 2,000 recipients with no words of their own under a preamble of
	// 1,000 lines (classifyOther gave each the whole preamble: 33 s).
	preamble.WriteString(postfixHead + strings.Repeat("The mail system could not deliver your message to the recipients below at all today.\r\n", 1000) + "\r\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&preamble, "<u%d@example.net>\r\n", i)
	}
	// 4,000 recipients each followed by a blank line, the error after the
	// last (textBlocks gave each the lines of all those after it: 20 s).
	blankChain.WriteString(postfixHead)
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&blankChain, "<u%d@example.net>\r\n\r\n", i)
	}
	blankChain.WriteString(strings.Repeat("550 5.1.1 user unknown\r\n", 4000))
	// 40,000 mixed-case addresses in X-Failed-Recipients over 10,000
	// records (each address searched for among the blocks: 0.9 s).
	xFailed.WriteString("X-Failed-Recipients: ")
	for i := 0; i < 40000; i++ {
		fmt.Fprintf(&xFailed, "UsEr%d@ExAmple.NET, ", i)
	}
	xFailed.WriteString("\r\n" + postfixHead)
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&xFailed, "<UsEr%d@ExAmple.NET>: host x said: 550 5.1.1 User unknown\r\n\r\n", i)
	}
	// 2,000 DSN recipients whose Diagnostic-Code holds the first line of
	// a multi-line reply, under a transcript of 80,000 lines (replyRest
	// read the whole transcript for each: 1.6 s).
	unfinished.WriteString("From: MAILER-DAEMON@example.com\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n" +
		strings.Repeat("<<< 250 ok fine\r\n", 80000) + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&unfinished, "\r\nFinal-Recipient: rfc822; u%d@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550-5.1.1 x\r\n", i)
	}
	unfinished.WriteString("\r\n--b--\r\n")
	// 1,000 DSN recipients of weak diagnostics under a notification
	// whose preamble is 1,000 lines (each was given the whole preamble:
	// 7 s), and 1,000 that all name the address of one block of 1,500
	// lines (each read the block: 8 s).
	var dsnPre, dsnSame strings.Builder
	const reportHead = "From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
	const statusHead = "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n"
	dsnPre.WriteString(reportHead + strings.Repeat("The mail system could not deliver your message to the recipients below at all today.\r\n", 1000) + "\r\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&dsnPre, "<u%d@example.net>\r\n", i)
	}
	dsnPre.WriteString(statusHead)
	dsnSame.WriteString(reportHead + "<a@example.net>: host x said: 550 5.1.1 user unknown\r\n" +
		strings.Repeat("    The mail system could not deliver your message to the recipients below at all today.\r\n", 1500) + statusHead)
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&dsnPre, "\r\nFinal-Recipient: rfc822; u%d@example.net\r\nAction: failed\r\nStatus: 5.0.0\r\nDiagnostic-Code: smtp; x\r\n", i)
		dsnSame.WriteString("\r\nFinal-Recipient: rfc822; a@example.net\r\nAction: failed\r\nStatus: 5.0.0\r\nDiagnostic-Code: smtp; x\r\n")
	}
	dsnPre.WriteString("\r\n--b--\r\n")
	dsnSame.WriteString("\r\n--b--\r\n")
	for name, in := range map[string]string{
		// An address of 80,000 characters, then a line of 150,000 that
		// nearly spells it at each offset (indexFold compared the address
		// at each offset, in otherExpandedFrom and maskAddr: 2.5 s each).
		"long address, expanded from": "From: MAILER-DAEMON@example.com\r\nSubject: Returned mail: see transcript for details\r\n\r\n   ----- The following addresses had permanent fatal errors -----\r\n<" +
			longAddr + ">\r\n    (reason: 550 5.1.1 User unknown)\r\n    (expanded from: <b@example.org>)\r\n" + strings.Repeat("a", 150000) + "\r\n",
		"long address, masked":            postfixHead + "<" + longAddr + ">: host x said: 550 5.1.1 User unknown " + strings.Repeat("a", 150000) + "\r\n",
		"preamble, many recipients":       preamble.String(),
		"blank line after each of many":   blankChain.String(),
		"X-Failed-Recipients, many":       xFailed.String(),
		"DSN, many unfinished replies":    unfinished.String(),
		"DSN, preamble, many recipients":  dsnPre.String(),
		"DSN, many recipients, one block": dsnSame.String(),
		// A Sendmail notice naming thousands of addresses, most of them
		// only deferred (dropDeferred: one pass, not one per address).
		"sendmail deferrals": deferrals.String(),
		"empty":              "",
		"no header":          "\r\n\r\nbody only",
		"binary":             "\x00\xff\xfe\x01\r\n\x00\x00:\x00",
		"deep multipart":     deep,
		"many parts":         manyParts,
		"long line":          longLine,
		"many recipients":    manyRcpts,
		"bad base64":         "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\nFrom: mailer-daemon@x.example\r\n\r\n!!!!not base64!!!!",
		"unknown encoding":   "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-weird\r\nSubject: Returned mail\r\n\r\n550 5.1.1 user unknown <a@example.com>",
		"json bomb":          "Subject: AWS Notification Message\r\n\r\n{\"notificationType\":\"Bounce\",\"bounce\":" + strings.Repeat("[", 100000),
		"boundary missing":   "Content-Type: multipart/report; report-type=delivery-status\r\n\r\nFinal-Recipient: rfc822; a@example.com\r\nStatus: 5.1.1\r\n",
		"header only":        "From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender",
		"malformed header":   "this is not a header\r\nnor this\r\n\r\n",
		// Invalid UTF-8 before DSN fields written into a text body: the
		// offsets found in the lower-cased text must be the text's own
		// (strings.ToLower widens an invalid byte to three).
		"invalid utf-8 before inline fields": "\n\xe4\xcf\xd50\xfc\xea0\x99\x90\xe6\xef\nFinAl-ReCipient:",
		"invalid utf-8 in a style element":   "Content-Type: text/html\r\nFrom: MAILER-DAEMON@example.com\r\n\r\n<style>\xff\xfe\xff\xfe\xff\xfeX</STYLE>550 5.1.1 user unknown",
		// Addresses in upper case, which the report spells as written
		// (spellRecipients), quoted or not.
		// Internationalised addresses (eaiLetterAt), letters on either
		// side of many "@".
		"long line, internationalised": "From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail\r\n\r\n" + strings.Repeat("Jürgen@Müller.de Ærø@", 60000),
		"long line, upper case":        strings.ReplaceAll(longLine, "a@b.c ", "A@B.c \"Q\"@b.C "),
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(in))
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("untyped error %v", err)
				}
				return
			}
			if rep == nil {
				t.Fatal("nil report, nil error")
			}
		})
	}
}

// TestIndexFoldLong checks the linear search of a long sub against the
// search at each offset, on texts of few letters in both cases, where
// partial matches overlap.
func TestIndexFoldLong(t *testing.T) {
	naive := func(s, sub string) int { return strings.Index(lowerASCII(s), sub) }
	rnd := uint32(1)
	next := func(n uint32) uint32 { rnd = rnd*1664525 + 1013904223; return rnd >> 8 % n }
	for range 3000 {
		var s, sub []byte
		for range next(200) {
			s = append(s, "aAbB@."[next(6)])
		}
		for range 33 + next(20) {
			sub = append(sub, "ab@."[next(3)])
		}
		if next(2) == 0 && len(s) > len(sub) {
			at := int(next(uint32(len(s) - len(sub))))
			copy(s[at:], strings.ToUpper(string(sub)))
		}
		if got, want := indexFold(string(s), string(sub)), naive(string(s), string(sub)); got != want {
			t.Fatalf("indexFold(%q, %q) = %d, want %d", s, sub, got, want)
		}
	}
	for _, c := range []struct{ s, sub string }{
		{strings.Repeat("a", 100), strings.Repeat("a", 40)},
		{strings.Repeat("A", 100) + "b", strings.Repeat("a", 40) + "b"},
		{strings.Repeat("ab", 50) + "abc", strings.Repeat("ab", 20) + "abc"},
		{strings.Repeat("a", 39), strings.Repeat("a", 40)},
		{"x" + strings.Repeat("\u212a", 40), strings.Repeat("k", 40)},
	} {
		if got, want := indexFold(c.s, c.sub), naive(c.s, c.sub); got != want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", c.s, c.sub, got, want)
		}
	}
}

// TestMaxBytes checks that input beyond MaxBytes is not read and the
// report says so.
func TestMaxBytes(t *testing.T) {
	msg := "From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n" +
		"<rcpt@example.net>: host mx.example.net said: 550 5.1.1 User unknown\r\n\r\n" + strings.Repeat("x", 1<<20)
	p := Parser{MaxBytes: 4096}
	rep, err := p.Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Truncated {
		t.Error("Truncated not set")
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].Reason != UserUnknown {
		t.Errorf("recipients %+v, want one userunknown", rep.Recipients)
	}
}

// TestMalformedIsTyped checks the error for unreadable input.
func TestMalformedIsTyped(t *testing.T) {
	_, err := Parse(strings.NewReader("Header without colon\r\n\r\n"))
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("err = %v, want ErrMalformed", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestReaderErrorPassesThrough checks that I/O errors are returned as they are.
func TestReaderErrorPassesThrough(t *testing.T) {
	_, err := Parse(failingReader{})
	if err == nil || err.Error() != "disk on fire" {
		t.Errorf("err = %v, want the reader's error", err)
	}
}

// TestConcurrentParse parses the corpus from several goroutines at once
// (run with -race): the shared rule table is read-only.
func TestConcurrentParse(t *testing.T) {
	dir, rows := loadCorpus(t)
	var msgs [][]byte
	for i, r := range rows {
		if i%8 != 0 {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, r.file))
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, data)
	}
	want := make([]string, len(msgs))
	for i, m := range msgs {
		rep, err := Parse(bytes.NewReader(m))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = fmt.Sprint(rep.Kind, rep.Recipients)
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for i, m := range msgs {
				rep, err := Parse(bytes.NewReader(m))
				if err != nil {
					done <- err
					return
				}
				if got := fmt.Sprint(rep.Kind, rep.Recipients); got != want[i] {
					done <- fmt.Errorf("message %d: concurrent result differs", i)
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestHugeDSNTruncated parses a generated RFC 3464 report on 100,000
// recipients (about 8 MB, under the default MaxBytes): the status part is
// read up to its cap only, and the report must say that recipients are
// missing rather than pass a partial list off as whole (issue 21).
func TestHugeDSNTruncated(t *testing.T) {
	const n = 100000
	var b strings.Builder
	b.WriteString("From: MAILER-DAEMON@mta.example.com\r\nTo: sender@example.com\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver to the recipients below.\r\n\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mta.example.com\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\r\nFinal-Recipient: rfc822; user%06d@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n", i)
	}
	b.WriteString("\r\n--b--\r\n")
	if b.Len() >= defaultMaxBytes {
		t.Fatalf("the report is %d bytes, not under MaxBytes", b.Len())
	}
	rep, err := Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := len(rep.Recipients)
	if got == 0 || got >= n {
		t.Fatalf("%d recipients of %d", got, n)
	}
	if !rep.Truncated {
		t.Errorf("%d of %d recipients read and Truncated is false", got, n)
	}
	// The cut falls between lines: the last recipient read is whole.
	last := rep.Recipients[got-1]
	if last.FinalRecipient != fmt.Sprintf("user%06d@example.net", got-1) || last.Reason != UserUnknown {
		t.Errorf("last recipient read: %+v", last)
	}

	// The same report on a few recipients is read whole.
	small := b.String()[:strings.Index(b.String(), "user000003")]
	small = small[:strings.LastIndex(small, "\r\nFinal-Recipient")] + "\r\n\r\n--b--\r\n"
	rep, err = Parse(strings.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Truncated || len(rep.Recipients) != 3 {
		t.Errorf("3-recipient report: Truncated %v, %d recipients", rep.Truncated, len(rep.Recipients))
	}
}

// TestManyPartsTruncated checks that parts past the limit are reported as
// unread.
func TestManyPartsTruncated(t *testing.T) {
	msg := "Content-Type: multipart/mixed; boundary=x\r\n\r\n" +
		strings.Repeat("--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n", maxParts+5) + "--x--\r\n"
	rep, err := Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Truncated {
		t.Error("Truncated not set with more parts than are read")
	}
	msg = "Content-Type: multipart/mixed; boundary=x\r\n\r\n" +
		strings.Repeat("--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n", 3) + "--x--\r\n"
	if rep, err := Parse(strings.NewReader(msg)); err != nil || rep.Truncated {
		t.Errorf("3 parts: Truncated %v, err %v", rep != nil && rep.Truncated, err)
	}
}

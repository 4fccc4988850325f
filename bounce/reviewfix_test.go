package bounce

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
)

// TestReviewNarrowings holds the negative cases of the phrases and rules
// a review narrowed, each beside the reading it keeps.
func TestReviewNarrowings(t *testing.T) {
	cases := map[providerReply]Reason{
		// smtpf 2.1.56's reply list (milter.info/smtp/smtpf/reply.html):
		// #127 a sender's access-map entry, the sender refused.
		{command: "MAIL", code: 550, enhanced: "5.7.1", text: "sender <someone@example.com> black listed #127"}: Rejected,
		// Old iRedAPD's refusal of a locally hosted sender domain without
		// SMTP AUTH (iredmail/docs errors.md), and Postfix's
		// reject_sender_login_mismatch words as Aruba PEC gives them for a
		// sender not the account's (the provider table's row), which no
		// longer rest on "not logged in" alone.
		{command: "RCPT", code: 554, enhanced: "5.7.1", text: "<user@example.org>: Recipient address rejected: Policy rejection not logged in"}: SecurityError,
		{command: "", code: 0, enhanced: "", text: "Sender address rejected: not logged in"}:                                                    Rejected,
		// "Connection refused" in a server's own reply refuses the client
		// (Vade's OX pages), but Postfix smtp(8)'s "connect to x[ip]:25:
		// Connection refused" quoted under a relay's code is a connection
		// that failed.
		{command: "", code: 550, enhanced: "5.7.1", text: "Connection refused"}:                                                              Blocked,
		{command: "", code: 451, enhanced: "4.3.0", text: "<user@example.net>: connect to mx.example.net[192.0.2.1]:25: Connection refused"}: NetworkError,
		// A quota refused at MAIL FROM is the sender's rate (Symantec
		// Messaging Gateway's "421 4.7.1 Recipient quota exceeded",
		// knowledge.broadcom.com article 159004), but words that name a
		// mailbox full (RFC 3463 x.2.2 "Mailbox full") stay a full mailbox.
		{command: "MAIL", code: 421, enhanced: "4.7.1", text: "Recipient quota exceeded"}: Speeding,
		{command: "MAIL", code: 552, enhanced: "5.2.2", text: "Mailbox full"}:             MailboxFull,
	}
	for c, want := range cases {
		if got := ClassifyReply(c.command, c.code, c.enhanced, c.text).Reason; got != want {
			t.Errorf("%s %q read as %s, want %s", c.command, c.wire(), got, want)
		}
	}
	// Exchange's NDR names the server that answered by its address before
	// the reply it returned (pastebin.com/rgjcnYmZ, an Exchange 2013
	// notice: "Remote Server at x (192.0.2.41) returned '...'"): not the
	// sending host refused (clientAddressConcept reads no predicate there).
	if clientAddressConcept.match(fold("Remote Server at mx.example.net (192.0.2.41) returned '550 Message rejected'")) {
		t.Error("the address of the server that answered read as the sending host refused")
	}
	// The gateway table's From:To: pair refusal (its row 48, the smtpf
	// page it cites) is not the sender's refusal: "sender < * > black
	// listed" spanned the recipient named between.
	pair := "sender <someone@example.com> recipient <user@example.net> black listed #137"
	if got := ClassifyReply("RCPT", 550, "5.7.1", pair).Reason; got == Rejected {
		t.Errorf("%q read as the sender's refusal", pair)
	}
}

// TestAutoSubjectNeedsAnswer: Pigeonhole's "Auto: <subject>" (cmd-vacation.c)
// is read where the message answers another (Pigeonhole writes In-Reply-To
// and References), not in a German subject about a car.
func TestAutoSubjectNeedsAnswer(t *testing.T) {
	person := "From: jdoe@example.net\r\nTo: sender@example.org\r\nSubject: Auto: Angebot für Ihren Gebrauchtwagen\r\n\r\nHallo, anbei das Angebot.\r\n"
	if rep, err := Parse(strings.NewReader(person)); err != nil || rep.Kind == KindAutoReply {
		t.Errorf("a person's \"Auto: ...\" subject read as %v (%v)", rep.Kind, err)
	}
	answer := "From: jdoe@example.net\r\nTo: sender@example.org\r\nSubject: Auto: Quarterly figures\r\nIn-Reply-To: <1@example.org>\r\n\r\nI am away until 19 May.\r\n"
	if rep, err := Parse(strings.NewReader(answer)); err != nil || rep.Kind != KindAutoReply {
		t.Errorf("an answering \"Auto: ...\" subject read as %v (%v)", rep.Kind, err)
	}
}

// TestNewScannersHostile runs the scanners added for code families, the
// sending host's address, auto-reply subjects, list notices and
// mislabelled Japanese on large hostile inputs: no panic, and a time that
// grows with the input, not its square (a generous bound for a shared
// machine).
func TestNewScannersHostile(t *testing.T) {
	rl := loadRules()
	n := 1 << 18
	inputs := []string{
		strings.Repeat("oxsus0001_", n/10),
		strings.Repeat("elnk", n/4),
		strings.Repeat("sfr_in1_0", n/9),
		strings.Repeat("1.", n/2),
		strings.Repeat("1.2.3.4 ", n/8),
		strings.Repeat("[", n),
		strings.Repeat("[a] ", n/4),
		strings.Repeat("> you are not allowed to post to this mailing list\n", n/50),
		strings.Repeat("auto: ", n/6),
	}
	for _, in := range inputs {
		start := time.Now()
		codeFamily(in)
		clientAddressConcept.match(in)
		autoReplySubject(message.Header{}, in, rl)
		listNotice("owner-x@example.org", in, in)
		unquoted(in)
		decodeMislabelledJapanese([]byte(in + "\xa4\xa2\x82\xa0\xff"))
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%.20q...: %v", in, d)
		}
	}
	for _, b := range [][]byte{nil, {0x80}, {0x8e}, {0x8f, 0xa1}, bytes.Repeat([]byte{0x8f}, 1000), []byte("\x1b$B\xff")} {
		decodeMislabelledJapanese(b)
	}
}

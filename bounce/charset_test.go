package bounce

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
)

// TestTextPartCharsets checks that a text part is decoded from its
// declared charset before its wording is read.
func TestTextPartCharsets(t *testing.T) {
	const jp = "以下のメールアドレスへの送信に失敗しました。"
	for _, tc := range []struct {
		charset string
		encode  func(string) (string, error)
	}{
		{"iso-2022-jp", japanese.ISO2022JP.NewEncoder().String},
		{"Shift_JIS", japanese.ShiftJIS.NewEncoder().String},
		{"euc-jp", japanese.EUCJP.NewEncoder().String},
	} {
		t.Run(tc.charset, func(t *testing.T) {
			body, err := tc.encode(jp + "\n\n<b@example.org>: host mx.example.org said: 550 5.2.2 Mailbox full\n")
			if err != nil {
				t.Fatal(err)
			}
			msg := "From: MAILER-DAEMON@example.net\nTo: a@example.com\nSubject: Undelivered Mail Returned to Sender\n" +
				"MIME-Version: 1.0\nContent-Type: text/plain; charset=" + tc.charset + "\n\n" + body
			rep, err := Parse(strings.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Recipients) != 1 {
				t.Fatalf("recipients %+v, want 1", rep.Recipients)
			}
			rc := rep.Recipients[0]
			if rc.Reason != MailboxFull || !strings.Contains(rc.DiagnosticCode, jp) {
				t.Errorf("reason %s, diagnostic %q: want mailboxfull and the Japanese text decoded", rc.Reason, rc.DiagnosticCode)
			}
		})
	}
}

// TestMislabelledJapanese checks a body labelled ISO-2022-JP but written in
// EUC-JP or Shift_JIS (8-bit bytes a 7-bit ISO-2022-JP body cannot hold,
// RFC 1468), as Japanese carriers' returned-mail notices are sent: the text
// is read in the encoding it was written in, not turned into replacement
// characters.
func TestMislabelledJapanese(t *testing.T) {
	const jp = "次のあて先へのメッセージはエラーのため送信できませんでした。"
	for _, enc := range []struct {
		name   string
		encode func(string) (string, error)
	}{
		{"euc-jp", japanese.EUCJP.NewEncoder().String},
		{"shift_jis", japanese.ShiftJIS.NewEncoder().String},
		{"utf-8", func(s string) (string, error) { return s, nil }},
	} {
		t.Run(enc.name, func(t *testing.T) {
			body, err := enc.encode(jp + "\n\n<b@example.org>: host mx.example.org said: 550 5.2.2 Mailbox full\n")
			if err != nil {
				t.Fatal(err)
			}
			got := string(decodeCharset("ISO-2022-JP", []byte(body)))
			if !strings.Contains(got, jp) || strings.ContainsRune(got, '\uFFFD') {
				t.Errorf("decoded %q, want the Japanese text", got)
			}
			msg := "From: MAILER-DAEMON@example.net\nTo: a@example.com\nSubject: Mail System Error - Returned Mail\n" +
				"MIME-Version: 1.0\nContent-Type: text/plain; charset=\"ISO-2022-JP\"\nContent-Transfer-Encoding: 7bit\n\n" + body
			rep, err := Parse(strings.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Recipients) != 1 || !strings.Contains(rep.Recipients[0].DiagnosticCode, jp) {
				t.Errorf("recipients %+v: want one, its diagnostic holding the Japanese text", rep.Recipients)
			}
		})
	}
	// A body that is neither keeps what the decoders make of it, no panic.
	_ = decodeCharset("iso-2022-jp", []byte{0x1b, '$', 'B', 0xff, 0xfe, 0x80})
}

// TestEncodedWordCharsets checks RFC 2047 encoded words in a charset other
// than UTF-8, in the returned message's header.
func TestEncodedWordCharsets(t *testing.T) {
	subj, err := korean.EUCKR.NewEncoder().String("안녕하세요")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 0; i < len(subj); i++ {
		b.WriteString("=")
		b.WriteString(strings.ToUpper(string("0123456789abcdef"[subj[i]>>4]) + string("0123456789abcdef"[subj[i]&15])))
	}
	if got := decodeWords("=?euc-kr?Q?" + b.String() + "?="); got != "안녕하세요" {
		t.Errorf("decodeWords = %q", got)
	}
	if got := decodeWords("=?x-unknown?Q?abc?="); got != "abc" {
		t.Errorf("unknown charset: decodeWords = %q, want the bytes kept", got)
	}
}

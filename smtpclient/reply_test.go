package smtpclient

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/delivery"
)

func TestReadReplyShapes(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		code  int
		enh   [3]int
		lines []string
		err   error // errors.Is target; nil for success
	}{
		{name: "single line", in: "250 OK\r\n", code: 250, lines: []string{"OK"}},
		{name: "code alone", in: "250\r\n", code: 250, lines: []string{""}},
		{name: "empty text after space", in: "250 \r\n", code: 250, lines: []string{""}},
		{name: "multi-line EHLO", in: "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 100\r\n", code: 250,
			lines: []string{"mx.example", "PIPELINING", "SIZE 100"}},
		{name: "empty continuation line", in: "250-\r\n250-x\r\n250 y\r\n", code: 250, lines: []string{"", "x", "y"}},
		{name: "multi-line ending in bare code", in: "220-a\r\n220\r\n", code: 220, lines: []string{"a", ""}},
		{name: "bare LF endings", in: "250-a\n250 b\n", code: 250, lines: []string{"a", "b"}},
		{name: "enhanced code", in: "550 5.1.1 no such user\r\n", code: 550, enh: [3]int{5, 1, 1}, lines: []string{"no such user"}},
		{name: "enhanced code on every line", in: "451-4.3.0 try\r\n451 4.3.0 later\r\n", code: 451, enh: [3]int{4, 3, 0},
			lines: []string{"try", "later"}},
		{name: "enhanced code alone", in: "250 2.0.0\r\n", code: 250, enh: [3]int{2, 0, 0}, lines: []string{""}},
		{name: "enhanced class mismatching code kept as text", in: "550 4.1.1 odd\r\n", code: 550, lines: []string{"4.1.1 odd"}},
		{name: "version-like text is not an enhanced code", in: "220 2.0.0x ready\r\n", code: 220, lines: []string{"2.0.0x ready"}},
		{name: "three-digit subject and detail", in: "554 5.100.999 x\r\n", code: 554, enh: [3]int{5, 100, 999}, lines: []string{"x"}},
		{name: "mismatched codes", in: "250-a\r\n251 b\r\n", err: ErrProtocol},
		{name: "garbage", in: "hello there\r\n", err: ErrProtocol},
		{name: "short line", in: "25\r\n", err: ErrProtocol},
		{name: "bad separator", in: "250:ok\r\n", err: ErrProtocol},
		{name: "1yz code", in: "150 go\r\n", err: ErrProtocol},
		{name: "6yz code", in: "650 go\r\n", err: ErrProtocol},
		{name: "second digit above 5", in: "290 go\r\n", err: ErrProtocol},
		{name: "overlong line", in: "250 " + strings.Repeat("x", 3000) + "\r\n", err: ErrProtocol},
		{name: "line beyond the buffer", in: "250 " + strings.Repeat("x", 10000) + "\r\n", err: ErrProtocol},
		{name: "too many lines", in: strings.Repeat("250-x\r\n", 300) + "250 y\r\n", err: ErrProtocol},
		{name: "EOF mid-line", in: "250 OK", err: io.ErrUnexpectedEOF},
		{name: "EOF mid-reply", in: "250-a\r\n", err: io.EOF},
		{name: "EOF before anything", in: "", err: io.EOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := readReply(newReader(strings.NewReader(tc.in)), nil)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if r.code != tc.code || r.enh != tc.enh || strings.Join(r.lines, "|") != strings.Join(tc.lines, "|") {
				t.Errorf("got code %d enh %v lines %q; want %d %v %q", r.code, r.enh, r.lines, tc.code, tc.enh, tc.lines)
			}
		})
	}
}

func TestReplyOutcome(t *testing.T) {
	r, err := readReply(newReader(strings.NewReader("452-4.2.2 mailbox\r\n452 4.2.2 full\r\n")), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := smtpErr(r.err(delivery.StageRcpt))
	if e == nil || e.Code != 452 || e.Enhanced != (delivery.EnhancedCode{4, 2, 2}) || e.Text != "mailbox\nfull" ||
		e.Stage != delivery.StageRcpt || e.Status != delivery.Deferred || !isTemporary(e) {
		t.Fatalf("got %#v", e)
	}
	if got, want := e.Error(), "deferred at rcpt: 452 4.2.2 mailbox full"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	r.code, r.enh = 550, [3]int{5, 1, 1}
	if e := smtpErr(r.err(delivery.StageRcpt)); e == nil || e.Status != delivery.Failed || isTemporary(e) {
		t.Errorf("550: got %#v, want a permanent failure", e)
	}
	r.code = 250
	if r.err(delivery.StageRcpt) != nil {
		t.Error("a 250 reply gave an error")
	}
}

// FuzzReadReply checks that any input gives a reply or a typed error, never
// a panic, and that accepted replies are well formed.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{
		"250 OK\r\n", "250-a\r\n250 b\r\n", "250\r\n", "250-\r\n250 \r\n",
		"550 5.1.1 x\r\n", "451-4.3.0 a\r\n451 4.3.0 b\r\n", "hello\r\n", "25", "250 OK",
		"220-x\n220 y\n", "554 5.100.999\r\n", "999 x\r\n", "250-a\r\n251 b\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		cr := &countingReader{r: strings.NewReader(string(in))}
		br := bufio.NewReaderSize(cr, 4096)
		for range 10 {
			// A reply replyBuffered calls whole is read without a read.
			buffered, reads := replyBuffered(br), cr.reads
			r, err := readReply(br, nil)
			if buffered && cr.reads != reads {
				t.Fatalf("replyBuffered true, but reading the reply read more of %q", in)
			}
			if err != nil {
				return
			}
			if r.code < 200 || r.code > 559 || len(r.lines) == 0 || len(r.lines) > maxReplyLines {
				t.Fatalf("accepted bad reply %+v from %q", r, in)
			}
			if r.enh != ([3]int{}) && r.enh[0] != r.code/100 {
				t.Fatalf("enhanced class %d for code %d", r.enh[0], r.code)
			}
			if e := r.err(delivery.StageMail); (e != nil) != (r.code >= 400) {
				t.Fatalf("err() = %v for code %d", e, r.code)
			}
		}
	})
}

type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// TestReplyBuffered: a reply is whole in the buffer only when its last
// line is; what it says before that does not matter.
func TestReplyBuffered(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"250 OK", false},
		{"250 OK\r\n", true},
		{"250\r\n", true},
		{"250-a\r\n", false},
		{"250-a\r\n250-b\r\n250 c", false},
		{"250-a\r\n250-b\r\n250 c\r\n", true},
		{"250-a\n250 b\n", true},
		{"250 Ok\r\n250 2.1.0 Ok\r\n354 go", true},
		{"25\r\n", true},      // refused without reading on
		{"hello\r\n", true},   // likewise
		{"hel-lo\r\n", false}, // looks continued: read on, within a deadline
	} {
		cr := &countingReader{r: strings.NewReader(tc.in)}
		br := newReader(cr)
		br.Peek(len(tc.in)) // fill
		if got := replyBuffered(br); got != tc.want {
			t.Errorf("replyBuffered(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

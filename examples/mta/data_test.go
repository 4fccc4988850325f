package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"context"
	msgauth "github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
)

// readDataRef is readData's rule written the plain way: the data ends at
// the first line "." (a line begins at the start and after each CRLF);
// every other line loses a leading dot. ok is false without an end.
func readDataRef(in []byte) (msg []byte, rest []byte, longest int, ok bool) {
	end := 0
	switch {
	case bytes.HasPrefix(in, []byte(".\r\n")):
	default:
		i := bytes.Index(in, []byte("\r\n.\r\n"))
		if i < 0 {
			return nil, nil, 0, false
		}
		end = i + 2
	}
	for _, l := range bytes.SplitAfter(in[:end], []byte("\r\n")) {
		for _, piece := range bytes.SplitAfter(l, []byte("\n")) { // a bare LF ends a line for the length limit
			longest = max(longest, len(piece))
		}
		msg = append(msg, bytes.TrimPrefix(l, []byte("."))...)
	}
	return msg, in[end+3:], longest, true
}

// crlfOnly is what readData's canonical reports, the plain way: every CR
// and every LF of msg is in a CRLF.
func crlfOnly(msg []byte) bool {
	n := bytes.Count(msg, []byte("\r\n"))
	return n == bytes.Count(msg, []byte("\r")) && n == bytes.Count(msg, []byte("\n"))
}

func TestReadData(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, rest string
	}{
		{"plain", "a\r\nb\r\n.\r\nQUIT\r\n", "a\r\nb\r\n", "QUIT\r\n"},
		{"empty", ".\r\nNOOP\r\n", "", "NOOP\r\n"},
		{"stuffed dots", "..\r\n..x\r\n.y\r\n...\r\n.\r\n", ".\r\n.x\r\ny\r\n..\r\n", ""},
		{"first line stuffed", ".From x\r\n.\r\n", "From x\r\n", ""},
		{"dot within a line", "a.\r\nb.c\r\n.\r\n", "a.\r\nb.c\r\n", ""},
		// No end after a bare LF or CR (SMTP smuggling): the lines stay.
		{"bare LF end", "a\n.\nMAIL FROM:<x>\r\n.\r\n", "a\n.\nMAIL FROM:<x>\r\n", ""},
		{"LF dot CRLF", "a\n.\r\nb\r\n.\r\n", "a\n.\r\nb\r\n", ""},
		{"CR dot CR", "a\r.\rb\r\n.\r\n", "a\r.\rb\r\n", ""},
		{"CRLF dot LF", "a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n", ""},
		{"CRLF dot CR", "a\r\n.\rb\r\n.\r\n", "a\r\n\rb\r\n", ""},
		{"dot after bare LF stays", "a\n..b\r\n.\r\n", "a\n..b\r\n", ""},
	} {
		for _, size := range []int{16, 4096} { // 16: lines split across pieces
			var dst bytes.Buffer
			r := bufio.NewReaderSize(strings.NewReader(tc.in), size)
			canonical, err := readData(r, &dst, 0, maxDataLine)
			if err != nil {
				t.Errorf("%s (buffer %d): %v", tc.name, size, err)
				continue
			}
			if want := crlfOnly(dst.Bytes()); canonical != want {
				t.Errorf("%s (buffer %d): canonical %v, want %v", tc.name, size, canonical, want)
			}
			rest, _ := io.ReadAll(r)
			if dst.String() != tc.want || string(rest) != tc.rest {
				t.Errorf("%s (buffer %d): got %q, then %q; want %q, then %q", tc.name, size, dst.String(), rest, tc.want, tc.rest)
			}
			if ref, rrest, _, _ := readDataRef([]byte(tc.in)); string(ref) != tc.want || string(rrest) != tc.rest {
				t.Errorf("%s: the reference gives %q, then %q", tc.name, ref, rrest)
			}
		}
	}
}

// TestReadDataLimits: a message over the size or line limit is refused
// with go-smtp's replies once its end is read, and the session reads on
// after it.
func TestReadDataLimits(t *testing.T) {
	long := strings.Repeat("x", maxDataLine) + "\r\n" // one over
	for _, tc := range []struct {
		name, in string
		max      int64
		want     error
	}{
		{"at the size limit", "0123456789\r\n.\r\n", 12, nil},
		{"over the size limit", "0123456789\r\n.\r\n", 11, errDataTooLarge},
		{"dots do not count", "..\r\n..\r\n.\r\n", 6, nil},
		{"at the line limit", strings.Repeat("x", maxDataLine-2) + "\r\n.\r\n", 0, nil},
		{"over the line limit", long + ".\r\n", 0, errDataLineTooLong},
		{"long line across a bare LF", strings.Repeat("x", 1500) + "\n" + strings.Repeat("y", 1500) + "\r\n.\r\n", 0, nil},
	} {
		var dst bytes.Buffer
		r := bufio.NewReaderSize(strings.NewReader(tc.in+"QUIT\r\n"), 64)
		_, err := readData(r, &dst, tc.max, maxDataLine)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		var reply *smtp.SMTPError
		if err != nil && !errors.As(err, &reply) {
			t.Errorf("%s: %v is not a reply", tc.name, err)
		}
		if rest, _ := io.ReadAll(r); string(rest) != "QUIT\r\n" {
			t.Errorf("%s: after the data: %q", tc.name, rest)
		}
	}
	// Over both: whichever the reader meets first.
	var dst bytes.Buffer
	if _, err := readData(bufio.NewReader(strings.NewReader(long+".\r\n")), &dst, 10, maxDataLine); err != errDataTooLarge && err != errDataLineTooLong {
		t.Errorf("over both limits: %v", err)
	}
	if _, err := readData(bufio.NewReader(strings.NewReader("a\r\nb\r\n")), &dst, 0, maxDataLine); err != io.ErrUnexpectedEOF {
		t.Errorf("no end: %v, want io.ErrUnexpectedEOF", err)
	}
}

// FuzzReadData checks readData against readDataRef, whatever the buffer
// size, and against net/textproto's dot-stuffing writer: what it writes
// of a message with CRLF line ends, readData gives back.
func FuzzReadData(f *testing.F) {
	for _, s := range []string{"a\r\n.\r\n", "..\r\n.\r\n", "a\n.\nb\r\n.\r\n", ".\r\n", "x\r.\r\n.\r\n", "\r\n.\r\n", ".\r.\r\n"} {
		f.Add([]byte(s), uint8(0), uint16(0))
	}
	f.Fuzz(func(t *testing.T, in []byte, bufSize uint8, limit uint16) {
		var dst bytes.Buffer
		r := bufio.NewReaderSize(bytes.NewReader(in), 16+int(bufSize))
		maxLine := 8 + int(limit%64)
		canonical, err := readData(r, &dst, int64(limit%128), maxLine)
		rest, _ := io.ReadAll(r)
		want, wrest, longest, ok := readDataRef(in)
		switch {
		case !ok:
			if err != io.ErrUnexpectedEOF {
				t.Fatalf("%q has no end: %v", in, err)
			}
		case longest > maxLine || limit%128 > 0 && len(want) > int(limit%128):
			lineOver, sizeOver := longest > maxLine, limit%128 > 0 && len(want) > int(limit%128)
			// Over both, either reply.
			if !(lineOver && err == errDataLineTooLong || sizeOver && err == errDataTooLarge) || !bytes.Equal(rest, wrest) {
				t.Fatalf("%q (lines to %d, size to %d): %v, rest %q", in, maxLine, limit%128, err, rest)
			}
		case err != nil || !bytes.Equal(dst.Bytes(), want) || !bytes.Equal(rest, wrest):
			t.Fatalf("%q: got %q, %v, rest %q; want %q, rest %q", in, dst.Bytes(), err, rest, want, wrest)
		case canonical != crlfOnly(want):
			t.Fatalf("%q: canonical %v, want %v", in, canonical, !canonical)
		}

		// A message of CRLF lines round trips through textproto.
		msg := bytes.ReplaceAll(bytes.ReplaceAll(in, []byte("\r"), nil), []byte("\n"), []byte("\r\n"))
		if len(msg) == 0 {
			return // the writer sends an empty line
		}
		var wire bytes.Buffer
		w := textproto.NewWriter(bufio.NewWriter(&wire)).DotWriter()
		w.Write(msg)
		w.Close()
		dst.Reset()
		if _, err := readData(bufio.NewReaderSize(&wire, 16+int(bufSize)), &dst, 0, 1<<20); err != nil {
			t.Fatalf("%q from textproto: %v", wire.Bytes(), err)
		}
		if !bytes.HasSuffix(msg, []byte("\r\n")) {
			msg = append(msg, "\r\n"...) // the writer ends the last line
		}
		if !bytes.Equal(dst.Bytes(), msg) {
			t.Fatalf("textproto round trip: %q gave %q", msg, dst.Bytes())
		}
	})
}

// TestDataSession: message data over plain SMTP is read by readData (a
// line too long is refused and the session goes on; dots are unstuffed
// once; data sent before the 354 is not lost), and over STARTTLS by
// go-smtp, with the same message arriving.
func TestDataSession(t *testing.T) {
	w := newWorld(t)
	certFile, keyFile, pool := w.certificate(t)
	cfg := w.config(t.TempDir())
	cfg.SMTP.TLSCert, cfg.SMTP.TLSKey = certFile, keyFile
	m := startMTA(t, cfg)
	const from = "news@shop.example"
	dotted := func(to string) string {
		return message(from, to, to) + "..one dot\r\n...two dots\r\n.\r\n"
	}
	transaction := func(c *rawConn, to string) {
		t.Helper()
		for _, cmd := range []string{"MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA"} {
			if r := c.cmd(cmd); r == "" || r[0] != '2' && r[0] != '3' {
				t.Fatalf("%s: %q", cmd, r)
			}
		}
	}

	c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.2")
	c.cmd("EHLO client.localhost")
	transaction(c, "long@customers.example")
	io.WriteString(c.Conn, message(from, "long@customers.example", "long")+strings.Repeat("x", maxDataLine)+"\r\n.\r\n")
	if r := c.reply(); !strings.HasPrefix(r, "500 5.6.0") {
		t.Errorf("a line of %d octets: %q, want 500 5.6.0", maxDataLine+2, r)
	}
	transaction(c, "plain@customers.example")
	io.WriteString(c.Conn, dotted("plain@customers.example"))
	if r := c.reply(); !strings.HasPrefix(r, "250") {
		t.Errorf("plain: %q", r)
	}
	// A client that does not wait for the 354 (RFC 2920 §3.1 says it
	// must): its data is read all the same.
	io.WriteString(c.Conn, "MAIL FROM:<"+from+">\r\nRCPT TO:<early@customers.example>\r\nDATA\r\n"+dotted("early@customers.example"))
	for i, want := range []string{"250", "250", "354", "250"} {
		if r := c.reply(); !strings.HasPrefix(r, want) {
			t.Errorf("early data, reply %d: %q, want %s", i+1, r, want)
		}
	}
	if r := c.cmd("QUIT"); !strings.HasPrefix(r, "221") {
		t.Errorf("QUIT: %q", r)
	}

	c, _ = dialFrom(t, m.SMTPAddr(), "127.0.0.2")
	c.cmd("EHLO client.localhost")
	c.startTLS(pool)
	c.cmd("EHLO client.localhost")
	transaction(c, "tls@customers.example")
	io.WriteString(c.Conn, dotted("tls@customers.example"))
	if r := c.reply(); !strings.HasPrefix(r, "250") {
		t.Errorf("over TLS: %q", r)
	}

	waitFor(t, "deliveries", func() bool { return m.Stats().Delivered == 3 && m.Stats().Queued == 0 })
	for _, r := range w.rec.messages() {
		if !bytes.HasSuffix(r.data, []byte("\r\nHello.\r\n.one dot\r\n..two dots\r\n")) {
			t.Errorf("to %v: the message ends %q", r.to, r.data[max(0, len(r.data)-40):])
		}
	}
}

// queuedMessage puts the trace and signature in the room before the data
// when they fit, and hands the queue the whole without a copy; otherwise
// it reads the three parts in order.
func TestQueuedMessage(t *testing.T) {
	trace, sig := "Received: x\r\n", "DKIM-Signature: y\r\n"
	want := trace + sig + "Subject: z\r\n\r\nbody\r\n"
	all := []byte(strings.Repeat("-", 64) + "Subject: z\r\n\r\nbody\r\n")
	for _, tc := range []struct {
		name      string
		head, raw []byte
		trace     string
		inPlace   bool
	}{
		{"room before", all[:64], all[64:], trace, true},
		{"too little room", all[:20], all[20:], trace, false},
		{"head elsewhere", make([]byte, 64), bytes.Clone(all[64:]), trace, false},
		{"no head", nil, all[64:], trace, false},
		{"nothing to add", nil, all[64:], "", true},
	} {
		tr, s := tc.trace, sig
		w := want
		if tr == "" {
			s, w = "", string(all[64:])
		}
		if tc.name == "too little room" {
			w = trace + sig + string(all[20:])
		}
		r := queuedMessage(tc.head, tr, s, tc.raw)
		b, inPlace := r.(*bytes.Buffer)
		if inPlace != tc.inPlace {
			t.Errorf("%s: got a %T", tc.name, r)
		}
		if inPlace && &b.Bytes()[b.Len()-len(tc.raw)] != &tc.raw[0] {
			t.Errorf("%s: the data was copied", tc.name)
		}
		if got, _ := io.ReadAll(r); string(got) != w {
			t.Errorf("%s: %q, want %q", tc.name, got, w)
		}
	}
}

// A message to two domains goes in two transactions, each reading the
// body from its start: the embedded store's reader is sent from
// directly (queuedBody), and the second transaction must not find it
// read to its end. Both copies arrive whole and verify.
func TestBodyEachTransaction(t *testing.T) {
	w := newWorld(t)
	m := startMTA(t, w.config(t.TempDir()))
	text := strings.Repeat("A line of the body, long enough to make it large.\n", 3000)
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"a@shop.example", "b@customers.example"}, "subject": "two domains", "text": text})
	if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
		t.Fatalf("API send: %d", code)
	}
	waitFor(t, "2 deliveries", func() bool { s := getStats(t, m); return s.Delivered == 2 && s.Queued == 0 })
	msgs := w.rec.messages()
	if len(msgs) != 2 {
		t.Fatalf("recorder got %d messages, want 2", len(msgs))
	}
	if len(msgs[0].to) != 1 || len(msgs[1].to) != 1 {
		t.Errorf("recipients %v and %v: want one transaction per domain", msgs[0].to, msgs[1].to)
	}
	for _, msg := range msgs {
		if len(msg.data) < len(text) || !bytes.Equal(msg.data, msgs[0].data) {
			t.Errorf("to %v: %d octets, want the same %d as the first", msg.to, len(msg.data), len(msgs[0].data))
		}
		lookup := func(name string) ([]string, error) {
			txt, _, err := w.dns.Client().LookupTXT(context.Background(), name)
			return txt, err
		}
		verifs, err := msgauth.VerifyWithOptions(bytes.NewReader(msg.data), &msgauth.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(verifs) != 2 {
			t.Fatalf("to %v: go-msgauth: %v, %d signatures; want 2", msg.to, err, len(verifs))
		}
		for _, v := range verifs {
			if v.Err != nil {
				t.Errorf("to %v: signature of %s: %v", msg.to, v.Domain, v.Err)
			}
		}
	}
}

// BenchmarkReadData reads a 100 KB message of 78-octet lines, as
// smtp-source sends them, from a 64 KiB buffer as the session does.
func BenchmarkReadData(b *testing.B) {
	line := strings.Repeat("La de da de da ", 6)[:76] + "\r\n"
	data := strings.Repeat(line, 102400/len(line)) + ".\r\n"
	var dst bytes.Buffer
	r := bufio.NewReaderSize(nil, 64<<10)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		dst.Reset()
		r.Reset(strings.NewReader(data))
		if canonical, err := readData(r, &dst, 0, maxDataLine); err != nil || !canonical {
			b.Fatal(canonical, err)
		}
	}
}

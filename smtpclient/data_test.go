package smtpclient

import (
	"bufio"
	"bytes"
	"io"
	"net/textproto"
	"strings"
	"testing"
)

func stuffed(in string, stuff bool, split int) string {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	var d dataWriter
	d.reset(bw, stuff)
	feed(&d, in, split)
	d.finish()
	bw.Flush()
	return out.String()
}

// feed writes in to d in writes of split octets.
func feed(d *dataWriter, in string, split int) {
	p := []byte(in)
	for len(p) > 0 {
		n := min(split, len(p))
		d.Write(p[:n])
		p = p[n:]
	}
}

// stuffedHeld is stuffed with the data writer allowed to hold runs of the
// input (as for a message in memory), through a session's writers with a
// write buffer of bufSize octets, followed by the next commands as with
// hand-on.
func stuffedHeld(in string, split, bufSize int) string {
	var out bytes.Buffer
	g := &gatherWriter{nc: &out}
	bw := bufio.NewWriterSize(g, bufSize)
	var d dataWriter
	d.reset(bw, true)
	d.holdIn(g, bw)
	feed(&d, in, split)
	d.holdIn(nil, nil)
	d.finish()
	bw.WriteString("MAIL FROM:<next@example.org>\r\n")
	bw.Flush()
	if g.held != nil {
		return "held data not written"
	}
	return strings.TrimSuffix(out.String(), "MAIL FROM:<next@example.org>\r\n")
}

func TestDataWriter(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty message", "", ".\r\n"},
		{"CRLF lines kept", "a\r\nb\r\n", "a\r\nb\r\n.\r\n"},
		{"last line terminated", "a\r\nb", "a\r\nb\r\n.\r\n"},
		{"bare LF becomes CRLF", "a\nb\n", "a\r\nb\r\n.\r\n"},
		{"bare CR becomes CRLF", "a\rb\r", "a\r\nb\r\n.\r\n"},
		{"leading dot stuffed", ".hidden\r\n..two\r\n", "..hidden\r\n...two\r\n.\r\n"},
		{"dot line stuffed", "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"},
		{"dot in the middle kept", "a.b\r\n", "a.b\r\n.\r\n"},
		{"smuggling with bare LF", "a\n.\nMAIL FROM:<x>\n", "a\r\n..\r\nMAIL FROM:<x>\r\n.\r\n"},
		{"smuggling with LF dot CRLF", "a\n.\r\nRCPT", "a\r\n..\r\nRCPT\r\n.\r\n"},
		{"smuggling with CR dot CR", "a\r.\rb", "a\r\n..\r\nb\r\n.\r\n"},
		{"CR CR LF", "a\r\r\nb", "a\r\n\r\nb\r\n.\r\n"},
		{"first byte dot", ".", "..\r\n.\r\n"},
		{"blank lines", "\r\n\r\n", "\r\n\r\n.\r\n"},
		{"no final line end", "a\r\nb.c", "a\r\nb.c\r\n.\r\n"},
		{"last line a dot", "a\r\n.", "a\r\n..\r\n.\r\n"},
		{"dot after bare LF at the end", "a\n.", "a\r\n..\r\n.\r\n"},
		{"final CR", "a\r", "a\r\n.\r\n"},
		{"dot after bare CR in a CRLF line", "a\r.b\r\n", "a\r\n..b\r\n.\r\n"},
		{"bare CRs among CRLF lines", "a\r\nb\rc\r\n.d\re\r\n", "a\r\nb\r\nc\r\n..d\r\ne\r\n.\r\n"},
		{"CR CR at the end", "a\r\r", "a\r\n\r\n.\r\n"},
		{"LF CR", "a\n\rb", "a\r\n\r\nb\r\n.\r\n"},
		{"dots only", "...\n..", "....\r\n...\r\n.\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, split := range []int{1, 2, 3, 7, 1 << 20} {
				if got := stuffed(tc.in, true, split); got != tc.want {
					t.Fatalf("split %d: got %q, want %q", split, got, tc.want)
				}
				if got := stuffedHeld(tc.in, split, 16); got != tc.want {
					t.Fatalf("held, split %d: got %q, want %q", split, got, tc.want)
				}
			}
		})
	}
}

func TestDataWriterNoStuffing(t *testing.T) {
	if got, want := stuffed(".a\nb\r", false, 1<<20), ".a\r\nb\r\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestDataWriterLarge runs bodies larger than one write, with the line
// end that matters on either side of each write's edge, through every
// split, against the reference.
func TestDataWriterLarge(t *testing.T) {
	line := strings.Repeat("x", 70)
	for _, end := range []string{"\r\n", "\n", "\r", "\r\n.", "\n.", "\r.", "\r\r\n"} {
		in := strings.Repeat(line+end, 2000)
		for _, stuff := range []bool{true, false} {
			want := referenceData(in, stuff)
			for _, split := range []int{1 << 20, 32 << 10, 16<<10 + 1, 71, 72, 73} {
				if got := stuffed(in, stuff, split); got != want {
					t.Fatalf("line end %q, stuff %v, split %d: output differs from the reference", end, stuff, split)
				}
				if !stuff {
					continue
				}
				for _, size := range []int{16, 4096, 16 << 10} {
					if got := stuffedHeld(in, split, size); got != want {
						t.Fatalf("line end %q, split %d, buffer %d, held: output differs from the reference", end, split, size)
					}
				}
			}
		}
	}
}

// referenceData is dataWriter's output computed octet by octet: CRLF,
// bare CR and bare LF each end a line with CRLF, a dot starting a line
// is doubled, the last line is ended and "." ends the data.
func referenceData(in string, stuff bool) string {
	var out []byte
	lineStart := true
	for i := 0; i < len(in); i++ {
		switch c := in[i]; {
		case c == '\r' || c == '\n':
			if c == '\r' && i+1 < len(in) && in[i+1] == '\n' {
				i++
			}
			out = append(out, "\r\n"...)
			lineStart = true
		default:
			if lineStart && stuff && c == '.' {
				out = append(out, '.')
			}
			out = append(out, c)
			lineStart = false
		}
	}
	if !lineStart {
		out = append(out, "\r\n"...)
	}
	if stuff {
		out = append(out, ".\r\n"...)
	}
	return string(out)
}

// textprotoData is the output of net/textproto's DotWriter, which agrees
// with dataWriter where every CR is part of a CRLF and the data is not
// empty (it keeps a bare CR, and ends empty data with an empty line).
func textprotoData(in string) string {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	w := textproto.NewWriter(bw).DotWriter()
	io.WriteString(w, in)
	w.Close()
	return out.String()
}

// FuzzDataWriter checks the invariants that make the data safe to send:
// only CRLF line endings, the only end-of-data line is the last one,
// unstuffing gives back the input with normalised line endings, and the
// output does not depend on how the input is split.
func FuzzDataWriter(f *testing.F) {
	for _, s := range []string{"", "a\r\n.\r\n", "a\n.\n", "\r.\r", ".\r\n.", "x\r\r\n\n", "a\r\nb\rc\r\n.d\r", "..\n\r.\r\n"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, in string, split int) {
		if split <= 0 || split > 1<<16 {
			split = 1
		}
		out := stuffed(in, true, 1<<20)
		if out2 := stuffed(in, true, split); out2 != out {
			t.Fatalf("split %d changed output: %q vs %q", split, out2, out)
		}
		if want := referenceData(in, true); out != want {
			t.Fatalf("got %q, the reference gives %q", out, want)
		}
		if held := stuffedHeld(in, split, 16); held != out {
			t.Fatalf("holding runs changed the output: %q vs %q", held, out)
		}
		if want := referenceData(in, false); stuffed(in, false, split) != want {
			t.Fatalf("without stuffing: got %q, the reference gives %q", stuffed(in, false, split), want)
		}
		if in != "" && strings.Count(in, "\r") == strings.Count(in, "\r\n") {
			if want := textprotoData(in); out != want {
				t.Fatalf("got %q, net/textproto's DotWriter gives %q", out, want)
			}
		}
		if !strings.HasSuffix(out, ".\r\n") {
			t.Fatalf("no end-of-data line: %q", out)
		}
		body := strings.TrimSuffix(out, ".\r\n")
		if body != "" && !strings.HasSuffix(body, "\r\n") {
			t.Fatalf("last line not terminated: %q", out)
		}
		lines := strings.Split(body, "\r\n")
		var un []string
		for _, l := range lines[:len(lines)-1] {
			if strings.ContainsAny(l, "\r\n") {
				t.Fatalf("bare CR or LF in line %q", l)
			}
			if l == "." {
				t.Fatalf("end-of-data line inside the data: %q", out)
			}
			if strings.HasPrefix(l, ".") {
				if !strings.HasPrefix(l, "..") {
					t.Fatalf("unstuffed dot line %q", l)
				}
				l = l[1:]
			}
			un = append(un, l)
		}
		norm := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(in)
		if norm != "" && !strings.HasSuffix(norm, "\n") {
			norm += "\n"
		}
		if got := strings.Join(un, "\n"); len(un) > 0 && got+"\n" != norm {
			t.Fatalf("round trip: got %q, want %q", got+"\n", norm)
		}
	})
}

func TestCheckAddress(t *testing.T) {
	tests := []struct {
		addr  string
		ok    bool
		ascii bool
	}{
		{"a@example.com", true, true},
		{"postmaster", false, true}, // no domain: only prepare takes it, as a recipient (RFC 5321 §4.1.1.3)
		{`"john doe"@example.com`, true, true},
		{"jöran@exämple.de", true, false},
		{"a@example.com\r\nRCPT TO:<b@evil>", false, true},
		{"a@example.com\n", false, true},
		{"a\x00@example.com", false, true},
		{"a b@example.com", false, true},
		{"a>@example.com", false, true},
		{`"unterminated@example.com`, false, true},
		{"", false, true},
		{strings.Repeat("a", 250) + "@e.com", false, true},
		{"\xff@example.com", false, false},
		{`"a\"b"@example.com`, true, true},
		{"\"a\\\r\"@example.com", false, true},   // a CR behind a backslash
		{"\"a\\\x00\"@example.com", false, true}, // a NUL behind a backslash
		{`"a\>"@example.com`, false, true},       // a bracket behind a backslash
		{`"a\`, false, true},                     // a backslash at the end
	}
	for _, tc := range tests {
		err := checkAddress(tc.addr)
		ascii := isASCII(tc.addr)
		if (err == nil) != tc.ok {
			t.Errorf("checkAddress(%q) error %v, want ok=%v", tc.addr, err, tc.ok)
		}
		if err == nil && ascii != tc.ascii {
			t.Errorf("checkAddress(%q) ascii=%v", tc.addr, ascii)
		}
	}
}

func TestAppendXtext(t *testing.T) {
	if got, want := string(appendXtext(nil, "a+b=c d\x01é")), "a+2Bb+3Dc+20d+01+C3+A9"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// FuzzCheckAddress checks that an accepted address cannot break out of
// the MAIL or RCPT command it is written into.
func FuzzCheckAddress(f *testing.F) {
	for _, s := range []string{"a@b.c", "a@b\r\nDATA", `"a b"@c`, "jö@ä.de", "<a>", `"\"@x`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, a string) {
		err := checkAddress(a)
		ascii := isASCII(a)
		if err != nil {
			return
		}
		if strings.ContainsAny(a, "\r\n\x00<>") || len(a) > 254 {
			t.Fatalf("accepted %q", a)
		}
		for _, c := range []byte(a) {
			if c < 0x20 || c == 0x7f || (ascii && c >= 0x80) {
				t.Fatalf("accepted %q (ascii=%v)", a, ascii)
			}
		}
	})
}

package bounce

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// writeMbox appends msg to w as one mboxrd message: the "From " line, the
// message with its "From " lines escaped, a newline if it lacked a final
// one, and the separating blank line. It is the inverse of Mbox.
func writeMbox(w io.Writer, sender string, msg []byte) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "From %s Mon Nov 23 12:00:00 2026\n", sender)
	for len(msg) > 0 {
		line := msg
		if i := bytes.IndexByte(msg, '\n'); i >= 0 {
			line = msg[:i+1]
		}
		msg = msg[len(line):]
		if isEscapedFrom(append([]byte{'>'}, line...)) {
			bw.WriteByte('>')
		}
		bw.Write(line)
		if len(msg) == 0 && line[len(line)-1] != '\n' {
			bw.WriteByte('\n')
		}
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// readAll splits an mbox with the reader under test.
func readAll(t testing.TB, mbox []byte, bufSize int) ([]string, error) {
	t.Helper()
	mr := newMbox(bytes.NewReader(mbox), bufSize)
	var out []string
	for {
		msg, err := mr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		b, err := io.ReadAll(msg)
		if err != nil {
			return out, err
		}
		out = append(out, string(b))
	}
}

// TestMboxRoundTrip writes messages that stress the format with mboxrd
// escaping and checks that the reader gives back each one exactly, with a
// large buffer and with one smaller than the lines.
func TestMboxRoundTrip(t *testing.T) {
	long := strings.Repeat("x", 200)
	msgs := []string{
		"Subject: plain\n\nbody\n",
		"Subject: From lines\n\nFrom the desk of the shop\n>From quoted\n>>From twice quoted\nFrom\n>From\n",
		"Subject: blank line then From\n\nend of paragraph\n\nFrom here the body goes on\n",
		"Subject: ends with blank lines\n\nbody\n\n\n",
		"Subject: crlf\r\n\r\nFrom crlf body\r\n\r\n",
		"Subject: long lines\n\n" + long + "\n>From " + long + "\n" + long,
		"",
		"\n",
		"From: a header that looks like a separator without the space rule\nFrom x\n\nbody\n",
	}
	var mbox bytes.Buffer
	for i, m := range msgs {
		if err := writeMbox(&mbox, fmt.Sprintf("sender%d@example.com", i), []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range []int{16, 64 << 10} {
		t.Run(fmt.Sprintf("buffer %d", size), func(t *testing.T) {
			got, err := readAll(t, mbox.Bytes(), size)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(msgs) {
				t.Fatalf("read %d messages, want %d", len(got), len(msgs))
			}
			for i, m := range msgs {
				if m != "" && !strings.HasSuffix(m, "\n") {
					m += "\n" // the writer ends every message with a newline
				}
				if got[i] != m {
					t.Errorf("message %d:\n got %q\nwant %q", i, got[i], m)
				}
			}
		})
	}
}

// TestMboxPartialRead checks that Next skips what the caller did not read
// of a message.
func TestMboxPartialRead(t *testing.T) {
	var mbox bytes.Buffer
	writeMbox(&mbox, "a@example.com", []byte("Subject: one\n\n"+strings.Repeat("line\n", 1000)))
	writeMbox(&mbox, "b@example.com", []byte("Subject: two\n\nbody\n"))
	mr := newMbox(&mbox, 64)
	first, err := mr.Next()
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(first, make([]byte, 10))
	second, err := mr.Next()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(second); string(b) != "Subject: two\n\nbody\n" {
		t.Errorf("second message = %q", b)
	}
	if _, err := mr.Next(); err != io.EOF {
		t.Errorf("Next after the last message = %v, want io.EOF", err)
	}
}

func TestMboxMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int // messages before the error or EOF
		err  error
	}{
		{"empty", "", 0, nil},
		{"blank lines before the first message", "\n\nFrom a@b Mon\nSubject: x\n\n", 1, nil},
		{"text before the first From line", "Subject: x\nFrom a@b Mon\n", 0, ErrNotMbox},
		{"From line only", "From a@b Mon", 0, nil},
		{"no blank line before a From line", "From a@b Mon\nx\nFrom c@d Mon\ny\n", 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, []byte(tt.in), 16)
			if err != tt.err || len(got) != tt.want {
				t.Errorf("got %d messages and error %v, want %d and %v", len(got), err, tt.want, tt.err)
			}
		})
	}
}

// FuzzMbox checks that any input is read without panic, and that two
// messages written with mboxrd escaping come back exactly.
func FuzzMbox(f *testing.F) {
	f.Add([]byte("Subject: a\n\nFrom x\n"), []byte(">From y\n\n"))
	f.Add([]byte("From \n\n\nFrom "), []byte("\r\n\r\nFrom"))
	f.Add([]byte(""), []byte(">>>From >From\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		readAll(t, append(append([]byte{}, a...), b...), 16) // must not panic or hang
		var mbox bytes.Buffer
		writeMbox(&mbox, "a@example.com", a)
		writeMbox(&mbox, "b@example.com", b)
		got, err := readAll(t, mbox.Bytes(), 16)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{string(a), string(b)}
		for i := range want {
			if want[i] != "" && !strings.HasSuffix(want[i], "\n") {
				want[i] += "\n"
			}
		}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}

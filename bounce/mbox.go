package bounce

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ErrNotMbox reports input given to Mbox that does not start with a "From "
// line (after blank lines): it is not an mbox. Test for it with errors.Is.
var ErrNotMbox = errors.New("bounce: not an mbox: the first line is not a \"From \" line")

// Mbox splits an mbox file (RFC 4155) into its messages as it reads, for
// Parse to read one at a time: nothing is held in memory beyond one
// buffer, whatever the file's size.
//
// A message starts after a "From " line at the beginning of the file or
// after a blank line; that blank line belongs to the separator, not to the
// message. Lines of a message that begin with ">From ", ">>From ", ... are
// unescaped by one ">" (the mboxrd convention, which writers use so that a
// "From " line in a body cannot start a new message). In mboxo files, where
// only "From " was escaped, a body line ">From " loses its ">": the format
// cannot tell the two apart.
//
//	mb := bounce.NewMbox(f)
//	for {
//		msg, err := mb.Next()
//		if err == io.EOF {
//			break
//		}
//		...
//		rep, err := bounce.Parse(msg)
//	}
type Mbox struct {
	br  *bufio.Reader
	cur *mboxMessage
}

// NewMbox returns an Mbox reading from r.
func NewMbox(r io.Reader) *Mbox {
	return newMbox(r, 64<<10)
}

func newMbox(r io.Reader, bufSize int) *Mbox {
	return &Mbox{br: bufio.NewReaderSize(r, bufSize)}
}

// Next returns a reader for the next message, without its "From " line,
// or io.EOF after the last, or an error wrapping ErrNotMbox when the input
// does not start with a "From " line. Whatever the caller left unread of
// the previous message is skipped. The reader is valid until the next call.
func (m *Mbox) Next() (io.Reader, error) {
	if m.cur != nil {
		if _, err := io.Copy(io.Discard, m.cur); err != nil {
			return nil, err
		}
		m.cur = nil
	}
	for {
		head, err := m.br.Peek(5)
		if string(head) == "From " {
			break
		}
		if len(head) == 0 {
			return nil, err // io.EOF after the last message
		}
		// Only blank lines may come before the first message.
		line, err := m.skipLine()
		if err != nil && err != io.EOF {
			return nil, err
		}
		if !isBlank(line) {
			return nil, ErrNotMbox
		}
	}
	if _, err := m.skipLine(); err != nil { // the "From " line itself
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, err
	}
	m.cur = &mboxMessage{br: m.br, lineStart: true}
	return m.cur, nil
}

// skipLine consumes one line, however long, and returns its beginning.
func (m *Mbox) skipLine() ([]byte, error) {
	var first []byte
	for {
		line, err := m.br.ReadSlice('\n')
		if first == nil {
			first = append([]byte{}, line...)
		}
		if err != bufio.ErrBufferFull {
			return first, err
		}
	}
}

// mboxMessage reads one message of an mbox, line by line.
type mboxMessage struct {
	br        *bufio.Reader
	buf       []byte // the current line, unescaped
	pending   []byte // what of buf is still to be read
	lineStart bool   // the next byte of br begins a line
	done      bool
}

func (m *mboxMessage) Read(p []byte) (int, error) {
	for len(m.pending) == 0 {
		if m.done {
			return 0, io.EOF
		}
		if err := m.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, m.pending)
	m.pending = m.pending[n:]
	return n, nil
}

// fill reads the next line, or the next piece of a line longer than the
// buffer, into pending.
func (m *mboxMessage) fill() error {
	start := m.lineStart
	line, err := m.br.ReadSlice('\n')
	m.lineStart = err == nil
	switch err {
	case nil:
	case bufio.ErrBufferFull: // a piece of a long line
	case io.EOF: // the last line, without its newline, maybe empty
		m.done = true
	default:
		return err
	}
	m.buf = append(m.buf[:0], line...) // Peek below reuses the buffer
	line = m.buf
	if start && m.lineStart && isBlank(line) {
		// A blank line followed by "From " or by the end of the file is
		// the separator (RFC 4155 §2), not part of the message.
		next, err := m.br.Peek(5)
		if string(next) == "From " || (len(next) == 0 && err == io.EOF) {
			m.done = true
			return nil
		}
		if len(next) == 0 && err != nil {
			return err
		}
	}
	if start && isEscapedFrom(line) {
		line = line[1:]
	}
	m.pending = line
	return nil
}

func isBlank(line []byte) bool {
	return len(bytes.TrimRight(line, "\r\n")) == 0
}

// isEscapedFrom reports whether line is ">From ", ">>From ", ... (mboxrd).
func isEscapedFrom(line []byte) bool {
	rest := bytes.TrimLeft(line, ">")
	return len(rest) < len(line) && bytes.HasPrefix(rest, []byte("From "))
}

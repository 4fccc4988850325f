package dkim

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// DefaultMaxHeaderBytes bounds the message header read into memory when
// MaxHeaderBytes is zero: the body streams, the header does not.
const DefaultMaxHeaderBytes = 1 << 20

// field is one header field as it appeared in the message.
type field struct {
	name string // field name as written, without surrounding space
	raw  string // the whole field, folded as received, lines ending in CRLF
}

// header is a message header: its fields in order and the exact bytes read.
type header struct {
	fields []field
	raw    []byte // bytes consumed, including the empty line if there was one
	ended  bool   // the empty line separating header and body was seen
}

// readHeader reads the header of a message from br, up to max bytes. Lines
// may end in CRLF or a bare LF; field texts are kept with CRLF endings. A
// message that ends without the empty line has only a header.
func readHeader(br *bufio.Reader, max int) (*header, error) {
	h := &header{}
	bareLF := false
	for {
		start := len(h.raw)
		var err error
		h.raw, err = appendLine(h.raw, br, max)
		line := h.raw[start:]
		if err != nil && err != io.EOF {
			return nil, err
		}
		if n := len(line); n > 0 && line[n-1] == '\n' && (n < 2 || line[n-2] != '\r') {
			bareLF = true
		}
		if len(line) > 0 && (line[0] == '\n' || line[0] == '\r' && len(line) > 1 && line[1] == '\n') {
			h.raw = h.raw[:start]
			h.ended = true
			h.split(bareLF)
			h.raw = h.raw[:start+len(line)]
			return h, nil
		}
		if err == io.EOF {
			h.split(bareLF)
			return h, nil
		}
	}
}

// readHeaderFrom reads the header of a message from r without a bufio
// buffer: it reads in growing chunks until the empty line, and returns the
// header and the bytes read past it (the start of the body), which follow
// h.raw in the same array. The header fields are as for readHeader.
func readHeaderFrom(r io.Reader, max int) (h *header, rest []byte, err error) {
	raw, blank, rest, ended, err := readRawHeader(r, max)
	if err != nil {
		return nil, nil, err
	}
	h = &header{raw: raw, ended: ended}
	h.split(bytes.Count(raw, []byte("\r\n")) != bytes.Count(raw, []byte("\n")))
	h.raw = raw[:len(raw)+blank] // rest follows it in the same array
	return h, rest, nil
}

// readRawHeader reads from r in growing chunks until the empty line that
// ends the header, or EOF. It returns the header without the empty line,
// the length of that line (0 at EOF, 1 or 2), the bytes read past it (the
// start of the body, following the empty line in the same array), and
// whether the empty line was seen. A header longer than max octets gives
// ErrHeaderTooLarge.
func readRawHeader(r io.Reader, max int) (hdr []byte, blank int, rest []byte, ended bool, err error) {
	buf := make([]byte, 0, 2048)
	for {
		if cap(buf)-len(buf) < 512 {
			buf = slices.Grow(buf, cap(buf))
		}
		n, rerr := r.Read(buf[len(buf):cap(buf)])
		prev := buf
		buf = buf[:len(buf)+n]
		cut, found := headerEnd(prev, buf[len(prev):])
		if found {
			// The empty line itself: "\n" or "\r\n" after the cut.
			end := len(prev) + cut
			blank = 1
			if buf[end] == '\r' {
				blank = 2
			}
			if end > max {
				return nil, 0, nil, false, ErrHeaderTooLarge
			}
			return buf[:end], blank, buf[end+blank:], true, nil
		}
		if len(buf) > max {
			return nil, 0, nil, false, ErrHeaderTooLarge
		}
		if rerr == io.EOF {
			return buf, 0, nil, false, nil
		}
		if rerr != nil {
			return nil, 0, nil, false, rerr
		}
	}
}

// split cuts h.raw (the header without its empty line) into fields, with
// bare LFs made CRLF. The field texts share one string.
func (h *header) split(bareLF bool) {
	text := string(h.raw)
	if bareLF || len(text) > 0 && text[len(text)-1] != '\n' {
		var b strings.Builder
		b.Grow(len(text) + 64)
		for i := 0; i < len(text); i++ {
			if text[i] == '\n' && (i == 0 || text[i-1] != '\r') {
				b.WriteByte('\r')
			}
			b.WriteByte(text[i])
		}
		if !strings.HasSuffix(text, "\n") && text != "" {
			b.WriteString("\r\n")
		}
		text = b.String()
	}
	start := 0
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '\n')
		next := i + j + 1
		// A field ends before a line that does not start with WSP.
		if next >= len(text) || text[next] != ' ' && text[next] != '\t' {
			raw := text[start:next]
			name, _, _ := strings.Cut(raw, ":")
			h.fields = append(h.fields, field{name: strings.TrimRight(name, " \t\r\n"), raw: raw})
			start = next
		}
		i = next
	}
}

// appendLine appends one line including its line ending to buf, failing
// with ErrHeaderTooLarge when buf would pass max bytes.
func appendLine(buf []byte, br *bufio.Reader, max int) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			return buf, ErrHeaderTooLarge
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return buf, err
	}
}

// complete returns the header bytes ending with the empty line, adding
// what is missing for a message that ends inside or right after its header.
func (h *header) complete() []byte {
	if h.ended {
		return h.raw
	}
	raw := h.raw[:len(h.raw):len(h.raw)]
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		raw = append(raw, '\r', '\n')
	}
	return append(raw, '\r', '\n')
}

// validFieldName reports whether name is a header field name: printable
// US-ASCII except colon (RFC 5322 §3.6.8 ftext).
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// relaxedHeader canonicalizes one header field the "relaxed" way (RFC 6376
// §3.4.2): name lower-cased, value unfolded, runs of WSP reduced to one
// space, WSP at the ends of the value and around the colon removed.
func relaxedHeader(raw string) string {
	name, value, _ := strings.Cut(raw, ":")
	var b strings.Builder
	b.Grow(len(raw))
	if strings.ContainsAny(name, "\r\n") { // only in a malformed field without a colon
		name = strings.NewReplacer("\r", "", "\n", "").Replace(name)
	}
	b.WriteString(strings.ToLower(strings.TrimRight(name, " \t")))
	b.WriteByte(':')
	wsp := false
	started := false
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch c {
		case '\r', '\n':
			continue // unfold
		case ' ', '\t':
			wsp = true
			continue
		}
		if wsp && started {
			b.WriteByte(' ')
		}
		wsp = false
		started = true
		b.WriteByte(c)
	}
	b.WriteString("\r\n")
	return b.String()
}

// Tag-list errors.
var errTagSyntax = errors.New("malformed tag list")

// tag is one tag=value pair of a tag list.
type tag struct {
	name, value string
}

// parseTags parses a tag list (RFC 6376 §3.2): tag=value pairs separated by
// semicolons, with folding whitespace around names and values; a trailing
// semicolon is allowed. Tag names are ALPHA *ALNUMPUNC and must not repeat.
// Values keep their inner whitespace.
func parseTags(s string) ([]tag, error) {
	var tags []tag
	parts := strings.Split(s, ";")
	for i, p := range parts {
		if strings.TrimSpace(p) == "" {
			if i == len(parts)-1 {
				break
			}
			return nil, fmt.Errorf("%w: empty tag", errTagSyntax)
		}
		name, value, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("%w: %q has no '='", errTagSyntax, strings.TrimSpace(p))
		}
		name = strings.Trim(name, " \t\r\n")
		if !validTagName(name) {
			return nil, fmt.Errorf("%w: bad tag name %q", errTagSyntax, name)
		}
		for _, t := range tags {
			if t.name == name {
				return nil, fmt.Errorf("%w: tag %q repeated", errTagSyntax, name)
			}
		}
		value = strings.Trim(value, " \t\r\n")
		for j := 0; j < len(value); j++ {
			if c := value[j]; c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
				return nil, fmt.Errorf("%w: control character in tag %q", errTagSyntax, name)
			}
		}
		tags = append(tags, tag{name, value})
	}
	return tags, nil
}

func validTagName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tagValue returns the value of the named tag and whether it is present.
func tagValue(tags []tag, name string) (string, bool) {
	for _, t := range tags {
		if t.name == name {
			return t.value, true
		}
	}
	return "", false
}

// removeWSP deletes all whitespace, as in base64 values with folding.
func removeWSP(s string) string {
	i := 0
	for i < len(s) && !isWSPOrEOL(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s))
	copy(b, s)
	for ; i < len(s); i++ {
		if !isWSPOrEOL(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// stripB returns the raw header field with the value of its b= tag deleted,
// surrounding whitespace included (RFC 6376 §3.5, b=), for hashing.
func stripB(raw string) string {
	name, value, ok := strings.Cut(raw, ":")
	if !ok {
		return raw
	}
	parts := strings.Split(value, ";")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if ok && strings.Trim(k, " \t\r\n") == "b" {
			eq := strings.IndexByte(p, '=')
			parts[i] = p[:eq+1]
			if i == len(parts)-1 {
				parts[i] += "\r\n"
			}
		}
	}
	return name + ":" + strings.Join(parts, ";")
}

// ctxReader stops reading when ctx is done. Its WriteTo lets io.Copy pass
// data straight through from a reader that has its own WriteTo (a
// bufio.Reader over a bytes.Reader or a file) without a copy buffer.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (c ctxReader) WriteTo(w io.Writer) (int64, error) {
	return io.Copy(ctxWriter{c.ctx, w}, c.r)
}

// ctxWriter stops writing when ctx is done. It passes large writes on in
// pieces of at most 64 KiB: go-msgauth's canonicalizers allocate buffers
// the size of each write, so one write of a whole in-memory message would
// cost twice its size.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if err := c.ctx.Err(); err != nil {
			return n, err
		}
		k := min(len(p), 64<<10)
		m, err := c.w.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}

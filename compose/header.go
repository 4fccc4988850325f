package compose

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mxkit/mxkit/address"
)

// Line lengths (RFC 5322 §2.1.1): lines are folded before foldAt octets
// where a value has room to fold (RFC 2047 §2 holds lines with encoded
// words to 76), and none may pass maxLine (CRLF not counted).
const (
	foldAt  = 76
	maxLine = 998
)

// headerWriter appends header fields to b, folding each value at the
// white space between its words (RFC 5322 §2.2.3). The first error sticks.
type headerWriter struct {
	b     []byte
	col   int // octets on the current line
	start int // col after "Name:", where nothing of the value is yet
	field string
	err   error
}

func (h *headerWriter) fail(err error) {
	if h.err == nil {
		h.err = err
	}
}

// begin starts a field.
func (h *headerWriter) begin(name string) {
	h.field = name
	h.b = append(h.b, name...)
	h.b = append(h.b, ':')
	h.col = len(name) + 1
	h.start = h.col
}

// word appends a space and w, folding before them when the line would
// pass foldAt and something of the value is already on it.
func (h *headerWriter) word(w string) {
	if h.col+1+len(w) > foldAt && h.col > h.start {
		h.b = append(h.b, '\r', '\n')
		h.col = 0
	}
	h.b = append(h.b, ' ')
	h.b = append(h.b, w...)
	h.col += 1 + len(w)
	h.check()
}

// glue appends s to the current word, with no place to fold before it.
func (h *headerWriter) glue(s string) {
	h.b = append(h.b, s...)
	h.col += len(s)
	h.check()
}

func (h *headerWriter) check() {
	if h.col > maxLine {
		h.fail(fieldErr(h.field, ErrTooLong))
	}
}

func (h *headerWriter) end() { h.b = append(h.b, '\r', '\n') }

// field writes a field whose value is one word.
func (h *headerWriter) field1(name, value string) {
	h.begin(name)
	h.word(value)
	h.end()
}

// text writes an unstructured field (RFC 5322 §3.2.5) such as Subject:
// as it is when it is printable ASCII that folds within the limits, as
// RFC 2047 encoded words otherwise. Text that merely looks like an encoded
// word ("=?") is encoded too, so that readers show it as written.
func (h *headerWriter) text(name, value string) {
	if err := checkValue(name, value); err != nil {
		h.fail(err)
		return
	}
	value = strings.Trim(value, " \t")
	h.begin(name)
	if isASCII(value) && !strings.Contains(value, "=?") && wordsFit(value, len(name)+2) {
		// Split before each space that is followed by a non-space, so a
		// fold never leaves a line of white space alone (§3.2.2).
		for w := range strings.SplitSeq(value, " ") {
			if w == "" {
				h.glue(" ")
				continue
			}
			h.word(w)
		}
	} else {
		h.encodedWords(value, false)
	}
	h.end()
}

// wordsFit reports whether each space-separated word of s fits on a line
// of its own (the first after a prefix of first octets).
func wordsFit(s string, first int) bool {
	for i, w := range strings.Split(s, " ") {
		room := maxLine - 1
		if i == 0 {
			room = maxLine - first
		}
		if len(w) > room {
			return false
		}
	}
	return true
}

// checkValue refuses control characters other than tab, and text that is
// not UTF-8.
func checkValue(field, s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return fieldErr(field, ErrControl)
		}
	}
	if !utf8.ValidString(s) {
		return syntaxErr(field, "not valid UTF-8")
	}
	for _, r := range s {
		if r >= 0x80 && r < 0xa0 { // C1 controls
			return fieldErr(field, ErrControl)
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// encodedWords writes s as RFC 2047 encoded words in UTF-8, each a word
// of its own (white space between encoded words is not part of the text,
// §6.2). Q or B, whichever is shorter; in a phrase (a display name) Q may
// leave only the characters §5(3) allows unencoded.
func (h *headerWriter) encodedWords(s string, phrase bool) {
	qlen, blen := 0, base64.StdEncoding.EncodedLen(len(s))
	for i := 0; i < len(s); i++ {
		if qSafe(s[i], phrase) || s[i] == ' ' {
			qlen++
		} else {
			qlen += 3
		}
	}
	q := qlen <= blen
	const prefix, suffix = "=?utf-8?q?", "?="
	// §2: an encoded word is at most 75 octets; the first one also fits
	// the line after the field name when it can.
	var w []byte
	room := func() int {
		r := 75
		if h.col == h.start && foldAt-h.col-1 >= 30 {
			r = foldAt - h.col - 1
		}
		return r - len(prefix) - len(suffix)
	}
	flush := func(raw []byte) {
		w = append(w[:0], prefix...)
		if !q {
			w[len("=?utf-8?")] = 'b'
			w = base64.StdEncoding.AppendEncode(w, raw)
		} else {
			w = appendQ(w, raw, phrase)
		}
		w = append(w, suffix...)
		h.word(string(w))
	}
	// §5: each encoded word holds whole characters.
	var raw []byte
	size := 0
	for len(s) > 0 {
		_, n := utf8.DecodeRuneInString(s)
		add := 0
		if q {
			for i := 0; i < n; i++ {
				if qSafe(s[i], phrase) || s[i] == ' ' {
					add++
				} else {
					add += 3
				}
			}
		} else {
			add = base64.StdEncoding.EncodedLen(len(raw)+n) - size
		}
		if len(raw) > 0 && size+add > room() {
			flush(raw)
			raw, size = raw[:0], 0
			if !q {
				add = base64.StdEncoding.EncodedLen(n)
			}
		}
		raw = append(raw, s[:n]...)
		size += add
		s = s[n:]
	}
	if len(raw) > 0 {
		flush(raw)
	}
}

// qSafe reports the octets Q encoding writes as they are: in text every
// printable ASCII character but "=", "?" and "_" (RFC 2047 §4.2), in a
// phrase only letters, digits and "!*+-/" (§5(3)).
func qSafe(c byte, phrase bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case phrase:
		return strings.IndexByte("!*+-/", c) >= 0
	}
	return c > ' ' && c < 0x7f && c != '=' && c != '?' && c != '_'
}

func appendQ(b, raw []byte, phrase bool) []byte {
	const hex = "0123456789ABCDEF"
	for _, c := range raw {
		switch {
		case c == ' ':
			b = append(b, '_') // §4.2 (2)
		case qSafe(c, phrase):
			b = append(b, c)
		default:
			b = append(b, '=', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// mailbox writes one name-addr or addr-spec (RFC 5322 §3.4) as a word or
// words; comma goes after it when it is not the last of a list.
func (h *headerWriter) mailbox(name string, a address.Address, comma bool) {
	if name != "" {
		h.phrase(name)
		h.word("<" + a.String() + ">")
	} else {
		h.word(a.String())
	}
	if comma {
		h.glue(",")
	}
}

// phrase writes a display name: atoms as they are, other ASCII as one
// quoted-string (RFC 5322 §3.2.4), anything else as encoded words.
func (h *headerWriter) phrase(name string) {
	switch {
	case !isASCII(name) || strings.Contains(name, "=?"):
		h.encodedWords(name, true)
	case isAtoms(name):
		for w := range strings.SplitSeq(name, " ") {
			h.word(w)
		}
	default:
		h.word(quote(name))
	}
}

// isAtoms reports whether s is atoms separated by single spaces.
func isAtoms(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && !isAtext(c) {
			return false
		}
	}
	return true
}

// isAtext reports RFC 5322 §3.2.3 atext.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// quote returns s as a quoted-string: backslash before '"' and '\'
// (RFC 5322 §3.2.4).
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// isToken reports an RFC 2045 §5.1 token: printable ASCII without space
// and tspecials.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 {
			return false
		}
	}
	return true
}

// param appends "; name=value" to a Content-Type or Content-Disposition
// field: a token or quoted-string when it is ASCII and short, otherwise
// RFC 2231 §3-4 UTF-8 percent-encoded, in continuations that fold.
func (h *headerWriter) param(name, value string) {
	h.glue(";")
	if isASCII(value) && len(name)+len(value)+3 < foldAt-1 {
		if isToken(value) {
			h.word(name + "=" + value)
		} else {
			h.word(name + "=" + quote(value))
		}
		return
	}
	// name*0*=utf-8''%E2%82%AC...; name*1*=... (§3, §4): whole
	// characters per section, each section at most about a line.
	const hex = "0123456789ABCDEF"
	var sec []byte
	n := 0
	flush := func(last bool) {
		head := name + "*" + strconv.Itoa(n) + "*="
		if n == 0 {
			head += "utf-8''"
		}
		h.word(head + string(sec))
		if !last {
			h.glue(";")
		}
		n++
		sec = sec[:0]
	}
	for len(value) > 0 {
		_, size := utf8.DecodeRuneInString(value)
		var enc []byte
		for i := 0; i < size; i++ {
			c := value[i]
			if isAttrChar(c) {
				enc = append(enc, c)
			} else {
				enc = append(enc, '%', hex[c>>4], hex[c&15])
			}
		}
		if len(sec) > 0 && len(sec)+len(enc) > 56 {
			flush(false)
		}
		sec = append(sec, enc...)
		value = value[size:]
	}
	flush(true)
}

// isAttrChar reports RFC 2231 §7 attribute-char: token characters but
// "*", "'" and "%".
func isAttrChar(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte(`()<>@,;:\"/[]?=*'%`, c) < 0
}

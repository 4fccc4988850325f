package compose

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mxkit/mxkit/address"
)

// ownField reports the fields the Message writes itself, refused in
// Header.
func ownField(name string) bool {
	switch strings.ToLower(name) {
	case "from", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id",
		"in-reply-to", "references", "list-unsubscribe", "list-unsubscribe-post",
		"mime-version", "content-type", "content-transfer-encoding",
		"content-disposition", "content-id",
		// Added on final delivery (RFC 5321 §4.4): a message must not
		// bring one.
		"return-path":
		return true
	}
	return false
}

// segment is a piece of the encoded message: bytes, or an attachment's
// content to base64-encode while it is read.
type segment struct {
	data  []byte
	src   io.Reader
	field string // for errors: "Attachments[1]"
}

// WriteTo writes the message to w (RFC 5322 with MIME, CRLF line endings),
// reading the attachments as it goes. Nothing is written when the message
// has an error.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	r, err := m.Reader()
	if err != nil {
		return 0, err
	}
	return r.WriteTo(w)
}

// Reader checks m and returns a Reader of its encoded form. Errors are
// *Error; nothing has been read from the attachments then.
func (m *Message) Reader() (*Reader, error) {
	var e encoder
	if err := e.message(m); err != nil {
		return nil, err
	}
	return &Reader{segs: e.segs}, nil
}

// encoder turns a Message into segments.
type encoder struct {
	h        headerWriter
	segs     []segment
	boundary string
}

func (e *encoder) emit(b []byte) {
	if n := len(e.segs); n > 0 && e.segs[n-1].src == nil {
		e.segs[n-1].data = append(e.segs[n-1].data, b...)
		return
	}
	e.segs = append(e.segs, segment{data: b})
}

func (e *encoder) message(m *Message) error {
	from, err := parseMailbox("From", m.From)
	if err != nil {
		return err
	}
	if _, err := m.Envelope(); err != nil {
		return err
	}
	if err := m.checkParts(); err != nil {
		return err
	}
	m.freeze(from.Domain.ASCII())
	e.boundary = m.boundary
	h := &e.h
	h.b = make([]byte, 0, 1024)
	h.field1("Date", m.Date.Format(time.RFC1123Z)) // RFC 5322 §3.3
	h.begin("From")
	if err := checkValue("From", m.From.Name); err != nil {
		return err
	}
	h.mailbox(m.From.Name, from, false)
	h.end()
	e.addressList("Reply-To", m.ReplyTo)
	e.addressList("To", m.To)
	e.addressList("Cc", m.Cc)
	if m.Subject != "" {
		h.text("Subject", m.Subject)
	}
	e.msgIDs("Message-ID", m.MessageID)
	if m.InReplyTo != "" {
		e.msgIDs("In-Reply-To", m.InReplyTo)
	}
	if len(m.References) > 0 {
		e.msgIDs("References", m.References...)
	}
	e.unsubscribe(m)
	for _, f := range m.Header {
		if err := checkFieldName(f.Name); err != nil {
			return err
		}
		h.text(f.Name, f.Value)
	}
	h.field1("MIME-Version", "1.0")
	if h.err != nil {
		return h.err
	}
	if err := e.body(m); err != nil {
		return err
	}
	// Only now, with the message known to be good, are the attachments
	// touched.
	return m.rewind()
}

func (e *encoder) addressList(field string, list []Mailbox) {
	if len(list) == 0 {
		return
	}
	h := &e.h
	h.begin(field)
	for i, mb := range list {
		a, err := parseMailbox(field, mb)
		if err == nil {
			err = checkValue(field, mb.Name)
		}
		if err != nil {
			h.fail(err)
			return
		}
		h.mailbox(mb.Name, a, i < len(list)-1)
	}
	h.end()
}

// msgIDs writes a field of msg-ids (RFC 5322 §3.6.4), each in brackets.
func (e *encoder) msgIDs(field string, ids ...string) {
	h := &e.h
	h.begin(field)
	for _, id := range ids {
		id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
		if !isMsgID(id) {
			h.fail(syntaxErr(field, "%q is not a message id (id-left@id-right, RFC 5322 §3.6.4)", id))
			return
		}
		h.word("<" + id + ">")
	}
	h.end()
}

// isMsgID checks id-left "@" id-right without the brackets: dot-atom-text
// on the left, dot-atom-text or a no-fold-literal on the right.
func isMsgID(id string) bool {
	left, right, ok := strings.Cut(id, "@")
	if !ok || !isDotAtom(left) {
		return false
	}
	if strings.HasPrefix(right, "[") && strings.HasSuffix(right, "]") && len(right) > 2 {
		for i := 1; i < len(right)-1; i++ {
			// dtext: printable ASCII but "[", "]" and "\".
			if c := right[i]; c <= ' ' || c >= 0x7f || c == '[' || c == ']' || c == '\\' {
				return false
			}
		}
		return true
	}
	return isDotAtom(right)
}

// isDotAtom reports RFC 5322 §3.2.3 dot-atom-text.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && !isAtext(s[i]) {
			return false
		}
	}
	return true
}

// unsubscribe writes List-Unsubscribe (RFC 2369 §3.2) and
// List-Unsubscribe-Post (RFC 8058 §3.1).
func (e *encoder) unsubscribe(m *Message) {
	if m.Unsubscribe == "" && m.UnsubscribeMailto == "" {
		return
	}
	h := &e.h
	const field = "List-Unsubscribe"
	var uris []string
	if m.Unsubscribe != "" {
		// RFC 8058 §3.1: one HTTPS URI; the POST goes to it.
		u, err := url.Parse(m.Unsubscribe)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			h.fail(syntaxErr(field, "Unsubscribe %q is not an https URL (RFC 8058 §3.1)", m.Unsubscribe))
			return
		}
		if strings.ContainsAny(m.Unsubscribe, " <>\"") || checkValue(field, m.Unsubscribe) != nil || !isASCII(m.Unsubscribe) {
			h.fail(syntaxErr(field, "Unsubscribe URL %q has characters that must be percent-encoded", m.Unsubscribe))
			return
		}
		uris = append(uris, m.Unsubscribe)
	}
	if m.UnsubscribeMailto != "" {
		a, err := address.Parse(m.UnsubscribeMailto)
		if err != nil {
			h.fail(fieldErr(field, err))
			return
		}
		// RFC 6068 §2: the local part percent-encoded where it is not
		// unreserved.
		uris = append(uris, "mailto:"+escapeMailto(a.Local)+"@"+a.Domain.ASCII()+"?subject=unsubscribe")
	}
	h.begin(field)
	for i, u := range uris {
		h.word("<" + u + ">")
		if i < len(uris)-1 {
			h.glue(",")
		}
	}
	h.end()
	if m.Unsubscribe != "" {
		h.field1("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
}

func escapeMailto(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// checkFieldName refuses names that are not RFC 5322 §3.6.8 field names
// (printable ASCII without ':') and the fields Message writes itself.
func checkFieldName(name string) error {
	if name == "" {
		return syntaxErr("Header", "empty field name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return syntaxErr("Header", "field name %q has a character RFC 5322 §3.6.8 does not allow", name)
		}
	}
	if ownField(name) {
		return syntaxErr(name, "set by the Message's own fields, not through Header")
	}
	return nil
}

// checkParts checks the attachments before anything is written.
func (m *Message) checkParts() error {
	if len(m.Inline) > 0 && m.HTML == "" {
		return syntaxErr("Inline", "inline parts need an HTML body that shows them")
	}
	for _, b := range []struct{ field, s string }{{"Text", m.Text}, {"HTML", m.HTML}} {
		if !utf8.ValidString(b.s) {
			return syntaxErr(b.field, "not valid UTF-8")
		}
	}
	check := func(field string, a *Attachment, inline bool) error {
		if a.Content == nil {
			return fieldErr(field, fmt.Errorf("%w: no Content", ErrMissing))
		}
		if err := checkValue(field, a.Filename); err != nil {
			return err
		}
		if inline && a.ContentID == "" {
			return fieldErr(field, fmt.Errorf("%w: an inline part needs a ContentID", ErrMissing))
		}
		if a.ContentID != "" && !isContentID(a.ContentID) {
			return syntaxErr(field, "ContentID %q is not dot-atom-text[@dot-atom-text] (RFC 2045 §7)", a.ContentID)
		}
		if a.ContentType != "" {
			if _, _, err := mime.ParseMediaType(a.ContentType); err != nil || !isASCII(a.ContentType) || checkValue(field, a.ContentType) != nil {
				return syntaxErr(field, "ContentType %q is not a media type", a.ContentType)
			}
			if strings.HasPrefix(strings.ToLower(a.ContentType), "multipart/") {
				return syntaxErr(field, "ContentType %q: a multipart type needs its own parts", a.ContentType)
			}
		}
		return nil
	}
	for i := range m.Inline {
		if err := check("Inline["+strconv.Itoa(i)+"]", &m.Inline[i], true); err != nil {
			return err
		}
	}
	for i := range m.Attachments {
		if err := check("Attachments["+strconv.Itoa(i)+"]", &m.Attachments[i], false); err != nil {
			return err
		}
	}
	return nil
}

// isContentID accepts a msg-id without brackets, or just its left side,
// which mail clients take as well.
func isContentID(id string) bool {
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	return isDotAtom(id) || isMsgID(id)
}

// rewind seeks every attachment back to where the first rendering found
// it, or fails when one was read already and cannot be.
func (m *Message) rewind() error {
	parts := append(m.Inline[:len(m.Inline):len(m.Inline)], m.Attachments...)
	if !m.rendered {
		m.offsets = make([]int64, len(parts))
		for i, a := range parts {
			if s, ok := a.Content.(io.Seeker); ok {
				off, err := s.Seek(0, io.SeekCurrent)
				if err != nil {
					return fieldErr(partName(m, i), err)
				}
				m.offsets[i] = off
			} else {
				m.offsets[i] = -1
			}
		}
		m.rendered = true
		return nil
	}
	if len(m.offsets) != len(parts) {
		return syntaxErr("Attachments", "attachments changed after the first rendering")
	}
	for i, a := range parts {
		s, ok := a.Content.(io.Seeker)
		if !ok || m.offsets[i] < 0 {
			return fieldErr(partName(m, i), ErrConsumed)
		}
		if _, err := s.Seek(m.offsets[i], io.SeekStart); err != nil {
			return fieldErr(partName(m, i), err)
		}
	}
	return nil
}

func partName(m *Message, i int) string {
	if i < len(m.Inline) {
		return "Inline[" + strconv.Itoa(i) + "]"
	}
	return "Attachments[" + strconv.Itoa(i-len(m.Inline)) + "]"
}

// body writes the MIME structure (RFC 2046): the text bodies (alternative,
// RFC 2046 §5.1.4, plain text first), the HTML with its inline parts
// (related, RFC 2387) and the attachments (mixed, §5.1.3).
func (e *encoder) body(m *Message) error {
	h := &e.h
	content := func() {
		text := func() { e.textPart("text/plain", m.Text) }
		html := func() {
			if len(m.Inline) == 0 {
				e.textPart("text/html", m.HTML)
				return
			}
			e.multipart("related", "r", append([]func(){func() { e.textPart("text/html", m.HTML) }}, e.attachments("Inline", m.Inline, true)...))
		}
		switch {
		case m.Text != "" && m.HTML != "":
			e.multipart("alternative", "a", []func(){text, html})
		case m.HTML != "":
			html()
		default:
			text()
		}
	}
	if len(m.Attachments) == 0 {
		content()
	} else {
		parts := e.attachments("Attachments", m.Attachments, false)
		if m.Text != "" || m.HTML != "" {
			parts = append([]func(){content}, parts...)
		}
		e.multipart("mixed", "m", parts)
	}
	if h.err != nil {
		return h.err
	}
	e.flushHeader()
	return nil
}

// flushHeader moves the header bytes written so far into the segments.
func (e *encoder) flushHeader() {
	if len(e.h.b) > 0 {
		e.emit(e.h.b)
		e.h.b = nil
	}
}

// multipart writes a multipart entity of the given subtype: its
// Content-Type field ends the header being written, then each part.
// Boundaries are random ("=_" cannot occur in base64 or quoted-printable
// text) and differ per level by their last characters.
func (e *encoder) multipart(subtype, tag string, parts []func()) {
	b := "=_" + e.boundary + "." + tag
	h := &e.h
	h.begin("Content-Type")
	h.word("multipart/" + subtype)
	h.param("boundary", b)
	h.end()
	h.b = append(h.b, '\r', '\n')
	for i, part := range parts {
		if i > 0 {
			h.b = append(h.b, '\r', '\n')
		}
		h.b = append(h.b, "--"...)
		h.b = append(h.b, b...)
		h.b = append(h.b, '\r', '\n')
		part()
	}
	h.b = append(h.b, "\r\n--"...)
	h.b = append(h.b, b...)
	h.b = append(h.b, "--\r\n"...)
}

// textPart writes a text body in UTF-8: 7bit when it is ASCII with short
// lines, else quoted-printable or base64, whichever is shorter for it
// (RFC 2045 §6).
func (e *encoder) textPart(typ, s string) {
	h := &e.h
	body := normalizeLines(s)
	h.begin("Content-Type")
	h.word(typ)
	h.glue(";")
	h.word("charset=utf-8")
	h.end()
	switch transferEncoding(body) {
	case "7bit":
		h.field1("Content-Transfer-Encoding", "7bit")
		h.b = append(h.b, '\r', '\n')
		h.b = append(h.b, body...)
	case "quoted-printable":
		h.field1("Content-Transfer-Encoding", "quoted-printable")
		h.b = append(h.b, '\r', '\n')
		var buf bytes.Buffer
		buf.Grow(len(body) + len(body)/8)
		qp := quotedprintable.NewWriter(&buf)
		qp.Write(body)
		qp.Close()
		h.b = append(h.b, buf.Bytes()...)
		if !bytes.HasSuffix(h.b, []byte("\r\n")) {
			h.b = append(h.b, '\r', '\n')
		}
	default:
		h.field1("Content-Transfer-Encoding", "base64")
		h.b = append(h.b, '\r', '\n')
		h.b = append(appendBase64(h.b, body), '\r', '\n')
	}
}

// normalizeLines returns s with every line ending CRLF, ending in one.
func normalizeLines(s string) []byte {
	b := make([]byte, 0, len(s)+len(s)/32+2)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			b = append(b, '\r', '\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '\n':
			b = append(b, '\r', '\n')
		default:
			b = append(b, c)
		}
	}
	if len(b) < 2 || b[len(b)-1] != '\n' {
		b = append(b, '\r', '\n')
	}
	return b
}

// transferEncoding picks the Content-Transfer-Encoding of a text body with
// CRLF line endings.
func transferEncoding(body []byte) string {
	high, line, long, ctl := 0, 0, false, false
	for _, c := range body {
		switch {
		case c == '\n':
			line = 0
			continue
		case c >= 0x80:
			high++
		case c < ' ' && c != '\t' && c != '\r' || c == 0x7f:
			ctl = true
		}
		line++
		long = long || line > maxLine
	}
	switch {
	case high == 0 && !long && !ctl:
		return "7bit" // RFC 2045 §2.7
	case high*5 < len(body):
		// Mostly ASCII: quoted-printable stays readable and is shorter
		// than base64 until about a fifth of the octets need escapes.
		return "quoted-printable"
	}
	return "base64"
}

// attachments returns the writers of the attachment parts.
func (e *encoder) attachments(field string, list []Attachment, inline bool) []func() {
	parts := make([]func(), len(list))
	for i := range list {
		a := &list[i]
		name := field + "[" + strconv.Itoa(i) + "]"
		parts[i] = func() { e.attachment(name, a, inline) }
	}
	return parts
}

func (e *encoder) attachment(name string, a *Attachment, inline bool) {
	h := &e.h
	typ := a.ContentType
	if typ == "" {
		typ = mime.TypeByExtension(path.Ext(a.Filename))
		if typ == "" {
			typ = "application/octet-stream"
		}
	}
	mt, params, _ := mime.ParseMediaType(typ)
	h.begin("Content-Type")
	h.word(mt)
	for _, k := range sortedKeys(params) {
		if k != "name" {
			h.param(k, params[k])
		}
	}
	if a.Filename != "" {
		h.param("name", a.Filename) // for readers that look only here
	}
	h.end()
	h.field1("Content-Transfer-Encoding", "base64")
	h.begin("Content-Disposition")
	if inline {
		h.word("inline")
	} else {
		h.word("attachment")
	}
	if a.Filename != "" {
		h.param("filename", a.Filename) // RFC 2183 §2.3
	}
	h.end()
	if a.ContentID != "" {
		h.field1("Content-ID", "<"+strings.TrimSuffix(strings.TrimPrefix(a.ContentID, "<"), ">")+">")
	}
	h.b = append(h.b, '\r', '\n')
	e.flushHeader()
	e.segs = append(e.segs, segment{src: a.Content, field: name})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// Base64 lines (RFC 2045 §6.8): 76 characters, 57 octets each.
const (
	lineOctets = 57
	lineChars  = 76
)

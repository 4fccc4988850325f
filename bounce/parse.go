package bounce

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-message"
)

// Kind says what sort of message Parse was given.
type Kind int

const (
	// KindUnknown is a message that is not a bounce, a feedback report or
	// an auto-reply, or one too damaged to tell.
	KindUnknown Kind = iota
	// KindDSN is an RFC 3464 delivery status notification
	// (multipart/report; report-type=delivery-status).
	KindDSN
	// KindNonStandard is a bounce recognised by its structure and wording
	// (Exim, qmail, Gmail, Yahoo, ... plain-text bounces).
	KindNonStandard
	// KindFeedback is an RFC 5965 Abuse Reporting Format feedback report,
	// or an RFC 2369 unsubscribe request (Feedback.Type "unsubscribe").
	KindFeedback
	// KindAutoReply is an RFC 3834 automatic reply (vacation, out of office).
	KindAutoReply
)

func (k Kind) String() string {
	switch k {
	case KindDSN:
		return "dsn"
	case KindNonStandard:
		return "nonstandard"
	case KindFeedback:
		return "feedback"
	case KindAutoReply:
		return "autoreply"
	}
	return "unknown"
}

// Report is what Parse found in a returned message.
type Report struct {
	Kind Kind
	// ReportingMTA is the DSN's Reporting-MTA (RFC 3464 §2.2.2), without
	// its type ("dns;").
	ReportingMTA string
	// Recipients lists, in order of appearance, each recipient the message
	// reports on. For feedback reports it lists the complained-about
	// recipients; for auto-replies the replying address.
	Recipients []Recipient
	// Feedback holds the fields of an RFC 5965 report (KindFeedback only).
	Feedback *FeedbackReport
	// Original holds the header of the returned original message, when the
	// bounce includes it: match it to your send with its Message-ID, a VERP
	// address or your own X- tracking header.
	Original mail.Header
	// MessageID is the original message's Message-ID without angle
	// brackets, "" when unknown.
	MessageID string
	// Truncated reports that part of the input was not read: the message
	// was longer than the parser's MaxBytes, or one of its parts was
	// longer than the parser reads of a part (256 KiB of a delivery-status,
	// feedback or text part), or it had more parts (100) or deeper nesting
	// (6 levels) than are read. Recipients past the cut are missing from
	// Recipients.
	Truncated bool
}

// Recipient is the outcome for one recipient (RFC 3464 §2.3 fields).
type Recipient struct {
	FinalRecipient    string // address without the "rfc822;" type
	OriginalRecipient string // address without the type, "" when absent
	Action            string // failed, delayed, delivered, relayed, expanded (lower case; "failure" and "error" read as failed)
	// Status is the enhanced status code: as reported, or as found in the
	// diagnostic, or inferred ("5.0.0", "4.0.0") when neither had one.
	Status          string
	DiagnosticType  string // "smtp", "x-unix", ... (lower case)
	DiagnosticCode  string // the remote text, white space folded
	RemoteMTA       string // without its type
	LastAttemptDate time.Time
	ReplyCode       int    // SMTP reply code found in the diagnostic, 0 if none
	Command         string // SMTP command the failure answered (RCPT, DATA, ...), "" if unknown
	Reason          Reason
	// Hard reports a permanent failure that no retry can fix: suppress
	// the address.
	Hard bool
	// Temporary reports a 4xx (delayed, retried) failure.
	Temporary bool

	category Reason // a verdict the reporting MTA stated in a DSN extension field
	// codeStatus is a Status field that only spells the reply code
	// (codeStatus in dsn.go): kept as the report's status, not read as
	// a cause.
	codeStatus string
}

// FeedbackReport is the machine-readable part of an ARF report (RFC 5965 §3.1).
type FeedbackReport struct {
	Type                  string // abuse, auth-failure, fraud, not-spam, other, virus; "unsubscribe" for an RFC 2369 opt-out request
	UserAgent             string
	Version               string
	OriginalMailFrom      string
	OriginalRcptTo        []string
	ArrivalDate           time.Time
	SourceIP              string
	ReportedDomain        []string
	ReportedURI           []string
	AuthenticationResults string
}

// Parser parses returned messages. The zero value is ready to use.
type Parser struct {
	// MaxBytes caps how much of a message is read; the rest is ignored
	// and Report.Truncated is set. Zero means 8 MiB.
	MaxBytes int64
}

// Parse reads a returned message and reports what it is and why each
// recipient failed. It uses a zero Parser.
func Parse(r io.Reader) (*Report, error) {
	var p Parser
	return p.Parse(r)
}

const (
	defaultMaxBytes = 8 << 20
	maxParts        = 100
	maxDepth        = 6
	maxTextPart     = 256 << 10
	// maxShared caps, over all of a notice's recipients, the words each
	// is given beyond its own (textBlocks' error printed after a list,
	// classifyOther's preamble) or read again for each (replyRest's
	// search of the transcript): otherwise copied or read once a
	// recipient, in time that grows with recipients times text.
	maxShared = 1 << 20
)

// Parse reads a returned message from r. It returns an error wrapping
// ErrMalformed when r does not hold a readable message header, or the
// reader's own error; any readable message gives a Report, with Kind
// KindUnknown when it is not a bounce. Input that starts with an mbox
// "From " line is read up to the next message's separator: use Mbox to
// read every message of an mbox.
func (p *Parser) Parse(r io.Reader) (*Report, error) {
	return p.parse(r, 0)
}

// maxNested is how many attached DSNs deep Parse reads (nestedMessage).
const maxNested = 2

func (p *Parser) parse(r io.Reader, nested int) (*Report, error) {
	max := p.MaxBytes
	if max <= 0 {
		max = defaultMaxBytes
	}
	// Size the buffer once when the reader knows its length.
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok && l.Len() > 0 {
		buf.Grow(int(min(int64(l.Len()), max) + 1))
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	rep := &Report{}
	if int64(len(data)) > max {
		data = data[:max]
		rep.Truncated = true
	}
	// An mbox "From " separator line may precede the header. The input is
	// then an mbox: read its first message only, up to the blank line and
	// "From " line that start the next (RFC 4155 §2; Mbox reads them all).
	mbox := false
	for bytes.HasPrefix(data, []byte("From ")) || bytes.HasPrefix(data, []byte(">From ")) {
		mbox = true
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			data = nil
			break
		}
		data = data[i+1:]
	}
	if mbox {
		if i := bytes.Index(data, []byte("\n\nFrom ")); i >= 0 {
			data = data[:i+1]
		}
		if i := bytes.Index(data, []byte("\n\r\nFrom ")); i >= 0 {
			data = data[:i+1]
		}
	}
	ent, err := message.Read(bytes.NewReader(data))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var w walk
	w.visit(ent, 0)
	rep.Truncated = rep.Truncated || w.truncated
	if len(w.text) == 0 && w.dsn == nil && w.feedback == nil {
		// A multipart whose boundary never appears, or a body of an
		// unexpected type: read the raw body as text.
		if i := headerEnd(data); i >= 0 {
			w.text = append(w.text, stripMIMELines(string(data[i:])))
		}
	}
	if w.dsn == nil && len(w.text) > 0 {
		w.dsn = inlineDSN(w.notification())
	}

	rl := loadRules()
	switch {
	case w.feedback != nil:
		rep.Kind = KindFeedback
		parseFeedback(rep, w.feedback, &w)
	case w.dsn == nil && len(w.text) > 0 && (inlineFeedback(w.text) != nil || authFailureSubject(decodeWords(ent.Header.Get("Subject")))):
		// A failure report sent as plain text, without its ARF part.
		rep.Kind = KindFeedback
		fields := inlineFeedback(w.text)
		if fields == nil {
			fields = []byte("Feedback-Type: auth-failure\n")
		}
		parseFeedback(rep, fields, &w)
	case w.dsn != nil && dsnHasRecipients(w.dsn):
		rep.Kind = KindDSN
		parseDSN(rep, w.dsn, &w, rl)
	case len(w.text) > 0 && parseSES(rep, w.text[0], rl):
	default:
		classifyOther(rep, ent.Header, &w, rl)
		if len(rep.Recipients) == 0 && w.nested != nil && nested < maxNested {
			// A notice that names no recipient of its own, with a DSN
			// attached: the DSN is what it reports.
			if in, err := p.parse(bytes.NewReader(w.nested), nested+1); err == nil && len(in.Recipients) > 0 &&
				(in.Kind == KindDSN || in.Kind == KindNonStandard) {
				in.Truncated = in.Truncated || rep.Truncated
				return in, nil
			}
		}
	}
	if rep.Original == nil && w.original != nil {
		rep.Original = w.original
	}
	if rep.Original != nil {
		rep.MessageID = strings.Trim(strings.TrimSpace(rep.Original.Get("Message-Id")), "<>")
	}
	return rep, nil
}

// stripMIMELines drops the MIME structure from a body read as raw text:
// boundary delimiter lines ("--" and a token, RFC 2046 §5.1.1), the
// Content-* fields of the parts and their lost parameter lines, so that
// what is left is the parts' text.
func stripMIMELines(body string) string {
	var b strings.Builder
	b.Grow(len(body))
	inHeader := false
	for _, line := range strings.SplitAfter(body, "\n") {
		t := strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(t, "--") && strings.Trim(t, "-") != "" && !strings.ContainsAny(t, " \t"):
			inHeader = true // a part's header follows the delimiter
			continue
		case inHeader && t == "":
			inHeader = false
			continue
		case inHeader && (t[0] == ' ' || t[0] == '\t' || startsField(t) || strings.HasPrefix(strings.ToLower(t), "boundary=")):
			continue
		}
		inHeader = false
		b.WriteString(line)
	}
	return b.String()
}

// walk collects the parts of a message that matter.
type walk struct {
	text     []string    // human-readable parts outside the returned message
	dsn      []byte      // message/delivery-status body
	feedback []byte      // message/feedback-report body
	original mail.Header // returned message's header
	parts    int
	// truncated reports a part cut at maxTextPart, or parts or levels
	// past maxParts or maxDepth left unread.
	truncated bool

	notif     string
	notifDone bool

	// nested is an attached message that is itself a DSN, rebuilt
	// (nestedMessage): read when the message around it reports no
	// recipient of its own.
	nested []byte
}

func (w *walk) visit(e *message.Entity, depth int) {
	if e == nil {
		return
	}
	if w.parts >= maxParts || depth > maxDepth {
		w.truncated = true
		return
	}
	w.parts++
	mt, _, _ := e.Header.ContentType()
	// A malformed Content-Type ("text/plain charset=x", no semicolon)
	// still names its type first.
	if i := strings.IndexAny(mt, " \t;"); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.ToLower(mt)
	if mt == "" {
		mt = "text/plain"
	}
	mr := e.MultipartReader()
	if mr == nil && strings.HasPrefix(mt, "multipart/") {
		// A multipart without a boundary parameter (a broken header
		// continuation loses it): its body can only be read as text.
		mt = "text/plain"
	}
	if mr != nil {
		for {
			part, err := mr.NextPart()
			if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
				return
			}
			w.visit(part, depth+1)
			if w.parts >= maxParts {
				if more, err := mr.NextPart(); more != nil || err != nil && err != io.EOF {
					w.truncated = true // parts past maxParts are not read
				}
				return
			}
		}
	}
	switch mt {
	case "message/delivery-status", "message/global-delivery-status":
		// Some reports carry several delivery-status parts; together
		// they are read up to maxTextPart.
		b := w.readPart(e.Body, maxTextPart-len(w.dsn))
		w.dsn = append(append(w.dsn, '\n'), b...)
	case "message/feedback-report":
		if w.feedback == nil {
			w.feedback = w.readPart(e.Body, maxTextPart)
		}
	case "message/rfc822", "message/global", "message/rfc822-headers", "text/rfc822-headers",
		"message/global-headers", "text/rfc822-header", "message/partial":
		if w.original == nil {
			br := bufio.NewReaderSize(io.LimitReader(e.Body, 256<<10), 1024)
			h, err := readHeaderFrom(br)
			if err == nil && len(h) > 0 {
				w.original = h
				if w.nested == nil && (mt == "message/rfc822" || mt == "message/global") && isReport(h) {
					w.nested = nestedMessage(h, br)
				}
			}
		}
	case "text/plain", "text/html", "text/enriched":
		if len(w.text) < 8 {
			b := w.readPart(e.Body, maxTextPart)
			if _, params, err := e.Header.ContentType(); err == nil {
				b = decodeCharset(params["charset"], b)
			}
			s := string(b)
			if mt == "text/html" {
				s = stripHTML(s)
			}
			w.text = append(w.text, s)
		}
	}
}

// readPart reads up to limit bytes of a part's body. A body longer than
// that is cut after its last whole line within the limit, so that a field
// or a recipient is never read half (a first line longer than the limit is
// kept in part), and w.truncated is set.
func (w *walk) readPart(r io.Reader, limit int) []byte {
	if limit <= 0 {
		var one [1]byte
		if n, _ := io.ReadFull(r, one[:]); n > 0 {
			w.truncated = true // the part has a body and no room is left
		}
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(b) <= limit {
		return b
	}
	w.truncated = true
	b = b[:limit]
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	}
	return b
}

// readHeaderFrom reads a header block leniently: it stops at the first
// line that is neither a field nor a continuation, and leaves br there.
func readHeaderFrom(br *bufio.Reader) (mail.Header, error) {
	var lines []string
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			lines = append(lines, line)
		}
		if err != nil || strings.TrimRight(line, "\r\n") == "" && len(lines) > 0 {
			break
		}
	}
	h, _ := parseHeaderLines(lines)
	if len(h) == 0 {
		return nil, errors.New("no header")
	}
	return h, nil
}

// isReport reports whether h is the header of a delivery status
// notification (RFC 3464 §2: multipart/report; report-type=delivery-status).
func isReport(h mail.Header) bool {
	ct := h.Get("Content-Type")
	if indexFold(ct, "multipart/report") < 0 {
		return false // most returned messages: no need to parse it
	}
	mt, params, err := mime.ParseMediaType(ct)
	return err == nil && strings.EqualFold(mt, "multipart/report") &&
		strings.HasSuffix(strings.ToLower(params["report-type"]), "delivery-status")
}

// oneLine turns line ends into spaces.
var oneLine = strings.NewReplacer("\r", " ", "\n", " ")

// nestedMessage rebuilds an attached message from its parsed header and
// the rest of its part (up to maxTextPart), for Parse to read a DSN that
// came attached to another message (a mail gateway's notice that forwards
// the DSN it received, or a user forwarding a bounce as an attachment).
func nestedMessage(h mail.Header, body io.Reader) []byte {
	var b bytes.Buffer
	for k, vs := range h {
		for _, v := range vs {
			// A decoded encoded-word may hold line ends: one field stays
			// one line.
			b.WriteString(k + ": " + oneLine.Replace(v) + "\r\n")
		}
	}
	b.WriteString("\r\n")
	b.ReadFrom(io.LimitReader(body, maxTextPart))
	return b.Bytes()
}

// parseHeaderLines parses header fields from lines until a blank line or a
// line that is not a field. It returns the header and how many lines it used.
func parseHeaderLines(lines []string) (mail.Header, int) {
	h := mail.Header{}
	key := ""
	var val strings.Builder
	flush := func() {
		if key != "" {
			h[key] = append(h[key], decodeWords(strings.TrimSpace(val.String())))
		}
		key = ""
		val.Reset()
	}
	i := 0
	for ; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r\n")
		if line == "" {
			if key == "" && len(h) == 0 {
				continue
			}
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if key == "" {
				if len(h) == 0 {
					continue
				}
				break
			}
			val.WriteByte(' ')
			val.WriteString(strings.TrimSpace(line))
			continue
		}
		name, v, ok := strings.Cut(line, ":")
		if !ok || !isFieldName(name) {
			break
		}
		flush()
		key = canonicalKey(name)
		val.WriteString(v)
	}
	flush()
	return h, i
}

func isFieldName(s string) bool {
	if s == "" || len(s) > 76 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

var wordDecoder = mime.WordDecoder{CharsetReader: wordCharsetReader}

func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// stripHTML turns an HTML part into text: tags dropped, block ends as
// newlines, common entities decoded.
func stripHTML(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == '<' {
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				break
			}
			tag := strings.ToLower(s[i+1 : i+j])
			if strings.HasPrefix(tag, "br") || strings.HasPrefix(tag, "/p") || strings.HasPrefix(tag, "/div") ||
				strings.HasPrefix(tag, "/tr") || strings.HasPrefix(tag, "p") || strings.HasPrefix(tag, "/h") {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
			if strings.HasPrefix(tag, "style") || strings.HasPrefix(tag, "script") {
				end := "</" + tag[:5]
				if strings.HasPrefix(tag, "script") {
					end = "</script"
				}
				if k := strings.Index(lowerASCII(s[i:]), end); k > 0 {
					i += k
					continue
				}
			}
			i += j + 1
			continue
		}
		if c == '&' {
			if j := strings.IndexByte(s[i:min(len(s), i+10)], ';'); j > 0 {
				switch s[i : i+j+1] {
				case "&lt;":
					b.WriteByte('<')
				case "&gt;":
					b.WriteByte('>')
				case "&amp;":
					b.WriteByte('&')
				case "&quot;":
					b.WriteByte('"')
				case "&nbsp;", "&#160;":
					b.WriteByte(' ')
				default:
					b.WriteString(s[i : i+j+1])
				}
				i += j + 1
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func canonicalKey(name string) string {
	return textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
}

// headerEnd returns the offset of the body in a raw message, or -1.
func headerEnd(data []byte) int {
	if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
		return i + 2
	}
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
		return i + 4
	}
	return -1
}

// lowerASCII lower-cases the ASCII letters of s and leaves every other
// byte as it is, so that an offset found in the result is the same offset
// in s (strings.ToLower turns an invalid UTF-8 byte into the three bytes
// of U+FFFD).
func lowerASCII(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// inlineDSN finds RFC 3464 fields written into a text body (as some MTAs
// and broken multiparts do) and returns them, or nil.
func inlineDSN(text string) []byte {
	l := lowerASCII(text) // offsets in l are offsets in text
	i := strings.Index(l, "\nfinal-recipient:")
	if i < 0 {
		return nil
	}
	for _, k := range []string{"\nreporting-mta:", "\noriginal-recipient:"} {
		if j := strings.Index(l, k); j >= 0 && j < i {
			i = j
		}
	}
	end := len(text)
	for _, k := range []string{"\ncontent-type: message/rfc822", "\ncontent-type: text/rfc822-headers", "\nreturn-path:", "\nreceived:"} {
		if j := strings.Index(l[i:], k); j >= 0 && i+j < end {
			end = i + j
		}
	}
	return []byte(text[i+1 : end])
}

package dmarc

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/netip"
	"path"
	"strings"

	"github.com/emersion/go-message"
	"golang.org/x/text/encoding/charmap"
)

// ReportNamespace is the XML namespace of RFC 9990 aggregate reports.
// RFC 7489 Appendix C reports have none.
const ReportNamespace = "urn:ietf:params:xml:ns:dmarc-2.0"

// MaxReportSize bounds the XML of one aggregate report after decompression,
// and a zip archive or message before it.
const MaxReportSize = 64 << 20

// Report is a DMARC aggregate report, the <feedback> document of RFC 7489
// Appendix C and of RFC 9990. Fields of either version are read; elements
// this type does not know are skipped.
type Report struct {
	// XMLName is the root element, <feedback>; its Space is
	// ReportNamespace for an RFC 9990 report.
	XMLName  xml.Name
	Version  string          `xml:"version,omitempty"`
	Metadata ReportMetadata  `xml:"report_metadata"`
	Policy   PolicyPublished `xml:"policy_published"`
	Records  []ReportRecord  `xml:"record"`

	// Recipients are the rua URIs of the record the report is about, set
	// by [Aggregator.Flush]; not part of the XML. Check them with
	// [Evaluator.Destinations] before sending.
	Recipients []URI `xml:"-"`

	// Warnings says what ParseReport found wrong in a report it could
	// still read: metadata missing or out of range (an empty org_name,
	// as some reporters send), or <feedback> inside another element that
	// is not closed. Not part of the XML.
	Warnings []string `xml:"-"`
}

// ReportMetadata describes the reporter and the period covered.
type ReportMetadata struct {
	OrgName          string    `xml:"org_name"`
	Email            string    `xml:"email"`
	ExtraContactInfo string    `xml:"extra_contact_info,omitempty"`
	ReportID         string    `xml:"report_id"`
	DateRange        DateRange `xml:"date_range"`
	Errors           []string  `xml:"error,omitempty"`
	Generator        string    `xml:"generator,omitempty"` // RFC 9990
}

// DateRange is the period covered, in seconds since the Unix epoch (UTC).
type DateRange struct {
	Begin int64 `xml:"begin"`
	End   int64 `xml:"end"`
}

// PolicyPublished is the DMARC record the reporter found.
type PolicyPublished struct {
	Domain          string    `xml:"domain"`
	DiscoveryMethod string    `xml:"discovery_method,omitempty"` // "psl" or "treewalk" (RFC 9990)
	ADKIM           Alignment `xml:"adkim,omitempty"`
	ASPF            Alignment `xml:"aspf,omitempty"`
	P               Policy    `xml:"p"`
	SP              Policy    `xml:"sp,omitempty"`
	NP              Policy    `xml:"np,omitempty"`      // RFC 9990
	Percent         *int      `xml:"pct,omitempty"`     // RFC 7489
	FO              string    `xml:"fo,omitempty"`      //
	Testing         string    `xml:"testing,omitempty"` // "y" or "n" (RFC 9990)
}

// ReportRecord is one row of a report: messages from one source with the
// same results.
type ReportRecord struct {
	Row         ReportRow   `xml:"row"`
	Identifiers Identifiers `xml:"identifiers"`
	AuthResults AuthResults `xml:"auth_results"`
}

// ReportRow is the source, the message count and the DMARC outcome.
type ReportRow struct {
	SourceIP        netip.Addr      `xml:"source_ip"`
	Count           int64           `xml:"count"`
	PolicyEvaluated PolicyEvaluated `xml:"policy_evaluated"`
}

// PolicyEvaluated is what DMARC concluded and what was done.
type PolicyEvaluated struct {
	Disposition string           `xml:"disposition"` // none, quarantine, reject (RFC 9990 also pass)
	DKIM        string           `xml:"dkim"`        // aligned DKIM: pass or fail
	SPF         string           `xml:"spf"`         // aligned SPF: pass or fail
	Reasons     []OverrideReason `xml:"reason,omitempty"`
}

// OverrideReason says why the disposition differs from the policy:
// forwarded, sampled_out, trusted_forwarder, mailing_list, local_policy,
// other.
type OverrideReason struct {
	Type    string `xml:"type"`
	Comment string `xml:"comment,omitempty"`
}

// Identifiers are the domains of the messages.
type Identifiers struct {
	EnvelopeTo   string `xml:"envelope_to,omitempty"`
	EnvelopeFrom string `xml:"envelope_from,omitempty"`
	HeaderFrom   string `xml:"header_from"`
}

// AuthResults are the raw SPF and DKIM results, before alignment.
type AuthResults struct {
	DKIM []DKIMAuthResult `xml:"dkim,omitempty"`
	SPF  []SPFAuthResult  `xml:"spf"`
}

// DKIMAuthResult is the result of one DKIM signature.
type DKIMAuthResult struct {
	Domain      string `xml:"domain"`
	Selector    string `xml:"selector,omitempty"`
	Result      string `xml:"result"`
	HumanResult string `xml:"human_result,omitempty"`
}

// SPFAuthResult is the result of the SPF check.
type SPFAuthResult struct {
	Domain      string `xml:"domain"`
	Scope       string `xml:"scope,omitempty"` // mfrom or helo
	Result      string `xml:"result"`
	HumanResult string `xml:"human_result,omitempty"`
}

// Report errors.
var (
	// ErrInvalidReport: the input is not a well-formed aggregate report.
	ErrInvalidReport = errors.New("invalid aggregate report")
	// ErrNoReport: a message holds no part that looks like a report.
	ErrNoReport = errors.New("no aggregate report in message")
	// ErrReportTooLarge: the report exceeds MaxReportSize.
	ErrReportTooLarge = errors.New("aggregate report too large")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("dmarc: %w: %s", ErrInvalidReport, fmt.Sprintf(format, args...))
}

// ParseReport reads an aggregate report as it arrives: plain XML, gzip,
// zip (the first .xml file), or an email message (RFC 5322, MIME) carrying
// one of those as a part (RFC 7489 §7.2.1.1). Input beyond MaxReportSize is
// refused with [ErrReportTooLarge]; malformed reports give an error
// wrapping [ErrInvalidReport].
func ParseReport(r io.Reader) (*Report, error) {
	return parseReport(r, true)
}

func parseReport(r io.Reader, allowMessage bool) (*Report, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, invalid("gzip: %v", err)
		}
		return decodeReport(zr)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return readZip(br)
	case looksLikeXML(head):
		return decodeReport(br)
	case allowMessage && len(head) > 0:
		return readMessage(br)
	}
	return nil, invalid("not XML, gzip, zip or a message")
}

func looksLikeXML(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// limited reads at most MaxReportSize bytes and fails past that.
type limited struct {
	r io.Reader
	n int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, ErrReportTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// maxWrappers bounds the elements a <feedback> may be found inside.
const maxWrappers = 4

// decodeReport reads the first <feedback> element. Reports are read as
// they arrive: some reporters put <feedback> inside another element, and
// leave that one unclosed; the report is read, with a warning, as long as
// <feedback> itself is well formed.
func decodeReport(r io.Reader) (*Report, error) {
	dec := xml.NewDecoder(&limited{r: r, n: MaxReportSize})
	dec.CharsetReader = charsetReader
	var rep Report
	var open []string // elements around <feedback>
scan:
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, xmlError(err, "no <feedback> element")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "feedback" {
				if err := dec.DecodeElement(&rep, &t); err != nil {
					return nil, xmlError(err, "")
				}
				break scan
			}
			if len(open) == maxWrappers {
				return nil, invalid("root element <%s>, want <feedback>", open[0])
			}
			open = append(open, t.Name.Local)
		case xml.EndElement:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) > 0 {
		w := fmt.Sprintf("<feedback> is inside <%s>, which is not part of the report format (RFC 7489 Appendix C)", strings.Join(open, "><"))
		// Read on to say whether the wrapper is closed; what follows the
		// report does not change it.
		for len(open) > 0 {
			tok, err := dec.Token()
			if err != nil {
				if errors.Is(err, ErrReportTooLarge) {
					return nil, xmlError(err, "")
				}
				w += fmt.Sprintf("; <%s> is never closed", open[len(open)-1])
				break
			}
			switch tok.(type) {
			case xml.StartElement:
				open = append(open, "")
			case xml.EndElement:
				open = open[:len(open)-1]
			}
		}
		rep.Warnings = append(rep.Warnings, w)
	}
	if err := rep.validate(); err != nil {
		return nil, err
	}
	return &rep, nil
}

// xmlError types a decoding error; eof replaces a plain end of input.
func xmlError(err error, eof string) error {
	switch {
	case errors.Is(err, ErrReportTooLarge):
		return fmt.Errorf("dmarc: %w (over %d bytes)", ErrReportTooLarge, MaxReportSize)
	case err == io.EOF && eof != "":
		return invalid("%s", eof)
	}
	return invalid("XML: %v", err)
}

// charsetReader accepts the charsets reports are seen in besides UTF-8.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	case "iso-8859-1", "latin1", "latin-1":
		return charmap.ISO8859_1.NewDecoder().Reader(r), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	}
	return nil, fmt.Errorf("unsupported charset %q", label)
}

// validate checks the report. Records must be well formed: each needs a
// source IP, a count and a header_from, or the report is refused. What
// describes the report (reporter, ID, period, policy domain) is often
// incomplete in reports as sent, and a report whose records can be read
// is read: each gap becomes a warning. A report with no records and
// neither reporter nor ID holds nothing and is refused.
func (rep *Report) validate() error {
	if rep.XMLName.Local != "feedback" {
		return invalid("root element <%s>, want <feedback>", rep.XMLName.Local)
	}
	for i, rec := range rep.Records {
		if !rec.Row.SourceIP.IsValid() {
			return invalid("record %d: missing source_ip", i+1)
		}
		if rec.Row.Count < 0 {
			return invalid("record %d: count %d", i+1, rec.Row.Count)
		}
		if strings.TrimSpace(rec.Identifiers.HeaderFrom) == "" {
			return invalid("record %d: missing header_from", i+1)
		}
	}
	m := &rep.Metadata
	org, id := strings.TrimSpace(m.OrgName), strings.TrimSpace(m.ReportID)
	if len(rep.Records) == 0 && org == "" && id == "" {
		return invalid("no records, no org_name and no report_id")
	}
	warn := func(format string, args ...any) { rep.Warnings = append(rep.Warnings, fmt.Sprintf(format, args...)) }
	if org == "" {
		warn("report_metadata has no org_name: the reporter is unnamed")
	}
	if id == "" {
		warn("report_metadata has no report_id: duplicates cannot be told apart")
	}
	if m.DateRange.Begin < 0 || m.DateRange.End < m.DateRange.Begin {
		warn("date_range %d-%d is not a period", m.DateRange.Begin, m.DateRange.End)
	}
	if strings.TrimSpace(rep.Policy.Domain) == "" {
		warn("policy_published has no domain")
	}
	return nil
}

func readZip(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(&limited{r: r, n: MaxReportSize})
	if err != nil {
		if errors.Is(err, ErrReportTooLarge) {
			return nil, fmt.Errorf("dmarc: %w: zip over %d bytes", ErrReportTooLarge, MaxReportSize)
		}
		return nil, invalid("zip: %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, invalid("zip: %v", err)
	}
	for _, f := range zr.File {
		if !strings.EqualFold(path.Ext(f.Name), ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, invalid("zip member %s: %v", f.Name, err)
		}
		defer rc.Close()
		return decodeReport(rc)
	}
	return nil, invalid("zip archive without an .xml file")
}

// readMessage finds the report in an email message: the first part whose
// type or file name says XML, gzip or zip.
func readMessage(r io.Reader) (*Report, error) {
	ent, err := message.Read(&limited{r: r, n: MaxReportSize})
	if err != nil && ent == nil {
		return nil, invalid("message: %v", err)
	}
	var rep *Report
	var partErr error
	walkErr := ent.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) {
			return err
		}
		if !isReportPart(part) {
			return nil
		}
		rep, partErr = parseReport(part.Body, false)
		if partErr != nil {
			return partErr
		}
		return errStop
	})
	switch {
	case rep != nil:
		return rep, nil
	case partErr != nil:
		return nil, partErr
	case walkErr != nil && !errors.Is(walkErr, errStop):
		if errors.Is(walkErr, ErrReportTooLarge) {
			return nil, fmt.Errorf("dmarc: %w: message over %d bytes", ErrReportTooLarge, MaxReportSize)
		}
		return nil, invalid("message: %v", walkErr)
	}
	return nil, fmt.Errorf("dmarc: %w", ErrNoReport)
}

var errStop = errors.New("stop")

func isReportPart(e *message.Entity) bool {
	mt, params, _ := e.Header.ContentType()
	if strings.HasPrefix(mt, "multipart/") {
		return false
	}
	name := params["name"]
	if _, dp, err := e.Header.ContentDisposition(); err == nil && dp["filename"] != "" {
		name = dp["filename"]
	}
	name = strings.ToLower(name)
	switch mt {
	case "application/gzip", "application/x-gzip", "application/zip", "application/x-zip-compressed",
		"application/xml", "text/xml":
		return true
	}
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".xml.gz") ||
		strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".zip")
}

// WriteTo writes the report as an XML document with its declaration.
func (rep *Report) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	if _, err := io.WriteString(cw, xml.Header); err != nil {
		return cw.n, err
	}
	enc := xml.NewEncoder(cw)
	enc.Indent("", "  ")
	out := *rep
	out.XMLName.Local = "feedback"
	if err := enc.Encode(&out); err != nil {
		return cw.n, err
	}
	if err := enc.Close(); err != nil {
		return cw.n, err
	}
	_, err := io.WriteString(cw, "\n")
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Filename returns the attachment file name of RFC 7489 §7.2.1.1 for a
// gzip-compressed report: receiver!policy-domain!begin!end.xml.gz.
func (rep *Report) Filename(receiver string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r <= ' ' || r > '~' || strings.ContainsRune(`!/\"`, r) {
				return -1
			}
			return r
		}, s)
	}
	return fmt.Sprintf("%s!%s!%d!%d.xml.gz", clean(receiver), clean(rep.Policy.Domain),
		rep.Metadata.DateRange.Begin, rep.Metadata.DateRange.End)
}

// contentTypeFor returns the media type for an attachment name.
func contentTypeFor(name string) string {
	if strings.HasSuffix(name, ".gz") {
		return "application/gzip"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

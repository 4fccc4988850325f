package tlsrpt

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
)

// MaxReportSize bounds what ParseReport reads: the input as given (a
// message, a gzip file or JSON), and the JSON once decompressed, so that a
// small gzip bomb cannot expand without end.
const MaxReportSize = 16 << 20

// maxNesting bounds how deep message/rfc822 parts (forwarded reports) are
// looked into.
const maxNesting = 3

// ParseReport reads a TLS report as it arrives: bare JSON
// (application/tlsrpt+json), gzip-compressed JSON (application/tlsrpt+gzip,
// the usual form, RFC 8460 §5.2), or an email message carrying one of those
// as a part (RFC 8460 §5.3; also inside a forwarded message/rfc822 part).
// A report is read when it has a date range and policies with their types,
// domains and counts; a missing organization-name, contact-info or
// report-id is noted in Report.Warnings. Input beyond MaxReportSize,
// before or after decompression, is refused with ErrReportTooLarge; a
// malformed report gives an error wrapping ErrInvalidReport, and a message
// without a report part ErrNoReport.
func ParseReport(r io.Reader) (*Report, error) {
	return parser{MaxReportSize}.parse(r, true, 0)
}

// parser reads reports of at most limit bytes (tests make it small).
type parser struct{ limit int64 }

// parse reads JSON, gzip JSON, or when asMessage a message, which is
// depth messages deep.
func (p parser) parse(r io.Reader, asMessage bool, depth int) (*Report, error) {
	data, err := p.readAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a byte order mark, which JSON does not allow
	body := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, invalid("gzip: %v", err)
		}
		zr.Multistream(false)
		if data, err = p.readAll(zr); err != nil {
			return nil, err
		}
		return decodeJSON(data)
	case len(body) > 0 && body[0] == '{':
		return decodeJSON(data)
	case asMessage && len(data) > 0:
		return p.readMessage(data, depth)
	case asMessage:
		return nil, invalid("empty input")
	}
	return nil, invalid("neither JSON nor gzip")
}

// readAll reads r to its end, or fails with ErrReportTooLarge past the
// limit. A report is read whole before it is decoded, as encoding/json
// does anyway.
func (p parser) readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, p.limit+1))
	switch {
	case int64(len(data)) > p.limit:
		return nil, fmt.Errorf("%w: more than %d bytes", ErrReportTooLarge, p.limit)
	case err != nil:
		return nil, invalid("reading: %v", err)
	}
	return data, nil
}

// decodeJSON decodes one JSON object, with nothing after it but white
// space, and validates it.
func decodeJSON(data []byte) (*Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		return nil, invalid("JSON: %v", err)
	}
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, invalid("data after the JSON object")
	}
	if err := rep.check(); err != nil {
		return nil, err
	}
	rep.Warnings = rep.missing()
	return &rep, nil
}

// readMessage finds the report in an email message: the first part whose
// media type or file name says TLS report, gzip or JSON, or a forwarded
// message that holds one.
func (p parser) readMessage(data []byte, depth int) (*Report, error) {
	ent, err := message.Read(bytes.NewReader(data))
	if err != nil && ent == nil {
		return nil, invalid("message: %v", err)
	}
	var rep *Report
	var firstErr error
	walkErr := ent.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return err
		}
		kind := partKind(part)
		if kind == "" {
			return nil
		}
		if kind == "message" && depth >= maxNesting {
			return nil
		}
		got, err := p.parse(part.Body, kind == "message", depth+1)
		switch {
		case err == nil:
			rep = got
			return errStop
		case errors.Is(err, ErrReportTooLarge):
			return err
		case firstErr == nil && !(kind == "message" && errors.Is(err, ErrNoReport)):
			firstErr = err
		}
		return nil
	})
	switch {
	case rep != nil:
		return rep, nil
	case walkErr != nil && !errors.Is(walkErr, errStop) && firstErr == nil:
		if errors.Is(walkErr, ErrReportTooLarge) {
			return nil, walkErr
		}
		return nil, invalid("message: %v", walkErr)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, ErrNoReport
}

var errStop = errors.New("stop")

// partKind says whether a message part may hold a report: "report" for
// one in the media types of RFC 8460 §6.3-6.4 or named *.json or *.gz
// (some reporters send application/gzip or application/octet-stream),
// "message" for a forwarded message, "" otherwise.
func partKind(e *message.Entity) string {
	mt, params, _ := e.Header.ContentType()
	mt = strings.ToLower(mt)
	switch {
	case mt == "message/rfc822":
		return "message"
	case strings.HasPrefix(mt, "multipart/"), strings.HasPrefix(mt, "text/"):
		return ""
	case mt == MediaTypeGzip, mt == MediaTypeJSON, mt == "application/gzip", mt == "application/x-gzip",
		mt == "application/json":
		return "report"
	}
	name := params["name"]
	if _, dp, err := e.Header.ContentDisposition(); err == nil && dp["filename"] != "" {
		name = dp["filename"]
	}
	name = strings.ToLower(name)
	if strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".gz") {
		return "report"
	}
	return ""
}

package main

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"

	"github.com/emersion/go-smtp"
)

// crlf returns msg with every line ending (CRLF, bare LF or bare CR) made
// CRLF, as smtpclient sends it: the message checked and signed here is
// then the one that leaves. A bare CR would otherwise start a header
// line that nothing here saw. msg itself is returned when it needs no
// change.
func crlf(msg []byte) []byte {
	// As many CRLFs as CRs and as LFs: every CR and LF is in a CRLF.
	n := bytes.Count(msg, []byte("\r\n"))
	if n == bytes.Count(msg, []byte("\r")) && n == bytes.Count(msg, []byte("\n")) {
		return msg
	}
	out := make([]byte, 0, len(msg)+len(msg)/32)
	for i := 0; i < len(msg); i++ {
		switch c := msg[i]; {
		case c == '\r' && i+1 < len(msg) && msg[i+1] == '\n':
			out = append(out, "\r\n"...)
			i++
		case c == '\r' || c == '\n':
			out = append(out, "\r\n"...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// headerError is a message refused for its header: a rule of the login
// (its From or Sender is not one the login may use) or a malformed
// header.
type headerError struct {
	policy bool
	msg    string
}

func (e *headerError) Error() string { return e.msg }

// smtpError is the reply to DATA that refuses the message.
func (e *headerError) smtpError() *smtp.SMTPError {
	if e.policy {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: e.msg}
	}
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: e.msg}
}

func malformed(format string, args ...any) error {
	return &headerError{msg: "Malformed header: " + fmt.Sprintf(format, args...)}
}

// checkHeader checks the header of msg (CRLF line ends, as crlf leaves
// it) as receivers will read it: every line a field "name: value" or its
// continuation, no NUL, exactly one From field (RFC 5322 §3.6; receivers
// applying DMARC treat several as an attack) and at most one Sender.
// Names compare without case and without the space some put before the
// colon (RFC 5322 §4.5). For a user (a non-nil a), every address of
// From and Sender must be one it may use.
func checkHeader(msg []byte, a *account) error {
	fields, err := headerFields(msg)
	if err != nil {
		return err
	}
	var from, sender []string
	for _, f := range fields {
		switch {
		case strings.EqualFold(f.name, "From"):
			from = append(from, f.value)
		case strings.EqualFold(f.name, "Sender"):
			sender = append(sender, f.value)
		}
	}
	if len(from) != 1 {
		return malformed("%d From fields; RFC 5322 §3.6 asks for exactly one", len(from))
	}
	if len(sender) > 1 {
		return malformed("%d Sender fields; RFC 5322 §3.6 allows one", len(sender))
	}
	if a == nil {
		return nil
	}
	for _, v := range append(from, sender...) {
		list, err := parseAddressList(v)
		if err != nil || len(list) == 0 {
			return &headerError{policy: true, msg: "From or Sender field without an address this login may use"}
		}
		for _, addr := range list {
			if !a.mayUse(addr.Address) {
				return &headerError{policy: true, msg: "From or Sender address not allowed for this login"}
			}
		}
	}
	return nil
}

// headerField is one field of a header: its name and its value, with the
// folds (CRLF before a space or tab) taken out.
type headerField struct{ name, value string }

// headerFields splits the header of msg (up to the first empty line, or
// all of msg) into fields.
func headerFields(msg []byte) ([]headerField, error) {
	hdr := msg
	switch i := bytes.Index(msg, []byte("\r\n\r\n")); {
	case bytes.HasPrefix(msg, []byte("\r\n")):
		hdr = nil // an empty line first: no header at all
	case i >= 0:
		hdr = msg[:i]
	}
	if bytes.IndexByte(hdr, 0) >= 0 {
		return nil, malformed("NUL in the header")
	}
	s := string(hdr)
	var fields []headerField
	start := -1 // of the field being read, in s
	flush := func(end int) {
		if start >= 0 {
			name, value, _ := strings.Cut(s[start:end], ":")
			fields = append(fields, headerField{strings.TrimRight(name, " \t"), strings.ReplaceAll(value, "\r\n", "")})
		}
	}
	for i := 0; i < len(s); {
		end := strings.Index(s[i:], "\r\n")
		if end < 0 {
			end = len(s)
		} else {
			end += i
		}
		line := s[i:end]
		switch {
		case line == "": // the end of a header without a body
		case line[0] == ' ' || line[0] == '\t':
			if start < 0 {
				return nil, malformed("the header starts with a continuation line")
			}
		default:
			name, _, ok := strings.Cut(line, ":")
			if !ok || !validFieldName(strings.TrimRight(name, " \t")) {
				return nil, malformed("not a header field: %.40q", line)
			}
			flush(i - 2)
			start = i
		}
		i = end + 2
	}
	flush(len(s))
	return fields, nil
}

// parseAddressList reads an address list as dkim.Signer reads From to
// choose its keys: encoded words in display names decoded, charsets taken
// as they come.
func parseAddressList(v string) ([]*mail.Address, error) {
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{
		CharsetReader: func(_ string, r io.Reader) (io.Reader, error) { return r, nil },
	}}
	return p.ParseList(v)
}

// validFieldName reports whether name is a header field name: printable
// US-ASCII (33 to 126) except the colon (RFC 5322 §2.2).
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

package spf

import (
	"strings"

	"github.com/emersion/go-msgauth/authres"
)

// ReceivedSPF returns the value of a Received-SPF header field for the
// result (RFC 7208 §9.1), without the field name and the line end:
//
//	pass (mx.example.org: domain of a@example.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from="a@example.com"; helo=mail.example.com; receiver=mx.example.org; identity=mailfrom; mechanism="ip4:192.0.2.0/24"
//
// Control characters and non-ASCII bytes from the identities are replaced
// by '?', so the value is safe to write into a header: it never holds CR or
// LF.
func (r *Result) ReceivedSPF() string {
	var b strings.Builder
	b.WriteString(r.Status.String())
	b.WriteString(" (")
	receiver := r.Receiver
	if receiver == "" {
		receiver = "unknown"
	}
	writeComment(&b, receiver+": "+r.comment())
	b.WriteString(")")
	if r.IP.IsValid() {
		b.WriteString(" client-ip=")
		b.WriteString(r.IP.String())
		b.WriteByte(';')
	}
	if r.Sender != "" {
		b.WriteString(" envelope-from=")
		writeQuoted(&b, r.Sender)
		b.WriteByte(';')
	}
	if r.Helo != "" {
		b.WriteString(" helo=")
		writeValue(&b, r.Helo)
		b.WriteByte(';')
	}
	if r.Receiver != "" {
		b.WriteString(" receiver=")
		writeValue(&b, r.Receiver)
		b.WriteByte(';')
	}
	if r.Identity != "" {
		b.WriteString(" identity=")
		b.WriteString(r.Identity)
		b.WriteByte(';')
	}
	if r.Mechanism != "" {
		b.WriteString(" mechanism=")
		writeQuoted(&b, r.Mechanism)
		b.WriteByte(';')
	}
	if r.Err != nil && (r.Status == Permerror || r.Status == Temperror) {
		b.WriteString(" problem=")
		writeQuoted(&b, r.Err.Error())
		b.WriteByte(';')
	}
	return strings.TrimSuffix(b.String(), ";")
}

// comment is the human-readable part of Received-SPF (RFC 7208 §9.1
// examples).
func (r *Result) comment() string {
	ip := r.IP.String()
	switch r.Status {
	case Pass:
		return "domain of " + r.Sender + " designates " + ip + " as permitted sender"
	case Fail:
		return "domain of " + r.Sender + " does not designate " + ip + " as permitted sender"
	case Softfail:
		return "domain of transitioning " + r.Sender + " does not designate " + ip + " as permitted sender"
	case Neutral:
		return ip + " is neither permitted nor denied by domain of " + r.Sender
	case None:
		return "domain of " + r.Sender + " does not designate permitted sender hosts"
	case Temperror:
		return "error in processing during lookup of " + r.Sender
	}
	return "permanent error in processing domain of " + r.Sender
}

// safe returns the byte to write for c in a header: printable ASCII as is,
// anything else '?'.
func safe(c byte) byte {
	if c < 0x20 || c > 0x7e {
		return '?'
	}
	return c
}

// writeComment writes s as the inside of a comment (RFC 5322 §3.2.2).
func writeComment(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := safe(s[i])
		if c == '(' || c == ')' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
}

// writeQuoted writes s as a quoted-string (RFC 5322 §3.2.4).
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := safe(s[i])
		if c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
}

// writeValue writes s as a dot-atom when it is one, else quoted (RFC 7208
// §9.1: key-value-pair values are dot-atom or quoted-string).
func writeValue(b *strings.Builder, s string) {
	if isDotAtom(s) {
		b.WriteString(s)
		return
	}
	writeQuoted(b, s)
}

func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlpha(c) || isDigit(c) || c == '.' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// AuthResult returns the result as an Authentication-Results "spf" entry
// (RFC 8601 §2.7.2), for authres.Format. smtp.mailfrom is the checked
// sender for the MAIL FROM identity; smtp.helo is always the HELO name.
// Errors give a reason.
func (r *Result) AuthResult() *authres.SPFResult {
	ar := &authres.SPFResult{Value: authValues[r.Status], Helo: sanitize(r.Helo)}
	if r.Identity != "helo" {
		ar.From = sanitize(r.Sender)
	}
	if r.Err != nil && (r.Status == Permerror || r.Status == Temperror) {
		ar.Reason = sanitize(r.Err.Error())
	}
	return ar
}

var authValues = [...]authres.ResultValue{
	None:      authres.ResultNone,
	Neutral:   authres.ResultNeutral,
	Pass:      authres.ResultPass,
	Fail:      authres.ResultFail,
	Softfail:  authres.ResultSoftFail,
	Temperror: authres.ResultTempError,
	Permerror: authres.ResultPermError,
}

// sanitize replaces bytes that must not reach a header with '?'.
func sanitize(s string) string {
	for i := 0; i < len(s); i++ {
		if safe(s[i]) != s[i] {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = safe(b[j])
			}
			return string(b)
		}
	}
	return s
}

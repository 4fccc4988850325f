package bounce

import (
	"strings"
)

// evidence is what is known about one recipient's failure.
type evidence struct {
	status   string // enhanced status code, possibly empty
	code     int    // SMTP reply code, 0 when unknown
	text     string // diagnostic text as received
	diagType string // Diagnostic-Code type, lower case ("smtp", "x-unix", ...)
	action   string // DSN Action, lower case
	command  string // SMTP command the failure answered, upper case
	reason   Reason // a verdict the reporting MTA stated, "" when none
}

// Classify classifies a synchronous SMTP failure: the reply code (550), the
// RFC 3463 enhanced status code ("5.1.1", may be empty) and the reply text.
// It applies the same rules Parse applies to the recipients of a bounce, so
// a failure seen during the SMTP session and one reported later by a bounce
// get the same answer.
func Classify(code int, enhanced string, text string) Classification {
	return loadRules().classify(evidence{status: enhanced, code: code, text: text})
}

// ClassifyReply is Classify for a reply whose SMTP command is known
// ("MAIL", "RCPT", "DATA", "EHLO", "CONNECT"), as smtpclient's Error
// reports it: the same text means a refused sender after MAIL, an unknown
// address after RCPT and a content filter after DATA.
func ClassifyReply(command string, code int, enhanced string, text string) Classification {
	cmd := strings.ToUpper(strings.TrimSpace(command))
	switch cmd {
	case "CONNECT", "CONNECTION", "BANNER", "GREETING":
		cmd = "CONN"
	case "HELO", "LHLO":
		cmd = "EHLO"
	case "BDAT", "DATA-END", "EOM":
		cmd = "DATA"
	}
	return loadRules().classify(evidence{status: enhanced, code: code, text: text, command: cmd})
}

func (r *rules) classify(ev evidence) Classification {
	folded := fold(ev.text)
	if ev.code == 0 {
		ev.code = findReplyCode(folded)
	}
	status := pickStatus(ev.status, folded, ev.code)
	if c := ev.code / 100; status == "" && (c == 2 || c == 4 || c == 5) && ev.code < 600 {
		status = string(rune('0'+ev.code/100)) + ".0.0"
	}
	reason := r.reason(ev, status, stripContinuations(folded))
	if ev.reason != "" && (reason == OnHold || reason == Undefined || reason == Filtered && ev.reason == UserUnknown) {
		// The reporting MTA's own verdict settles what the wording left
		// open.
		reason = ev.reason
	}
	switch {
	case ev.command == "MAIL" && (reason == HostUnknown || reason == UserUnknown || reason == Filtered):
		reason = Rejected // an unknown address or domain at MAIL FROM is the sender's
	case (ev.command == "EHLO" || ev.command == "CONN") && (reason == HostUnknown || reason == UserUnknown || reason == Filtered || reason == RequirePTR):
		reason = Blocked // a refused HELO name or connection is about the sending host
	}
	if status == "" {
		switch {
		case reason == Undefined || reason == Vacation || reason == Feedback:
		case reason == Delivered:
			status = "2.0.0"
		case ev.action == "delayed" || hasAny(folded, temporaryWords):
			status = "4.0.0"
		default:
			status = "5.0.0"
		}
	}
	c := Classification{Reason: reason, Status: status}
	c.Temporary = strings.HasPrefix(status, "4.")
	c.Hard = strings.HasPrefix(status, "5.") && hardReason(reason)
	return c
}

var temporaryWords = []string{"temporar", "retry timeout exceeded", "have been failing", "try again later", "will be retried", "delayed", "deferred", "still trying"}

func (r *rules) reason(ev evidence, status, text string) Reason {
	switch ev.action {
	case "delivered", "relayed", "expanded":
		return Delivered
	}
	if strings.HasPrefix(status, "2.") {
		return Delivered
	}
	sd := ""
	if i := strings.IndexByte(status, '.'); i > 0 {
		sd = status[i:]
	}
	if strings.HasPrefix(ev.diagType, "x-unix") {
		return MailerError
	}
	ix := new(bigrams)
	ix.index(text)
	// A provider's documented code names its own reason, whatever the
	// command or the generic words around it.
	for _, pc := range providerCodes {
		if strings.Contains(text, pc.code) {
			return pc.reason
		}
	}
	// A status code that names one reason decides, except the often
	// misused x.1.1, which yields to wording that names another reason.
	var byCode *detector
	for i := range r.specific {
		if r.specific[i].hasStatus(sd) {
			byCode = &r.specific[i]
			break
		}
	}
	if byCode != nil && byCode.reason != UserUnknown {
		return byCode.reason
	}
	for i := range r.specific {
		d := &r.specific[i]
		if !d.matchIn(text, ix) {
			continue
		}
		if d.reason == UserUnknown && ev.command == "MAIL" {
			return Rejected
		}
		if d.reason == UserUnknown && byCode == nil && !strings.HasPrefix(sd, ".1.") {
			// "No such user" after DATA, or with no command known, is the
			// recipient's filter speaking, not the address book.
			switch ev.command {
			case "RCPT":
			case "":
				if strings.HasPrefix(sd, ".7.") {
					// RFC 3463 x.7.x: the status says security or
					// policy refused it, which outranks the wording.
					return Filtered
				}
				if !hasAny(text, rcptStageWords) && !namesRecipient(text, d) {
					return Filtered
				}
			case "MAIL":
				return Rejected
			case "HELO", "EHLO", "CONN":
				return Blocked
			default:
				return Filtered
			}
		}
		if d.reason == HostUnknown && strings.HasPrefix(status, "4.") {
			return NetworkError // a DNS failure that may pass
		}
		return d.reason
	}
	if byCode != nil {
		return byCode.reason
	}
	if r.expired.matchIn(text, ix) {
		return Expired // the MTA gave up; no more specific reason was given
	}
	switch ev.command {
	case "MAIL":
		return Rejected
	case "HELO", "EHLO", "CONN":
		return Blocked
	}
	for i := range r.general {
		if r.general[i].matchIn(text, ix) {
			if r.general[i].reason == NetworkError && ev.action == "failed" && strings.HasPrefix(status, "4.") {
				// RFC 3464 §2.3.3: "failed" after a temporary network
				// error means the MTA gave up retrying.
				return Expired
			}
			return r.general[i].reason
		}
	}
	if reason, ok := r.byStatus[sd]; ok {
		return reason
	}
	if ev.action == "delayed" {
		return Expired
	}
	if strings.HasPrefix(sd, ".6.") {
		return ContentError
	}
	if strings.HasPrefix(sd, ".7.") {
		return SecurityError
	}
	if strings.HasPrefix(sd, ".5.") {
		return SyntaxError
	}
	if text != "" || status != "" {
		return OnHold
	}
	return Undefined
}

// fold lower-cases s and folds each run of white space into one space.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
		space = false
	}
	out := b.String()
	return strings.TrimSuffix(out, " ")
}

func hasAny(text string, words []string) bool {
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// pickStatus chooses the enhanced status code. A specific code quoted in the
// diagnostic wins over the given one when both are of the same class: the
// last quoted one, because gateways (SES, Exchange) put their own generic code
// before the remote server's reply.
func pickStatus(given, text string, code int) string {
	given = normStatus(given)
	best := ""
	for off := 0; off < len(text); {
		s, end := nextStatus(text, off)
		if s == "" {
			break
		}
		off = end
		if given != "" && s[0] != given[0] && (code == 0 || int(s[0]-'0') != code/100) {
			continue
		}
		if strings.HasSuffix(s, ".0.0") {
			if best == "" {
				best = s
			}
			continue
		}
		best = s
	}
	if best == "" || given != "" && strings.HasSuffix(best, ".0.0") {
		return given
	}
	return best
}

// normStatus returns the status code at the start of s ("5.1.1 (permanent
// failure)" gives "5.1.1"), or "" when s does not start with one.
func normStatus(s string) string {
	s = strings.TrimSpace(s)
	n := statusLen(s, 0)
	if n == 0 {
		return ""
	}
	return s[:n]
}

// statusLen returns the length of an RFC 3463 code starting at s[i]
// (class "." 1*3digit "." 1*3digit), or 0.
func statusLen(s string, i int) int {
	if i >= len(s) || (s[i] != '2' && s[i] != '4' && s[i] != '5') {
		return 0
	}
	j := i + 1
	if j+1 < len(s) && s[j] == '.' && (s[j+1] < '0' || s[j+1] > '7' || j+2 < len(s) && isDigit(s[j+2])) {
		return 0 // RFC 3463 §3.3: the subject is one digit
	}
	for part := 0; part < 2; part++ {
		if j >= len(s) || s[j] != '.' {
			return 0
		}
		j++
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && j-k < 3 {
			j++
		}
		if j == k {
			return 0
		}
	}
	if j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		return 0
	}
	return j - i
}

// nextStatus finds the next enhanced status code in text at or after off,
// returning it and the offset just past it.
func nextStatus(text string, off int) (string, int) {
	for i := off; i < len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if i > 0 {
			p := text[i-1]
			if p >= '0' && p <= '9' || p == '.' || p >= 'a' && p <= 'z' {
				continue
			}
		}
		if n := statusLen(text, i); n > 0 {
			return text[i : i+n], i + n
		}
	}
	return "", len(text)
}

// findReplyCode returns the first SMTP reply code in text: three digits,
// 2xx/4xx/5xx, standing alone or followed by '-'.
func findReplyCode(text string) int {
	for i := 0; i+3 <= len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if i > 0 {
			p := text[i-1]
			if p >= '0' && p <= '9' || p == '.' || p == '-' || p == '[' || p == ':' || p >= 'a' && p <= 'z' {
				continue
			}
		}
		if !isDigit(text[i+1]) || !isDigit(text[i+2]) {
			continue
		}
		if i+3 < len(text) {
			n := text[i+3]
			if n != ' ' && n != '-' && n != ',' && n != ';' && n != ':' {
				continue
			}
		}
		if text[i+1] > '5' || c == '2' && i > 0 {
			continue // a success code only counts opening the text
		}
		return int(c-'0')*100 + int(text[i+1]-'0')*10 + int(text[i+2]-'0')
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// stripContinuations removes the reply-code prefixes that multi-line SMTP
// replies repeat on each line ("550-5.7.1 ... 550-5.7.1 ..."), after the
// first, so that wording broken across lines reads whole again.
func stripContinuations(t string) string {
	code := findReplyCode(t)
	if code == 0 {
		return t
	}
	digits := t[:0]
	for i := 0; i+3 < len(t); i++ {
		if int(t[i]-'0')*100+int(t[i+1]-'0')*10+int(t[i+2]-'0') == code && (t[i+3] == '-' || t[i+3] == ' ') {
			digits = t[i : i+4]
			break
		}
	}
	if digits == "" {
		return t
	}
	first := strings.Index(t, digits[:3])
	var b strings.Builder
	b.WriteString(t[:first+4])
	rest := t[first+4:]
	for {
		i := strings.Index(rest, " "+digits[:3])
		if i < 0 || i+5 > len(rest) || rest[i+4] != '-' && rest[i+4] != ' ' {
			if i >= 0 && i+5 <= len(rest) {
				b.WriteString(rest[:i+4])
				rest = rest[i+4:]
				continue
			}
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i+1])
		rest = rest[i+5:]
		if n := statusLen(rest, 0); n > 0 && n < len(rest) && rest[n] == ' ' {
			rest = rest[n+1:]
		}
	}
}

// rcptStageWords place a user-unknown reply at the RCPT stage even when no
// command is named. They name the stage (or wording only the RCPT stage
// gives, such as Postfix's "Recipient address rejected"), not the verdict:
// "recipient not found" is said after DATA by filters as well.
var rcptStageWords = []string{
	"rcpt to", "rcpt_to", "does not like recipient", "recipient address rejected", "recipient rejected",
	"in local recipient table", "rcpt command", "recipnotfound", "address rejected",
	"recipient name is not recognized", "address couldn't be found", "requested action not taken: mailbox unavailable",
}

// namesRecipient reports a refusal that names the address it refused, the
// shape of a per-recipient reply to RCPT TO, where a filter answering after
// DATA names none ("550 : User unknown"). Two shapes are read:
// "<local@domain>: user unknown" (Postfix's "Recipient address rejected"
// and its short form) and "unknown user: local@domain" (the refusal, then
// the address alone). Sendmail's "local@domain... No such user" is not
// one: content-filter gateways answer after DATA in that form too.
func namesRecipient(text string, d *detector) bool {
	return anyAt(text, ">: ", func(at int) bool {
		lt := strings.LastIndexByte(text[:at], '<')
		if lt < 0 || !strings.Contains(text[lt:at], "@") || strings.IndexByte(text[lt:at], ' ') >= 0 {
			return false
		}
		return d.match(prefix(text[at+3:], 40))
	}) || anyAt(text, ": ", func(at int) bool {
		before := text[max(0, at-20):at]
		return isAddrAfter(text[at+2:]) && d.match(before) && !strings.Contains(before, "(")
	})
}

// anyAt reports whether f is true at one of the offsets where sub occurs
// in text.
func anyAt(text, sub string, f func(at int) bool) bool {
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], sub)
		if i < 0 {
			return false
		}
		if f(off + i) {
			return true
		}
		off += i + 1
	}
	return false
}

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// isAddrAfter reports whether text starts with local@domain, maybe in <>,
// and nothing else on its line.
func isAddrAfter(text string) bool {
	text = strings.TrimPrefix(text, "<")
	end := strings.IndexAny(text, " >")
	if end < 0 {
		end = len(text)
	}
	w := text[:end]
	at := strings.IndexByte(w, '@')
	return at > 0 && at < len(w)-3 && strings.IndexByte(w[at:], '.') > 0
}

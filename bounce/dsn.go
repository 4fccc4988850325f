package bounce

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// field is one "Name: value" line of a DSN or feedback report, with its
// continuation lines joined. Name is lower case.
type field struct {
	name, value string
	group       int // the blank-line separated group it is in (RFC 3464 §2.1)
}

// parseFields reads the fields of a message/delivery-status or
// message/feedback-report body (RFC 3464 §2.1, RFC 5965 §3.1). Blank lines
// between groups are not fields; each field records its group, and callers
// split recipients on the fields that begin them too, which copes with DSNs
// that omit the blank lines.
func parseFields(body []byte) []field {
	var out []field
	group := 0
	inField := false // the previous line was a field or continued one
	s := string(body)
	for len(s) > 0 {
		var line string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			line, s = s, ""
		}
		line = strings.TrimRight(line, "\r")
		if line == "" {
			inField = false
			if len(out) > 0 && out[len(out)-1].group == group {
				group++
			}
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			last := &out[len(out)-1]
			last.value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !isFieldName(name) {
			if inField {
				// A line that is no field right under one continues
				// it: James's DSNBounce writes the delivery error,
				// JavaMail's reply with each line ended by "\n", into
				// Status and Diagnostic-Code as it is (DSNBounce.java,
				// appendRecipient; SMTPTransport.readServerResponse).
				last := &out[len(out)-1]
				last.value += " " + strings.TrimSpace(line)
			}
			continue
		}
		out = append(out, field{name: strings.ToLower(strings.TrimSpace(name)), value: strings.TrimSpace(value), group: group})
		inField = true
	}
	return out
}

func dsnHasRecipients(body []byte) bool {
	for _, f := range parseFields(body) {
		switch f.name {
		case "final-recipient", "original-recipient", "x-actual-recipient":
			return true
		}
	}
	return false
}

func isAddrField(name string) bool {
	return name == "final-recipient" || name == "original-recipient" || name == "x-actual-recipient"
}

// groupHasAddr reports whether the fields of group at the start of fields
// include an address field.
func groupHasAddr(fields []field, group int) bool {
	for _, f := range fields {
		if f.group != group {
			return false
		}
		if isAddrField(f.name) {
			return true
		}
	}
	return false
}

// typed splits "type; value" (RFC 3464 §2.1.2 address-type, diagnostic-type,
// mta-name-type) and lower-cases the type. A value without a type gives "".
func typed(v string) (typ, rest string) {
	t, r, ok := strings.Cut(v, ";")
	if !ok || strings.ContainsAny(t, " <>@") && !strings.HasPrefix(strings.TrimSpace(strings.ToLower(t)), "x-") {
		return "", strings.TrimSpace(v)
	}
	return strings.ToLower(strings.TrimSpace(t)), strings.TrimSpace(r)
}

func cleanAddr(v string) string {
	_, a := typed(v)
	a = strings.TrimSpace(a)
	a = strings.Trim(a, "<>\"' ")
	if i := strings.IndexAny(a, " \t"); i > 0 && strings.Contains(a[:i], "@") {
		a = a[:i]
	}
	return strings.Trim(a, "<>")
}

// mailDomain reports whether a is local@domain with a domain RFC 5321
// §4.1.2 allows: dot-separated labels of letters, digits and hyphens, each
// beginning and ending with a letter or digit, or an address literal in
// brackets. RFC 6531 §1.2 extends those rules to permit internationalised
// addresses in the envelope, U-labels in the domain, which RFC 6533's DSNs
// name in Final-Recipient ("utf-8" type): a byte of a UTF-8 sequence
// counts as a letter, and such a Final-Recipient is kept.
func mailDomain(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 {
		return false
	}
	d := a[at+1:]
	if d[0] == '[' {
		return d[len(d)-1] == ']'
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if l[i] < utf8.RuneSelf && !isDomainChar(l[i]) || l[i] == '.' {
				return false
			}
		}
	}
	return true
}

// sourceRoute returns the mailbox after the RFC 5321 §4.1.2 source route
// of an address written with one ("@a,@b:user@c"), ok false when a has
// none.
func sourceRoute(a string) (mbox string, ok bool) {
	i := strings.IndexByte(a, ':')
	if !strings.HasPrefix(a, "@") || i < 0 || !strings.Contains(a[i+1:], "@") {
		return a, false
	}
	return a[i+1:], true
}

// dsnAction returns an Action field's value in lower case, as one of RFC
// 3464 §2.3.3's five where a sender wrote another word for one: "failure"
// and "error" for failed, as GNU Mailman's DSN detector reads them
// (flufl.bounce, _detectors/dsn.py: "opensmtpd uses non-compliant Action:
// error"), and "delayed" with a comment after it.
func dsnAction(v string) string {
	a := strings.ToLower(strings.Fields(v + " x")[0])
	switch {
	case strings.HasPrefix(a, "fail"), strings.HasPrefix(a, "error"):
		return "failed"
	case strings.HasPrefix(a, "delayed"):
		return "delayed"
	}
	return a
}

// parseDSN fills rep from a message/delivery-status body.
func parseDSN(rep *Report, body []byte, w *walk, rl *rules) {
	fields := parseFields(body)
	var cur *Recipient
	var recips []Recipient
	comments := map[int]string{}   // Status field comments, by recipient
	categories := map[int]Reason{} // the reporting MTA's own verdict, by recipient
	other := false                 // cur has fields besides its addresses
	start := func() {
		recips = append(recips, Recipient{})
		cur = &recips[len(recips)-1]
		other = false
	}
	// RFC 3464 §2.3 fixes no order within a per-recipient group: Exim
	// writes Action before Final-Recipient. A group that holds an address
	// but does not begin with one begins its recipient at its first field.
	group := -1
	for i, f := range fields {
		if f.group != group {
			group = f.group
			if !isAddrField(f.name) && groupHasAddr(fields[i:], group) {
				start()
			}
		}
		switch f.name {
		case "reporting-mta":
			if rep.ReportingMTA == "" {
				_, rep.ReportingMTA = typed(f.value)
			}
		case "original-recipient":
			if cur == nil || cur.OriginalRecipient != "" || cur.FinalRecipient != "" && other {
				start()
			}
			cur.OriginalRecipient = cleanAddr(f.value)
			continue
		case "final-recipient", "x-actual-recipient":
			if f.name == "x-actual-recipient" && cur != nil && cur.FinalRecipient != "" {
				continue
			}
			if cur == nil || cur.FinalRecipient != "" || cur.OriginalRecipient != "" && other {
				start()
			}
			cur.FinalRecipient = cleanAddr(f.value)
			continue
		}
		if cur == nil {
			continue
		}
		// other counts fields after an address: those before it, in a
		// group that begins with them, are its own.
		other = other || cur.FinalRecipient != "" || cur.OriginalRecipient != ""
		switch f.name {
		case "action":
			cur.Action = dsnAction(f.value)
		case "status":
			cur.Status = normStatus(f.value)
			// "4.0.0 (host name lookup failure)": the comment explains.
			if c := strings.TrimSpace(strings.TrimPrefix(f.value, cur.Status)); c != "" {
				comments[len(recips)-1] = strings.Trim(c, "() ")
			}
		case "diagnostic-code":
			if cur.DiagnosticCode == "" {
				cur.DiagnosticType, cur.DiagnosticCode = typed(f.value)
			}
		case "x-powermta-bouncecategory":
			if r, ok := powerMTACategories[strings.ToLower(strings.TrimSpace(f.value))]; ok {
				categories[len(recips)-1] = r
			}
		case "remote-mta":
			if cur.RemoteMTA == "" {
				_, cur.RemoteMTA = typed(f.value)
			}
		case "last-attempt-date":
			if t, err := mail.ParseDate(f.value); err == nil {
				cur.LastAttemptDate = t
			}
		}
	}
	var blocks []block
	var pre string
	split := false
	transcriptRead := 0 // replyRest's reading, for all the recipients
	blockRead := 0      // the text of the blocks found for them
	for i := range recips {
		rc := &recips[i]
		if rc.FinalRecipient == "" || !mailDomain(rc.FinalRecipient) && mailDomain(rc.OriginalRecipient) {
			// A Final-Recipient whose domain is no domain name (RFC 5321
			// §4.1.2: Domain is sub-domains of letters, digits and hyphens,
			// or an address literal), as a receiver that masks the address
			// writes it ("********************@**********", Apple's
			// iCloud in the Ruby mail gem's
			// spec/fixtures/emails/multipart_report_emails/original_recipient.eml),
			// names no recipient; Original-Recipient is the address the
			// sender gave (RFC 3464 §2.3.1).
			rc.FinalRecipient = rc.OriginalRecipient
		}
		if mbox, ok := sourceRoute(rc.FinalRecipient); ok {
			// RFC 5321 §4.1.2 writes a path's source route as "@host:" before
			// the mailbox; Appendix C makes it obsolete and says to ignore
			// it. Oracle (Sun) Messaging Server's DSN names in Final-Recipient
			// its own channel's route to an internal address
			// ("@stov1.example.net:user@ims_daemon", the "Recipient address:"
			// of its notice) and the address the sender gave in
			// Original-Recipient, which RFC 3464 §2.3.1 defines as that
			// address: report it. With no Original-Recipient, the mailbox
			// the route leads to.
			if rc.OriginalRecipient != "" {
				rc.FinalRecipient = rc.OriginalRecipient
			} else {
				rc.FinalRecipient = mbox
			}
		}
		if codeStatus(rc.Status, rc.DiagnosticCode) {
			// Stalwart (crates/smtp/src/queue/dsn.rs, write_dsn_status)
			// writes a reply without an enhanced code as its reply
			// code's three digits ("550" as "5.5.0"): a status made of
			// the code, which says no more than its class. The report
			// keeps it; the classification does not read its subject.
			rc.codeStatus, rc.Status = rc.Status, ""
		}
		text := rc.DiagnosticCode
		if c := comments[i]; c != "" {
			// The comment explains a missing diagnostic, and may name the
			// stage ("Remote SMTP server has rejected address").
			text = strings.TrimSpace(text + "\n" + c)
		}
		rc.category = categories[i]
		if rc.Action == "delayed" && nullmailerFinal(w) {
			rc.Action = "failed"
		}
		// A diagnostic that holds only the first line of a multi-line
		// reply (Sendmail puts "550-Verification failed for <x>" in
		// Diagnostic-Code and in its "(reason: ...)" line, and the whole
		// reply in its transcript) lacks the reply's end: RFC 5321 §4.2.1
		// ends a reply with the line whose code is followed by a space,
		// and the reason is often there ("550 Sender verify failed").
		// The rest is read from the notification's transcript.
		if unfinishedReply(text) {
			if rest := replyRest(text, w.notification(), &transcriptRead); rest != "" {
				text += "\n" + rest
			}
		}
		weak := weakDiagnostic(text)
		if !weak && findCommand(fold(text)) != "" {
			finish(rc, rl, text, "")
			continue
		}
		// The diagnostic says too little, or not which command it
		// answered: read the recipient's part of the human-readable text.
		if !split {
			blocks, pre = textBlocks(w.notification(), nil)
			// As in classifyOther: with many recipients, only the end of
			// the preamble is read with each (1,000 under a preamble of
			// 100 KiB took 7 s).
			pre = sharedTail(pre, len(recips))
			split = true
		}
		block := blockFor(blocks, rc.FinalRecipient, rc.OriginalRecipient)
		// A block is read once for each recipient it is found for: the
		// reading ends past the notification's size and maxShared, as
		// many recipients that name one address would read its block
		// each (1,000 of them beside a block of 130 KiB took 8 s).
		if blockRead += len(block); blockRead > maxShared+len(w.notification()) {
			block = ""
		}
		if !weak {
			finish(rc, rl, text, block)
			continue
		}
		if len(recips) == 1 && block == "" && len(blocks) == 0 {
			block = pre
		}
		ctext := text
		if block != "" {
			ctext = text + "\n" + errorLines(block, pre)
			if strings.TrimSpace(rc.DiagnosticCode) == "" {
				rc.DiagnosticCode = errorLines(block, "")
			}
		}
		finish(rc, rl, ctext, block)
	}
	rep.Recipients = recips
}

// nullmailerFinal reports a notification written by nullmailer-dsn,
// which says "delayed" for a 4.x status though nullmailer-send sends it
// only when the message has finally failed. nullmailer-dsn's text begins
// "This is the nullmailer delivery system." and its Action is "delayed"
// whenever the status it is given starts with 4 (bruceg/nullmailer
// src/dsn.cc: opt_ddn = opt_status[0] == '4'); nullmailer-send gives it
// one only when "the protocol handler reports a permanent failure or the
// message has been in the queue longer than queuelifetime", after the
// message "is moved into the failed queue" (nullmailer-send(8),
// DESCRIPTION, Debian's nullmailer 1:2.2), with the last reply's status:
// a temporary failure that outlived the queue is reported as delayed
// while nothing will retry it.
func nullmailerFinal(w *walk) bool {
	return strings.Contains(w.notification(), "This is the nullmailer delivery system.")
}

// codeStatus reports a Status that only spells the diagnostic's reply
// code as x.y.z ("5.5.0" beside "550 User unknown"), the diagnostic
// holding no enhanced status code of its own.
func codeStatus(status, diag string) bool {
	if len(status) != 5 || status[1] != '.' || status[3] != '.' || !isDigit(status[2]) || !isDigit(status[4]) {
		return false
	}
	code := [3]byte{status[0], status[2], status[4]}
	if !strings.Contains(diag, string(code[:])) {
		return false // the common case, decided without folding
	}
	f := fold(diag)
	c := findReplyCode(f)
	return c != 0 && !hasStatusCode(f) && c == int(code[0]-'0')*100+int(code[1]-'0')*10+int(code[2]-'0')
}

// weakDiagnostic reports a diagnostic too thin to classify alone.
func weakDiagnostic(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 12 {
		return true
	}
	f := fold(s)
	// A Diagnostic-Code that names only its type or the outcome, no
	// cause: RFC 3464 §2.3.6's diagnostic-type ("x-postfix", Postfix's
	// own) standing alone, or RFC 3463's class words ("permanent failure",
	// "temporary failure", §3.1-3.2) and the Action in words.
	for _, w := range []string{"x-postfix", "delivery failed", "permanent failure", "temporary failure", "error"} {
		if f == w {
			return true
		}
	}
	return !strings.ContainsFunc(f, func(r rune) bool { return r >= 'a' && r <= 'z' })
}

// unfinishedReply reports a diagnostic made of the continuation lines of
// a multi-line reply only: it starts with a reply code and a hyphen (RFC
// 5321 §4.2.1) and no line with that code and a space, the reply's last,
// follows.
func unfinishedReply(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 4 || s[3] != '-' || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) {
		return false
	}
	return !strings.Contains(s[4:], s[:3]+" ")
}

// replyRest returns the lines of a multi-line reply that follow its first
// line, diag, in a session transcript ("<<< 550-...", "<<< 550 ..."), up
// to the reply's last line (RFC 5321 §4.2.1), or "" when the transcript
// does not hold the reply. read counts the bytes of transcript read by
// the calls for one report, which end at maxShared: each recipient's
// search reads the transcript from its start (3,500 recipients of a DSN
// with unfinished replies, each searching 256 KiB, took seconds).
func replyRest(diag, transcript string, read *int) string {
	diag = strings.TrimSpace(diag)
	code := diag[:3]
	var rest []string
	found := false
	for transcript != "" && *read < maxShared {
		var l string
		l, transcript, _ = strings.Cut(transcript, "\n")
		*read += len(l) + 1
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "<<<"))
		if !found {
			found = sameWords(t, diag)
			continue
		}
		if len(t) < 4 || t[:3] != code || t[3] != '-' && t[3] != ' ' {
			break
		}
		rest = append(rest, t)
		if t[3] == ' ' {
			return strings.Join(rest, "\n")
		}
	}
	return ""
}

// sameWords reports whether a and b hold the same words, however the
// white space between them runs.
func sameWords(a, b string) bool {
	for {
		a = strings.TrimLeft(a, " \t\r")
		b = strings.TrimLeft(b, " \t\r\n")
		if a == "" || b == "" {
			return a == b
		}
		i := strings.IndexAny(a, " \t\r")
		if i < 0 {
			i = len(a)
		}
		j := strings.IndexAny(b, " \t\r\n")
		if j < 0 {
			j = len(b)
		}
		if a[:i] != b[:j] {
			return false
		}
		a, b = a[i:], b[j:]
	}
}

// finish classifies a recipient from its diagnostic text.
func finish(rc *Recipient, rl *rules, text, context string) {
	folded := fold(text)
	if rc.Command == "" {
		rc.Command = findCommand(folded)
		if rc.Command == "" && context != "" {
			rc.Command = findCommand(fold(context))
		}
	}
	rc.DiagnosticCode = strings.Join(strings.Fields(rc.DiagnosticCode), " ")
	c := rl.classify(evidence{
		status: rc.Status, code: rc.ReplyCode, text: text, folded: folded, diagType: rc.DiagnosticType,
		action: rc.Action, command: rc.Command, reason: rc.category,
	})
	if rc.ReplyCode == 0 {
		rc.ReplyCode = findReplyCode(folded)
	}
	rc.Status = c.Status
	if rc.codeStatus != "" && strings.HasSuffix(c.Status, ".0.0") && c.Status[0] == rc.codeStatus[0] {
		rc.Status = rc.codeStatus
	}
	rc.Reason = c.Reason
	rc.Hard = c.Hard
	rc.Temporary = c.Temporary
}

// findCommand returns the SMTP command a failure answered, from wording
// such as "after RCPT TO", "in reply to end of DATA command" or a session
// transcript's ">>> MAIL FROM".
func findCommand(t string) string {
	// qmail names the stage instead of the command (qmail-remote.c:
	// "Connected to x but greeting failed", "... but my name was
	// rejected", "... but sender was rejected", "x does not like
	// recipient", "x failed on DATA command", "x failed after I sent the
	// message").
	switch {
	case strings.Contains(t, "but greeting failed"):
		return "CONN"
	case strings.Contains(t, "refused to talk to me"):
		// Postfix smtp(8) writes "host %s refused to talk to me: %s" for
		// any greeting whose reply is not 2xx (src/smtp/smtp_proto.c,
		// smtp_helo(); its LMTP client the same for a refused LHLO):
		// the words name the stage (greetingRefusedPhrases), not why.
		return "CONN"
	case strings.Contains(t, "failed on data command"), strings.Contains(t, "failed after i sent the message"):
		return "DATA"
	case strings.Contains(t, "my name was rejected"):
		return "EHLO"
	case strings.Contains(t, "sender was rejected"):
		return "MAIL"
	case strings.Contains(t, "does not like recipient"), strings.Contains(t, "smtp:rcpt"):
		return "RCPT" // qmail; Exchange's "SMTP:RCPT host ..."
	// OpenSMTPD's SMTP client names the stage a reply refused before
	// quoting it (usr.sbin/smtpd/mta_session.c, mta_response(): "BANNER
	// rejected: %s", "EHLO rejected: %s", "HELO rejected: %s", "LHLO
	// rejected: %s", "STARTTLS rejected: %s", "AUTH rejected: %s").
	case strings.Contains(t, "banner rejected:"):
		return "CONN"
	case strings.Contains(t, "ehlo rejected:"), strings.Contains(t, "helo rejected:"), strings.Contains(t, "lhlo rejected:"):
		return "EHLO"
	case strings.Contains(t, "starttls rejected:"):
		return "STARTTLS"
	case strings.Contains(t, "auth rejected:"):
		return "AUTH"
	case strings.Contains(t, "some recipients failed:"):
		// Haraka bounces the recipients its RCPT TO refused as "Some
		// recipients failed: <addr>" (outbound/hmail.js,
		// finish_processing_mail).
		return "RCPT"
	}
	best, bestAt := "", -1
	// Postfix smtp(8) "(in reply to RCPT TO command)"; Exim "SMTP error
	// from remote mail server after RCPT TO:<x>" and "after initial
	// connection"; Sendmail's transcript ">>> RCPT To:<x>" (testdata/mta);
	// Stalwart's "host 'x' rejected command 'RCPT TO:<x>'"
	// (crates/smtp/src/queue/dsn.rs, write_dsn_text); hMailServer's
	// "hMailServer sent: RCPT TO:<x>", "." after the message
	// (SMTPClientConnection.cpp, _UpdateRecipientWithError).
	for _, pre := range []string{"in reply to ", "after ", ">>> ", "rejected command '", "server sent: "} {
		for off := 0; ; {
			i := strings.Index(t[off:], pre)
			if i < 0 {
				break
			}
			at := off + i
			rest := t[at+len(pre):]
			off = at + len(pre)
			// Exim's smtp transport names a command it pipelined as such:
			// "SMTP error from remote mail server after pipelined MAIL
			// FROM:<x>: ..." (src/src/transports/smtp.c, check_response():
			// "after %s%s" with "pipelined " while pipelining is active).
			rest = strings.TrimPrefix(rest, "pipelined ")
			cmd := ""
			switch {
			case strings.HasPrefix(rest, "rcpt"):
				cmd = "RCPT"
			case strings.HasPrefix(rest, "mail from"), strings.HasPrefix(rest, "mail command"):
				cmd = "MAIL"
			case strings.HasPrefix(rest, "end of data"), strings.HasPrefix(rest, "data"), strings.HasPrefix(rest, "end of message"),
				pre == "server sent: " && (rest == "." || strings.HasPrefix(rest, ". ")):
				cmd = "DATA"
			case pre == "server sent: " && (rest == "" || strings.HasPrefix(rest, "remote server replied")):
				// Nothing sent yet: hMailServer records the greeting's
				// refusal with an empty last command. (The text is
				// folded: its line ends are single spaces.)
				cmd = "CONN"
			case strings.HasPrefix(rest, "ehlo"), strings.HasPrefix(rest, "helo"):
				cmd = "EHLO"
			case strings.HasPrefix(rest, "starttls"):
				cmd = "STARTTLS"
			case strings.HasPrefix(rest, "auth") && (len(rest) == 4 || rest[4] < 'a' || rest[4] > 'z'):
				// RFC 4954 AUTH ("in reply to AUTH command", ">>> AUTH
				// LOGIN", "after AUTH:"); not "after authentication",
				// which is words.
				cmd = "AUTH"
			case strings.HasPrefix(rest, "initial connection"), strings.HasPrefix(rest, "connect"):
				cmd = "CONN"
			}
			if cmd != "" && (pre == ">>> " || bestAt < 0) && at > bestAt {
				best, bestAt = cmd, at
			}
		}
	}
	return best
}

// powerMTACategories maps the X-PowerMTA-BounceCategory field PowerMTA adds
// to its DSNs (its documented bounce categories) to reasons: the sending
// MTA's own verdict, which outranks wording.
var powerMTACategories = map[string]Reason{
	"bad-mailbox":         UserUnknown,
	"bad-domain":          HostUnknown,
	"inactive-mailbox":    Suspend,
	"quota-issues":        MailboxFull,
	"spam-related":        SpamDetected,
	"policy-related":      PolicyViolation,
	"content-related":     ContentError,
	"virus-related":       VirusDetected,
	"message-expired":     Expired,
	"no-answer-from-host": NetworkError,
	"bad-connection":      NetworkError,
	"routing-errors":      NetworkError,
	"relaying-issues":     NoRelaying,
	"invalid-sender":      Rejected,
	"bad-configuration":   SystemError,
	"protocol-errors":     SyntaxError,
}

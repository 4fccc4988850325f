package bounce

import (
	"net/mail"
	"strings"
)

// parseFeedback fills rep from a message/feedback-report body (RFC 5965 §3.1).
func parseFeedback(rep *Report, body []byte, w *walk) {
	fb := &FeedbackReport{}
	for _, f := range parseFields(body) {
		switch f.name {
		case "feedback-type":
			fb.Type = strings.ToLower(f.value)
		case "user-agent":
			fb.UserAgent = f.value
		case "version":
			fb.Version = f.value
		case "original-mail-from":
			fb.OriginalMailFrom = strings.Trim(f.value, "<> ")
		case "original-rcpt-to", "removal-recipient":
			fb.OriginalRcptTo = append(fb.OriginalRcptTo, strings.Trim(f.value, "<> "))
		case "arrival-date", "received-date":
			if t, err := mail.ParseDate(f.value); err == nil {
				fb.ArrivalDate = t
			}
		case "source-ip":
			fb.SourceIP = f.value
		case "reported-domain":
			fb.ReportedDomain = append(fb.ReportedDomain, f.value)
		case "reported-uri":
			fb.ReportedURI = append(fb.ReportedURI, f.value)
		case "authentication-results":
			fb.AuthenticationResults = f.value
		}
	}
	rep.Feedback = fb
	w.notification() // parses an inline original header when there is no rfc822 part
	rcpts := fb.OriginalRcptTo
	if len(rcpts) == 0 && w.original != nil {
		rcpts = addrsIn(w.original.Get("To"))
	}
	if len(rcpts) == 0 {
		rcpts = []string{""}
	}
	for _, a := range rcpts {
		rep.Recipients = append(rep.Recipients, Recipient{
			FinalRecipient: a, Action: "failed", Reason: Feedback,
			DiagnosticCode: strings.TrimSpace(firstLines(w.notification(), 3)),
		})
	}
}

// inlineFeedback returns the fields of a feedback report that an MTA
// wrote into a text part instead of a message/feedback-report part: a
// line "Feedback-Type: auth-failure" (an authentication failure report,
// RFC 6591 §3, as DMARC failure reports are, RFC 7489 §7.3) starts them,
// and the block of "Name: value" lines it opens is taken. Nil when there
// is none.
func inlineFeedback(texts []string) []byte {
	for _, text := range texts {
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			name, value, ok := strings.Cut(strings.TrimSpace(l), ":")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "feedback-type") ||
				!strings.EqualFold(strings.TrimSpace(value), "auth-failure") {
				continue
			}
			var b strings.Builder
			for _, f := range lines[i:] {
				f = strings.TrimRight(f, "\r")
				if strings.TrimSpace(f) == "" {
					break
				}
				b.WriteString(strings.TrimLeft(f, " \t"))
				b.WriteByte('\n')
			}
			return []byte(b.String())
		}
	}
	return nil
}

// authFailureSubject reports a subject that names a DMARC failure report
// (RFC 7489 §7.3 calls them failure reports; "forensic report" is the
// name of its earlier drafts that many reporters still use).
func authFailureSubject(subject string) bool {
	s := strings.ToLower(subject)
	return strings.Contains(s, "dmarc") && (strings.Contains(s, "failure report") || strings.Contains(s, "forensic report"))
}

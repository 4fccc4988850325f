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

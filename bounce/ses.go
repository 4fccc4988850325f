package bounce

import (
	"encoding/json"
	"strings"
)

// sesNotification is the JSON Amazon SES publishes (through SNS, often
// delivered by email) for bounces, complaints and deliveries.
type sesNotification struct {
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BounceSubType     string `json:"bounceSubType"`
		ReportingMTA      string `json:"reportingMTA"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Action         string `json:"action"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
		UserAgent             string `json:"userAgent"`
	} `json:"complaint"`
	Delivery *struct {
		Recipients   []string `json:"recipients"`
		SMTPResponse string   `json:"smtpResponse"`
		ReportingMTA string   `json:"reportingMTA"`
	} `json:"delivery"`
	Mail *struct {
		MessageID string `json:"messageId"`
		Source    string `json:"source"`
		Headers   []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
	} `json:"mail"`
}

// parseSES recognises an SES notification in a text body and fills rep. It
// reports whether it did.
func parseSES(rep *Report, body string, rl *rules) bool {
	i := strings.Index(body, `{"`)
	if i < 0 {
		i = strings.Index(body, "{\n")
	}
	if i < 0 || !strings.Contains(body, `notificationType`) && !strings.Contains(body, `eventType`) {
		return false
	}
	// SNS mail bodies wrap long lines with "!\n" continuation marks.
	js := strings.ReplaceAll(body[i:], "!\n ", "")
	js = strings.ReplaceAll(js, "!\r\n ", "")
	var n sesNotification
	dec := json.NewDecoder(strings.NewReader(js))
	if strings.Contains(js, `"TopicArn"`) {
		// An SNS envelope: the notification is the "Message" string.
		var env struct {
			Message string `json:"Message"`
		}
		if err := dec.Decode(&env); err != nil || env.Message == "" {
			return false
		}
		dec = json.NewDecoder(strings.NewReader(env.Message))
	}
	if err := dec.Decode(&n); err != nil {
		return false
	}
	kind := n.NotificationType
	if kind == "" {
		kind = n.EventType
	}
	switch {
	case kind == "Bounce" && n.Bounce != nil:
		rep.Kind = KindNonStandard
		_, rep.ReportingMTA = typed(n.Bounce.ReportingMTA)
		for _, b := range n.Bounce.BouncedRecipients {
			rc := Recipient{FinalRecipient: b.EmailAddress, Action: strings.ToLower(b.Action), Status: b.Status}
			rc.DiagnosticType, rc.DiagnosticCode = typed(b.DiagnosticCode)
			if rc.Status == "" && n.Bounce.BounceType == "Transient" {
				rc.Status = "4.0.0"
			}
			finish(&rc, rl, rc.DiagnosticCode, n.Bounce.BounceSubType)
			rep.Recipients = append(rep.Recipients, rc)
		}
	case kind == "Complaint" && n.Complaint != nil:
		rep.Kind = KindFeedback
		rep.Feedback = &FeedbackReport{Type: strings.ToLower(n.Complaint.ComplaintFeedbackType), UserAgent: n.Complaint.UserAgent}
		for _, c := range n.Complaint.ComplainedRecipients {
			rep.Feedback.OriginalRcptTo = append(rep.Feedback.OriginalRcptTo, c.EmailAddress)
			rep.Recipients = append(rep.Recipients, Recipient{FinalRecipient: c.EmailAddress, Action: "failed", Reason: Feedback})
		}
	case kind == "Delivery" && n.Delivery != nil:
		rep.Kind = KindDSN
		_, rep.ReportingMTA = typed(n.Delivery.ReportingMTA)
		for _, a := range n.Delivery.Recipients {
			rc := Recipient{FinalRecipient: a, Action: "delivered", DiagnosticType: "smtp", DiagnosticCode: n.Delivery.SMTPResponse}
			finish(&rc, rl, rc.DiagnosticCode, "")
			rep.Recipients = append(rep.Recipients, rc)
		}
	default:
		return false
	}
	if n.Mail != nil {
		h := make(map[string][]string)
		for _, f := range n.Mail.Headers {
			k := canonicalKey(f.Name)
			h[k] = append(h[k], f.Value)
		}
		if len(h) > 0 {
			rep.Original = h
		}
	}
	return true
}

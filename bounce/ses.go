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
	// DeliveryDelay is event publishing's record of a delivery SES is
	// still retrying (docs.aws.amazon.com/ses/latest/dg/
	// event-publishing-retrieving-sns-contents.html, DeliveryDelay object).
	DeliveryDelay *struct {
		DelayType         string `json:"delayType"`
		ReportingMTA      string `json:"reportingMTA"`
		DelayedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"delayedRecipients"`
	} `json:"deliveryDelay"`
	Mail *struct {
		MessageID string `json:"messageId"`
		Source    string `json:"source"`
		Headers   []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
	} `json:"mail"`
}

// sesBounceSubTypes maps the bounceSubType SES gives a bounce to the
// reason its documentation describes (notification-contents.html and
// event-publishing-retrieving-sns-contents.html, Bounce types): SES's own
// verdict, read where the recipient's fields name no reason (a bounce
// without a DSN has none). NoEmail "indicating that the email address
// doesn't exist"; Suppressed, on SES's suppression list "because it has a
// recent history of bouncing as an invalid address"; MailboxFull
// "the recipient's inbox was full"; MessageTooLarge "the message you sent
// was too large"; ContentRejected, "content that the provider doesn't
// allow", and AttachmentRejected, "an unacceptable attachment", the
// provider's policy on content. General and Undetermined name no reason,
// nor does OnAccountSuppressionList: the account-level suppression list
// holds addresses added for bounces and for complaints alike (the SES API
// reference, SuppressionOptions: SuppressedReasons BOUNCE, COMPLAINT), so
// the subtype says the sender's own list stopped the message, not why;
// SES's DSN for it gives Status 5.1.1 (nodemailer/mailparser's
// test/fixtures/delivery-status.eml), which is read where it is given.
var sesBounceSubTypes = map[string]Reason{
	"NoEmail":            UserUnknown,
	"Suppressed":         UserUnknown,
	"MailboxFull":        MailboxFull,
	"MessageTooLarge":    MesgTooBig,
	"ContentRejected":    PolicyViolation,
	"AttachmentRejected": PolicyViolation,
}

// sesDelayTypes maps the delayType of SES's DeliveryDelay record to the
// reason its description gives (event-publishing-retrieving-sns-contents.html,
// DeliveryDelay object: MailboxFull, "the recipient's mailbox is full";
// RecipientServerError, "a temporary issue with the recipient's email
// server"; TransientCommunicationFailure, "a temporary communication
// failure during the SMTP conversation with the recipient's email
// provider"). The others name SES's own state or more than one cause
// (IPFailure, "blocked or throttled").
var sesDelayTypes = map[string]Reason{
	"MailboxFull":                   MailboxFull,
	"RecipientServerError":          SystemError,
	"TransientCommunicationFailure": NetworkError,
}

// jsonStart returns where the first JSON object that opens with a member
// name starts in body, or -1: "{" then, after any whitespace (RFC 8259
// §2: insignificant whitespace around structural characters, as SES's
// pages print their examples), a quotation mark.
func jsonStart(body string) int {
	for i := 0; i < len(body); i++ {
		if body[i] != '{' {
			continue
		}
		if rest := strings.TrimLeft(body[i+1:], " \t\r\n"); strings.HasPrefix(rest, `"`) {
			return i
		}
	}
	return -1
}

// parseSES recognises an SES notification in a text body and fills rep. It
// reports whether it did.
func parseSES(rep *Report, body string, rl *rules) bool {
	if !strings.Contains(body, `notificationType`) && !strings.Contains(body, `eventType`) {
		return false
	}
	i := jsonStart(body)
	if i < 0 {
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
			if rc.Status == "" {
				// A bounce without a DSN has no status: SES's Permanent
				// is a hard bounce, its Transient a soft one
				// (notification-contents.html, Bounce types), RFC 3463's
				// classes 5 and 4.
				switch n.Bounce.BounceType {
				case "Transient":
					rc.Status = "4.0.0"
				case "Permanent":
					rc.Status = "5.0.0"
				}
			}
			rc.category = sesBounceSubTypes[n.Bounce.BounceSubType]
			finish(&rc, rl, rc.DiagnosticCode, n.Bounce.BounceSubType)
			if rc.Reason == Undefined {
				// SES reports the recipient bounced and its type says
				// no more ("Undetermined": the bounce "didn't contain
				// enough information"): a verdict that names no reason.
				rc.Reason = OnHold
			}
			rep.Recipients = append(rep.Recipients, rc)
		}
	case kind == "DeliveryDelay" && n.DeliveryDelay != nil:
		rep.Kind = KindNonStandard
		_, rep.ReportingMTA = typed(n.DeliveryDelay.ReportingMTA)
		for _, d := range n.DeliveryDelay.DelayedRecipients {
			rc := Recipient{FinalRecipient: d.EmailAddress, Action: "delayed", Status: d.Status}
			rc.DiagnosticType, rc.DiagnosticCode = typed(d.DiagnosticCode)
			rc.category = sesDelayTypes[n.DeliveryDelay.DelayType]
			finish(&rc, rl, rc.DiagnosticCode, "")
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

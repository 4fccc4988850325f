package tlsrpt

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// PolicyType is the kind of policy a session was under (RFC 8460 §4.4).
type PolicyType string

const (
	PolicySTS  PolicyType = "sts"             // MTA-STS (RFC 8461)
	PolicyTLSA PolicyType = "tlsa"            // DANE (RFC 7672)
	PolicyNone PolicyType = "no-policy-found" // neither
)

// ResultType is a value of the IANA registry "STARTTLS Validation Result
// Types" (RFC 8460 §6.5): why sessions failed.
type ResultType string

// The result types of RFC 8460 §4.3.
const (
	// Negotiation failures (§4.3.1).
	ResultSTARTTLSNotSupported    ResultType = "starttls-not-supported"
	ResultCertificateHostMismatch ResultType = "certificate-host-mismatch"
	ResultCertificateExpired      ResultType = "certificate-expired"
	ResultCertificateNotTrusted   ResultType = "certificate-not-trusted"
	ResultValidationFailure       ResultType = "validation-failure"
	// DANE policy failures (§4.3.2.1).
	ResultTLSAInvalid   ResultType = "tlsa-invalid"
	ResultDNSSECInvalid ResultType = "dnssec-invalid"
	ResultDANERequired  ResultType = "dane-required"
	// MTA-STS policy failures (§4.3.2.2).
	ResultSTSPolicyFetchError ResultType = "sts-policy-fetch-error"
	ResultSTSPolicyInvalid    ResultType = "sts-policy-invalid"
	ResultSTSWebPKIInvalid    ResultType = "sts-webpki-invalid"
)

// Report is an SMTP TLS report, the JSON document of RFC 8460 §4.4. The
// field order is the RFC's. Fields the RFC does not define are skipped when
// a report is read.
type Report struct {
	OrganizationName string    `json:"organization-name"`
	DateRange        DateRange `json:"date-range"`
	// ContactInfo is the reporter's contact address (an addr-spec).
	ContactInfo string `json:"contact-info"`
	// ReportID identifies the report; a receiver uses it to drop
	// duplicates (RFC 8460 §5.3).
	ReportID string         `json:"report-id"`
	Policies []PolicyResult `json:"policies"`

	// Warnings lists what ParseReport let pass although RFC 8460 §4.4
	// asks for it: a missing organization-name, contact-info or
	// report-id. They are not written.
	Warnings []string `json:"-"`
}

// DateRange is the period a report covers; RFC 8460 §4.1 asks for one UTC
// day. The times are written in RFC 3339 form.
type DateRange struct {
	Start time.Time `json:"start-datetime"`
	End   time.Time `json:"end-datetime"`
}

// PolicyResult is the outcome of the sessions under one policy.
type PolicyResult struct {
	Policy         Policy          `json:"policy"`
	Summary        Summary         `json:"summary"`
	FailureDetails []FailureDetail `json:"failure-details,omitempty"`
}

// Policy is the policy sessions were under.
type Policy struct {
	Type PolicyType `json:"policy-type"`
	// Strings is the policy as RFC 8460 §4.4 writes it: the lines of the
	// MTA-STS policy, or each TLSA record in presentation form; empty for
	// no-policy-found.
	Strings Strings `json:"policy-string,omitempty"`
	// Domain is the policy domain: the domain mail was sent to.
	Domain string `json:"policy-domain"`
	// MXHost are the MX host patterns of the policy (RFC 8460 §4.4); the
	// RFC's example writes one as a string, which is read too.
	MXHost Strings `json:"mx-host,omitempty"`
}

// Summary counts the sessions under a policy (RFC 8460 §4.2).
type Summary struct {
	TotalSuccessfulSessionCount int64 `json:"total-successful-session-count"`
	TotalFailureSessionCount    int64 `json:"total-failure-session-count"`
}

// FailureDetail counts the failed sessions of one kind (RFC 8460 §4.4).
type FailureDetail struct {
	ResultType          ResultType `json:"result-type"`
	SendingMTAIP        netip.Addr `json:"sending-mta-ip,omitzero"`
	ReceivingMXHostname string     `json:"receiving-mx-hostname,omitempty"`
	ReceivingMXHelo     string     `json:"receiving-mx-helo,omitempty"`
	ReceivingIP         netip.Addr `json:"receiving-ip,omitzero"`
	FailedSessionCount  int64      `json:"failed-session-count"`
	// AdditionalInformation is a URI with more about the failure.
	AdditionalInformation string `json:"additional-information,omitempty"`
	// FailureReasonCode is the failure as text: an error code or message
	// of the TLS stack.
	FailureReasonCode string `json:"failure-reason-code,omitempty"`
}

// Strings is a list of strings that is read from a JSON array or from a
// single string, and written as an array.
type Strings []string

// UnmarshalJSON reads an array of strings, a string, or null.
func (s *Strings) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = Strings{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*s = list
	return nil
}

// Report errors.
var (
	// ErrInvalidReport: the input is not a well-formed TLS report.
	ErrInvalidReport = errors.New("tlsrpt: invalid report")
	// ErrNoReport: a message holds no part that looks like a report.
	ErrNoReport = errors.New("tlsrpt: no report in message")
	// ErrReportTooLarge: the input or the report exceeds MaxReportSize.
	ErrReportTooLarge = errors.New("tlsrpt: report too large")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidReport, fmt.Sprintf(format, args...))
}

// Validate checks a report before it is written: a reporter, a contact
// address, a report-id, a date range that does not run backwards, and for
// each policy a type, a domain and counts that are not negative, and for
// each failure detail a result type.
func (rep *Report) Validate() error {
	if err := rep.check(); err != nil {
		return err
	}
	if w := rep.missing(); len(w) > 0 {
		return invalid("%s", w[0])
	}
	return nil
}

// missing lists the metadata RFC 8460 §4.4 asks for that a reader can do
// without.
func (rep *Report) missing() []string {
	var w []string
	if strings.TrimSpace(rep.OrganizationName) == "" {
		w = append(w, "no organization-name")
	}
	if strings.TrimSpace(rep.ContactInfo) == "" {
		w = append(w, "no contact-info")
	}
	if strings.TrimSpace(rep.ReportID) == "" {
		w = append(w, "no report-id")
	}
	return w
}

// check checks what a reader of the report cannot do without: the date
// range, and the policies with their types, domains and counts.
func (rep *Report) check() error {
	switch {
	case rep.DateRange.Start.IsZero() || rep.DateRange.End.IsZero():
		return invalid("no date-range")
	case rep.DateRange.End.Before(rep.DateRange.Start):
		return invalid("date-range ends before it starts")
	case rep.Policies == nil:
		return invalid("no policies")
	}
	for i, p := range rep.Policies {
		switch {
		case p.Policy.Type == "":
			return invalid("policy %d: no policy-type", i+1)
		case strings.TrimSpace(p.Policy.Domain) == "":
			return invalid("policy %d: no policy-domain", i+1)
		case p.Summary.TotalSuccessfulSessionCount < 0 || p.Summary.TotalFailureSessionCount < 0:
			return invalid("policy %d: negative session count", i+1)
		}
		for j, f := range p.FailureDetails {
			if f.ResultType == "" {
				return invalid("policy %d, failure detail %d: no result-type", i+1, j+1)
			}
			if f.FailedSessionCount < 0 {
				return invalid("policy %d, failure detail %d: negative failed-session-count", i+1, j+1)
			}
		}
	}
	return nil
}

// WriteTo writes the report as JSON (RFC 8460 §4.4). A report that does
// not pass Validate is refused.
func (rep *Report) WriteTo(w io.Writer) (int64, error) {
	b, err := rep.marshal()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

func (rep *Report) marshal() ([]byte, error) {
	if err := rep.Validate(); err != nil {
		return nil, err
	}
	out := *rep
	out.DateRange = DateRange{Start: rep.DateRange.Start.UTC(), End: rep.DateRange.End.UTC()}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		return nil, fmt.Errorf("tlsrpt: %w", err)
	}
	return buf.Bytes(), nil
}

// Gzip returns the report as gzip-compressed JSON, as it is sent (RFC 8460
// §5.2), with the media type MediaTypeGzip.
func (rep *Report) Gzip() ([]byte, error) {
	b, err := rep.marshal()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b) // a bytes.Buffer does not fail
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Media types of RFC 8460 §6.3 and §6.4.
const (
	MediaTypeJSON = "application/tlsrpt+json"
	MediaTypeGzip = "application/tlsrpt+gzip"
)

// PolicyDomain returns the policy domain of the report: that of its first
// policy (the reports this package builds are about one domain).
func (rep *Report) PolicyDomain() string {
	if len(rep.Policies) == 0 {
		return ""
	}
	return rep.Policies[0].Policy.Domain
}

// Filename returns the file name of the gzip-compressed report (RFC 8460
// §5.1): submitter!policy-domain!begin!end[!unique-id].json.gz, where
// submitter is the domain of the contact-info address and the times are
// Unix seconds. uniqueID, letters and digits only, tells apart reports
// that several sending systems of one submitter make for the same domain;
// empty for none.
func (rep *Report) Filename(uniqueID string) string {
	name := fileToken(Submitter(rep.ContactInfo)) + "!" + fileToken(rep.PolicyDomain()) + "!" +
		strconv.FormatInt(rep.DateRange.Start.Unix(), 10) + "!" + strconv.FormatInt(rep.DateRange.End.Unix(), 10)
	if u := alnum(uniqueID); u != "" {
		name += "!" + u
	}
	return name + ".json.gz"
}

// Submitter returns the domain of a contact-info address, lower-cased:
// the "sender" of the file name and the TLS-Report-Submitter (RFC 8460
// §5.1, §5.3). It is "" when contact is no address.
func Submitter(contact string) string {
	at := strings.LastIndexByte(contact, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(contact[at+1:], "."))
}

// fileToken keeps the characters of a domain name that are safe in a file
// name.
func fileToken(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, s)
}

// alnum keeps the letters and digits of s (unique-id of RFC 8460 §5.1).
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

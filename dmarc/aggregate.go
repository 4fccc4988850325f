package dmarc

import (
	"compress/gzip"
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"io"
	"net/mail"
	"net/netip"
	"strings"
	"sync"
	"time"

	gomail "github.com/emersion/go-message/mail"
)

// ReportFormat selects the aggregate report schema to write.
type ReportFormat int

const (
	// FormatRFC7489 is the schema of RFC 7489 Appendix C (no namespace),
	// what most receivers send today.
	FormatRFC7489 ReportFormat = iota
	// FormatRFC9990 is the DMARCbis schema: namespace ReportNamespace,
	// np, testing and discovery_method in policy_published.
	FormatRFC9990
)

// Aggregator groups evaluations into aggregate reports, one per policy
// domain, with one record per source IP, identifiers, results and
// disposition (RFC 7489 §7.2, RFC 9990). It is safe for concurrent use; the
// zero value needs only OrgName and Email.
type Aggregator struct {
	OrgName          string // the reporting organization
	Email            string // its contact address
	ExtraContactInfo string
	Format           ReportFormat

	mu      sync.Mutex
	begin   time.Time
	domains map[string]*aggDomain
	order   []string
}

type aggDomain struct {
	policy PolicyPublished
	rua    []URI
	rows   map[string]*ReportRecord
	order  []string
}

// Event is one evaluated message for an aggregate report.
type Event struct {
	Time     time.Time  // when the message arrived; zero means now
	SourceIP netip.Addr // the connecting client
	Input    Input      // what was evaluated
	Result   *Result    // what Evaluate returned
	// EnvelopeFrom is the RFC5321.MailFrom domain (HELO's for a null
	// sender); empty means Input.SPF.Domain.
	EnvelopeFrom string
	EnvelopeTo   string // the recipient domain, optional
	// Disposition is what the receiver actually did when local policy
	// overrode DMARC; empty means Result.Disposition. Give Overrides with it.
	Disposition Policy
	Overrides   []OverrideReason
}

// Add records one evaluation. Messages to which DMARC did not apply (no
// record, temperror, permerror) are not reported and are skipped; an event
// without a valid SourceIP is refused with an error.
func (a *Aggregator) Add(ev Event) error {
	res := ev.Result
	if res == nil || res.Record == nil || (res.Status != StatusPass && res.Status != StatusFail) {
		return nil
	}
	if !ev.SourceIP.IsValid() {
		return fmt.Errorf("dmarc: aggregate event for %s without a source IP", res.FromDomain)
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.domains == nil {
		a.domains = map[string]*aggDomain{}
	}
	if a.begin.IsZero() || ev.Time.Before(a.begin) {
		a.begin = ev.Time
	}
	d := a.domains[res.RecordDomain]
	if d == nil {
		d = &aggDomain{rows: map[string]*ReportRecord{}}
		a.domains[res.RecordDomain] = d
		a.order = append(a.order, res.RecordDomain)
	}
	d.policy = a.policyPublished(res) // the latest record seen wins
	d.rua = res.Record.AggregateReports

	rec := a.record(ev)
	key := recordKey(rec)
	if r := d.rows[key]; r != nil {
		r.Row.Count++
		return nil
	}
	rec.Row.Count = 1
	d.rows[key] = rec
	d.order = append(d.order, key)
	return nil
}

func (a *Aggregator) policyPublished(res *Result) PolicyPublished {
	r := res.Record
	p := PolicyPublished{
		Domain: res.RecordDomain,
		ADKIM:  r.DKIMAlignment,
		ASPF:   r.SPFAlignment,
		P:      r.Policy,
		SP:     r.SubdomainPolicy,
		FO:     r.FailureOptions,
	}
	if p.SP == "" {
		p.SP = r.Policy // RFC 7489's schema requires sp: it is p when absent
	}
	if a.Format == FormatRFC9990 {
		p.NP = r.NonexistentPolicy
		p.Testing = "n"
		if r.Testing {
			p.Testing = "y"
		}
		p.DiscoveryMethod = "treewalk"
		if res.Method == PublicSuffixList {
			p.DiscoveryMethod = "psl"
		}
	} else {
		pct := r.Percent
		p.Percent = &pct
	}
	return p
}

func (a *Aggregator) record(ev Event) *ReportRecord {
	res := ev.Result
	rec := &ReportRecord{}
	rec.Row.SourceIP = ev.SourceIP.Unmap()
	pe := &rec.Row.PolicyEvaluated
	pe.Disposition = string(res.Disposition)
	if ev.Disposition != "" {
		pe.Disposition = string(ev.Disposition)
	}
	if a.Format == FormatRFC9990 && res.Status == StatusPass && res.Policy != PolicyNone && ev.Disposition == "" {
		pe.Disposition = "pass"
	}
	pe.DKIM, pe.SPF = "fail", "fail"
	if res.DKIMAligned {
		pe.DKIM = "pass"
	}
	if res.SPFAligned {
		pe.SPF = "pass"
	}
	if res.SampledOut {
		pe.Reasons = append(pe.Reasons, OverrideReason{Type: "sampled_out"})
	}
	if res.Testing {
		pe.Reasons = append(pe.Reasons, OverrideReason{Type: "other", Comment: "t=y"})
	}
	pe.Reasons = append(pe.Reasons, ev.Overrides...)

	envFrom := ev.EnvelopeFrom
	if envFrom == "" {
		envFrom = ev.Input.SPF.Domain
	}
	rec.Identifiers = Identifiers{
		EnvelopeTo:   strings.ToLower(ev.EnvelopeTo),
		EnvelopeFrom: strings.ToLower(strings.TrimSuffix(envFrom, ".")),
		HeaderFrom:   res.FromDomain,
	}
	for _, k := range ev.Input.DKIM {
		rec.AuthResults.DKIM = append(rec.AuthResults.DKIM, DKIMAuthResult{
			Domain: strings.ToLower(k.Domain), Selector: k.Selector, Result: resultName(k.Result),
		})
	}
	scope := ev.Input.SPF.Scope
	if scope == "" {
		scope = "mfrom"
	}
	rec.AuthResults.SPF = []SPFAuthResult{{
		Domain: strings.ToLower(ev.Input.SPF.Domain), Scope: scope, Result: resultName(ev.Input.SPF.Result),
	}}
	return rec
}

func resultName(s string) string {
	if s == "" {
		return "none"
	}
	return strings.ToLower(s)
}

// recordKey identifies rows to merge: everything but the count.
func recordKey(r *ReportRecord) string {
	var b strings.Builder
	b.Grow(128)
	add := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
			b.WriteByte(0)
		}
	}
	pe := r.Row.PolicyEvaluated
	add(r.Row.SourceIP.String(), pe.Disposition, pe.DKIM, pe.SPF)
	for _, o := range pe.Reasons {
		add(o.Type, o.Comment)
	}
	id := r.Identifiers
	add("|", id.EnvelopeTo, id.EnvelopeFrom, id.HeaderFrom)
	for _, d := range r.AuthResults.DKIM {
		add(d.Domain, d.Selector, d.Result)
	}
	add("|")
	for _, s := range r.AuthResults.SPF {
		add(s.Domain, s.Scope, s.Result)
	}
	return b.String()
}

// Flush returns the reports collected since the last Flush, one per policy
// domain in the order first seen, covering the time of the first event up
// to end, and starts a new period.
func (a *Aggregator) Flush(end time.Time) []*Report {
	a.mu.Lock()
	domains, order, begin := a.domains, a.order, a.begin
	a.domains, a.order, a.begin = nil, nil, time.Time{}
	a.mu.Unlock()

	reports := make([]*Report, 0, len(order))
	for _, name := range order {
		d := domains[name]
		rep := &Report{
			XMLName: xml.Name{Local: "feedback"},
			Metadata: ReportMetadata{
				OrgName:          a.OrgName,
				Email:            a.Email,
				ExtraContactInfo: a.ExtraContactInfo,
				ReportID:         fmt.Sprintf("%d.%s", begin.Unix(), strings.ToLower(rand.Text()[:16])),
				DateRange:        DateRange{Begin: begin.Unix(), End: end.Unix()},
			},
			Policy:     d.policy,
			Recipients: d.rua,
		}
		if a.Format == FormatRFC9990 {
			rep.XMLName.Space = ReportNamespace
			rep.Version = "1.0"
			rep.Metadata.Generator = "mxkit"
		}
		for _, k := range d.order {
			rep.Records = append(rep.Records, *d.rows[k])
		}
		reports = append(reports, rep)
	}
	return reports
}

// ReportMail describes the message carrying a report (RFC 7489 §7.2.1.1).
type ReportMail struct {
	From     string    // the reporter's address
	To       string    // the rua mailbox (see [URI.Mailbox])
	Receiver string    // the reporting domain, for the subject and file name
	Date     time.Time // zero means now
}

// WriteMail writes rep as a complete email message ready to submit: a short
// text part and the report gzip-compressed as an attachment named per RFC
// 7489 §7.2.1.1. Addresses with CR or LF or that do not parse are refused.
func (rep *Report) WriteMail(w io.Writer, m ReportMail) error {
	from, err := mail.ParseAddress(m.From)
	if err != nil || strings.ContainsAny(m.From, "\r\n") {
		return fmt.Errorf("dmarc: invalid From address %q", m.From)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil || strings.ContainsAny(m.To, "\r\n") {
		return fmt.Errorf("dmarc: invalid To address %q", m.To)
	}
	if strings.ContainsAny(m.Receiver, "\r\n") || strings.ContainsAny(rep.Policy.Domain+rep.Metadata.ReportID, "\r\n") {
		return fmt.Errorf("dmarc: CR or LF in report header values")
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: from.Name, Address: from.Address}})
	h.SetAddressList("To", []*gomail.Address{{Name: to.Name, Address: to.Address}})
	h.SetDate(date)
	h.SetSubject(fmt.Sprintf("Report Domain: %s Submitter: %s Report-ID: <%s>", rep.Policy.Domain, m.Receiver, rep.Metadata.ReportID))
	if err := h.GenerateMessageID(); err != nil {
		return err
	}
	mw, err := gomail.CreateWriter(w, h)
	if err != nil {
		return err
	}
	var th gomail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, err := mw.CreateSingleInline(th)
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "This is a DMARC aggregate report for %s from %s.\r\n", rep.Policy.Domain, m.Receiver)
	if err := tw.Close(); err != nil {
		return err
	}
	name := rep.Filename(m.Receiver)
	var ah gomail.AttachmentHeader
	ah.SetContentType(contentTypeFor(name), nil)
	ah.SetFilename(name)
	aw, err := mw.CreateAttachment(ah)
	if err != nil {
		return err
	}
	gz := gzip.NewWriter(aw)
	if _, err := rep.WriteTo(gz); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	return mw.Close()
}

package tlsrpt

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/mxkit/mxkit/address"
)

// Mail describes the message that carries a report (RFC 8460 §5.3).
type Mail struct {
	From string    // the reporter's address; empty means the report's contact-info
	To   string    // the rua mailbox
	Date time.Time // zero means now
	// UniqueID goes into the attachment's file name (see Report.Filename).
	UniqueID string
}

// WriteMail writes rep as a message ready to submit, as RFC 8460 §5.3
// specifies: a multipart/report; report-type="tlsrpt" with a short text
// part and the gzip-compressed report as an application/tlsrpt+gzip
// attachment named by §5.1, the TLS-Report-Domain and TLS-Report-Submitter
// fields, and the Subject "Report Domain: … Submitter: … Report-ID: <…>".
// The submitter is the domain of the report's contact-info. Addresses and
// domains are checked by the address package's rules, so nothing that
// could break a header (CR, LF, NUL) gets through.
//
// RFC 8460 §3 asks that the message be DKIM-signed by the reporting
// domain, without l=; that is for the sending path to do.
func (rep *Report) WriteMail(w io.Writer, m Mail) error {
	gz, err := rep.Gzip()
	if err != nil {
		return err
	}
	if _, err := address.Parse(rep.ContactInfo); err != nil {
		return fmt.Errorf("tlsrpt: contact-info: %w", err)
	}
	submitter, err := address.ParseDomain(Submitter(rep.ContactInfo))
	if err != nil {
		return fmt.Errorf("tlsrpt: submitter: %w", err)
	}
	domain, err := address.ParseDomain(rep.PolicyDomain())
	if err != nil || domain.Literal().IsValid() {
		return fmt.Errorf("tlsrpt: policy domain %q is no domain name", rep.PolicyDomain())
	}
	if m.From == "" {
		m.From = rep.ContactInfo
	}
	from, err := address.Parse(m.From)
	if err != nil {
		return fmt.Errorf("tlsrpt: From: %w", err)
	}
	to, err := address.Parse(m.To)
	if err != nil {
		return fmt.Errorf("tlsrpt: To: %w", err)
	}
	if strings.HasPrefix(from.Local, `"`) || strings.HasPrefix(to.Local, `"`) {
		return fmt.Errorf("tlsrpt: quoted local parts are not supported in report mail (%s, %s)", m.From, m.To)
	}
	if m.Date.IsZero() {
		m.Date = time.Now()
	}

	// go-message puts each new field first: set them from the last to the
	// first.
	var h gomail.Header
	// "-" is not in the base64 alphabet: no line of the attachment can
	// look like the boundary.
	h.SetContentType("multipart/report", map[string]string{"report-type": "tlsrpt", "boundary": "tlsrpt-" + rand.Text()})
	h.Set("MIME-Version", "1.0")
	h.AddRaw([]byte("TLS-Report-Submitter: " + submitter.ASCII() + "\r\n"))
	h.AddRaw([]byte("TLS-Report-Domain: " + domain.ASCII() + "\r\n"))
	h.SetMessageID(strings.ToLower(rand.Text()) + "@" + submitter.ASCII())
	h.SetSubject(fmt.Sprintf("Report Domain: %s Submitter: %s Report-ID: <%s>",
		domain.ASCII(), submitter.ASCII(), subjectID(rep.ReportID, submitter.ASCII())))
	h.SetDate(m.Date)
	h.SetAddressList("To", []*gomail.Address{{Address: to.Local + "@" + to.Domain.String()}})
	h.SetAddressList("From", []*gomail.Address{{Address: from.Local + "@" + from.Domain.String()}})
	mw, err := message.CreateWriter(w, h.Header)
	if err != nil {
		return err
	}

	var th message.Header
	th.SetContentType("text/plain", map[string]string{"charset": "us-ascii"})
	th.Set("Content-Transfer-Encoding", "7bit")
	tw, err := mw.CreatePart(th)
	if err != nil {
		return err
	}
	var ok, failed int64
	for _, p := range rep.Policies {
		ok += p.Summary.TotalSuccessfulSessionCount
		failed += p.Summary.TotalFailureSessionCount
	}
	fmt.Fprintf(tw, "This is an aggregate TLS report (RFC 8460) from %s for %s,\r\n"+
		"from %s to %s: %d successful and %d failed sessions.\r\n",
		submitter.ASCII(), domain.ASCII(), rep.DateRange.Start.UTC().Format(time.RFC3339),
		rep.DateRange.End.UTC().Format(time.RFC3339), ok, failed)
	if err := tw.Close(); err != nil {
		return err
	}

	var ah message.Header
	ah.SetContentType(MediaTypeGzip, nil)
	ah.Set("Content-Transfer-Encoding", "base64")
	ah.SetContentDisposition("attachment", map[string]string{"filename": rep.Filename(m.UniqueID)})
	aw, err := mw.CreatePart(ah)
	if err != nil {
		return err
	}
	if _, err := aw.Write(gz); err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	return mw.Close()
}

// subjectID returns the report-id in the form RFC 8460 §5.3 gives the
// Subject's Report-ID, id-left "@" id-right as in a Message-ID (RFC 5322
// §3.6.4): an id that has that form is kept, another becomes the id-left
// (characters outside atext turned into dots) with the submitter as
// id-right.
func subjectID(id, submitter string) string {
	if left, right, ok := strings.Cut(id, "@"); ok && isDotAtom(left) && isDotAtom(right) {
		return id
	}
	left := strings.Map(func(r rune) rune {
		if isAtext(r) {
			return r
		}
		return '.'
	}, id)
	var parts []string
	for p := range strings.SplitSeq(left, ".") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		parts = []string{"report"}
	}
	return strings.Join(parts, ".") + "@" + submitter
}

// isAtext reports whether r is atext (RFC 5322 §3.2.3).
func isAtext(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r < 0x7f && strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// isDotAtom reports whether s is dot-atom-text (RFC 5322 §3.2.3).
func isDotAtom(s string) bool {
	if s == "" {
		return false
	}
	for p := range strings.SplitSeq(s, ".") {
		if p == "" || strings.IndexFunc(p, func(r rune) bool { return !isAtext(r) }) >= 0 {
			return false
		}
	}
	return true
}

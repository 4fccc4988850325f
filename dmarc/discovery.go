package dmarc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/resolver"
	"golang.org/x/net/publicsuffix"
)

// maxWalk is the most DNS queries one tree walk makes (RFC 9989 §4.10).
const maxWalk = 8

// lookupResult is what one _dmarc query gave.
type lookupResult struct {
	record *Record
	err    error // a *RecordError for an unusable record, ErrMultipleRecords
	temp   error // a temporary DNS failure
	count  int   // v=DMARC1 records found
}

// session holds the _dmarc answers of one evaluation so that the walks for
// the author domain and for the identifiers share queries.
type session struct {
	ctx     context.Context
	r       resolver.Resolver
	answers map[string]*lookupResult
	queries int
}

// lookup queries _dmarc.domain (once per session) and keeps the records
// that start with v=DMARC1 (RFC 9989 §4.10 step 2, RFC 7489 §6.6.3).
func (s *session) lookup(domain string) *lookupResult {
	if a, ok := s.answers[domain]; ok {
		return a
	}
	s.queries++
	a := &lookupResult{}
	txts, _, err := s.r.LookupTXT(s.ctx, "_dmarc."+domain)
	switch {
	case err != nil && (resolver.IsNotFound(err) || errors.Is(err, resolver.ErrInvalidName)):
		// No record; a name made too long by "_dmarc." cannot have one.
	case err != nil:
		a.temp = err
	default:
		var recs []string
		for _, t := range txts {
			if IsRecord(t) {
				recs = append(recs, t)
			}
		}
		a.count = len(recs)
		switch len(recs) {
		case 0:
		case 1:
			a.record, a.err = Parse(recs[0])
		default:
			a.err = fmt.Errorf("dmarc: %d records at _dmarc.%s: %w", len(recs), domain, ErrMultipleRecords)
		}
	}
	s.answers[domain] = a
	return a
}

// found is a usable record found during a walk.
type found struct {
	domain string
	record *Record
}

// walkTargets lists the names a tree walk starting at domain queries, the
// start first (RFC 9989 §4.10 steps 3-7): one label off at a time, but a
// start of eight or more labels is first shortened to seven.
func walkTargets(domain string) []string {
	labels := strings.Split(domain, ".")
	out := []string{domain}
	x := len(labels)
	next := 1
	if x >= maxWalk {
		next = x - (maxWalk - 1)
	}
	for i := next; i < x; i++ {
		out = append(out, strings.Join(labels[i:], "."))
	}
	return out
}

// walk performs the DNS tree walk from domain (RFC 9989 §4.10). skipStart
// leaves out the start (policy discovery has queried it already). It stops
// at a record with psd=y or psd=n, returns the usable records found from the
// longest name to the shortest, and fails only on temporary DNS errors.
func (s *session) walk(domain string) ([]found, error) {
	var out []found
	for _, t := range walkTargets(domain) {
		a := s.lookup(t)
		if a.temp != nil {
			return out, a.temp
		}
		if a.record == nil {
			continue
		}
		out = append(out, found{t, a.record})
		if a.record.PSD == PSDYes || a.record.PSD == PSDNo {
			break
		}
	}
	return out, nil
}

// orgFromWalk selects the Organizational Domain of start from the records
// a walk found (RFC 9989 §4.10.2).
func orgFromWalk(start string, recs []found) (org string, why string) {
	for _, f := range recs {
		if f.record.PSD == PSDNo {
			return f.domain, fmt.Sprintf("_dmarc.%s has psd=n", f.domain)
		}
		if f.record.PSD == PSDYes && f.domain != start {
			child := oneBelow(start, f.domain)
			return child, fmt.Sprintf("_dmarc.%s has psd=y, so the domain one label below it", f.domain)
		}
	}
	if len(recs) > 0 {
		last := recs[len(recs)-1]
		return last.domain, fmt.Sprintf("_dmarc.%s is the record with the fewest labels", last.domain)
	}
	return start, "no DMARC record above it: the domain itself"
}

// oneBelow returns the name one label longer than parent on the way to d.
func oneBelow(d, parent string) string {
	rest := strings.TrimSuffix(d, "."+parent)
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest + "." + parent
}

// orgDomain returns the Organizational Domain of domain for alignment:
// by tree walk (RFC 9989 §4.10.2) or from the Public Suffix List (RFC 7489
// §3.2).
func (e *Evaluator) orgDomain(s *session, domain string) (string, string, error) {
	if e.Method == PublicSuffixList {
		return pslOrg(domain), "from the Public Suffix List", nil
	}
	recs, err := s.walk(domain)
	if err != nil {
		return "", "", err
	}
	org, why := orgFromWalk(domain, recs)
	return org, why, nil
}

// pslOrg is the Organizational Domain of RFC 7489 §3.2: the public suffix
// plus one label; a public suffix itself is its own.
func pslOrg(domain string) string {
	org, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		return domain
	}
	return org
}

// OrganizationalDomain returns the Organizational Domain of domain with the
// evaluator's discovery method: the DNS tree walk (RFC 9989 §4.10.2, at most
// eight queries) or the Public Suffix List (RFC 7489 §3.2, no queries).
func (e *Evaluator) OrganizationalDomain(ctx context.Context, domain string) (string, error) {
	d, err := normalizeDomain(domain)
	if err != nil {
		return "", err
	}
	s := e.session(ctx)
	org, _, err := e.orgDomain(s, d)
	return org, err
}

func (e *Evaluator) session(ctx context.Context) *session {
	return &session{ctx: ctx, r: e.Resolver, answers: map[string]*lookupResult{}}
}

// discovery is the outcome of policy discovery.
type discovery struct {
	record    *Record
	domain    string // where the record is
	org       string // Organizational Domain of the author domain
	fromPSD   bool   // the record is a PSD's (psd=y)
	reasons   []string
	err       error // unusable record (permerror) or DNS failure (temperror)
	temporary bool
}

// discover finds the DMARC Policy Record for the author domain.
func (e *Evaluator) discover(s *session, author string) discovery {
	if e.Method == PublicSuffixList {
		return e.discover7489(s, author)
	}
	return e.discover9989(s, author)
}

// discover9989 implements RFC 9989 §4.10.1: the author domain's record, or
// the one of its Organizational Domain, or of its Public Suffix Domain. The
// Organizational Domain is left empty when the author domain has its own
// record; it is found later only if alignment needs it.
func (e *Evaluator) discover9989(s *session, author string) discovery {
	var d discovery
	a := s.lookup(author)
	switch {
	case a.temp != nil:
		d.err, d.temporary = a.temp, true
		d.reasons = append(d.reasons, "DNS failure looking up _dmarc."+author+": "+a.temp.Error())
		return d
	case a.record != nil:
		d.record, d.domain = a.record, author
		d.reasons = append(d.reasons, "record found at _dmarc."+author)
		return d
	case a.err != nil:
		d.reasons = append(d.reasons, fmt.Sprintf("record at _dmarc.%s discarded: %v", author, a.err))
	default:
		d.reasons = append(d.reasons, "no record at _dmarc."+author)
	}
	recs, err := s.walk(author) // the author's answer is reused
	if err != nil {
		d.err, d.temporary = err, true
		d.reasons = append(d.reasons, "DNS failure during the tree walk: "+err.Error())
		return d
	}
	org, why := orgFromWalk(author, recs)
	d.org = org
	d.reasons = append(d.reasons, fmt.Sprintf("Organizational Domain %s (%s)", org, why))
	for _, f := range recs {
		if f.domain == org {
			d.record, d.domain = f.record, f.domain
			d.reasons = append(d.reasons, "using the Organizational Domain's record at _dmarc."+org)
			return d
		}
	}
	for _, f := range recs {
		if f.record.PSD == PSDYes {
			d.record, d.domain, d.fromPSD = f.record, f.domain, true
			d.reasons = append(d.reasons, "no record for the Organizational Domain; using the Public Suffix Domain's at _dmarc."+f.domain)
			return d
		}
	}
	if a.err != nil && !errors.Is(a.err, ErrMultipleRecords) {
		d.err = a.err // a v=DMARC1 record that cannot be used, and nothing else
	}
	d.reasons = append(d.reasons, fmt.Sprintf("no usable DMARC record found by the tree walk from %s", author))
	return d
}

// discover7489 implements RFC 7489 §6.6.3: the author domain's record, or
// the Organizational Domain's from the Public Suffix List.
func (e *Evaluator) discover7489(s *session, author string) discovery {
	d := discovery{org: pslOrg(author)}
	d.reasons = append(d.reasons, fmt.Sprintf("Organizational Domain %s (from the Public Suffix List)", d.org))
	for _, name := range []string{author, d.org} {
		a := s.lookup(name)
		switch {
		case a.temp != nil:
			d.err, d.temporary = a.temp, true
			d.reasons = append(d.reasons, "DNS failure looking up _dmarc."+name+": "+a.temp.Error())
			return d
		case a.count == 0:
			d.reasons = append(d.reasons, "no record at _dmarc."+name)
			if name == d.org {
				return d
			}
			continue
		case a.err != nil:
			// Step 5: several records end discovery; step 6: an invalid
			// policy without rua means no DMARC processing.
			d.err = a.err
			d.reasons = append(d.reasons, fmt.Sprintf("record at _dmarc.%s unusable: %v", name, a.err))
			return d
		}
		d.record, d.domain = a.record, name
		d.reasons = append(d.reasons, "record found at _dmarc."+name)
		return d
	}
	return d
}

// normalizeDomain returns domain in the canonical form of
// address.ParseDomain (lower-case A-labels, no trailing dot), as RFC 9989
// §5.3.1 asks of the Author Domain. An address literal is not a domain
// DMARC can apply to.
func normalizeDomain(domain string) (string, error) {
	d, err := address.ParseDomain(strings.TrimSpace(domain))
	if err != nil {
		return "", fmt.Errorf("dmarc: %w: %w", ErrInvalidDomain, err)
	}
	if d.Literal().IsValid() {
		return "", fmt.Errorf("dmarc: %w: %q is an address literal", ErrInvalidDomain, domain)
	}
	return d.ASCII(), nil
}

package dmarc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/spf"
)

// Method selects how the Organizational Domain is found.
type Method int

const (
	// TreeWalk is the DNS tree walk of RFC 9989 §4.10 (DMARCbis): at most
	// eight _dmarc queries, psd= tags honoured. It is the default.
	TreeWalk Method = iota
	// PublicSuffixList is RFC 7489 §3.2 and §6.6.3: the Organizational
	// Domain is the public suffix plus one label, from the Public Suffix
	// List compiled into golang.org/x/net/publicsuffix. In this mode pct is
	// honoured and the RFC 9989 tags np, psd and t are ignored.
	PublicSuffixList
)

// Status is the DMARC result, as named in Authentication-Results (RFC 7489
// §11.2, RFC 9989 §9.2).
type Status string

const (
	StatusPass      Status = "pass"      // an aligned identifier passed
	StatusFail      Status = "fail"      // no aligned identifier passed
	StatusNone      Status = "none"      // no DMARC record applies
	StatusTempError Status = "temperror" // a DNS failure; try again later
	StatusPermError Status = "permerror" // a record exists but cannot be used
)

// Sentinel errors.
var (
	// ErrMultipleRecords: more than one v=DMARC1 record at one name; they
	// are all discarded (RFC 9989 §4.10 step 2, RFC 7489 §6.6.3 step 5).
	ErrMultipleRecords = errors.New("multiple DMARC records")
	// ErrInvalidDomain: the From domain is not a valid domain name.
	ErrInvalidDomain = errors.New("invalid domain")
	// ErrUnderlyingTemporary: SPF or DKIM gave temperror and no other
	// identifier aligned, so DMARC cannot conclude (RFC 9989 §5.3.6).
	ErrUnderlyingTemporary = errors.New("temporary error in SPF or DKIM")
)

// Evaluator evaluates DMARC for received messages. The zero value with a
// Resolver set is ready to use, and an Evaluator is safe for concurrent use.
type Evaluator struct {
	Resolver resolver.Resolver // required
	Method   Method            // TreeWalk (RFC 9989) unless set
	// Sample decides pct sampling (RFC 7489 §6.6.4): it reports whether a
	// failing message is selected for the policy, given pct in 0..100.
	// Nil draws a random number. Used only with PublicSuffixList.
	Sample func(percent int) bool
	Logger *slog.Logger // nil: silent
}

// Input is what DMARC evaluates: the author domain and the results of the
// underlying authentication checks.
type Input struct {
	FromDomain string      // RFC5322.From domain (U-labels are converted)
	SPF        SPFInput    // the SPF check of RFC5321.MailFrom (or HELO)
	DKIM       []DKIMInput // one per DKIM signature checked
}

// SPFInput is the result of the SPF check. Result is an RFC 8601 result
// name: "pass", "fail", "softfail", "neutral", "none", "temperror",
// "permerror".
type SPFInput struct {
	Result string
	Domain string // the domain checked: MAIL FROM's, or HELO's for a null sender
	Scope  string // "mfrom" or "helo"; "" means mfrom
}

// DKIMInput is the result of checking one DKIM signature.
type DKIMInput struct {
	Domain   string // d=
	Selector string // s=
	Result   string // "pass", "fail", "neutral", "temperror", "permerror", …
}

// Result is the outcome of a DMARC evaluation. Every decision is explained
// in Reasons, in the order it was taken.
type Result struct {
	Status     Status
	Method     Method  // how the record and Organizational Domains were found
	FromDomain string  // the author domain, A-labels, lower case
	Record     *Record // the DMARC Policy Record applied, nil if none
	// RecordDomain is where Record was found: the author domain, its
	// Organizational Domain, or a Public Suffix Domain.
	RecordDomain string
	// OrgDomain is the author domain's Organizational Domain; it may be
	// empty when nothing needed it (the record is at the author domain and
	// no relaxed alignment had to be checked).
	OrgDomain string

	SPFAligned  bool   // SPF passed for a domain aligned with the author domain
	DKIMAligned bool   // some DKIM signature passed for an aligned domain
	DKIMDomain  string // the d= of the first aligned passing signature

	// Policy is the policy the Domain Owner asks for this message: p for
	// the record's own domain, sp for an existing subdomain, np for a
	// non-existent one (RFC 9989 §4.10.1). Empty for none/temperror/permerror.
	Policy    Policy
	PolicyTag string // "p", "sp" or "np": where Policy came from
	// Disposition is what to apply: none on pass, else Policy, lowered
	// one level by t=y or when pct sampling did not select the message.
	Disposition Policy
	Testing     bool // t=y lowered the policy (RFC 9989 §4.7)
	SampledOut  bool // pct sampling did not select the message (RFC 7489 §6.6.4)

	Reasons []string
	Err     error // for temperror and permerror: the cause
}

func (r *Result) reason(format string, args ...any) {
	r.Reasons = append(r.Reasons, fmt.Sprintf(format, args...))
}

// Evaluate runs DMARC for one message: policy discovery, identifier
// alignment, the result and the policy to apply (RFC 9989 §5.3, or RFC 7489
// §6.6 with [PublicSuffixList]). It always returns a Result; the error is
// non-nil exactly when the Status is temperror or permerror, and wraps the
// cause (a *resolver.Error, a *RecordError, [ErrMultipleRecords],
// [ErrInvalidDomain], [ErrUnderlyingTemporary]).
func (e *Evaluator) Evaluate(ctx context.Context, in Input) (*Result, error) {
	res := &Result{Method: e.Method, Reasons: make([]string, 0, 8)}
	author, err := normalizeDomain(in.FromDomain)
	if err != nil {
		res.Status, res.Err = StatusPermError, err
		res.reason("From domain %q is not a valid domain name", in.FromDomain)
		return res, err
	}
	res.FromDomain = author
	s := e.session(ctx)
	d := e.discover(s, author)
	res.Reasons = append(res.Reasons, d.reasons...)
	res.Record, res.RecordDomain, res.OrgDomain = d.record, d.domain, d.org
	switch {
	case d.temporary:
		res.Status, res.Err = StatusTempError, d.err
		return e.done(res, s)
	case d.record == nil && d.err != nil:
		res.Status, res.Err = StatusPermError, d.err
		return e.done(res, s)
	case d.record == nil:
		res.Status = StatusNone
		res.reason("DMARC does not apply")
		return e.done(res, s)
	}
	rec := d.record

	// Identifier alignment (RFC 9989 §4.4, §5.3.4).
	spfScope := in.SPF.Scope
	if spfScope == "" {
		spfScope = "mfrom"
	}
	// A DNS failure while checking one identifier does not matter when
	// another aligns; it makes the result temperror only when none does
	// (RFC 9989 §5.3.6). The same holds for a temperror of SPF or DKIM
	// themselves: their answer might have been an aligned pass.
	var tempErr error
	if !strings.EqualFold(in.SPF.Result, "pass") {
		res.reason("SPF result %q for %q: no SPF-authenticated identifier", in.SPF.Result, in.SPF.Domain)
		if strings.EqualFold(in.SPF.Result, "temperror") {
			tempErr = fmt.Errorf("dmarc: SPF check of %q: %w", in.SPF.Domain, ErrUnderlyingTemporary)
		}
	} else if ok, why, err := e.aligned(s, res, author, in.SPF.Domain, rec.SPFAlignment); err != nil {
		tempErr = err
		res.reason("DNS failure checking SPF alignment of %s: %v", in.SPF.Domain, err)
	} else {
		res.SPFAligned = ok
		res.reason("SPF pass for %s (%s): %s", in.SPF.Domain, spfScope, why)
	}
	passed := 0
	for _, k := range in.DKIM {
		if strings.EqualFold(k.Result, "temperror") && tempErr == nil {
			tempErr = fmt.Errorf("dmarc: DKIM check of d=%s s=%s: %w", k.Domain, k.Selector, ErrUnderlyingTemporary)
		}
		if !strings.EqualFold(k.Result, "pass") {
			continue
		}
		if s.queries >= maxQueries {
			// Each passing signature may cost a tree walk: bound the total
			// so that a message with many signatures cannot make a
			// receiver send hundreds of queries (RFC 9989 §11.5).
			res.reason("DNS query budget of %d reached: remaining DKIM signatures not checked for alignment", maxQueries)
			break
		}
		passed++
		ok, why, err := e.aligned(s, res, author, k.Domain, rec.DKIMAlignment)
		if err != nil {
			tempErr = err
			res.reason("DNS failure checking DKIM alignment of d=%s: %v", k.Domain, err)
			continue
		}
		res.reason("DKIM pass for d=%s: %s", k.Domain, why)
		if ok {
			res.DKIMAligned, res.DKIMDomain = true, strings.ToLower(strings.TrimSuffix(k.Domain, "."))
			break // one aligned pass is enough
		}
	}
	if passed == 0 {
		res.reason("no DKIM signature passed (%d checked)", len(in.DKIM))
	}

	// The policy the owner asks for (RFC 9989 §4.10.1).
	e.selectPolicy(s, res, d)

	if res.SPFAligned || res.DKIMAligned {
		res.Status, res.Disposition = StatusPass, PolicyNone
		res.Reasons = append(res.Reasons, "DMARC pass: an authenticated identifier is aligned")
		return e.done(res, s)
	}
	if tempErr != nil {
		res.Status, res.Err = StatusTempError, tempErr
		res.Policy, res.PolicyTag = "", ""
		res.reason("DMARC temperror: nothing aligned, and a temporary failure might have hidden an aligned pass")
		return e.done(res, s)
	}
	res.Status = StatusFail
	res.reason("DMARC fail: no authenticated identifier is aligned with %s", author)
	res.Disposition = res.Policy
	if e.Method == PublicSuffixList {
		if rec.Percent < 100 && res.Policy != PolicyNone {
			sample := e.Sample
			if sample == nil {
				sample = func(pct int) bool { return rand.IntN(100) < pct }
			}
			if !sample(rec.Percent) {
				res.SampledOut = true
				res.Disposition = res.Policy.weaker()
				res.reason("pct=%d did not select this message: %s applied instead of %s (RFC 7489 §6.6.4)", rec.Percent, res.Disposition, res.Policy)
			} else {
				res.reason("pct=%d selected this message", rec.Percent)
			}
		}
	} else if rec.Testing && res.Policy != PolicyNone {
		res.Testing = true
		res.Disposition = res.Policy.weaker()
		res.reason("t=y: the owner is testing, %s applied instead of %s (RFC 9989 §4.7)", res.Disposition, res.Policy)
	}
	return e.done(res, s)
}

// maxQueries bounds the _dmarc queries of one evaluation: the author's walk
// and three more.
const maxQueries = 4 * maxWalk

func (e *Evaluator) done(res *Result, s *session) (*Result, error) {
	if e.Logger != nil {
		e.Logger.DebugContext(s.ctx, "dmarc evaluated", "from", res.FromDomain, "status", res.Status,
			"record_domain", res.RecordDomain, "org_domain", res.OrgDomain, "disposition", res.Disposition,
			"queries", s.queries)
	}
	return res, res.Err
}

// aligned checks identifier alignment of id with the author domain
// (RFC 9989 §4.4.1, §4.4.2, §4.10.2).
func (e *Evaluator) aligned(s *session, res *Result, author, id string, mode Alignment) (bool, string, error) {
	d, err := normalizeDomain(id)
	if err != nil {
		return false, "not a valid domain, not aligned", nil
	}
	if d == author {
		return true, "identical to the author domain (aligned)", nil
	}
	if mode == Strict {
		return false, fmt.Sprintf("differs from %s and alignment is strict (not aligned)", author), nil
	}
	// Relaxed alignment needs a common Organizational Domain, which is a
	// suffix of both names: names without a common suffix cannot align.
	if !shareSuffix(d, author) {
		return false, fmt.Sprintf("no common parent with %s (not aligned)", author), nil
	}
	if res.OrgDomain == "" {
		org, _, err := e.orgDomain(s, author)
		if err != nil {
			return false, "", err
		}
		res.OrgDomain = org
		res.reason("Organizational Domain of %s is %s", author, org)
	}
	org, _, err := e.orgDomain(s, d)
	if err != nil {
		return false, "", err
	}
	if org == res.OrgDomain {
		return true, fmt.Sprintf("Organizational Domain %s matches (relaxed, aligned)", org), nil
	}
	return false, fmt.Sprintf("Organizational Domain %s differs from %s (not aligned)", org, res.OrgDomain), nil
}

func shareSuffix(a, b string) bool {
	la := a[strings.LastIndexByte(a, '.')+1:]
	lb := b[strings.LastIndexByte(b, '.')+1:]
	return la == lb
}

// selectPolicy sets Policy and PolicyTag from the record (RFC 9989 §4.10.1,
// RFC 7489 §6.6.3 step 6 and §6.3 sp).
func (e *Evaluator) selectPolicy(s *session, res *Result, d discovery) {
	rec := d.record
	if d.domain == res.FromDomain {
		res.Policy, res.PolicyTag = rec.Policy, "p"
		res.reason("policy p=%s of the author domain's own record", rec.Policy)
		return
	}
	if e.Method != PublicSuffixList && rec.NonexistentPolicy != "" {
		exists, why := e.exists(s, res.FromDomain)
		if !exists {
			res.Policy, res.PolicyTag = rec.NonexistentPolicy, "np"
			res.reason("policy np=%s: %s does not exist (%s)", rec.NonexistentPolicy, res.FromDomain, why)
			return
		}
		res.reason("%s exists (%s), so np does not apply", res.FromDomain, why)
	}
	if rec.SubdomainPolicy != "" {
		res.Policy, res.PolicyTag = rec.SubdomainPolicy, "sp"
		res.reason("policy sp=%s of _dmarc.%s for its subdomain %s", rec.SubdomainPolicy, d.domain, res.FromDomain)
		return
	}
	res.Policy, res.PolicyTag = rec.Policy, "p"
	res.reason("policy p=%s of _dmarc.%s (no sp) for its subdomain %s", rec.Policy, d.domain, res.FromDomain)
}

// exists reports whether domain exists in the DNS: any answer but NXDOMAIN
// (RFC 9989 §3.2.13 and Appendix A.4). A DNS failure counts as existing, so
// that np is never applied on a guess.
func (e *Evaluator) exists(s *session, domain string) (bool, string) {
	s.queries++
	_, _, err := s.r.LookupMX(s.ctx, domain)
	switch {
	case err == nil:
		return true, "it has MX records"
	case errors.Is(err, resolver.ErrNXDomain):
		return false, "NXDOMAIN"
	case errors.Is(err, resolver.ErrNoData):
		return true, "the name exists"
	default:
		return true, "existence unknown after a DNS failure: " + err.Error()
	}
}

// AuthResult returns the Authentication-Results entry for r (RFC 8601, the
// "dmarc" method of RFC 7489 §11.2): the result with header.from and, as the
// reason, the policy and the disposition. Format it with [authres.Format].
func (r *Result) AuthResult() *authres.DMARCResult {
	ar := &authres.DMARCResult{Value: authres.ResultValue(r.Status), From: r.FromDomain}
	switch r.Status {
	case StatusPass, StatusFail:
		reason := fmt.Sprintf("%s=%s dis=%s", r.PolicyTag, r.Policy, r.Disposition)
		if r.Testing {
			reason += " t=y"
		}
		if r.SampledOut {
			reason += " sampled_out"
		}
		ar.Reason = reason
	case StatusTempError, StatusPermError:
		if r.Err != nil {
			ar.Reason = sanitize(r.Err.Error())
		}
	}
	return ar
}

// sanitize keeps header-safe printable ASCII (no CR/LF in header values).
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			b[i] = ' '
		}
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

// SPFResult converts the result of an spf.Checker check into the SPF input
// of an evaluation.
func SPFResult(r *spf.Result) SPFInput {
	scope := "mfrom"
	if r.Identity == "helo" {
		scope = "helo"
	}
	return SPFInput{Result: r.Status.String(), Domain: r.Domain, Scope: scope}
}

// DKIMResults converts the results of a dkim.Verifier into the DKIM input of
// an evaluation.
func DKIMResults(rs []dkim.Result) []DKIMInput {
	out := make([]DKIMInput, len(rs))
	for i, r := range rs {
		out[i] = DKIMInput{Domain: r.Domain, Selector: r.Selector, Result: string(r.Status)}
	}
	return out
}

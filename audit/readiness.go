package audit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/dmarc"
	"github.com/mxkit/mxkit/dnsbl"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/spf"
)

// MaxSampleSize bounds the sample message Readiness reads.
const MaxSampleSize = 32 << 20

// ReadinessInput is what [Readiness] checks.
type ReadinessInput struct {
	// Domain is the domain the mail is from (the RFC5322.From domain).
	Domain string
	// Sources are the addresses the mail leaves from, with the EHLO name
	// used from each.
	Sources []Source
	// MailFrom is the envelope sender (RFC5321.MailFrom) whose SPF policy
	// is checked, an address or a domain; "" takes the sample's
	// Return-Path, else Domain.
	MailFrom string
	// Message is a sample message as it is sent, DKIM-signed (or a copy
	// as received, whose Received fields then show whether the hop from
	// a source used TLS). Optional; without it DKIM is checked through
	// Selectors and the message checks are skipped.
	Message io.Reader
	// Bulk says the domain sends 5,000 or more messages a day to one
	// provider's users, the threshold of Gmail's, Yahoo's and Outlook's
	// bulk-sender requirements: DMARC, SPF and DKIM all become required,
	// and one-click unsubscribe too for subscribed mail.
	Bulk bool
	// Selectors are DKIM selectors whose keys are checked when there is
	// no Message.
	Selectors []string
	// Blocklists, when set, checks the sources and the domain against
	// its zones.
	Blocklists *dnsbl.Checker
	// Method is the DMARC discovery method (TreeWalk by default).
	Method dmarc.Method
}

// Readiness checks a sending domain, its sending addresses and optionally
// a sample message against what Gmail, Yahoo and Outlook publish for
// senders (Gmail's email sender guidelines of 2024, Yahoo's sender best
// practices of 2024, Outlook's high-volume sender requirements in force
// from May 2025):
//
//   - SPF passes for every source address (RFC 7208);
//   - DKIM: the sample carries a signature that verifies with d= aligned
//     with the From domain (or, without a sample, the selectors' keys are
//     published and sound);
//   - DMARC: a record with p=none or stricter, and the sample passes it
//     (SPF or DKIM aligned) from every source;
//   - reverse DNS: a PTR record for each source that resolves back to it,
//     and an EHLO name that resolves and matches ([Sources]);
//   - TLS: the sample's Received field for the hop from a source says it
//     used TLS (RFC 3848 protocol types), when the sample has one;
//   - for bulk mail, List-Unsubscribe with an HTTPS URI and
//     List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), both
//     covered by the aligned DKIM signature (RFC 8058 §4);
//   - the sample is well formed: one From with one mailbox, one Date,
//     one Message-ID (RFC 5322 §3.6);
//   - optionally, the sources and the domain are on no blocklist.
//
// Each finding names its rule's source and gives the fix; requirements
// that apply to bulk senders only are errors when in.Bulk is set and
// warnings otherwise. A domain that does not exist gives one finding. The
// error is non-nil only for an invalid domain, an unreadable sample or a
// cancelled context.
func Readiness(ctx context.Context, r resolver.Resolver, in ReadinessInput) ([]finding.Finding, error) {
	d, err := checkDomain(in.Domain)
	if err != nil {
		return nil, err
	}
	a := &auditor{ctx: ctx, r: r, domain: d, opts: Options{Selectors: in.Selectors, Method: in.Method}}
	if !a.exists() {
		return a.findings, ctx.Err()
	}
	rd := &readiness{auditor: a, in: in}
	if in.Message != nil {
		data, err := io.ReadAll(io.LimitReader(in.Message, MaxSampleSize+1))
		if err != nil {
			return nil, fmt.Errorf("audit: reading the sample message: %w", err)
		}
		if len(data) > MaxSampleSize {
			return nil, fmt.Errorf("audit: the sample message is larger than %d bytes", MaxSampleSize)
		}
		rd.data = data
		rd.sample = readSample(data)
		a.findings = append(a.findings, rd.sample.findings...)
		if fd := rd.sample.fromDomain; fd != "" && fd != d {
			a.addAbout("message", finding.Warning, "", "", "check the sample, or audit "+fd,
				"the sample is From %s, not %s: its DKIM and DMARC results are judged for %s", fd, d, fd)
		}
	}
	rd.spf()
	rd.dkim()
	rd.dmarc()
	for _, rep := range Sources(ctx, r, in.Sources) {
		a.findings = append(a.findings, rep.Findings...)
	}
	rd.tls()
	rd.unsubscribe()
	rd.blocklists()
	if err := ctx.Err(); err != nil {
		return a.findings, err
	}
	return a.findings, nil
}

type readiness struct {
	*auditor
	in        ReadinessInput
	data      []byte  // the sample, nil without one
	sample    *sample // its header checks
	spfPass   map[netip.Addr]bool
	spfDomain string
	dkimRes   []dkim.Result
	aligned   *dkim.Result // the first passing DKIM signature aligned with From
}

// requirement is the severity of a failed requirement: bulk-only ones are
// errors for bulk senders and warnings for others.
func (rd *readiness) requirement(bulkOnly bool) finding.Severity {
	if bulkOnly && !rd.in.Bulk {
		return finding.Warning
	}
	return finding.Error
}

// from is the author domain the DKIM and DMARC checks judge.
func (rd *readiness) from() string {
	if rd.sample != nil && rd.sample.fromDomain != "" {
		return rd.sample.fromDomain
	}
	return rd.domain
}

func (rd *readiness) spf() {
	mailFrom := rd.in.MailFrom
	if mailFrom == "" && rd.sample != nil {
		mailFrom = rd.sample.returnPath
	}
	if mailFrom == "" {
		mailFrom = rd.domain
	}
	if !strings.Contains(mailFrom, "@") {
		mailFrom = "postmaster@" + mailFrom
	}
	rd.spfDomain = strings.ToLower(mailFrom[strings.LastIndexByte(mailFrom, '@')+1:])
	rd.spfPass = map[netip.Addr]bool{}
	if len(rd.in.Sources) == 0 {
		rd.note("spf", finding.Warning, "", "give the addresses your mail leaves from", "no source addresses given: SPF was not evaluated")
		return
	}
	c := &spf.Checker{Resolver: rd.r}
	for _, s := range rd.in.Sources {
		ip := s.IP.Unmap()
		res := c.Check(rd.ctx, spf.Args{IP: ip, Helo: s.EHLO, MailFrom: mailFrom})
		if res.Status == spf.Pass {
			rd.spfPass[ip] = true
			rd.addAbout("spf", finding.Info, ip.String(), srcBulk, "", "SPF passes for %s sending as %s (%s)", ip, mailFrom, res.Mechanism)
			continue
		}
		why := res.Status.String()
		if res.Err != nil {
			why += ": " + res.Err.Error()
		} else if res.Mechanism != "" {
			why += " (" + res.Mechanism + ")"
		}
		rd.addAbout("spf", rd.requirement(true), ip.String(), "RFC 7208; "+srcBulk,
			fmt.Sprintf("add ip%s:%s to the SPF record of %s", ipVersion(ip), ip, rd.spfDomain),
			"SPF does not pass for %s sending as %s: %s", ip, mailFrom, why)
	}
}

func (rd *readiness) dkim() {
	if rd.data == nil {
		if len(rd.in.Selectors) == 0 {
			rd.note("dkim", finding.Warning, srcBulk, "give a signed sample message, or the selectors you sign with",
				"DKIM was not checked: no sample message and no selectors")
			return
		}
		rd.auditor.dkim()
		return
	}
	v := &dkim.Verifier{Resolver: rd.r}
	res, err := v.Verify(rd.ctx, bytes.NewReader(rd.data))
	if err != nil {
		rd.note("dkim", finding.Error, "RFC 6376", "send a sample that can be read", "the sample could not be verified: %v", err)
		return
	}
	rd.dkimRes = res
	from := rd.from()
	for i := range res {
		s := &res[i]
		if s.Status != dkim.Pass {
			rd.addAbout("dkim", finding.Warning, "d="+s.Domain, "RFC 6376 §6", "fix the signer or publish the key at "+s.Selector+"._domainkey."+s.Domain,
				"DKIM signature d=%s s=%s does not verify: %s", s.Domain, s.Selector, errText(s.Err, string(s.Status)))
			continue
		}
		if rd.aligned == nil && rd.alignedWith(s.Domain, from) {
			rd.aligned = s
		}
	}
	switch {
	case rd.aligned != nil:
		rd.note("dkim", finding.Info, srcBulk, "", "DKIM signature d=%s s=%s verifies and is aligned with From %s", rd.aligned.Domain, rd.aligned.Selector, from)
	case len(res) == 0:
		rd.note("dkim", rd.requirement(true), srcBulk, "sign every message with a key of "+from+" (dkim.Signer)", "the sample has no DKIM signature")
	default:
		rd.note("dkim", rd.requirement(true), "RFC 7489 §3.1.1; "+srcBulk, "sign with d="+from+" (or a subdomain of its Organizational Domain) in addition to any other signature",
			"no DKIM signature that verifies has a d= aligned with From %s", from)
	}
}

// alignedWith reports relaxed alignment (RFC 7489 §3.1): the same
// Organizational Domain.
func (rd *readiness) alignedWith(d, from string) bool {
	d, from = strings.ToLower(d), strings.ToLower(from)
	if d == from {
		return true
	}
	e := &dmarc.Evaluator{Resolver: rd.r, Method: rd.in.Method}
	od, err1 := e.OrganizationalDomain(rd.ctx, d)
	of, err2 := e.OrganizationalDomain(rd.ctx, from)
	return err1 == nil && err2 == nil && od == of
}

func (rd *readiness) dmarc() {
	from := rd.from()
	e := &dmarc.Evaluator{Resolver: rd.r, Method: rd.in.Method}
	res, _ := e.Evaluate(rd.ctx, dmarc.Input{FromDomain: from})
	switch {
	case res.Status == dmarc.StatusTempError:
		rd.note("dmarc", finding.Warning, "", "check the DNS servers of "+from, "DMARC discovery failed: %v", res.Err)
		return
	case res.Record == nil:
		rd.note("dmarc", rd.requirement(true), srcBulk,
			fmt.Sprintf(`publish TXT at _dmarc.%s: "v=DMARC1; p=none; rua=mailto:dmarc-reports@%s"`, from, from),
			"%s has no usable DMARC record: bulk senders must publish one (p=none is enough)", from)
		return
	}
	rd.note("dmarc", finding.Info, srcBulk, "", "DMARC record of %s applies with %s=%s", res.RecordDomain, res.PolicyTag, res.Policy)

	if rd.data == nil {
		// Without a sample only SPF alignment can be judged.
		if !rd.alignedWith(rd.spfDomain, from) {
			rd.note("dmarc", rd.requirement(true), "RFC 7489 §3.1.2; "+srcBulk,
				"use a bounce address at "+from+" or a subdomain of it, or rely on an aligned DKIM signature",
				"the envelope sender's domain %s is not aligned with %s: SPF cannot make DMARC pass", rd.spfDomain, from)
		}
		return
	}
	var dk []dmarc.DKIMInput
	for _, s := range rd.dkimRes {
		dk = append(dk, dmarc.DKIMInput{Domain: s.Domain, Selector: s.Selector, Result: string(s.Status)})
	}
	failed := 0
	for _, s := range rd.in.Sources {
		ip := s.IP.Unmap()
		result := "fail"
		if rd.spfPass[ip] {
			result = "pass"
		}
		res, _ := e.Evaluate(rd.ctx, dmarc.Input{FromDomain: from, SPF: dmarc.SPFInput{Result: result, Domain: rd.spfDomain}, DKIM: dk})
		if res.Status != dmarc.StatusPass {
			failed++
			rd.addAbout("dmarc", rd.requirement(true), ip.String(), "RFC 7489 §3.1; "+srcBulk,
				"make SPF pass for "+ip.String()+" with an aligned bounce domain, or sign with an aligned DKIM key",
				"DMARC does not pass for the sample sent from %s (SPF %s for %s, no aligned DKIM pass): %s", ip, result, rd.spfDomain, res.Status)
		}
	}
	if failed == 0 && len(rd.in.Sources) > 0 {
		rd.note("dmarc", finding.Info, srcBulk, "", "DMARC passes for the sample from every source")
	}
}

func (rd *readiness) tls() {
	const src = "RFC 3848 §4; " + srcGmail
	if rd.sample == nil || rd.sample.header == nil {
		rd.note("tls", finding.Info, src, "", "TLS not checked: give a sample as received (its Received field shows the hop from a source); smtpclient uses STARTTLS whenever the receiver offers it")
		return
	}
	field, tls, found := rd.sample.hopTLS(rd.in.Sources)
	switch {
	case !found && field != "":
		rd.note("tls", finding.Info, src, "", "the Received field of the hop from a source does not name its protocol: TLS not checked")
	case !found:
		rd.note("tls", finding.Info, src, "", "the sample has no Received field for a hop from the sources (a copy as received shows it): TLS not checked; smtpclient uses STARTTLS whenever the receiver offers it")
	case tls:
		rd.note("tls", finding.Info, src, "", "the sample was received from a source over TLS")
	default:
		rd.note("tls", finding.Error, src, "use STARTTLS (smtpclient does unless its TLS policy is turned off)",
			"the sample was received from a source without TLS: %s", clip(oneSpace(field)))
	}
}

func (rd *readiness) unsubscribe() {
	const src = "RFC 8058; " + srcGmail + "; " + srcYahoo
	if rd.sample == nil || rd.sample.header == nil {
		if rd.in.Bulk {
			rd.note("unsubscribe", finding.Warning, src, "give a sample message", "one-click unsubscribe was not checked: no sample message")
		}
		return
	}
	sev := rd.requirement(true)
	if !rd.in.Bulk {
		sev = finding.Info // required of bulk senders' subscribed mail only
	}
	lu, post := rd.sample.values("List-Unsubscribe"), rd.sample.values("List-Unsubscribe-Post")
	switch {
	case len(lu) == 0:
		rd.note("unsubscribe", sev, src, "add List-Unsubscribe: <https://…> and List-Unsubscribe-Post: List-Unsubscribe=One-Click",
			"the sample has no List-Unsubscribe field: marketing and subscribed mail from bulk senders must offer one-click unsubscribe")
		return
	case !hasHTTPS(lu[0]):
		rd.note("unsubscribe", sev, src, "add an https: URI to List-Unsubscribe (a mailto: alone is not one-click)",
			"List-Unsubscribe has no HTTPS URI: one-click unsubscribe needs one (RFC 8058 §3.1)")
		return
	case len(post) != 1 || strings.TrimSpace(post[0]) != "List-Unsubscribe=One-Click":
		rd.note("unsubscribe", sev, src, "add List-Unsubscribe-Post: List-Unsubscribe=One-Click",
			"List-Unsubscribe-Post is missing or not \"List-Unsubscribe=One-Click\" (RFC 8058 §3.1)")
		return
	}
	if rd.aligned == nil || !covers(rd.aligned.HeaderKeys, "List-Unsubscribe") || !covers(rd.aligned.HeaderKeys, "List-Unsubscribe-Post") {
		rd.note("unsubscribe", sev, "RFC 8058 §4", "sign List-Unsubscribe and List-Unsubscribe-Post (add both to the DKIM h= list)",
			"List-Unsubscribe and List-Unsubscribe-Post are not both covered by an aligned DKIM signature that verifies")
		return
	}
	rd.note("unsubscribe", finding.Info, src, "", "one-click unsubscribe (RFC 8058) present and covered by the DKIM signature")
}

func (rd *readiness) blocklists() {
	c := rd.in.Blocklists
	if c == nil {
		return
	}
	var ips []netip.Addr
	for _, s := range rd.in.Sources {
		ips = append(ips, s.IP)
	}
	results, err := c.Check(rd.ctx, ips, []string{rd.domain})
	if err != nil {
		rd.note("dnsbl", finding.Warning, "", "give the blocklist checker a resolver", "blocklists not checked: %v", err)
		return
	}
	clean := 0
	for _, res := range results {
		subject := res.Query + " in " + res.Zone
		switch res.Status {
		case dnsbl.NotListed:
			clean++
		case dnsbl.Listed:
			where := res.Text
			if where == "" {
				where = res.Source
			}
			rd.addAbout("dnsbl", finding.Error, subject, res.Source,
				"find and stop what got it listed, then ask for removal: "+where,
				"%s is listed by %s: %s", res.Query, res.Zone, strings.Join(res.Meanings, "; "))
		case dnsbl.Refused, dnsbl.Unknown:
			rd.addAbout("dnsbl", finding.Warning, subject, res.Source,
				"query the list through a resolver of your own, not a public one",
				"%s could not be checked in %s (%s): %s", res.Query, res.Zone, res.Status, res.Reason)
		}
	}
	if clean > 0 {
		rd.note("dnsbl", finding.Info, "", "", "%d blocklist answers: not listed", clean)
	}
}

// note adds a finding with the rule's source.
func (a *auditor) note(check string, sev finding.Severity, src, fix, format string, args ...any) {
	a.addAbout(check, sev, "", src, fix, format, args...)
}

func (a *auditor) addAbout(check string, sev finding.Severity, subject, src, fix, format string, args ...any) {
	a.findings = append(a.findings, finding.Finding{Check: check, Severity: sev, Subject: subject, Message: fmt.Sprintf(format, args...), Fix: fix, Source: src})
}

func covers(keys []string, name string) bool {
	return slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(strings.TrimSpace(k), name) })
}

// hasHTTPS reports an https URI among List-Unsubscribe's <…> URIs
// (RFC 2369 §2).
func hasHTTPS(v string) bool {
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if strings.HasPrefix(part, "<") && strings.HasSuffix(part, ">") && len(part) > len("<https://>") &&
			strings.EqualFold(part[1:9], "https://") {
			return true
		}
	}
	return false
}

func ipVersion(ip netip.Addr) string {
	if ip.Is6() {
		return "6"
	}
	return "4"
}

func errText(err error, fallback string) string {
	if err != nil {
		return err.Error()
	}
	return fallback
}

func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

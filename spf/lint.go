package spf

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver"
)

// Severities of Lint's findings, from package finding.
const (
	info    = finding.Info
	warning = finding.Warning
	failure = finding.Error
)

// maxRecordLen is the size past which a record risks not fitting in one
// UDP answer (RFC 7208 §3.4).
const maxRecordLen = 450

// Lint audits the SPF policy published by domain the way domain-audit tools
// do: it follows include and redirect and reports syntax errors, more than
// one record, more than 10 DNS-querying terms over the whole tree, more
// than 2 void lookups, include loops, mx with more than 10 names, "+all",
// "ptr", a missing "all", terms that are never reached and oversized
// records (RFC 7208 §3.4, §4.5, §4.6, §4.6.4, §5.5, §6.1). Targets with
// macros depend on the message and are not followed.
//
// The error is non-nil only when domain's own record cannot be fetched
// (a temporary DNS failure or an invalid name): then there is nothing to
// judge.
func Lint(ctx context.Context, r resolver.Resolver, domain string) ([]finding.Finding, error) {
	d, ok := checkedDomain(domain)
	if !ok {
		return nil, fmt.Errorf("spf: lint %q: %w", domain, ErrInvalidDomain)
	}
	l := &linter{r: r}
	if err := l.walk(ctx, d, nil, "", true); err != nil {
		return nil, err
	}
	// RFC 7208 §3.1 and §14.1: the SPF RR type (99) is obsolete; only
	// TXT is looked up. Checked when the resolver can ask for it.
	if rl, ok := r.(resolver.RRLookuper); ok {
		if rrs, _, err := rl.LookupRR(ctx, d, dns.TypeSPF); err == nil && len(rrs) > 0 {
			l.add(warning, fmt.Sprintf("%s publishes a record of the obsolete SPF type (99); verifiers read only TXT (RFC 7208 §3.1)", d),
				"remove the type 99 record and keep the policy in TXT")
		}
	}
	if l.lookups > maxLookups {
		l.add(failure, fmt.Sprintf("the policy of %s needs %d DNS-querying terms (include, a, mx, ptr, exists, redirect); evaluation stops with permerror past %d (RFC 7208 §4.6.4)", d, l.lookups, maxLookups),
			"flatten includes into ip4:/ip6: ranges or drop unused includes")
	}
	if l.voids > maxVoidLookups {
		l.add(failure, fmt.Sprintf("the policy of %s has %d terms that find nothing in DNS; evaluation stops with permerror past %d void lookups (RFC 7208 §4.6.4)", d, l.voids, maxVoidLookups),
			"remove the terms that name domains without records")
	}
	return l.findings, nil
}

type linter struct {
	r        resolver.Resolver
	findings []finding.Finding
	lookups  int
	voids    int
}

func (l *linter) add(s finding.Severity, msg, fix string) {
	l.findings = append(l.findings, finding.Finding{Check: "spf", Severity: s, Message: msg, Fix: fix})
}

// walk lints the record of domain. path holds the domains that included
// it; via is the term that led here ("" at the top).
func (l *linter) walk(ctx context.Context, domain string, path []string, via string, top bool) error {
	for _, p := range path {
		if strings.EqualFold(p, domain) {
			l.add(failure, fmt.Sprintf("%s loops: %s -> %s", via, strings.Join(path, " -> "), domain),
				"remove the include or redirect that leads back")
			return nil
		}
	}
	if len(path) > maxLookups { // deeper than any evaluation can go
		return nil
	}
	path = append(path, domain)
	where := domain
	if via != "" {
		where = via + " (" + strings.Join(path, " -> ") + ")"
	}
	txts, _, err := l.r.LookupTXT(ctx, queryName(domain))
	if err != nil && !resolver.IsNotFound(err) {
		if top {
			return err
		}
		l.add(warning, fmt.Sprintf("%s: cannot fetch the record: %v", where, err), "")
		return nil
	}
	var records []string
	for _, t := range txts {
		if isSPF(t) {
			records = append(records, t)
		} else if len(t) >= 6 && strings.HasPrefix(strings.ToLower(t), "v=spf") {
			l.add(warning, fmt.Sprintf("%s: TXT record %q looks like SPF but is not v=spf1", where, t), "start the record with \"v=spf1 \"")
		}
	}
	switch {
	case len(records) == 0 && top:
		l.add(failure, fmt.Sprintf("%s publishes no SPF record", domain), `publish one TXT record such as "v=spf1 mx -all"`)
		return nil
	case len(records) == 0:
		l.add(failure, fmt.Sprintf("%s: no SPF record there, so the check gives permerror (RFC 7208 §5.2, §6.1)", where), "remove the term or publish a record at the target")
		return nil
	case len(records) > 1:
		l.add(failure, fmt.Sprintf("%s publishes %d SPF records; evaluation gives permerror (RFC 7208 §4.5)", where, len(records)), "merge them into one TXT record")
		return nil
	}
	text := records[0]
	if len(text) > maxRecordLen {
		l.add(warning, fmt.Sprintf("%s: the record is %d bytes; past about %d it may not fit in one UDP answer (RFC 7208 §3.4)", where, len(text), maxRecordLen), "move ranges into an included record")
	}
	rec, err := Parse(text)
	if err != nil {
		l.add(failure, fmt.Sprintf("%s: %v; evaluation gives permerror", where, err), "fix the term per RFC 7208 §12")
		return nil
	}
	l.checkRecord(rec, domain, where, top)
	for i := range rec.Directives {
		d := &rec.Directives[i]
		if d.Mechanism == MechAll {
			break // evaluation never goes past "all"
		}
		if !d.Mechanism.countsLookup() {
			continue
		}
		l.lookups++
		target := d.Domain
		if strings.Contains(target, "%") {
			l.add(info, fmt.Sprintf("%s: %s uses macros; its target depends on the message and is not checked", where, d.Text), "")
			continue
		}
		if target == "" {
			target = domain
		}
		target = truncateDomain(target)
		switch d.Mechanism {
		case MechInclude:
			if err := l.walk(ctx, target, path, d.Text, false); err != nil {
				return err
			}
		case MechA, MechExists:
			network := "ip"
			if d.Mechanism == MechExists {
				network = "ip4"
			}
			_, _, err := l.r.LookupIP(ctx, network, queryName(target))
			l.lookupResult(where, d, err)
		case MechMX:
			mxs, _, err := l.r.LookupMX(ctx, queryName(target))
			l.lookupResult(where, d, err)
			if len(mxs) > maxNames {
				l.add(failure, fmt.Sprintf("%s: %s finds %d MX names; more than %d gives permerror (RFC 7208 §4.6.4)", where, d.Text, len(mxs), maxNames), "list the mail servers' addresses with ip4:/ip6: instead")
			}
		}
	}
	if rec.Redirect != "" && !rec.hasAll {
		l.lookups++
		if strings.Contains(rec.Redirect, "%") {
			l.add(info, fmt.Sprintf("%s: redirect=%s uses macros and is not checked", where, rec.Redirect), "")
		} else if err := l.walk(ctx, truncateDomain(rec.Redirect), path, "redirect="+rec.Redirect, false); err != nil {
			return err
		}
	}
	return nil
}

// lookupResult records a void lookup or a failure of a term's lookup.
func (l *linter) lookupResult(where string, d *Directive, err error) {
	switch {
	case err == nil:
	case resolver.IsNotFound(err), errors.Is(err, resolver.ErrInvalidName):
		l.voids++
		l.add(warning, fmt.Sprintf("%s: %s finds nothing in DNS (a void lookup, RFC 7208 §4.6.4)", where, d.Text), "remove the term or publish the records it names")
	default:
		l.add(warning, fmt.Sprintf("%s: %s: lookup failed: %v", where, d.Text, err), "")
	}
}

// checkRecord reports the problems visible in one record.
func (l *linter) checkRecord(rec *Record, domain, where string, top bool) {
	allAt := -1
	for i := range rec.Directives {
		d := &rec.Directives[i]
		switch d.Mechanism {
		case MechAll:
			if allAt < 0 {
				allAt = i
			}
			switch d.Qualifier {
			case '+':
				l.add(failure, fmt.Sprintf("%s: %q authorizes every host on the Internet to send as %s", where, d.Text, domain), `end the record with "-all" or "~all"`)
			case '?':
				if top {
					l.add(info, fmt.Sprintf("%s: %q makes unlisted hosts neutral, which protects nothing", where, d.Text), `use "~all" or "-all" once every sender is listed`)
				}
			}
		case MechPTR:
			l.add(warning, fmt.Sprintf("%s: %s is slow and unreliable and SHOULD NOT be used (RFC 7208 §5.5)", where, d.Text), "list the senders with ip4:/ip6: or a: instead")
		case MechIP4, MechIP6:
			if (d.Mechanism == MechIP4 && d.Net.Bits() < 8) || (d.Mechanism == MechIP6 && d.Net.Bits() < 16) {
				l.add(failure, fmt.Sprintf("%s: %s authorizes a huge part of the Internet", where, d.Text), "list only the networks that send the domain's mail")
			}
		}
	}
	if allAt >= 0 && allAt < len(rec.Directives)-1 {
		l.add(warning, fmt.Sprintf("%s: the terms after %q are never evaluated", where, rec.Directives[allAt].Text), "put \"all\" last")
	}
	if rec.Redirect != "" && rec.hasAll {
		l.add(warning, fmt.Sprintf("%s: redirect=%s is ignored because the record has \"all\" (RFC 7208 §6.1)", where, rec.Redirect), "drop one of them")
	}
	if top && allAt < 0 && rec.Redirect == "" {
		l.add(warning, fmt.Sprintf("%s: no \"all\" and no redirect, so unlisted hosts get neutral (RFC 7208 §4.7)", where), `end the record with "-all" or "~all"`)
	}
	for _, m := range rec.Modifiers {
		l.add(info, fmt.Sprintf("%s: unknown modifier %s=%s is ignored", where, m.Name, m.Value), "")
	}
}

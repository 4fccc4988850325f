package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/dmarc"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/spf"
)

// Options configures [Domain]. The zero value checks DMARC, SPF, MX and
// MTA-STS with the RFC 9989 tree walk and no DKIM selectors.
type Options struct {
	// Selectors are the DKIM selectors the domain signs with; each key at
	// <selector>._domainkey.<domain> is checked.
	Selectors []string
	// Method is the DMARC discovery method (TreeWalk by default).
	Method dmarc.Method
	// Router looks up MX hosts and the MTA-STS policy; nil uses a Router on
	// the same resolver (MTA-STS policies fetched over verified HTTPS).
	Router *mx.Router
}

// Domain checks how domain is set up for sending mail, as domain-audit
// tools do: its DMARC record (RFC 9989), the report destinations, SPF
// (through spf.Lint), the DKIM keys of the given selectors (RFC 6376
// §3.6.1, RFC 8301, RFC 8463), MX (RFC 5321 §5.1, RFC 7505) and MTA-STS
// (RFC 8461) with TLS-RPT (RFC 8460). Every finding has a severity and,
// when something should change, a one-line fix.
//
// One root cause gives one finding: a domain that does not exist, or
// whose DNS servers do not answer, is reported once and nothing else is
// checked. Other DNS failures become warnings. The error is non-nil only
// for an invalid domain or a cancelled context.
func Domain(ctx context.Context, r resolver.Resolver, domain string, opts Options) ([]finding.Finding, error) {
	d, err := checkDomain(domain)
	if err != nil {
		return nil, err
	}
	a := &auditor{ctx: ctx, r: r, domain: d, opts: opts}
	if a.exists() {
		a.dmarc()
		a.spf()
		a.dkim()
		a.mx()
	}
	if err := ctx.Err(); err != nil {
		return a.findings, err
	}
	return a.findings, nil
}

// ErrInvalidDomain is wrapped by the errors of calls given a domain that
// is not a valid domain name (an address literal included); the
// *address.Error says why.
var ErrInvalidDomain = errors.New("audit: invalid domain")

// checkDomain returns domain in canonical form (address.ParseDomain).
func checkDomain(domain string) (string, error) {
	d, err := address.ParseDomain(strings.TrimSpace(domain))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidDomain, err)
	}
	if d.Literal().IsValid() {
		return "", fmt.Errorf("%w: %s is an address literal", ErrInvalidDomain, d)
	}
	return d.ASCII(), nil
}

// exists looks the domain up once before anything else: a domain that
// does not exist, or whose DNS servers do not answer, would make every
// check fail for the same reason, so that reason is the only finding.
// The TXT answer is cached by the resolver for the SPF check.
func (a *auditor) exists() bool {
	_, _, err := a.r.LookupTXT(a.ctx, a.domain)
	switch {
	case err == nil, errors.Is(err, resolver.ErrNoData):
		return true
	case errors.Is(err, resolver.ErrNXDomain):
		a.add("dns", finding.Error, "register "+a.domain+" or correct the name; check that its zone is published by its name servers",
			"%s does not exist (NXDOMAIN): mail from it is refused and mail to it bounces", a.domain)
	case a.ctx.Err() != nil:
	default:
		a.add("dns", finding.Warning, "check the DNS servers given and the name servers of "+a.domain+", then run the audit again",
			"%s could not be looked up, so nothing was checked: %v", a.domain, err)
	}
	return false
}

type auditor struct {
	ctx      context.Context
	r        resolver.Resolver
	domain   string
	opts     Options
	findings []finding.Finding
}

func (a *auditor) add(check string, sev finding.Severity, fix, format string, args ...any) {
	a.findings = append(a.findings, finding.Finding{Check: check, Severity: sev, Message: fmt.Sprintf(format, args...), Fix: fix})
}

func (a *auditor) dmarc() {
	const c = "dmarc"
	d := a.domain
	name := "_dmarc." + d
	txts, _, err := a.r.LookupTXT(a.ctx, name)
	if err != nil && !resolver.IsNotFound(err) {
		a.add(c, finding.Warning, "check the DNS servers of "+d, "could not look up %s: %v", name, err)
		return
	}
	n := 0
	for _, t := range txts {
		if dmarc.IsRecord(t) {
			n++
			continue
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(t)), "v=dmarc") {
			a.add(c, finding.Error, `start the record with exactly "v=DMARC1;" (case-sensitive)`, "TXT record at %s is not a valid DMARC record: %q", name, t)
		} else {
			a.add(c, finding.Info, "remove it unless another service needs it", "TXT record at %s that is not DMARC is ignored: %q", name, t)
		}
	}
	if n > 1 {
		a.add(c, finding.Error, "keep exactly one v=DMARC1 record at "+name, "%d DMARC records at %s: receivers discard them all (RFC 9989 §4.10)", n, name)
	}

	e := &dmarc.Evaluator{Resolver: a.r, Method: a.opts.Method}
	res, _ := e.Evaluate(a.ctx, dmarc.Input{FromDomain: d})
	switch res.Status {
	case dmarc.StatusTempError:
		a.add(c, finding.Warning, "check the DNS servers of "+d, "DMARC discovery failed: %v", res.Err)
		return
	case dmarc.StatusPermError:
		a.add(c, finding.Error, `publish a valid record, e.g. "v=DMARC1; p=none; rua=mailto:dmarc@`+d+`"`, "DMARC record unusable: %v", res.Err)
		return
	case dmarc.StatusNone:
		a.add(c, finding.Error, fmt.Sprintf(`publish TXT at %s: "v=DMARC1; p=none; rua=mailto:dmarc-reports@%s", then move to p=reject`, name, d),
			"no DMARC record applies to %s: receivers apply no policy and send no reports", d)
		return
	}
	rec := res.Record
	if res.RecordDomain != d {
		a.add(c, finding.Info, "", "no record at %s: the record of %s applies (policy %s=%s)", name, res.RecordDomain, res.PolicyTag, res.Policy)
	} else {
		a.add(c, finding.Info, "", "DMARC record at %s: %s", name, rec.String())
	}
	for _, w := range rec.Warnings {
		a.add(c, finding.Warning, "correct or remove it in the record at _dmarc."+res.RecordDomain, "record at _dmarc.%s: %s", res.RecordDomain, w)
	}
	switch res.Policy {
	case dmarc.PolicyNone:
		a.add(c, finding.Warning, "move to p=quarantine, then p=reject, once reports show all your mail aligned",
			"policy %s=none: monitoring only, spoofed mail is not stopped", res.PolicyTag)
	case dmarc.PolicyQuarantine:
		a.add(c, finding.Info, "move to p=reject when reports show no legitimate failures", "policy %s=quarantine: failing mail goes to spam", res.PolicyTag)
	}
	if rec.Percent != 100 {
		a.add(c, finding.Warning, "remove pct; use t=y while testing (RFC 9989 Appendix A.6)", "pct=%d: removed by RFC 9989 and applied inconsistently by receivers", rec.Percent)
	}
	if rec.Testing && res.Policy != dmarc.PolicyNone {
		a.add(c, finding.Warning, "remove t=y once testing is done", "t=y: receivers apply one level below %s", res.Policy)
	}
	if res.RecordDomain == d && rec.SubdomainPolicy == dmarc.PolicyNone && rec.Policy != dmarc.PolicyNone {
		a.add(c, finding.Warning, "remove sp=none or set it to your p", "sp=none leaves every subdomain of %s open to spoofing", d)
	}
	if rec.PSD == dmarc.PSDYes && res.RecordDomain == d {
		a.add(c, finding.Warning, "remove psd=y unless "+d+" is a public suffix", "psd=y declares %s a Public Suffix Domain: its subdomains become separate organizations", d)
	}
	if len(rec.AggregateReports) == 0 {
		a.add(c, finding.Warning, "add rua=mailto:dmarc-reports@"+res.RecordDomain, "no rua: nobody receives aggregate reports about mail using %s", d)
	} else {
		dsts, _ := e.Destinations(a.ctx, res.RecordDomain, rec.AggregateReports)
		for _, dst := range dsts {
			switch {
			case dst.Authorized:
			case dst.External && dst.Mailbox != "":
				host := dst.Mailbox[strings.LastIndexByte(dst.Mailbox, '@')+1:]
				a.add(c, finding.Error, fmt.Sprintf(`have %s publish TXT at %s._report._dmarc.%s: "v=DMARC1"`, host, res.RecordDomain, host),
					"rua %s is not authorized: %s", dst.URI.Address, dst.Reason)
			default:
				a.add(c, finding.Warning, "use a mailto: URI", "rua %s cannot be used: %s", dst.URI.Address, dst.Reason)
			}
		}
	}
	if len(rec.FailureReports) > 0 {
		a.add(c, finding.Info, "", "ruf is set; few receivers send failure reports, and they may contain personal data")
	}
	// RFC 9989 §5.1.4: the Organizational Domain needs a record too.
	if res.RecordDomain == d {
		org, err := e.OrganizationalDomain(a.ctx, d)
		if err == nil && org != d {
			txts, _, err := a.r.LookupTXT(a.ctx, "_dmarc."+org)
			has := false
			for _, t := range txts {
				has = has || dmarc.IsRecord(t)
			}
			if err == nil || resolver.IsNotFound(err) {
				if !has {
					a.add(c, finding.Warning, "publish a DMARC record at _dmarc."+org, "the Organizational Domain %s has no DMARC record (RFC 9989 §5.1.4)", org)
				}
			}
		}
	}
}

func (a *auditor) spf() {
	fs, err := spf.Lint(a.ctx, a.r, a.domain)
	if err != nil {
		a.add("spf", finding.Warning, "check the DNS servers of "+a.domain, "could not check SPF: %v", err)
		return
	}
	a.findings = append(a.findings, fs...) // the same type: nothing to map
	if len(fs) == 0 {
		a.add("spf", finding.Info, "", "SPF record of %s has no problems", a.domain)
	}
}

func (a *auditor) dkim() {
	const c = "dkim"
	if len(a.opts.Selectors) == 0 {
		a.add(c, finding.Info, "give the selectors your signers use to check their keys", "no DKIM selectors given: keys not checked")
		return
	}
	for _, sel := range a.opts.Selectors {
		name := strings.ToLower(strings.TrimSpace(sel)) + "._domainkey." + a.domain
		txts, _, err := a.r.LookupTXT(a.ctx, name)
		switch {
		case err != nil && (resolver.IsNotFound(err) || errors.Is(err, resolver.ErrInvalidName)):
			a.add(c, finding.Error, "publish the public key at "+name+" or stop signing with selector "+sel, "no DKIM key at %s: signatures with s=%s fail", name, sel)
			continue
		case err != nil:
			a.add(c, finding.Warning, "check the DNS servers of "+a.domain, "could not look up %s: %v", name, err)
			continue
		}
		var keys []string
		for _, t := range txts {
			if !strings.HasPrefix(strings.TrimSpace(t), "v=") || strings.HasPrefix(strings.TrimSpace(t), "v=DKIM1") {
				keys = append(keys, t)
			}
		}
		switch {
		case len(keys) == 0:
			a.add(c, finding.Error, "publish the public key at "+name, "no DKIM key record among the TXT records at %s", name)
			continue
		case len(keys) > 1:
			a.add(c, finding.Warning, "keep one key record per selector", "%d key records at %s: verifiers may pick either", len(keys), name)
		}
		a.checkKey(name, keys[0])
	}
}

// checkKey checks a DKIM key record (RFC 6376 §3.6.1; key sizes RFC 8301
// §3.2; Ed25519 RFC 8463 §4).
func (a *auditor) checkKey(name, txt string) {
	const c = "dkim"
	tags := map[string]string{}
	for i, part := range strings.Split(txt, ";") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok {
			if strings.TrimSpace(part) != "" {
				a.add(c, finding.Error, "fix the record syntax (tag=value; …)", "key record at %s: malformed %q", name, part)
				return
			}
			continue
		}
		if k == "v" && (i != 0 || strings.TrimSpace(v) != "DKIM1") {
			a.add(c, finding.Error, `start the record with "v=DKIM1;" or omit v`, "key record at %s: bad version", name)
			return
		}
		tags[k] = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, v)
	}
	p, ok := tags["p"]
	if !ok {
		a.add(c, finding.Error, "publish the public key in p=", "key record at %s has no p= tag", name)
		return
	}
	if p == "" {
		a.add(c, finding.Error, "publish a current key or stop signing with this selector", "key at %s is revoked (empty p=)", name)
		return
	}
	if h, ok := tags["h"]; ok && !strings.Contains(h, "sha256") {
		a.add(c, finding.Error, "remove h= or include sha256", "key at %s allows only %s; SHA-1 signatures are invalid (RFC 8301 §3.1)", name, h)
	}
	if t := tags["t"]; strings.Contains(t, "y") {
		a.add(c, finding.Warning, "remove t=y once the key is in use", "key at %s is in testing mode (t=y): verifiers may ignore failures", name)
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		a.add(c, finding.Error, "publish the key as base64", "key at %s: p= is not valid base64", name)
		return
	}
	switch k := strings.ToLower(tags["k"]); k {
	case "", "rsa":
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			if rk, err2 := x509.ParsePKCS1PublicKey(der); err2 == nil {
				pub = rk
				a.add(c, finding.Warning, "publish the key as SubjectPublicKeyInfo", "key at %s is a bare PKCS#1 RSA key; some verifiers reject it", name)
			} else {
				a.add(c, finding.Error, "publish a valid RSA public key", "key at %s does not parse: %v", name, err)
				return
			}
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			a.add(c, finding.Error, "set k= to the key's type", "key at %s is not an RSA key", name)
			return
		}
		bits := rk.N.BitLen()
		switch {
		case bits < 1024:
			a.add(c, finding.Error, "rotate to a 2048-bit RSA key", "%d-bit RSA key at %s: verifiers must reject it (RFC 8301 §3.2)", bits, name)
		case bits < 2048:
			a.add(c, finding.Warning, "rotate to a 2048-bit RSA key", "%d-bit RSA key at %s: weak; 2048 bits is recommended", bits, name)
		default:
			a.add(c, finding.Info, "", "%d-bit RSA key at %s", bits, name)
		}
	case "ed25519":
		if len(der) != ed25519.PublicKeySize {
			a.add(c, finding.Error, "publish the 32-byte Ed25519 public key", "Ed25519 key at %s has %d bytes", name, len(der))
			return
		}
		a.add(c, finding.Info, "also sign with an RSA key: not all verifiers support Ed25519", "Ed25519 key at %s", name)
	default:
		a.add(c, finding.Error, "use k=rsa or k=ed25519", "key at %s has unknown type k=%s", name, k)
	}
}

func (a *auditor) mx() {
	router := a.opts.Router
	if router == nil {
		router = &mx.Router{Resolver: a.r}
	}
	route, err := router.Lookup(a.ctx, a.domain)
	switch {
	case errors.Is(err, mx.ErrNullMX):
		a.add("mx", finding.Warning, "publish MX records if "+a.domain+" sends mail",
			"%s has a null MX (RFC 7505): bounces and replies are lost and receivers may reject its mail", a.domain)
		return
	case errors.Is(err, mx.ErrNoSuchDomain):
		a.add("mx", finding.Error, "create the domain in DNS", "%s does not exist (NXDOMAIN)", a.domain)
		return
	case errors.Is(err, mx.ErrNoHosts):
		a.add("mx", finding.Error, "give the MX hosts A/AAAA records", "no MX host of %s has an address", a.domain)
		return
	case errors.Is(err, mx.ErrMTASTSNoMatch):
		a.add("mta-sts", finding.Error, "list every MX host in the policy's mx: lines", "the MTA-STS policy of %s in enforce mode matches none of its MX hosts: mail to it fails", a.domain)
		return
	case err != nil:
		a.add("mx", finding.Warning, "check the DNS servers of "+a.domain, "could not look up the mail hosts: %v", err)
		return
	}
	if route.Implicit {
		a.add("mx", finding.Warning, "publish an MX record", "%s has no MX record: mail goes to its own address (implicit MX)", a.domain)
	} else {
		names := make([]string, len(route.Hosts))
		for i, h := range route.Hosts {
			names[i] = h.Name
		}
		a.add("mx", finding.Info, "", "mail hosts: %s", strings.Join(names, ", "))
	}
	for _, h := range route.Hosts {
		if h.Err != nil {
			a.add("mx", finding.Warning, "check the DNS of "+h.Name, "host %s: %v", h.Name, h.Err)
		}
	}
	a.mtaSTS(route)
}

func (a *auditor) mtaSTS(route *mx.Route) {
	const c = "mta-sts"
	name := "_mta-sts." + a.domain
	txts, _, err := a.r.LookupTXT(a.ctx, name)
	if err != nil && !resolver.IsNotFound(err) {
		a.add(c, finding.Warning, "check the DNS servers of "+a.domain, "could not look up %s: %v", name, err)
		return
	}
	hasRecord := false
	for _, t := range txts {
		hasRecord = hasRecord || strings.HasPrefix(strings.TrimSpace(t), "v=STSv1")
	}
	pol := route.Policy.MTASTS
	switch {
	case !hasRecord && pol == nil:
		if route.Policy.Kind != mx.PolicyDANE {
			a.add(c, finding.Info, "publish an MTA-STS policy (RFC 8461) or DANE TLSA records", "no MTA-STS: senders may deliver to %s without TLS", a.domain)
		}
		return
	case pol == nil:
		a.add(c, finding.Error, "serve the policy at https://mta-sts."+a.domain+"/.well-known/mta-sts.txt with a valid certificate",
			"%s exists but the policy is unavailable: %s", name, route.Policy.Reason)
		return
	}
	switch pol.Mode {
	case mx.ModeTesting:
		a.add(c, finding.Info, "switch to mode: enforce once TLS reports are clean", "MTA-STS in testing mode")
	case mx.ModeNone:
		a.add(c, finding.Warning, "remove the _mta-sts record or switch to enforce", "MTA-STS mode none: the policy is withdrawn")
	default:
		a.add(c, finding.Info, "", "MTA-STS in enforce mode")
	}
	if mxs, _, err := a.r.LookupMX(a.ctx, a.domain); err == nil {
		for _, m := range mxs {
			if m.Host != "" && !pol.Match(m.Host) {
				a.add(c, finding.Error, "add "+m.Host+" to the policy's mx: lines", "MX host %s does not match the MTA-STS policy", m.Host)
			}
		}
	}
	// RFC 8460: TLS reports tell the owner when delivery fails TLS.
	rpt, _, err := a.r.LookupTXT(a.ctx, "_smtp._tls."+a.domain)
	has := false
	for _, t := range rpt {
		has = has || strings.HasPrefix(strings.TrimSpace(t), "v=TLSRPTv1")
	}
	if (err == nil || resolver.IsNotFound(err)) && !has {
		a.add("tls-rpt", finding.Warning, fmt.Sprintf(`publish TXT at _smtp._tls.%s: "v=TLSRPTv1; rua=mailto:tls-reports@%s"`, a.domain, a.domain),
			"no TLS-RPT record: you will not hear of TLS delivery failures")
	}
}

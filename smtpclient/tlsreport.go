package smtpclient

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/mxkit/mxkit/mx"
)

// TLSResult is how TLS came out for one session Deliver opened, under the
// policy in force, in the terms of SMTP TLS Reporting (RFC 8460 §4.3).
// Transport.TLSReport receives one per session; a TLS-RPT aggregator
// counts them per policy domain (see the tlsrpt package), with no coupling
// between the two packages.
type TLSResult struct {
	Time time.Time
	// PolicyType is "sts" (MTA-STS enforce or testing), "tlsa" (DANE) or
	// "no-policy-found" (RFC 8460 §4.3.1).
	PolicyType string
	// PolicyDomain is the domain mail was delivered for (§4.3.1.3).
	PolicyDomain string
	// PolicyStrings is the policy as RFC 8460 §4.3.1.1 writes it: the
	// MTA-STS policy's lines, or each TLSA record in presentation form.
	PolicyStrings []string
	// MXHost, ReceivingIP and SendingIP name the session (§4.3.2).
	MXHost      string
	ReceivingIP netip.Addr
	SendingIP   netip.Addr
	// Success reports a session that negotiated TLS as the policy
	// requires (for "no-policy-found": that negotiated TLS at all).
	Success bool
	// ResultType is the failure's type from the IANA registry "STARTTLS
	// Validation Result Types" (RFC 8460 §4.3.2.1-2): starttls-not-supported,
	// certificate-host-mismatch, certificate-expired,
	// certificate-not-trusted, validation-failure, tlsa-invalid.
	ResultType string
	// Detail is the failure as text (a report's failure-reason-code).
	Detail string
}

// RFC 8460 policy types and result types.
const (
	policySTS       = "sts"
	policyTLSA      = "tlsa"
	policyNone      = "no-policy-found"
	resultNoTLS     = "starttls-not-supported"
	resultHost      = "certificate-host-mismatch"
	resultExpired   = "certificate-expired"
	resultUntrusted = "certificate-not-trusted"
	resultInvalid   = "validation-failure"
	resultTLSA      = "tlsa-invalid"
)

// reportPolicy is what a dest needs to report on its sessions: the route's
// policy as TLS-RPT names it.
type reportPolicy struct {
	typ     string
	domain  string
	strings []string
}

// routeReport returns the report policy for host h of route.
func routeReport(route *mx.Route, h *mx.Host, policy TLSPolicy) *reportPolicy {
	rp := &reportPolicy{typ: policyNone, domain: route.Domain}
	switch {
	case policy == tlsDANE:
		rp.typ = policyTLSA
		for _, r := range h.TLSA {
			rp.strings = append(rp.strings, strconv.Itoa(int(r.Usage))+" "+strconv.Itoa(int(r.Selector))+" "+
				strconv.Itoa(int(r.MatchingType))+" "+hex.EncodeToString(r.Data))
		}
	case route.Policy.MTASTS != nil && (route.Policy.Kind == mx.PolicyMTASTSEnforce || route.Policy.Kind == mx.PolicyMTASTSTesting):
		p := route.Policy.MTASTS
		rp.typ = policySTS
		rp.strings = []string{"version: " + p.Version, "mode: " + p.Mode}
		for _, m := range p.MX {
			rp.strings = append(rp.strings, "mx: "+m)
		}
		rp.strings = append(rp.strings, "max_age: "+strconv.FormatInt(int64(p.MaxAge/time.Second), 10))
	}
	return rp
}

// reportTLS gives Transport.TLSReport the result of a session's setup: c
// is the session when it was set up, err the setup's failure. Failures
// before TLS was tried (no connection, a refused greeting) are not TLS
// results and are not reported.
func (t *Transport) reportTLS(d *dest, c *conn, err error) {
	if t.TLSReport == nil || d.report == nil {
		return
	}
	r := TLSResult{Time: time.Now(), PolicyType: d.report.typ, PolicyDomain: d.report.domain,
		PolicyStrings: d.report.strings, MXHost: d.host, ReceivingIP: hostIP(d.addr)}
	if c != nil {
		if a, ok := c.nc.LocalAddr().(*net.TCPAddr); ok {
			r.SendingIP = a.AddrPort().Addr().Unmap()
		}
	}
	switch {
	case err == nil && c != nil && c.tls:
		r.Success = true
	case err == nil:
		// A session without TLS: none was offered (the policy then allowed
		// plain text, or the session would have failed).
		r.ResultType, r.Detail = resultNoTLS, "the server did not offer STARTTLS"
	case errors.Is(err, ErrTLSRequired):
		r.ResultType, r.Detail = tlsResultType(err), err.Error()
	default:
		return
	}
	t.TLSReport(r)
}

// tlsResultType maps a TLS failure to its RFC 8460 result type.
func tlsResultType(err error) string {
	var host x509.HostnameError
	var inv x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.Is(err, errSTARTTLSNotOffered):
		return resultNoTLS
	case errors.Is(err, mx.ErrDANEMismatch), errors.Is(err, mx.ErrDANEUnusable):
		return resultTLSA
	case errors.As(err, &host):
		return resultHost
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		return resultExpired
	case errors.As(err, &unknown):
		return resultUntrusted
	}
	return resultInvalid
}

// errSTARTTLSNotOffered marks a session whose server did not offer
// STARTTLS under a policy that requires TLS.
var errSTARTTLSNotOffered = errors.New("STARTTLS not offered")

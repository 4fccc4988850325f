// Package tlsrptsmtp turns what mxkit's sending code says about TLS into
// tlsrpt Results: the outcome of each session smtpclient opens
// (Transport.TLSReport) and the MTA-STS policy failures mx finds
// (Policy.MTASTSFailure). It is the seam a sender wires; the tlsrpt
// package itself imports neither smtpclient nor mx, so a receiver that
// only reads reports does not pull in the sending code.
//
//	agg := &tlsrpt.Aggregator{OrganizationName: "Example", ContactInfo: "tlsrpt@example.com", Store: &tlsrpt.DirStore{Dir: dir}}
//	t := &smtpclient.Transport{
//		Router:    &tlsrptsmtp.Router{Router: &mx.Router{Resolver: r}, Aggregator: agg},
//		TLSReport: func(r smtpclient.TLSResult) { agg.Add(tlsrptsmtp.Result(r)) },
//	}
package tlsrptsmtp

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/smtpclient"
	"github.com/mxkit/mxkit/tlsrpt"
)

// Result converts the result of one session. The mx-host of an MTA-STS
// policy is its mx patterns (the "mx: " lines of its policy strings); that
// of a DANE policy is the MX host whose TLSA records it is.
func Result(r smtpclient.TLSResult) tlsrpt.Result {
	out := tlsrpt.Result{
		Time: r.Time,
		Policy: tlsrpt.Policy{Type: tlsrpt.PolicyType(r.PolicyType), Domain: r.PolicyDomain,
			Strings: tlsrpt.Strings(r.PolicyStrings)},
		MXHost:      r.MXHost,
		ReceivingIP: r.ReceivingIP,
		SendingIP:   r.SendingIP,
		Success:     r.Success,
		ResultType:  tlsrpt.ResultType(r.ResultType),
		Reason:      r.Detail,
	}
	switch out.Policy.Type {
	case tlsrpt.PolicySTS:
		for _, s := range r.PolicyStrings {
			if pat, ok := strings.CutPrefix(s, "mx: "); ok {
				out.Policy.MXHost = append(out.Policy.MXHost, pat)
			}
		}
	case tlsrpt.PolicyTLSA:
		if r.MXHost != "" {
			out.Policy.MXHost = tlsrpt.Strings{r.MXHost}
		}
	}
	return out
}

// PolicyFailure returns the result to count for a route whose domain
// publishes an MTA-STS policy that could not be fetched or was invalid
// (RFC 8460 §4.3.2.2): of policy type sts, with the policy's strings when
// a cached one is still in force, and mx's result type and error text.
// ok is false when the route has no such failure.
func PolicyFailure(route *mx.Route, now time.Time) (r tlsrpt.Result, ok bool) {
	f := route.Policy.MTASTSFailure
	if f == nil {
		return tlsrpt.Result{}, false
	}
	r = tlsrpt.Result{Time: now, Policy: tlsrpt.Policy{Type: tlsrpt.PolicySTS, Domain: route.Domain},
		ResultType: tlsrpt.ResultType(f.ResultType), Reason: f.Detail}
	if p := route.Policy.MTASTS; p != nil {
		// The policy strings as smtpclient writes them for its sessions,
		// so that both count under one policy.
		r.Policy.Strings = tlsrpt.Strings{"version: " + p.Version, "mode: " + p.Mode}
		for _, m := range p.MX {
			r.Policy.Strings = append(r.Policy.Strings, "mx: "+m)
		}
		r.Policy.Strings = append(r.Policy.Strings, "max_age: "+strconv.FormatInt(int64(p.MaxAge/time.Second), 10))
		r.Policy.MXHost = tlsrpt.Strings(p.MX)
	}
	return r, true
}

// Router is a smtpclient.Router (normally an *mx.Router) that adds to
// Aggregator, for each route it returns whose MTA-STS policy could not be
// fetched, one failure of the policy's result type. Both fields are
// required.
type Router struct {
	smtpclient.Router
	Aggregator *tlsrpt.Aggregator
}

// Lookup implements smtpclient.Router.
func (r *Router) Lookup(ctx context.Context, domain string) (*mx.Route, error) {
	route, err := r.Router.Lookup(ctx, domain)
	if route != nil {
		if res, ok := PolicyFailure(route, time.Now()); ok {
			r.Aggregator.Add(res)
		}
	}
	return route, err
}

package dmarc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mxkit/mxkit/resolver"
)

// Destination is one reporting URI of a record, checked for use.
type Destination struct {
	URI     URI
	Mailbox string // the address of a mailto: URI
	// External is true when the mailbox's domain has another Organizational
	// Domain than the domain that published the record.
	External bool
	// Authorized says reports may be sent: an internal mailto:, or an
	// external one whose domain published the authorization record.
	Authorized bool
	Reason     string
}

// Destinations checks the reporting URIs uris of the record published at
// domain (Result.RecordDomain) before reports are sent to them (RFC 7489
// §7.1, and RFC 9990): a mailbox outside domain's Organizational Domain is
// used only if a TXT record starting with v=DMARC1 exists at
// <domain>._report._dmarc.<mailbox domain>. Only mailto: URIs are
// supported; others are not authorized. The error is non-nil when a DNS
// failure left some URI undecided (it is then not authorized).
func (e *Evaluator) Destinations(ctx context.Context, domain string, uris []URI) ([]Destination, error) {
	d, err := normalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	s := e.session(ctx)
	var org string
	var errs []error
	out := make([]Destination, 0, len(uris))
	for _, u := range uris {
		dst := Destination{URI: u, Mailbox: u.Mailbox()}
		out = append(out, dst)
		p := &out[len(out)-1]
		if p.Mailbox == "" {
			p.Reason = "not a usable mailto: URI; other schemes are not supported"
			continue
		}
		host, err := normalizeDomain(p.Mailbox[strings.LastIndexByte(p.Mailbox, '@')+1:])
		if err != nil {
			p.Reason = "invalid mailbox domain"
			continue
		}
		if host == d {
			p.Authorized, p.Reason = true, "same domain as the record"
			continue
		}
		if org == "" {
			if org, _, err = e.orgDomain(s, d); err != nil {
				return nil, err
			}
		}
		hostOrg, _, err := e.orgDomain(s, host)
		if err != nil {
			p.Reason = "DNS failure finding the Organizational Domain: " + err.Error()
			errs = append(errs, err)
			continue
		}
		if hostOrg == org {
			p.Authorized, p.Reason = true, "same Organizational Domain "+org
			continue
		}
		p.External = true
		name := d + "._report._dmarc." + host
		txts, _, err := e.Resolver.LookupTXT(ctx, name)
		switch {
		case err != nil && (resolver.IsNotFound(err) || errors.Is(err, resolver.ErrInvalidName)):
			p.Reason = "external destination without authorization record " + name
		case err != nil:
			p.Reason = "DNS failure looking up " + name + ": " + err.Error()
			errs = append(errs, err)
		default:
			for _, t := range txts {
				if IsRecord(t) {
					p.Authorized = true
				}
			}
			if p.Authorized {
				p.Reason = "external destination authorized by " + name
			} else {
				p.Reason = fmt.Sprintf("no v=DMARC1 record among the %d TXT records at %s", len(txts), name)
			}
		}
	}
	return out, errors.Join(errs...)
}

package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/smtpclient"
	"github.com/mxkit/mxkit/tlsrpt"
	"github.com/mxkit/mxkit/tlsrpt/tlsrptsmtp"
	"github.com/prometheus/client_golang/prometheus"
)

// TLSRPTConfig turns on SMTP TLS Reporting (RFC 8460): the outcome of TLS
// in every session to a recipient's MX is counted per policy domain, and
// each day's report goes to the domains that publish a TLSRPT record, by
// mail (through this MTA's own queue, DKIM-signed) or HTTPS POST.
type TLSRPTConfig struct {
	// Dir keeps the counts and what became of each report
	// (tlsrpt.DirStore), so that a restart loses no session and sends no
	// report twice. "" turns reporting off.
	Dir string `json:"dir"`
	// OrganizationName and ContactInfo (an address: the From of report
	// mail) go into every report (RFC 8460 §4.4).
	OrganizationName string `json:"organization_name"`
	ContactInfo      string `json:"contact_info"`
	// UniqueID tells this MTA's reports from those of other systems that
	// report under the same contact (letters and digits).
	UniqueID string `json:"unique_id"`
	// Delay is how long after a UTC day ends its reports go (default 2h).
	Delay Duration `json:"delay"`
}

func (c *TLSRPTConfig) check(relay string) error {
	if c.Dir == "" {
		return nil
	}
	switch {
	case relay != "":
		return fieldErr("tlsrpt.dir", "needs direct delivery (no delivery.relay): sessions through a relay are not reported")
	case c.OrganizationName == "":
		return fieldErr("tlsrpt.organization_name", "required")
	case queue.CheckAddress(c.ContactInfo) != nil:
		return fieldErr("tlsrpt.contact_info", "%q: not an address", c.ContactInfo)
	case c.Delay < 0:
		return fieldErr("tlsrpt.delay", "negative")
	}
	return nil
}

// tlsrptClass is the queue class of report mail, which is delivered by
// tlsReports.tr.
const tlsrptClass = "tlsrpt"

// How often the counts are written, and due reports sent.
const (
	tlsrptFlushEvery = time.Minute
	tlsrptSendEvery  = 5 * time.Minute
)

// tlsReports counts the TLS outcome of the sessions of m.tr and sends the
// daily reports.
type tlsReports struct {
	agg    *tlsrpt.Aggregator
	sender *tlsrpt.Sender
	// tr delivers report mail: RFC 8460 §3 has reports delivered
	// despite any TLS failure and leaves their sessions out of the next
	// report, so it takes routes without their TLS policy (plain text
	// when STARTTLS fails) and reports no session. guardDestinations
	// has it refuse private addresses as m.tr does.
	tr *smtpclient.Transport

	stop context.CancelFunc
	done chan struct{}
	sent *prometheus.CounterVec // by status
}

// newTLSReports puts the aggregator on m.tr, whose Router (the MX
// router) it wraps, with r for the reports' DNS lookups.
func (m *MTA) newTLSReports(r resolver.Resolver) {
	c := &m.cfg.TLSRPT
	if c.Dir == "" {
		return
	}
	agg := &tlsrpt.Aggregator{
		OrganizationName: c.OrganizationName,
		ContactInfo:      c.ContactInfo,
		UniqueID:         c.UniqueID,
		Store:            &tlsrpt.DirStore{Dir: filepath.Clean(c.Dir)},
		Delay:            time.Duration(c.Delay),
		Logger:           m.log,
	}
	router := m.tr.Router
	m.tr.Router = &tlsrptsmtp.Router{Router: router, Aggregator: agg}
	m.tr.TLSReport = func(r smtpclient.TLSResult) { agg.Add(tlsrptsmtp.Result(r)) }
	rep := &tlsReports{
		agg: agg,
		// https: destinations at addresses the Internet does not
		// route are refused as MX hosts are (guardDestinations).
		sender: &tlsrpt.Sender{Resolver: r, SendMail: m.sendReportMail, AllowPrivateAddresses: m.cfg.Delivery.AllowPrivateDestinations},
		tr: &smtpclient.Transport{
			LocalName:       m.cfg.Hostname,
			Router:          anyTLS{router},
			Port:            m.tr.Port,
			Sources:         m.tr.Sources,
			MaxConnsPerHost: 2,
			Logger:          m.log,
			Metrics:         m.metrics,
		},
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_tlsrpt_reports_total", Help: "TLS reports (RFC 8460) by what became of them: delivered, no-record, retry, failed.",
		}, []string{"status"}),
	}
	m.metrics.reg.MustRegister(rep.sent)
	m.reports = rep
}

// anyTLS is a Router whose routes carry no TLS policy: their hosts get
// opportunistic STARTTLS, and plain text when it fails.
type anyTLS struct{ smtpclient.Router }

// Lookup implements smtpclient.Router.
func (r anyTLS) Lookup(ctx context.Context, domain string) (*mx.Route, error) {
	route, err := r.Router.Lookup(ctx, domain)
	if route == nil {
		return nil, err
	}
	cp := *route // the router's may be cached
	cp.Policy = mx.Policy{Kind: mx.PolicyNone, Reason: "TLS report: delivered despite TLS failures (RFC 8460 §3)"}
	cp.Hosts = make([]mx.Host, len(route.Hosts))
	for i, h := range route.Hosts {
		h.Policy, h.TLSA, h.TLSABase = mx.PolicyNone, nil, ""
		cp.Hosts[i] = h
	}
	return &cp, err
}

// deliveryTransport is the transport that delivers msg: report mail goes
// through the reports' own.
func (m *MTA) deliveryTransport(msg *queue.Message) *smtpclient.Transport {
	if m.reports != nil && msg.Class == tlsrptClass {
		return m.reports.tr
	}
	return m.tr
}

// sendReportMail puts a report message on the normal sending path: the
// queue, DKIM signing for the contact's domain (without l=, as the signer
// never uses it), delivery by the reports' transport. Bad input is a
// permanent failure of that destination.
func (m *MTA) sendReportMail(ctx context.Context, from, to string, msg []byte) error {
	env := &queue.Envelope{From: from, Recipients: []queue.Recipient{{Addr: to}}, Class: tlsrptClass}
	_, err := m.submit(ctx, nil, env, "", msg, nil)
	if err != nil && queue.IsBadInput(err) {
		return permanentError{err}
	}
	return err
}

// permanentError is a failure tlsrpt.Sender does not retry.
type permanentError struct{ error }

func (permanentError) Permanent() bool { return true }
func (e permanentError) Unwrap() error { return e.error }

// startTLSReports writes the counts every tlsrptFlushEvery and sends due
// reports every tlsrptSendEvery, until stopTLSReports.
func (m *MTA) startTLSReports() {
	rep := m.reports
	if rep == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	rep.stop, rep.done = cancel, make(chan struct{})
	go func() {
		defer close(rep.done)
		flush, send := time.NewTicker(tlsrptFlushEvery), time.NewTicker(tlsrptSendEvery)
		defer flush.Stop()
		defer send.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-flush.C:
				if err := rep.agg.Flush(ctx); err != nil {
					m.log.Error("tlsrpt: writing the counts", "err", err)
				}
			case now := <-send.C:
				if _, err := m.sendDueReports(ctx, now); err != nil && ctx.Err() == nil {
					m.log.Error("tlsrpt: sending reports", "err", err)
				}
			}
		}
	}()
}

// sendDueReports sends the reports due at now (tlsrpt.Aggregator.SendDue
// logs each one) and counts them by status.
func (m *MTA) sendDueReports(ctx context.Context, now time.Time) ([]tlsrpt.Outcome, error) {
	outs, err := m.reports.agg.SendDue(ctx, m.reports.sender, now)
	for _, o := range outs {
		m.reports.sent.WithLabelValues(string(o.Status)).Inc()
	}
	return outs, err
}

// stopTLSReports stops the loop and writes the counts, once no delivery
// runs (its sessions are counted) and before the queue closes (a report
// being sent is queued).
func (m *MTA) stopTLSReports(ctx context.Context) error {
	rep := m.reports
	if rep == nil {
		return nil
	}
	if rep.stop != nil {
		rep.stop()
		<-rep.done
	}
	rep.tr.Close()
	return rep.agg.Flush(ctx)
}

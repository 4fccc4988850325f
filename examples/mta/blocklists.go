package main

import (
	"context"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/mxkit/mxkit/dnsbl"
	"github.com/mxkit/mxkit/resolver"
)

// blocklistMonitor checks the sending IP addresses and domains against
// DNS blocklists every reputation.blocklists.interval, and reports each
// change of what a zone says: a log line, a "blocklist" event, and the
// mta_blocklist_* metrics per target and zone. A zone that refuses the
// query or does not answer is never taken for "not listed" (dnsbl's
// Refused and Unknown).
type blocklistMonitor struct {
	r        *reputation
	checker  *dnsbl.Checker
	ips      []netip.Addr
	domains  []string
	interval time.Duration

	mu      sync.Mutex
	last    []dnsbl.Result // of the last check
	checked time.Time
}

func newBlocklistMonitor(r *reputation, c *BlocklistConfig, deliveryDNS []string) (*blocklistMonitor, error) {
	ips, err := c.addrs()
	if err != nil {
		return nil, err
	}
	zones, err := c.zones()
	if err != nil {
		return nil, err
	}
	servers := c.DNSServers
	if len(servers) == 0 {
		servers = deliveryDNS
	}
	return &blocklistMonitor{
		r: r,
		// A resolver of its own: blocklists refuse public resolvers, and
		// its cache keeps each answer for its TTL between checks.
		checker:  &dnsbl.Checker{Resolver: &resolver.Client{Servers: servers, Logger: r.log}, Zones: zones, Timeout: time.Duration(c.Timeout)},
		ips:      ips,
		domains:  c.Domains,
		interval: time.Duration(c.Interval),
	}, nil
}

// run checks at once and then every interval until ctx ends.
func (b *blocklistMonitor) run(ctx context.Context) {
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		b.check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// check runs one check and reports what changed since the last.
func (b *blocklistMonitor) check(ctx context.Context) {
	results, err := b.checker.Check(ctx, b.ips, b.domains)
	if err != nil || ctx.Err() != nil {
		return // no resolver (cannot happen here), or shutting down
	}
	b.mu.Lock()
	before := map[[2]string]dnsbl.Status{}
	for _, r := range b.last {
		before[[2]string{r.Query, r.Zone}] = r.Status
	}
	b.last, b.checked = results, time.Now()
	b.mu.Unlock()

	x := b.r.x
	for _, r := range results {
		x.checks.WithLabelValues(r.Zone, r.Status.String()).Inc()
		if r.Status == dnsbl.Skipped {
			continue
		}
		listed, answered := 0.0, 0.0
		switch r.Status {
		case dnsbl.Listed:
			listed, answered = 1, 1
		case dnsbl.NotListed:
			answered = 1
		}
		x.listed.WithLabelValues(r.Query, r.Zone).Set(listed)
		x.answered.WithLabelValues(r.Query, r.Zone).Set(answered)

		prev, seen := before[[2]string{r.Query, r.Zone}]
		if seen && prev == r.Status || !seen && r.Status == dnsbl.NotListed {
			continue // nothing new: the first check reports only trouble
		}
		d := blocklistDetail(r)
		if seen {
			d.Previous = prev.String()
		}
		attrs := []any{"target", r.Query, "zone", r.Zone, "status", r.Status.String(), "previous", d.Previous}
		switch r.Status {
		case dnsbl.Listed:
			b.r.log.Warn("blocklist: listed", append(attrs, "codes", d.Codes, "meanings", r.Meanings, "text", r.Text)...)
		case dnsbl.NotListed:
			b.r.log.Info("blocklist: no longer listed", attrs...)
		default:
			b.r.log.Warn("blocklist: no usable answer", append(attrs, "reason", r.Reason, "err", r.Err)...)
		}
		b.r.emit(Event{Type: "blocklist", EventDetail: &EventDetail{Blocklist: d}})
	}
	x.lastCheck.SetToCurrentTime()
}

// results returns the last check's results and when it finished.
func (b *blocklistMonitor) results() ([]dnsbl.Result, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.last), b.checked
}

// blocklistDetail describes a zone's answer for events and listings.
func blocklistDetail(r dnsbl.Result) *BlocklistDetail {
	d := &BlocklistDetail{Target: r.Query, Zone: r.Zone, Status: r.Status.String(), Meanings: r.Meanings,
		Text: r.Text, Reason: r.Reason, Source: r.Source}
	for _, c := range r.Codes {
		d.Codes = append(d.Codes, c.String())
	}
	return d
}

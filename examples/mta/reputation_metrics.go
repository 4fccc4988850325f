package main

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// EventDetail is what the reputation events carry besides Event's
// common fields: the part named like the event's type.
type EventDetail struct {
	Suppression *SuppressionDetail `json:"suppression,omitempty"`
	Shaping     *ShapingDetail     `json:"shaping,omitempty"`
	Threshold   *ThresholdDetail   `json:"threshold,omitempty"`
	Blocklist   *BlocklistDetail   `json:"blocklist,omitempty"`
}

// SuppressionDetail is a suppression entry: one that refused a message
// ("suppressed" events, Where it did) or one just added
// ("suppression_added" and "unsubscribed" events, from Source).
type SuppressionDetail struct {
	// Address is the entry's: the recipient, or its domain for an entry
	// that covers the domain.
	Address string `json:"address"`
	// Scope is the tenant the entry is for, or "all".
	Scope   string    `json:"scope"`
	Reason  string    `json:"reason"` // hard-bounce, soft-bounce, complaint, unsubscribe, invalid-address, manual
	Expires time.Time `json:"expires,omitzero"`
	Where   string    `json:"where,omitempty"`  // intake or delivery
	Source  string    `json:"source,omitempty"` // delivery, feedback, unsubscribe or api
	// The evidence: a bounce's classification and status, a complaint's
	// Feedback-Type, the list unsubscribed from.
	BounceReason string `json:"bounce_reason,omitempty"`
	Status       string `json:"status,omitempty"`
	FeedbackType string `json:"feedback_type,omitempty"`
	List         string `json:"list,omitempty"`
}

// ShapingDetail is an override a shaping rule made ("shaping" events).
type ShapingDetail struct {
	Action      string    `json:"action"`      // set-rate, set-max-conns, suspend, bounce
	Destination string    `json:"destination"` // a provider, or an MX host of none
	Source      string    `json:"source,omitempty"`
	Tenant      string    `json:"tenant,omitempty"`
	Rate        float64   `json:"rate,omitempty"` // messages a second, for set-rate
	MaxConns    int       `json:"max_conns,omitempty"`
	Until       time.Time `json:"until"`
	Rule        string    `json:"rule"`
	Reply       string    `json:"reply"` // what the provider answered
}

// ThresholdDetail is a threshold crossing of the rate counters
// ("threshold" events): Above when the rate went above the limit, not
// when it came back below 90% of it.
type ThresholdDetail struct {
	Name        string  `json:"name"`
	Dimension   string  `json:"dimension"` // tenant, from-domain, source, provider
	Value       string  `json:"value"`
	Rate        float64 `json:"rate"`
	Numerator   int64   `json:"numerator"`
	Denominator int64   `json:"denominator"`
	Limit       float64 `json:"limit"`
	Window      string  `json:"window"`
	Above       bool    `json:"above"`
}

// BlocklistDetail is a change in what a blocklist says of one of the
// sending IP addresses or domains ("blocklist" events).
type BlocklistDetail struct {
	Target   string   `json:"target"` // the IP address or domain
	Zone     string   `json:"zone"`
	Status   string   `json:"status"` // listed, not listed, refused, unknown
	Previous string   `json:"previous,omitempty"`
	Codes    []string `json:"codes,omitempty"`
	Meanings []string `json:"meanings,omitempty"`
	Text     string   `json:"text,omitempty"` // the listing's TXT record
	Reason   string   `json:"reason,omitempty"`
	Source   string   `json:"source,omitempty"` // the zone's documentation
}

// repMetrics are the reputation series of GET /metrics.
type repMetrics struct {
	suppressed *prometheus.CounterVec // by reason, where
	added      *prometheus.CounterVec // by reason, source
	refused    *prometheus.CounterVec // by kind
	unverified *prometheus.CounterVec // by outcome: accepted, deferred
	outcomes   *prometheus.CounterVec // by provider, outcome
	held       *prometheus.CounterVec // by provider, why
	actions    *prometheus.CounterVec // by provider, action
	crossings  *prometheus.CounterVec // by threshold, dimension, direction
	above      *prometheus.GaugeVec   // by threshold, dimension, value
	listed     *prometheus.GaugeVec   // by target, zone
	answered   *prometheus.GaugeVec   // by target, zone
	checks     *prometheus.CounterVec // by zone, status
	lastCheck  prometheus.Gauge
}

func newRepMetrics(reg *prometheus.Registry, r *reputation) *repMetrics {
	x := &repMetrics{
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_suppressed_total", Help: "Recipients refused for a suppression entry, by its reason, at intake or at delivery.",
		}, []string{"reason", "where"}),
		added: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_suppressions_added_total", Help: "Suppression entries added, by reason and by what added them (delivery, feedback, unsubscribe, api).",
		}, []string{"reason", "source"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_intake_refused_total", Help: "Recipients refused at intake as undeliverable (reputation.verify), by finding.",
		}, []string{"kind"}),
		unverified: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_intake_unverified_total", Help: "Recipients whose address check (reputation.verify) did not finish, by what was done: accepted, deferred (refused for now).",
		}, []string{"outcome"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_provider_outcomes_total", Help: "Delivery outcomes by mailbox provider (other: hosts of no known provider): delivered, deferred, hard-bounce, soft-bounce.",
		}, []string{"provider", "outcome"}),
		held: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_shaping_held_total", Help: "Messages held back by traffic shaping (deferred without being sent): destination suspended, or the shared limiter unavailable.",
		}, []string{"provider", "why"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_shaping_actions_total", Help: "Shaping rules triggered by providers' replies, by provider and action.",
		}, []string{"provider", "action"}),
		crossings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_rate_threshold_crossings_total", Help: "Threshold crossings of the rate counters (above, or back below).",
		}, []string{"threshold", "dimension", "direction"}),
		above: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mta_rate_threshold_above", Help: "1 while a series is above a threshold, 0 once it came back below.",
		}, []string{"threshold", "dimension", "value"}),
		listed: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mta_blocklist_listed", Help: "1 when the zone lists the sending IP address or domain at the last check, 0 otherwise.",
		}, []string{"target", "zone"}),
		answered: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mta_blocklist_answered", Help: "1 when the zone gave a usable answer at the last check, 0 when it was refused or unknown (timeouts, a resolver the zone blocks).",
		}, []string{"target", "zone"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_blocklist_checks_total", Help: "Blocklist answers by zone and status (listed, not listed, refused, unknown, skipped).",
		}, []string{"zone", "status"}),
		lastCheck: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mta_blocklist_last_check_timestamp_seconds", Help: "When the blocklist monitor last finished a check.",
		}),
	}
	reg.MustRegister(x.suppressed, x.added, x.refused, x.unverified, x.outcomes, x.held, x.actions, x.crossings, x.above,
		x.listed, x.answered, x.checks, x.lastCheck)
	if r.list != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mta_suppression_entries", Help: "Entries in the suppression list (expired ones until purged).",
		}, func() float64 { return float64(r.list.Len()) }))
	}
	if r.shaper != nil {
		reg.MustRegister(&overridesCollector{r: r, desc: prometheus.NewDesc("mta_shaping_overrides",
			"Shaping overrides in force now (rates, session caps, suspensions, bounces), by provider and action.",
			[]string{"provider", "action"}, nil)})
	}
	return x
}

// overridesCollector reports the overrides in force, from the Shaper's
// State (shared ones included). With a shared State reading them is a
// Redis query, so a scrape reuses the counts one made less than
// sharedMetricsAge ago, and scrapes at once wait for one read: scrapes
// do not turn into Redis load, however many and however often. The
// Shaper's own memory is read at each scrape.
type overridesCollector struct {
	r    *reputation
	desc *prometheus.Desc

	mu     sync.Mutex
	read   time.Time // when counts (or err) were read
	counts map[overrideKey]int
	err    error
}

type overrideKey struct{ provider, action string }

// sharedMetricsAge is how long values read from shared state serve
// scrapes: shorter than any sensible scrape interval.
const sharedMetricsAge = 5 * time.Second

func (c *overridesCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *overridesCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.r.shaper.State == nil || c.read.IsZero() || time.Since(c.read) >= sharedMetricsAge {
		c.counts, c.err = c.overrides()
		c.read = time.Now()
	}
	if c.err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, c.err)
		return
	}
	for k, v := range c.counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(v), k.provider, k.action)
	}
}

// overrides counts the overrides in force by provider and action.
func (c *overridesCollector) overrides() (map[overrideKey]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ovs, err := c.r.shaper.Overrides(ctx)
	if err != nil {
		return nil, err
	}
	n := map[overrideKey]int{}
	for _, ov := range ovs {
		n[overrideKey{label(c.r.destinationProvider(ov.Destination)), ov.Action.String()}]++
	}
	return n, nil
}

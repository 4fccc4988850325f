// Package rates counts what happens to a sender's mail over a sliding
// window — delivered, deferred, bounced (hard and soft), complained,
// suppressed — by tenant, From domain, source IP and destination
// provider, and reports each crossing of a threshold once, with its
// figures, so that an application can pause a tenant or an IP before a
// mailbox provider does it for them.
//
// A [Counter] takes each [Event] (Add) and keeps, for every labelled
// series it names (tenant "acme", provider "google", ...), counts in
// buckets that together cover Window: the window slides a bucket at a
// time (by default 24 hours in 96 buckets of 15 minutes). Thresholds are
// rates over the window: complaints per delivered message, hard bounces
// (or all bounces) per attempted message, deferrals per attempt. A
// series whose rate goes above a threshold's Limit, once it has at least
// MinVolume messages to judge by, yields one [Crossing] (Above); it is not
// reported again until the rate has gone back below 90% of the Limit,
// which yields a Crossing with Above false.
//
// The default thresholds ([DefaultThresholds]): a complaint rate of 0.3%,
// the line Gmail and Yahoo publish for bulk senders (Gmail, "Email sender
// guidelines", https://support.google.com/mail/answer/81126: keep the
// spam rate reported in Postmaster Tools below 0.3%; Yahoo Sender Hub,
// "Sender Best Practices", https://senders.yahooinc.com/best-practices/:
// keep the spam complaint rate below 0.3%), judged from 1,000 delivered
// messages; and a hard-bounce rate of 2%, a line common among sending
// services but published by no mailbox provider (lower it, or set your
// own).
//
// Counts live in a [Store]: in memory by default, for one process;
// redisstate's Counters keep them in Redis, shared by every process, and
// make each crossing reported once across all of them.
package rates

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
)

// Kind is what happened to one message for one recipient.
type Kind uint8

const (
	Delivered Kind = iota
	Deferred
	HardBounce
	SoftBounce
	Complained
	Suppressed
	nKinds
)

var kindNames = [...]string{"delivered", "deferred", "hard-bounce", "soft-bounce", "complained", "suppressed"}

func (k Kind) String() string {
	if k < nKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Dimension is what a series is labelled by.
type Dimension uint8

const (
	Tenant Dimension = iota
	FromDomain
	Source
	Provider
	nDims
)

var dimNames = [...]string{"tenant", "from-domain", "source", "provider"}

func (d Dimension) String() string {
	if d < nDims {
		return dimNames[d]
	}
	return "dimension(" + strconv.Itoa(int(d)) + ")"
}

// Event is one or more outcomes of one kind. Empty labels are not
// counted.
type Event struct {
	Kind       Kind
	N          int64 // how many (0 counts as 1)
	Time       time.Time
	Tenant     string
	FromDomain string
	Source     string // source IP address
	Provider   string // as shaping.ProviderOf names it, or the MX host
}

// Counts are a series' totals over the window, by Kind.
type Counts [nKinds]int64

// Metric is a rate computed from Counts.
type Metric uint8

const (
	// ComplaintRate is complaints per delivered message.
	ComplaintRate Metric = iota + 1
	// HardBounceRate is hard bounces per attempted message (delivered,
	// hard and soft bounces).
	HardBounceRate
	// BounceRate is hard and soft bounces per attempted message.
	BounceRate
	// DeferralRate is deferrals per delivered or deferred message.
	DeferralRate
)

// Rate returns the metric's value and the numerator and denominator it
// comes from.
func (m Metric) Rate(c Counts) (rate float64, num, den int64) {
	switch m {
	case ComplaintRate:
		num, den = c[Complained], c[Delivered]
	case HardBounceRate:
		num, den = c[HardBounce], c[Delivered]+c[HardBounce]+c[SoftBounce]
	case BounceRate:
		num, den = c[HardBounce]+c[SoftBounce], c[Delivered]+c[HardBounce]+c[SoftBounce]
	case DeferralRate:
		num, den = c[Deferred], c[Delivered]+c[Deferred]
	}
	if den == 0 {
		return 0, num, den
	}
	return float64(num) / float64(den), num, den
}

// Threshold is a limit on a metric of every series of the given
// dimensions.
type Threshold struct {
	Name   string
	Metric Metric
	Limit  float64 // a fraction: 0.003 is 0.3%
	// MinVolume is the least denominator judged: below it the rate
	// means little (one complaint among ten messages).
	MinVolume int64
	// Dimensions are the series watched; nil means all.
	Dimensions []Dimension
}

// DefaultThresholds returns the thresholds a Counter uses when none are
// given (see the package documentation for their sources).
func DefaultThresholds() []Threshold {
	return []Threshold{
		{Name: "complaint-rate", Metric: ComplaintRate, Limit: 0.003, MinVolume: 1000},
		{Name: "hard-bounce-rate", Metric: HardBounceRate, Limit: 0.02, MinVolume: 1000},
	}
}

// Crossing is a threshold crossed by a series, with the figures.
type Crossing struct {
	Threshold   string
	Metric      Metric
	Dimension   Dimension
	Value       string // the series' label: the tenant, domain, IP or provider
	Rate        float64
	Numerator   int64
	Denominator int64
	Limit       float64
	Window      time.Duration
	Time        time.Time
	// Above is true when the rate went above the limit, false when it
	// came back below 90% of it.
	Above bool
}

// Store keeps counts in buckets. Implementations must be safe for
// concurrent use.
type Store interface {
	// Add adds n to kind in the bucket starting at bucket of every
	// series, keeping buckets at least for keep.
	Add(ctx context.Context, series []string, kind Kind, n int64, bucket time.Time, keep time.Duration) error
	// Sum adds up a series' buckets starting at from (inclusive) up to
	// to (exclusive), stepping by step.
	Sum(ctx context.Context, series string, from, to time.Time, step time.Duration) (Counts, error)
	// Flip sets a named flag to on and reports whether it changed; a
	// flag shared by processes makes each crossing reported once among
	// them.
	Flip(ctx context.Context, name string, on bool) (bool, error)
}

// Counter counts events and watches thresholds. Its zero value is ready
// to use; fields must not change after first use. It is safe for
// concurrent use.
type Counter struct {
	// Window is the period rates are taken over (default 24h); Bucket
	// the step it slides by (default Window/96).
	Window, Bucket time.Duration
	// Thresholds are watched on every series; nil means
	// DefaultThresholds(), an empty slice none.
	Thresholds []Threshold
	// CheckEvery, when set, checks a series against the thresholds at
	// most that often (a crossing is then reported at the first Add
	// after it); 0 checks on every Add. With a shared Store each check
	// is a round trip: a second is plenty for a window of hours.
	CheckEvery time.Duration
	// Store keeps the counts; nil keeps them in memory.
	Store Store

	once       sync.Once
	thresholds []Threshold
	store      Store
	mu         sync.Mutex
	checked    map[string]time.Time
}

func (c *Counter) init() {
	c.once.Do(func() {
		if c.Window <= 0 {
			c.Window = 24 * time.Hour
		}
		if c.Bucket <= 0 {
			c.Bucket = c.Window / 96
		}
		c.thresholds = c.Thresholds
		if c.thresholds == nil {
			c.thresholds = DefaultThresholds()
		}
		c.store = c.Store
		if c.store == nil {
			c.store = &Memory{}
		}
		c.checked = map[string]time.Time{}
	})
}

func seriesName(d Dimension, v string) string { return d.String() + "=" + v }

func (e *Event) labels() [nDims]string {
	return [nDims]string{e.Tenant, e.FromDomain, e.Source, e.Provider}
}

// Add counts an event in each series it names and returns the threshold
// crossings it caused.
func (c *Counter) Add(ctx context.Context, e Event) ([]Crossing, error) {
	c.init()
	if e.Kind >= nKinds {
		return nil, fmt.Errorf("rates: unknown kind %d", e.Kind)
	}
	if e.N <= 0 {
		e.N = 1
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	labels := e.labels()
	var series []string
	for d, v := range labels {
		if v != "" {
			series = append(series, seriesName(Dimension(d), v))
		}
	}
	if len(series) == 0 {
		return nil, nil
	}
	if err := c.store.Add(ctx, series, e.Kind, e.N, e.Time.Truncate(c.Bucket), c.Window+c.Bucket); err != nil {
		return nil, err
	}
	var out []Crossing
	var errs []error
	for d, v := range labels {
		if v == "" || !c.due(seriesName(Dimension(d), v), e.Time) {
			continue
		}
		cr, err := c.check(ctx, Dimension(d), v, e.Time)
		out = append(out, cr...)
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

// due reports whether a series is to be checked at t, and notes it.
func (c *Counter) due(series string, t time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.CheckEvery <= 0 {
		return true
	}
	if last, ok := c.checked[series]; ok && t.Sub(last) < c.CheckEvery && t.After(last) {
		return false
	}
	if len(c.checked) > 100_000 {
		clear(c.checked)
	}
	c.checked[series] = t
	return true
}

// Counts returns a series' counts over the window ending at t.
func (c *Counter) Counts(ctx context.Context, d Dimension, value string, t time.Time) (Counts, error) {
	c.init()
	end := t.Truncate(c.Bucket).Add(c.Bucket)
	return c.store.Sum(ctx, seriesName(d, value), end.Add(-c.Window), end, c.Bucket)
}

func (c *Counter) check(ctx context.Context, d Dimension, v string, t time.Time) ([]Crossing, error) {
	counts, err := c.Counts(ctx, d, v, t)
	if err != nil {
		return nil, err
	}
	var out []Crossing
	for _, th := range c.thresholds {
		if th.Dimensions != nil && !contains(th.Dimensions, d) {
			continue
		}
		rate, num, den := th.Metric.Rate(counts)
		flag := "crossed|" + th.Name + "|" + seriesName(d, v)
		var above bool
		switch {
		case den >= th.MinVolume && rate > th.Limit:
			above = true
		case rate < 0.9*th.Limit:
			above = false
		default:
			continue // between 90% and 100%, or too few to judge: no change
		}
		changed, err := c.store.Flip(ctx, flag, above)
		if err != nil {
			return out, err
		}
		if changed {
			out = append(out, Crossing{Threshold: th.Name, Metric: th.Metric, Dimension: d, Value: v, Rate: rate,
				Numerator: num, Denominator: den, Limit: th.Limit, Window: c.Window, Time: t, Above: above})
		}
	}
	return out, nil
}

func contains(ds []Dimension, d Dimension) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

// Memory is the in-process Store, a Counter's default.
type Memory struct {
	mu      sync.Mutex
	buckets map[string]map[int64]*Counts // series -> bucket start (Unix ns) -> counts
	flags   map[string]bool
}

// Add implements Store.
func (m *Memory) Add(_ context.Context, series []string, kind Kind, n int64, bucket time.Time, keep time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.buckets == nil {
		m.buckets = map[string]map[int64]*Counts{}
		m.flags = map[string]bool{}
	}
	b := bucket.UnixNano()
	for _, s := range series {
		bs := m.buckets[s]
		if bs == nil {
			bs = map[int64]*Counts{}
			m.buckets[s] = bs
		}
		cs := bs[b]
		if cs == nil {
			cs = &Counts{}
			bs[b] = cs
			// Forget buckets older than keep when a new one opens.
			for k := range bs {
				if b-k > int64(keep) {
					delete(bs, k)
				}
			}
		}
		cs[kind] += n
	}
	return nil
}

// Sum implements Store.
func (m *Memory) Sum(_ context.Context, series string, from, to time.Time, step time.Duration) (Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var total Counts
	for k, cs := range m.buckets[series] {
		if k >= from.UnixNano() && k < to.UnixNano() {
			for i := range total {
				total[i] += cs[i]
			}
		}
	}
	return total, nil
}

// Flip implements Store.
func (m *Memory) Flip(_ context.Context, name string, on bool) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.flags == nil {
		m.flags = map[string]bool{}
	}
	if m.flags[name] == on {
		return false, nil
	}
	if on {
		m.flags[name] = true
	} else {
		delete(m.flags, name)
	}
	return true, nil
}

// KindOf returns the Kind of a delivery outcome: delivered, deferred, or
// a hard or soft bounce as bounce.ClassifyOutcome judges the failure.
func KindOf(o *delivery.Outcome) Kind {
	switch o.Status {
	case delivery.Delivered:
		return Delivered
	case delivery.Deferred:
		return Deferred
	}
	if bounce.ClassifyOutcome(o).Hard {
		return HardBounce
	}
	return SoftBounce
}

package main

import (
	"context"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
	"github.com/prometheus/client_golang/prometheus"
)

// DelayNoticeConfig controls the "delayed" notices (RFC 3464 Action
// delayed, asked for with RFC 3461 NOTIFY=DELAY): one per recipient still
// in the queue After its message arrived.
type DelayNoticeConfig struct {
	// After is how long a recipient waits in the queue before its
	// sender is told (default 4h, sendmail's Timeout.queuewarn).
	After Duration `json:"after"`
	// Disabled sends none (dsn.disabled does too).
	Disabled bool `json:"disabled"`
	// OnlyRequested sends them only to recipients that asked with
	// NOTIFY=DELAY; by default a recipient without NOTIFY gets one too.
	OnlyRequested bool `json:"only_requested"`
}

// defaultDelayNotice is delay_notices.after's default: what sendmail
// warns after (Timeout.queuewarn) and what RFC 3461 users expect.
const defaultDelayNotice = 4 * time.Hour

// defaultMaxAge is the queue's own default MaxAge (queue.Schedule: 5
// days), for Will-Retry-Until when queue.max_age is not set.
const defaultMaxAge = 5 * 24 * time.Hour

func (c *DelayNoticeConfig) check() error {
	switch {
	case c.After < 0:
		return fieldErr("delay_notices.after", "negative")
	case c.After == 0:
		c.After = Duration(defaultDelayNotice)
	}
	return nil
}

// initDelayNotices registers the notices' counter.
func (m *MTA) initDelayNotices() {
	m.delayNotices = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mta_delay_notices_total", Help: "Recipients reported in \"delayed\" DSNs (NOTIFY=DELAY).",
	})
	m.metrics.reg.MustRegister(m.delayNotices)
}

// wantsDelayNotice reads a recipient's NOTIFY parameter (RFC 3461 §4.1):
// NEVER asks for no notice, a list with DELAY for one, a list without it
// for none. Without NOTIFY the MTA may choose (§4.1 leaves it to the
// implementation); this one sends it, as sendmail and Exim warn about
// delayed mail by default, unless only_requested is set.
func wantsDelayNotice(notify string, onlyRequested bool) bool {
	if notify == "" {
		return !onlyRequested
	}
	for v := range strings.SplitSeq(strings.ToUpper(notify), ",") {
		if strings.TrimSpace(v) == "DELAY" {
			return true
		}
	}
	return false
}

// born is when msg's time in the queue began: its arrival, or its SendAt
// when that was later (the queue counts MaxAge from there too).
func born(msg *queue.Message) time.Time {
	if msg.SendAt.After(msg.Created) {
		return msg.SendAt
	}
	return msg.Created
}

// markDelays marks the recipients of msg owed a delay notice after this
// attempt's results: deferred now, in the queue for delay_notices.after,
// not told before, and asking for it (or not refusing it). The marks are
// set on msg, for Complete to store with the recipients before the notice
// is queued: a crash between the two loses the notice rather than sending
// it twice. It returns the marked recipients, nil for none.
func (m *MTA) markDelays(msg *queue.Message, results []delivery.Outcome) map[string]bool {
	c := &m.cfg.DelayNotices
	if c.Disabled || m.cfg.DSN.Disabled || msg.From == "" { // never notify about a notice
		return nil
	}
	now := time.Now()
	if now.Sub(born(msg)) < time.Duration(c.After) {
		return nil
	}
	deferred := map[string]bool{}
	for _, o := range results {
		if o.Status == delivery.Deferred {
			deferred[o.Recipient] = true
		}
	}
	var marked map[string]bool
	for i := range msg.Recipients {
		r := &msg.Recipients[i]
		if !deferred[r.Addr] || !r.DelayNotified.IsZero() || !wantsDelayNotice(r.Notify, c.OnlyRequested) {
			continue
		}
		r.DelayNotified = now
		if marked == nil {
			marked = map[string]bool{}
		}
		marked[r.Addr] = true
	}
	return marked
}

// sendDelayNotice queues one DSN to the sender of msg for the marked
// recipients that stay in the queue (a recipient that expired in the same
// attempt gets the failure notice instead), built from each one's last
// outcome: Action delayed, its status and reply, and Will-Retry-Until,
// when the queue gives up (RFC 3464 §2.3.8). It returns the header of the
// message only (RFC 3461 §4.3: RET is for failure notices).
func (m *MTA) sendDelayNotice(ctx context.Context, msg *queue.Message, decided []queue.Decision, marked map[string]bool, body []byte) error {
	maxAge := time.Duration(m.cfg.Queue.MaxAge)
	if maxAge <= 0 {
		maxAge = defaultMaxAge
	}
	orcpt := map[string]string{}
	for _, r := range msg.Recipients {
		orcpt[r.Addr] = orcptAddress(r.ORcpt)
	}
	dsn := m.newDSN(msg, body)
	dsn.HeadersOnly = true
	for i := range decided {
		d := &decided[i]
		if !marked[d.Recipient] || d.State != queue.Pending {
			continue
		}
		r := bounce.NewDSNRecipient(&d.Outcome)
		r.Action, r.OriginalRecipient = "delayed", orcpt[d.Recipient]
		r.WillRetryUntil = born(msg).Add(maxAge)
		dsn.Recipients = append(dsn.Recipients, r)
	}
	if len(dsn.Recipients) == 0 {
		return nil
	}
	if err := m.queueDSN(ctx, msg, dsn); err != nil {
		return err
	}
	m.delayNotices.Add(float64(len(dsn.Recipients)))
	return nil
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/rates"
	"github.com/mxkit/mxkit/redisstate"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/shaping"
	"github.com/mxkit/mxkit/smtpclient"
	"github.com/mxkit/mxkit/suppression"
	"github.com/mxkit/mxkit/suppression/pgstore"
	"github.com/mxkit/mxkit/verify"
	"github.com/redis/go-redis/v9"
)

// reputation is the loop that keeps the sender's standing with mailbox
// providers: the suppression list asked at intake and before each
// delivery and fed by outcomes, bounces, complaints and unsubscribes;
// the Shaper that paces each provider from its replies; the rate
// counters and their thresholds; the address checks at intake; and the
// blocklist monitor. Each part is nil when not configured, and every
// method works with any of them missing.
type reputation struct {
	m   *MTA
	log *slog.Logger
	x   *repMetrics

	store    suppression.Store
	list     *suppression.List
	signer   *suppression.Signer
	unsubURL string // the base of List-Unsubscribe links, ending in "/"

	shaper  *shaping.Shaper
	counter *rates.Counter
	checker *verify.Checker
	monitor *blocklistMonitor
	rdb     *redis.Client

	stop context.CancelFunc
	wg   sync.WaitGroup

	// userAdds makes a user's check of its tenant's entries and its
	// addition one step (handleAdd): checked at once, concurrent
	// requests would each find room.
	userAdds sync.Mutex
}

// purgeEvery is how often expired suppression entries are removed; the
// first purge waits purgeFirst after start, so that a restart (often with
// a full queue) does not begin with a scan of the whole store. Expired
// entries suppress nothing meanwhile.
const (
	purgeEvery = 24 * time.Hour
	purgeFirst = time.Hour
)

// newReputation builds the configured parts and sets the Shaper on the
// MTA's Transport; it must run before the Transport's first use.
func newReputation(ctx context.Context, m *MTA) (_ *reputation, err error) {
	cfg := &m.cfg.Reputation
	r := &reputation{m: m, log: m.log}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	if cfg.Redis.URL != "" {
		opts, err := redis.ParseURL(cfg.Redis.URL)
		if err != nil {
			return nil, fmt.Errorf("reputation.redis.url: %w", err)
		}
		r.rdb = redis.NewClient(opts)
		// Not fatal: limits fail closed while Redis is away (messages
		// are deferred, never sent unthrottled), and mail is still taken.
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := r.rdb.Ping(pctx).Err(); err != nil {
			m.log.Warn("reputation: redis does not answer; shaped deliveries are deferred until it does", "err", err)
		}
		cancel()
	}

	s := cfg.Suppression
	switch {
	case s.Path != "":
		r.store, err = suppression.Open(s.Path)
	case s.PostgresDSN != "":
		r.store, err = pgstore.Open(ctx, s.PostgresDSN, &pgstore.Options{Schema: s.PostgresSchema, MaxConns: 4, Logger: m.log})
	}
	if err != nil {
		return nil, fmt.Errorf("reputation.suppression: %w", err)
	}
	if r.store != nil {
		r.list, err = suppression.New(ctx, r.store, &suppression.Options{
			SoftLimit: s.SoftLimit, SoftWindow: time.Duration(s.SoftWindow), SoftExpiry: time.Duration(s.SoftExpiry), Logger: m.log,
		})
		if err != nil {
			return nil, fmt.Errorf("reputation.suppression: %w", err)
		}
		if len(s.UnsubscribeKeys) > 0 {
			r.signer = &suppression.Signer{MaxAge: time.Duration(s.UnsubscribeMaxAge)}
			for _, k := range s.UnsubscribeKeys {
				r.signer.Keys = append(r.signer.Keys, suppression.Key{ID: k.ID, Secret: []byte(k.Secret)})
			}
			r.unsubURL = s.UnsubscribeURL
		}
	}

	if sh := cfg.Shaping; sh.Enabled {
		limits, _ := shapingLimits(sh.Limits) // checked by LoadConfig
		rules, _ := shapingRules(sh.Rules)
		if !sh.NoDefaultRules {
			rules = append(rules, shaping.DefaultRules()...)
		}
		r.shaper = &shaping.Shaper{Rules: append([]shaping.Rule{}, rules...), Limits: limits, Providers: sh.Providers, Logger: m.log}
		if r.rdb != nil {
			r.shaper.State = redisstate.New(r.rdb, cfg.Redis.Prefix)
		}
		m.tr.Shaper = r.shaper
	}

	if rc := cfg.Rates; rc.Enabled {
		th, _ := thresholds(rc.Thresholds)
		// A crossing is reported within a second of the Add that makes
		// it, without summing the window on every outcome.
		r.counter = &rates.Counter{Window: time.Duration(rc.Window), Bucket: time.Duration(rc.Bucket), Thresholds: th, CheckEvery: time.Second}
		if r.rdb != nil {
			r.counter.Store = redisstate.NewCounters(r.rdb, cfg.Redis.Prefix)
		}
	}

	if v := cfg.Verify; v.RefuseUndeliverable {
		servers := v.DNSServers
		if len(servers) == 0 {
			servers = m.cfg.Delivery.DNSServers
		}
		r.checker = &verify.Checker{Resolver: &resolver.Client{Servers: servers, Logger: m.log}, Timeout: time.Duration(v.Timeout), Logger: m.log}
	}

	if cfg.Blocklists.Enabled {
		r.monitor, err = newBlocklistMonitor(r, &cfg.Blocklists, m.cfg.Delivery.DNSServers)
		if err != nil {
			return nil, err
		}
	}
	r.x = newRepMetrics(m.metrics.reg, r)
	return r, nil
}

// start runs the daily purge of expired suppressions and the blocklist
// monitor.
func (r *reputation) start() {
	ctx, stop := context.WithCancel(context.Background())
	r.stop = stop
	if r.list != nil {
		r.wg.Go(func() { r.purge(ctx) })
	}
	if r.monitor != nil {
		r.wg.Go(func() { r.monitor.run(ctx) })
	}
}

// purge removes expired suppression entries after purgeFirst and then
// every purgeEvery.
func (r *reputation) purge(ctx context.Context) {
	t := time.NewTimer(purgeFirst)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.list.Purge(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Error("suppression: purging expired entries", "err", err)
		case n > 0:
			r.log.Info("suppression: expired entries purged", "entries", n)
		}
		t.Reset(purgeEvery)
	}
}

// close stops what start started and closes the list, its store and
// Redis.
func (r *reputation) close() {
	if r.stop != nil {
		r.stop()
		r.wg.Wait()
	}
	if r.list != nil {
		r.list.Close()
	}
	if r.store != nil {
		if err := r.store.Close(); err != nil {
			r.log.Error("suppression: closing the store", "err", err)
		}
	}
	if r.rdb != nil {
		r.rdb.Close()
	}
}

// emit sends an event to the webhook, if there is one.
func (r *reputation) emit(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	if r.m.hooks != nil {
		r.m.hooks.add(ev)
	}
}

// Refusal is a recipient refused at intake: over SMTP the reply to its
// RCPT, over the API an element of "refused".
type Refusal struct {
	Recipient string `json:"recipient"`
	Code      int    `json:"code"`
	Enhanced  string `json:"enhanced"`
	// Reason is the suppression's reason ("complaint", "hard-bounce",
	// ...) or the address check's finding ("null_mx", "no_such_domain",
	// ...).
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// screen decides whether mail from tenant may be accepted for rcpt (an
// SMTP RCPT): not when the suppression list holds it (550 5.7.1, RFC 3463
// §3.8: delivery not authorized), nor, with
// reputation.verify.refuse_undeliverable, when mxkit/verify finds it
// undeliverable; the check has reputation.verify.timeout. A check that
// does not finish is treated as reputation.verify.unverified says.
func (r *reputation) screen(ctx context.Context, tenant, rcpt string) *Refusal {
	if rf := r.listed(tenant, rcpt); rf != nil || r.checker == nil {
		return rf
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(r.m.cfg.Reputation.Verify.Timeout))
	defer cancel()
	rf, _ := r.verdict(tenant, r.checker.Check(ctx, rcpt))
	return rf
}

// listed refuses rcpt when the suppression list holds it for tenant.
func (r *reputation) listed(tenant, rcpt string) *Refusal {
	if r.list == nil {
		return nil
	}
	mt, ok := r.list.Check(tenant, rcpt)
	if !ok {
		return nil
	}
	r.suppressed("intake", tenant, rcpt, "", mt)
	return &Refusal{Recipient: rcpt, Code: 550, Enhanced: "5.7.1", Reason: string(mt.Reason), Message: suppressedText(mt)}
}

// Reasons of intake refusals besides suppressions and verify's findings.
const unverifiedReason = "unverified" // the address check did not finish

// verdict turns an address check into a refusal, or none. A check that
// did not finish (DNS failing or slow, the request's time up) accepts
// the recipient, which is reported as unverified, or, with
// reputation.verify.unverified "defer", refuses it for now: 451 4.4.3,
// RFC 3463 §3.5 (a directory server, here DNS, unavailable) and RFC 5321
// §4.2.3.
func (r *reputation) verdict(tenant string, res verify.Result) (_ *Refusal, unverified bool) {
	rcpt := res.Input
	code, enh, text, ok := res.Refusal()
	if !ok {
		if res.Verdict != verify.Unknown {
			return nil, false
		}
		if r.m.cfg.Reputation.Verify.Unverified == unverifiedDefer {
			r.x.unverified.WithLabelValues("deferred").Inc()
			r.log.Debug("verify: recipient not checked, deferred", "recipient", rcpt, "err", res.Err)
			return &Refusal{Recipient: rcpt, Code: 451, Enhanced: "4.4.3", Reason: unverifiedReason,
				Message: "Recipient address could not be checked now: try again later"}, false
		}
		r.x.unverified.WithLabelValues("accepted").Inc()
		r.log.Debug("verify: recipient not checked, accepted", "recipient", rcpt, "err", res.Err)
		return nil, true
	}
	var kind string
	for _, rs := range res.Reasons {
		if rs.Kind.Verdict() == verify.Undeliverable {
			kind = rs.Kind.String()
			break
		}
	}
	r.x.refused.WithLabelValues(kind).Inc()
	r.emit(Event{Type: "refused", Recipient: rcpt, Tenant: tenant, Code: code, Enhanced: enh.String(), Reason: kind, Error: text})
	return &Refusal{Recipient: rcpt, Code: code, Enhanced: enh.String(), Reason: kind, Message: text}, false
}

// screenAll screens the recipients of one API request as screen does,
// but with one reputation.verify.timeout for all of their checks (and
// the request's context): mxkit/verify checks each domain once, at most
// Checker.Concurrency at a time, so a request of smtp.max_recipients
// holds its handler for one timeout, not one per recipient. It returns,
// by recipient, its refusal or nil, and whether it goes unverified.
func (r *reputation) screenAll(ctx context.Context, tenant string, rcpts []string) ([]*Refusal, []bool) {
	refused := make([]*Refusal, len(rcpts))
	unverified := make([]bool, len(rcpts))
	var check []int // the recipients to check
	for i, rc := range rcpts {
		if refused[i] = r.listed(tenant, rc); refused[i] == nil && r.checker != nil {
			check = append(check, i)
		}
	}
	if len(check) == 0 {
		return refused, unverified
	}
	addrs := make([]string, len(check))
	for j, i := range check {
		addrs[j] = rcpts[i]
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(r.m.cfg.Reputation.Verify.Timeout))
	results := r.checker.CheckAll(ctx, addrs)
	cancel()
	for j, i := range check {
		refused[i], unverified[i] = r.verdict(tenant, results[j])
	}
	return refused, unverified
}

// suppressedText is the reply text for a suppressed recipient: the
// reason, never the evidence (which is about the recipient).
func suppressedText(mt suppression.Match) string {
	what := "Recipient address"
	if !strings.Contains(mt.Address, "@") {
		what = "Recipient domain"
	}
	return fmt.Sprintf("%s suppressed (%s): not sent", what, mt.Reason)
}

// suppressed counts and reports a message refused for a suppressed
// recipient, at intake or when the queue was about to deliver it.
func (r *reputation) suppressed(where, tenant, rcpt, id string, mt suppression.Match) {
	r.x.suppressed.WithLabelValues(string(mt.Reason), where).Inc()
	r.m.maillog.suppressed(id, rcpt, where, tenant, mt.Reason)
	if r.counter != nil {
		r.countEvent(rates.Event{Kind: rates.Suppressed, Tenant: tenant})
	}
	r.emit(Event{Type: "suppressed", ID: id, Recipient: rcpt, Tenant: tenant, Code: 550, Enhanced: "5.7.1", Reason: string(mt.Reason),
		EventDetail: &EventDetail{Suppression: &SuppressionDetail{Address: mt.Address, Scope: scopeOf(mt.Tenant), Reason: string(mt.Reason), Expires: mt.Expires, Where: where}}})
}

// scopeOf names an entry's tenant for events: "all" for the entries of
// every tenant.
func scopeOf(tenant string) string {
	if tenant == "" {
		return "all"
	}
	return tenant
}

// added reports a new suppression entry: from a delivery outcome, a
// returned message (DSN or complaint), an unsubscribe or the API.
func (r *reputation) added(source string, e suppression.Entry) {
	r.x.added.WithLabelValues(string(e.Reason), source).Inc()
	r.log.Info("suppression: added", "address", e.Address, "tenant", e.Tenant, "reason", e.Reason, "source", source)
	d := &SuppressionDetail{Address: e.Address, Scope: scopeOf(e.Tenant), Reason: string(e.Reason), Expires: e.Expires, Source: source,
		BounceReason: e.Evidence.BounceReason, Status: e.Evidence.Status, FeedbackType: e.Evidence.FeedbackType, List: e.Evidence.List}
	typ := "suppression_added"
	if e.Reason == suppression.Unsubscribe {
		typ = "unsubscribed"
	}
	r.emit(Event{Type: typ, Recipient: e.Address, Tenant: e.Tenant, MessageID: e.Evidence.MessageID, EventDetail: &EventDetail{Suppression: d}})
}

// deliveryContext tells the Shaper whose mail is sent with ctx.
func (r *reputation) deliveryContext(ctx context.Context, msg *queue.Message) context.Context {
	if r.shaper == nil {
		return ctx
	}
	return shaping.WithTenant(ctx, msg.Tenant)
}

// screenQueued takes out of pending the recipients suppressed since msg
// was queued (a complaint or an unsubscribe that came in meanwhile), and
// returns their outcomes: failed, 5.7.1, nothing sent.
func (r *reputation) screenQueued(msg *queue.Message, pending []string) (keep []string, refused []delivery.Outcome) {
	if r.list == nil {
		return pending, nil
	}
	keep = pending[:0:0]
	for _, a := range pending {
		mt, ok := r.list.Check(msg.Tenant, a)
		if !ok {
			keep = append(keep, a)
			continue
		}
		r.suppressed("delivery", msg.Tenant, a, string(msg.ID), mt)
		refused = append(refused, delivery.Outcome{Recipient: a, Status: delivery.Failed, Stage: delivery.StageLocal,
			Enhanced: delivery.EnhancedCode{5, 7, 1}, Text: suppressedText(mt), Time: time.Now()})
	}
	return keep, refused
}

// observe feeds the outcomes of one transaction to the Shaper, the
// suppression list and the rate counters. A Shaper's Bounce action fails
// its recipient (the queue then does not retry it).
func (r *reputation) observe(ctx context.Context, msg *queue.Message, res *smtpclient.Result) {
	ctx = context.WithoutCancel(ctx) // what was decided is recorded even as a shutdown cuts the delivery short
	for i := range res.Recipients {
		o := &res.Recipients[i]
		provider := r.provider(o.Host)
		shaped := errors.Is(o, shaping.ErrSuspended) || errors.Is(o, shaping.ErrLimiterDown)
		if r.shaper != nil {
			switch {
			case errors.Is(o, shaping.ErrSuspended):
				r.x.held.WithLabelValues(label(provider), "suspended").Inc()
			case errors.Is(o, shaping.ErrLimiterDown):
				r.x.held.WithLabelValues(label(provider), "limiter_down").Inc()
			}
			ovs, err := r.shaper.Observe(ctx, msg.Tenant, res.Source, o)
			if err != nil {
				r.log.Error("shaping: observing an outcome", "err", err)
			}
			for _, ov := range ovs {
				r.shapingAction(ov, provider, msg)
				if ov.Action == shaping.Bounce && o.Status == delivery.Deferred {
					o.Status = delivery.Failed
				}
			}
		}
		if r.list != nil && o.Status == delivery.Failed {
			_, had := r.list.Check(msg.Tenant, o.Recipient)
			e, err := r.list.Outcome(ctx, msg.Tenant, o)
			if err != nil {
				r.log.Error("suppression: recording an outcome", "recipient", o.Recipient, "err", err)
			} else if e != nil && !had {
				r.added("delivery", *e)
			}
		}
		if shaped {
			continue // held back here: nothing the provider said
		}
		kind := rates.KindOf(o)
		r.x.outcomes.WithLabelValues(label(provider), kind.String()).Inc()
		if r.counter != nil {
			ev := rates.Event{Kind: kind, Time: o.Time, Tenant: msg.Tenant, FromDomain: domainOf(msg.From).ASCII(), Provider: provider}
			if res.Source.IsValid() {
				ev.Source = res.Source.String()
			}
			r.countEvent(ev)
		}
	}
}

// provider returns the provider that runs the MX host host, by the
// Shaper's table (shaping's, with reputation.shaping.providers), or ""
// for a host of none: labels stay few, and a small domain's host has too
// little mail for a rate to mean anything.
func (r *reputation) provider(host string) string {
	if host == "" {
		return ""
	}
	if r.shaper == nil {
		return shaping.ProviderOf(host)
	}
	if d := r.shaper.Destination(host); !strings.EqualFold(d, strings.TrimSuffix(host, ".")) {
		return d
	}
	return ""
}

// label is a provider's metric label: "other" for none.
func label(provider string) string {
	if provider == "" {
		return "other"
	}
	return provider
}

// shapingAction logs, counts and reports an override a rule made, for
// mail to provider ("" for a host of no known provider).
func (r *reputation) shapingAction(ov shaping.Override, provider string, msg *queue.Message) {
	r.x.actions.WithLabelValues(label(provider), ov.Action.String()).Inc()
	d := shapingDetail(ov)
	r.emit(Event{Type: "shaping", ID: string(msg.ID), Tenant: msg.Tenant, Campaign: msg.Campaign, EventDetail: &EventDetail{Shaping: d}})
}

// shapingDetail describes an override for events and listings.
func shapingDetail(ov shaping.Override) *ShapingDetail {
	d := &ShapingDetail{Action: ov.Action.String(), Destination: ov.Destination, Tenant: ov.Tenant, MaxConns: ov.MaxConns,
		Until: ov.Until.UTC(), Rule: ov.Rule, Reply: ov.Reason}
	if ov.Source.IsValid() {
		d.Source = ov.Source.String()
	}
	if !ov.Rate.IsZero() {
		d.Rate = float64(ov.Rate.Messages) / ov.Rate.Per.Seconds()
	}
	return d
}

// countEvent adds an event to the rate counters and reports the
// crossings it makes.
func (r *reputation) countEvent(ev rates.Event) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	crossings, err := r.counter.Add(ctx, ev)
	if err != nil {
		r.log.Warn("rates: counting", "err", err)
	}
	for _, c := range crossings {
		r.crossed(c)
	}
}

// crossed logs, counts and reports a threshold crossing.
func (r *reputation) crossed(c rates.Crossing) {
	dir := "above"
	if !c.Above {
		dir = "below"
	}
	attrs := []any{"threshold", c.Threshold, c.Dimension.String(), c.Value, "rate", c.Rate, "numerator", c.Numerator,
		"denominator", c.Denominator, "limit", c.Limit, "window", c.Window}
	if c.Above {
		r.log.Warn("rates: threshold crossed", attrs...)
	} else {
		r.log.Info("rates: back below threshold", attrs...)
	}
	r.x.crossings.WithLabelValues(c.Threshold, c.Dimension.String(), dir).Inc()
	above := 0.0
	if c.Above {
		above = 1
	}
	r.x.above.WithLabelValues(c.Threshold, c.Dimension.String(), c.Value).Set(above)
	ev := Event{Type: "threshold", Time: c.Time.UTC(), EventDetail: &EventDetail{Threshold: &ThresholdDetail{
		Name: c.Threshold, Dimension: c.Dimension.String(), Value: c.Value, Rate: c.Rate, Numerator: c.Numerator,
		Denominator: c.Denominator, Limit: c.Limit, Window: c.Window.String(), Above: c.Above}}}
	if c.Dimension == rates.Tenant {
		ev.Tenant = c.Value
	}
	r.emit(ev)
}

// feedback suppresses what a returned message calls for (a DSN's failed
// recipients, a complaint's, an unsubscribe request's) for tenant, and
// counts complaints and bounces. Bounces this MTA wrote itself (its
// host name as Reporting-MTA) were counted when the delivery failed.
func (r *reputation) feedback(ctx context.Context, tenant string, rep *bounce.Report) ([]suppression.Entry, error) {
	if r.counter != nil && !strings.EqualFold(rep.ReportingMTA, r.m.cfg.Hostname) {
		// The returned header is the report's sender's to write: its From
		// counts only if the tenant may send as it, so that whoever got
		// one tenant's mail cannot charge complaints to another's domain.
		from := ""
		if rep.Original != nil {
			if a, err := mail.ParseAddress(rep.Original.Get("From")); err == nil && r.m.users[tenant].mayUse(a.Address) {
				from = domainOf(a.Address).ASCII()
			}
		}
		for _, rc := range rep.Recipients {
			ev := rates.Event{Tenant: tenant, FromDomain: from}
			switch {
			case rep.Kind == bounce.KindFeedback:
				ev.Kind = rates.Complained
			case rc.Action != "failed" || rc.Temporary:
				continue
			case rc.Hard:
				ev.Kind = rates.HardBounce
			default:
				ev.Kind = rates.SoftBounce
			}
			r.countEvent(ev)
		}
	}
	if r.list == nil {
		return nil, nil
	}
	had := map[string]bool{} // by canonical address
	for _, rc := range rep.Recipients {
		if k, err := suppression.Normalize(rc.FinalRecipient); err == nil {
			_, had[k] = r.list.Check(tenant, k)
		}
	}
	entries, err := r.list.Report(ctx, tenant, rep)
	for i, e := range entries {
		if rep.Kind == bounce.KindFeedback && !recipientAsked(e.Reason) {
			// A complaint (or an RFC 2369 unsubscribe request) for an
			// address the tenant suppressed itself.
			wish := suppression.Complaint
			if rep.Feedback != nil && rep.Feedback.Type == "unsubscribe" {
				wish = suppression.Unsubscribe
			}
			ev := suppression.Evidence{MessageID: rep.MessageID}
			if fb := rep.Feedback; fb != nil {
				ev.FeedbackType, ev.UserAgent, ev.SourceIP, ev.ArrivalDate = fb.Type, fb.UserAgent, fb.SourceIP, fb.ArrivalDate
			}
			ne, added, perr := r.prevail(ctx, suppression.Entry{Address: e.Address, Tenant: tenant, Reason: wish, Evidence: ev})
			if perr != nil {
				err = errors.Join(err, perr)
				continue
			}
			entries[i] = ne
			if added {
				r.added("feedback", ne)
			}
			continue
		}
		if !had[e.Address] {
			r.added("feedback", e)
		}
	}
	return entries, err
}

// prevail makes e, a recipient's wish (a complaint, an unsubscribe), the
// entry in force for its address and tenant. List.Add keeps an entry
// already there that lasts as long, and when that one is the tenant's
// own (manual, or a bounce), its users may remove it (handleRemove), and
// the recipient's wish with it: it is replaced. Users' additions and
// removals wait (userAdds), so that none comes between.
func (r *reputation) prevail(ctx context.Context, e suppression.Entry) (suppression.Entry, bool, error) {
	r.userAdds.Lock()
	defer r.userAdds.Unlock()
	old, err := r.list.Get(ctx, e.Tenant, e.Address)
	switch {
	case errors.Is(err, suppression.ErrNotFound):
	case err != nil:
		return suppression.Entry{}, false, err
	case !recipientAsked(old.Reason):
		// A check at intake in between finds nothing; the check before
		// delivery finds e.
		if err := r.list.Remove(ctx, e.Tenant, e.Address); err != nil && !errors.Is(err, suppression.ErrNotFound) {
			return suppression.Entry{}, false, err
		}
	}
	return r.list.Add(ctx, e)
}

// Report is feedback as the return path's suppressor: a bounce or
// complaint that came back to a VERP address, about the one recipient its
// tag names.
func (r *reputation) Report(ctx context.Context, tenant string, rep *bounce.Report) error {
	_, err := r.feedback(ctx, tenant, rep)
	return err
}

// unsubscribed is the one-click handler's report of a new unsubscribe.
func (r *reputation) unsubscribed(e suppression.Entry) { r.added("unsubscribe", e) }

// unsubscribeHandler is the public one-click path: suppression.Handler,
// and then, when it took an unsubscribe that found an entry the tenant
// made itself, prevail. A tenant's unsubscribes are bounded (see
// unsubscribeRoom).
func (r *reputation) unsubscribeHandler() http.Handler {
	h := &suppression.Handler{List: r.list, Signer: r.signer, Logger: r.log, Unsubscribed: r.unsubscribed}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		if req.Method == http.MethodPost {
			// The body is read first: a client that sends it slowly
			// must not hold the lock every addition waits for.
			body, err := io.ReadAll(io.LimitReader(req.Body, maxOneClickBody+1))
			if err != nil {
				http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			// The check and the addition under one lock, as a user's
			// additions are (handleAdd).
			r.userAdds.Lock()
			if !r.unsubscribeRoom(req) {
				r.userAdds.Unlock()
				w.Header().Set("Retry-After", "3600")
				http.Error(w, "try again later", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(sw, req)
			r.userAdds.Unlock()
		} else {
			h.ServeHTTP(sw, req)
		}
		if req.Method != http.MethodPost || sw.status != http.StatusOK {
			return
		}
		sub, err := r.signer.Verify(req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:])
		if err != nil {
			return
		}
		e, added, err := r.prevail(req.Context(), suppression.Entry{Address: sub.Address, Tenant: sub.Tenant,
			Reason: suppression.Unsubscribe, Evidence: suppression.Evidence{List: sub.List}})
		switch {
		case err != nil:
			r.log.Error("unsubscribe: replacing the tenant's own entry", "address", sub.Address, "tenant", sub.Tenant, "err", err)
		case added:
			r.unsubscribed(e)
		}
	})
}

// maxOneClickBody is the most of a one-click POST body read (the one-click
// body is 26 octets; suppression.Handler refuses more than 8 KiB).
const maxOneClickBody = 8 << 10

// unsubscribeRoom reports whether the one-click POST req may add an
// entry: no when its token is valid, its tenant already has
// reputation.suppression.max_unsubscribe_entries entries and none for
// its address. Tokens are minted for any address without mail being
// sent (GET /api/unsubscribe-url), so a tenant could otherwise grow the
// list, which every tenant's memory holds, without end; a real
// recipient's click past the bound is refused too, so the refusal is an
// error for the operator (raise the bound, or look at the tenant). It
// runs with r.userAdds held.
func (r *reputation) unsubscribeRoom(req *http.Request) bool {
	max := r.m.cfg.Reputation.Suppression.MaxUnsubscribeEntries
	sub, err := r.signer.Verify(req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:])
	if err != nil || sub.Tenant == "" || max < 0 || r.list.Count(sub.Tenant) < max {
		return true // suppression.Handler refuses a bad token
	}
	if _, err := r.list.Get(req.Context(), sub.Tenant, sub.Address); err == nil {
		return true // found: no new entry
	}
	r.m.metrics.limited.WithLabelValues("unsubscribe_entries").Inc()
	r.log.Error("unsubscribe refused: the tenant has reputation.suppression.max_unsubscribe_entries entries",
		"tenant", sub.Tenant, "address", sub.Address, "max", max)
	return false
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// destinationProvider is the provider a Shaper destination names: the
// destination itself, unless it is the host name of a host of no known
// provider (host names have dots; provider names have none).
func (r *reputation) destinationProvider(dest string) string {
	if strings.Contains(dest, ".") {
		return ""
	}
	return dest
}

package shaping

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/smtpclient"
)

// ActionKind is what a rule does when it triggers.
type ActionKind uint8

const (
	// SetRate limits the destination to Action.Rate.
	SetRate ActionKind = iota + 1
	// SetMaxConns caps the sessions to the destination at
	// Action.MaxConns.
	SetMaxConns
	// Suspend sends nothing to the destination: messages are deferred.
	Suspend
	// Bounce fails the message that triggered it and, for the
	// Duration, every message to the destination.
	Bounce
)

var actionNames = [...]string{"", "set-rate", "set-max-conns", "suspend", "bounce"}

func (k ActionKind) String() string {
	if int(k) < len(actionNames) && k != 0 {
		return actionNames[k]
	}
	return "action(" + strconv.Itoa(int(k)) + ")"
}

// Scope says whose mail an action applies to.
type Scope uint8

const (
	// BySource: mail from the source address that got the reply (all
	// mail when no Sources are set).
	BySource Scope = iota
	// ByTenant: the tenant's mail (see WithTenant).
	ByTenant
)

// Action is what a rule does.
type Action struct {
	Kind     ActionKind
	Scope    Scope
	Rate     Rate          // for SetRate
	MaxConns int           // for SetMaxConns
	Duration time.Duration // how long it holds; then the standing limits return
}

// Rule matches a classified reply and acts on it. Empty match fields
// match anything; a rule with none matches every failure.
type Rule struct {
	Name string
	// Cite is where the reply the rule matches is documented.
	Cite string

	Provider string                  // as ProviderOf names it
	Stage    delivery.Stage          // the stage of the session that answered
	Status   delivery.Status         // Deferred or Failed
	Codes    []int                   // reply codes
	Enhanced []delivery.EnhancedCode // RFC 3463 codes
	Reasons  []bounce.Reason         // bounce.ClassifyOutcome's reason
	Text     *regexp.Regexp          // the reply text

	// Times and Period make the trigger: the action happens when the
	// rule has matched Times times within Period (Times 0 or 1: at
	// once).
	Times  int
	Period time.Duration

	Action Action
}

func (r *Rule) match(o *delivery.Outcome, c *bounce.Classification, provider string) bool {
	switch {
	case r.Provider != "" && r.Provider != provider,
		r.Stage != 0 && r.Stage != o.Stage,
		r.Status != 0 && r.Status != o.Status,
		len(r.Codes) > 0 && !slices.Contains(r.Codes, o.Code),
		len(r.Enhanced) > 0 && !slices.Contains(r.Enhanced, o.Enhanced),
		len(r.Reasons) > 0 && !slices.Contains(r.Reasons, c.Reason),
		r.Text != nil && !r.Text.MatchString(o.Text):
		return false
	}
	return true
}

// Limit is a destination's standing limit, without any rule.
type Limit struct {
	// Rate caps the messages to the destination from all sources and,
	// with a shared State, from all processes.
	Rate Rate
	// MaxConns caps the sessions to the destination (all its MX hosts)
	// at once, across processes with a shared State.
	MaxConns int
}

// Shaper adjusts an smtpclient.Transport's limits at run time: set it as
// Transport.Shaper, and give it every outcome with Observe. It is safe
// for concurrent use; its fields must not change after first use.
type Shaper struct {
	// Rules are matched against every outcome Observe sees; nil means
	// DefaultRules(), an empty slice none.
	Rules []Rule
	// Limits are standing limits by destination: a provider name
	// (ProviderOf) or an MX host name; "*" applies to destinations
	// without their own.
	Limits map[string]Limit
	// Providers adds MX host names or domains to the shipped provider
	// table (or overrides it).
	Providers map[string]string
	// State keeps limits, counts and overrides; nil keeps them in
	// memory, for this process only.
	State State
	// Refresh is how often overrides made by other processes are read
	// from State (default 1s).
	Refresh time.Duration
	// Logger receives each action taken; nil is silent.
	Logger *slog.Logger

	once    sync.Once
	rules   []Rule
	state   State
	snap    atomic.Pointer[snapshot]
	loading atomic.Bool
	turns   sync.Map // rate key -> chan struct{}: whose turn it is to ask
}

var _ smtpclient.Shaper = (*Shaper)(nil)
var _ smtpclient.ConnGate = (*Shaper)(nil)

type snapshot struct {
	at        time.Time
	overrides []Override
}

func (s *Shaper) init() {
	s.once.Do(func() {
		s.rules = s.Rules
		if s.rules == nil {
			s.rules = DefaultRules()
		}
		s.state = s.State
		if s.state == nil {
			s.state = &Memory{}
		}
		s.snap.Store(&snapshot{})
	})
}

type tenantKey struct{}

// WithTenant returns a context that tells the Shaper whose mail is sent
// with it: give it to smtpclient's Send or Deliver for tenant
// suspensions to apply.
func WithTenant(ctx context.Context, tenant string) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenant)
}

func tenantOf(ctx context.Context) string {
	t, _ := ctx.Value(tenantKey{}).(string)
	return t
}

// Destination returns what limits to host are kept under: its provider's
// name, or the host name itself for a host of no known provider.
func (s *Shaper) Destination(host string) string {
	if p := lookup(s.Providers, host); p != "" {
		return p
	}
	return lowerHost(host)
}

func lowerHost(h string) string {
	b := []byte(h)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	if n := len(b); n > 0 && b[n-1] == '.' {
		b = b[:n-1]
	}
	return string(b)
}

func (s *Shaper) limit(dest string) Limit {
	if l, ok := s.Limits[dest]; ok {
		return l
	}
	return s.Limits["*"]
}

// overrides returns the overrides in force, reading State again when the
// copy is older than Refresh (one caller reads; the others use the copy).
func (s *Shaper) overrides(ctx context.Context) []Override {
	sn := s.snap.Load()
	refresh := s.Refresh
	if refresh <= 0 {
		refresh = time.Second
	}
	if time.Since(sn.at) >= refresh && s.loading.CompareAndSwap(false, true) {
		s.reload(ctx)
		s.loading.Store(false)
		sn = s.snap.Load()
	}
	return sn.overrides
}

func (s *Shaper) reload(ctx context.Context) {
	now := time.Now()
	os, err := s.state.Overrides(ctx, now)
	if err != nil {
		// Keep what we had: rates fail closed by themselves (Allow
		// errors), and an override missed for a second is not worth
		// refusing everything for.
		if s.Logger != nil {
			s.Logger.Warn("shaping: reading overrides", "err", err)
		}
		os = s.snap.Load().overrides
	}
	s.snap.Store(&snapshot{at: now, overrides: os})
}

func (o *Override) applies(dest string, src netip.Addr, tenant string, now time.Time) bool {
	return o.Destination == dest && o.Until.After(now) &&
		(!o.Source.IsValid() || o.Source == src) && (o.Tenant == "" || o.Tenant == tenant)
}

// ErrSuspended is matched (errors.Is) by the outcome Admit gives a message
// to a suspended destination.
var ErrSuspended = errors.New("shaping: destination suspended")

// ErrLimiterDown is matched by the outcome Admit gives when State cannot
// be asked about a rate: limits fail closed, and the message is deferred.
var ErrLimiterDown = errors.New("shaping: rate limiter unavailable")

// codeCongestion is RFC 3463 X.4.5, mail system congestion: the sender's
// own pace holds the message back. codePolicy is X.7.0, for a bounce.
var (
	codeCongestion = delivery.EnhancedCode{4, 4, 5}
	codePolicy     = delivery.EnhancedCode{5, 7, 0}
)

func refusal(status delivery.Status, code delivery.EnhancedCode, err error) *delivery.Outcome {
	return &delivery.Outcome{Status: status, Stage: delivery.StageLocal, Enhanced: code, Text: err.Error(), Err: err}
}

// Admit implements smtpclient.Shaper: a suspension or bounce in force for
// the destination refuses the message (deferred, or failed for a
// bounce); otherwise it waits for the standing rate and any rate a rule
// set. If State fails, the message is deferred (limits fail closed).
func (s *Shaper) Admit(ctx context.Context, host string, src netip.Addr) error {
	s.init()
	dest := s.Destination(host)
	tenant := tenantOf(ctx)
	now := time.Now()
	var rates []rateKey
	if r := s.limit(dest).Rate; !r.IsZero() {
		rates = append(rates, rateKey{"rate|" + dest, r})
	}
	for _, o := range s.overrides(ctx) {
		if !o.applies(dest, src, tenant, now) {
			continue
		}
		switch o.Action {
		case Suspend:
			return refusal(delivery.Deferred, codeCongestion, fmt.Errorf("%w: %s until %s (%s)", ErrSuspended, dest, o.Until.Format(time.RFC3339), o.Reason))
		case Bounce:
			return refusal(delivery.Failed, codePolicy, fmt.Errorf("shaping: mail to %s bounced until %s by rule %s (%s)", dest, o.Until.Format(time.RFC3339), o.Rule, o.Reason))
		case SetRate:
			rates = append(rates, rateKey{"rate|" + dest + "|" + o.Source.String() + "|" + o.Tenant, o.Rate})
		}
	}
	for _, rk := range rates {
		if err := s.wait(ctx, rk); err != nil {
			return err
		}
	}
	return nil
}

type rateKey struct {
	key string
	r   Rate
}

// wait takes one message from a rate, waiting as long as it says. One
// sender per key and process asks the State at a time: with many senders
// waiting, all of them would otherwise wake at each slot and ask at once,
// a round trip each to a shared State, and all but one in vain.
func (s *Shaper) wait(ctx context.Context, rk rateKey) error {
	l, _ := s.turns.LoadOrStore(rk.key, make(chan struct{}, 1))
	turn := l.(chan struct{})
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-turn }()
	for {
		d, err := s.state.Allow(ctx, rk.key, rk.r)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return refusal(delivery.Deferred, codeCongestion, fmt.Errorf("%w: %w", ErrLimiterDown, err))
		}
		if d <= 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return refusal(delivery.Deferred, codeCongestion, fmt.Errorf("shaping: waiting %v for the rate of %s would pass the deadline", d, rk.key))
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// MaxConns implements smtpclient.Shaper: the lowest of the standing
// session cap and any a rule set, for the host's destination.
func (s *Shaper) MaxConns(host string) int {
	s.init()
	return s.maxConns(context.Background(), s.Destination(host))
}

func (s *Shaper) maxConns(ctx context.Context, dest string) int {
	n := s.limit(dest).MaxConns
	now := time.Now()
	for _, o := range s.overrides(ctx) {
		if o.Action == SetMaxConns && o.Destination == dest && o.Until.After(now) && (n == 0 || o.MaxConns < n) {
			n = o.MaxConns
		}
	}
	return n
}

// connLease bounds how long a session slot of a process that died stays
// taken in a shared State.
const connLease = 10 * time.Minute

// OpenConn implements smtpclient.ConnGate: when the destination has a
// session cap, a session takes one of its slots in State (so the cap
// holds across processes with a shared State), waiting for one to come
// free.
func (s *Shaper) OpenConn(ctx context.Context, host string, src netip.Addr) (func(), error) {
	s.init()
	dest := s.Destination(host)
	n := s.maxConns(ctx, dest)
	if n <= 0 {
		return func() {}, nil
	}
	backoff := 5 * time.Millisecond
	for {
		release, ok, err := s.state.Acquire(ctx, "conns|"+dest, n, connLease)
		if err != nil {
			return nil, refusal(delivery.Deferred, codeCongestion, fmt.Errorf("%w: %w", ErrLimiterDown, err))
		}
		if ok {
			return release, nil
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

// Observe matches an outcome against the rules and applies the actions
// of those that trigger; it returns the overrides it made (for logs,
// events and metrics). src is the source address the message went from
// (smtpclient's Result.Source) and tenant whose mail it was. An action
// already in force for the same rule and scope is not taken again. A
// Bounce among the returned overrides means the caller should fail the
// recipient rather than retry it.
func (s *Shaper) Observe(ctx context.Context, tenant string, src netip.Addr, o *delivery.Outcome) ([]Override, error) {
	s.init()
	if o.Status == delivery.Delivered || o.Host == "" {
		return nil, nil
	}
	c := bounce.ClassifyOutcome(o)
	provider := lookup(s.Providers, o.Host)
	dest := s.Destination(o.Host)
	var made []Override
	var errs []error
	now := time.Now()
	for i := range s.rules {
		r := &s.rules[i]
		if !r.match(o, &c, provider) {
			continue
		}
		ov := Override{Action: r.Action.Kind, Destination: dest, Rate: r.Action.Rate, MaxConns: r.Action.MaxConns,
			Until: now.Add(r.Action.Duration), Rule: r.Name, Reason: o.Reply()}
		if ov.Reason == "" {
			ov.Reason = o.Text
		}
		if r.Action.Scope == ByTenant {
			ov.Tenant = tenant
		} else {
			ov.Source = src
		}
		if r.Times > 1 {
			n, err := s.state.Count(ctx, "count|"+r.Name+"|"+dest+"|"+ov.Source.String()+"|"+ov.Tenant, r.Period)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if n < r.Times {
				continue
			}
		}
		if s.active(ctx, &ov) {
			continue
		}
		if r.Action.Duration > 0 {
			if err := s.state.Set(ctx, ov); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if s.Logger != nil {
			s.Logger.Info("shaping: rule triggered", "rule", r.Name, "action", ov.Action.String(), "destination", dest,
				"source", ov.Source, "tenant", ov.Tenant, "until", ov.Until, "reply", ov.Reason)
		}
		made = append(made, ov)
	}
	if len(made) > 0 {
		s.reload(ctx) // this process sees its own overrides at once
	}
	return made, errors.Join(errs...)
}

// active reports whether an override from the same rule and scope is in
// force.
func (s *Shaper) active(ctx context.Context, o *Override) bool {
	now := time.Now()
	for _, x := range s.overrides(ctx) {
		if x.Rule == o.Rule && sameScope(&x, o) && x.Until.After(now) {
			return true
		}
	}
	return false
}

// Overrides returns every override in force — suspensions among them, with
// their reason and end — as State has them now.
func (s *Shaper) Overrides(ctx context.Context) ([]Override, error) {
	s.init()
	return s.state.Overrides(ctx, time.Now())
}

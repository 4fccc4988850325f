package shaping

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a message rate: Messages per Per, with up to Burst at once.
// The zero Rate is no limit.
type Rate struct {
	Messages int
	Per      time.Duration
	// Burst is how many may go at once; 0 means a tenth of a second's
	// worth (at least 1). With a burst of 1 every late sender (a timer
	// that fires late, a round trip to a shared limiter) loses its slot
	// for good and the rate achieved falls well below the rate set; a
	// tenth of a second's credit absorbs that and still bounds any
	// window of W seconds to Messages/Per*W + Burst.
	Burst int
}

// IsZero reports whether r sets no limit.
func (r Rate) IsZero() bool { return r.Messages <= 0 || r.Per <= 0 }

// BurstOrDefault returns Burst, or the default when it is 0.
func (r Rate) BurstOrDefault() int {
	if r.Burst > 0 {
		return r.Burst
	}
	return max(1, int(float64(r.Messages)*float64(100*time.Millisecond)/float64(r.Per)))
}

// Override is a change of the limits a rule made, in force until Until:
// a rate, a session cap, a suspension or bounces, for one destination (a
// provider, or the host name of a host no provider is known for) and a
// source address or a tenant.
type Override struct {
	Action      ActionKind
	Destination string
	// Source, when valid, limits the override to mail from that address;
	// Tenant, when set, to that tenant's mail. Neither: all mail to the
	// destination.
	Source   netip.Addr
	Tenant   string
	Rate     Rate
	MaxConns int
	Until    time.Time
	// Rule is the name of the rule that made it, Reason the reply that
	// triggered it.
	Rule   string
	Reason string
}

// State keeps what a Shaper decides and counts: rate limits, rule
// trigger counts, session counts and overrides. The Shaper's default
// keeps them in memory, for one process; redisstate keeps them in Redis,
// shared by every process that uses the same Redis. Implementations must
// be safe for concurrent use.
type State interface {
	// Allow takes one message from the limit named key at rate r if it
	// may go now (wait 0), or says how long until it may (nothing
	// taken).
	Allow(ctx context.Context, key string, r Rate) (wait time.Duration, err error)
	// Count records one event under key and returns how many there were
	// in the last period.
	Count(ctx context.Context, key string, period time.Duration) (int, error)
	// Acquire takes one of max slots under key if one is free; release
	// gives it back. Slots of a process that died come free after lease.
	Acquire(ctx context.Context, key string, max int, lease time.Duration) (release func(), ok bool, err error)
	// Set records an override (replacing one with the same Action,
	// Destination, Source and Tenant); Overrides returns those in force
	// at now.
	Set(ctx context.Context, o Override) error
	Overrides(ctx context.Context, now time.Time) ([]Override, error)
}

// Memory is the in-process State: a Shaper's default. Its zero value is
// ready to use.
type Memory struct {
	mu        sync.Mutex
	limiters  map[string]*memLimiter
	counts    map[string][]time.Time
	slots     map[string]int
	overrides []Override
}

type memLimiter struct {
	r   Rate
	lim *rate.Limiter
}

// Allow implements State with golang.org/x/time/rate.
func (m *Memory) Allow(_ context.Context, key string, r Rate) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.limiters == nil {
		m.limiters = map[string]*memLimiter{}
	}
	l := m.limiters[key]
	if l == nil || l.r != r {
		l = &memLimiter{r: r, lim: rate.NewLimiter(rate.Limit(float64(r.Messages)/r.Per.Seconds()), r.BurstOrDefault())}
		m.limiters[key] = l
	}
	now := time.Now()
	res := l.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, nil
	}
	return 0, nil
}

// Count implements State.
func (m *Memory) Count(_ context.Context, key string, period time.Duration) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[string][]time.Time{}
	}
	now := time.Now()
	ts := m.counts[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= period {
		i++
	}
	ts = append(ts[i:], now)
	m.counts[key] = ts
	return len(ts), nil
}

// Acquire implements State; leases do not apply within one process.
func (m *Memory) Acquire(_ context.Context, key string, limit int, _ time.Duration) (func(), bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.slots == nil {
		m.slots = map[string]int{}
	}
	if m.slots[key] >= limit {
		return nil, false, nil
	}
	m.slots[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			m.slots[key]--
			m.mu.Unlock()
		})
	}, true, nil
}

func sameScope(a, b *Override) bool {
	return a.Action == b.Action && a.Destination == b.Destination && a.Source == b.Source && a.Tenant == b.Tenant
}

// Set implements State.
func (m *Memory) Set(_ context.Context, o Override) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	kept := m.overrides[:0]
	for _, x := range m.overrides {
		if x.Until.After(now) && !sameScope(&x, &o) {
			kept = append(kept, x)
		}
	}
	m.overrides = append(kept, o)
	return nil
}

// Overrides implements State.
func (m *Memory) Overrides(_ context.Context, now time.Time) ([]Override, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Override
	for _, o := range m.overrides {
		if o.Until.After(now) {
			out = append(out, o)
		}
	}
	return out, nil
}

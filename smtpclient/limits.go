package smtpclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit caps the rate of messages to the hosts it matches.
type RateLimit struct {
	// Hosts are host name patterns: "mx.example.com" matches that name,
	// "*.example.com" its subdomains, "*" every host. Patterns are
	// matched against MX host names for Deliver and Transport.Host for
	// Send; an address literal matches as its text.
	Hosts []string
	// Rate is in messages per second; Burst is how many may go at once
	// (default 1).
	Rate  rate.Limit
	Burst int
	// PerHost gives each matching host its own limiter (a per-destination
	// limit); otherwise all matching hosts share one (a per-group limit,
	// for example every MX of one mailbox provider).
	PerHost bool
}

func (r *RateLimit) matches(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range r.Hosts {
		p = strings.ToLower(p)
		switch {
		case p == "*":
			return true
		case strings.HasPrefix(p, "*."):
			if strings.HasSuffix(host, p[1:]) {
				return true
			}
		case p == host:
			return true
		}
	}
	return false
}

type limiterSet struct {
	rules  []RateLimit
	mu     sync.Mutex
	shared []*rate.Limiter
	per    map[perHost]*rate.Limiter
	sweep  int // sweep per when it reaches this size
}

// minSweep is the size of the per-host map below which it is not swept.
const minSweep = 1024

type perHost struct {
	rule int
	host string
}

func (l *limiterSet) init(rules []RateLimit) {
	l.rules = rules
	l.shared = make([]*rate.Limiter, len(rules))
	l.per = make(map[perHost]*rate.Limiter)
	for i, r := range rules {
		if !r.PerHost {
			l.shared[i] = rate.NewLimiter(r.Rate, max(r.Burst, 1))
		}
	}
}

// wait blocks until every limit matching host allows one more message.
func (l *limiterSet) wait(ctx context.Context, host string) error {
	for i := range l.rules {
		r := &l.rules[i]
		if !r.matches(host) {
			continue
		}
		var res *rate.Reservation
		if r.PerHost {
			res = l.reservePerHost(perHost{i, strings.ToLower(host)}, r)
		} else {
			res = l.shared[i].Reserve()
		}
		if err := waitFor(ctx, res); err != nil {
			return fmt.Errorf("smtpclient: rate limit for %s: %w", host, err)
		}
	}
	return nil
}

// reservePerHost takes a token from k's limiter. The reservation is made
// under the lock, so a sweep never drops a limiter someone is using.
func (l *limiterSet) reservePerHost(k perHost, r *RateLimit) *rate.Reservation {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.per[k]
	if lim == nil {
		if len(l.per) >= max(l.sweep, minSweep) {
			// Direct delivery meets ever new hosts: forget the limiters
			// with a full bucket, which are as good as new ones.
			now := time.Now()
			for k, lim := range l.per {
				if lim.TokensAt(now) >= float64(lim.Burst()) {
					delete(l.per, k)
				}
			}
			l.sweep = 2 * len(l.per)
		}
		lim = rate.NewLimiter(r.Rate, max(r.Burst, 1))
		l.per[k] = lim
	}
	return lim.Reserve()
}

// waitFor waits until res may act, or gives its token back when ctx ends
// first.
func waitFor(ctx context.Context, res *rate.Reservation) error {
	if !res.OK() {
		return errors.New("burst too small")
	}
	d := res.Delay()
	if d == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		res.Cancel()
		return fmt.Errorf("waiting %v would pass the deadline: %w", d, context.DeadlineExceeded)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		res.Cancel()
		return ctx.Err()
	}
}

// Source is a local address to send from.
type Source struct {
	Addr netip.Addr
	// Weight is the relative share of messages (0 counts as 1).
	Weight int
	// Warmup, when set, caps how many messages the address sends per day
	// and per hour while its reputation builds.
	Warmup *Warmup
}

// Warmup raises an address's caps day by day: on day i after Start
// (0-based, in 24-hour steps) at most Daily[i] messages, and at most
// Hourly[i] in any clock hour; past the end of a list its last value
// holds. A nil or empty list means no cap of that kind.
type Warmup struct {
	Start  time.Time
	Daily  []int
	Hourly []int
}

func (w *Warmup) caps(now time.Time) (day int, daily, hourly int) {
	day = int(now.Sub(w.Start) / (24 * time.Hour))
	if now.Before(w.Start) {
		day = 0
	}
	at := func(l []int) int {
		if len(l) == 0 {
			return -1
		}
		return l[min(day, len(l)-1)]
	}
	return day, at(w.Daily), at(w.Hourly)
}

// WarmupCounter keeps the counts that Warmup caps apply to. The
// Transport's own counts live in memory and start over with the process;
// a counter kept in a database lets the caps hold across restarts and
// across machines sending from the same address.
type WarmupCounter interface {
	// Take counts one message from addr in the day and the clock hour
	// starting at the given times, if neither count would then pass its
	// cap (a negative cap is none), and reports whether it did. Counting
	// both or neither must be atomic.
	Take(ctx context.Context, addr netip.Addr, day time.Time, dailyCap int, hour time.Time, hourlyCap int) (bool, error)
}

// memCounter is the WarmupCounter a Transport uses by default.
type memCounter struct {
	mu     sync.Mutex
	counts map[netip.Addr]*windowCounts
}

type windowCounts struct {
	day, hour     time.Time
	inDay, inHour int
}

func (m *memCounter) Take(_ context.Context, addr netip.Addr, day time.Time, dailyCap int, hour time.Time, hourlyCap int) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[netip.Addr]*windowCounts{}
	}
	c := m.counts[addr]
	if c == nil {
		c = &windowCounts{}
		m.counts[addr] = c
	}
	if !c.day.Equal(day) {
		c.day, c.inDay = day, 0
	}
	if !c.hour.Equal(hour) {
		c.hour, c.inHour = hour, 0
	}
	if dailyCap >= 0 && c.inDay >= dailyCap || hourlyCap >= 0 && c.inHour >= hourlyCap {
		return false, nil
	}
	c.inDay++
	c.inHour++
	return true, nil
}

type sourceSet struct {
	srcs    []Source
	counter WarmupCounter
	now     func() time.Time

	mu   sync.Mutex
	full map[netip.Addr]time.Time // sources whose caps were reached, until then
}

func (s *sourceSet) init(srcs []Source, counter WarmupCounter) {
	s.now = time.Now
	s.srcs = slices.Clone(srcs)
	s.counter = counter
	if s.counter == nil {
		s.counter = &memCounter{}
	}
	s.full = make(map[netip.Addr]time.Time)
}

// pick chooses a source for a connection to addr ("ip:port"), by weight
// among those of the same address family whose caps were not found
// reached (take finds that), leaving out skip. The zero Addr means no
// sources are set.
func (s *sourceSet) pick(addr string, skip []netip.Addr) (netip.Addr, error) {
	if len(s.srcs) == 0 {
		return netip.Addr{}, nil
	}
	want4, known := true, false
	if h, _, err := net.SplitHostPort(addr); err == nil {
		if ip, err := netip.ParseAddr(h); err == nil {
			want4, known = ip.Unmap().Is4(), true
		}
	}
	now := s.now()
	total := 0
	var buf [64]int
	cand := buf[:0]
	s.mu.Lock()
	for i, src := range s.srcs {
		if known && src.Addr.Unmap().Is4() != want4 || slices.Contains(skip, src.Addr) {
			continue
		}
		if until, ok := s.full[src.Addr]; ok {
			if now.Before(until) {
				continue
			}
			delete(s.full, src.Addr)
		}
		cand = append(cand, i)
		total += max(src.Weight, 1)
	}
	s.mu.Unlock()
	if len(cand) == 0 {
		return netip.Addr{}, fmt.Errorf("%w: for %s", ErrSourceExhausted, addr)
	}
	n := rand.IntN(total)
	for _, i := range cand {
		n -= max(s.srcs[i].Weight, 1)
		if n < 0 {
			return s.srcs[i].Addr, nil
		}
	}
	return s.srcs[cand[len(cand)-1]].Addr, nil
}

// take counts one message from src against its warm-up caps, when a
// session is about to carry it, and reports whether the caps allowed it.
// A source found full leaves the draw until the next clock hour.
func (s *sourceSet) take(ctx context.Context, addr netip.Addr) (bool, error) {
	var w *Warmup
	for i := range s.srcs {
		if s.srcs[i].Addr == addr {
			w = s.srcs[i].Warmup
			break
		}
	}
	if w == nil {
		return true, nil
	}
	now := s.now()
	day, daily, hourly := w.caps(now)
	dayStart := w.Start.Add(time.Duration(day) * 24 * time.Hour)
	hour := now.Truncate(time.Hour)
	ok, err := s.counter.Take(ctx, addr, dayStart, daily, hour, hourly)
	if err != nil {
		return false, fmt.Errorf("smtpclient: warm-up count for %s: %w", addr, err)
	}
	if !ok {
		s.mu.Lock()
		s.full[addr] = hour.Add(time.Hour)
		s.mu.Unlock()
	}
	return ok, nil
}

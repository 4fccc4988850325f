package redisstate_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/rates"
	"github.com/mxkit/mxkit/redisstate"
	"github.com/mxkit/mxkit/shaping"
)

var ctx = context.Background()

// pair returns two States on separate clients (as two processes would
// have) sharing a fresh key prefix.
func pair(t *testing.T) (*redisstate.State, *redisstate.State) {
	addr := testenv.RedisAddr(t)
	var b [6]byte
	rand.Read(b[:])
	prefix := "mxkit-test-" + hex.EncodeToString(b[:]) + ":"
	mk := func() *redisstate.State {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { rdb.Close() })
		return redisstate.New(rdb, prefix)
	}
	a := mk()
	t.Cleanup(func() {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		defer rdb.Close()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		keys, _ = rdb.Keys(ctx, "rate:"+prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return a, mk()
}

// Two clients share one limit: 10 a second with a burst of 1 lets one
// message through at once and the next only after 100 ms, whichever
// client asks.
func TestAllowShared(t *testing.T) {
	a, b := pair(t)
	r := shaping.Rate{Messages: 10, Per: time.Second}
	if d, err := a.Allow(ctx, "k", r); err != nil || d != 0 {
		t.Fatalf("first: %v %v", d, err)
	}
	d, err := b.Allow(ctx, "k", r)
	if err != nil || d <= 0 || d > 100*time.Millisecond {
		t.Errorf("second, from the other client: wait %v, %v; want up to 100ms", d, err)
	}
	time.Sleep(d)
	if d, err := b.Allow(ctx, "k", r); err != nil || d != 0 {
		t.Errorf("after the wait: %v %v", d, err)
	}
}

func TestCount(t *testing.T) {
	a, b := pair(t)
	for i, s := range []*redisstate.State{a, b, a} {
		if n, err := s.Count(ctx, "c", 300*time.Millisecond); err != nil || n != i+1 {
			t.Errorf("count %d: %d, %v", i+1, n, err)
		}
	}
	time.Sleep(350 * time.Millisecond)
	if n, _ := b.Count(ctx, "c", 300*time.Millisecond); n != 1 {
		t.Errorf("after the period: %d, want 1", n)
	}
}

func TestAcquire(t *testing.T) {
	a, b := pair(t)
	r1, ok1, err1 := a.Acquire(ctx, "s", 2, time.Minute)
	_, ok2, err2 := b.Acquire(ctx, "s", 2, time.Minute)
	_, ok3, err3 := a.Acquire(ctx, "s", 2, time.Minute)
	if !ok1 || !ok2 || ok3 || errors.Join(err1, err2, err3) != nil {
		t.Fatalf("two slots: %v %v %v (%v %v %v)", ok1, ok2, ok3, err1, err2, err3)
	}
	r1()
	r1() // twice is harmless
	if _, ok, _ := b.Acquire(ctx, "s", 2, time.Minute); !ok {
		t.Error("a released slot was not free")
	}
	// A holder that never releases (a process that died) loses its slot
	// when the lease ends.
	_, ok, _ := a.Acquire(ctx, "t", 1, 300*time.Millisecond)
	if !ok {
		t.Fatal("first slot")
	}
	if _, ok, _ := b.Acquire(ctx, "t", 1, time.Minute); ok {
		t.Fatal("second slot of one")
	}
}

func TestWarmupCounter(t *testing.T) {
	a, b := pair(t)
	ip := netip.MustParseAddr("192.0.2.7")
	day := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	hour := day.Add(5 * time.Hour)
	var taken int
	for i := range 6 {
		s := []*redisstate.State{a, b}[i%2]
		ok, err := s.Take(ctx, ip, day, 4, hour, -1)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			taken++
		}
	}
	if taken != 4 {
		t.Errorf("%d taken with a daily cap of 4 across two clients", taken)
	}
	if ok, _ := a.Take(ctx, ip, day.Add(24*time.Hour), 4, hour.Add(24*time.Hour), 1); !ok {
		t.Error("the next day starts over")
	}
	if ok, _ := b.Take(ctx, ip, day.Add(24*time.Hour), 4, hour.Add(24*time.Hour), 1); ok {
		t.Error("hourly cap of 1 passed")
	}
}

// A suspension one process's Shaper triggers holds in another's, through
// Redis, within its Refresh.
func TestSharedSuspension(t *testing.T) {
	a, b := pair(t)
	sa := &shaping.Shaper{State: a, Refresh: 50 * time.Millisecond}
	sb := &shaping.Shaper{State: b, Refresh: 50 * time.Millisecond}
	src := netip.MustParseAddr("192.0.2.10")
	if err := sb.Admit(ctx, "mta5.am0.yahoodns.net", src); err != nil {
		t.Fatal(err)
	}
	o := &delivery.Outcome{Recipient: "r@yahoo.com", Status: delivery.Deferred, Stage: delivery.StageMail, Code: 421,
		Enhanced: delivery.EnhancedCode{4, 7, 0}, Host: "mta6.am0.yahoodns.net",
		Text: "[TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints"}
	if ov, err := sa.Observe(ctx, "", src, o); err != nil || len(ov) != 1 {
		t.Fatalf("Observe: %+v %v", ov, err)
	}
	time.Sleep(60 * time.Millisecond)
	if err := sb.Admit(ctx, "mta7.am0.yahoodns.net", src); !errors.Is(err, shaping.ErrSuspended) {
		t.Errorf("the other process's Admit: %v, want suspended", err)
	}
	os, err := sb.Overrides(ctx)
	if err != nil || len(os) != 1 || os[0].Rule != "yahoo-tss04" || os[0].Source != src || os[0].Reason == "" {
		t.Errorf("Overrides from the other process: %+v %v", os, err)
	}
}

// With Redis unreachable every limit fails closed.
func TestRedisDown(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer rdb.Close()
	s := &shaping.Shaper{State: redisstate.New(rdb, ""), Limits: map[string]shaping.Limit{"*": {Rate: shaping.Rate{Messages: 1000, Per: time.Second}}}}
	err := s.Admit(ctx, "mx.example.net", netip.Addr{})
	var o *delivery.Outcome
	if !errors.Is(err, shaping.ErrLimiterDown) || !errors.As(err, &o) || o.Status != delivery.Deferred {
		t.Errorf("Admit with Redis down: %v", err)
	}
	if _, err := redisstate.New(rdb, "").Take(ctx, netip.MustParseAddr("192.0.2.1"), time.Now(), 10, time.Now(), 10); err == nil {
		t.Error("warm-up count with Redis down: no error")
	}
}

// Many goroutines of two clients together never pass the rate.
func TestAllowConcurrent(t *testing.T) {
	a, b := pair(t)
	r := shaping.Rate{Messages: 100, Per: time.Second}
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	stop := time.Now().Add(500 * time.Millisecond)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []*redisstate.State{a, b}[g%2]
			for time.Now().Before(stop) {
				d, err := s.Allow(ctx, "c", r)
				if err != nil {
					t.Error(err)
					return
				}
				if d == 0 {
					mu.Lock()
					allowed++
					mu.Unlock()
				} else {
					time.Sleep(d)
				}
			}
		}()
	}
	wg.Wait()
	if allowed > 50+10 { // 100/s for 500 ms, and the default burst of a tenth of a second
		t.Errorf("%d allowed in 500 ms at 100/s", allowed)
	}
}

// Two processes' Counters share the counts; a crossing is reported by one
// of them only.
func TestCounters(t *testing.T) {
	addr := testenv.RedisAddr(t)
	var b [6]byte
	rand.Read(b[:])
	prefix := "mxkit-test-" + hex.EncodeToString(b[:]) + ":"
	mk := func() *rates.Counter {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { rdb.Close() })
		return &rates.Counter{Window: time.Hour, CheckEvery: time.Nanosecond, Store: redisstate.NewCounters(rdb, prefix)}
	}
	t.Cleanup(func() {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		defer rdb.Close()
		if keys, _ := rdb.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	ca, cb := mk(), mk()
	now := time.Now()
	ca.Add(ctx, rates.Event{Kind: rates.Delivered, N: 600, Time: now, Tenant: "acme"})
	cb.Add(ctx, rates.Event{Kind: rates.Delivered, N: 600, Time: now, Tenant: "acme"})
	n, err := cb.Counts(ctx, rates.Tenant, "acme", now)
	if err != nil || n[rates.Delivered] != 1200 {
		t.Fatalf("shared counts %v, %v", n, err)
	}
	var reported int
	for i := range 6 {
		c := []*rates.Counter{ca, cb}[i%2]
		cr, err := c.Add(ctx, rates.Event{Kind: rates.Complained, Time: now, Tenant: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		reported += len(cr)
	}
	if reported != 1 {
		t.Errorf("a crossing reported %d times by two processes, want once", reported)
	}
}

package redisstate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/mxkit/mxkit/shaping"
	"github.com/mxkit/mxkit/smtpclient"
)

// State is a shaping.State in Redis. Create it with New.
type State struct {
	rdb    redis.UniversalClient
	prefix string
	lim    *redis_rate.Limiter
}

var (
	_ shaping.State            = (*State)(nil)
	_ smtpclient.WarmupCounter = (*State)(nil)
)

// New returns a State on rdb (a *redis.Client, or a cluster or ring
// client) whose keys all start with prefix ("" means "mxkit:"). Processes
// that share limits use the same Redis and prefix.
func New(rdb redis.UniversalClient, prefix string) *State {
	if prefix == "" {
		prefix = "mxkit:"
	}
	return &State{rdb: rdb, prefix: prefix, lim: redis_rate.NewLimiter(rdb)}
}

// Allow takes one message from the GCRA limit key (redis_rate).
func (s *State) Allow(ctx context.Context, key string, r shaping.Rate) (time.Duration, error) {
	res, err := s.lim.Allow(ctx, s.prefix+key, redis_rate.Limit{Rate: r.Messages, Period: r.Per, Burst: r.BurstOrDefault()})
	if err != nil {
		return 0, fmt.Errorf("redisstate: %w", err)
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	if res.RetryAfter <= 0 {
		return time.Millisecond, nil
	}
	return res.RetryAfter, nil
}

// count adds a member at Redis's time and counts the members of the last
// period (milliseconds) in a sorted set.
var count = redis.NewScript(`
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('ZCARD', KEYS[1])`)

func unique() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Count records one event under key and counts those of the last period.
func (s *State) Count(ctx context.Context, key string, period time.Duration) (int, error) {
	n, err := count.Run(ctx, s.rdb, []string{s.prefix + key}, max(period.Milliseconds(), 1), unique()).Int()
	if err != nil {
		return 0, fmt.Errorf("redisstate: %w", err)
	}
	return n, nil
}

// acquire takes a slot in a sorted set of holders scored by lease end.
var acquire = redis.NewScript(`
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`)

// renew extends a holder's lease if it still holds a slot.
var renew = redis.NewScript(`
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1`)

// Acquire takes one of max slots under key for lease, renewed every third
// of it while held: a process that dies loses its slots when their lease
// ends.
func (s *State) Acquire(ctx context.Context, key string, limit int, lease time.Duration) (func(), bool, error) {
	k, id, ms := s.prefix+key, unique(), max(lease.Milliseconds(), 1)
	ok, err := acquire.Run(ctx, s.rdb, []string{k}, limit, ms, id).Int()
	if err != nil {
		return nil, false, fmt.Errorf("redisstate: %w", err)
	}
	if ok == 0 {
		return nil, false, nil
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				renew.Run(context.Background(), s.rdb, []string{k}, ms, id)
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			s.rdb.ZRem(context.Background(), k, id)
		})
	}, true, nil
}

func overrideField(o *shaping.Override) string {
	return o.Action.String() + "|" + o.Destination + "|" + o.Source.String() + "|" + o.Tenant
}

type storedOverride struct {
	Action      uint8        `json:"action"`
	Destination string       `json:"dest"`
	Source      netip.Addr   `json:"source,omitzero"`
	Tenant      string       `json:"tenant,omitempty"`
	Rate        shaping.Rate `json:"rate,omitzero"`
	MaxConns    int          `json:"max_conns,omitempty"`
	Until       time.Time    `json:"until"`
	Rule        string       `json:"rule,omitempty"`
	Reason      string       `json:"reason,omitempty"`
}

// Set stores an override in a hash, one field per scope.
func (s *State) Set(ctx context.Context, o shaping.Override) error {
	b, err := json.Marshal(storedOverride{uint8(o.Action), o.Destination, o.Source, o.Tenant, o.Rate, o.MaxConns, o.Until, o.Rule, o.Reason})
	if err != nil {
		return err
	}
	if err := s.rdb.HSet(ctx, s.prefix+"overrides", overrideField(&o), b).Err(); err != nil {
		return fmt.Errorf("redisstate: %w", err)
	}
	return nil
}

// Overrides returns the overrides in force at now, removing those that
// ended.
func (s *State) Overrides(ctx context.Context, now time.Time) ([]shaping.Override, error) {
	m, err := s.rdb.HGetAll(ctx, s.prefix+"overrides").Result()
	if err != nil {
		return nil, fmt.Errorf("redisstate: %w", err)
	}
	var out []shaping.Override
	var ended []string
	for f, v := range m {
		var so storedOverride
		if err := json.Unmarshal([]byte(v), &so); err != nil || !so.Until.After(now) {
			ended = append(ended, f)
			continue
		}
		out = append(out, shaping.Override{Action: shaping.ActionKind(so.Action), Destination: so.Destination, Source: so.Source,
			Tenant: so.Tenant, Rate: so.Rate, MaxConns: so.MaxConns, Until: so.Until, Rule: so.Rule, Reason: so.Reason})
	}
	if len(ended) > 0 {
		s.rdb.HDel(ctx, s.prefix+"overrides", ended...)
	}
	return out, nil
}

// take counts one message against a day and an hour count if neither
// would pass its cap (negative: none).
var take = redis.NewScript(`
local d = tonumber(redis.call('GET', KEYS[1]) or '0')
local h = tonumber(redis.call('GET', KEYS[2]) or '0')
local dcap, hcap = tonumber(ARGV[1]), tonumber(ARGV[2])
if (dcap >= 0 and d >= dcap) or (hcap >= 0 and h >= hcap) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 172800000)
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 7200000)
return 1`)

// Take implements smtpclient.WarmupCounter: the caps of a warming-up
// source address hold across every process sending from it.
func (s *State) Take(ctx context.Context, addr netip.Addr, day time.Time, dailyCap int, hour time.Time, hourlyCap int) (bool, error) {
	base := s.prefix + "warmup|" + addr.String() + "|"
	ok, err := take.Run(ctx, s.rdb, []string{base + "d" + strconv.FormatInt(day.Unix(), 10), base + "h" + strconv.FormatInt(hour.Unix(), 10)},
		dailyCap, hourlyCap).Int()
	if err != nil {
		return false, fmt.Errorf("redisstate: %w", err)
	}
	return ok == 1, nil
}

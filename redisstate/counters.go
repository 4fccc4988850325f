package redisstate

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mxkit/mxkit/rates"
)

// Counters is a rates.Store in Redis: each bucket of each series is a
// hash of counts by kind, expiring once it leaves the window, and the
// crossing flags are keys set with SET NX, so that of all the processes
// that see a threshold crossed, one reports it.
type Counters struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ rates.Store = (*Counters)(nil)

// NewCounters returns Counters on rdb with keys under prefix ("" means
// "mxkit:").
func NewCounters(rdb redis.UniversalClient, prefix string) *Counters {
	if prefix == "" {
		prefix = "mxkit:"
	}
	return &Counters{rdb: rdb, prefix: prefix}
}

func (c *Counters) key(series string, bucket time.Time) string {
	return c.prefix + "rates|" + series + "|" + strconv.FormatInt(bucket.UnixNano(), 10)
}

// Add implements rates.Store, in one round trip.
func (c *Counters) Add(ctx context.Context, series []string, kind rates.Kind, n int64, bucket time.Time, keep time.Duration) error {
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, s := range series {
			k := c.key(s, bucket)
			p.HIncrBy(ctx, k, kind.String(), n)
			p.PExpire(ctx, k, keep)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstate: %w", err)
	}
	return nil
}

// Sum implements rates.Store, in one round trip.
func (c *Counters) Sum(ctx context.Context, series string, from, to time.Time, step time.Duration) (rates.Counts, error) {
	var total rates.Counts
	var cmds []*redis.MapStringStringCmd
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for b := from; b.Before(to); b = b.Add(step) {
			cmds = append(cmds, p.HGetAll(ctx, c.key(series, b)))
		}
		return nil
	})
	if err != nil {
		return total, fmt.Errorf("redisstate: %w", err)
	}
	for _, cmd := range cmds {
		for f, v := range cmd.Val() {
			n, _ := strconv.ParseInt(v, 10, 64)
			for k := range rates.Kind(len(total)) {
				if k.String() == f {
					total[k] += n
				}
			}
		}
	}
	return total, nil
}

// flagLife bounds how long a crossing flag outlives the last check.
const flagLife = 7 * 24 * time.Hour

// Flip implements rates.Store.
func (c *Counters) Flip(ctx context.Context, name string, on bool) (bool, error) {
	k := c.prefix + "flag|" + name
	if on {
		ok, err := c.rdb.SetNX(ctx, k, 1, flagLife).Result()
		if err != nil {
			return false, fmt.Errorf("redisstate: %w", err)
		}
		return ok, nil
	}
	n, err := c.rdb.Del(ctx, k).Result()
	if err != nil {
		return false, fmt.Errorf("redisstate: %w", err)
	}
	return n > 0, nil
}

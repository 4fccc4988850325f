// Package redisstate keeps in Redis the sending state that several
// processes on several machines must share: the rate limits, session
// counts, rule trigger counts and overrides of a shaping.Shaper
// ([State]), the warm-up counts of smtpclient's Sources
// ([WarmupCounter]) and the sliding-window counters of the rates package
// ([Counters]). Without it each process keeps its own, in memory, and
// three machines sharing a queue send at three times the configured rate.
//
// It is a module of its own (github.com/mxkit/mxkit/redisstate), so that
// github.com/redis/go-redis/v9 and github.com/go-redis/redis_rate/v10 stay
// out of the library's go.mod: only this package needs them.
// Suppression lists are shared through PostgreSQL instead
// (suppression/pgstore), where they are stored anyway.
//
// Rates use redis_rate's GCRA limiter (generic cell rate algorithm: one
// key per limit holding a theoretical arrival time, updated by a Lua
// script with Redis's own clock), so the processes' clocks need not
// agree. Counts, session slots and warm-up counts are Lua scripts too,
// each atomic in Redis.
//
// When Redis cannot be reached every call returns an error, and the
// callers fail closed: shaping.Shaper defers the message
// (shaping.ErrLimiterDown), smtpclient defers a message whose warm-up
// count cannot be taken. Nothing is sent unthrottled while Redis is down;
// when it is back (empty, if it kept nothing on disk) sending resumes at
// the configured rate.
package redisstate

package pgstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mxkit/mxkit/queue"
)

// Lease implements queue.Store. With req.Wait it waits for a NOTIFY from
// an enqueue or a release (here or on another machine), and looks again at
// least every second for messages whose time came.
func (s *Store) Lease(ctx context.Context, req queue.LeaseRequest) ([]*queue.Message, error) {
	if req.Duration <= 0 {
		return nil, fmt.Errorf("%w: lease duration %v", queue.ErrInvalidInput, req.Duration)
	}
	if req.Max <= 0 {
		req.Max = 1
	}
	s.remeasure(ctx)
	start := time.Now()
	now := req.Now
	woken := false
	for {
		if s.isClosed() {
			return nil, queue.ErrClosed
		}
		if req.Wait > 0 {
			s.listen()
		}
		var ms []*queue.Message
		var err error
		if req.Wait <= 0 || !s.nothingLeasable(s.toDB(req.Now)) {
			ms, err = s.lease(ctx, req)
		}
		if len(ms) == req.Max {
			s.wakeOne() // there may be more: another lessee waiting can look
		}
		if woken {
			s.adjustLinger(len(ms), req.Max)
		}
		left := req.Wait - time.Since(start)
		if err != nil || len(ms) > 0 || left <= 0 {
			return ms, err
		}
		newWaiter := func(lingering bool) *waiter {
			return &waiter{ch: make(chan struct{}, 1), handOff: req.TenantLimit <= 0 && len(req.TenantLimits) == 0,
				lingering: lingering, domain: lower(req.Domain), max: req.Max, dur: req.Duration,
				now: now.Add(time.Since(start)), since: s.clock()}
		}
		w := newWaiter(false)
		if woken, err = s.await(ctx, min(time.Second, left), w); err != nil || len(w.handed) > 0 {
			return w.handed, err
		}
		if woken {
			// What woke us is often one message, with more coming:
			// one lease for several costs the server less than one
			// each, for a few milliseconds of delay. Meanwhile
			// enqueues here may hand messages over.
			w := newWaiter(true)
			if _, err := s.await(ctx, time.Duration(s.linger.Load()), w); err != nil || len(w.handed) > 0 {
				return w.handed, err
			}
		}
		req.Now = now.Add(time.Since(start)) // the caller's clock moved on while we waited
	}
}

// A woken lessee waits before it looks, from 1ms to 50ms: longer while
// woken leases find few messages (they come in slowly: wait for more to
// share the lease), shorter when they find many. River, for comparison,
// fetches at most every 100ms (FetchCooldown).
const (
	minLinger = time.Millisecond
	maxLinger = 50 * time.Millisecond
)

func (s *Store) adjustLinger(got, limit int) {
	l := time.Duration(s.linger.Load())
	switch {
	case got < 4 && got < limit:
		l = min(2*l, maxLinger)
	case got >= limit/2:
		l = max(l/2, minLinger)
	}
	s.linger.Store(int64(l))
}

// await waits up to d for wakeOne or a hand-off (w.handed), or returns
// at once if a wake came while nobody waited; woken says which. A
// hand-off under way when the wait ends is waited for (its messages are
// leased to this lessee) and returned even if ctx is done.
func (s *Store) await(ctx context.Context, d time.Duration, w *waiter) (woken bool, err error) {
	s.mu.Lock()
	if s.woken && !w.lingering {
		s.woken = false
		s.mu.Unlock()
		return true, nil
	}
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-w.ch:
		return true, nil
	case <-t.C:
	case <-ctx.Done():
	}
	s.mu.Lock()
	for i, x := range s.waiters {
		if x == w {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			s.mu.Unlock()
			return false, ctx.Err()
		}
	}
	claimed := w.claimed
	s.mu.Unlock()
	if claimed {
		<-w.ch // the write takes milliseconds
		if len(w.handed) > 0 {
			return true, nil
		}
	}
	return true, ctx.Err() // woken as the wait ended
}

// wakeOne wakes the lessee that has waited longest, one only: if what made
// it look was one message, the others would find nothing; a lessee that
// finds a full lease wakes the next.
func (s *Store) wakeOne() (woke bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readyGen++
	i := slices.IndexFunc(s.waiters, func(w *waiter) bool { return !w.lingering })
	if i < 0 {
		s.woken = true
		return false
	}
	s.waiters[i].ch <- struct{}{}
	s.waiters = slices.Delete(s.waiters, i, i+1)
	return true
}

// nothingLeasable reports whether, as far as this store knows, a lease at
// now would find nothing: a lease for any domain without caps took all
// there was, nothing woke a lessee since, and no promotion is pending (so
// at least once a second a lease looks, for what came due elsewhere
// unannounced). A lessee with Wait then waits without looking.
func (s *Store) nothingLeasable(now time.Time) bool {
	s.mu.Lock()
	known := s.emptyKnown && s.emptyGen == s.readyGen
	s.mu.Unlock()
	return known && !s.promotionPending(now)
}

// gen returns the count of wakes so far.
func (s *Store) gen() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readyGen
}

// tookAll notes that a lease for any domain without caps, sent when the
// count of wakes was g, took all there was.
func (s *Store) tookAll(g uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.emptyKnown || g > s.emptyGen {
		s.emptyGen, s.emptyKnown = g, true
	}
}

// listen starts the LISTEN connection if it is not running.
func (s *Store) listen() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.listening && !s.closed {
		s.listening = true
		s.bg.Add(1)
		go s.listenLoop()
	}
}

// listenLoop holds a connection that listens for NOTIFYs on the store's
// channel and wakes waiting lessees on each, until the store closes.
func (s *Store) listenLoop() {
	defer s.bg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.stop
		cancel()
	}()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, s.connCf)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.notify}.Sanitize())
		}
		if err == nil {
			backoff = 100 * time.Millisecond
			s.wakeOne() // anything sent while not listening
			s.listened.Add(1)
			for {
				var n *pgconn.Notification
				if n, err = conn.WaitForNotification(ctx); err != nil {
					break
				}
				from, what, _ := strings.Cut(n.Payload, "/")
				if from == s.self {
					continue // sent from here, where lessees were woken already
				}
				if what != "ready" {
					s.dueBy(time.Time{}) // a release or requeue elsewhere comes due at once
				}
				s.wakeOne()
			}
		}
		if conn != nil {
			conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("pgstore: LISTEN connection lost; lessees waiting look again every second", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// wakeLessees wakes a lessee waiting here, or if none is, one in each
// other process, through the notify loop. It is called after a commit that
// made a message due: ready (an enqueue) or to be made ready by a
// promotion (ready false: a release, retry or requeue).
func (s *Store) wakeLessees(ready bool) {
	if s.wakeOne() {
		return // (a lessee elsewhere would race it for the same messages)
	}
	if !ready {
		s.notifyPromote.Store(true)
	}
	select {
	case s.notifies <- struct{}{}:
	default: // one is pending already
	}
}

// notifyLoop sends the NOTIFYs asked for, one at a time and at most one
// every 10 milliseconds (lessees here are woken at once), each in a
// transaction of its own that does not wait for the disk. A NOTIFY is
// never sent inside the transaction that enqueued: at its commit
// PostgreSQL takes a lock that lets one notifying transaction commit at a
// time, which would undo the sharing of commits.
func (s *Store) notifyLoop() {
	defer s.bg.Done()
	for {
		select {
		case <-s.notifies:
		case <-s.stop:
			return
		}
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		b.Queue("SET LOCAL synchronous_commit TO off")
		// The payload says who sent it and whether the other
		// processes' next lease must promote first.
		what := "ready"
		if s.notifyPromote.Swap(false) {
			what = "promote"
		}
		b.Queue(`SELECT pg_notify($1, $2)`, s.notify, s.self+"/"+what)
		b.Queue("COMMIT")
		if err := s.pool.SendBatch(context.Background(), b).Close(); err != nil {
			s.log.Warn("pgstore: NOTIFY", "err", err)
		}
		select {
		case <-time.After(10 * time.Millisecond):
		case <-s.stop:
			return
		}
	}
}

// lease makes the messages that came due ready and leases the first, in
// one round trip (one implicit transaction).
func (s *Store) lease(ctx context.Context, req queue.LeaseRequest) ([]*queue.Message, error) {
	token := randomToken()
	now := s.toDB(req.Now)
	end := now.Add(req.Duration)
	if req.TenantLimit > 0 || len(req.TenantLimits) > 0 {
		return s.leaseCapped(ctx, req, token, now, end)
	}
	g := s.gen()
	b := &pgx.Batch{}
	promote := s.promoteDue(now)
	if promote {
		// The promotion commits on its own, without waiting for the disk
		// (a promotion lost in a crash is made again), so that the flows'
		// rows it updates are not locked through the lease's commit.
		b.Queue("BEGIN")
		b.Queue("SET LOCAL synchronous_commit TO off")
		b.Queue(s.q.promote, now)
		b.Queue("COMMIT")
		b.Queue(s.q.nextDue)
	}
	if req.Domain == "" {
		b.Queue(s.q.lease, now, req.Max, token, end, prefetch)
	} else {
		b.Queue(s.q.leaseDomain, now, req.Max, token, end, prefetch, lower(req.Domain))
	}
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	if promote {
		for range 4 {
			if _, err := br.Exec(); err != nil {
				s.dueBy(time.Time{})
				return nil, fmt.Errorf("pgstore: lease: %w", err)
			}
		}
		var next *time.Time
		if err := br.QueryRow().Scan(&next); err != nil {
			s.dueBy(time.Time{})
			return nil, fmt.Errorf("pgstore: lease: %w", err)
		}
		if next != nil {
			s.dueBy(*next)
		}
	}
	s.dueBy(end) // what is leased now is due again if its lease runs out
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	out, err := s.scanLeased(rows, req.Duration)
	if err != nil {
		return nil, err
	}
	if err := br.Close(); err != nil {
		s.forget(out)
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	if req.Domain == "" && len(out) < req.Max {
		s.tookAll(g)
	}
	return out, nil
}

// scanLeased reads leased rows, keeps them for Complete and Body, and
// returns them in lease order.
func (s *Store) scanLeased(rows pgx.Rows, d time.Duration) ([]*queue.Message, error) {
	defer rows.Close()
	var ws []*row
	var bodies [][]byte
	for rows.Next() {
		var body []byte
		w, err := scanRow(rows, &body)
		if err != nil {
			return nil, fmt.Errorf("pgstore: lease: %w", err)
		}
		ws, bodies = append(ws, w), append(bodies, body)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	idx := make([]int, len(ws))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		wa, wb := ws[idx[a]], ws[idx[b]]
		return wa.tag < wb.tag || (wa.tag == wb.tag && wa.id < wb.id)
	})
	out := make([]*queue.Message, len(ws))
	local := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, j := range idx {
		w := ws[j]
		out[i] = s.message(w)
		s.keepLease(w.id, out[i], bodies[j], local.Add(d))
	}
	s.sweepLeases(local)
	return out, nil
}

// keepLease keeps a copy of m, leased here until end (local clock), for
// Complete and Body; body is nil unless it came with the lease. Called
// with s.mu held.
func (s *Store) keepLease(id int64, m *queue.Message, body []byte, end time.Time) {
	keep := *m
	keep.Recipients = append([]queue.Recipient(nil), m.Recipients...)
	s.leases[id] = &leased{m: &keep, body: body, end: end}
}

// sweepLeases forgets leases that ran out a minute ago or more: their
// completion, if it comes, takes the long way. Called with s.mu held.
func (s *Store) sweepLeases(local time.Time) {
	if len(s.leases) < 1024 {
		return
	}
	for id, l := range s.leases {
		if local.Sub(l.end) > time.Minute {
			delete(s.leases, id)
		}
	}
}

// leaseCapped leases with tenant caps: under an advisory lock (so that
// leases with caps, from any machine, count each other's), it counts each
// tenant's leases out, takes candidates in lease order leaving out tenants
// at their cap, and leases those that fit.
func (s *Store) leaseCapped(ctx context.Context, req queue.LeaseRequest, token string, now, end time.Time) ([]*queue.Message, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('mxkit.queue.caps.' || $1))`, s.schema); err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	if err := s.promote(ctx, now); err != nil {
		return nil, err
	}
	// Tenants with leases out, and their counts.
	out := map[string]int{}
	rows, err := tx.Query(ctx, `SELECT DISTINCT tenant FROM `+pgx.Identifier{s.schema}.Sanitize()+`.messages WHERE lease_token IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	var tenants []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, fmt.Errorf("pgstore: lease: %w", err)
		}
		tenants = append(tenants, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	rows, err = tx.Query(ctx, s.q.leasedBy, tenants, now)
	if err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("pgstore: lease: %w", err)
		}
		out[t] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	capped := []string{}
	for t, n := range out {
		if l := req.Limit(t); l > 0 && n >= l {
			capped = append(capped, t)
		}
	}
	rows, err = tx.Query(ctx, s.q.candidates, now, 4*req.Max, lower(req.Domain), capped)
	if err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return nil, fmt.Errorf("pgstore: lease: %w", err)
		}
		if l := req.Limit(t); len(ids) < req.Max && (l == 0 || out[t] < l) {
			ids = append(ids, id)
			out[t]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	if len(ids) == 0 {
		return nil, tx.Commit(ctx)
	}
	rows, err = tx.Query(ctx, s.q.leaseIDs, ids, now, token, end, prefetch)
	if err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	ms, err := s.scanLeased(rows, req.Duration)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		s.forget(ms)
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	return ms, nil
}

// Promotion: a lease makes ready the messages that came due only when one
// may have (dueHint, the earliest time a waiting message is known to come
// due, has passed), or once a second at least: messages that come due
// through another machine (its retries, its send times, its leases that
// ran out) are not known here, so they are made ready within a second.
// Changes made here lower the hint (dueBy).

// promoteDue reports whether a lease at now promotes, and if so lifts the
// hint until the lease reports the next due time (changes meanwhile lower
// it again).
func (s *Store) promoteDue(now time.Time) bool {
	s.hintMu.Lock()
	defer s.hintMu.Unlock()
	if !s.hinted || !now.Before(s.dueHint) || time.Since(s.promoted) > time.Second {
		s.hinted, s.dueHint, s.promoted = true, farFuture, time.Now()
		return true
	}
	return false
}

var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// promotionPending reports whether a lease at now (database clock) would
// promote, as promoteDue, without taking the turn.
func (s *Store) promotionPending(now time.Time) bool {
	s.hintMu.Lock()
	defer s.hintMu.Unlock()
	return !s.hinted || !now.Before(s.dueHint) || time.Since(s.promoted) > time.Second
}

// dueBy notes that a waiting message comes due at t (database clock); the
// zero time means a promotion is due now (the next lease does one).
func (s *Store) dueBy(t time.Time) {
	s.hintMu.Lock()
	defer s.hintMu.Unlock()
	if t.IsZero() {
		s.hinted = false
		return
	}
	if t.Before(s.dueHint) {
		s.dueHint = t
	}
}

// promote makes the messages that came due ready, in a transaction of its
// own (see lease).
func (s *Store) promote(ctx context.Context, now time.Time) error {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit TO off")
	b.Queue(s.q.promote, now)
	b.Queue("COMMIT")
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("pgstore: lease: %w", err)
	}
	return nil
}

// forget drops what this store keeps of leases that did not happen.
func (s *Store) forget(ms []*queue.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range ms {
		if n, err := parseID(m.ID); err == nil {
			delete(s.leases, n)
		}
	}
}

// completeOp is one completion waiting for a shared statement.
type completeOp struct {
	id       int64
	token    string
	finished bool // delete; else write back env, next, dead
	env      []byte
	next     time.Time
	dead     bool
	wake     bool // the message is due at once
	ok       bool
	done     chan error
}

// Complete implements queue.Store. A completion of a lease taken through
// this store is applied to the message as leased (nobody else changes it
// while the lease is the caller's) and written with the completions that
// arrive meanwhile, in one statement that checks each lease token; others
// read the message first.
func (s *Store) Complete(ctx context.Context, id queue.ID, token string, now time.Time, outcomes []queue.Outcome) error {
	n, err := parseID(id)
	if err != nil || token == "" {
		return queue.ErrLeaseLost
	}
	s.coming.Add(1)
	sent := false
	defer func() {
		if !sent {
			s.coming.Add(-1)
		}
	}()
	s.mu.Lock()
	l := s.leases[n]
	s.mu.Unlock()
	if l == nil || l.m.Lease != token {
		return s.completeSlow(ctx, n, token, now, outcomes)
	}
	m := *l.m
	m.Recipients = append([]queue.Recipient(nil), l.m.Recipients...)
	finished, err := m.Apply(now.UTC(), outcomes)
	if err != nil {
		return err
	}
	o := &completeOp{id: n, token: token, finished: finished && !m.Dead, dead: m.Dead, next: s.toDB(m.NextAttempt),
		wake: !finished && !m.NextAttempt.After(now), done: make(chan error, 1)}
	if !finished {
		s.dueBy(o.next)
	}
	if !o.finished {
		o.env, _ = m.Envelope.MarshalBinary()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err = s.send(writeOp{done: o})
	sent = true
	s.coming.Add(-1)
	if err != nil {
		return err
	}
	if err := <-o.done; err != nil {
		return err
	}
	if !o.ok {
		s.drop(n, token)
		return queue.ErrLeaseLost
	}
	s.drop(n, token)
	return nil
}

// drop forgets the lease of message n if it is token's.
func (s *Store) drop(n int64, token string) {
	s.mu.Lock()
	if l := s.leases[n]; l != nil && l.m.Lease == token {
		delete(s.leases, n)
	}
	s.mu.Unlock()
}

// completeSlow completes a lease this store did not take (or no longer
// keeps): it reads and locks the message first.
func (s *Store) completeSlow(ctx context.Context, n int64, token string, now time.Time, outcomes []queue.Outcome) error {
	return s.modify(ctx, n, queue.ErrLeaseLost, func(m *queue.Message) (bool, error) {
		if m.Dead || m.Lease != token {
			return false, queue.ErrLeaseLost
		}
		return m.Apply(now.UTC(), outcomes)
	})
}

package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mxkit/mxkit/queue"
)

// writeOp is an enqueue or a completion waiting for the writer.
type writeOp struct {
	enq  *enqueueOp
	done *completeOp
}

// writeLoop writes the enqueues and completions that are waiting, up to
// maxBatch in one round trip and one transaction (one commit for all), until
// the store closes. Enqueues that a lessee waiting here can take are
// inserted leased to it and handed over (see claim).
func (s *Store) writeLoop() {
	defer s.bg.Done()
	batch := make([]writeOp, 0, maxBatch)
	var later []writeOp
	expect := 0
	for {
		batch = append(batch[:0], later...)
		later = later[:0]
		var ok bool
		if batch, ok = s.gather(batch, expect); !ok {
			return
		}
		expect = len(batch)
		var enqs []*enqueueOp
		var dones []*completeOp
		seen := make(map[int64]bool, len(batch))
		for _, o := range batch {
			switch {
			case o.enq != nil:
				enqs = append(enqs, o.enq)
			case seen[o.done.id]:
				// A message completed twice at once: the second waits
				// for the next round (where its token no longer matches).
				later = append(later, o)
			default:
				seen[o.done.id] = true
				dones = append(dones, o.done)
			}
		}
		s.write(enqs, dones)
	}
}

// send hands o to the writer, unless the store is closed. The writer takes
// everything sent before Close closes s.ops.
func (s *Store) send(o writeOp) error {
	s.sendMu.RLock()
	defer s.sendMu.RUnlock()
	if s.sendDone {
		return queue.ErrClosed
	}
	s.ops <- o
	return nil
}

// gather appends to batch the operations waiting on s.ops, up to maxBatch,
// waiting for the first one if batch is empty; false once s.ops is closed
// and drained. While callers are on their way (s.coming counts those between
// their call and their send), or fewer than expect operations are in
// hand, it waits for more up to a millisecond: a round trip and a commit
// for several cost the server less than one each. (The writer expects as
// many as the round before: the callers it answered tend to come back
// with their next enqueue, and the messages it handed over with their
// completions.)
func (s *Store) gather(batch []writeOp, expect int) ([]writeOp, bool) {
	if len(batch) == 0 {
		o, ok := <-s.ops
		if !ok {
			return batch, false
		}
		batch = append(batch, o)
	}
	var deadline <-chan time.Time
	for len(batch) < maxBatch {
		select {
		case o, ok := <-s.ops:
			if !ok {
				return batch, true
			}
			batch = append(batch, o)
			continue
		default:
		}
		if s.coming.Load() == 0 && len(batch) >= expect {
			return batch, true
		}
		if deadline == nil {
			deadline = time.After(time.Millisecond)
		}
		select {
		case o, ok := <-s.ops:
			if !ok {
				return batch, true
			}
			batch = append(batch, o)
		case <-deadline:
			return batch, true
		}
	}
	return batch, true
}

// deadlocked reports whether err is the server's abort of a deadlock.
func deadlocked(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40P01"
}

// write writes enqs and dones in one round trip and tells their callers.
func (s *Store) write(enqs []*enqueueOp, dones []*completeOp) {
	ws := s.claim(enqs)
	ctx := context.Background()
	err := s.writeOnce(ctx, enqs, dones)
	for try := 0; try < 3 && deadlocked(err); try++ {
		// Two statements waited for each other (over idempotency
		// keys); the server aborted this one.
		err = s.writeOnce(ctx, enqs, dones)
	}
	s.handOver(ws, enqs, err)
	for _, o := range enqs {
		o.done <- err
	}
	for _, o := range dones {
		o.done <- err
	}
}

// writeOnce sends the INSERT of enqs and the completions of dones in one
// round trip: after the reservation of tags, if any (a transaction of its
// own), they are one implicit transaction.
func (s *Store) writeOnce(ctx context.Context, enqs []*enqueueOp, dones []*completeOp) error {
	b := &pgx.Batch{}
	cp := planComplete(dones)
	var ip *insertPlan
	if len(enqs) > 0 {
		var err error
		if ip, err = s.queueInsert(ctx, b, enqs, false, cp); err != nil {
			return err
		}
	}
	cp.queue(b, &s.q)
	br := s.wpool.SendBatch(ctx, b)
	defer br.Close()
	if ip != nil {
		if err := s.readInsert(br, ip); err != nil {
			return err
		}
	}
	if err := cp.read(br); err != nil {
		return err
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("pgstore: write: %w", err)
	}
	if slices.ContainsFunc(dones, func(o *completeOp) bool { return o.wake }) {
		s.wakeLessees(false) // retries due at once: made ready by a promotion
	} else if slices.ContainsFunc(enqs, (*enqueueOp).due) {
		s.wakeLessees(true)
	}
	return nil
}

// completePlan is a batch of completions: those that finish the message
// delete it, the others write it back; each only if the lease is still
// the caller's. The deletions go in the round's INSERT of messages
// without idempotency keys if it has one (merged: one statement for the
// server to run instead of two), else in a statement of their own.
type completePlan struct {
	byID             map[int64]*completeOp
	delIDs, updIDs   []int64
	delToks, updToks []string
	envs             [][]byte
	nexts            []time.Time
	deads            []bool
	merged           bool
	statements       int
}

// planComplete sorts the completions of batch into deletions and
// updates.
func planComplete(batch []*completeOp) *completePlan {
	cp := &completePlan{byID: make(map[int64]*completeOp, len(batch))}
	for _, o := range batch {
		o.ok = false
		cp.byID[o.id] = o
		if o.finished {
			cp.delIDs, cp.delToks = append(cp.delIDs, o.id), append(cp.delToks, o.token)
			continue
		}
		cp.updIDs, cp.updToks = append(cp.updIDs, o.id), append(cp.updToks, o.token)
		cp.envs, cp.nexts, cp.deads = append(cp.envs, o.env), append(cp.nexts, o.next), append(cp.deads, o.dead)
	}
	return cp
}

// queue queues in b the statements of the completions not merged into an
// INSERT.
func (cp *completePlan) queue(b *pgx.Batch, q *queries) {
	if len(cp.delIDs) > 0 && !cp.merged {
		b.Queue(q.deleteDone, cp.delIDs, cp.delToks)
		cp.statements++
	}
	if len(cp.updIDs) > 0 {
		b.Queue(q.updateDone, cp.updIDs, cp.updToks, cp.envs, cp.nexts, cp.deads)
		cp.statements++
	}
}

// read marks the completions that applied (their lease was still theirs).
func (cp *completePlan) read(br pgx.BatchResults) error {
	for range cp.statements {
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("pgstore: complete: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("pgstore: complete: %w", err)
			}
			if o := cp.byID[id]; o != nil {
				o.ok = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("pgstore: complete: %w", err)
		}
	}
	return nil
}

// A waiter is a lessee waiting for a message (Lease with Wait whose last
// look found nothing leasable). The writer may hand it messages as it
// inserts them: inserted leased to it, so that no lease statement and no
// wake-up is needed. This keeps the lease order: the lessee waits only
// when nothing was leasable, and the writer hands over only what is due
// at once, in priority order, when no promotion is pending (see claim).
type waiter struct {
	ch        chan struct{} // one send: a wake, Close, or the hand-off's end
	handOff   bool          // it may be handed messages (no tenant caps)
	lingering bool          // woken already, it waits a little before it looks: only a hand-off ends that
	domain    string        // lower case; "" for any
	max       int
	dur       time.Duration
	now       time.Time // the lessee's clock at since
	since     time.Time // local clock

	// Set by claim (under Store.mu) and handOver.
	claimed bool
	token   string
	end     time.Time // the lease's end, database clock
	taken   int
	handed  []*queue.Message
}

// dbNow is the lessee's clock now, on the database's clock.
func (w *waiter) dbNow(s *Store) time.Time { return s.toDB(w.now.Add(s.clock().Sub(w.since))) }

// claim picks, among the messages of enqs due at once, those that the
// lessees waiting here take, marks them (enqueueOp.lease) and takes the
// lessees off the waiting list: their lease is decided here, as a lease
// would, from each lessee's clock (moved onto the database's) and
// duration. Higher priorities are handed over first; nothing is handed
// over while a promotion is pending (a message that came due may be
// waiting in the database: the lessee must look).
func (s *Store) claim(enqs []*enqueueOp) []*waiter {
	if len(enqs) == 0 {
		return nil
	}
	order := make([]*enqueueOp, 0, len(enqs))
	for _, o := range enqs {
		if o.ready {
			order = append(order, o)
		}
	}
	if len(order) == 0 {
		return nil
	}
	slices.SortStableFunc(order, func(a, b *enqueueOp) int { return int(b.e.Priority) - int(a.e.Priority) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	var claimed []*waiter
	for _, o := range order {
		for _, w := range s.waiters {
			if !w.handOff || w.taken >= w.max || (w.domain != "" && w.domain != o.domain) {
				continue
			}
			now := w.dbNow(s)
			if o.next.After(now) || s.promotionPending(now) {
				continue
			}
			if !w.claimed {
				w.claimed, w.token, w.end = true, randomToken(), now.Add(w.dur).Truncate(time.Microsecond)
				claimed = append(claimed, w)
			}
			o.lease = w
			w.taken++
			break
		}
	}
	if len(claimed) > 0 {
		s.waiters = slices.DeleteFunc(s.waiters, func(w *waiter) bool { return w.claimed })
	}
	return claimed
}

// handOver gives each claimed lessee the messages inserted for it (none if
// the write failed: it looks again), and keeps them as leases taken here.
func (s *Store) handOver(ws []*waiter, enqs []*enqueueOp, err error) {
	if len(ws) == 0 {
		return
	}
	local := s.clock()
	s.mu.Lock()
	for _, o := range enqs {
		w := o.lease
		if w == nil || o.dup || err != nil {
			continue
		}
		// The row as inserted (see queries.insert), in the database's clock.
		m := s.message(&row{id: o.id, m: queue.Message{ID: formatID(o.id), Envelope: *o.e, Domain: o.domain, Size: o.size,
			Created: o.now.Truncate(time.Microsecond), NextAttempt: w.end, Attempts: 1, Lease: w.token, LeaseExpires: w.end}})
		var body []byte
		if o.size <= prefetch {
			body = o.body
		}
		s.keepLease(o.id, m, body, local.Add(w.dur))
		w.handed = append(w.handed, m)
		s.handedOff.Add(1)
	}
	s.mu.Unlock()
	for _, w := range ws {
		w.ch <- struct{}{}
	}
}

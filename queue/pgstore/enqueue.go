package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mxkit/mxkit/queue"
)

// enqueueOp is one message waiting for a shared INSERT.
type enqueueOp struct {
	e      *queue.Envelope
	env    []byte
	domain string
	idem   *string
	next   time.Time // database clock
	now    time.Time
	size   int64
	body   []byte // nil: the body is written in chunks afterwards
	ready  bool
	id     int64
	dup    bool // the idempotency key was taken: id is not set
	done   chan error
}

// newEnvelope checks env and copies it with fresh recipient states.
func newEnvelope(env *queue.Envelope) (*queue.Envelope, error) {
	if env == nil {
		return nil, queue.ErrNoRecipients
	}
	e := *env
	e.Recipients = make([]queue.Recipient, len(env.Recipients))
	for i, r := range env.Recipients {
		e.Recipients[i] = queue.Recipient{Addr: r.Addr, Notify: r.Notify, ORcpt: r.ORcpt}
	}
	if err := e.Check(); err != nil {
		return nil, err
	}
	return &e, nil
}

// Enqueue implements queue.Store. A body up to 256 KiB is read into memory
// and written with the enqueues that arrive meanwhile, in one statement
// and one commit; a larger one is streamed in chunks in a transaction of
// its own. Either way the ID is returned once the commit is done (durable,
// with the server's synchronous_commit on).
func (s *Store) Enqueue(ctx context.Context, env *queue.Envelope, body io.Reader, now, next time.Time) (queue.ID, error) {
	o, rest, err := s.newOp(env, body, now, next)
	if err != nil {
		return "", err
	}
	if rest == nil {
		err = s.hand(ctx, o)
	} else {
		if err = s.inTx(ctx, func(tx pgx.Tx) error { return s.insertLarge(ctx, tx, o, rest) }); err == nil && o.ready {
			s.wakeLessees()
		}
	}
	if err != nil {
		return "", err
	}
	if o.dup {
		return s.existing(ctx, o.e)
	}
	return formatID(o.id), nil
}

// EnqueueMany implements queue.BatchEnqueuer: every message in one
// transaction, 500 to a statement.
func (s *Store) EnqueueMany(ctx context.Context, msgs []queue.Submission, now time.Time) ([]queue.ID, error) {
	ops := make([]*enqueueOp, len(msgs))
	rests := make([]io.Reader, len(msgs))
	for i, m := range msgs {
		var err error
		if ops[i], rests[i], err = s.newOp(m.Envelope, m.Body, now, m.Next); err != nil {
			return nil, fmt.Errorf("message %d: %w", i, err)
		}
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var small []*enqueueOp
		for i, o := range ops {
			if rests[i] != nil {
				if err := s.insertLarge(ctx, tx, o, rests[i]); err != nil {
					return err
				}
				continue
			}
			if small = append(small, o); len(small) == 500 || i == len(ops)-1 {
				if err := s.insert(ctx, tx, small, true); err != nil {
					return err
				}
				small = small[:0]
			}
		}
		if len(small) > 0 {
			return s.insert(ctx, tx, small, true)
		}
		return nil
	})
	if err == nil && flowsOf(ops) != nil {
		s.wakeLessees()
	}
	if err != nil {
		return nil, err
	}
	ids := make([]queue.ID, len(ops))
	for i, o := range ops {
		if ids[i] = formatID(o.id); o.dup {
			if ids[i], err = s.existing(ctx, o.e); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

// newOp checks a message and reads its body: whole if it fits in one chunk
// (rest nil), else the first chunk, the rest to be streamed from rest.
func (s *Store) newOp(env *queue.Envelope, body io.Reader, now, next time.Time) (o *enqueueOp, rest io.Reader, err error) {
	e, err := newEnvelope(env)
	if err != nil {
		return nil, nil, err
	}
	if body == nil {
		return nil, nil, fmt.Errorf("%w: nil body", queue.ErrInvalidInput)
	}
	if next.IsZero() {
		next = now
	}
	buf := make([]byte, chunkSize+1)
	n, err := io.ReadFull(body, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
	case err != nil:
		return nil, nil, fmt.Errorf("pgstore: reading body: %w", err)
	}
	o = &enqueueOp{e: e, domain: e.DestDomain(), next: s.toDB(next), now: s.toDB(now), size: int64(n),
		ready: !next.After(now), done: make(chan error, 1)}
	o.env, _ = e.MarshalBinary()
	if e.IdempotencyKey != "" {
		o.idem = &e.IdempotencyKey
	}
	if n <= chunkSize {
		o.body = buf[:n:n]
		return o, nil, nil
	}
	return o, io.MultiReader(bytes.NewReader(buf[:n]), body), nil
}

// inTx runs fn in a transaction and commits it.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	return nil
}

// hand gives o to the enqueue writers and waits for its commit.
func (s *Store) hand(ctx context.Context, o *enqueueOp) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case s.enqs <- o:
	case <-s.stop:
		return queue.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once handed over the enqueue commits or fails on its own; waiting
	// for it (a commit takes milliseconds) keeps the answer truthful.
	return <-o.done
}

// enqueueLoop writes the enqueues that are waiting, up to maxBatch in one
// statement, until the store closes.
func (s *Store) enqueueLoop() {
	defer s.bg.Done()
	batch := make([]*enqueueOp, 0, maxBatch)
	for {
		var ok bool
		if batch, ok = gather(s.enqs, s.stop, batch[:0]); !ok {
			return
		}
		err := s.insert(context.Background(), s.pool, batch, false)
		for try := 0; try < 3 && deadlocked(err); try++ {
			// Two statements waited for each other (over idempotency
			// keys); the server aborted this one.
			err = s.insert(context.Background(), s.pool, batch, false)
		}
		for _, o := range batch {
			o.done <- err
		}
	}
}

// gather appends to batch the operations waiting on ch, up to maxBatch,
// waiting for the first one if batch is empty; false when stop closes.
func gather[T any](ch <-chan T, stop <-chan struct{}, batch []T) ([]T, bool) {
	if len(batch) == 0 {
		select {
		case o := <-ch:
			batch = append(batch, o)
		case <-stop:
			return batch, false
		}
	}
	for len(batch) < maxBatch {
		select {
		case o := <-ch:
			batch = append(batch, o)
		default:
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

// batcher is a pool or a transaction.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// insert writes batch in one statement, setting each one's ID (or dup),
// and wakes lessees if a message is due. In the pool (inTx false) the
// tags are reserved in the same round trip, in a transaction of their own
// before the INSERT's; in a transaction they are reserved first, in
// another.
func (s *Store) insert(ctx context.Context, q batcher, batch []*enqueueOp, inTx bool) error {
	n := len(batch)
	domains, tenants := make([]string, n), make([]string, n)
	idems := make([]*string, n)
	prios := make([]int16, n)
	nexts, nows := make([]time.Time, n), make([]time.Time, n)
	sizes := make([]int64, n)
	envs, bodies := make([][]byte, n), make([][]byte, n)
	readies := make([]bool, n)
	tags := make([]*float64, n)
	wake := false
	for i, o := range batch {
		domains[i], tenants[i], idems[i], prios[i] = o.domain, o.e.Tenant, o.idem, int16(o.e.Priority)
		nexts[i], nows[i], sizes[i], envs[i], bodies[i], readies[i] = o.next, o.now, o.size, o.env, o.body, o.ready
		wake = wake || o.ready
	}
	b := &pgx.Batch{}
	if fl := flowsOf(batch); fl != nil {
		if inTx {
			bases, err := s.reserve(ctx, fl)
			if err != nil {
				return err
			}
			for i, o := range batch {
				if o.ready {
					k := flowKey{o.e.Tenant, o.e.Priority}
					t := bases[k]
					tags[i] = &t
					bases[k] += 1 / float64(k.prio.Weight())
				}
			}
		} else {
			queueReserve(b, s.q.reserve, fl)
		}
	}
	b.Queue(s.q.insert, domains, tenants, idems, prios, nexts, nows, sizes, envs, bodies, readies, tags)
	br := q.SendBatch(ctx, b)
	defer br.Close()
	for range b.Len() - 1 {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("pgstore: enqueue: %w", err)
		}
	}
	rows, err := br.Query()
	if err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	for rows.Next() {
		var o int
		var id int64
		var inserted bool
		if err := rows.Scan(&o, &id, &inserted); err != nil {
			rows.Close()
			return fmt.Errorf("pgstore: enqueue: %w", err)
		}
		batch[o-1].id, batch[o-1].dup = id, !inserted
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	if wake && !inTx {
		s.wakeLessees()
	}
	return nil
}

type flowKey struct {
	tenant string
	prio   queue.Priority
}

// flows are the arguments of queries.reserve: each flow with messages due
// in a batch, and how many.
type flows struct {
	tenants []string
	prios   []int16
	counts  []int64
}

func flowsOf(batch []*enqueueOp) *flows {
	idx := map[flowKey]int{}
	var f flows
	for _, o := range batch {
		if !o.ready {
			continue
		}
		k := flowKey{o.e.Tenant, o.e.Priority}
		i, ok := idx[k]
		if !ok {
			i = len(f.tenants)
			idx[k] = i
			f.tenants, f.prios, f.counts = append(f.tenants, k.tenant), append(f.prios, int16(k.prio)), append(f.counts, 0)
		}
		f.counts[i]++
	}
	if len(f.tenants) == 0 {
		return nil
	}
	return &f
}

// queueReserve queues the reservation of tags for fl in a transaction of
// its own that does not wait for the disk (see queries.reserve).
func queueReserve(b *pgx.Batch, reserve string, fl *flows) {
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit TO off")
	b.Queue(reserve, fl.tenants, fl.prios, fl.counts)
	b.Queue("COMMIT")
}

// reserve reserves tags for fl and returns the first tag of each flow.
func (s *Store) reserve(ctx context.Context, fl *flows) (map[flowKey]float64, error) {
	b := &pgx.Batch{}
	queueReserve(b, s.q.reserve, fl)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	var js string
	for i := range 4 {
		var err error
		if i == 2 {
			err = br.QueryRow().Scan(&js)
		} else {
			_, err = br.Exec()
		}
		if err != nil {
			return nil, fmt.Errorf("pgstore: enqueue: %w", err)
		}
	}
	var rows [][3]json.RawMessage
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		return nil, fmt.Errorf("pgstore: enqueue: reserved tags %q: %w", js, err)
	}
	bases := map[flowKey]float64{}
	for _, r := range rows {
		var k flowKey
		var p int16
		var base float64
		if json.Unmarshal(r[0], &k.tenant) != nil || json.Unmarshal(r[1], &p) != nil || json.Unmarshal(r[2], &base) != nil {
			return nil, fmt.Errorf("pgstore: enqueue: reserved tags %q", js)
		}
		k.prio = queue.Priority(p)
		bases[k] = base
	}
	return bases, br.Close()
}

// insertLarge writes, in tx, a message whose body does not fit in one
// chunk: the row, then the body streamed in chunks.
func (s *Store) insertLarge(ctx context.Context, tx pgx.Tx, o *enqueueOp, body io.Reader) error {
	if err := s.insert(ctx, tx, []*enqueueOp{o}, true); err != nil {
		return err
	}
	if o.dup {
		return nil
	}
	buf := make([]byte, chunkSize)
	var size int64
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(body, buf)
		if n > 0 {
			if _, err := tx.Exec(ctx, s.q.insertChunk, o.id, seq, buf[:n]); err != nil {
				return fmt.Errorf("pgstore: enqueue: %w", err)
			}
			size += int64(n)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("pgstore: reading body: %w", rerr)
		}
	}
	if _, err := tx.Exec(ctx, s.q.setSize, o.id, size); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return nil
}

// existing returns the ID of the message with e's idempotency key.
func (s *Store) existing(ctx context.Context, e *queue.Envelope) (queue.ID, error) {
	var id int64
	err := s.pool.QueryRow(ctx, s.q.existing, e.Tenant, e.IdempotencyKey).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("pgstore: enqueue: message with idempotency key %q vanished; retry", e.IdempotencyKey)
	}
	if err != nil {
		return "", fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return formatID(id), nil
}

package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

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
	e, err := newEnvelope(env)
	if err != nil {
		return "", err
	}
	if body == nil {
		return "", fmt.Errorf("%w: nil body", queue.ErrInvalidInput)
	}
	if next.IsZero() {
		next = now
	}
	buf := make([]byte, chunkSize+1)
	n, err := io.ReadFull(body, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
	case err != nil:
		return "", fmt.Errorf("pgstore: reading body: %w", err)
	}
	o := &enqueueOp{e: e, domain: e.DestDomain(), next: s.toDB(next), now: s.toDB(now), size: int64(n),
		ready: !next.After(now), done: make(chan error, 1)}
	o.env, _ = e.MarshalBinary()
	if e.IdempotencyKey != "" {
		o.idem = &e.IdempotencyKey
	}
	if n <= chunkSize {
		o.body = buf[:n:n]
		if err := s.hand(ctx, o); err != nil {
			return "", err
		}
	} else if err := s.enqueueLarge(ctx, o, io.MultiReader(bytes.NewReader(buf[:n]), body)); err != nil {
		return "", err
	}
	if o.dup {
		return s.existing(ctx, e)
	}
	return formatID(o.id), nil
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
		err := s.insert(context.Background(), s.pool, batch)
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

// batcher is a pool or a transaction.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// insert writes batch in one statement, setting each one's ID (or dup),
// and wakes lessees waiting elsewhere if a message is due.
func (s *Store) insert(ctx context.Context, q batcher, batch []*enqueueOp) error {
	n := len(batch)
	domains, tenants := make([]string, n), make([]string, n)
	idems := make([]*string, n)
	prios := make([]int16, n)
	nexts, nows := make([]time.Time, n), make([]time.Time, n)
	sizes := make([]int64, n)
	envs, bodies := make([][]byte, n), make([][]byte, n)
	readies := make([]bool, n)
	wake := false
	for i, o := range batch {
		domains[i], tenants[i], idems[i], prios[i] = o.domain, o.e.Tenant, o.idem, int16(o.e.Priority)
		nexts[i], nows[i], sizes[i], envs[i], bodies[i], readies[i] = o.next, o.now, o.size, o.env, o.body, o.ready
		wake = wake || o.ready
	}
	b := &pgx.Batch{}
	b.Queue(s.q.insert, domains, tenants, idems, prios, nexts, nows, sizes, envs, bodies, readies)
	if wake {
		b.Queue(`SELECT pg_notify($1, '')`, s.notify)
	}
	br := q.SendBatch(ctx, b)
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	for rows.Next() {
		var o int
		var id int64
		var inserted bool
		if err := rows.Scan(&o, &id, &inserted); err != nil {
			rows.Close()
			br.Close()
			return fmt.Errorf("pgstore: enqueue: %w", err)
		}
		batch[o-1].id, batch[o-1].dup = id, !inserted
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		br.Close()
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return nil
}

// enqueueLarge writes a message whose body does not fit in one chunk: the
// row and the chunks in one transaction, streamed.
func (s *Store) enqueueLarge(ctx context.Context, o *enqueueOp, body io.Reader) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := s.insert(ctx, tx, []*enqueueOp{o}); err != nil {
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
	if err := tx.Commit(ctx); err != nil {
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

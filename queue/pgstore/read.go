package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/queue"
)

func lower(s string) string { return strings.ToLower(s) }

// errNoChange from a modify function leaves the message as it is.
var errNoChange = errors.New("no change")

// modify runs fn on a locked message, in the callers' clock, inside a
// transaction, and then deletes the message if fn reports it finished and
// not dead, or writes it back. A message not found gives notFound.
func (s *Store) modify(ctx context.Context, id int64, notFound error, fn func(*queue.Message) (finished bool, err error)) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	defer tx.Rollback(ctx)
	w, err := scanRow(tx.QueryRow(ctx, s.q.lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound
	}
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	m := s.message(w)
	finished, err := fn(m)
	if errors.Is(err, errNoChange) {
		return nil
	}
	if err != nil {
		return err
	}
	if finished && !m.Dead {
		_, err = tx.Exec(ctx, s.q.remove, id)
	} else {
		err = s.save(ctx, tx, w, m)
	}
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	if !finished && !m.Dead && !m.Held && m.Lease == "" {
		s.dueBy(s.toDB(m.NextAttempt))
		s.wakeLessees(false) // it may be due at once
	}
	return nil
}

// save writes m (in the callers' clock) back over row w. A message that
// was ready stays ready, with its place, unless it is now held, dead or
// leased; others become ready when they come due.
func (s *Store) save(ctx context.Context, tx pgx.Tx, w *row, m *queue.Message) error {
	env, _ := m.Envelope.MarshalBinary()
	var token *string
	var expires *time.Time
	if m.Lease != "" {
		e := s.toDB(m.LeaseExpires)
		token, expires = &m.Lease, &e
	}
	ready := w.ready && !m.Held && !m.Dead && m.Lease == ""
	_, err := tx.Exec(ctx, s.q.update, w.id, s.toDB(m.NextAttempt), m.Dead, m.Held, ready, token, expires, s.toDB(m.Created), env)
	return err
}

// Body implements queue.Store. A body fetched with its lease is served
// from memory; a large one is read a chunk at a time, holding no
// connection between reads.
func (s *Store) Body(ctx context.Context, id queue.ID) (io.ReadCloser, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	l := s.leases[n]
	s.mu.Unlock()
	if l != nil && l.body != nil {
		return io.NopCloser(bytes.NewReader(l.body)), nil
	}
	var size int64
	var inline []byte
	err = s.pool.QueryRow(ctx, s.q.body, n).Scan(&size, &inline)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, queue.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if inline != nil {
		if int64(len(inline)) != size {
			return nil, fmt.Errorf("pgstore: body of message %d has %d bytes, not %d", n, len(inline), size)
		}
		return io.NopCloser(bytes.NewReader(inline)), nil
	}
	return &bodyReader{ctx: ctx, s: s, id: n, left: size}, nil
}

type bodyReader struct {
	ctx  context.Context
	s    *Store
	id   int64
	seq  int
	buf  []byte
	left int64 // bytes not yet fetched
	err  error
}

func (r *bodyReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.left <= 0 {
			return 0, io.EOF
		}
		var data []byte
		err := r.s.pool.QueryRow(r.ctx, r.s.q.chunk, r.id, r.seq).Scan(&data)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			r.err = fmt.Errorf("pgstore: body of message %d: chunk %d: %w", r.id, r.seq, queue.ErrNotFound)
		case err != nil:
			r.err = fmt.Errorf("pgstore: body of message %d: %w", r.id, err)
		case len(data) == 0 || int64(len(data)) > r.left:
			r.err = fmt.Errorf("pgstore: body of message %d: chunk %d has %d bytes of %d left", r.id, r.seq, len(data), r.left)
		default:
			r.buf, r.left = data, r.left-int64(len(data))
			r.seq++
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *bodyReader) Close() error {
	r.buf, r.err = nil, errors.New("pgstore: body closed")
	return nil
}

// Get implements queue.Store.
func (s *Store) Get(ctx context.Context, id queue.ID) (*queue.Message, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	w, err := scanRow(s.pool.QueryRow(ctx, s.q.get, n))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, queue.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	return s.message(w), nil
}

// List implements queue.Store.
func (s *Store) List(ctx context.Context, opts queue.ListOptions) ([]*queue.Message, error) {
	if opts.Limit <= 0 {
		opts.Limit = 100
	}
	var after int64
	if opts.After != "" {
		var err error
		if after, err = parseID(opts.After); err != nil {
			return nil, fmt.Errorf("%w: bad After", queue.ErrInvalidInput)
		}
	}
	rows, err := s.pool.Query(ctx, s.q.list, after, opts.Dead, lower(opts.Domain), opts.Tenant, opts.Limit, opts.Held)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list: %w", err)
	}
	defer rows.Close()
	var out []*queue.Message
	for rows.Next() {
		w, err := scanRow(rows)
		if err != nil {
			return nil, fmt.Errorf("pgstore: list: %w", err)
		}
		out = append(out, s.message(w))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: list: %w", err)
	}
	return out, nil
}

// Counts implements queue.Store.
func (s *Store) Counts(ctx context.Context, now time.Time) (queue.Counts, error) {
	c := queue.Counts{ByDomain: map[string]int{}}
	rows, err := s.pool.Query(ctx, s.q.counts, s.toDB(now))
	if err != nil {
		return c, fmt.Errorf("pgstore: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dead bool
		var domain string
		var n, leased, due, held int
		if err := rows.Scan(&dead, &domain, &n, &leased, &due, &held); err != nil {
			return c, fmt.Errorf("pgstore: counts: %w", err)
		}
		if dead {
			c.Dead += n
			continue
		}
		c.Queued += n
		c.Leased += leased
		c.Due += due
		c.Held += held
		if domain != "" {
			c.ByDomain[domain] += n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("pgstore: counts: %w", err)
	}
	return c, nil
}

// Remove implements queue.Store.
func (s *Store) Remove(ctx context.Context, id queue.ID) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	var k int
	if err := s.pool.QueryRow(ctx, s.q.remove, n).Scan(&k); err != nil {
		return fmt.Errorf("pgstore: remove: %w", err)
	}
	if k == 0 {
		return queue.ErrNotFound
	}
	return nil
}

// Cancel implements queue.Store.
func (s *Store) Cancel(ctx context.Context, id queue.ID, recipients []string, now time.Time) error {
	return s.control(ctx, id, true, now, func(m *queue.Message) (bool, error) {
		return m.Cancel(now.UTC(), recipients)
	})
}

// control changes message id with f (as modify) once controllable allows
// it.
func (s *Store) control(ctx context.Context, id queue.ID, leased bool, now time.Time, f func(m *queue.Message) (bool, error)) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return s.modify(ctx, n, queue.ErrNotFound, func(m *queue.Message) (bool, error) {
		if err := controllable(m, leased, now); err != nil {
			return false, err
		}
		return f(m)
	})
}

// controllable refuses a cancel, retry, hold or release of a dead message,
// and a cancel, retry or hold (leased true) of one whose lease runs.
func controllable(m *queue.Message, leased bool, now time.Time) error {
	if m.Dead {
		return fmt.Errorf("%w: message %s is dead", queue.ErrInvalidInput, m.ID)
	}
	if leased && m.Leased(now) {
		return queue.ErrLeased
	}
	return nil
}

// Hold implements queue.Store.
func (s *Store) Hold(ctx context.Context, id queue.ID, now time.Time) error {
	return s.setHeld(ctx, id, true, now)
}

// Release implements queue.Store.
func (s *Store) Release(ctx context.Context, id queue.ID) error {
	return s.setHeld(ctx, id, false, time.Time{})
}

func (s *Store) setHeld(ctx context.Context, id queue.ID, held bool, now time.Time) error {
	return s.control(ctx, id, held, now, func(m *queue.Message) (bool, error) {
		if m.Held == held {
			return false, errNoChange
		}
		m.Held = held
		m.Lease, m.LeaseExpires = "", time.Time{}
		return false, nil
	})
}

// Requeue implements queue.Store: failed recipients become pending, the
// message is due at now with a fresh lifetime (Created = now).
func (s *Store) Requeue(ctx context.Context, id queue.ID, now time.Time) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return s.modify(ctx, n, queue.ErrNotFound, func(m *queue.Message) (bool, error) {
		if !m.Dead {
			return false, fmt.Errorf("%w: message %s is not dead", queue.ErrInvalidInput, id)
		}
		for i := range m.Recipients {
			if m.Recipients[i].State == queue.Failed {
				m.Recipients[i].State = queue.Pending
			}
		}
		m.Dead = false
		m.Created, m.NextAttempt = now.UTC(), now.UTC()
		m.Lease, m.LeaseExpires = "", time.Time{}
		return false, nil
	})
}

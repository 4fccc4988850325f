package queue

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Retrier is implemented by stores that can make a waiting message due at
// once (both stores in mxkit): an operator's "try again now", as Postfix's
// postqueue -f (every message) and -i (one).
type Retrier interface {
	// Retry makes a live message that is not under a lease at now due at
	// now, or at its SendAt if that is later (scheduled mail is not sent
	// early); a message due sooner stays as it is, and a held one stays
	// held (due at once when released). Attempts and lifetime are
	// unchanged. It fails with ErrNotFound for an unknown message,
	// ErrInvalidInput for a dead one (Requeue brings that back) and
	// ErrLeased while a lease runs (it is being tried now); a lease that
	// ran out is ended, as Cancel ends it.
	Retry(ctx context.Context, id ID, now time.Time) error
}

// Retry makes a waiting message due now (see Retrier). It fails with
// errors.ErrUnsupported when the store is not a Retrier.
func (q *Queue) Retry(ctx context.Context, id ID) error {
	r, ok := q.Store.(Retrier)
	if !ok {
		return fmt.Errorf("queue: the store cannot retry a message now: %w", errors.ErrUnsupported)
	}
	return r.Retry(ctx, id, q.now())
}

// Retry applies a retry at now to m the way Retrier.Retry must, once the
// store has checked that m is live and not under lease: m is due at now,
// or at its SendAt if that is later, unless it is due sooner. Store
// implementations use it.
func (m *Message) Retry(now time.Time) {
	at := now.UTC()
	if m.SendAt.After(at) {
		at = m.SendAt.UTC()
	}
	if at.Before(m.NextAttempt) {
		m.NextAttempt = at
	}
}

// Retry implements Retrier.
func (s *Embedded) Retry(ctx context.Context, id ID, now time.Time) error {
	return s.control(ctx, id, now, func(m *Message) (bool, error) {
		m.Retry(now)
		return false, nil
	})
}

package pgstore

import (
	"context"
	"time"

	"github.com/mxkit/mxkit/queue"
)

// Retry implements queue.Retrier.
func (s *Store) Retry(ctx context.Context, id queue.ID, now time.Time) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return s.modify(ctx, n, queue.ErrNotFound, func(m *queue.Message) (bool, error) {
		if err := controllable(m, true, now); err != nil {
			return false, err
		}
		next := m.NextAttempt
		m.Retry(now)
		if m.NextAttempt.Equal(next) && m.Lease == "" {
			return false, errNoChange
		}
		m.Lease, m.LeaseExpires = "", time.Time{}
		return false, nil
	})
}

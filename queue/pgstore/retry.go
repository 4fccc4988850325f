package pgstore

import (
	"context"
	"time"

	"github.com/mxkit/mxkit/queue"
)

// Retry implements queue.Retrier.
func (s *Store) Retry(ctx context.Context, id queue.ID, now time.Time) error {
	return s.control(ctx, id, true, now, func(m *queue.Message) (bool, error) {
		next := m.NextAttempt
		m.Retry(now)
		if m.NextAttempt.Equal(next) && m.Lease == "" {
			return false, errNoChange
		}
		m.Lease, m.LeaseExpires = "", time.Time{}
		return false, nil
	})
}

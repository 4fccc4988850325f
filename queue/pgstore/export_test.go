package pgstore

import (
	"context"
	"time"
)

// SetClock makes s read the local time from now (a machine whose clock is
// off) and measures the offset to the database's clock again.
func SetClock(s *Store, now func() time.Time) error {
	s.clock = now
	return s.measure(context.Background(), true)
}

// Waiting returns how many lessees wait in s.
func Waiting(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiters)
}

// HandedOff returns how many messages s handed to waiting lessees as it
// inserted them.
func HandedOff(s *Store) int64 { return s.handedOff.Load() }

// Listened returns how many times s made its LISTEN connection and woke a
// lessee for what it may have missed meanwhile.
func Listened(s *Store) int64 { return s.listened.Load() }

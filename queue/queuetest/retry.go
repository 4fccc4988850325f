package queuetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// testRetry checks queue.Retrier, for stores that implement it: a deferred
// message is due at once after Retry; one under lease is refused and one
// whose lease ran out is taken from its holder; a held one stays held; a
// scheduled one keeps its send time; dead and unknown ones are refused.
func testRetry(t *testing.T, s queue.Store) {
	r, ok := s.(queue.Retrier)
	if !ok {
		t.Skip("the store does not implement queue.Retrier")
	}
	ctx := context.Background()
	later := func(id queue.ID, rcpt string, now, at time.Time) {
		t.Helper()
		ms := lease(t, s, now, time.Minute, 10, "")
		if len(ms) != 1 || ms[0].ID != id {
			t.Fatalf("at %v leased %v, want [%s]", now, ids(ms), id)
		}
		if err := s.Complete(ctx, id, ms[0].Lease, now, []queue.Outcome{{Recipient: rcpt, State: queue.Pending, RetryAt: at,
			Attempt: reply(delivery.Deferred, 451, "4.7.1 try later")}}); err != nil {
			t.Fatal(err)
		}
	}

	// A deferred message.
	a := enqueue(t, s, env("a@example.com"), "a", t0)
	later(a, "a@example.com", t0, t0.Add(time.Hour))
	now := t0.Add(time.Minute)
	if ms := lease(t, s, now, time.Minute, 10, ""); len(ms) != 0 {
		t.Fatalf("leased %v before the retry time", ids(ms))
	}
	if err := r.Retry(ctx, a, now); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	if m := get(t, s, a); !m.NextAttempt.Equal(now) || m.Attempts != 1 || !m.Created.Equal(t0) {
		t.Errorf("after Retry: NextAttempt %v Attempts %d Created %v; want %v, 1 and %v", m.NextAttempt, m.Attempts, m.Created, now, t0)
	}
	ms := lease(t, s, now, time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != a {
		t.Fatalf("after Retry leased %v, want [%s]", ids(ms), a)
	}

	// Under lease, refused; once the lease ran out, the holder loses it.
	if err := r.Retry(ctx, a, now.Add(30*time.Second)); !errors.Is(err, queue.ErrLeased) {
		t.Errorf("Retry under lease: %v, want ErrLeased", err)
	}
	expired := now.Add(time.Minute)
	if err := r.Retry(ctx, a, expired); err != nil {
		t.Fatalf("Retry after the lease ran out: %v", err)
	}
	if err := s.Complete(ctx, a, ms[0].Lease, expired, delivered("a@example.com")); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("Complete of a lease ended by Retry: %v, want ErrLeaseLost", err)
	}
	ms = lease(t, s, expired, time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != a {
		t.Fatalf("after Retry of a lease that ran out leased %v, want [%s]", ids(ms), a)
	}
	if err := s.Complete(ctx, a, ms[0].Lease, expired, delivered("a@example.com")); err != nil {
		t.Fatal(err)
	}

	// A message due sooner stays as it is.
	b := enqueue(t, s, env("b@example.com"), "b", t0.Add(2*time.Hour))
	if err := r.Retry(ctx, b, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if m := get(t, s, b); !m.NextAttempt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("Retry later than the message was due moved it to %v", m.NextAttempt)
	}
	later(b, "b@example.com", t0.Add(3*time.Hour), t0.Add(5*time.Hour))

	// Held: stays held, and goes at once when released.
	now = t0.Add(3*time.Hour + time.Minute)
	if err := s.Hold(ctx, b, now); err != nil {
		t.Fatal(err)
	}
	if err := r.Retry(ctx, b, now); err != nil {
		t.Fatalf("Retry of a held message: %v", err)
	}
	if m := get(t, s, b); !m.Held {
		t.Error("Retry released a held message")
	}
	if ms := lease(t, s, now, time.Minute, 10, ""); len(ms) != 0 {
		t.Fatalf("leased %v while held", ids(ms))
	}
	if err := s.Release(ctx, b); err != nil {
		t.Fatal(err)
	}
	ms = lease(t, s, now, time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != b {
		t.Fatalf("released after a Retry, leased %v; want [%s] at once", ids(ms), b)
	}
	if err := s.Complete(ctx, b, ms[0].Lease, now, delivered("b@example.com")); err != nil {
		t.Fatal(err)
	}

	// Scheduled: not sent before its SendAt.
	e := env("c@example.com")
	e.SendAt = t0.Add(10 * time.Hour)
	c := enqueue(t, s, e, "c", e.SendAt)
	if err := r.Retry(ctx, c, now); err != nil {
		t.Fatal(err)
	}
	if ms := lease(t, s, e.SendAt.Add(-time.Second), time.Minute, 10, ""); len(ms) != 0 {
		t.Errorf("Retry sent a scheduled message early: leased %v", ids(ms))
	}

	// Dead and unknown.
	d := enqueue(t, s, env("d@example.com"), "d", t0)
	ms = lease(t, s, now, time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != d {
		t.Fatalf("leased %v, want [%s]", ids(ms), d)
	}
	if err := s.Complete(ctx, d, ms[0].Lease, now, []queue.Outcome{{Recipient: "d@example.com", State: queue.Failed, Attempt: reply(delivery.Failed, 550, "5.1.1 no")}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Retry(ctx, d, now); !errors.Is(err, queue.ErrInvalidInput) {
		t.Errorf("Retry of a dead letter: %v, want ErrInvalidInput", err)
	}
	for _, id := range []queue.ID{"nonsense", "0000000000000999", "999999"} {
		if err := r.Retry(ctx, id, now); !errors.Is(err, queue.ErrNotFound) {
			t.Errorf("Retry(%q): %v, want ErrNotFound", id, err)
		}
	}

	// Through Queue.
	q := &queue.Queue{Store: s, Now: func() time.Time { return now }}
	f := enqueue(t, s, env("f@example.com"), "f", t0.Add(20*time.Hour))
	if err := q.Retry(ctx, f); err != nil {
		t.Fatal(err)
	}
	if m := get(t, s, f); !m.NextAttempt.Equal(now) {
		t.Errorf("Queue.Retry: due at %v, want %v", m.NextAttempt, now)
	}
}

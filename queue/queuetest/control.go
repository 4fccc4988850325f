package queuetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// Send-at, cancel and hold: what a sender or an operator does to a message
// before it is delivered.

func get(t *testing.T, s queue.Store, id queue.ID) *queue.Message {
	t.Helper()
	m, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return m
}

func gone(t *testing.T, s queue.Store, id queue.ID, why string) {
	t.Helper()
	if m, err := s.Get(context.Background(), id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("%s: Get(%s) = %+v, %v; want ErrNotFound", why, id, m, err)
	}
}

func testSendAt(t *testing.T, s queue.Store) {
	ctx := context.Background()
	clk := &clock{t: t0}
	q := &queue.Queue{Store: s, Now: clk.Now, Default: queue.Schedule{Initial: 45 * time.Minute, MaxAge: 90 * time.Minute, Jitter: -1}}
	e := env("a@example.com")
	e.SendAt = t0.Add(time.Hour)
	id, err := q.Enqueue(ctx, e, strings.NewReader("x"))
	if err != nil {
		t.Fatalf("Enqueue with SendAt an hour ahead: %v", err)
	}
	if m := get(t, s, id); !m.NextAttempt.Equal(e.SendAt) || !m.SendAt.Equal(e.SendAt) || !m.Created.Equal(t0) {
		t.Errorf("scheduled message: NextAttempt %v SendAt %v Created %v; want the first two %v, Created %v", m.NextAttempt, m.SendAt, m.Created, e.SendAt, t0)
	}
	if ms := lease(t, s, t0.Add(time.Hour-time.Millisecond), time.Minute, 10, ""); len(ms) != 0 {
		t.Fatalf("leased %v a millisecond before its send time", ids(ms))
	}
	clk.Add(time.Hour)
	ms, err := q.Lease(ctx, 10, "")
	if err != nil || len(ms) != 1 || ms[0].ID != id {
		t.Fatalf("at its send time leased %v, %v; want [%s]", ms, err, id)
	}
	// Its lifetime counts from its send time: a retry 45 minutes later is
	// 105 minutes after the enqueue but 45 after the send time, within
	// MaxAge (90 minutes).
	dec, err := q.Complete(ctx, ms[0], []delivery.Outcome{deferred("a@example.com", 451, "later")})
	if err != nil || len(dec) != 1 || dec[0].State != queue.Pending {
		t.Errorf("first failure after the send time: %+v, %v; want deferred, the lifetime counting from the send time", dec, err)
	}

	// A send time further ahead than MaxAge is refused; one in the past
	// means now.
	e = env("b@example.com")
	e.SendAt = t0.Add(90*time.Minute + time.Hour + time.Second)
	if _, err := q.Enqueue(ctx, e, strings.NewReader("x")); !errors.Is(err, queue.ErrInvalidInput) || !queue.IsBadInput(err) {
		t.Errorf("Enqueue with SendAt past MaxAge: %v, want ErrInvalidInput", err)
	}
	e.SendAt = t0.Add(-time.Hour)
	id, err = q.Enqueue(ctx, e, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	if m := get(t, s, id); !m.NextAttempt.Equal(clk.Now()) {
		t.Errorf("SendAt in the past: due at %v, want now (%v)", m.NextAttempt, clk.Now())
	}
	if c, _ := s.Counts(ctx, clk.Now()); c.Queued != 2 {
		t.Errorf("Queued = %d, want 2 (the refused one not stored)", c.Queued)
	}
}

func testCancel(t *testing.T, s queue.Store) {
	ctx := context.Background()
	var events []string
	q := &queue.Queue{Store: s, Now: func() time.Time { return t0 }, Hook: func(e queue.Event) {
		if e.Kind == queue.EventCanceled {
			events = append(events, string(e.ID)+":"+e.Recipient)
		}
	}}

	// A message not leased: canceled whole, it leaves the queue.
	a := enqueue(t, s, env("a1@example.com", "a2@example.com"), "a", t0)
	b := enqueue(t, s, env("b@example.com"), "b", t0)
	if err := q.Cancel(ctx, a); err != nil {
		t.Fatalf("Cancel of a queued message: %v", err)
	}
	gone(t, s, a, "after Cancel")
	ms := lease(t, s, t0, time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != b {
		t.Fatalf("leased %v after canceling %s, want [%s]", ids(ms), a, b)
	}
	// Under lease it may be in delivery: refused.
	if err := s.Cancel(ctx, b, nil, t0.Add(30*time.Second)); !errors.Is(err, queue.ErrLeased) {
		t.Errorf("Cancel under lease: %v, want ErrLeased", err)
	}
	if m := get(t, s, b); m.Recipients[0].State != queue.Pending {
		t.Errorf("refused Cancel changed the recipient: %+v", m.Recipients[0])
	}
	// Once the lease ran out it cancels, and the old holder cannot complete.
	if err := s.Cancel(ctx, b, nil, t0.Add(time.Minute)); err != nil {
		t.Fatalf("Cancel after the lease ran out: %v", err)
	}
	if err := s.Complete(ctx, b, ms[0].Lease, t0.Add(time.Minute), delivered("b@example.com")); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("Complete after Cancel: %v, want ErrLeaseLost", err)
	}
	gone(t, s, b, "after Cancel of a message whose lease ran out")

	// One recipient: the other stays, at its time.
	c := enqueue(t, s, env("c1@example.com", "c2@example.com"), "c", t0.Add(time.Minute))
	if err := q.Cancel(ctx, c, "c1@example.com"); err != nil {
		t.Fatalf("Cancel of one recipient: %v", err)
	}
	m := get(t, s, c)
	if m.Recipients[0].State != queue.Canceled || m.Recipients[1].State != queue.Pending || !m.NextAttempt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after canceling c1: %+v, NextAttempt %v; want c1 canceled, c2 pending, due at %v", m.Recipients, m.NextAttempt, t0.Add(time.Minute))
	}
	for _, r := range []string{"c1@example.com", "z@example.com"} {
		if err := s.Cancel(ctx, c, []string{r}, t0); !errors.Is(err, queue.ErrInvalidInput) {
			t.Errorf("Cancel of %s (canceled already, or unknown): %v, want ErrInvalidInput", r, err)
		}
	}
	ms = lease(t, s, t0.Add(time.Minute), time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != c || ms[0].Recipients[0].State != queue.Canceled {
		t.Fatalf("leased %+v, want %s with c1 canceled", ms, c)
	}
	if err := s.Complete(ctx, c, ms[0].Lease, t0.Add(time.Minute), delivered("c2@example.com")); err != nil {
		t.Fatal(err)
	}
	gone(t, s, c, "a message with one recipient canceled and one delivered")

	// A message with a failed recipient goes to the dead letters when its
	// last pending one is canceled.
	d := enqueue(t, s, env("d1@example.com", "d2@example.com"), "d", t0.Add(2*time.Minute))
	ms = lease(t, s, t0.Add(2*time.Minute), time.Minute, 10, "")
	if len(ms) != 1 {
		t.Fatalf("leased %v, want [%s]", ids(ms), d)
	}
	err := s.Complete(ctx, d, ms[0].Lease, t0.Add(2*time.Minute), []queue.Outcome{
		{Recipient: "d1@example.com", State: queue.Failed, Attempt: reply(delivery.Failed, 550, "no")},
		{Recipient: "d2@example.com", State: queue.Pending, RetryAt: t0.Add(time.Hour), Attempt: reply(delivery.Deferred, 451, "later")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Cancel(ctx, d, nil, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if m := get(t, s, d); !m.Dead || m.Recipients[1].State != queue.Canceled {
		t.Errorf("after canceling the last pending recipient: Dead %v, %+v; want a dead letter with d2 canceled", m.Dead, m.Recipients)
	}
	if err := s.Cancel(ctx, d, nil, t0.Add(3*time.Minute)); !errors.Is(err, queue.ErrInvalidInput) {
		t.Errorf("Cancel of a dead letter: %v, want ErrInvalidInput", err)
	}
	for _, id := range []queue.ID{"nonsense", "0000000000000999", "999999"} {
		if err := s.Cancel(ctx, id, nil, t0); !errors.Is(err, queue.ErrNotFound) {
			t.Errorf("Cancel(%q): %v, want ErrNotFound", id, err)
		}
	}
	if want := fmt.Sprintf("[%s: %s:c1@example.com]", a, c); fmt.Sprint(events) != want {
		t.Errorf("cancel events %v, want %s", events, want)
	}
	if n, _ := s.Counts(ctx, t0); n.Queued != 0 || n.Dead != 1 {
		t.Errorf("Counts = %+v, want nothing queued and one dead letter", n)
	}
}

func testHold(t *testing.T, s queue.Store) {
	ctx := context.Background()
	a := enqueue(t, s, env("a@example.com"), "a", t0)
	if err := s.Hold(ctx, a, t0); err != nil {
		t.Fatalf("Hold: %v", err)
	}
	if m := get(t, s, a); !m.Held {
		t.Error("Get after Hold: Held is false")
	}
	if ms := lease(t, s, t0.Add(24*time.Hour), time.Minute, 10, ""); len(ms) != 0 {
		t.Fatalf("leased %v while held", ids(ms))
	}
	if c, _ := s.Counts(ctx, t0); c.Held != 1 || c.Due != 0 || c.Queued != 1 {
		t.Errorf("Counts while held = %+v, want Held 1 Due 0 Queued 1", c)
	}
	enqueue(t, s, env("other@example.com"), "o", t0.Add(100*time.Hour))
	if ms, err := s.List(ctx, queue.ListOptions{Held: true}); err != nil || len(ms) != 1 || ms[0].ID != a {
		t.Errorf("List of held messages: %v, %v; want [%s]", ids(ms), err, a)
	}
	if err := s.Hold(ctx, a, t0); err != nil {
		t.Errorf("Hold of a held message: %v, want nil", err)
	}
	if err := s.Release(ctx, a); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := s.Release(ctx, a); err != nil {
		t.Errorf("Release of a message not held: %v, want nil", err)
	}
	ms := lease(t, s, t0, time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != a || ms[0].Held {
		t.Fatalf("after Release leased %+v, want [%s] not held", ms, a)
	}
	if err := s.Hold(ctx, a, t0.Add(30*time.Second)); !errors.Is(err, queue.ErrLeased) {
		t.Errorf("Hold under lease: %v, want ErrLeased", err)
	}
	if err := s.Hold(ctx, a, t0.Add(time.Minute)); err != nil {
		t.Fatalf("Hold after the lease ran out: %v", err)
	}
	if err := s.Complete(ctx, a, ms[0].Lease, t0.Add(time.Minute), delivered("a@example.com")); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("Complete of a message held after its lease ran out: %v, want ErrLeaseLost", err)
	}
	if ms := lease(t, s, t0.Add(2*time.Minute), time.Minute, 10, ""); len(ms) != 0 {
		t.Fatalf("leased %v while held", ids(ms))
	}
	// A held message can be canceled.
	if err := s.Cancel(ctx, a, nil, t0.Add(2*time.Minute)); err != nil {
		t.Errorf("Cancel of a held message: %v", err)
	}
	gone(t, s, a, "after Cancel of a held message")

	// A deferred message keeps its retry time through a hold.
	b := enqueue(t, s, env("b@example.com"), "b", t0.Add(2*time.Hour))
	ms = lease(t, s, t0.Add(2*time.Hour), time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != b {
		t.Fatalf("leased %v, want [%s]", ids(ms), b)
	}
	retry := t0.Add(3 * time.Hour)
	if err := s.Complete(ctx, b, ms[0].Lease, t0.Add(2*time.Hour), []queue.Outcome{{Recipient: "b@example.com", State: queue.Pending, RetryAt: retry, Attempt: reply(delivery.Deferred, 451, "later")}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Hold(ctx, b, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, b); err != nil {
		t.Fatal(err)
	}
	if ms := lease(t, s, retry.Add(-time.Second), time.Minute, 10, ""); len(ms) != 0 {
		t.Errorf("leased %v before its retry time after a hold and release", ids(ms))
	}
	ms = lease(t, s, retry, time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != b {
		t.Fatalf("at its retry time leased %v, want [%s]", ids(ms), b)
	}
	if err := s.Complete(ctx, b, ms[0].Lease, retry, delivered("b@example.com")); err != nil {
		t.Fatal(err)
	}

	// Dead letters and unknown messages.
	d := enqueue(t, s, env("d@example.com"), "d", t0.Add(4*time.Hour))
	ms = lease(t, s, t0.Add(4*time.Hour), time.Minute, 10, "")
	if len(ms) != 1 || ms[0].ID != d {
		t.Fatalf("leased %v, want [%s]", ids(ms), d)
	}
	if err := s.Complete(ctx, d, ms[0].Lease, t0.Add(4*time.Hour), []queue.Outcome{{Recipient: "d@example.com", State: queue.Failed, Attempt: reply(delivery.Failed, 550, "no")}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Hold(ctx, d, t0.Add(4*time.Hour)); !errors.Is(err, queue.ErrInvalidInput) {
		t.Errorf("Hold of a dead letter: %v, want ErrInvalidInput", err)
	}
	for _, id := range []queue.ID{"nonsense", "0000000000000999", "999999"} {
		if err := s.Hold(ctx, id, t0); !errors.Is(err, queue.ErrNotFound) {
			t.Errorf("Hold(%q): %v, want ErrNotFound", id, err)
		}
		if err := s.Release(ctx, id); !errors.Is(err, queue.ErrNotFound) {
			t.Errorf("Release(%q): %v, want ErrNotFound", id, err)
		}
	}
}

// testControlRace cancels or holds every message while workers lease and
// deliver them: each message is either canceled (or held) and never leased,
// or leased and the cancel or hold refused. Never both.
func testControlRace(t *testing.T, s queue.Store) {
	ctx := context.Background()
	const n = 120
	var all []queue.ID
	for i := range n {
		all = append(all, enqueue(t, s, env(fmt.Sprintf("r%d@example.com", i), fmt.Sprintf("r%d@example.net", i)), "x", t0))
	}
	var mu sync.Mutex
	leased := map[queue.ID]int{}
	delivered := map[queue.ID]bool{}
	canceled := map[queue.ID]bool{}
	held := map[queue.ID]bool{}
	var done sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		done.Add(1)
		go func() {
			defer done.Done()
			for {
				ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t0, Duration: time.Hour, Max: 3})
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					select {
					case <-stop:
						return
					default:
						time.Sleep(time.Millisecond)
						continue
					}
				}
				for _, m := range ms {
					mu.Lock()
					leased[m.ID]++
					mu.Unlock()
					var outs []queue.Outcome
					for _, r := range m.Recipients {
						if r.State == queue.Pending {
							outs = append(outs, queue.Outcome{Recipient: r.Addr, State: queue.Delivered, Attempt: reply(delivery.Delivered, 250, "2.0.0 queued")})
						}
					}
					if err := s.Complete(ctx, m.ID, m.Lease, t0, outs); err != nil {
						t.Errorf("Complete(%s): %v", m.ID, err)
						continue
					}
					mu.Lock()
					delivered[m.ID] = true
					mu.Unlock()
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(1, 2))
	order := rng.Perm(n)
	var ctl sync.WaitGroup
	for part := range 2 {
		ctl.Add(1)
		go func() {
			defer ctl.Done()
			for _, i := range order {
				if i%2 != part {
					continue
				}
				id := all[i]
				var err error
				switch i % 4 {
				case 0, 1:
					err = s.Cancel(ctx, id, nil, t0)
				case 2:
					err = s.Hold(ctx, id, t0)
				case 3:
					err = s.Cancel(ctx, id, []string{fmt.Sprintf("r%d@example.net", i)}, t0)
				}
				switch {
				case err == nil:
					mu.Lock()
					if i%4 == 2 {
						held[id] = true
					} else {
						canceled[id] = true
					}
					mu.Unlock()
				case errors.Is(err, queue.ErrLeased), errors.Is(err, queue.ErrNotFound):
					// Leased first (and perhaps delivered and gone).
				default:
					t.Errorf("control of %s: %v", id, err)
				}
			}
		}()
	}
	ctl.Wait()
	close(stop)
	done.Wait()
	won := 0
	for i, id := range all {
		switch {
		case held[id] && leased[id] > 0:
			t.Errorf("message %s was held and leased", id)
		case canceled[id] && i%4 != 3 && leased[id] > 0:
			t.Errorf("message %s was canceled and leased", id)
		case canceled[id] && i%4 == 3:
			// One recipient canceled: the other is delivered, and the
			// canceled one must not have been.
			if !delivered[id] {
				t.Errorf("message %s with one recipient canceled was not delivered to the other", id)
			}
		case !held[id] && !canceled[id] && leased[id] != 1:
			t.Errorf("message %s neither canceled nor held was leased %d times", id, leased[id])
		}
		if held[id] || canceled[id] {
			won++
		}
	}
	for id := range held {
		if m := get(t, s, id); !m.Held {
			t.Errorf("held message %s is not held", id)
		}
	}
	c, err := s.Counts(ctx, t0)
	if err != nil || c.Queued != len(held) {
		t.Errorf("Counts = %+v, %v; want only the %d held messages left", c, err, len(held))
	}
	t.Logf("%d of %d cancels and holds came before the lease", won, n)
}

func testLeaseWait(t *testing.T, s queue.Store) {
	ctx := context.Background()
	// Nothing comes: an empty answer after Wait.
	ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t0, Duration: time.Minute, Max: 1, Wait: 50 * time.Millisecond})
	if err != nil || len(ms) != 0 {
		t.Fatalf("Lease with Wait on an empty queue: %v, %v; want nothing", ms, err)
	}
	// An enqueue during the wait is leased.
	got := make(chan queue.ID, 1)
	go func() {
		ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t0, Duration: time.Minute, Max: 1, Wait: time.Minute})
		if err != nil || len(ms) != 1 {
			t.Errorf("Lease with Wait: %v, %v; want the message enqueued meanwhile", ms, err)
			got <- ""
			return
		}
		got <- ms[0].ID
	}()
	time.Sleep(20 * time.Millisecond)
	id := enqueue(t, s, env("a@example.com"), "a", t0)
	if g := <-got; g != id {
		t.Errorf("waiting lease got %q, want %s", g, id)
	}
	// So is a release.
	b := enqueue(t, s, env("b@example.com"), "b", t0)
	if err := s.Hold(ctx, b, t0); err != nil {
		t.Fatal(err)
	}
	go func() {
		ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t0, Duration: time.Minute, Max: 1, Wait: time.Minute})
		if err != nil || len(ms) != 1 {
			t.Errorf("Lease with Wait: %v, %v; want the message released meanwhile", ms, err)
			got <- ""
			return
		}
		got <- ms[0].ID
	}()
	time.Sleep(20 * time.Millisecond)
	if err := s.Release(ctx, b); err != nil {
		t.Fatal(err)
	}
	if g := <-got; g != b {
		t.Errorf("waiting lease got %q, want %s", g, b)
	}
}

func testEnqueueMany(t *testing.T, s queue.Store) {
	ctx := context.Background()
	q := &queue.Queue{Store: s, Now: func() time.Time { return t0 }}
	_, atomic := s.(queue.BatchEnqueuer)
	var subs []queue.Submission
	for i := range 30 {
		e := env(fmt.Sprintf("m%d@example.com", i))
		e.Tenant = "t"
		if i == 7 {
			e.SendAt = t0.Add(time.Hour)
		}
		if i == 20 || i == 21 {
			e.IdempotencyKey = "same" // the second is the first
		}
		subs = append(subs, queue.Submission{Envelope: e, Body: strings.NewReader(fmt.Sprintf("body %d", i))})
	}
	bad := append([]queue.Submission(nil), subs...)
	bad[12] = queue.Submission{Envelope: env("not an address"), Body: strings.NewReader("x")}
	if _, err := q.EnqueueMany(ctx, bad); !errors.Is(err, queue.ErrInvalidAddress) || !strings.Contains(err.Error(), "message 12") {
		t.Errorf("EnqueueMany with a bad address at 12: %v, want ErrInvalidAddress naming message 12", err)
	}
	if c, _ := s.Counts(ctx, t0); c.Queued != 0 {
		t.Errorf("stored %d of a batch refused for a bad envelope (store enqueues many at once: %v)", c.Queued, atomic)
	}
	if atomic {
		// A store that enqueues many at once stores none when a body
		// cannot be read.
		bad = append([]queue.Submission(nil), subs...)
		boom := errors.New("client went away")
		bad[12] = queue.Submission{Envelope: env("ok@example.com"), Body: &failingReader{100, boom}}
		if _, err := q.EnqueueMany(ctx, bad); !errors.Is(err, boom) {
			t.Errorf("EnqueueMany with a body failing at 12: %v, want the read error", err)
		}
		if c, _ := s.Counts(ctx, t0); c.Queued != 0 {
			t.Errorf("stored %d of a batch whose 13th body failed", c.Queued)
		}
	}
	for i := range subs {
		subs[i].Body = strings.NewReader(fmt.Sprintf("body %d", i))
	}
	got, err := q.EnqueueMany(ctx, subs)
	if err != nil || len(got) != 30 {
		t.Fatalf("EnqueueMany: %d IDs, %v", len(got), err)
	}
	if got[20] != got[21] {
		t.Errorf("two messages with one idempotency key got IDs %s and %s", got[20], got[21])
	}
	seen := map[queue.ID]bool{}
	for i, id := range got {
		if i != 21 && seen[id] {
			t.Errorf("ID %s given twice", id)
		}
		seen[id] = true
		if i == 21 {
			continue
		}
		if b := readBody(t, s, id); b != fmt.Sprintf("body %d", i) {
			t.Errorf("message %d (%s) has body %q", i, id, b)
		}
	}
	if m := get(t, s, got[7]); !m.NextAttempt.Equal(t0.Add(time.Hour)) {
		t.Errorf("message with SendAt due at %v, want %v", m.NextAttempt, t0.Add(time.Hour))
	}
	if ms := lease(t, s, t0, time.Minute, 100, ""); len(ms) != 28 {
		t.Errorf("leased %d at t0, want 28 (29 messages, one scheduled later)", len(ms))
	}
}

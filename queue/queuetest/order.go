package queuetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/queue"
)

// Who goes first: priorities, tenant fairness and tenant caps. The
// expectations follow the weights queue.Priority documents (16, 4, 1) with
// some slack, so that a store may order ties its own way.

// fillBatch is fill through EnqueueMany when the store has it, so that the
// shares a lease order gives do not depend on how fast single enqueues run:
// a store may place a flow that enqueues slowly a little later (pgstore's
// tag blocks last 100 ms), which on a busy machine skewed the priority
// shares testPriorities checks. Other stores get fill.
func fillBatch(t *testing.T, s queue.Store, n int, tenant string, p queue.Priority, domain string) map[queue.ID]bool {
	t.Helper()
	b, ok := s.(queue.BatchEnqueuer)
	if !ok {
		return fill(t, s, n, tenant, p, domain)
	}
	subs := make([]queue.Submission, n)
	for i := range subs {
		e := env(fmt.Sprintf("%s-%s-%d@%s", tenant, p, i, domain))
		e.Tenant, e.Priority = tenant, p
		subs[i] = queue.Submission{Envelope: e, Body: strings.NewReader("x"), Next: t0}
	}
	ids, err := b.EnqueueMany(context.Background(), subs, t0)
	if err != nil {
		t.Fatalf("EnqueueMany: %v", err)
	}
	out := make(map[queue.ID]bool, n)
	for _, id := range ids {
		out[id] = true
	}
	if len(out) != n {
		t.Fatalf("enqueued %d distinct messages, want %d", len(out), n)
	}
	return out
}

// fill enqueues n messages of one tenant and priority, due at t0, for
// domain (each its own recipient there), 8 at a time.
func fill(t *testing.T, s queue.Store, n int, tenant string, p queue.Priority, domain string) map[queue.ID]bool {
	t.Helper()
	out := map[queue.ID]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				e := env(fmt.Sprintf("%s-%s-%d@%s", tenant, p, i, domain))
				e.Tenant, e.Priority = tenant, p
				id, err := s.Enqueue(context.Background(), e, strings.NewReader("x"), t0, t0)
				if err != nil {
					t.Errorf("Enqueue: %v", err)
					return
				}
				mu.Lock()
				out[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(out) != n {
		t.Fatalf("enqueued %d distinct messages, want %d", len(out), n)
	}
	return out
}

// leaseCount leases n messages, max at a time, and counts those in each set.
func leaseCount(t *testing.T, s queue.Store, n, max int, sets ...map[queue.ID]bool) []int {
	t.Helper()
	counts := make([]int, len(sets))
	for got := 0; got < n; {
		ms := lease(t, s, t0, time.Hour, min(max, n-got), "")
		if len(ms) == 0 {
			t.Fatalf("lease found nothing after %d of %d", got, n)
		}
		got += len(ms)
		for _, m := range ms {
			for i, set := range sets {
				if set[m.ID] {
					counts[i]++
				}
			}
		}
	}
	return counts
}

func testPriorities(t *testing.T, s queue.Store) {
	bulk := fillBatch(t, s, 200, "", queue.PriorityBulk, "example.com")
	trans := fillBatch(t, s, 400, "", queue.PriorityTransactional, "example.com")
	// Both backlogged: 16 transactional leases to 1 bulk.
	c := leaseCount(t, s, 170, 1, trans, bulk)
	if c[1] < 4 || c[1] > 20 {
		t.Errorf("of 170 leases one at a time, %d went to bulk and %d to transactional; want about 10 bulk (weights 16:1)", c[1], c[0])
	}
	c = leaseCount(t, s, 170, 17, trans, bulk)
	if c[1] < 4 || c[1] > 20 {
		t.Errorf("of 170 leases 17 at a time, %d went to bulk and %d to transactional; want about 10 bulk (weights 16:1)", c[1], c[0])
	}
	// The rest of the transactional backlog (about 80) goes within the
	// next 100, and bulk then takes what is left.
	c = leaseCount(t, s, 100, 10, trans, bulk)
	if c[0]+c[1] != 100 || c[0] < 70 || c[0] > 90 {
		t.Errorf("the next 100 leases gave %d transactional and %d bulk; want the about 80 transactional left", c[0], c[1])
	}
	if c := leaseCount(t, s, 20, 10, trans, bulk); c[0] != 0 || c[1] != 20 {
		t.Errorf("with the transactional backlog gone, 20 leases gave %d transactional and %d bulk", c[0], c[1])
	}
	// A transactional message behind a bulk backlog goes next.
	late := fillBatch(t, s, 1, "", queue.PriorityTransactional, "example.com")
	if c := leaseCount(t, s, 2, 1, late); c[0] != 1 {
		t.Error("a transactional message enqueued behind a bulk backlog was not among the next 2 leases")
	}
	// Normal against bulk: 4 to 1.
	normal := fillBatch(t, s, 100, "", queue.PriorityNormal, "example.com")
	c = leaseCount(t, s, 50, 5, normal, bulk)
	if c[1] < 5 || c[1] > 16 {
		t.Errorf("of 50 leases, %d bulk and %d normal; want about 10 bulk (weights 4:1)", c[1], c[0])
	}
}

func testTenantFairness(t *testing.T, s queue.Store) {
	big := fill(t, s, 600, "big", queue.PriorityNormal, "example.com")
	// The big tenant's backlog is there first, partly leased already.
	leaseCount(t, s, 50, 10, big)
	small := fill(t, s, 10, "small", queue.PriorityNormal, "example.org")
	// The small tenant's 10 are through within about 20 leases.
	if c := leaseCount(t, s, 30, 5, small, big); c[0] != 10 {
		t.Errorf("of the 30 leases after a small tenant enqueued 10 behind a backlog of 550, it got %d (and the big one %d); want all 10", c[0], c[1])
	}
	// A third tenant with transactional mail goes ahead of both.
	urgent := fill(t, s, 5, "third", queue.PriorityTransactional, "example.net")
	if c := leaseCount(t, s, 7, 1, urgent); c[0] != 5 {
		t.Errorf("of the 7 leases after a third tenant enqueued 5 transactional messages, it got %d; want all 5", c[0])
	}
	// Domain leases keep the order among their messages.
	more := fill(t, s, 3, "small", queue.PriorityNormal, "example.com")
	ms := lease(t, s, t0, time.Hour, 6, "example.com")
	n := 0
	for _, m := range ms {
		if more[m.ID] {
			n++
		}
		if !strings.HasSuffix(m.Recipients[0].Addr, "@example.com") {
			t.Errorf("lease for example.com gave %s", m.Recipients[0].Addr)
		}
	}
	if len(ms) != 6 || n != 3 {
		t.Errorf("domain lease of 6 gave %d messages, %d of the small tenant's 3 behind the big one's backlog; want 6 and 3", len(ms), n)
	}
}

func testTenantLimit(t *testing.T, s queue.Store) {
	ctx := context.Background()
	a := fill(t, s, 10, "a", queue.PriorityNormal, "example.com")
	b := fill(t, s, 10, "b", queue.PriorityNormal, "example.com")
	req := queue.LeaseRequest{Now: t0, Duration: time.Minute, Max: 20, TenantLimit: 3}
	ms, err := s.Lease(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	count := func(ms []*queue.Message) (na, nb int) {
		for _, m := range ms {
			if a[m.ID] {
				na++
			}
			if b[m.ID] {
				nb++
			}
		}
		return
	}
	if na, nb := count(ms); na != 3 || nb != 3 {
		t.Fatalf("lease with TenantLimit 3 gave %d of a's and %d of b's; want 3 and 3", na, nb)
	}
	if more, _ := s.Lease(ctx, req); len(more) != 0 {
		t.Errorf("a second lease with both tenants at their cap gave %d", len(more))
	}
	// A completion frees a place.
	for _, m := range ms {
		if a[m.ID] {
			if err := s.Complete(ctx, m.ID, m.Lease, t0, delivered(m.Recipients[0].Addr)); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if more, _ := s.Lease(ctx, req); len(more) != 1 || !a[more[0].ID] {
		t.Errorf("after one of a's completed, a lease gave %v; want one of a's", ids(more))
	}
	// TenantLimits overrides: no cap for b.
	req.TenantLimits = map[string]int{"b": 0}
	if more, _ := s.Lease(ctx, req); len(more) != 7 {
		t.Errorf("with b uncapped a lease gave %d; want b's other 7", len(more))
	}
	// Leases that ran out do not count.
	req.Now = t0.Add(time.Minute)
	req.TenantLimits = nil
	if na, nb := count(lease(t, s, req.Now, time.Minute, 20, "")); na != 9 || nb != 10 {
		t.Errorf("after the leases ran out, a lease without cap gave %d of a's and %d of b's", na, nb)
	}
}

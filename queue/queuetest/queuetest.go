// Package queuetest is the conformance suite for queue.Store
// implementations. Every store in mxkit passes it; a third-party store runs
// it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		queuetest.Run(t, func(t *testing.T) queue.Store { return openMyStore(t) })
//	}
package queuetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// Run runs the conformance suite. newStore must return a new, empty store
// each time it is called and arrange its cleanup (t.Cleanup); the suite
// does not close it.
func Run(t *testing.T, newStore func(t *testing.T) queue.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s queue.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"OrderByNextAttempt", testOrder},
		{"NotDueNotLeased", testNotDue},
		{"LeaseMax", testLeaseMax},
		{"LeaseExclusive", testLeaseExclusive},
		{"LeaseExpiry", testLeaseExpiry},
		{"StaleHolderCannotComplete", testStaleHolder},
		{"DeliveredLeavesQueue", testDelivered},
		{"PartialRetry", testPartialRetry},
		{"AttemptHistory", testAttemptHistory},
		{"DelayNotified", testDelayNotified},
		{"DeadLetters", testDeadLetters},
		{"Remove", testRemove},
		{"DomainLease", testDomainLease},
		{"CountsAndList", testCountsAndList},
		{"IdempotencyKey", testIdempotency},
		{"ConcurrentWorkers", testConcurrentWorkers},
		{"QueueRetrySchedule", testQueueRetry},
		{"QueueExpiry", testQueueExpiry},
		{"QueueHook", testQueueHook},
		{"LargeMessage", testLargeMessage},
		{"EmptyBody", testEmptyBody},
		{"BadEnvelope", testBadEnvelope},
		{"OverSize", testOverSize},
		{"BodyReadError", testBodyReadError},
		{"BadOutcome", testBadOutcome},
		{"BadLeaseRequest", testBadLease},
		{"UnknownID", testUnknownID},
		{"SendAt", testSendAt},
		{"Cancel", testCancel},
		{"Hold", testHold},
		{"Retry", testRetry},
		{"CancelAndHoldRaceLeases", testControlRace},
		{"LeaseWait", testLeaseWait},
		{"EnqueueMany", testEnqueueMany},
		{"Priorities", testPriorities},
		{"TenantFairness", testTenantFairness},
		{"TenantLimit", testTenantLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// t0 is the suite's clock origin, on a millisecond so that every store can
// keep times exactly.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 6e6, time.UTC)

func env(rcpts ...string) *queue.Envelope {
	e := &queue.Envelope{From: "sender@example.org"}
	for _, r := range rcpts {
		e.Recipients = append(e.Recipients, queue.Recipient{Addr: r})
	}
	return e
}

func enqueue(t *testing.T, s queue.Store, e *queue.Envelope, body string, next time.Time) queue.ID {
	t.Helper()
	id, err := s.Enqueue(context.Background(), e, strings.NewReader(body), t0, next)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	if id == "" {
		t.Fatal("Enqueue returned an empty ID")
	}
	return id
}

func lease(t *testing.T, s queue.Store, now time.Time, d time.Duration, max int, domain string) []*queue.Message {
	t.Helper()
	ms, err := s.Lease(context.Background(), queue.LeaseRequest{Now: now, Duration: d, Max: max, Domain: domain})
	if err != nil {
		t.Fatalf("Lease: %v", err)
	}
	return ms
}

func ids(ms []*queue.Message) []queue.ID {
	var out []queue.ID
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func readBody(t *testing.T, s queue.Store, id queue.ID) string {
	t.Helper()
	rc, err := s.Body(context.Background(), id)
	if err != nil {
		t.Fatalf("Body(%s): %v", id, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading body %s: %v", id, err)
	}
	return string(b)
}

func delivered(rcpts ...string) []queue.Outcome {
	var out []queue.Outcome
	for _, r := range rcpts {
		out = append(out, queue.Outcome{Recipient: r, State: queue.Delivered, Attempt: reply(delivery.Delivered, 250, "2.0.0 queued")})
	}
	return out
}

// sameOutcome compares outcomes as stored: all fields, times to the
// millisecond (a store may keep no more).
func sameOutcome(a, b delivery.Outcome) bool {
	a.Err, b.Err = nil, nil
	ta, tb := a.Time, b.Time
	a.Time, b.Time = time.Time{}, time.Time{}
	return a == b && ta.Truncate(time.Millisecond).Equal(tb.Truncate(time.Millisecond))
}

// reply is an attempt's outcome: a reply "code enhanced text" at the
// final stage (RCPT for 4xx and 5xx), from mx.example.com.
func reply(st delivery.Status, code int, text string) delivery.Outcome {
	o := delivery.Outcome{Status: st, Stage: delivery.StageFinal, Code: code, Text: text, Host: "mx.example.com",
		IP: netip.MustParseAddr("192.0.2.25"), Time: t0}
	if code >= 400 {
		o.Stage = delivery.StageRcpt
	}
	if enh, rest, ok := strings.Cut(text, " "); ok {
		if e, err := delivery.ParseEnhancedCode(enh); err == nil {
			o.Enhanced, o.Text = e, rest
		}
	}
	return o
}

// failed and deferred are outcomes of Queue.Complete.
func failed(rcpt string, code int, text string) delivery.Outcome {
	o := reply(delivery.Failed, code, text)
	o.Recipient = rcpt
	return o
}

func deferred(rcpt string, code int, text string) delivery.Outcome {
	o := reply(delivery.Deferred, code, text)
	o.Recipient = rcpt
	return o
}

func testRoundTrip(t *testing.T, s queue.Store) {
	ctx := context.Background()
	e := &queue.Envelope{
		From: "bounce+x@example.org",
		Recipients: []queue.Recipient{
			{Addr: "a@Example.COM", Notify: "SUCCESS,FAILURE", ORcpt: "rfc822;a@example.com"},
			{Addr: "\"b c\"@example.com"},
		},
		Ret: "HDRS", EnvID: "env-1", Tenant: "t1", Campaign: "c1", Class: "bulk",
	}
	body := "Subject: hi\r\n\r\nhello\r\n"
	id := enqueue(t, s, e, body, t0)
	m, err := s.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if m.ID != id || m.From != e.From || m.Ret != "HDRS" || m.EnvID != "env-1" || m.Tenant != "t1" || m.Campaign != "c1" || m.Class != "bulk" {
		t.Errorf("envelope came back as %+v, want the fields of %+v", m.Envelope, *e)
	}
	if len(m.Recipients) != 2 || !reflect.DeepEqual(m.Recipients[0], e.Recipients[0]) || m.Recipients[1].Addr != e.Recipients[1].Addr {
		t.Errorf("recipients came back as %+v, want %+v", m.Recipients, e.Recipients)
	}
	if m.Domain != "example.com" {
		t.Errorf("Domain = %q, want example.com (lower case)", m.Domain)
	}
	if m.Size != int64(len(body)) {
		t.Errorf("Size = %d, want %d", m.Size, len(body))
	}
	if !m.Created.Equal(t0) || !m.NextAttempt.Equal(t0) {
		t.Errorf("Created %v NextAttempt %v, want both %v", m.Created, m.NextAttempt, t0)
	}
	if m.Dead || m.Attempts != 0 || m.Lease != "" {
		t.Errorf("new message has Dead=%v Attempts=%d Lease=%q", m.Dead, m.Attempts, m.Lease)
	}
	if got := readBody(t, s, id); got != body {
		t.Errorf("body = %q, want %q", got, body)
	}
	// The store must have copied the envelope.
	e.Recipients[0].Addr = "changed@example.net"
	if m2, _ := s.Get(ctx, id); m2.Recipients[0].Addr != "a@Example.COM" {
		t.Error("store kept a reference to the caller's envelope")
	}
	// A second message gets a different ID.
	if id2 := enqueue(t, s, env("x@example.com"), "x", t0); id2 == id {
		t.Errorf("two messages got the same ID %s", id)
	}
}

func testOrder(t *testing.T, s queue.Store) {
	a := enqueue(t, s, env("a@example.com"), "a", t0.Add(2*time.Second))
	b := enqueue(t, s, env("b@example.com"), "b", t0)
	c := enqueue(t, s, env("c@example.com"), "c", t0.Add(time.Second))
	got := ids(lease(t, s, t0.Add(time.Minute), time.Minute, 10, ""))
	want := []queue.ID{b, c, a}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("leased %v, want %v (by next attempt)", got, want)
	}
}

func testNotDue(t *testing.T, s queue.Store) {
	a := enqueue(t, s, env("a@example.com"), "a", t0.Add(time.Hour))
	if got := lease(t, s, t0, time.Minute, 10, ""); len(got) != 0 {
		t.Errorf("leased %v before it was due", ids(got))
	}
	if got := ids(lease(t, s, t0.Add(time.Hour), time.Minute, 10, "")); len(got) != 1 || got[0] != a {
		t.Errorf("at its due time leased %v, want [%s]", got, a)
	}
}

func testLeaseMax(t *testing.T, s queue.Store) {
	for i := range 5 {
		enqueue(t, s, env(fmt.Sprintf("r%d@example.com", i)), "x", t0)
	}
	if got := lease(t, s, t0, time.Minute, 3, ""); len(got) != 3 {
		t.Errorf("Max 3 leased %d", len(got))
	}
	if got := lease(t, s, t0, time.Minute, 0, ""); len(got) != 1 {
		t.Errorf("Max 0 leased %d, want 1", len(got))
	}
	if got := lease(t, s, t0, time.Minute, 10, ""); len(got) != 1 {
		t.Errorf("last lease got %d, want the 1 left", len(got))
	}
}

func testLeaseExclusive(t *testing.T, s queue.Store) {
	id := enqueue(t, s, env("a@example.com"), "a", t0)
	first := lease(t, s, t0, time.Minute, 10, "")
	if len(first) != 1 || first[0].ID != id || first[0].Lease == "" {
		t.Fatalf("lease got %+v, want message %s with a token", first, id)
	}
	if !first[0].LeaseExpires.Equal(t0.Add(time.Minute)) || first[0].Attempts != 1 {
		t.Errorf("LeaseExpires %v Attempts %d, want %v and 1", first[0].LeaseExpires, first[0].Attempts, t0.Add(time.Minute))
	}
	if again := lease(t, s, t0.Add(59*time.Second), time.Minute, 10, ""); len(again) != 0 {
		t.Errorf("leased %v again while the first lease held", ids(again))
	}
	c, err := s.Counts(context.Background(), t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if c.Leased != 1 || c.Due != 0 || c.Queued != 1 {
		t.Errorf("Counts while leased = %+v, want Queued 1 Leased 1 Due 0", c)
	}
}

func testLeaseExpiry(t *testing.T, s queue.Store) {
	id := enqueue(t, s, env("a@example.com"), "a", t0)
	first := lease(t, s, t0, time.Minute, 10, "")
	if len(first) != 1 {
		t.Fatalf("first lease got %d messages", len(first))
	}
	// The worker crashed: after expiry the message is due again.
	second := lease(t, s, t0.Add(time.Minute), time.Minute, 10, "")
	if len(second) != 1 || second[0].ID != id {
		t.Fatalf("after expiry leased %v, want [%s]", ids(second), id)
	}
	if second[0].Lease == first[0].Lease {
		t.Error("the new lease has the old token")
	}
	if second[0].Attempts != 2 {
		t.Errorf("Attempts = %d after two leases", second[0].Attempts)
	}
	if err := s.Complete(context.Background(), id, second[0].Lease, t0.Add(70*time.Second), delivered("a@example.com")); err != nil {
		t.Fatalf("Complete by the new holder: %v", err)
	}
}

func testStaleHolder(t *testing.T, s queue.Store) {
	ctx := context.Background()
	id := enqueue(t, s, env("a@example.com"), "a", t0)
	first := lease(t, s, t0, time.Minute, 1, "")[0]
	second := lease(t, s, t0.Add(2*time.Minute), time.Minute, 1, "")[0]
	err := s.Complete(ctx, id, first.Lease, t0.Add(2*time.Minute), delivered("a@example.com"))
	if !errors.Is(err, queue.ErrLeaseLost) {
		t.Fatalf("stale holder's Complete: %v, want ErrLeaseLost", err)
	}
	if err := s.Complete(ctx, id, "", t0, delivered("a@example.com")); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("Complete without a token: %v, want ErrLeaseLost", err)
	}
	m, err := s.Get(ctx, id)
	if err != nil || m.Recipients[0].State != queue.Pending {
		t.Fatalf("after the refused Complete: %+v, %v; want the message still pending", m, err)
	}
	if err := s.Complete(ctx, id, second.Lease, t0.Add(2*time.Minute), delivered("a@example.com")); err != nil {
		t.Fatalf("current holder's Complete: %v", err)
	}
	// Completing twice is a stale completion too.
	if err := s.Complete(ctx, id, second.Lease, t0.Add(2*time.Minute), delivered("a@example.com")); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("second Complete: %v, want ErrLeaseLost", err)
	}
}

func testDelivered(t *testing.T, s queue.Store) {
	ctx := context.Background()
	id := enqueue(t, s, env("a@example.com", "b@example.com"), "a", t0)
	m := lease(t, s, t0, time.Minute, 1, "")[0]
	if err := s.Complete(ctx, id, m.Lease, t0, delivered("a@example.com", "b@example.com")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("Get after delivery: %v, want ErrNotFound", err)
	}
	if _, err := s.Body(ctx, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("Body after delivery: %v, want ErrNotFound", err)
	}
	c, err := s.Counts(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Queued != 0 || c.Dead != 0 {
		t.Errorf("Counts after delivery = %+v, want empty", c)
	}
}

func testPartialRetry(t *testing.T, s queue.Store) {
	ctx := context.Background()
	id := enqueue(t, s, env("a@example.com", "b@example.com", "c@example.com"), "a", t0)
	m := lease(t, s, t0, time.Minute, 1, "")[0]
	retry := t0.Add(5 * time.Minute)
	outs := []queue.Outcome{
		delivered("a@example.com")[0],
		{Recipient: "b@example.com", State: queue.Pending, RetryAt: retry, Attempt: reply(delivery.Deferred, 451, "4.7.1 greylisted\r\nX")},
		{Recipient: "c@example.com", State: queue.Pending, RetryAt: retry.Add(time.Minute), Attempt: reply(delivery.Deferred, 421, "busy")},
	}
	if err := s.Complete(ctx, id, m.Lease, t0.Add(time.Second), outs); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.NextAttempt.Equal(retry) {
		t.Errorf("NextAttempt = %v, want the earliest retry %v", got.NextAttempt, retry)
	}
	st := []queue.State{got.Recipients[0].State, got.Recipients[1].State, got.Recipients[2].State}
	if st[0] != queue.Delivered || st[1] != queue.Pending || st[2] != queue.Pending {
		t.Errorf("recipient states %v, want delivered pending pending", st)
	}
	// The attempt is kept as data, its text without CR/LF.
	want := reply(delivery.Deferred, 451, "4.7.1 greylisted  X")
	want.Recipient = "b@example.com"
	if h := got.Recipients[1].History; len(h) != 1 || !sameOutcome(h[0], want) {
		t.Errorf("History = %+v, want [%+v]", h, want)
	}
	if got.Recipients[1].Attempts != 1 || got.Lease != "" {
		t.Errorf("recipient Attempts %d, Lease %q; want 1 and no lease", got.Recipients[1].Attempts, got.Lease)
	}
	if ms := lease(t, s, retry.Add(-time.Second), time.Minute, 1, ""); len(ms) != 0 {
		t.Error("leased before its retry time")
	}
	m2 := lease(t, s, retry, time.Minute, 1, "")
	if len(m2) != 1 || m2[0].ID != id {
		t.Fatalf("at the retry time leased %v", ids(m2))
	}
	// Recipients without an outcome stay pending; the message is due now.
	if err := s.Complete(ctx, id, m2[0].Lease, retry, delivered("b@example.com")); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, id)
	if got == nil || got.Recipients[2].State != queue.Pending || !got.NextAttempt.Equal(retry) {
		t.Fatalf("after a partial outcome: %+v; want c pending and due at %v", got, retry)
	}
	m3 := lease(t, s, retry, time.Minute, 1, "")
	if len(m3) != 1 {
		t.Fatal("message not due after a partial outcome")
	}
	if err := s.Complete(ctx, id, m3[0].Lease, retry, delivered("c@example.com")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("after all delivered: %v, want ErrNotFound", err)
	}
}

// testAttemptHistory: every attempt's outcome is kept as data, field for
// field, the latest MaxHistory of them, oldest first.
func testAttemptHistory(t *testing.T, s queue.Store) {
	ctx := context.Background()
	id := enqueue(t, s, env("a@example.com"), "a", t0)
	now := t0
	n := queue.MaxHistory + 4
	var sent []delivery.Outcome
	for i := range n {
		ms := lease(t, s, now, time.Minute, 1, "")
		if len(ms) != 1 {
			t.Fatalf("attempt %d: not leased", i+1)
		}
		o := reply(delivery.Deferred, 451, fmt.Sprintf("4.7.1 try again (%d)", i+1))
		o.Recipient, o.Time = "a@example.com", now
		if i%3 == 1 { // no reply: a connection refused, IPv6
			o.Stage, o.Code, o.Enhanced, o.Text = delivery.StageConnect, 0, delivery.EnhancedCode{4, 4, 1}, "connection refused"
			o.IP = netip.MustParseAddr("2001:db8::25")
		}
		sent = append(sent, o)
		now = now.Add(time.Minute)
		if err := s.Complete(ctx, id, ms[0].Lease, now, []queue.Outcome{{Recipient: "a@example.com", State: queue.Pending, RetryAt: now, Attempt: o}}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r := m.Recipients[0]
	if r.Attempts != n || len(r.History) != queue.MaxHistory {
		t.Fatalf("Attempts %d, %d outcomes kept; want %d and the last %d", r.Attempts, len(r.History), n, queue.MaxHistory)
	}
	for i, h := range r.History {
		if w := sent[n-queue.MaxHistory+i]; !sameOutcome(h, w) {
			t.Errorf("History[%d] = %+v, want %+v", i, h, w)
		}
	}
}

// testDelayNotified: the DelayNotified mark a delivery agent sets on a
// leased message's recipient is stored with that recipient by
// Queue.Complete, comes back with the message (Get, the next Lease), is
// never replaced or cleared by a later completion, and stays with a
// recipient that became final.
func testDelayNotified(t *testing.T, s queue.Store) {
	ctx := context.Background()
	clk := &clock{t: t0}
	q := &queue.Queue{Store: s, Now: clk.Now, Default: queue.Schedule{Initial: time.Minute, Jitter: -1}}
	id, err := q.Enqueue(ctx, env("a@example.com", "b@example.com", "c@example.com"), strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	marked := t0.Add(4 * time.Hour)
	ms, err := q.Lease(ctx, 1, "")
	if err != nil || len(ms) != 1 {
		t.Fatalf("Lease: %v, %v", ms, err)
	}
	if !ms[0].Recipients[0].DelayNotified.IsZero() {
		t.Fatalf("a new message's recipient is marked: %v", ms[0].Recipients[0].DelayNotified)
	}
	ms[0].Recipients[0].DelayNotified = marked
	later := []delivery.Outcome{deferred("a@example.com", 451, "later"), deferred("b@example.com", 451, "later")}
	if _, err := q.Complete(ctx, ms[0], later); err != nil {
		t.Fatal(err)
	}
	check := func(when string, m *queue.Message, want ...time.Time) {
		t.Helper()
		for i, w := range want {
			if got := m.Recipients[i].DelayNotified; !got.Equal(w) {
				t.Errorf("%s: %s DelayNotified %v, want %v", when, m.Recipients[i].Addr, got, w)
			}
		}
	}
	m, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	check("after the first attempt", m, marked, time.Time{}, time.Time{})

	// The next attempt sees the mark; a different one on a marked
	// recipient is ignored, a new one on another is kept, also when that
	// recipient is delivered.
	clk.Add(time.Minute)
	ms, err = q.Lease(ctx, 1, "")
	if err != nil || len(ms) != 1 {
		t.Fatalf("second Lease: %v, %v", ms, err)
	}
	check("leased again", ms[0], marked, time.Time{}, time.Time{})
	ms[0].Recipients[0].DelayNotified = marked.Add(time.Hour)
	ms[0].Recipients[1].DelayNotified = marked.Add(2 * time.Hour)
	out := []delivery.Outcome{deferred("a@example.com", 451, "later"), reply(delivery.Delivered, 250, "2.0.0 ok")}
	out[1].Recipient = "b@example.com"
	if _, err := q.Complete(ctx, ms[0], out); err != nil {
		t.Fatal(err)
	}
	m, err = s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	check("after the second attempt", m, marked, marked.Add(2*time.Hour), time.Time{})
	if m.Recipients[1].State != queue.Delivered {
		t.Errorf("b is %v, want delivered", m.Recipients[1].State)
	}

	// A completion whose message has no marks clears none.
	clk.Add(time.Minute)
	ms, err = q.Lease(ctx, 1, "")
	if err != nil || len(ms) != 1 {
		t.Fatalf("third Lease: %v, %v", ms, err)
	}
	for i := range ms[0].Recipients {
		ms[0].Recipients[i].DelayNotified = time.Time{}
	}
	if _, err := q.Complete(ctx, ms[0], []delivery.Outcome{deferred("a@example.com", 451, "later")}); err != nil {
		t.Fatal(err)
	}
	m, err = s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	check("after an attempt without marks", m, marked, marked.Add(2*time.Hour), time.Time{})
}

func testDeadLetters(t *testing.T, s queue.Store) {
	ctx := context.Background()
	id := enqueue(t, s, env("a@example.com", "b@example.com"), "body", t0)
	other := enqueue(t, s, env("c@example.com"), "x", t0.Add(time.Hour))
	m := lease(t, s, t0, time.Minute, 1, "")[0]
	outs := []queue.Outcome{
		delivered("a@example.com")[0],
		{Recipient: "b@example.com", State: queue.Failed, Attempt: reply(delivery.Failed, 550, "5.1.1 no such user")},
	}
	if err := s.Complete(ctx, id, m.Lease, t0, outs); err != nil {
		t.Fatal(err)
	}
	dead, err := s.List(ctx, queue.ListOptions{Dead: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].ID != id || !dead[0].Dead {
		t.Fatalf("dead letters %v, want [%s]", ids(dead), id)
	}
	if r := dead[0].Recipients[1]; r.State != queue.Failed || r.Last() == nil || r.Last().Code != 550 ||
		r.Last().Enhanced != (delivery.EnhancedCode{5, 1, 1}) || r.Last().Text != "no such user" || r.Expired() {
		t.Errorf("failed recipient %+v, want Failed with the 550 5.1.1 reply kept as data", r)
	}
	live, _ := s.List(ctx, queue.ListOptions{})
	if len(live) != 1 || live[0].ID != other {
		t.Errorf("live list %v, want [%s]", ids(live), other)
	}
	if ms := lease(t, s, t0.Add(2*time.Hour), time.Minute, 10, ""); len(ms) != 1 || ms[0].ID != other {
		t.Errorf("leased %v; a dead letter must not be leased", ids(ms))
	}
	c, _ := s.Counts(ctx, t0)
	if c.Dead != 1 || c.Queued != 1 {
		t.Errorf("Counts = %+v, want Dead 1 Queued 1", c)
	}
	if got := readBody(t, s, id); got != "body" {
		t.Errorf("dead letter body %q", got)
	}
	if err := s.Requeue(ctx, other, t0); !errors.Is(err, queue.ErrInvalidInput) {
		t.Errorf("Requeue of a live message: %v, want ErrInvalidInput", err)
	}
	now := t0.Add(3 * time.Hour)
	if err := s.Requeue(ctx, id, now); err != nil {
		t.Fatalf("Requeue: %v", err)
	}
	ms := lease(t, s, now, time.Minute, 10, "")
	var back *queue.Message
	for _, m := range ms {
		if m.ID == id {
			back = m
		}
	}
	if back == nil {
		t.Fatalf("requeued message not leased (got %v)", ids(ms))
	}
	if back.Dead || back.Recipients[0].State != queue.Delivered || back.Recipients[1].State != queue.Pending {
		t.Errorf("requeued message %+v: want live, a delivered, b pending", back)
	}
	if c, _ := s.Counts(ctx, now); c.Dead != 0 {
		t.Errorf("Dead = %d after requeue", c.Dead)
	}
}

func testRemove(t *testing.T, s queue.Store) {
	ctx := context.Background()
	id := enqueue(t, s, env("a@example.com"), "x", t0)
	if err := s.Remove(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("Get after Remove: %v", err)
	}
	if ms := lease(t, s, t0, time.Minute, 1, ""); len(ms) != 0 {
		t.Error("removed message leased")
	}
	if err := s.Remove(ctx, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("second Remove: %v, want ErrNotFound", err)
	}
	// A dead letter can be removed too.
	id2 := enqueue(t, s, env("b@example.com"), "x", t0)
	m := lease(t, s, t0, time.Minute, 1, "")[0]
	s.Complete(ctx, id2, m.Lease, t0, []queue.Outcome{{Recipient: "b@example.com", State: queue.Failed, Attempt: reply(delivery.Failed, 550, "no")}})
	if err := s.Remove(ctx, id2); err != nil {
		t.Fatalf("Remove of a dead letter: %v", err)
	}
	if c, _ := s.Counts(ctx, t0); c.Dead != 0 || c.Queued != 0 {
		t.Errorf("Counts after removals = %+v", c)
	}
}

func testDomainLease(t *testing.T, s queue.Store) {
	slow := enqueue(t, s, env("a@slow.example"), "x", t0)
	enqueue(t, s, env("b@slow.example"), "x", t0)
	fast := enqueue(t, s, env("c@Fast.Example", "d@fast.example"), "x", t0.Add(time.Second))
	mixed := enqueue(t, s, env("e@slow.example", "f@fast.example"), "x", t0)
	got := ids(lease(t, s, t0.Add(time.Minute), time.Minute, 10, "fast.example"))
	if len(got) != 1 || got[0] != fast {
		t.Errorf("lease for fast.example got %v, want [%s]", got, fast)
	}
	got = ids(lease(t, s, t0.Add(time.Minute), time.Minute, 1, "SLOW.example"))
	if len(got) != 1 || got[0] != slow {
		t.Errorf("lease for slow.example got %v, want [%s] first", got, slow)
	}
	got = ids(lease(t, s, t0.Add(time.Minute), time.Minute, 10, ""))
	if len(got) != 2 || !contains(got, mixed) {
		t.Errorf("unfiltered lease got %v, want the other slow one and %s", got, mixed)
	}
}

func contains(ids []queue.ID, id queue.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func testCountsAndList(t *testing.T, s queue.Store) {
	ctx := context.Background()
	var all []queue.ID
	for i := range 7 {
		e := env(fmt.Sprintf("u%d@d%d.example", i, i%2))
		e.Tenant = fmt.Sprintf("t%d", i%3)
		all = append(all, enqueue(t, s, e, "x", t0.Add(time.Duration(i)*time.Minute)))
	}
	lease(t, s, t0, time.Hour, 1, "") // leases the first
	c, err := s.Counts(ctx, t0.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if c.Queued != 7 || c.Leased != 1 || c.Due != 3 || c.Dead != 0 {
		t.Errorf("Counts = %+v, want Queued 7 Leased 1 Due 3 Dead 0", c)
	}
	if c.ByDomain["d0.example"] != 4 || c.ByDomain["d1.example"] != 3 {
		t.Errorf("ByDomain = %v, want d0.example 4, d1.example 3", c.ByDomain)
	}
	var pages []queue.ID
	var after queue.ID
	for {
		ms, err := s.List(ctx, queue.ListOptions{Limit: 3, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			break
		}
		if len(ms) > 3 {
			t.Fatalf("List returned %d with Limit 3", len(ms))
		}
		pages = append(pages, ids(ms)...)
		after = ms[len(ms)-1].ID
	}
	if fmt.Sprint(sorted(pages)) != fmt.Sprint(sorted(all)) || len(pages) != 7 {
		t.Errorf("paged List gave %v, want %v", pages, all)
	}
	ms, _ := s.List(ctx, queue.ListOptions{Tenant: "t0"})
	if len(ms) != 3 {
		t.Errorf("List for tenant t0 gave %d, want 3", len(ms))
	}
	ms, _ = s.List(ctx, queue.ListOptions{Domain: "d1.example"})
	if len(ms) != 3 {
		t.Errorf("List for d1.example gave %d, want 3", len(ms))
	}
}

func sorted(ids []queue.ID) []queue.ID {
	out := append([]queue.ID(nil), ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func testIdempotency(t *testing.T, s queue.Store) {
	ctx := context.Background()
	e := env("a@example.com")
	e.Tenant, e.IdempotencyKey = "t1", "order-42"
	a := enqueue(t, s, e, "first", t0)
	b := enqueue(t, s, e, "second", t0)
	if a != b {
		t.Errorf("same idempotency key gave IDs %s and %s", a, b)
	}
	if got := readBody(t, s, a); got != "first" {
		t.Errorf("body %q, want the first enqueue's", got)
	}
	e.Tenant = "t2"
	if c := enqueue(t, s, e, "third", t0); c == a {
		t.Error("another tenant's key matched")
	}
	if n, _ := s.Counts(ctx, t0); n.Queued != 2 {
		t.Errorf("Queued = %d, want 2", n.Queued)
	}
}

func testConcurrentWorkers(t *testing.T, s queue.Store) {
	ctx := context.Background()
	const n, workers = 200, 8
	want := map[queue.ID]bool{}
	var wmu sync.Mutex
	var pg sync.WaitGroup
	errc := make(chan error, n+workers)
	for p := range 4 {
		pg.Add(1)
		go func() {
			defer pg.Done()
			for i := range n / 4 {
				id, err := s.Enqueue(ctx, env(fmt.Sprintf("p%d-%d@example.com", p, i)), strings.NewReader("x"), t0, t0)
				if err != nil {
					errc <- err
					return
				}
				wmu.Lock()
				want[id] = true
				wmu.Unlock()
			}
		}()
	}
	pg.Wait()
	var mu sync.Mutex
	done := map[queue.ID]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t0, Duration: time.Hour, Max: 5})
				if err != nil {
					errc <- err
					return
				}
				if len(ms) == 0 {
					return
				}
				for _, m := range ms {
					if err := s.Complete(ctx, m.ID, m.Lease, t0, delivered(m.Recipients[0].Addr)); err != nil {
						errc <- fmt.Errorf("completing %s: %w", m.ID, err)
						return
					}
					mu.Lock()
					done[m.ID]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if len(want) != n {
		t.Fatalf("enqueued %d distinct IDs, want %d", len(want), n)
	}
	for id, k := range done {
		if k != 1 {
			t.Errorf("message %s delivered %d times", id, k)
		}
		if !want[id] {
			t.Errorf("delivered unknown message %s", id)
		}
	}
	if len(done) != n {
		t.Errorf("delivered %d messages, want %d", len(done), n)
	}
	if c, _ := s.Counts(ctx, t0); c.Queued != 0 {
		t.Errorf("%d messages left", c.Queued)
	}
}

// clock is a settable clock for Queue.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func testQueueRetry(t *testing.T, s queue.Store) {
	ctx := context.Background()
	clk := &clock{t: t0}
	q := &queue.Queue{Store: s, Now: clk.Now, Schedules: map[string]queue.Schedule{
		"fast": {Initial: time.Minute, Max: 3 * time.Minute, Jitter: 0.5},
	}}
	e := env("a@example.com")
	e.Class = "fast"
	id, err := q.Enqueue(ctx, e, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	// Delays 1m, 2m, 3m (capped), 3m, each shortened by up to half.
	for i, full := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute} {
		ms, err := q.Lease(ctx, 1, "")
		if err != nil || len(ms) != 1 || ms[0].ID != id {
			t.Fatalf("attempt %d: leased %v, %v", i+1, ms, err)
		}
		dec, err := q.Complete(ctx, ms[0], []delivery.Outcome{deferred("a@example.com", 451, "try later")})
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(dec) != 1 || dec[0].State != queue.Pending || !dec[0].RetryAt.Equal(m.NextAttempt) || dec[0].Outcome.Code != 451 || dec[0].Outcome.Text != "try later" {
			t.Errorf("attempt %d: Complete decided %+v; want a@example.com deferred until %v", i+1, dec, m.NextAttempt)
		}
		d := m.NextAttempt.Sub(clk.Now())
		if d > full || d < full/2-time.Millisecond { // retry times are in whole milliseconds
			t.Errorf("attempt %d: retry in %v, want between %v and %v", i+1, d, full/2, full)
		}
		if r := m.Recipients[0]; r.Attempts != i+1 || len(r.History) != i+1 || r.Last().Code != 451 || r.Last().Status != delivery.Deferred {
			t.Errorf("attempt %d: recipient %+v", i+1, m.Recipients[0])
		}
		clk.Add(d)
	}
	// The default schedule begins at 5 minutes.
	id2, _ := q.Enqueue(ctx, env("b@example.com"), strings.NewReader("x"))
	ms, _ := q.Lease(ctx, 10, "")
	for _, m := range ms {
		if m.ID == id2 {
			q.Complete(ctx, m, []delivery.Outcome{deferred("b@example.com", 421, "busy")})
		}
	}
	m, err := s.Get(ctx, id2)
	if err != nil {
		t.Fatal(err)
	}
	if d := m.NextAttempt.Sub(clk.Now()); d > 5*time.Minute || d < 4*time.Minute {
		t.Errorf("default first retry in %v, want 4 to 5 minutes", d)
	}
}

func testQueueExpiry(t *testing.T, s queue.Store) {
	ctx := context.Background()
	clk := &clock{t: t0}
	q := &queue.Queue{Store: s, Now: clk.Now, Default: queue.Schedule{Initial: time.Hour, MaxAge: 90 * time.Minute, Jitter: -1}}
	id, err := q.Enqueue(ctx, env("a@example.com"), strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	fail := []delivery.Outcome{deferred("a@example.com", 451, "later")}
	ms, _ := q.Lease(ctx, 1, "")
	if _, err := q.Complete(ctx, ms[0], fail); err != nil { // retry at +1h: within 90m
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	ms, _ = q.Lease(ctx, 1, "")
	if len(ms) != 1 {
		t.Fatal("not due after an hour")
	}
	dec, err := q.Complete(ctx, ms[0], fail) // +2h: past 90m, expires
	if err != nil {
		t.Fatal(err)
	}
	if len(dec) != 1 || dec[0].State != queue.Failed || !dec[0].Expired || dec[0].Outcome.Code != 451 || dec[0].Outcome.Status != delivery.Deferred {
		t.Errorf("Complete decided %+v; want a@example.com failed as expired, with the last error", dec)
	}
	m, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Recipients[0]; !m.Dead || r.State != queue.Failed || !r.Expired() || len(r.History) != 2 || r.Last().Text != "later" {
		t.Errorf("after max age: Dead %v, recipient %+v; want a dead letter failed as expired", m.Dead, m.Recipients[0])
	}
}

func testQueueHook(t *testing.T, s queue.Store) {
	ctx := context.Background()
	var events []string
	q := &queue.Queue{Store: s, Hook: func(e queue.Event) {
		events = append(events, e.Kind.String()+":"+e.Recipient)
		if e.ID == "" || e.Tenant != "t" {
			t.Errorf("event without ID or tenant: %+v", e)
		}
	}}
	e := env("a@example.com", "b@example.com", "c@example.com")
	e.Tenant = "t"
	if _, err := q.Enqueue(ctx, e, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	ms, _ := q.Lease(ctx, 1, "")
	ok := reply(delivery.Delivered, 250, "2.0.0 queued")
	ok.Recipient = "a@example.com"
	dec, err := q.Complete(ctx, ms[0], []delivery.Outcome{ok, deferred("b@example.com", 451, "later"), failed("c@example.com", 550, "no")})
	if err != nil {
		t.Fatal(err)
	}
	want := "[enqueued: attempted: delivered:a@example.com deferred:b@example.com failed:c@example.com]"
	if fmt.Sprint(events) != want {
		t.Errorf("events %v, want %s", events, want)
	}
	var got []string
	for _, d := range dec {
		got = append(got, fmt.Sprintf("%s:%s:%d:%v", d.Recipient, d.State, d.Outcome.Code, d.Expired))
	}
	if want := "[a@example.com:delivered:250:false b@example.com:pending:451:false c@example.com:failed:550:false]"; fmt.Sprint(got) != want {
		t.Errorf("Complete decided %v, want %s", got, want)
	}
	// A stale lease decides nothing.
	if dec, err := q.Complete(ctx, ms[0], []delivery.Outcome{deferred("b@example.com", 451, "later")}); !errors.Is(err, queue.ErrLeaseLost) || dec != nil {
		t.Errorf("Complete with a stale lease: %v, %v; want ErrLeaseLost and no decisions", dec, err)
	}
}

// patternReader yields n pseudo-random bytes without holding them.
type patternReader struct {
	rng *rand.ChaCha8
	n   int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n {
		b = b[:p.n]
	}
	p.rng.Read(b)
	p.n -= int64(len(b))
	return len(b), nil
}

func testLargeMessage(t *testing.T, s queue.Store) {
	ctx := context.Background()
	const size = 20 << 20
	seed := [32]byte{7}
	h := sha256.New()
	io.Copy(h, &patternReader{rand.NewChaCha8(seed), size})
	want := h.Sum(nil)
	q := &queue.Queue{Store: s}
	id, err := q.Enqueue(ctx, env("a@example.com"), &patternReader{rand.NewChaCha8(seed), size})
	if err != nil {
		t.Fatalf("Enqueue of %d bytes: %v", size, err)
	}
	m, err := s.Get(ctx, id)
	if err != nil || m.Size != size {
		t.Fatalf("Get: %+v, %v; want Size %d", m, err, size)
	}
	rc, err := s.Body(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h.Reset()
	n, err := io.Copy(h, rc)
	if err != nil || n != size || !bytes.Equal(h.Sum(nil), want) {
		t.Fatalf("body read back: %d bytes, err %v, hash match %v", n, err, bytes.Equal(h.Sum(nil), want))
	}
	// Removing it frees the body.
	if err := s.Remove(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Body(ctx, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("Body after Remove: %v", err)
	}
}

func testEmptyBody(t *testing.T, s queue.Store) {
	id := enqueue(t, s, env("a@example.com"), "", t0)
	if got := readBody(t, s, id); got != "" {
		t.Errorf("empty body came back as %q", got)
	}
}

func testBadEnvelope(t *testing.T, s queue.Store) {
	ctx := context.Background()
	tests := []struct {
		name string
		env  *queue.Envelope
		want error
	}{
		{"nil envelope", nil, queue.ErrNoRecipients},
		{"no recipients", &queue.Envelope{From: "a@example.com"}, queue.ErrNoRecipients},
		{"recipient with CRLF", env("a@example.com\r\nRCPT TO:<x@evil.example>"), queue.ErrInvalidAddress},
		{"recipient with LF", env("a@exa\nmple.com"), queue.ErrInvalidAddress},
		{"recipient without @", env("postmaster"), queue.ErrInvalidAddress},
		{"recipient with empty domain", env("a@"), queue.ErrInvalidAddress},
		{"recipient with angle bracket", env("<a@example.com>"), queue.ErrInvalidAddress},
		{"recipient with space", env("a b@example.com"), queue.ErrInvalidAddress},
		{"local part over 64", env(strings.Repeat("a", 65) + "@example.com"), queue.ErrInvalidAddress},
		{"sender with CR", &queue.Envelope{From: "a\r@example.com", Recipients: []queue.Recipient{{Addr: "b@example.com"}}}, queue.ErrInvalidAddress},
		{"duplicate recipient", env("a@example.com", "a@example.com"), queue.ErrInvalidInput},
		{"bad RET", &queue.Envelope{Ret: "ALL", Recipients: []queue.Recipient{{Addr: "b@example.com"}}}, queue.ErrInvalidInput},
		{"ENVID with LF", &queue.Envelope{EnvID: "x\ny", Recipients: []queue.Recipient{{Addr: "b@example.com"}}}, queue.ErrInvalidInput},
		{"NOTIFY with CR", &queue.Envelope{Recipients: []queue.Recipient{{Addr: "b@example.com", Notify: "NEVER\r"}}}, queue.ErrInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Enqueue(ctx, tc.env, strings.NewReader("x"), t0, t0)
			if !errors.Is(err, tc.want) {
				t.Errorf("Enqueue: %v, want %v", err, tc.want)
			}
			if errors.Is(tc.want, queue.ErrInvalidAddress) {
				var ae *queue.AddressError
				if !errors.As(err, &ae) {
					t.Errorf("error %v is not an *AddressError", err)
				}
			}
		})
	}
	if _, err := s.Enqueue(ctx, env("a@example.com"), nil, t0, t0); !errors.Is(err, queue.ErrInvalidInput) {
		t.Errorf("Enqueue with a nil body: %v, want ErrInvalidInput", err)
	}
	if c, _ := s.Counts(ctx, t0); c.Queued != 0 {
		t.Errorf("%d messages stored from bad envelopes", c.Queued)
	}
}

func testOverSize(t *testing.T, s queue.Store) {
	ctx := context.Background()
	q := &queue.Queue{Store: s, MaxSize: 100 << 10}
	if _, err := q.Enqueue(ctx, env("a@example.com"), &patternReader{rand.NewChaCha8([32]byte{}), 100 << 10}); err != nil {
		t.Fatalf("Enqueue of exactly MaxSize: %v", err)
	}
	for _, n := range []int64{100<<10 + 1, 5 << 20} {
		_, err := q.Enqueue(ctx, env("b@example.com"), &patternReader{rand.NewChaCha8([32]byte{}), n})
		if !errors.Is(err, queue.ErrTooLarge) {
			t.Errorf("Enqueue of %d bytes over a %d limit: %v, want ErrTooLarge", n, 100<<10, err)
		}
	}
	if c, _ := s.Counts(ctx, t0); c.Queued != 1 {
		t.Errorf("Queued = %d, want only the message within the limit", c.Queued)
	}
}

type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	clear(p[:k])
	f.n -= k
	return k, nil
}

func testBodyReadError(t *testing.T, s queue.Store) {
	ctx := context.Background()
	boom := errors.New("client went away")
	for _, n := range []int{0, 100, 1 << 20} {
		_, err := s.Enqueue(ctx, env("a@example.com"), &failingReader{n, boom}, t0, t0)
		if !errors.Is(err, boom) {
			t.Errorf("read error after %d bytes: Enqueue returned %v, want it wrapped", n, err)
		}
	}
	if c, _ := s.Counts(ctx, t0); c.Queued != 0 {
		t.Errorf("%d messages stored from failed reads", c.Queued)
	}
}

func testBadOutcome(t *testing.T, s queue.Store) {
	ctx := context.Background()
	id := enqueue(t, s, env("a@example.com", "b@example.com"), "x", t0)
	m := lease(t, s, t0, time.Minute, 1, "")[0]
	tests := []struct {
		name string
		outs []queue.Outcome
	}{
		{"unknown recipient", delivered("z@example.com")},
		{"twice the same", append(delivered("a@example.com"), queue.Outcome{Recipient: "a@example.com", State: queue.Failed, Attempt: reply(delivery.Failed, 550, "no")})},
		{"invalid state", []queue.Outcome{{Recipient: "a@example.com", State: 9, Attempt: reply(delivery.Failed, 550, "no")}}},
		{"no attempt", []queue.Outcome{{Recipient: "a@example.com", State: queue.Delivered}}},
		{"attempt that does not fit", []queue.Outcome{{Recipient: "a@example.com", State: queue.Delivered, Attempt: reply(delivery.Failed, 550, "no")}}},
	}
	for _, tc := range tests {
		if err := s.Complete(ctx, id, m.Lease, t0, tc.outs); !errors.Is(err, queue.ErrInvalidInput) {
			t.Errorf("%s: Complete returned %v, want ErrInvalidInput", tc.name, err)
		}
	}
	got, err := s.Get(ctx, id)
	if err != nil || got.Recipients[0].State != queue.Pending || got.Lease != m.Lease {
		t.Fatalf("after refused outcomes: %+v, %v; want unchanged and still leased", got, err)
	}
	// The lease still works, and final recipients cannot be reported again.
	if err := s.Complete(ctx, id, m.Lease, t0, delivered("a@example.com")); err != nil {
		t.Fatal(err)
	}
	m2 := lease(t, s, t0, time.Minute, 1, "")[0]
	if err := s.Complete(ctx, id, m2.Lease, t0, delivered("a@example.com")); !errors.Is(err, queue.ErrInvalidInput) {
		t.Errorf("outcome for a delivered recipient: %v, want ErrInvalidInput", err)
	}
}

func testBadLease(t *testing.T, s queue.Store) {
	_, err := s.Lease(context.Background(), queue.LeaseRequest{Now: t0, Duration: 0, Max: 1})
	if !errors.Is(err, queue.ErrInvalidInput) {
		t.Errorf("Lease with zero duration: %v, want ErrInvalidInput", err)
	}
}

func testUnknownID(t *testing.T, s queue.Store) {
	ctx := context.Background()
	for _, id := range []queue.ID{"", "nonsense", "0000000000000999", "999999"} {
		if _, err := s.Get(ctx, id); !errors.Is(err, queue.ErrNotFound) {
			t.Errorf("Get(%q): %v, want ErrNotFound", id, err)
		}
		if _, err := s.Body(ctx, id); !errors.Is(err, queue.ErrNotFound) {
			t.Errorf("Body(%q): %v, want ErrNotFound", id, err)
		}
		if err := s.Remove(ctx, id); !errors.Is(err, queue.ErrNotFound) {
			t.Errorf("Remove(%q): %v, want ErrNotFound", id, err)
		}
		if err := s.Complete(ctx, id, "tok", t0, nil); !errors.Is(err, queue.ErrLeaseLost) {
			t.Errorf("Complete(%q): %v, want ErrLeaseLost", id, err)
		}
	}
}

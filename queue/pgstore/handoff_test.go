package pgstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
)

// waitLessees waits until n lessees wait in s.
func waitLessees(t *testing.T, s *pgstore.Store, n int) {
	t.Helper()
	if err := awaitLessees(s, n); err != nil {
		t.Fatal(err)
	}
}

func awaitLessees(s *pgstore.Store, n int) error {
	for deadline := time.Now().Add(10 * time.Second); pgstore.Waiting(s) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d lessees wait, want %d", pgstore.Waiting(s), n)
		}
	}
	return nil
}

// waitListened waits until s made its LISTEN connection. The first
// lessee to wait starts it, and once made it wakes a lessee (for anything
// sent while not listening): a test of hand-offs lets that wake pass, the
// lessee look and wait again, before it enqueues what is to be handed
// over.
func waitListened(t *testing.T, s *pgstore.Store) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); pgstore.Listened(s) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the store did not LISTEN within 10s")
		}
	}
}

func oneRcpt(addr string) *queue.Envelope {
	return &queue.Envelope{Recipients: []queue.Recipient{{Addr: addr}}}
}

func deliveredTo(m *queue.Message) []queue.Outcome {
	return []queue.Outcome{{Recipient: m.Recipients[0].Addr, State: queue.Delivered, Attempt: delivery.Outcome{Status: delivery.Delivered}}}
}

// TestHandOff has a lessee wait while a message is enqueued: the message is
// inserted leased to it and handed over, as a lease would have left it.
// Messages not due, or for another domain, are not handed over.
func TestHandOff(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	got := make(chan []*queue.Message, 1)
	lease := func(domain string) {
		ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 4, Domain: domain, Wait: 20 * time.Second})
		if err != nil {
			t.Error(err)
		}
		got <- ms
	}
	go lease("example.net")
	waitListened(t, s)
	waitLessees(t, s, 1)
	now := time.Now()
	later, err := s.Enqueue(ctx, oneRcpt("later@example.net"), strings.NewReader("later"), now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Enqueue(ctx, oneRcpt("other@example.com"), strings.NewReader("other"), now, now)
	if err != nil {
		t.Fatal(err)
	}
	if n := pgstore.HandedOff(s); n != 0 {
		t.Fatalf("%d messages handed over to a lessee for example.net; want none (one not due, one for another domain)", n)
	}
	waitLessees(t, s, 1) // woken by the message for example.com, it looked and waits again
	id, err := s.Enqueue(ctx, oneRcpt("a@example.net"), strings.NewReader("hello"), now, now)
	if err != nil {
		t.Fatal(err)
	}
	ms := <-got
	if len(ms) != 1 || ms[0].ID != id {
		t.Fatalf("the waiting lessee got %v, want [%s]", ms, id)
	}
	if n := pgstore.HandedOff(s); n != 1 {
		t.Errorf("HandedOff = %d, want 1", n)
	}
	m := ms[0]
	stored, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Lease == "" || stored.Lease != m.Lease || !stored.LeaseExpires.Equal(m.LeaseExpires) || !stored.NextAttempt.Equal(m.NextAttempt) ||
		!stored.Created.Equal(m.Created) || stored.Attempts != 1 || m.Attempts != 1 || stored.Size != m.Size || m.Domain != "example.net" {
		t.Errorf("handed over %+v, stored %+v", m, stored)
	}
	if d := time.Until(m.LeaseExpires); d < 50*time.Second || d > time.Minute {
		t.Errorf("the lease ends in %v, want about a minute", d)
	}
	// Leased: another lease does not take it, a cancel is refused.
	if ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 10}); err != nil || len(ms) != 1 || ms[0].ID != other {
		t.Errorf("Lease = %v, %v; want only %s", ms, err, other)
	}
	if err := s.Cancel(ctx, id, nil, time.Now()); !errors.Is(err, queue.ErrLeased) {
		t.Errorf("Cancel of a handed-over message = %v, want ErrLeased", err)
	}
	rc, err := s.Body(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if string(body) != "hello" {
		t.Errorf("body %q", body)
	}
	if err := s.Complete(ctx, id, m.Lease, time.Now(), deliveredTo(m)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("completed message: Get = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, later); err != nil {
		t.Errorf("the message sent later: %v", err)
	}
}

// TestHandOffControlRace enqueues while lessees wait and cancels or holds
// each message as soon as its enqueue returns: a message handed over is
// leased by then, so the cancel or hold is refused; one that succeeds is
// never delivered.
func TestHandOffControlRace(t *testing.T) {
	s, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	leased := map[queue.ID]int{}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 2, Wait: time.Second})
				if err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
				for _, m := range ms {
					mu.Lock()
					leased[m.ID]++
					mu.Unlock()
					if err := s.Complete(context.Background(), m.ID, m.Lease, time.Now(), deliveredTo(m)); err != nil {
						t.Errorf("Complete(%s): %v", m.ID, err)
					}
				}
			}
		}()
	}
	const n = 150
	won := map[queue.ID]bool{}
	var ids []queue.ID
	var pw sync.WaitGroup
	var wmu sync.Mutex
	for p := range 3 {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := p; i < n; i += 3 {
				if i%3 != 0 { // so that most are handed over
					if err := awaitLessees(s, 1); err != nil {
						t.Error(err)
						return
					}
				}
				now := time.Now()
				id, err := s.Enqueue(ctx, oneRcpt(fmt.Sprintf("r%d@example.com", i)), strings.NewReader("x"), now, now)
				if err != nil {
					t.Error(err)
					return
				}
				if i%2 == 0 {
					err = s.Cancel(ctx, id, nil, time.Now())
				} else {
					err = s.Hold(ctx, id, time.Now())
				}
				if err != nil && !errors.Is(err, queue.ErrLeased) && !errors.Is(err, queue.ErrNotFound) {
					t.Errorf("control of %s: %v", id, err)
				}
				wmu.Lock()
				ids = append(ids, id)
				won[id] = err == nil
				wmu.Unlock()
			}
		}()
	}
	pw.Wait()
	time.Sleep(300 * time.Millisecond) // let the lessees finish what they have
	cancel()
	wg.Wait()
	handed, w := pgstore.HandedOff(s), 0
	for _, id := range ids {
		switch {
		case won[id] && leased[id] > 0:
			t.Errorf("message %s was canceled or held, and leased", id)
		case !won[id] && leased[id] != 1:
			t.Errorf("message %s was leased %d times", id, leased[id])
		}
		if won[id] {
			w++
		}
	}
	t.Logf("%d messages, %d handed over at enqueue, %d cancels and holds came first", len(ids), handed, w)
	if handed == 0 {
		t.Error("no message was handed over: the test did not exercise the hand-off")
	}
}

const handOffEnv = "MXKIT_PGSTORE_HANDOFF_SCHEMA"

// TestHandOffKilledChild is the child process of TestHandOffKilled: it
// enqueues a message while its lessee waits, prints its ID once handed
// over, and waits to be killed.
func TestHandOffKilledChild(t *testing.T) {
	schema := os.Getenv(handOffEnv)
	if schema == "" {
		t.Skip("run by TestHandOffKilled")
	}
	ctx := context.Background()
	s, err := pgstore.Open(ctx, testenv.PostgresDSN(t), &pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	// A first wait starts the LISTEN connection, which wakes a lessee
	// when it connects: that one, not the lessee below.
	s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Second, Max: 1, Wait: 300 * time.Millisecond})
	waitListened(t, s)
	got := make(chan []*queue.Message, 1)
	go func() {
		ms, _ := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: 2 * time.Second, Max: 1, Wait: time.Minute})
		got <- ms
	}()
	waitLessees(t, s, 1)
	now := time.Now()
	id, err := s.Enqueue(ctx, oneRcpt("a@example.com"), strings.NewReader("x"), now, now)
	if err != nil {
		t.Fatal(err)
	}
	if ms := <-got; len(ms) != 1 || ms[0].ID != id || pgstore.HandedOff(s) != 1 {
		t.Fatalf("lessee got %v (%d handed over), want %s handed over", ms, pgstore.HandedOff(s), id)
	}
	fmt.Printf("HANDED %s\n", id)
	time.Sleep(time.Minute)
}

// TestHandOffKilled kills a process holding a message handed over at
// enqueue: its lease runs out and another process leases and delivers it,
// once.
func TestHandOffKilled(t *testing.T) {
	s, schema := openTemp(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHandOffKilledChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), handOffEnv+"="+schema)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var id queue.ID
	sc := bufio.NewScanner(out)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if v, ok := strings.CutPrefix(sc.Text(), "HANDED "); ok {
			id = queue.ID(v)
			break
		}
	}
	cmd.Process.Kill()
	go io.Copy(io.Discard, out)
	cmd.Wait()
	if id == "" {
		t.Fatalf("the child did not hand a message over:\n%s", strings.Join(lines, "\n"))
	}
	ctx := context.Background()
	m, err := s.Get(ctx, id)
	if err != nil || !m.Leased(time.Now()) {
		t.Fatalf("after the kill: %+v, %v; want the message leased", m, err)
	}
	ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 5, Wait: 10 * time.Second})
	if err != nil || len(ms) != 1 || ms[0].ID != id || ms[0].Attempts != 2 {
		t.Fatalf("Lease after the kill = %v, %v; want %s on its second attempt", ms, err, id)
	}
	if err := s.Complete(ctx, id, ms[0].Lease, time.Now(), deliveredTo(ms[0])); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Counts(ctx, time.Now()); err != nil || c.Queued != 0 {
		t.Errorf("Counts = %+v, %v; want an empty queue", c, err)
	}
}

package queue_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/queuetest"
)

// copyDir copies the files of src into dst, one level of folders deep.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenV1Queue opens a queue written by the store before records had
// optional fields and due times left the database (testdata/v1, made by
// testdata/v1gen at commit 37098e3) and checks that every message is kept
// as that version reported it, bodies intact, and that the queue works on.
func TestOpenV1Queue(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "testdata/v1", dir)
	want := queuetest.ReadLegacy(t, "testdata/v1-expected.json")
	for _, w := range want {
		// Leases end with the process that granted them; the message
		// is due when its lease would have run out.
		w.Message.Lease, w.Message.LeaseExpires = "", time.Time{}
	}
	ctx := context.Background()
	for round := range 2 { // the second Open finds the file moved already
		s, err := queue.Open(dir, nil)
		if err != nil {
			t.Fatalf("round %d: Open: %v", round, err)
		}
		queuetest.CheckLegacy(t, s, round, want)
		c, err := s.Counts(ctx, time.Date(2026, 3, 1, 12, 2, 0, 0, time.UTC))
		if err != nil || c.Queued != 6 || c.Dead != 2 || c.Due != 3 {
			t.Errorf("Counts = %+v, %v; want 6 queued (3 due at 12:02), 2 dead", c, err)
		}
		s.Close()
	}

	s, err := queue.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The idempotency keys still answer.
	e := &queue.Envelope{Recipients: []queue.Recipient{{Addr: "a@dest.example"}}, Tenant: "acme", IdempotencyKey: "order-1001"}
	if id, err := s.Enqueue(ctx, e, strings.NewReader("again"), time.Now(), time.Now()); err != nil || id != "0000000000000001" {
		t.Errorf("Enqueue with an old idempotency key: %s, %v; want the old message", id, err)
	}
	// Everything live is leased and completes; new messages get new IDs.
	id, err := s.Enqueue(ctx, &queue.Envelope{Recipients: []queue.Recipient{{Addr: "n@dest.example"}}, Priority: queue.PriorityBulk},
		strings.NewReader("new"), time.Now(), time.Now())
	if err != nil || id <= "0000000000000008" {
		t.Fatalf("Enqueue: %s, %v; want an ID after the old ones", id, err)
	}
	later := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 100})
	if err != nil || len(ms) != 7 {
		t.Fatalf("Lease: %d messages, %v; want the 6 old live ones and the new one", len(ms), err)
	}
	queuetest.DeliverPending(t, s, ms, later)
	for _, id := range []queue.ID{"0000000000000006", "0000000000000007"} {
		if err := s.Requeue(ctx, id, later); err != nil {
			t.Errorf("Requeue(%s) of an old dead letter: %v", id, err)
		}
	}
	if c, _ := s.Counts(ctx, later); c.Queued != 2 || c.Dead != 0 {
		t.Errorf("after delivering everything and requeueing the dead: %+v", c)
	}
}

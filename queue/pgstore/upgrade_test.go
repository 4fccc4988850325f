package pgstore_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
	"github.com/mxkit/mxkit/queue/queuetest"
)

// loadDump creates schema from a gzipped pg_dump of the schema
// mxq_v1_fixture.
func loadDump(t *testing.T, dsn, file, schema string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, `\`) {
			continue // psql's meta-commands (\restrict)
		}
		script.WriteString(strings.ReplaceAll(line, "mxq_v1_fixture", schema))
		script.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := testenv.DropSchema(ctx, dsn, schema); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Without arguments pgx sends the script in one simple query.
	if _, err := conn.Exec(ctx, script.String()); err != nil {
		t.Fatalf("loading %s: %v", file, err)
	}
}

// TestMigrateV1 loads a schema written by the store at version 1 (made by
// testdata/v1gen at commit 37098e3), opens it, which migrates it under the
// advisory lock, and checks that every message is kept as that version
// reported it, bodies intact, and that the queue works on.
func TestMigrateV1(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	first, schema := openTemp(t) // a schema name, dropped at the end
	first.Close()
	loadDump(t, dsn, "testdata/v1.sql.gz", schema)
	want := queuetest.ReadLegacy(t, "testdata/v1-expected.json")
	ctx := context.Background()
	for round := range 2 { // the second Open finds the schema migrated
		s, err := pgstore.Open(ctx, dsn, &pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatalf("round %d: Open: %v", round, err)
		}
		queuetest.CheckLegacy(t, s, round, want)
		s.Close()
	}

	s, err := pgstore.Open(ctx, dsn, &pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := &queue.Envelope{Recipients: []queue.Recipient{{Addr: "a@dest.example"}}, Tenant: "acme", IdempotencyKey: "order-1001"}
	if id, err := s.Enqueue(ctx, e, strings.NewReader("again"), time.Now(), time.Now()); err != nil || id != "1" {
		t.Errorf("Enqueue with an old idempotency key: %s, %v; want the old message", id, err)
	}
	t1 := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
	ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t1, Duration: time.Minute, Max: 100})
	if err != nil || len(ms) != 4 {
		t.Fatalf("Lease at 12:30: %d messages, %v; want the 4 due (not the one scheduled, not the one leased)", len(ms), err)
	}
	// The message leased by the old version is still leased; its holder
	// completes it.
	for _, w := range want {
		if w.Message.Lease != "" {
			if err := s.Complete(ctx, w.Message.ID, w.Message.Lease, t1, []queue.Outcome{{Recipient: "leased@dest.example", State: queue.Delivered, Attempt: delivery.Outcome{Status: delivery.Delivered}}}); err != nil {
				t.Errorf("Complete by the old lease's holder: %v", err)
			}
		}
	}
	queuetest.DeliverPending(t, s, ms, t1)
	for _, m := range ms {
		rc, err := s.Body(ctx, m.ID)
		if err == nil {
			rc.Close()
			t.Errorf("body of the delivered message %s still there", m.ID)
		}
	}
	for _, id := range []queue.ID{"6", "7"} {
		if err := s.Requeue(ctx, id, t1); err != nil {
			t.Errorf("Requeue(%s) of an old dead letter: %v", id, err)
		}
	}
	if c, _ := s.Counts(ctx, t1); c.Queued != 3 || c.Dead != 0 {
		t.Errorf("after delivering the due ones and requeueing the dead: %+v; want 3 queued", c)
	}
}

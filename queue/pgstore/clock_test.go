package pgstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
)

// TestSkewedClock has two machines share a queue, one with a correct clock
// and one whose clock is minutes off (each Queue reads its machine's
// clock): leases, send times and retries follow the database's clock, so
// the skewed one neither leases early nor takes a message whose lease runs.
func TestSkewedClock(t *testing.T) {
	for _, skew := range []time.Duration{-7 * time.Minute, 5 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			dsn := testenv.PostgresDSN(t)
			a, schema := openTemp(t)
			b, err := pgstore.Open(context.Background(), dsn, &pgstore.Options{Schema: schema})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			skewed := func() time.Time { return time.Now().Add(skew) }
			if err := pgstore.SetClock(b, skewed); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			qa := &queue.Queue{Store: a, LeaseTime: time.Minute}
			qb := &queue.Queue{Store: b, LeaseTime: time.Minute, Now: skewed,
				Default: queue.Schedule{Initial: 3 * time.Minute, Jitter: -1}}
			env := func(addr string) *queue.Envelope {
				return &queue.Envelope{Recipients: []queue.Recipient{{Addr: addr}}}
			}

			// A message due now, leased by the skewed machine, is not
			// leased again by the other while that lease runs (a minute by
			// the database's clock, whatever the skewed machine believes).
			id, err := qa.Enqueue(ctx, env("now@example.com"), strings.NewReader("x"))
			if err != nil {
				t.Fatal(err)
			}
			ms, err := qb.Lease(ctx, 10, "")
			if err != nil || len(ms) != 1 || ms[0].ID != id {
				t.Fatalf("skewed machine leased %v, %v; want [%s]", ms, err, id)
			}
			if got, err := qa.Lease(ctx, 10, ""); err != nil || len(got) != 0 {
				t.Fatalf("the other machine leased %d messages (%v) while the skewed one's lease ran", len(got), err)
			}
			// The lease's end, in each machine's own clock, is a minute
			// ahead of it.
			if d := ms[0].LeaseExpires.Sub(skewed()); d < 50*time.Second || d > time.Minute {
				t.Errorf("the skewed machine's lease ends %v ahead by its clock, want about a minute", d)
			}
			if m, _ := a.Get(ctx, id); m == nil || time.Until(m.LeaseExpires) < 50*time.Second || time.Until(m.LeaseExpires) > time.Minute {
				t.Errorf("seen from the other machine the lease ends at %v, want about a minute from now (%v)", m.LeaseExpires, time.Now())
			}
			// A temporary failure reported by the skewed machine is retried
			// three minutes later by the database's clock.
			dec, err := qb.Complete(ctx, ms[0], []delivery.Outcome{{Recipient: "now@example.com", Status: delivery.Deferred, Code: 451, Text: "later"}})
			if err != nil || len(dec) != 1 || dec[0].State != queue.Pending {
				t.Fatalf("Complete: %v, %v", dec, err)
			}
			m, err := a.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Until(m.NextAttempt); d < 170*time.Second || d > 3*time.Minute {
				t.Errorf("seen from the other machine the retry is %v away, want 3 minutes", d)
			}
			if got, _ := qa.Lease(ctx, 10, ""); len(got) != 0 {
				t.Errorf("the other machine leased the message %v before its retry time", ids(got))
			}
			if got, _ := qb.Lease(ctx, 10, ""); len(got) != 0 {
				t.Errorf("the skewed machine leased the message %v before its retry time", ids(got))
			}

			// A message to be sent in two minutes is not leased by the
			// skewed machine now, even if its clock says the time has come.
			e := env("later@example.com")
			e.SendAt = time.Now().Add(2 * time.Minute)
			if _, err := qa.Enqueue(ctx, e, strings.NewReader("x")); err != nil {
				t.Fatal(err)
			}
			for _, q := range []*queue.Queue{qa, qb} {
				if got, _ := q.Lease(ctx, 10, ""); len(got) != 0 {
					t.Errorf("leased %v two minutes before its send time", ids(got))
				}
			}
		})
	}
}

func ids(ms []*queue.Message) []queue.ID {
	var out []queue.ID
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

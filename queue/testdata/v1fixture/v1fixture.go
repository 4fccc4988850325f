// Package v1fixture fills a queue store with the messages of the version-1
// test data (testdata/v1 of the embedded queue, testdata/v1.sql.gz of
// queue/pgstore) and lists what the store reports of them. The two v1gen
// commands share it.
//
// It was run once, with the code of commit 37098e3; testdata is not built
// by go build ./..., so this file may stop compiling as the API changes:
// it is kept as the record of how the test data was made.
package v1fixture

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log"
	"strings"
	"time"

	"github.com/mxkit/mxkit/queue"
)

// Expected is one message as the store reported it, in v1-expected.json.
type Expected struct {
	Message *queue.Message
	Body    string // sha256 of the body, hex
}

// Fill enqueues one message of every kind in s, large being the size of
// the large body (message 3), then leases and completes them so that
// some are deferred, dead or leased, and returns what s lists of them,
// live then dead. It stops the program on an error.
func Fill(ctx context.Context, s queue.Store, large int) []Expected {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	enq := func(e *queue.Envelope, body string, next time.Time) queue.ID {
		id, err := s.Enqueue(ctx, e, strings.NewReader(body), t0, next)
		if err != nil {
			log.Fatal(err)
		}
		return id
	}
	rc := func(addrs ...string) []queue.Recipient {
		var out []queue.Recipient
		for _, a := range addrs {
			out = append(out, queue.Recipient{Addr: a})
		}
		return out
	}
	body := func(tag string, n int) string {
		head := "Subject: " + tag + "\r\n\r\n"
		return head + strings.Repeat("x", max(0, n-len(head)))
	}

	// 1. Live and due, every envelope field set, DSN parameters.
	enq(&queue.Envelope{
		From: "bounce+1@sender.example",
		Recipients: []queue.Recipient{
			{Addr: "a@dest.example", Notify: "SUCCESS,FAILURE", ORcpt: "rfc822;a@dest.example"},
			{Addr: "\"b c\"@dest.example", Notify: "NEVER"},
		},
		Ret: "HDRS", EnvID: "env-0001", Tenant: "acme", Campaign: "spring", Class: "transactional",
		IdempotencyKey: "order-1001",
	}, body("live", 300), t0)
	// 2. Live, due later (scheduled), null sender, recipients in two domains.
	enq(&queue.Envelope{Recipients: rc("x@one.example", "y@two.example"), Tenant: "acme", Class: "bulk"},
		body("scheduled", 200), t0.Add(48*time.Hour))
	// 3. A large body (in a file for the embedded store, in two chunks
	// for PostgreSQL), RET=FULL.
	enq(&queue.Envelope{From: "news@sender.example", Recipients: rc("big@dest.example"), Ret: "FULL",
		Tenant: "globex", Campaign: "newsletter-7"}, body("large", large), t0)
	// 4. Empty body.
	enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("empty@dest.example")}, "", t0)
	// 5. Deferred with errors: one recipient delivered, two retried.
	id5 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("d1@grey.example", "d2@grey.example", "d3@grey.example"),
		Tenant: "initech", IdempotencyKey: "k-5"}, body("deferred", 2000), t0)
	// 6. Dead: one delivered, one failed permanently.
	id6 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("ok@dest.example", "nouser@dest.example"),
		Tenant: "initech", Campaign: "c-6"}, body("dead", 500), t0)
	// 7. Dead (its body in a file for the embedded store), failed as
	// expired.
	id7 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("slow@far.example"), Class: "bulk"},
		body("expired", 5000), t0)
	// 8. Leased, the lease running until t0+1h1m.
	id8 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("leased@dest.example"), Tenant: "acme"},
		body("leased", 100), t0)

	// Lease all due messages once with a short lease, then complete the
	// ones this fixture needs completed.
	ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t0, Duration: time.Minute, Max: 100})
	if err != nil {
		log.Fatal(err)
	}
	byID := map[queue.ID]*queue.Message{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	complete := func(id queue.ID, now time.Time, outs []queue.Outcome) {
		m := byID[id]
		if m == nil {
			log.Fatalf("%s not leased", id)
		}
		if err := s.Complete(ctx, id, m.Lease, now, outs); err != nil {
			log.Fatal(err)
		}
	}
	complete(id5, t0.Add(10*time.Second), []queue.Outcome{
		{Recipient: "d1@grey.example", State: queue.Delivered},
		{Recipient: "d2@grey.example", State: queue.Pending, RetryAt: t0.Add(5 * time.Minute), Error: "451 4.7.1 greylisted, try again later"},
		{Recipient: "d3@grey.example", State: queue.Pending, RetryAt: t0.Add(6 * time.Minute), Error: "421 4.4.2 connection dropped"},
	})
	complete(id6, t0.Add(10*time.Second), []queue.Outcome{
		{Recipient: "ok@dest.example", State: queue.Delivered},
		{Recipient: "nouser@dest.example", State: queue.Failed, Error: "550 5.1.1 <nouser@dest.example>: no such user"},
	})
	complete(id7, t0.Add(10*time.Second), []queue.Outcome{
		{Recipient: "slow@far.example", State: queue.Failed, Error: "expired: in queue longer than 120h0m0s; last error: 421 4.4.1 timeout"},
	})
	// The others' leases lapse at t0+1m; lease message 8 again until
	// t0+1h1m and leave it leased.
	ms, err = s.Lease(ctx, queue.LeaseRequest{Now: t0.Add(time.Minute), Duration: time.Hour, Max: 100})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ms {
		if m.ID != id8 {
			// Release the others: complete nothing, which leaves them
			// pending and due at once.
			if err := s.Complete(ctx, m.ID, m.Lease, t0.Add(time.Minute), nil); err != nil {
				log.Fatal(err)
			}
		}
	}

	var out []Expected
	for _, dead := range []bool{false, true} {
		list, err := s.List(ctx, queue.ListOptions{Dead: dead, Limit: 100})
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range list {
			rc, err := s.Body(ctx, m.ID)
			if err != nil {
				log.Fatal(err)
			}
			h := sha256.New()
			if _, err := io.Copy(h, rc); err != nil {
				log.Fatal(err)
			}
			rc.Close()
			out = append(out, Expected{Message: m, Body: hex.EncodeToString(h.Sum(nil))})
		}
	}
	return out
}

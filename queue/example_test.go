package queue_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// A sender queues a message; a worker leases it, delivers and completes it.
func Example() {
	dir, _ := os.MkdirTemp("", "queue-example")
	defer os.RemoveAll(dir)

	store, err := queue.Open(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	q := &queue.Queue{Store: store, Hook: func(e queue.Event) {
		fmt.Println(strings.TrimSpace(e.Kind.String() + " " + e.Recipient))
	}}
	ctx := context.Background()

	env := &queue.Envelope{
		From: "newsletter@example.org",
		Recipients: []queue.Recipient{
			{Addr: "alice@example.com", Notify: "FAILURE"},
			{Addr: "bob@example.com"},
		},
		Tenant: "acme", Campaign: "spring",
	}
	if _, err := q.Enqueue(ctx, env, strings.NewReader("Subject: hello\r\n\r\nHi.\r\n")); err != nil {
		log.Fatal(err)
	}

	// A worker.
	msgs, err := q.Lease(ctx, 10, "example.com")
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		body, _ := store.Body(ctx, m.ID)
		io.Copy(io.Discard, body) // deliver it
		body.Close()
		// One outcome per recipient, as smtpclient's Result.Recipients has.
		decided, err := q.Complete(ctx, m, []delivery.Outcome{
			{Recipient: "alice@example.com", Status: delivery.Delivered, Stage: delivery.StageFinal, Code: 250},
			{Recipient: "bob@example.com", Status: delivery.Deferred, Stage: delivery.StageRcpt, Code: 451,
				Enhanced: delivery.EnhancedCode{4, 7, 1}, Text: "greylisted", Host: "mx.example.com"},
		})
		if err != nil {
			log.Fatal(err)
		}
		for _, d := range decided {
			if d.State == queue.Pending {
				fmt.Println(d.Recipient, "is retried later:", d.RetryAt.After(d.Time))
			}
		}
	}
	c, _ := store.Counts(ctx, time.Now())
	fmt.Println("queued:", c.Queued)
	// Output:
	// enqueued
	// attempted
	// delivered alice@example.com
	// deferred bob@example.com
	// bob@example.com is retried later: true
	// queued: 1
}

func ExampleCheckAddress() {
	err := queue.CheckAddress("bob@example.com\r\nRCPT TO:<eve@example.net>")
	fmt.Println(errors.Is(err, queue.ErrInvalidAddress))
	// Output: true
}

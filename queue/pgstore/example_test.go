package pgstore_test

import (
	"context"
	"log"
	"os"

	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
)

// Several machines share a queue by opening the same database; the first
// Open creates the schema.
func ExampleOpen() {
	ctx := context.Background()
	store, err := pgstore.Open(ctx, os.Getenv("DATABASE_URL"), &pgstore.Options{Schema: "mail_queue"})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	q := &queue.Queue{Store: store}
	_ = q // enqueue, lease and complete as with the embedded store
}

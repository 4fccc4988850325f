package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
	"github.com/mxkit/mxkit/queue/queuetest"
)

// openTemp opens a store in a new schema that is dropped after the test.
func openTemp(t testing.TB) (*pgstore.Store, string) {
	t.Helper()
	dsn := testenv.PostgresDSN(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "mxq_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	s, err := pgstore.Open(ctx, dsn, &pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return s, schema
}

func TestConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Store {
		s, _ := openTemp(t)
		return s
	})
}
